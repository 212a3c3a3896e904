//! The integration loop shared by RK4 and DOPRI5: steps, events, recording, bookkeeping.

use super::tableau;
use super::{EndReason, Integration, Method, StepRule, StopConditions};
use crate::metric::{idx, offset, velocity, Halt, Sample, Spacetime, State, N_STATE};
use crate::units::{dot, norm};
use std::sync::atomic::{AtomicBool, Ordering};

/// What happened to one ray.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RayOutcome {
    pub end: EndReason,
    pub steps_accepted: u64,
    pub steps_rejected: u64,
    pub initial_state: State,
    pub initial_sample: Sample,
    pub final_state: State,
    pub final_sample: Sample,
    /// Affine parameter at the end [s].
    pub lambda_s: f64,
    /// Largest relative null-condition error over the accepted states.
    pub null_error_max: f64,
}

/// Relative accuracy to which located events put the end state on their surface.
const EVENT_TOLERANCE: f64 = 1e-13;
/// How often (in steps) the cancel flag is read.
const CANCEL_POLL_STEPS: u64 = 64;

#[inline]
fn axpy(y: &State, h: f64, k: &State) -> State {
    let mut out = *y;
    for i in 0..N_STATE {
        out[i] += h * k[i];
    }
    out
}

fn rk4_step<S: Spacetime>(st: &S, y: &State, k1: &State, h: f64) -> Result<State, Halt> {
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

/// One DOPRI5 step: (5th-order solution, 4th-order solution).
fn dopri_step<S: Spacetime>(st: &S, y: &State, k1: &State, h: f64) -> Result<(State, State), Halt> {
    let mut k = [[0.0; N_STATE]; 7];
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
        k[stage] = st.derivative(&ys)?.0;
    }
    let mut y5 = *y;
    let mut y4 = *y;
    for (s, ks) in k.iter().enumerate() {
        for i in 0..N_STATE {
            y5[i] += h * tableau::B5[s] * ks[i];
            y4[i] += h * tableau::B4[s] * ks[i];
        }
    }
    Ok((y5, y4))
}

/// Event functions, positive while the ray goes on.
struct Events<'a> {
    stop: &'a StopConditions,
    plane_sign: f64,
}

impl Events<'_> {
    fn new<'s>(stop: &'s StopConditions, y0: &State) -> Events<'s> {
        let mut e = Events {
            stop,
            plane_sign: 0.0,
        };
        e.plane_sign = e.plane_raw(y0).map(f64::signum).unwrap_or(0.0);
        e
    }

    fn plane_raw(&self, y: &State) -> Option<f64> {
        self.stop.plane.map(|p| {
            let d = offset(y);
            dot(
                p.normal,
                [
                    d[0] - p.point_offset_m[0],
                    d[1] - p.point_offset_m[1],
                    d[2] - p.point_offset_m[2],
                ],
            )
        })
    }

    /// (reason, value, scale) of every active event at y.
    fn values<S: Spacetime>(&self, st: &S, y: &State) -> [Option<(EndReason, f64, f64)>; 4] {
        let mut out = [None; 4];
        if let Some(d) = self.stop.distance_m {
            out[0] = Some((EndReason::DistanceReached, d - norm(offset(y)), d));
        }
        if let Some(a) = self.stop.scale_factor {
            out[1] = Some((EndReason::ScaleFactorReached, y[idx::A] - a, a));
        }
        if self.plane_sign != 0.0 {
            if let Some(p) = self.plane_raw(y) {
                out[2] = Some((
                    EndReason::PlaneCrossed,
                    self.plane_sign * p,
                    norm(offset(y)).max(1.0),
                ));
            }
        }
        let core = st.core_margin_m(y);
        if core.is_finite() {
            out[3] = Some((EndReason::EnteredCore, core, core.abs().max(1.0)));
        }
        out
    }

    fn value_of<S: Spacetime>(&self, st: &S, y: &State, reason: EndReason) -> f64 {
        self.values(st, y)
            .iter()
            .flatten()
            .find(|e| e.0 == reason)
            .map(|e| e.1)
            .unwrap_or(f64::NAN)
    }
}

