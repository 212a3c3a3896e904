//! The potential a run traces through, built from its config, and the one cache that decides
//! when a field can be reused: when the lens and potential settings are unchanged (an edit of
//! rays, integration or display). Every client (the CLI, the session behind the window, the
//! image engine to come) gets its field through [`FieldCache::field_for`].

use crate::config::{
    CosmologyConfig, LensConfig, PhiUnits, PotentialConfig, PotentialMode, Precision, ValidConfig,
};
use crate::io::IoError;
use crate::lens::{Lens, WEAK_FIELD_LIMIT};
use crate::potential::grid::GridError;
use crate::potential::{AnalyticField, Field, Grid, GridGeometry, NodeRegion};
use crate::reach::Reach;
use crate::units::{C2, MPC_M};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The potential, in whichever representation the config asked for.
pub enum FieldData {
    Analytic(AnalyticField),
    GridF32(Grid<f32>),
    GridF64(Grid<f64>),
}

impl FieldData {
    pub fn grid_geometry(&self) -> Option<GridGeometry> {
        match self {
            FieldData::Analytic(_) => None,
            FieldData::GridF32(g) => Some(g.geometry),
            FieldData::GridF64(g) => Some(g.geometry),
        }
    }

    /// Φ [m²/s²] and ∇Φ at `x_m`; `None` outside a grid.
    pub fn sample_at(&self, x_m: [f64; 3]) -> Option<crate::potential::StaticSample> {
        match self {
            FieldData::Analytic(f) => f.sample(x_m),
            FieldData::GridF32(g) => g.sample(x_m),
            FieldData::GridF64(g) => g.sample(x_m),
        }
    }

    /// Φ [m²/s²] at `x_m`; `None` outside a grid.
    pub fn phi_at(&self, x_m: [f64; 3]) -> Option<f64> {
        self.sample_at(x_m).map(|s| s.phi)
    }

    pub fn memory_bytes(&self) -> usize {
        match self {
            FieldData::Analytic(_) => 0,
            FieldData::GridF32(g) => g.memory_bytes(),
            FieldData::GridF64(g) => g.memory_bytes(),
        }
    }
}

/// Why a field could not be built.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    #[error("cannot build the potential grid")]
    Grid(#[from] GridError),
    #[error("cannot import the potential from {}", path.display())]
    Import {
        path: PathBuf,
        #[source]
        source: IoError,
    },
    #[error(
        "{}: |Φ|/c² reaches {depth:.3e} at node {node:?}, beyond the weak-field limit {limit:e}: \
         perturbed FLRW does not apply (check potential.phi_units)",
        path.display(),
        limit = WEAK_FIELD_LIMIT
    )]
    WeakField {
        path: PathBuf,
        depth: f64,
        node: [usize; 3],
    },
}

/// What a field depends on: two configs with equal keys share one field.
#[derive(Debug, Clone, PartialEq)]
struct FieldKey {
    lenses: Vec<LensConfig>,
    potential: PotentialConfig,
    /// A particle solve's Φ scales with H0²Ωm.
    cosmology: CosmologyConfig,
    base_dir: PathBuf,
    /// The box the rays can reach, for a `potential.file` read in part (None: all of it).
    reach: Option<Reach>,
}

/// A field handed out by the cache, with what it cost.
pub struct BuiltField {
    pub field: Arc<FieldData>,
    /// Seconds spent building it (0 when reused or analytic).
    pub build_s: f64,
    /// Nodes read from `potential.file` (0 for other potentials).
    pub nodes_read: u64,
}

/// Holds the last field built and hands it out again while its inputs are unchanged.
#[derive(Default)]
pub struct FieldCache {
    entry: Option<(FieldKey, Arc<FieldData>, u64)>,
    /// Where grids are built; None: the caller's rayon pool.
    build_pool: Option<Arc<rayon::ThreadPool>>,
}

impl FieldCache {
    /// A cache that builds its grids on `pool` instead of the caller's pool: the visualizer's
    /// session traces on threads of lowered priority (the window keeps its core), but a grid
    /// build is short and what the user waits for, so it runs on every core at normal priority
    /// while the window idles.
    pub fn building_on(pool: Arc<rayon::ThreadPool>) -> FieldCache {
        FieldCache {
            entry: None,
            build_pool: Some(pool),
        }
    }

