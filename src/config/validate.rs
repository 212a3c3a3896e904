//! Validation of a parsed [`RunConfig`]: every physical parameter against its allowed range,
//! with the key path in the error (physics.md and interface.md §2).

use super::checks::{finite3, positive_upto};
use super::enums::*;
use super::error::{err as bad, ConfigError};
use super::finite::first_non_finite;
use super::schema::*;
use crate::lens::WEAK_FIELD_LIMIT;

impl RunConfig {
    /// The lenses whose central depth |Φ|/c² breaks the weak-field limit, as (index, depth).
    pub fn strong_field_lenses(&self) -> Vec<(usize, f64)> {
        self.lenses
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.si().central_phi_over_c2().abs()))
            .filter(|(_, d)| *d > WEAK_FIELD_LIMIT)
            .collect()
    }

    /// Checks every parameter; the first problem is returned with its key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        first_non_finite(self)?;
        if self.threads > 1024 {
            return Err(bad(
                "threads",
                format!(
                    "{} is not allowed: must lie in [0, 1024] (0 = all cores)",
                    self.threads
                ),
            ));
        }
        let c = &self.cosmology;
        let used =
            c.model == CosmologyModel::Lcdm && self.spacetime.metric == Metric::PerturbedFlrw;
        let check = if used {
            crate::cosmology::Lcdm::check_parameters
        } else {
            crate::cosmology::Lcdm::check_ranges
        };
        {
            check(c.h0_km_s_mpc, c.omega_m, c.omega_lambda, c.omega_r).map_err(|e| {
                let key = match &e {
                    crate::cosmology::CosmologyError::Invalid { key, .. } => {
                        format!("cosmology.{key}")
                    }
                    _ => "cosmology.omega_m".into(),
                };
                bad(key, e.to_string())
            })?;
        }
        for (i, l) in self.lenses.iter().enumerate() {
            self.validate_lens(i, l)?;
        }
        self.validate_weak_field()?;
        self.validate_potential()?;
        finite3("observer.position_mpc", self.observer.position_mpc)?;
        self.validate_rays()?;
        self.validate_integration()?;
        if self.spacetime.metric == Metric::Schwarzschild {
            if self.lenses.len() != 1 || self.lenses[0].profile != ProfileKind::Point {
                return Err(bad("lenses", "spacetime.metric = \"schwarzschild\" needs exactly one lens with profile = \"point\""));
            }
            if self.potential.mode != PotentialMode::Analytic {
                return Err(bad("potential.mode", "spacetime.metric = \"schwarzschild\" is exact and needs potential.mode = \"analytic\""));
            }
        }
        self.validate_sky()?;
        if self.output.path.as_os_str().is_empty() {
            return Err(bad("output.path", "must name a file"));
        }
        if self.output.compression > 9 {
            return Err(bad(
                "output.compression",
                format!(
                    "{} is not allowed: a deflate level in [0, 9] (0 = none)",
                    self.output.compression
                ),
            ));
        }
        let limit = self.output.memory_limit_gib;
        if !(0.0..=1e6).contains(&limit) {
            return Err(bad(
                "output.memory_limit_gib",
                format!(
                    "{limit} is not allowed: must be in [0, 1e6] GiB (0 = the memory available)"
                ),
            ));
        }
        Ok(())
    }

    fn validate_sky(&self) -> Result<(), ConfigError> {
        self.source.validate()?;
        self.camera.validate()
    }

    fn validate_lens(&self, i: usize, l: &LensConfig) -> Result<(), ConfigError> {
        let k = |name: &str| format!("lenses.{i}.{name}");
        positive_upto(&k("mass_msun"), l.mass_msun, 1e20, "M☉")?;
        finite3(&k("center_mpc"), l.center_mpc)?;
        if l.profile != ProfileKind::Point {
            positive_upto(&k("radius_mpc"), l.radius_mpc, 1e4, "Mpc")?;
        }
        if l.profile == ProfileKind::Nfw {
            positive_upto(&k("concentration"), l.concentration, 100.0, "")?;
        }
        if !(l.ellipticity.is_finite() && (0.0..0.5).contains(&l.ellipticity)) {
            return Err(bad(
                k("ellipticity"),
                format!("{} is not allowed: must be in [0, 0.5)", l.ellipticity),
            ));
        }
        if l.ellipticity != 0.0 && l.profile != ProfileKind::Sis {
            return Err(bad(
                k("ellipticity"),
                "only profile = \"sis\" takes an ellipticity",
            ));
        }
        let core = l.core_radius_or_default_mpc();
        let singular = matches!(l.profile, ProfileKind::Point | ProfileKind::Sis);
        if !(core.is_finite() && core >= 0.0) || (singular && core <= 0.0) {
            let range = if singular {
                "> 0 for a point lens or a SIS"
            } else {
                ">= 0"
            };
            return Err(bad(
                k("core_radius_mpc"),
                format!("{core} is not allowed: must be a finite number {range} (Mpc)"),
            ));
        }
        Ok(())
    }

    /// The summed potential of every lens at each lens's centre (or core surface) is within
    /// the weak field: decided for all lenses in O(n log n) (`depth::DepthTree`).
    fn validate_weak_field(&self) -> Result<(), ConfigError> {
        if self.spacetime.metric != Metric::PerturbedFlrw || self.lenses.is_empty() {
            return Ok(());
        }
        let lenses: Vec<crate::lens::Lens> = self.lenses.iter().map(LensConfig::si).collect();
        let reach = lenses.iter().map(|l| l.core_radius_m).fold(0.0, f64::max);
        let tree = crate::depth::DepthTree::new(&lenses, reach);
        for (i, (l, lens)) in self.lenses.iter().zip(&lenses).enumerate() {
            let k = |name: &str| format!("lenses.{i}.{name}");
            let at = [
                lens.center_m[0] + lens.core_radius_m,
                lens.center_m[1],
                lens.center_m[2],
            ];
            if let Some(depth) = tree.exceeds(at, WEAK_FIELD_LIMIT) {
                let minimum = match l.profile {
                    ProfileKind::Point => format!(
                        " (alone it needs core_radius_mpc ≥ {:.4e})",
                        LensConfig {
                            core_radius_mpc: None,
                            ..l.clone()
                        }
                        .core_radius_or_default_mpc()
                    ),
                    _ => String::new(),
                };
                return Err(bad(
                    k("mass_msun"),
                    format!(
                        "|Φ|/c² = {depth:.3e} of all lenses at its centre (or core){minimum} exceeds the weak-field limit {WEAK_FIELD_LIMIT:e}: \
                         perturbed FLRW does not apply. Lower the mass, enlarge radius_mpc (or core_radius_mpc), or \
                         use spacetime.metric = \"schwarzschild\" with a point lens"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_potential(&self) -> Result<(), ConfigError> {
        let p = &self.potential;
        if p.mode == PotentialMode::Particles {
            return match &p.particles {
                Some(particles) => {
                    nodes_in_range(p.nodes)?;
                    particles.validate(
                        self.spacetime.metric == Metric::PerturbedFlrw
                            && self.cosmology.model == CosmologyModel::Lcdm,
                    )
                }
                None => Err(bad(
                    "potential.particles",
                    "potential.mode = \"particles\" needs a [potential.particles] section naming the snapshot",
                )),
            };
        }
        if p.mode != PotentialMode::Grid {
            return Ok(());
        }
        nodes_in_range(p.nodes)?;
        positive_upto("potential.size_mpc", p.size_mpc, 1e5, "Mpc")?;
        finite3("potential.origin_mpc", p.origin_mpc)?;
        if p.dataset.is_empty() {
            return Err(bad(
                "potential.dataset",
                "must name a dataset path, e.g. \"Phi\"",
            ));
        }
        let dx = p.size_mpc / p.nodes as f64;
        let hi = |a: usize| p.origin_mpc[a] + (p.nodes - 1) as f64 * dx;
        let o = self.observer.position_mpc;
        if (0..3).any(|a| !(o[a] >= p.origin_mpc[a] && o[a] <= hi(a))) {
            return Err(bad(
                "observer.position_mpc",
                format!(
                    "{o:?} lies outside the grid's valid region [{:?}, {:?}] Mpc (nodes span origin to origin + (nodes-1)·size/nodes)",
                    p.origin_mpc,
                    [hi(0), hi(1), hi(2)]
                ),
            ));
        }
        Ok(())
    }

    fn validate_rays(&self) -> Result<(), ConfigError> {
        let r = &self.rays;
        finite3("rays.toward_mpc", r.toward_mpc)?;
        let axis: Vec<f64> = (0..3)
            .map(|a| r.toward_mpc[a] - self.observer.position_mpc[a])
            .collect();
        if axis.iter().all(|v| *v == 0.0) {
            return Err(bad(
                "rays.toward_mpc",
                "must differ from observer.position_mpc (it sets the axis direction)",
            ));
        }
        match r.pattern {
            PatternKind::ConeGrid | PatternKind::ConeRandom => {
                if !(r.half_angle_deg.is_finite()
                    && r.half_angle_deg > 0.0
                    && r.half_angle_deg <= 90.0)
                {
                    return Err(bad(
                        "rays.half_angle_deg",
                        format!(
                            "{} is not allowed: must lie in (0, 90] degrees",
                            r.half_angle_deg
                        ),
                    ));
                }
            }
            PatternKind::Beam | PatternKind::Healpix => {}
        }
        match r.pattern {
            PatternKind::ConeGrid => {
                if r.n_theta < 1 || r.n_theta > 10_000 {
                    return Err(bad(
                        "rays.n_theta",
                        format!("{} is not allowed: must lie in [1, 10000]", r.n_theta),
                    ));
                }
                if r.n_phi < 1 || r.n_phi > 10_000 {
                    return Err(bad(
                        "rays.n_phi",
                        format!("{} is not allowed: must lie in [1, 10000]", r.n_phi),
                    ));
                }
            }
            PatternKind::ConeRandom => {
                if r.count < 1 || r.count > 100_000_000 {
                    return Err(bad(
                        "rays.count",
                        format!("{} is not allowed: must lie in [1, 1e8]", r.count),
                    ));
                }
            }
            PatternKind::Beam => {
                if r.impact_mpc.is_empty() {
                    return Err(bad(
                        "rays.impact_mpc",
                        "a beam needs at least one impact parameter (Mpc)",
                    ));
                }
                if let Some(b) = r
                    .impact_mpc
                    .iter()
                    .find(|b| !(b.is_finite() && **b >= 0.0 && **b <= 1e5))
                {
                    return Err(bad(
                        "rays.impact_mpc",
                        format!("{b} is not allowed: impact parameters must lie in [0, 1e5] (Mpc)"),
                    ));
                }
                if r.n_phi < 1 || r.n_phi > 10_000 {
                    return Err(bad(
                        "rays.n_phi",
                        format!("{} is not allowed: must lie in [1, 10000]", r.n_phi),
                    ));
                }
            }
            PatternKind::Healpix => {
                let max = crate::healpix::NSIDE_MAX;
                if !(r.nside.is_power_of_two() && r.nside <= max) {
                    return Err(bad(
                        "rays.nside",
                        format!(
                            "{} is not allowed: must be a power of two in [1, {max}]",
                            r.nside
                        ),
                    ));
                }
                if let Some(d) = r.disc_deg {
                    if !(d > 0.0 && d <= 180.0) {
                        return Err(bad(
                            "rays.disc_deg",
                            format!("{d} is not allowed: must be in (0, 180] (degrees)"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_integration(&self) -> Result<(), ConfigError> {
        let i = &self.integration;
        positive_upto("integration.step_mpc", i.step_mpc, 1e4, "Mpc")?;
        if i.method == MethodKind::Dopri5
            && !(i.rtol.is_finite() && i.rtol >= 1e-15 && i.rtol <= 1e-2)
        {
            return Err(bad(
                "integration.rtol",
                format!("{} is not allowed: must lie in [1e-15, 1e-2]", i.rtol),
            ));
        }
        if !(1..=1_000_000_000_000).contains(&i.max_steps) {
            return Err(bad(
                "integration.max_steps",
                format!("{} is not allowed: must lie in [1, 1e12]", i.max_steps),
            ));
        }
        if i.record_every < 1 {
            return Err(bad(
                "integration.record_every",
                "0 is not allowed: must be >= 1",
            ));
        }
        let s = &i.stop;
        if let Some(d) = s.distance_mpc {
            positive_upto("integration.stop.distance_mpc", d, 1e5, "Mpc")?;
        }
        let lcdm = self.cosmology.model == CosmologyModel::Lcdm
            && self.spacetime.metric == Metric::PerturbedFlrw;
        if let Some(z) = s.redshift {
            positive_upto("integration.stop.redshift", z, 1e4, "")?;
            if !lcdm {
                return Err(bad(
                    "integration.stop.redshift",
                    "needs cosmology.model = \"lcdm\" (a static background never redshifts)",
                ));
            }
            if s.scale_factor.is_some() {
                return Err(bad(
                    "integration.stop.scale_factor",
                    "give either redshift or scale_factor, not both",
                ));
            }
        }
        if let Some(a) = s.scale_factor {
            if !(a.is_finite() && a > 0.0 && a < 1.0) {
                return Err(bad(
                    "integration.stop.scale_factor",
                    format!("{a} is not allowed: must lie in (0, 1)"),
                ));
            }
            if !lcdm {
                return Err(bad(
                    "integration.stop.scale_factor",
                    "needs cosmology.model = \"lcdm\"",
                ));
            }
        }
        if s.steps == Some(0) {
            return Err(bad(
                "integration.stop.steps",
                "0 is not allowed: must be >= 1",
            ));
        }
        Ok(())
    }
}

/// potential.nodes: 2 to 4096 per axis.
fn nodes_in_range(nodes: usize) -> Result<(), ConfigError> {
    if (2..=4096).contains(&nodes) {
        return Ok(());
    }
    Err(bad(
        "potential.nodes",
        format!("{nodes} is not allowed: 2 to 4096 nodes per axis"),
    ))
}