/// Finds t ∈ (0, h] where the event crosses zero, by Illinois regula falsi on re-taken steps.
/// A step of length h from a state where the event value is `f_start` > 0 to `y_end`, where it
/// is `f_end` ≤ 0.
struct Bracket {
    f_start: f64,
    h: f64,
    y_end: State,
    f_end: f64,
}

fn locate<S: Spacetime>(
    st: &S,
    events: &Events,
    (reason, scale): (EndReason, f64),
    bracket: Bracket,
    step: &dyn Fn(f64) -> Result<State, Halt>,
) -> Result<(f64, State), Halt> {
    let Bracket {
        f_start,
        h,
        y_end,
        f_end,
    } = bracket;
    // f0, f1 are the regula-falsi weights (halved by Illinois); the true value at t1 is f1_true.
    let (mut t0, mut f0) = (0.0, f_start);
    let (mut t1, mut f1, mut y1) = (h, f_end, y_end);
    let mut f1_true = f_end;
    let mut side = 0;
    for _ in 0..200 {
        if f1_true.abs() <= EVENT_TOLERANCE * scale || (t1 - t0).abs() <= 1e-15 * h.abs() {
            break;
        }
        let t = t1 - f1 * (t1 - t0) / (f1 - f0);
        let yt = step(t)?;
        let f = events.value_of(st, &yt, reason);
        if !f.is_finite() {
            break;
        }
        if f > 0.0 {
            (t0, f0) = (t, f);
            if side == 1 {
                f1 *= 0.5;
            }
            side = 1;
        } else {
            (t1, f1, y1, f1_true) = (t, f, yt, f);
            if side == -1 {
                f0 *= 0.5;
            }
            side = -1;
        }
    }
    Ok((t1, y1))
}

fn finite(y: &State) -> bool {
    y.iter().all(|v| v.is_finite())
}

