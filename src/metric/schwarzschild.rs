//! Exact Schwarzschild in isotropic Cartesian coordinates (physics.md §4), for validation:
//! ds² = −A²c²dt² + B⁴(dx² + dy² + dz²), ρ = GM/(2c²r), A = (1 − ρ)/(1 + ρ), B = 1 + ρ.
//! No pole singularity; only r = 0 and the horizon (r = r_s/4) are singular, and rays end
//! with `EnteredCore` at r < r_min before reaching them.

use super::spacetime::{self as st, idx, Halt, Sample, Spacetime, State, N_STATE};
use crate::units::{cross, dot, sub, C2};

pub struct Schwarzschild {
    /// GM [m³/s²].
    pub gm: f64,
    pub center_m: [f64; 3],
    /// Rays end at isotropic radius r < r_min [m]; must exceed r_s/4.
    pub r_min_m: f64,
    pub observer_m: [f64; 3],
}

struct Local {
    n: [f64; 3],
    r: f64,
    a: f64,
    b: f64,
    da_dr: f64,
    db_dr: f64,
}

impl Schwarzschild {
    fn local(&self, y: &State) -> Result<Local, Halt> {
        let d = sub(st::absolute_position(self.observer_m, y), self.center_m);
        let r = dot(d, d).sqrt();
        let rho = self.gm / (2.0 * C2 * r);
        if rho.is_nan() || rho >= 1.0 {
            return Err(Halt::WeakFieldViolated);
        }
        let drho = -rho / r;
        Ok(Local {
            n: [d[0] / r, d[1] / r, d[2] / r],
            r,
            a: (1.0 - rho) / (1.0 + rho),
            b: 1.0 + rho,
            da_dr: -2.0 * drho / ((1.0 + rho) * (1.0 + rho)),
            db_dr: drho,
        })
    }

    /// Newtonian point-mass Φ and ∇Φ at the isotropic radius, for the output columns.
    fn newtonian(&self, l: &Local) -> Sample {
        let g = self.gm / (l.r * l.r);
        Sample {
            phi: -self.gm / l.r,
            gradient: [g * l.n[0], g * l.n[1], g * l.n[2]],
            dphi_deta: 0.0,
        }
    }

    /// Angular momentum L = B⁴(x − x_L) × u, exactly conserved.
    pub fn angular_momentum(&self, y: &State) -> Option<[f64; 3]> {
        let l = self.local(y).ok()?;
        let d = [l.n[0] * l.r, l.n[1] * l.r, l.n[2] * l.r];
        let b4 = l.b.powi(4);
        let c = cross(d, st::velocity(y));
        Some([b4 * c[0], b4 * c[1], b4 * c[2]])
    }
}

impl Spacetime for Schwarzschild {
    fn derivative(&self, y: &State) -> Result<(State, Sample), Halt> {
        let l = self.local(y)?;
        let ut = y[idx::U0];
        let u = st::velocity(y);
        let nu = dot(l.n, u);
        let v2 = dot(u, u);
        let b4 = l.b.powi(4);
        let mut d = [0.0; N_STATE];
        d[idx::U0] = -2.0 * (l.da_dr / l.a) * nu * ut;
        let radial = C2 * l.a * l.da_dr * ut * ut / b4;
        let k = 2.0 * l.db_dr / l.b;
        for i in 0..3 {
            d[idx::U + i] = -radial * l.n[i] - k * (2.0 * u[i] * nu - l.n[i] * v2);
        }
        let s = self.newtonian(&l);
        let speed = v2.sqrt();
        d[idx::ETA] = ut;
        d[idx::X] = u[0];
        d[idx::X + 1] = u[1];
        d[idx::X + 2] = u[2];
        d[idx::PATH] = speed;
        d[idx::SHAPIRO] = s.phi * speed;
        Ok((d, s))
    }

    fn null_error(&self, y: &State, _s: &Sample) -> f64 {
        let Ok(l) = self.local(y) else {
            return f64::NAN;
        };
        let u = st::velocity(y);
        let time = l.a * l.a * C2 * y[idx::U0] * y[idx::U0];
        let space = l.b.powi(4) * dot(u, u);
        (space - time).abs() / (space + time)
    }

    fn null_u0(&self, y: &State) -> Option<f64> {
        // a²c²(u⁰)² = b⁴|u|², as null_error measures it.
        let l = self.local(y).ok()?;
        let u = st::velocity(y);
        Some((l.b * l.b * dot(u, u).sqrt() / (l.a * C2.sqrt())).copysign(y[idx::U0]))
    }

    fn launch(&self, offset_m: [f64; 3], direction: [f64; 3]) -> Result<State, Halt> {
        let mut y = st::spatial_launch_state(offset_m, direction);
        let l = self.local(&y)?;
        y[idx::U0] = -(l.b * l.b / l.a);
        Ok(y)
    }

    fn core_margin_m(&self, y: &State) -> f64 {
        let d = sub(st::absolute_position(self.observer_m, y), self.center_m);
        dot(d, d).sqrt() - self.r_min_m
    }

    fn core_entry_m(&self, y: &State) -> Option<f64> {
        let x = st::absolute_position(self.observer_m, y);
        let dir = crate::units::normalize(st::velocity(y));
        st::chord_entry_m(x, dir, self.center_m, self.r_min_m)
    }

    fn step_limit_m(&self, y: &State) -> Option<f64> {
        st::MassStepLimit {
            centres_m: vec![self.center_m],
            floor_m: 0.0,
            cap_m: 0.0,
        }
        .at(st::absolute_position(self.observer_m, y))
    }

    fn eta_obs_s(&self) -> f64 {
        0.0
    }

    fn observer_m(&self) -> [f64; 3] {
        self.observer_m
    }

    /// E = A²c²u^t.
    fn conserved_energy(&self, y: &State, _s: &Sample) -> f64 {
        match self.local(y) {
            Ok(l) => l.a * l.a * C2 * y[idx::U0],
            Err(_) => f64::NAN,
        }
    }

    /// A|u^t|: the energy measured by a static observer, up to a constant.
    fn observed_energy(&self, y: &State, _s: &Sample) -> f64 {
        match self.local(y) {
            Ok(l) => l.a * y[idx::U0].abs(),
            Err(_) => f64::NAN,
        }
    }
}
