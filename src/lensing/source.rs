//! The background source: its colour at a source-plane position (a Sérsic-like elliptical
//! galaxy, a checkerboard, or a user's PNG), and PNG files in and out.

use crate::config::{SourceConfig, SourceKind};
use crate::io::{stage, IoError, Staged};
use std::path::{Path, PathBuf};

/// Linear RGB in [0, 1].
pub type Rgb = [f32; 3];

/// The sky behind the source.
pub const BACKGROUND: Rgb = [0.01, 0.012, 0.03];

/// An RGB(A) picture in memory, row-major from the top-left.
#[derive(Debug, Clone)]
pub struct Picture {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<Rgb>,
}

impl Picture {
    /// The picture as 8-bit RGB, rows from the top (what the PNG holds).
    pub fn rgb8(&self) -> Vec<u8> {
        self.rgb
            .iter()
            .flat_map(|c| c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
            .collect()
    }
}

/// The source as the renderer samples it.
pub struct Source {
    config: SourceConfig,
    picture: Option<Picture>,
}

impl Source {
    /// The source of a config; `base_dir` resolves `source.image`.
    pub fn new(config: &SourceConfig, base_dir: &Path) -> Result<Source, IoError> {
        let picture = if config.kind == SourceKind::Image {
            let path = if config.image.is_absolute() {
                config.image.clone()
            } else {
                base_dir.join(&config.image)
            };
            Some(read_png(&path)?)
        } else {
            None
        };
        Ok(Source {
            config: config.clone(),
            picture,
        })
    }

    /// The source centre in the source plane, [right, up] [Mpc].
    pub fn offset_mpc(&self) -> [f64; 2] {
        self.config.offset_mpc
    }

    /// The colour at source-plane position [right, up] [Mpc].
    pub fn colour(&self, p_mpc: [f64; 2]) -> Rgb {
        let c = &self.config;
        let x = p_mpc[0] - c.offset_mpc[0];
        let y = p_mpc[1] - c.offset_mpc[1];
        match c.kind {
            SourceKind::Galaxy => {
                let (s, co) = c.angle_deg.to_radians().sin_cos();
                let (u, v) = (co * x + s * y, -s * x + co * y);
                let r = (u * u + (v / c.axis_ratio).powi(2)).sqrt() / c.size_mpc;
                // Sérsic n = 1.5 (b ≈ 2.67): half the light inside r = size.
                let i = (-2.67 * (r.powf(1.0 / 1.5) - 1.0)).exp().min(40.0) as f32 / 14.4;
                let warm = (1.0 / (1.0 + r * r)) as f32;
                // A gentle tone curve, so the faint outskirts that lensing stretches into arcs
                // stay visible next to the bright core.
                let glow = (1.6 * i.powf(0.35)).min(1.0);
                [
                    BACKGROUND[0] + glow * (0.55 + 0.45 * warm),
                    BACKGROUND[1] + glow * (0.6 + 0.3 * warm),
                    BACKGROUND[2] + glow * (0.95 - 0.35 * warm),
                ]
            }
            SourceKind::Checkerboard => {
                let cell = ((x / c.size_mpc).floor() + (y / c.size_mpc).floor()) as i64;
                if cell.rem_euclid(2) == 0 {
                    [0.92, 0.9, 0.85]
                } else {
                    [0.1, 0.25, 0.55]
                }
            }
            SourceKind::Image => {
                let Some(p) = &self.picture else {
                    return BACKGROUND;
                };
                let height_mpc = c.size_mpc * p.height as f64 / p.width as f64;
                let col = ((x / c.size_mpc + 0.5) * p.width as f64).floor();
                let row = ((0.5 - y / height_mpc) * p.height as f64).floor();
                if col < 0.0 || row < 0.0 || col >= p.width as f64 || row >= p.height as f64 {
                    return BACKGROUND;
                }
                p.rgb[row as usize * p.width + col as usize]
            }
        }
    }
}

/// The largest side of a source picture kept in memory [px]: a larger PNG is averaged down
/// to this while it is decoded, row by row (4 bytes of sums a kept pixel), so a 20000² file
/// costs 50 MB, not 6 GB. 2048 px across the source is finer than any image samples it.
pub const SOURCE_MAX_SIDE_PX: usize = 2048;

/// The largest PNG side accepted at all [px]; a header that claims more is refused before
/// any pixel is decoded.
pub const PNG_MAX_SIDE_PX: u32 = 32768;

/// An interlaced PNG comes in seven passes that cannot be averaged a row at a time; it is
/// decoded whole, so only up to this many bytes of pixels.
const INTERLACED_MAX_BYTES: usize = 256 << 20;

/// Reads a PNG (any bit depth and colour type) as RGB, averaged down to at most
/// [`SOURCE_MAX_SIDE_PX`] on its longer side.
pub fn read_png(path: &Path) -> Result<Picture, IoError> {
    let bad = |m: String| IoError::invalid(path, format!("source.image: {m}"));
    crate::io::check_input(path, "source.image")?;
    let file =
        std::fs::File::open(path).map_err(IoError::file(path, "source.image: cannot open"))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w > PNG_MAX_SIDE_PX || h > PNG_MAX_SIDE_PX {
        return Err(bad(format!(
            "is {w} × {h} px; at most {PNG_MAX_SIDE_PX} px a side is read"
        )));
    }
    let channels = reader.output_color_type().0.samples();
    let (w, h) = (w as usize, h as usize);
    let mut shrink = Downsample::new(w, h);
    let rgb_of = |p: &[u8]| -> Rgb {
        let c = |v: u8| v as f32 / 255.0;
        match channels {
            1 | 2 => [c(p[0]); 3],
            _ => [c(p[0]), c(p[1]), c(p[2])],
        }
    };
    if reader.info().interlaced {
        let size = reader
            .output_buffer_size()
            .filter(|s| *s <= INTERLACED_MAX_BYTES)
            .ok_or_else(|| {
                bad(format!(
                    "an interlaced PNG of {w} × {h} px is too large to decode (at most {} MiB of pixels); save it without interlacing",
                    INTERLACED_MAX_BYTES >> 20
                ))
            })?;
        let mut buf = vec![0; size];
        reader
            .next_frame(&mut buf)
            .map_err(|e| bad(e.to_string()))?;
        for row in buf.chunks_exact(w * channels) {
            shrink.add_row(row.chunks_exact(channels).map(rgb_of));
        }
    } else {
        for _ in 0..h {
            let row = reader
                .next_row()
                .map_err(|e| bad(e.to_string()))?
                .ok_or_else(|| bad("ends before its last row".into()))?;
            shrink.add_row(row.data().chunks_exact(channels).map(rgb_of));
        }
    }
    Ok(shrink.finish())
}

/// Box-averages rows of a w × h picture by an integer factor, a row at a time.
struct Downsample {
    factor: usize,
    width: usize,
    height: usize,
    sums: Vec<Rgb>,
    rows_in_sums: usize,
    rows_seen: usize,
    out: Vec<Rgb>,
}

impl Downsample {
    fn new(width: usize, height: usize) -> Downsample {
        let factor = width.max(height).div_ceil(SOURCE_MAX_SIDE_PX).max(1);
        let out_w = width.div_ceil(factor);
        Downsample {
            factor,
            width,
            height,
            sums: vec![[0.0; 3]; out_w],
            rows_in_sums: 0,
            rows_seen: 0,
            out: Vec::with_capacity(out_w * height.div_ceil(factor)),
        }
    }