/// Integrates one photon from `y0` until a stop condition, recording states via `record`.
pub fn integrate<S: Spacetime>(
    st: &S,
    y0: State,
    settings: &Integration,
    cancel: &AtomicBool,
    record: &mut dyn FnMut(&State, &Sample),
) -> RayOutcome {
    let stop = &settings.stop;
    let mut out = RayOutcome {
        end: EndReason::StartInvalid,
        steps_accepted: 0,
        steps_rejected: 0,
        initial_state: y0,
        initial_sample: Sample::default(),
        final_state: y0,
        final_sample: Sample::default(),
        lambda_s: 0.0,
        null_error_max: 0.0,
    };
    let Ok((mut k1, mut sample)) = st.derivative(&y0) else {
        return out;
    };
    if !finite(&y0) || st.core_margin_m(&y0) <= 0.0 {
        return out;
    }
    out.initial_sample = sample;
    out.final_sample = sample;
    out.null_error_max = st.null_error(&y0, &sample);
    record(&y0, &sample);
    let events = Events::new(stop, &y0);
    let mut events_now = events.values(st, &y0);
    let step_cap = stop.steps.map_or(stop.max_steps, |s| s.min(stop.max_steps));
    let record_every = settings.record_every.max(1);
    let mut y = y0;
    let mut lambda = 0.0;
    let mut current_recorded = true;
    let mut rejected_last = false;
    let mut h_adaptive = match settings.method {
        Method::Dopri5 { initial_step_m, .. } => initial_step_m / norm(velocity(&y0)),
        Method::Rk4(_) => 0.0,
    };
    let h_min = h_adaptive.abs() * 1e-10;

    let end = 'outer: loop {
        if out.steps_accepted.is_multiple_of(CANCEL_POLL_STEPS) && cancel.load(Ordering::Relaxed) {
            break EndReason::Cancelled;
        }
        if out.steps_accepted >= step_cap {
            break EndReason::StepLimit;
        }
        // Propose a step.
        let mut h = match settings.method {
            Method::Rk4(StepRule::Affine(h)) => h,
            Method::Rk4(StepRule::Comoving(ds)) => ds / norm(velocity(&y)),
            Method::Dopri5 { .. } => h_adaptive,
        };
        let mut span_end = false;
        if let Some(span) = stop.affine_span_s {
            if (lambda + h - span) * h.signum() >= -1e-12 * h.abs() {
                h = span - lambda;
                span_end = true;
            }
        }
        let y_new = match settings.method {
            Method::Rk4(_) => match rk4_step(st, &y, &k1, h) {
                Ok(v) => v,
                Err(halt) => break EndReason::from_halt(halt),
            },
            Method::Dopri5 {
                rtol,
                length_scale_m,
                ..
            } => match dopri_step(st, &y, &k1, h) {
                Err(halt) => {
                    // A stage outside the grid (or field): shrink toward the boundary.
                    out.steps_rejected += 1;
                    h_adaptive = 0.5 * h;
                    rejected_last = true;
                    if h_adaptive.abs() < h_min {
                        break EndReason::from_halt(halt);
                    }
                    continue;
                }
                Ok((y5, y4)) => {
                    let err = error_norm(&y, &y5, &y4, rtol, length_scale_m);
                    if !err.is_finite() {
                        break EndReason::NonFinite;
                    }
                    let factor = (0.9 * err.powf(-0.2)).clamp(0.2, 5.0);
                    if err > 1.0 {
                        out.steps_rejected += 1;
                        h_adaptive = h * factor;
                        rejected_last = true;
                        if h_adaptive.abs() < h_min {
                            break EndReason::StepUnderflow;
                        }
                        continue;
                    }
                    h_adaptive = if rejected_last {
                        h * factor.min(1.0)
                    } else {
                        h * factor
                    };
                    rejected_last = false;
                    y5
                }
            },
        };
        if !finite(&y_new) {
            break EndReason::NonFinite;
        }
        let (k_new, s_new) = match st.derivative(&y_new) {
            Ok(v) => v,
            Err(halt) => break EndReason::from_halt(halt),
        };
        // Events: find the earliest located crossing within this step.
        let before = events_now;
        let after = events.values(st, &y_new);
        let mut first: Option<(f64, State, EndReason)> = None;
        for (b, a) in before.iter().zip(after.iter()) {
            if let (Some((reason, fb, scale)), Some((_, fa, _))) = (b, a) {
                if *fa <= 0.0 {
                    let step_fn = |t: f64| -> Result<State, Halt> {
                        match settings.method {
                            Method::Rk4(_) => rk4_step(st, &y, &k1, t),
                            Method::Dopri5 { .. } => dopri_step(st, &y, &k1, t).map(|r| r.0),
                        }
                    };
                    let bracket = Bracket {
                        f_start: *fb,
                        h,
                        y_end: y_new,
                        f_end: *fa,
                    };
                    match locate(st, &events, (*reason, *scale), bracket, &step_fn) {
                        Ok((t, yt)) => {
                            if first.as_ref().is_none_or(|f| t.abs() < f.0.abs()) {
                                first = Some((t, yt, *reason));
                            }
                        }
                        Err(halt) => break 'outer EndReason::from_halt(halt),
                    }
                }
            }
        }
        if let Some((t, y_event, reason)) = first {
            match st.derivative(&y_event) {
                Ok((_, s_event)) => {
                    out.steps_accepted += 1;
                    lambda += t;
                    y = y_event;
                    sample = s_event;
                    current_recorded = false;
                    out.null_error_max = out.null_error_max.max(st.null_error(&y, &sample));
                }
                Err(halt) => break EndReason::from_halt(halt),
            }
            break reason;
        }
        out.steps_accepted += 1;
        lambda += h;
        y = y_new;
        k1 = k_new;
        events_now = after;
        sample = s_new;
        current_recorded = false;
        out.null_error_max = out.null_error_max.max(st.null_error(&y, &sample));
        if out.steps_accepted.is_multiple_of(record_every) {
            record(&y, &sample);
            current_recorded = true;
        }
        if span_end {
            break EndReason::AffineSpanReached;
        }
    };
    if !current_recorded {
        record(&y, &sample);
    }
    out.end = end;
    out.final_state = y;
    out.final_sample = sample;
    out.lambda_s = lambda;
    out
}

/// RMS of (y5 − y4)ᵢ / (atolᵢ + rtol·max(|yᵢ|, |y5ᵢ|)) over the nine physical components.
fn error_norm(y: &State, y5: &State, y4: &State, rtol: f64, length_scale_m: f64) -> f64 {
    use crate::units::C_M_S;
    let atol_x = rtol * length_scale_m;
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
        let sc = atol[i] + rtol * y[i].abs().max(y5[i].abs());
        let e = (y5[i] - y4[i]) / sc;
        sum += e * e;
    }
    (sum / 9.0).sqrt()
}
