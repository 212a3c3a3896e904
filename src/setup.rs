//! Turns a [`ValidConfig`] into the objects the tracer needs (background, lenses, field, rays,
//! integration settings), and traces it. The field comes from a [`FieldCache`], the one place
//! that decides whether a grid can be reused.

use crate::config::*;
use crate::cosmology::{Background, CosmologyError, Lcdm};
use crate::field::{FieldCache, FieldData, FieldError};
use crate::integrate::{Integration, Method, StepRule, StopConditions};
use crate::lens::{Lens, TimeDependence};
use crate::metric::flrw::cores_of;
use crate::metric::MassStepLimit;
use crate::metric::{Equations, PerturbedFlrw, Schwarzschild};
use crate::potential::GridGeometry;
use crate::rays::{Pattern, Ray};
use crate::reach::Reach;
use crate::trace::{RunResult, Sink, Tracer};
use crate::units::{C2, MPC_M};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Why a valid config still could not be set up (e.g. a missing potential file).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot set up the ΛCDM background")]
    Cosmology(#[from] CosmologyError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Budget(#[from] crate::budget::BudgetError),
}

/// Everything needed to trace a config's rays.
pub struct Model {
    pub config: ValidConfig,
    pub background: Background,
    pub lenses: Vec<Lens>,
    pub field: Arc<FieldData>,
    pub rays: Vec<Ray>,
    pub integration: Integration,
    /// Seconds spent building the field (0 when reused or analytic).
    pub grid_build_s: f64,
    /// Nodes read from `potential.file` (its whole grid, or for a run the part its rays can
    /// reach); 0 for other potentials.
    pub grid_nodes_read: u64,
    /// How the potential evolves, Φ = g(η)Φ₀ (the config's `potential.time_dependence`, or a
    /// snapshot's `potential.particles.time_dependence` with its growth table).
    pub time: TimeDependence,
}

impl Model {
    /// Builds from a config, taking the field from `fields` (reused when lens and potential
    /// settings are unchanged). `base_dir` resolves a relative `potential.file`.
    pub fn build(
        config: ValidConfig,
        base_dir: &Path,
        fields: &mut FieldCache,
    ) -> Result<Model, SetupError> {
        let estimate = crate::budget::MemoryEstimate::of(&config);
        Self::build_with(config, base_dir, fields, estimate, Rays::All)
    }

    /// The model of `excalibur run` (and of Python's `run`), which traces shard `shard` of
    /// the rays (all without): a `potential.file` is read only where those rays can reach
    /// ([`Reach`]), and the memory check, states included, counts that part of it.
    pub fn build_run(
        config: ValidConfig,
        base_dir: &Path,
        fields: &mut FieldCache,
        shard: Option<(usize, usize)>,
    ) -> Result<Model, SetupError> {
        let estimate = crate::budget::MemoryEstimate::of(&config);
        Self::build_with(config, base_dir, fields, estimate, Rays::Run(shard))
    }

    /// A model with no ray list, for `map`, which makes its pixels' rays a block at a time:
    /// `estimate` is the caller's plan of what it will hold, checked before the field is built.
    pub fn build_without_rays(
        config: ValidConfig,
        base_dir: &Path,
        fields: &mut FieldCache,
        estimate: crate::budget::MemoryEstimate,
    ) -> Result<Model, SetupError> {
        Self::build_with(config, base_dir, fields, estimate, Rays::None)
    }

    fn build_with(
        config: ValidConfig,
        base_dir: &Path,
        fields: &mut FieldCache,
        estimate: crate::budget::MemoryEstimate,
        rays_for: Rays,
    ) -> Result<Model, SetupError> {
        let background = match (config.spacetime.metric, config.cosmology.model) {
            (Metric::PerturbedFlrw, CosmologyModel::Lcdm) => {
                let c = &config.cosmology;
                Background::Lcdm(Lcdm::new(
                    c.h0_km_s_mpc,
                    c.omega_m,
                    c.omega_lambda,
                    c.omega_r,
                )?)
            }
            _ => Background::Static,
        };
        // The ray list and the grid must fit before either is made; a run that reads part of
        // a file knows that part once its rays are listed (they fit: checked without a grid).
        let file_geometry = crate::field::file_geometry(&config.potential)?;
        let (rays, reach, estimate) = match (rays_for, file_geometry) {
            (Rays::Run(shard), Some(geometry)) => {
                let mut rays_only = estimate;
                rays_only.grid_bytes = 0;
                rays_only.check_memory(&config, true)?;
                let rays = Pattern::of(&config).rays();
                let traced = shard.map_or(&rays[..], |(i, n)| shard_of(&rays, i, n));
                let observer_m = config.observer.position_mpc.map(|c| c * MPC_M);
                let stop = integration(&config, None).stop;
                let reach = Reach::of_rays(traced, observer_m, &stop, &background);
                let region = crate::field::file_region(&geometry, reach);
                let estimate = estimate.with_file_region(&config, &region);
                (rays, reach, estimate)
            }
            (rays_for, _) => {
                let rays = match rays_for {
                    Rays::None => vec![],
                    _ => Pattern::of(&config).rays(),
                };
                (rays, None, estimate)
            }
        };
        estimate.check_memory(&config, matches!(rays_for, Rays::Run(_)))?;
        let lenses: Vec<Lens> = config.lenses.iter().map(LensConfig::si).collect();
        let built = fields.field_for(&config, &lenses, base_dir, reach)?;
        let field = built.field;
        let integration = integration(&config, field.grid_geometry());
        let time = time_dependence(&config, &background, base_dir)?;
        Ok(Model {
            config,
            background,
            lenses,
            field,
            rays,
            integration,
            grid_build_s: built.build_s,
            grid_nodes_read: built.nodes_read,
            time,
        })
    }

