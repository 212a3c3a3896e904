//! One stepper per method: fixed-step RK4 and adaptive Dormand–Prince 5(4). A stepper proposes
//! a step length, attempts the step (DOPRI5 may reject it and shrink), and re-takes an accepted
//! step at a shorter length for the event locator. The loop around them is in `driver.rs`.

use super::settings::{EndReason, StepRule};
use super::tableau;
use crate::metric::{velocity, Halt, Sample, Spacetime, State, N_STATE};
use crate::units::norm;

/// The result of attempting one step.
pub enum Attempt {
    /// The new state.
    Accepted(State),
    /// Rejected (error too large, or a stage left the field); try again with a new proposal.
    Rejected,
    /// The ray cannot go on.
    Stop(EndReason),
}

/// A method of taking steps; `k1` is the right-hand side at `y`, shared with the last step.
pub trait Stepper {
    /// Affine length of the next step to try from `y`.
    fn propose(&self, y: &State) -> f64;
    /// Attempts the step of affine length `h` from `y`.
    fn attempt<S: Spacetime>(&mut self, st: &S, y: &State, k1: &State, h: f64) -> Attempt;
    /// Whether the method chooses its own steps (and so obeys [`Spacetime::step_limit_m`]); a
    /// fixed-step method keeps the step it was given.
    const ADAPTIVE: bool = false;
    /// Re-takes the step from `y` with length `t` (the event locator's trial steps).
    fn retake<S: Spacetime>(&self, st: &S, y: &State, k1: &State, t: f64) -> Result<State, Halt>;
    /// The right-hand side at the state the last accepted step ended on, when the method
    /// already evaluated it (DOPRI5's "first same as last" stage); the driver then skips it.
    fn take_end_derivative(&mut self) -> Option<(State, Sample)> {
        None
    }
}

#[inline]
fn axpy(y: &State, h: f64, k: &State) -> State {
    let mut out = *y;
    for i in 0..N_STATE {
        out[i] += h * k[i];
    }
    out
}

/// Classical fixed-step RK4 (4th order).
pub struct Rk4 {
    pub rule: StepRule,
}

impl Rk4 {
    fn step<S: Spacetime>(st: &S, y: &State, k1: &State, h: f64) -> Result<State, Halt> {
        let (k2, _) = st.derivative(&axpy(y, 0.5 * h, k1))?;
        let (k3, _) = st.derivative(&axpy(y, 0.5 * h, &k2))?;
        let (k4, _) = st.derivative(&axpy(y, h, &k3))?;
        let mut out = *y;
        let w = h / 6.0;
        for i in 0..N_STATE {
            out[i] += w * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
        }
        Ok(out)
    }
}

impl Stepper for Rk4 {
    fn propose(&self, y: &State) -> f64 {
        match self.rule {
            StepRule::Affine(h) => h,
            StepRule::Comoving(ds) => ds / norm(velocity(y)),
        }
    }

    fn attempt<S: Spacetime>(&mut self, st: &S, y: &State, k1: &State, h: f64) -> Attempt {
        match Rk4::step(st, y, k1, h) {
            Ok(v) => Attempt::Accepted(v),
            Err(halt) => Attempt::Stop(EndReason::from_halt(halt)),
        }
    }

    fn retake<S: Spacetime>(&self, st: &S, y: &State, k1: &State, t: f64) -> Result<State, Halt> {
        Rk4::step(st, y, k1, t)
    }
}

/// The components summed with their rounding carried for delays: η and x (state indices 0..4).
const CARRIED: usize = 4;

/// What DOPRI5 does differently for arrival-time delays (the image polish; `Method::Dopri5`'s
/// `eta_rtol`): η gets its own tolerance and its error estimate from the stages alone (y5 − y4
/// of η itself carries the rounding of a ~10¹⁷ s value, 32 s), and η and x are summed with
/// their rounding carried (Kahan). At 2 Gpc an f64 η rounds to 32 s and an f64 position to
/// 8.6·10⁹ m (29 light-seconds); over 600 steps the plain sums wander by hundreds of seconds of
/// arrival time, 1e-5 of a 2·10⁷ s point-lens delay.
struct ForDelays {
    /// η's tolerance relative to |η|.
    eta_rtol: f64,
    /// The low-order parts of η and x that rounding dropped from the accepted steps so far.
    carry: [f64; CARRIED],
}

/// Adaptive Dormand–Prince 5(4) with the standard controller (safety 0.9, factor in
/// [0.2, 5], no growth right after a rejection) and the tolerances of physics.md §8.
pub struct Dopri5 {
    rtol: f64,
    /// Some for delays (see [`ForDelays`]); None for every run of a config.
    delays: Option<ForDelays>,
    length_scale_m: f64,
    /// The next step to try.
    h: f64,
    /// Below this the step has underflowed (1e-10 of the first trial step).
    h_min: f64,
    rejected_last: bool,
    /// f at the end of the last accepted step: the seventh stage, evaluated at exactly y5
    /// (its weights are the fifth-order weights, summed in the same order).
    fsal: Option<(State, Sample)>,
}

impl Dopri5 {
    /// Starts with a step of comoving length `initial_step_m` along the ray starting at `y0`.
    pub fn new(rtol: f64, initial_step_m: f64, length_scale_m: f64, y0: &State) -> Dopri5 {
        let h = initial_step_m / norm(velocity(y0));
        Dopri5 {
            rtol,
            delays: None,
            length_scale_m,
            h,
            h_min: h.abs() * 1e-10,
            rejected_last: false,
            fsal: None,
        }
    }

