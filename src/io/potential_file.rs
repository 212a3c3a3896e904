//! The potential file `excalibur potential` writes (interface.md §6) and `potential.file`
//! reads back unchanged: dataset `Phi` float64 [N, N, N] (x slowest) in m²/s², with root
//! attributes `size_mpc`, `origin_mpc`, `phi_units`, `redshift` (the epoch Φ is given at:
//! the snapshot's; 0 for a lens grid, whose Φ₀ is today's comoving potential) and
//! `config_toml`.

use super::error::IoError;
use hdf5::types::VarLenUnicode;
use ndarray::Array3;
use std::path::{Path, PathBuf};

/// What a potential file holds.
pub struct PotentialFile<'a> {
    pub phi: &'a Array3<f64>,
    pub size_mpc: f64,
    pub origin_mpc: [f64; 3],
    pub redshift: f64,
    pub config_toml: &'a str,
}

/// Writes `file` at `path` atomically; refuses to replace an existing file unless `force`,
/// and never replaces one of `inputs`.
pub fn write_potential(
    path: &Path,
    file: &PotentialFile,
    force: bool,
    inputs: &[PathBuf],
) -> Result<(), IoError> {
    super::atomic::write_atomically(path, force, inputs, |tmp| {
        write_to(tmp, file).map_err(IoError::h5_write(path, "cannot write the potential file"))
    })
}

fn write_to(tmp: &Path, p: &PotentialFile) -> hdf5::Result<()> {
    let file = hdf5::File::create(tmp)?;
    file.new_dataset_builder().with_data(p.phi).create("Phi")?;
    file.new_attr::<f64>()
        .create("size_mpc")?
        .write_scalar(&p.size_mpc)?;
    file.new_attr_builder()
        .with_data(&p.origin_mpc)
        .create("origin_mpc")?;
    file.new_attr::<f64>()
        .create("redshift")?
        .write_scalar(&p.redshift)?;
    for (name, value) in [("phi_units", "m2/s2"), ("config_toml", p.config_toml)] {
        let value: VarLenUnicode = value
            .parse()
            .expect("strings without NUL are valid VarLenUnicode");
        file.new_attr::<VarLenUnicode>()
            .create(name)?
            .write_scalar(&value)?;
    }
    file.flush()
}