    /// Traces `rays` (a subset of `self.rays`, e.g. one shard) on `threads` workers, or with 0
    /// on the current rayon pool (see [`Tracer::run`]).
    pub fn trace(
        &self,
        rays: &[Ray],
        threads: usize,
        sink: &dyn Sink,
        cancel: &AtomicBool,
    ) -> RunResult {
        self.trace_with(&self.integration, rays, threads, sink, cancel)
    }

    /// Traces `rays` with other integration settings than the config's (the image engine stops
    /// rays on the source plane).
    pub fn trace_with(
        &self,
        integration: &Integration,
        rays: &[Ray],
        threads: usize,
        sink: &dyn Sink,
        cancel: &AtomicBool,
    ) -> RunResult {
        let integration = *integration;
        let observer_m = self.config.observer.position_mpc.map(|c| c * MPC_M);
        if self.config.spacetime.metric == Metric::Schwarzschild {
            let l = self.lenses[0];
            let st = Schwarzschild {
                gm: l.gm,
                center_m: l.center_m,
                r_min_m: l.core_radius_m.max(l.gm / C2),
                observer_m,
            };
            return Tracer {
                spacetime: &st,
                lenses: &self.lenses,
                integration,
            }
            .run(rays, threads, sink, cancel);
        }
        let equations = match self.config.spacetime.equations {
            EquationsKind::Exact => Equations::Exact,
            EquationsKind::FirstOrder => Equations::FirstOrder,
        };
        let time = self.time.clone();
        macro_rules! go {
            ($f:expr, $floor_m:expr) => {{
                let st = PerturbedFlrw {
                    field: $f,
                    expansion: self.background.expansion(),
                    time,
                    equations,
                    observer_m,
                    eta_obs_s: self.background.eta_obs_s(),
                    cores: cores_of(&self.lenses),
                    step_limit: MassStepLimit {
                        centres_m: self.lenses.iter().map(|l| l.center_m).collect(),
                        floor_m: $floor_m,
                        cap_m: GRID_STEP_CAP_CELLS * $floor_m,
                    },
                };
                Tracer {
                    spacetime: &st,
                    lenses: &self.lenses,
                    integration,
                }
                .run(rays, threads, sink, cancel)
            }};
        }
        match &*self.field {
            FieldData::Analytic(f) => go!(f, 0.0),
            FieldData::GridF32(g) => go!(g, g.geometry.spacing_m),
            FieldData::GridF64(g) => go!(g, g.geometry.spacing_m),
        }
    }

    /// The rays of shard `index` of `count` (contiguous blocks, in launch order).
    pub fn shard(&self, index: usize, count: usize) -> &[Ray] {
        shard_of(&self.rays, index, count)
    }
}

/// A DOPRI5 step through a sampled field spans at most this many cells
/// (`MassStepLimit::cap_m`).
pub const GRID_STEP_CAP_CELLS: f64 = 1.0;

/// Which rays a model is built for.
#[derive(Clone, Copy)]
enum Rays {
    /// None (`map` makes its own, a block at a time).
    None,
    /// The config's, with the whole field (the window, `image`).
    All,
    /// A run's shard (all rays without one): a file is read where they reach.
    Run(Option<(usize, usize)>),
}

/// Shard `index` of `count` of `rays`: contiguous blocks, in launch order.
fn shard_of(rays: &[Ray], index: usize, count: usize) -> &[Ray] {
    let n = rays.len();
    &rays[n * index / count..n * (index + 1) / count]
}

/// How the potential evolves. A snapshot's potential in linear growth is scaled from the
/// snapshot's epoch (its header's redshift, read again: a few attributes), on the growth of
/// the run's own background; validation refuses it on a static background.
fn time_dependence(
    config: &ValidConfig,
    background: &Background,
    base_dir: &Path,
) -> Result<TimeDependence, SetupError> {
    let growing = config
        .potential
        .particles
        .as_ref()
        .is_some_and(|s| s.time_dependence == ParticleTimeDependence::LinearGrowth);
    if let (true, Background::Lcdm(l)) = (growing, background) {
        if let Some(header) = crate::field::snapshot_header(config, base_dir)? {
            let a_snap = 1.0 / (1.0 + header.redshift);
            return Ok(TimeDependence::LinearGrowth(Arc::new(
                crate::cosmology::Growth::new(&l.expansion, a_snap),
            )));
        }
    }
    Ok(match config.potential.time_dependence {
        TimeDependenceKind::Frozen => TimeDependence::Frozen,
        TimeDependenceKind::FixedPhysicalMass => TimeDependence::FixedPhysicalMass,
    })
}

fn integration(config: &RunConfig, grid: Option<GridGeometry>) -> Integration {
    let i = &config.integration;
    let step_m = i.step_mpc * MPC_M;
    let method = match i.method {
        MethodKind::Rk4 => Method::Rk4(StepRule::Comoving(step_m)),
        MethodKind::Dopri5 => Method::Dopri5 {
            rtol: i.rtol,
            initial_step_m: step_m,
            length_scale_m: grid.map_or(MPC_M, |g| g.spacing_m.min(MPC_M)),
            eta_rtol: None,
        },
    };
    let scale_factor = i
        .stop
        .scale_factor
        .or(i.stop.redshift.map(|z| 1.0 / (1.0 + z)));
    Integration {
        method,
        stop: StopConditions {
            distance_m: i.stop.distance_mpc.map(|d| d * MPC_M),
            scale_factor,
            plane: None,
            affine_span_s: None,
            steps: i.stop.steps,
            max_steps: i.max_steps,
        },
        record_every: i.record_every,
        keep_null: false,
    }
}