    /// The same stepper for delays when `eta_rtol` is given (see [`ForDelays`]).
    pub fn for_delays(mut self, eta_rtol: Option<f64>) -> Dopri5 {
        self.delays = eta_rtol.map(|eta_rtol| ForDelays {
            eta_rtol,
            carry: [0.0; CARRIED],
        });
        self
    }

    /// One step: (5th-order solution, 4th-order solution, f and the field at the last stage,
    /// and with `for_delays` the 5th-order increments of η and x and η's error estimate, all
    /// from the stages alone).
    #[allow(clippy::type_complexity)]
    fn step<S: Spacetime>(
        st: &S,
        y: &State,
        k1: &State,
        h: f64,
        for_delays: bool,
    ) -> Result<(State, State, (State, Sample), Option<([f64; CARRIED], f64)>), Halt> {
        let mut k = [[0.0; N_STATE]; 7];
        let mut last = Sample::default();
        k[0] = *k1;
        for stage in 1..7 {
            let mut ys = *y;
            for (j, kj) in k.iter().enumerate().take(stage) {
                let a = tableau::A[stage][j];
                if a != 0.0 {
                    for i in 0..N_STATE {
                        ys[i] += h * a * kj[i];
                    }
                }
            }
            (k[stage], last) = st.derivative(&ys)?;
        }
        let mut y5 = *y;
        let mut y4 = *y;
        for (s, ks) in k.iter().enumerate() {
            for i in 0..N_STATE {
                y5[i] += h * tableau::B5[s] * ks[i];
                y4[i] += h * tableau::B4[s] * ks[i];
            }
        }
        if !for_delays {
            return Ok((y5, y4, (k[6], last), None));
        }
        let e = crate::metric::idx::ETA;
        let (mut inc, mut e_eta) = ([0.0; CARRIED], 0.0);
        for (s, ks) in k.iter().enumerate() {
            for (i, d) in inc.iter_mut().enumerate() {
                *d += h * tableau::B5[s] * ks[i];
            }
            e_eta += h * (tableau::B5[s] - tableau::B4[s]) * ks[e];
        }
        Ok((y5, y4, (k[6], last), Some((inc, e_eta))))
    }

    /// RMS of (y5 − y4)ᵢ / (atolᵢ + rtol·max(|yᵢ|, |y5ᵢ|)) over the nine physical components.
    /// For delays, η's term uses its own error estimate and tolerance (`eta_error`).
    fn error_norm(&self, y: &State, y5: &State, y4: &State, eta_error: Option<f64>) -> f64 {
        use crate::units::C_M_S;
        let rtol = self.rtol;
        let atol_x = rtol * self.length_scale_m;
        let atol = [
            atol_x / C_M_S,
            atol_x,
            atol_x,
            atol_x,
            rtol,
            rtol * C_M_S,
            rtol * C_M_S,
            rtol * C_M_S,
            rtol,
        ];
        let mut sum = 0.0;
        for i in 0..9 {
            let (r, d) = match (&self.delays, eta_error) {
                (Some(f), Some(e)) if i == crate::metric::idx::ETA => (f.eta_rtol, e),
                _ => (rtol, y5[i] - y4[i]),
            };
            let e = d / (atol[i] + r * y[i].abs().max(y5[i].abs()));
            sum += e * e;
        }
        (sum / 9.0).sqrt()
    }
}

impl Stepper for Dopri5 {
    const ADAPTIVE: bool = true;

    fn propose(&self, _y: &State) -> f64 {
        self.h
    }

    fn attempt<S: Spacetime>(&mut self, st: &S, y: &State, k1: &State, h: f64) -> Attempt {
        match Dopri5::step(st, y, k1, h, self.delays.is_some()) {
            Err(halt) => {
                // A stage outside the grid (or field): shrink toward the boundary.
                self.h = 0.5 * h;
                self.rejected_last = true;
                if self.h.abs() < self.h_min {
                    return Attempt::Stop(EndReason::from_halt(halt));
                }
                Attempt::Rejected
            }
            Ok((y5, y4, end, increments)) => {
                let err = self.error_norm(y, &y5, &y4, increments.map(|i| i.1));
                if !err.is_finite() {
                    return Attempt::Stop(EndReason::NonFinite);
                }
                let factor = (0.9 * err.powf(-0.2)).clamp(0.2, 5.0);
                if err > 1.0 {
                    self.h = h * factor;
                    self.rejected_last = true;
                    if self.h.abs() < self.h_min {
                        return Attempt::Stop(EndReason::StepUnderflow);
                    }
                    return Attempt::Rejected;
                }
                self.h = if self.rejected_last {
                    h * factor.min(1.0)
                } else {
                    h * factor
                };
                self.rejected_last = false;
                self.fsal = Some(end);
                let mut y5 = y5;
                if let (Some(f), Some((inc, _))) = (&mut self.delays, increments) {
                    for i in 0..CARRIED {
                        let wanted = inc[i] + f.carry[i];
                        y5[i] = y[i] + wanted;
                        f.carry[i] = wanted - (y5[i] - y[i]);
                    }
                }
                Attempt::Accepted(y5)
            }
        }
    }

    fn retake<S: Spacetime>(&self, st: &S, y: &State, k1: &State, t: f64) -> Result<State, Halt> {
        Dopri5::step(st, y, k1, t, false).map(|r| r.0)
    }

    fn take_end_derivative(&mut self) -> Option<(State, Sample)> {
        self.fsal.take()
    }
}
