//! The integration state, the field sample, the output row, and the `Spacetime` trait that
//! every metric implements (with the helpers they share).

/// Number of state components.
pub const N_STATE: usize = 12;
/// (Δη [s], Δx [m] ×3, u⁰, uⁱ [m/s] ×3, a, path length ℓ [m], ISW integral I = ∫Φ′dη [m²/s²],
/// Shapiro integral J = ∫Φ dℓ [m³/s²]).
pub type State = [f64; N_STATE];

/// `L` states side by side, component-major (the lanes of one component are adjacent), so
/// that the same arithmetic on every lane compiles to SIMD instructions.
pub type Lanes<const L: usize> = [[f64; L]; N_STATE];

/// Lane `l` of a packet.
#[inline(always)]
pub fn lane<const L: usize>(y: &Lanes<L>, l: usize) -> State {
    let mut out = [0.0; N_STATE];
    for i in 0..N_STATE {
        out[i] = y[i][l];
    }
    out
}

/// Sets lane `l` of a packet.
#[inline(always)]
pub fn set_lane<const L: usize>(y: &mut Lanes<L>, l: usize, v: &State) {
    for i in 0..N_STATE {
        y[i][l] = v[i];
    }
}

/// Indices into [`State`].
pub mod idx {
    pub const ETA: usize = 0;
    pub const X: usize = 1;
    pub const U0: usize = 4;
    pub const U: usize = 5;
    pub const A: usize = 8;
    pub const PATH: usize = 9;
    pub const ISW: usize = 10;
    pub const SHAPIRO: usize = 11;
}

/// The field seen at a state, including time dependence: Φ [m²/s²], ∇Φ [m/s²], ∂Φ/∂η [m²/s³].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    pub phi: f64,
    pub gradient: [f64; 3],
    pub dphi_deta: f64,
}

/// Why a right-hand-side evaluation could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// The field is not defined there (outside the grid).
    LeftGrid,
    /// 1 ± 2Φ/c² ≤ 0, or inside the Schwarzschild horizon.
    WeakFieldViolated,
}

/// One row of the run file (interface.md §3): η, x, y, z, u⁰, uˣ, uʸ, uᶻ, a, Φ, ∇Φ, ∂Φ/∂η.
pub type Row = [f64; 14];

/// An adaptive step spans at most this fraction of the distance to the nearest lens centre
/// ([`Spacetime::step_limit_m`]).
pub const MASS_STEP_FRACTION: f64 = 0.5;

/// Where the masses of a field are, for the step limit of [`Spacetime::step_limit_m`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MassStepLimit {
    pub centres_m: Vec<[f64; 3]>,
    /// The limit never goes below this [m]: a sampled field has no structure finer than its
    /// grid spacing (and a ray through a grid lens's centre must not stall); 0 for exact
    /// fields, whose rays end at the weak-field edge or a core before the limit vanishes.
    pub floor_m: f64,
    /// No step spans more than this [m] (0: no cap). A sampled field's trilinear values have
    /// second derivatives that jump at every cell face, which DOPRI5's embedded error estimate
    /// does not see: steps of several cells through a snapshot's grid gave rays 0.5″ apart in
    /// deflection where a fixed 0.2-cell RK4 step gives 1e-4″ (a 256² image through the
    /// example snapshot). A sampled field caps its steps at a fraction of its spacing.
    pub cap_m: f64,
}

impl MassStepLimit {
    /// The limit seen from `x_m`; None without masses or a cap.
    #[inline]
    pub fn at(&self, x_m: [f64; 3]) -> Option<f64> {
        let by_mass = self
            .centres_m
            .iter()
            .map(|c| {
                let d = [x_m[0] - c[0], x_m[1] - c[1], x_m[2] - c[2]];
                MASS_STEP_FRACTION * (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
            })
            .reduce(f64::min)
            .map(|l| l.max(self.floor_m));
        match (by_mass, self.cap_m > 0.0) {
            (Some(l), true) => Some(l.min(self.cap_m)),
            (None, true) => Some(self.cap_m),
            (l, false) => l,
        }
    }
}

/// A metric whose null geodesics can be integrated.
pub trait Spacetime: Sync {
    /// dy/dλ at y, and the field at y (so callers never evaluate it twice).
    fn derivative(&self, y: &State) -> Result<(State, Sample), Halt>;

    /// The right-hand sides at the `L` states of a packet at once, each lane bit for bit what
    /// [`Self::derivative`] gives for it (the lock-step RK4 of `integrate/packet.rs`). A lane
    /// whose evaluation halts returns its halt; its derivative and sample are then meaningless.
    /// The default evaluates lane by lane; a metric overrides it to let the lanes share SIMD
    /// registers.
    #[inline(always)]
    fn derivative_lanes<const L: usize>(
        &self,
        y: &Lanes<L>,
        d: &mut Lanes<L>,
        s: &mut [Sample; L],
    ) -> [Option<Halt>; L] {
        let mut halts = [None; L];
        for l in 0..L {
            match self.derivative(&lane(y, l)) {
                Ok((dl, sl)) => {
                    set_lane(d, l, &dl);
                    s[l] = sl;
                }
                Err(halt) => halts[l] = Some(halt),
            }
        }
        halts
    }

