//! Opening a snapshot in the window (Files → "open snapshot", or a file dropped on it): the
//! config is pointed at the file as a user would edit it by hand, and nothing else changes.

use crate::config::{PotentialConfig, PotentialMode, RunConfig, SnapshotFormat};
use crate::io::IoError;
use std::path::Path;

/// The layout of a snapshot file, or `None` when the file is HDF5 but not a snapshot (a run
/// file, a potential file). Errors only when it cannot be opened as HDF5.
pub fn snapshot_format(path: &Path) -> Result<Option<SnapshotFormat>, IoError> {
    crate::io::target::check_input(path, "snapshot")?;
    let file = hdf5::File::open(path).map_err(IoError::h5(path, "cannot open as HDF5"))?;
    Ok(if file.group("Header").is_ok() {
        Some(SnapshotFormat::GadgetHdf5)
    } else if file.dataset("positions").is_ok() {
        Some(SnapshotFormat::Arrays)
    } else {
        None
    })
}

/// Points `config` at the snapshot `path`: `potential.mode = "particles"`, the file and its
/// format, the box taken from the snapshot (`potential.size_mpc` back to its default), and the
/// cosmology the header states (Omega0, OmegaLambda, HubbleParam), which the run would
/// otherwise refuse as a mismatch. Units, types, assignment, growth and replication are kept
/// from the config's `[potential.particles]` (its defaults when it has none: Gadget's kpc/h
/// and 10¹⁰ M☉/h). The config's lenses are removed: the snapshot is the mass. Returns what it
/// did, for the status line.
pub fn open_snapshot(config: &mut RunConfig, path: &Path) -> Result<String, IoError> {
    let format = snapshot_format(path)?.ok_or_else(|| {
        IoError::invalid(
            path,
            "not a snapshot: no group Header (gadget_hdf5) and no dataset positions (arrays)",
        )
    })?;
    // Absolute, so the config's folder does not change what it names.
    let path = &std::fs::canonicalize(path)
        .map_err(|e| IoError::invalid(path, format!("cannot resolve the path: {e}")))?;
    let mut particles = config.potential.particles.clone().unwrap_or_default();
    particles.file = path.to_path_buf();
    particles.format = format;
    let h = config.cosmology.h0_km_s_mpc / 100.0;
    let header = super::snapshot::read_header(path, &particles, h)?;
    let mut said = format!(
        "opened snapshot {} ({} particles, box {:.1} Mpc, z = {})",
        path.display(),
        header.particles,
        header.box_mpc,
        header.redshift
    );
    if let Some((omega_m, omega_lambda, hubble)) = header.cosmology {
        let c = &mut config.cosmology;
        c.omega_m = omega_m;
        c.omega_lambda = omega_lambda;
        c.h0_km_s_mpc = 100.0 * hubble;
        said +=
            &format!("; cosmology from its header: Ωm {omega_m}, ΩΛ {omega_lambda}, h {hubble}");
    }
    // The snapshot's Φ is the whole potential: lenses would still stop rays at their cores.
    if !config.lenses.is_empty() {
        said += &format!(
            "; its {} lenses removed (the snapshot is the mass)",
            config.lenses.len()
        );
        config.lenses.clear();
    }
    let p = &mut config.potential;
    p.mode = PotentialMode::Particles;
    p.size_mpc = PotentialConfig::default().size_mpc;
    p.particles = Some(particles);
    Ok(said)
}