    /// The field of `config` and the seconds spent building it (0 when reused). A cached field
    /// that does not match is let go *before* the new one is built: two 512³ grids would
    /// double the peak memory. When nothing else holds it (the window lets go of its field as
    /// it submits an edit), a grid of lenses of the same size and precision is written into
    /// its memory instead of fresh pages (`Grid::from_lenses_into`).
    /// `base_dir` resolves a relative `potential.file`; with `reach`, only the part of that
    /// file the rays can reach is read ([`file_region`]), other potentials ignore it.
    pub fn field_for(
        &mut self,
        config: &ValidConfig,
        lenses: &[Lens],
        base_dir: &Path,
        reach: Option<Reach>,
    ) -> Result<BuiltField, FieldError> {
        let key = FieldKey {
            lenses: config.lenses.clone(),
            potential: config.potential.clone(),
            cosmology: config.cosmology.clone(),
            base_dir: base_dir.to_path_buf(),
            reach: reach.filter(|_| reads_file(&config.potential)),
        };
        if let Some((k, field, nodes_read)) = &self.entry {
            if *k == key {
                return Ok(BuiltField {
                    field: field.clone(),
                    build_s: 0.0,
                    nodes_read: *nodes_read,
                });
            }
        }
        // When no one else holds the stale field, its grid memory goes to the new grid.
        let stale = self
            .entry
            .take()
            .and_then(|(_, f, _)| Arc::try_unwrap(f).ok());
        let start = Instant::now();
        let build = || {
            build(
                &config.potential,
                &config.cosmology,
                lenses,
                base_dir,
                stale,
                key.reach,
            )
        };
        let (field, nodes_read) = match &self.build_pool {
            Some(pool) => pool.install(build)?,
            None => build()?,
        };
        let field = Arc::new(field);
        self.entry = Some((key, field.clone(), nodes_read));
        Ok(BuiltField {
            field,
            build_s: start.elapsed().as_secs_f64(),
            nodes_read,
        })
    }

    /// Lets go of the cached field (the caller may still hold it).
    pub fn clear(&mut self) {
        self.entry = None;
    }
}

/// The storage of a stale grid of lenses, for the grid of lenses built from `p` when it has
/// the same size and precision (`Grid::from_lenses_into` checks the size); any other stale
/// field is freed here, before the build.
fn reusable_storage(stale: Option<FieldData>, p: &PotentialConfig) -> (Vec<f32>, Vec<f64>) {
    if p.mode != PotentialMode::Grid || p.file.is_some() {
        return (Vec::new(), Vec::new());
    }
    match (stale, p.precision) {
        (Some(FieldData::GridF32(g)), Precision::F32) => (g.into_storage(), Vec::new()),
        (Some(FieldData::GridF64(g)), Precision::F64) => (Vec::new(), g.into_storage()),
        _ => (Vec::new(), Vec::new()),
    }
}

fn build(
    p: &PotentialConfig,
    cosmology: &CosmologyConfig,
    lenses: &[Lens],
    base_dir: &Path,
    stale: Option<FieldData>,
    reach: Option<Reach>,
) -> Result<(FieldData, u64), FieldError> {
    let (storage_f32, storage_f64) = reusable_storage(stale, p);
    if p.mode == PotentialMode::Analytic {
        return Ok((
            FieldData::Analytic(AnalyticField {
                lenses: lenses.to_vec(),
                uniform: None,
            }),
            0,
        ));
    }
    if let Some(particles) = p
        .particles
        .as_ref()
        .filter(|_| p.mode == PotentialMode::Particles)
    {
        let path = resolve(&particles.file, base_dir);
        let import = |source| FieldError::Import {
            path: path.clone(),
            source,
        };
        use crate::nbody::field::particle_grid;
        let field = match p.precision {
            Precision::F32 => {
                FieldData::GridF32(particle_grid(&path, p, cosmology).map_err(import)?.0)
            }
            Precision::F64 => {
                FieldData::GridF64(particle_grid(&path, p, cosmology).map_err(import)?.0)
            }
        };
        return Ok((field, 0));
    }
    let geometry = config_geometry(p)?;
    let Some(file) = &p.file else {
        let field = match p.precision {
            Precision::F32 => {
                FieldData::GridF32(Grid::from_lenses_into(geometry, lenses, storage_f32)?)
            }
            Precision::F64 => {
                FieldData::GridF64(Grid::from_lenses_into(geometry, lenses, storage_f64)?)
            }
        };
        return Ok((field, 0));
    };
    let path = resolve(file, base_dir);
    let scale = match p.phi_units {
        PhiUnits::SquareMetresPerSquareSecond => 1.0,
        PhiUnits::SpeedOfLightSquared => C2,
    };
    let region = file_region(&geometry, reach);
    let read = region.read_for(geometry.nodes);
    let phi = crate::io::read_potential(&path, &p.dataset, p.nodes, scale, read.lo, read.hi)
        .map_err(|source| FieldError::Import {
            path: path.clone(),
            source,
        })?;
    // The weak-field limit holds for the imported field as for lenses: its deepest node.
    if let Some((node, v)) = phi
        .indexed_iter()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
    {
        let depth = v.abs() / C2;
        if depth > WEAK_FIELD_LIMIT {
            return Err(FieldError::WeakField {
                path,
                depth,
                node: [
                    node.0 + read.lo[0],
                    node.1 + read.lo[1],
                    node.2 + read.lo[2],
                ],
            });
        }
    }
    let field = match p.precision {
        Precision::F32 => FieldData::GridF32(Grid::from_potential_region(geometry, region, &phi)?),
        Precision::F64 => FieldData::GridF64(Grid::from_potential_region(geometry, region, &phi)?),
    };
    Ok((field, read.node_count()))
}