    /// Relative null-condition error |g_μν u^μ u^ν| / (|g₀₀|(u⁰)² + Σ gᵢᵢ(uⁱ)²) at y.
    fn null_error(&self, y: &State, s: &Sample) -> f64;

    /// The u⁰ that satisfies the null condition with y's spatial velocity (and u⁰'s sign), for
    /// a client that re-imposes it; None where the spacetime cannot say.
    fn null_u0(&self, _y: &State) -> Option<f64> {
        None
    }

    /// Initial state at `offset_m` from the observer, moving along the unit vector `direction`
    /// with |uⁱ| = c and u⁰ < 0 from the null condition.
    fn launch(&self, offset_m: [f64; 3], direction: [f64; 3]) -> Result<State, Halt>;

    /// Smallest (distance to a lens centre − its core radius) [m]; +∞ when no lens has a core.
    fn core_margin_m(&self, y: &State) -> f64;

    /// How far ahead [m], along the straight line of the current direction, the ray would enter
    /// a lens core; None when that line misses every core (or there is none).
    fn core_entry_m(&self, _y: &State) -> Option<f64> {
        None
    }

    /// The longest comoving step [m] an adaptive method may take from `y`: a fraction
    /// ([`MASS_STEP_FRACTION`]) of the distance to the nearest lens centre. An error estimate
    /// only sees the field at its stages; a step much longer than the distance to a mass can
    /// place every stage far from it and jump over the deflection unseen (measured: at
    /// rtol = 1e-8 a static point-lens image came out unlensed). Within half the distance the
    /// field along the step varies by at most a factor of a few, which the estimate resolves.
    /// None where no mass is known.
    fn step_limit_m(&self, _y: &State) -> Option<f64> {
        None
    }

    /// Conformal time of the observer [s], added back to Δη in rows.
    fn eta_obs_s(&self) -> f64;

    /// Absolute position of the observer [m].
    fn observer_m(&self) -> [f64; 3];

    /// The conserved energy-like quantity (Q for FLRW, E for Schwarzschild) when the field is static.
    fn conserved_energy(&self, y: &State, s: &Sample) -> f64;

    /// √(−g₀₀)·a·|u⁰| up to a constant: the photon energy measured by a comoving (static) observer,
    /// whose ratio between the ends gives 1 + z.
    fn observed_energy(&self, y: &State, s: &Sample) -> f64;

    /// The 14-column output row of a state, derived from that same state.
    fn row(&self, y: &State, s: &Sample) -> Row {
        let x0 = self.observer_m();
        [
            self.eta_obs_s() + y[idx::ETA],
            x0[0] + y[idx::X],
            x0[1] + y[idx::X + 1],
            x0[2] + y[idx::X + 2],
            y[idx::U0],
            y[idx::U],
            y[idx::U + 1],
            y[idx::U + 2],
            y[idx::A],
            s.phi,
            s.gradient[0],
            s.gradient[1],
            s.gradient[2],
            s.dphi_deta,
        ]
    }
}

/// A state at `offset_m` from the observer with a = 1, uⁱ = c·direction and u⁰ still to be set
/// from the null condition by the metric (physics.md §3.3).
pub fn spatial_launch_state(offset_m: [f64; 3], direction: [f64; 3]) -> State {
    let mut y = [0.0; N_STATE];
    y[idx::X..idx::X + 3].copy_from_slice(&offset_m);
    y[idx::A] = 1.0;
    for i in 0..3 {
        y[idx::U + i] = crate::units::C_M_S * direction[i];
    }
    y
}

/// Absolute position of a state.
#[inline]
pub fn absolute_position(observer_m: [f64; 3], y: &State) -> [f64; 3] {
    [
        observer_m[0] + y[idx::X],
        observer_m[1] + y[idx::X + 1],
        observer_m[2] + y[idx::X + 2],
    ]
}

/// Spatial velocity of a state.
#[inline]
pub fn velocity(y: &State) -> [f64; 3] {
    [y[idx::U], y[idx::U + 1], y[idx::U + 2]]
}

/// Observer-relative position of a state.
#[inline]
pub fn offset(y: &State) -> [f64; 3] {
    [y[idx::X], y[idx::X + 1], y[idx::X + 2]]
}

/// Distance along the unit direction `dir` from `x` (outside the sphere) to where the straight
/// line enters the sphere of `radius` about `centre`, if it does ahead.
pub fn chord_entry_m(x: [f64; 3], dir: [f64; 3], centre: [f64; 3], radius: f64) -> Option<f64> {
    let c = [centre[0] - x[0], centre[1] - x[1], centre[2] - x[2]];
    let along = c[0] * dir[0] + c[1] * dir[1] + c[2] * dir[2];
    let c2 = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
    let miss2 = c2 - along * along;
    let r2 = radius * radius;
    if along <= 0.0 || miss2 >= r2 || c2 <= r2 {
        return None;
    }
    Some(along - (r2 - miss2).sqrt())
}
