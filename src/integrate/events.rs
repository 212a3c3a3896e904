//! Stop events and their locator: each active stop condition is a function of the state that
//! is positive while the ray goes on; a step across zero is re-taken at shorter lengths until
//! the end state lies on the event surface (Illinois regula falsi), so a ray stops *on* its
//! distance, scale factor, plane or core, not merely after it.

use super::settings::{EndReason, StopConditions};
use crate::metric::{offset, Halt, Spacetime, State};
use crate::units::{dot, norm};

/// Relative accuracy to which located events put the end state on their surface.
pub const EVENT_TOLERANCE: f64 = 1e-13;

/// One stop condition evaluated at a state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub reason: EndReason,
    /// Positive while the ray goes on; ≤ 0 once the condition is met.
    pub value: f64,
    /// The size against which [`EVENT_TOLERANCE`] is relative (same unit as `value`).
    pub scale: f64,
}

impl Event {
    /// Whether the ray has met this condition (value ≤ 0, or not a number).
    #[inline]
    pub fn reached(&self) -> bool {
        self.value.is_nan() || self.value <= 0.0
    }
}

/// Values of every active event at one state, in a fixed order (distance, scale factor,
/// plane, core), so that values at the two ends of a step can be paired.
pub type EventValues = [Option<Event>; 4];

/// The active stop events of one ray.
#[derive(Clone, Copy)]
pub struct EventSet<'a> {
    stop: &'a StopConditions,
    /// Which side of the stop plane the ray starts on (0: no plane, or starting on it).
    plane_sign: f64,
}

impl<'a> EventSet<'a> {
    pub fn new(stop: &'a StopConditions, y0: &State) -> EventSet<'a> {
        let mut e = EventSet {
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

    /// Every active event at `y`.
    pub fn values<S: Spacetime>(&self, st: &S, y: &State) -> EventValues {
        let mut out = [None; 4];
        if let Some(d) = self.stop.distance_m {
            out[0] = Some(Event {
                reason: EndReason::DistanceReached,
                value: d - norm(offset(y)),
                scale: d,
            });
        }
        if let Some(a) = self.stop.scale_factor {
            out[1] = Some(Event {
                reason: EndReason::ScaleFactorReached,
                value: y[crate::metric::idx::A] - a,
                scale: a,
            });
        }
        if self.plane_sign != 0.0 {
            if let Some(p) = self.plane_raw(y) {
                out[2] = Some(Event {
                    reason: EndReason::PlaneCrossed,
                    value: self.plane_sign * p,
                    scale: norm(offset(y)).max(1.0),
                });
            }
        }
        let core = st.core_margin_m(y);
        if core.is_finite() {
            out[3] = Some(Event {
                reason: EndReason::EnteredCore,
                value: core,
                scale: core.abs().max(1.0),
            });
        }
        out
    }

    /// The value of the event `reason` at `y` (NaN when it is not active there).
    pub fn value_of<S: Spacetime>(&self, st: &S, y: &State, reason: EndReason) -> f64 {
        self.values(st, y)
            .iter()
            .flatten()
            .find(|e| e.reason == reason)
            .map_or(f64::NAN, |e| e.value)
    }

    /// The earliest event crossed by the step of length `h` from `before` to `after` (the
    /// event values at its ends), located on its surface: (step length to it, state there,
    /// reason). `retake(t)` re-takes the step with length t from the same start.
    pub fn first_crossing<S: Spacetime>(
        &self,
        st: &S,
        before: &EventValues,
        after: &EventValues,
        h: f64,
        y_end: &State,
        retake: &dyn Fn(f64) -> Result<State, Halt>,
    ) -> Result<Option<(f64, State, EndReason)>, Halt> {
        let mut first: Option<(f64, State, EndReason)> = None;
        for (b, a) in before.iter().zip(after.iter()) {
            let (Some(b), Some(a)) = (b, a) else { continue };
            if !a.reached() {
                continue;
            }
            let bracket = Bracket {
                f_start: b.value,
                h,
                y_end: *y_end,
                f_end: a.value,
            };
            let (t, yt) = locate(
                &|y| self.value_of(st, y, b.reason),
                b.scale,
                bracket,
                retake,
            )?;
            if first.as_ref().is_none_or(|f| t.abs() < f.0.abs()) {
                first = Some((t, yt, b.reason));
            }
        }
        Ok(first)
    }
}

/// A step of length `h` from a state where the event value is `f_start` > 0 to `y_end`, where
/// it is `f_end` ≤ 0.
#[derive(Debug, Clone, Copy)]
pub struct Bracket {
    pub f_start: f64,
    pub h: f64,
    pub y_end: State,
    pub f_end: f64,
}

/// Finds t ∈ (0, h] where `event` crosses zero, by Illinois regula falsi on re-taken steps,
/// to |event| ≤ [`EVENT_TOLERANCE`]·`scale` (or until the bracket is 1e-15 h wide). Returns
/// the located step length and the state there, always on the stopped side (event ≤ 0).
pub fn locate(
    event: &dyn Fn(&State) -> f64,
    scale: f64,
    bracket: Bracket,
    retake: &dyn Fn(f64) -> Result<State, Halt>,
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
        let yt = retake(t)?;
        let f = event(&yt);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::N_STATE;

    /// A "step" that moves x linearly (y[1] = 3t) or along a curve, with the event x = 2.
    fn state_at(x: f64) -> State {
        let mut y = [0.0; N_STATE];
        y[1] = x;
        y
    }

    #[test]
    fn locates_a_linear_crossing_on_the_surface() {
        let event = |y: &State| 2.0 - y[1];
        let retake = |t: f64| Ok(state_at(3.0 * t));
        let bracket = Bracket {
            f_start: 2.0,
            h: 1.0,
            y_end: state_at(3.0),
            f_end: -1.0,
        };
        let (t, y) = locate(&event, 2.0, bracket, &retake).unwrap();
        assert!((t - 2.0 / 3.0).abs() < 1e-13, "t = {t}");
        assert!(event(&y) <= 0.0 && event(&y).abs() <= EVENT_TOLERANCE * 2.0);
    }

    #[test]
    fn locates_a_curved_crossing_from_the_stopped_side() {
        // x(t) = 4 t², crossing x = 2 at t = 1/√2: regula falsi alone would stall on one side;
        // the Illinois halving must still converge within the tolerance.
        let event = |y: &State| 2.0 - y[1];
        let retake = |t: f64| Ok(state_at(4.0 * t * t));
        let bracket = Bracket {
            f_start: 2.0,
            h: 1.0,
            y_end: state_at(4.0),
            f_end: -2.0,
        };
        let (t, y) = locate(&event, 2.0, bracket, &retake).unwrap();
        assert!((t - 0.5f64.sqrt()).abs() < 1e-12, "t = {t}");
        assert!(event(&y) <= 0.0);
    }

    #[test]
    fn a_halt_while_retaking_is_passed_on() {
        let event = |y: &State| 2.0 - y[1];
        let retake = |_t: f64| Err(Halt::LeftGrid);
        let bracket = Bracket {
            f_start: 2.0,
            h: 1.0,
            y_end: state_at(3.0),
            f_end: -1.0,
        };
        assert_eq!(
            locate(&event, 2.0, bracket, &retake).unwrap_err(),
            Halt::LeftGrid
        );
    }
}
