//! What an integration is asked to do: the method, the stop conditions, the recording cadence;
//! and why a ray ended.

use crate::metric::Halt;

/// Why a ray ended (physics.md §8). The declaration order is the `labels` order of the run
/// file, and the snake_case names (strum) are those labels.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum EndReason {
    DistanceReached,
    ScaleFactorReached,
    PlaneCrossed,
    AffineSpanReached,
    StepLimit,
    LeftGrid,
    EnteredCore,
    WeakFieldViolated,
    NonFinite,
    StepUnderflow,
    StartInvalid,
    Cancelled,
}

impl EndReason {
    /// snake_case label used in files and summaries.
    pub fn label(self) -> &'static str {
        self.into()
    }

    /// Index in [`strum::VariantArray::VARIANTS`] (the value stored in run files).
    pub fn code(self) -> i32 {
        self as i32
    }

    pub fn from_code(code: i32) -> Option<EndReason> {
        use strum::VariantArray;
        usize::try_from(code)
            .ok()
            .and_then(|i| Self::VARIANTS.get(i).copied())
    }

    pub(crate) fn from_halt(h: Halt) -> EndReason {
        match h {
            Halt::LeftGrid => EndReason::LeftGrid,
            Halt::WeakFieldViolated => EndReason::WeakFieldViolated,
        }
    }
}

/// How long each RK4 step is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepRule {
    /// A constant affine step dλ [s] (convergence and reversibility tests; may be negative).
    Affine(f64),
    /// A target comoving length Δs [m]: dλ = Δs/|u| at the start of each step.
    Comoving(f64),
}

/// The integration method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    Rk4(StepRule),
    /// Adaptive DOPRI5 with relative tolerance `rtol`; `initial_step_m` is the first trial step
    /// (comoving length) and `length_scale_m` sets the absolute tolerances (physics.md §8).
    Dopri5 {
        rtol: f64,
        initial_step_m: f64,
        length_scale_m: f64,
        /// The tolerance of η relative to |η| when it must be tighter than `rtol` (None: `rtol`).
        /// An arrival-time delay is a difference of two η of ~10¹⁷ s; the image polish asks for
        /// [`ETA_RTOL_FOR_DELAYS`] so the delay, not η, meets its tolerance (physics.md §13).
        eta_rtol: Option<f64>,
    },
}

/// η's tolerance for arrival-time delays: 2e-15 of |η| is 200 s a step at η = 10¹⁷ s, 4e-8 of a
/// 5·10⁹ s delay. Tighter values (1e-16, 2e-17) moved the teaching delays by no more than the
/// ulp of η (measured), so the step count is not spent on them.
pub const ETA_RTOL_FOR_DELAYS: f64 = 2e-15;

/// A plane through `point_offset_m` (observer-relative) with normal `normal`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plane {
    pub point_offset_m: [f64; 3],
    pub normal: [f64; 3],
}

/// When a ray stops; the first condition met wins. Leaving the grid always ends a ray.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StopConditions {
    /// |x − x_obs| ≥ this [m].
    pub distance_m: Option<f64>,
    /// a ≤ this.
    pub scale_factor: Option<f64>,
    pub plane: Option<Plane>,
    /// λ ≥ this [s].
    pub affine_span_s: Option<f64>,
    /// The user's step count (ends with `StepLimit`).
    pub steps: Option<u64>,
    /// The safety limit (also ends with `StepLimit`, reported, never silent).
    pub max_steps: u64,
}

impl Default for StopConditions {
    fn default() -> Self {
        StopConditions {
            distance_m: None,
            scale_factor: None,
            plane: None,
            affine_span_s: None,
            steps: None,
            max_steps: 1_000_000,
        }
    }
}

/// Method, stop conditions and recording cadence of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Integration {
    pub method: Method,
    pub stop: StopConditions,
    /// Record every k-th accepted step (initial and final states are always recorded).
    pub record_every: u64,
    /// Re-impose the null condition on u⁰ after every accepted step (the image polish). The
    /// drift of g(u, u), N·rtol after N steps, is a relative error of dη/dλ, so η at the end is
    /// off by N·rtol·η (2·10⁷ s for 200 steps at 1e-12 and η = 2·10¹⁷ s: 7 % of a SIS delay);
    /// kept null, η follows the path and delays converge with rtol (physics.md §13).
    pub keep_null: bool,
}