/// The grid of `p`'s nodes, size and origin.
fn config_geometry(p: &PotentialConfig) -> Result<GridGeometry, GridError> {
    GridGeometry::cube(p.nodes, p.size_mpc * MPC_M, p.origin_mpc.map(|c| c * MPC_M))
}

/// The geometry of the whole grid of `p`'s `potential.file`; `None` for other potentials.
pub fn file_geometry(p: &PotentialConfig) -> Result<Option<GridGeometry>, FieldError> {
    Ok(if reads_file(p) {
        Some(config_geometry(p)?)
    } else {
        None
    })
}

/// Whether `p` takes its values from `potential.file` (the one kind read in part).
fn reads_file(p: &PotentialConfig) -> bool {
    p.mode == PotentialMode::Grid && p.file.is_some()
}

/// The nodes of a `potential.file` of `geometry` that rays within `reach` can look up: the
/// cells of the box plus two on each side (interface.md §6), or the whole file without a
/// reach. Its gradient needs one layer more ([`NodeRegion::read_for`]).
pub fn file_region(geometry: &GridGeometry, reach: Option<Reach>) -> NodeRegion {
    match reach {
        Some(r) => NodeRegion::covering(geometry, r.lo_m, r.hi_m, REACH_MARGIN_CELLS),
        None => NodeRegion::whole(geometry.nodes),
    }
}

/// Cells added round a run's reach before a file is read in part: the rays bend off the
/// straight lines the reach is made of, and a step may end past its stop.
pub const REACH_MARGIN_CELLS: usize = 2;

/// The header of the snapshot a particles run reads (checked against the config), or `None`
/// for other potentials: its redshift is the epoch of the solved Φ (linear growth scales from
/// it; `excalibur potential` records it).
pub fn snapshot_header(
    config: &ValidConfig,
    base_dir: &Path,
) -> Result<Option<crate::nbody::snapshot::SnapshotHeader>, FieldError> {
    let p = &config.potential;
    let Some(particles) = p
        .particles
        .as_ref()
        .filter(|_| p.mode == PotentialMode::Particles)
    else {
        return Ok(None);
    };
    let path = resolve(&particles.file, base_dir);
    crate::nbody::field::checked_header(&path, particles, p, &config.cosmology)
        .map(Some)
        .map_err(|source| FieldError::Import { path, source })
}

/// What a run file records of the snapshot a particles run traced (path, each file's size and
/// SHA-256, redshift, particle count; interface.md §6), or `None` for other potentials. The
/// files are hashed here, once per run, streamed.
pub fn snapshot_record(
    config: &ValidConfig,
    base_dir: &Path,
) -> Result<Option<crate::io::SnapshotRecord>, FieldError> {
    let Some(header) = snapshot_header(config, base_dir)? else {
        return Ok(None);
    };
    let particles = config
        .potential
        .particles
        .as_ref()
        .expect("a particles run");
    let path = resolve(&particles.file, base_dir);
    crate::io::SnapshotRecord::of_files(&path, &header.files, header.redshift, header.particles)
        .map(Some)
        .map_err(|source| FieldError::Import { path, source })
}

/// A config's file path, relative ones taken from the config's folder.
pub fn resolve(file: &Path, base_dir: &Path) -> PathBuf {
    if file.is_absolute() {
        file.to_path_buf()
    } else {
        base_dir.join(file)
    }
}
