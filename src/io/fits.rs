//! FITS files through cfitsio (the `fitsio` crate): image extensions with header cards and a
//! text extension, written into the temporary file of [`super::stage`] like every other
//! output. `image --fits` (interface.md §7) and the Python module share it.

use super::IoError;
use fitsio::images::{ImageDescription, ImageType, WriteImage};
use fitsio::tables::{ColumnDataType, ColumnDescription};
use fitsio::{FileOpenMode, FitsFile};
use std::ffi::CString;
use std::path::{Path, PathBuf};

/// A table column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    F64(Vec<f64>),
    /// FITS 'K' (64-bit integers), e.g. HEALPix pixel indices.
    I64(Vec<i64>),
}

/// One header card: keyword (≤ 8 characters, upper case), value, comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub key: String,
    pub value: CardValue,
    pub comment: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CardValue {
    Text(String),
    Real(f64),
    Int(i64),
}

impl Card {
    pub fn text(key: impl Into<String>, value: impl Into<String>, comment: &'static str) -> Card {
        Card {
            key: key.into(),
            value: CardValue::Text(value.into()),
            comment,
        }
    }
    pub fn real(key: impl Into<String>, value: f64, comment: &'static str) -> Card {
        Card {
            key: key.into(),
            value: CardValue::Real(value),
            comment,
        }
    }
    pub fn int(key: impl Into<String>, value: i64, comment: &'static str) -> Card {
        Card {
            key: key.into(),
            value: CardValue::Int(value),
            comment,
        }
    }
}

