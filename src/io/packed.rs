//! The packed run layout (interface.md §3) for 10⁵–10⁷ rays: one chunked, compressed `states`
//! dataset with `photon_offsets`, written block by block as rays finish, so a run's memory does
//! not grow with its states. Rows are the same, bit for bit, as the per-photon layout's.

use super::error::IoError;
use super::write::{
    append, photon_info, resizable, root_attributes, rows_array, ObservableColumns, PhotonInfo,
    RayRecord, RunMeta,
};
use std::path::{Path, PathBuf};

/// A packed run file being written (to a temporary path; see `write_atomically`).
pub struct PackedWriter {
    file: hdf5::File,
    /// The final path, named in errors.
    path: PathBuf,
    states: hdf5::Dataset,
    info: hdf5::Dataset,
    observables: ObservableColumns,
    rows: usize,
    photons: usize,
    /// photon_offsets so far (8 bytes per photon: the one thing kept for every ray).
    offsets: Vec<i64>,
}

impl PackedWriter {
    /// Creates the file at `tmp` for `n_photons` rays (reported as `path`), its states
    /// deflated at level `deflate` (`output.compression`; 0 = none).
    pub fn create(
        tmp: &Path,
        path: &Path,
        meta: &RunMeta,
        n_photons: usize,
        deflate: u8,
    ) -> Result<PackedWriter, IoError> {
        let fail = IoError::h5_write(path, "cannot write the run file");
        let go = || -> hdf5::Result<PackedWriter> {
            let file = hdf5::File::create(tmp)?;
            root_attributes(&file, meta, n_photons, "packed")?;
            let root = &*file;
            Ok(PackedWriter {
                states: resizable::<f64>(root, "states", 14, deflate)?,
                info: resizable::<PhotonInfo>(root, "photon_info", 0, 0)?,
                observables: ObservableColumns::create(&file)?,
                file,
                path: path.to_path_buf(),
                rows: 0,
                photons: 0,
                offsets: vec![0],
            })
        };
        go().map_err(fail)
    }

    /// Appends the next rays in launch order.
    pub fn append(&mut self, rays: &[RayRecord]) -> Result<(), IoError> {
        let fail = IoError::h5_write(&self.path, "cannot write the run file");
        let go = |w: &mut PackedWriter| -> hdf5::Result<()> {
            let flat: Vec<f64> = rays
                .iter()
                .flat_map(|r| rows_array(r.rows).into_raw_vec_and_offset().0)
                .collect();
            append(&w.states, w.rows, &flat, 14)?;
            let info: Vec<PhotonInfo> = rays
                .iter()
                .enumerate()
                .map(|(k, r)| photon_info(w.photons + k, r.rows))
                .collect();
            append(&w.info, w.photons, &info, 0)?;
            w.observables.append(rays)?;
            for r in rays {
                w.rows += r.rows.len();
                w.offsets.push(w.rows as i64);
            }
            w.photons += rays.len();
            Ok(())
        };
        go(self).map_err(fail)
    }

    /// Replaces the file's warnings by `warnings` (those of the run's meta and the ones its
    /// rays gave as they ended).
    pub fn set_warnings(&self, warnings: &[String]) -> Result<(), IoError> {
        super::write::write_warnings(&self.file, warnings)
            .map_err(IoError::h5_write(&self.path, "cannot write the run file"))
    }

    /// Writes `photon_offsets` and closes the file.
    pub fn finish(self) -> Result<(), IoError> {
        let fail = IoError::h5_write(&self.path, "cannot write the run file");
        self.file
            .new_dataset_builder()
            .with_data(&self.offsets)
            .create("photon_offsets")
            .and_then(|_| self.file.flush())
            .map_err(fail)
    }
}

/// Writes a whole run in the packed layout (merge, and runs already in memory).
pub fn write_packed(
    path: &Path,
    meta: &RunMeta,
    rays: &[RayRecord],
    force: bool,
    deflate: u8,
    inputs: &[PathBuf],
) -> Result<(), IoError> {
    super::atomic::write_atomically(path, force, inputs, |tmp| {
        let mut w = PackedWriter::create(tmp, path, meta, rays.len(), deflate)?;
        w.append(rays)?;
        w.finish()
    })
}