    fn add_row(&mut self, row: impl Iterator<Item = Rgb>) {
        for (x, c) in row.enumerate().take(self.width) {
            let s = &mut self.sums[x / self.factor];
            for q in 0..3 {
                s[q] += c[q];
            }
        }
        self.rows_in_sums += 1;
        self.rows_seen += 1;
        if self.rows_in_sums == self.factor || self.rows_seen == self.height {
            let (f, w) = (self.factor, self.width);
            for (k, s) in self.sums.iter_mut().enumerate() {
                let cols = (w - k * f).min(f);
                let n = (cols * self.rows_in_sums) as f32;
                self.out.push(s.map(|v| v / n));
                *s = [0.0; 3];
            }
            self.rows_in_sums = 0;
        }
    }

    fn finish(self) -> Picture {
        Picture {
            width: self.sums.len(),
            height: self.out.len() / self.sums.len().max(1),
            rgb: self.out,
        }
    }
}

/// Writes RGB as an 8-bit PNG to a temporary file, which the caller commits (see
/// [`crate::io::stage`]).
pub fn write_png(
    path: &Path,
    picture: &Picture,
    overwrite: bool,
    inputs: &[PathBuf],
) -> Result<Staged, IoError> {
    let bytes = picture.rgb8();
    stage(path, overwrite, inputs, |tmp| {
        // A full disk reaches here as the encoder's io error: a failure to write, not input.
        let fail = |e: png::EncodingError| {
            IoError::file(path, "cannot write the PNG")(match e {
                png::EncodingError::IoError(source) => source,
                other => std::io::Error::other(other),
            })
        };
        let file = std::fs::File::create(tmp).map_err(IoError::file(path, "cannot write"))?;
        let mut encoder = png::Encoder::new(
            std::io::BufWriter::new(file),
            picture.width as u32,
            picture.height as u32,
        );
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(fail)?;
        writer.write_image_data(&bytes).map_err(fail)?;
        writer.finish().map_err(fail)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_pictures_are_averaged_down_on_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.png");
        // 4097 × 2 px: columns alternate black and white, so each 3-px box averages to 1/3 or
        // 2/3, and the last box holds the two columns 4095 (white) and 4096 (black).
        let (w, h) = (4097, 2);
        let rgb = (0..w * h)
            .map(|k| if (k % w) % 2 == 0 { [0.0; 3] } else { [1.0; 3] })
            .collect();
        let picture = Picture {
            width: w,
            height: h,
            rgb,
        };
        write_png(&path, &picture, false, &[])
            .and_then(Staged::commit)
            .unwrap();
        let p = read_png(&path).unwrap();
        assert_eq!((p.width, p.height), (1366, 1));
        assert!((p.rgb[0][0] - 1.0 / 3.0).abs() < 1e-6, "{:?}", p.rgb[0]);
        assert!((p.rgb[1][0] - 2.0 / 3.0).abs() < 1e-6, "{:?}", p.rgb[1]);
        assert_eq!(p.rgb[1365][0], 0.5);
    }
}