/// The pixel types the maps use.
pub enum Pixels<'a> {
    F32(&'a [f32]),
    F64(&'a [f64]),
    I16(&'a [i16]),
}

/// A FITS file being written to `tmp` on behalf of `target` (the name errors give).
pub struct FitsWriter {
    file: FitsFile,
    target: PathBuf,
}

impl FitsWriter {
    /// Creates `tmp` (removing the empty temporary file `stage` made) with
    /// `fits_create_diskfile`, which takes the name literally: `fits_create_file` would read
    /// brackets, `!` or `mem://` in a user's path as cfitsio's extended file-name syntax.
    pub fn create(tmp: &Path, target: &Path) -> Result<FitsWriter, IoError> {
        let bad = |message: &str| IoError::invalid(target, message.to_string());
        let name = CString::new(tmp.as_os_str().as_encoded_bytes())
            .map_err(|_| bad("a file name with a NUL byte"))?;
        if tmp.exists() {
            std::fs::remove_file(tmp)
                .map_err(IoError::file(target, "cannot write the FITS file"))?;
        }
        let mut fptr = std::ptr::null_mut();
        let mut status = 0;
        // SAFETY: `name` is a NUL-terminated string that outlives the call; cfitsio writes the
        // new handle into `fptr` and an error code into `status`.
        unsafe { fitsio::sys::ffdkinit(&mut fptr, name.as_ptr(), &mut status) };
        fitsio::errors::check_status(status)
            .map_err(IoError::fits(target, "cannot create the FITS file"))?;
        // SAFETY: `fptr` is the open read-write handle cfitsio just created; FitsFile owns
        // it from here and closes it on drop.
        let file = unsafe { FitsFile::from_raw(fptr, FileOpenMode::READWRITE) }
            .map_err(IoError::fits(target, "cannot create the FITS file"))?;
        Ok(FitsWriter {
            file,
            target: target.to_path_buf(),
        })
    }

    /// Appends a 2-D image HDU named `name` (the first is the primary), `width` pixels wide,
    /// with `pixels` in FITS order (row 1, the bottom row, first) and `cards` after the
    /// structural keywords.
    pub fn image(
        &mut self,
        name: &str,
        width: usize,
        pixels: Pixels,
        cards: &[Card],
    ) -> Result<(), IoError> {
        let len = match &pixels {
            Pixels::F32(p) => p.len(),
            Pixels::F64(p) => p.len(),
            Pixels::I16(p) => p.len(),
        };
        let data_type = match &pixels {
            Pixels::F32(_) => ImageType::Float,
            Pixels::F64(_) => ImageType::Double,
            Pixels::I16(_) => ImageType::Short,
        };
        let dimensions = [len / width.max(1), width];
        let what = format!("cannot write the {name} image");
        let err = |w: &str| IoError::fits(&self.target, w.to_string());
        let hdu = self
            .file
            .create_image(
                name,
                &ImageDescription {
                    data_type,
                    dimensions: &dimensions,
                },
            )
            .map_err(err(&what))?;
        fn write<T: WriteImage>(
            hdu: &fitsio::hdu::FitsHdu,
            file: &mut FitsFile,
            data: &[T],
        ) -> fitsio::errors::Result<()> {
            hdu.write_image(file, data)
        }
        match pixels {
            Pixels::F32(p) => write(&hdu, &mut self.file, p),
            Pixels::F64(p) => write(&hdu, &mut self.file, p),
            Pixels::I16(p) => write(&hdu, &mut self.file, p),
        }
        .map_err(err(&what))?;
        write_cards(&mut self.file, &hdu, cards).map_err(err(&what))
    }

    /// Appends a binary-table HDU named `name` with one string column TEXT, a row per line of
    /// `text` (UTF-8 as given): astropy gives it back as `"\n".join(hdu.data["TEXT"])`.
    pub fn text(&mut self, name: &str, text: &str, cards: &[Card]) -> Result<(), IoError> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let width = lines.iter().map(String::len).max().unwrap_or(0).max(1);
        let what = format!("cannot write the {name} table");
        let err = |w: &str| IoError::fits(&self.target, w.to_string());
        let column = ColumnDescription::new("TEXT")
            .with_type(ColumnDataType::String)
            .that_repeats(width)
            .create()
            .map_err(err(&what))?;
        let hdu = self
            .file
            .create_table(name.to_string(), &[column])
            .map_err(err(&what))?;
        hdu.write_col(&mut self.file, "TEXT", &lines)
            .map_err(err(&what))?;
        write_cards(&mut self.file, &hdu, cards).map_err(err(&what))
    }

    /// Appends a binary-table HDU named `name` with columns (name, values), all of one length.
    pub fn table(
        &mut self,
        name: &str,
        columns: &[(&str, Column)],
        cards: &[Card],
    ) -> Result<(), IoError> {
        let what = format!("cannot write the {name} table");
        let err = |w: &str| IoError::fits(&self.target, w.to_string());
        let described = columns
            .iter()
            .map(|(c, values)| {
                ColumnDescription::new(*c)
                    .with_type(match values {
                        Column::F64(_) => ColumnDataType::Double,
                        Column::I64(_) => ColumnDataType::LongLong,
                    })
                    .create()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(err(&what))?;
        let hdu = self
            .file
            .create_table(name.to_string(), &described)
            .map_err(err(&what))?;
        for (c, values) in columns {
            match values {
                Column::F64(v) => hdu.write_col(&mut self.file, *c, v),
                Column::I64(v) => hdu.write_col(&mut self.file, *c, v),
            }
            .map_err(err(&what))?;
        }
        write_cards(&mut self.file, &hdu, cards).map_err(err(&what))
    }

    /// Flushes what cfitsio buffered and checks that it reached the file (a full disk shows
    /// here; the close in FitsFile's drop discards its status), then closes the file.
    pub fn close(mut self) -> Result<(), IoError> {
        let mut status = 0;
        // SAFETY: the handle is open (FitsFile owns it until the drop below).
        unsafe { fitsio::sys::ffflus(self.file.as_raw(), &mut status) };
        fitsio::errors::check_status(status)
            .map_err(IoError::fits(&self.target, "cannot write the FITS file"))
    }
}

/// Writes `cards` into `hdu` after its structural keywords.
fn write_cards(
    file: &mut FitsFile,
    hdu: &fitsio::hdu::FitsHdu,
    cards: &[Card],
) -> fitsio::errors::Result<()> {
    for Card {
        key,
        value,
        comment,
    } in cards
    {
        match value {
            CardValue::Text(v) => hdu.write_key(file, key, (v.as_str(), *comment))?,
            CardValue::Real(v) => hdu.write_key(file, key, (*v, *comment))?,
            CardValue::Int(v) => hdu.write_key(file, key, (*v, *comment))?,
        }
    }
    Ok(())
}

/// Reads back what [`FitsWriter`] wrote (the HDUs by name), for `merge` of map shards.
pub struct FitsReader {
    file: FitsFile,
    path: PathBuf,
}

impl FitsReader {
    /// Opens `path` by its literal name (`ffdkopn`: no CFITSIO extended syntax), read-only.
    pub fn open(path: &Path) -> Result<FitsReader, IoError> {
        let name = CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| IoError::invalid(path, "a file name with a NUL byte".to_string()))?;
        let mut fptr = std::ptr::null_mut();
        let mut status = 0;
        // SAFETY: as in `FitsWriter::create`; mode 0 is READONLY.
        unsafe { fitsio::sys::ffdkopn(&mut fptr, name.as_ptr(), 0, &mut status) };
        fitsio::errors::check_status(status)
            .map_err(IoError::fits(path, "cannot open as a FITS file"))?;
        // SAFETY: `fptr` is the open handle cfitsio just returned; FitsFile closes it on drop.
        let file = unsafe { FitsFile::from_raw(fptr, FileOpenMode::READONLY) }
            .map_err(IoError::fits(path, "cannot open as a FITS file"))?;
        Ok(FitsReader {
            file,
            path: path.to_path_buf(),
        })
    }

    fn hdu(&mut self, hdu: &str) -> Result<fitsio::hdu::FitsHdu, IoError> {
        let what = format!("has no {hdu} extension");
        self.file.hdu(hdu).map_err(IoError::fits(&self.path, what))
    }

    /// A header card of HDU `hdu` as text.
    pub fn key_text(&mut self, hdu: &str, key: &str) -> Result<String, IoError> {
        let h = self.hdu(hdu)?;
        let what = format!("{hdu}: no {key} card");
        h.read_key::<String>(&mut self.file, key)
            .map_err(IoError::fits(&self.path, what))
    }

    /// A header card of HDU `hdu` as an integer.
    pub fn key_int(&mut self, hdu: &str, key: &str) -> Result<i64, IoError> {
        let h = self.hdu(hdu)?;
        let what = format!("{hdu}: no integer {key} card");
        h.read_key::<i64>(&mut self.file, key)
            .map_err(IoError::fits(&self.path, what))
    }

    pub fn column_f64(&mut self, hdu: &str, name: &str) -> Result<Vec<f64>, IoError> {
        let h = self.hdu(hdu)?;
        let what = format!("{hdu}: no float column {name}");
        h.read_col::<f64>(&mut self.file, name)
            .map_err(IoError::fits(&self.path, what))
    }

    pub fn column_i64(&mut self, hdu: &str, name: &str) -> Result<Vec<i64>, IoError> {
        let h = self.hdu(hdu)?;
        let what = format!("{hdu}: no integer column {name}");
        h.read_col::<i64>(&mut self.file, name)
            .map_err(IoError::fits(&self.path, what))
    }

    /// The text of a [`FitsWriter::text`] HDU.
    pub fn text(&mut self, hdu: &str) -> Result<String, IoError> {
        let h = self.hdu(hdu)?;
        let what = format!("{hdu}: no TEXT column");
        let lines = h
            .read_col::<String>(&mut self.file, "TEXT")
            .map_err(IoError::fits(&self.path, what))?;
        Ok(lines.join("\n"))
    }
}
