//! The integration loop shared by every stepper: propose, attempt, locate events, record,
//! count. The method-specific parts are in `stepper.rs`, the events in `events.rs`.

use super::events::{EventSet, EventValues};
use super::settings::{EndReason, Integration, Method};
use super::stepper::{Attempt, Dopri5, Rk4, Stepper};
use crate::metric::{velocity, Sample, Spacetime, State};
use crate::units::norm;
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

impl RayOutcome {
    /// A ray that could not start (its launch state is invalid): no steps, NaN states.
    pub fn start_invalid() -> RayOutcome {
        RayOutcome::unstarted(EndReason::StartInvalid)
    }

    /// A ray that ended, for `end`, before its first step: no steps, NaN states.
    pub fn unstarted(end: EndReason) -> RayOutcome {
        RayOutcome {
            end,
            steps_accepted: 0,
            steps_rejected: 0,
            initial_state: [f64::NAN; crate::metric::N_STATE],
            initial_sample: Sample::default(),
            final_state: [f64::NAN; crate::metric::N_STATE],
            final_sample: Sample::default(),
            lambda_s: 0.0,
            null_error_max: f64::NAN,
        }
    }
}

/// How often (in steps) the cancel flag is read.
pub(super) const CANCEL_POLL_STEPS: u64 = 64;

/// Whether the field at `y` is deeper than the weak-field limit |Φ|/c² = 1e-3.
fn beyond_weak_field<S: Spacetime>(st: &S, y: &State) -> bool {
    st.derivative(y).map_or(true, |(_, s)| {
        s.phi.abs() / crate::units::C2 > crate::lens::WEAK_FIELD_LIMIT
    })
}

pub(super) fn finite(y: &State) -> bool {
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
    match settings.method {
        Method::Rk4(rule) => run(st, y0, settings, Rk4 { rule }, cancel, record),
        Method::Dopri5 {
            rtol,
            initial_step_m,
            length_scale_m,
            eta_rtol,
        } => {
            let stepper =
                Dopri5::new(rtol, initial_step_m, length_scale_m, &y0).for_delays(eta_rtol);
            run(st, y0, settings, stepper, cancel, record)
        }
    }
}

fn run<S: Spacetime, P: Stepper>(
    st: &S,
    y0: State,
    settings: &Integration,
    stepper: P,
    cancel: &AtomicBool,
    record: &mut dyn FnMut(&State, &Sample),
) -> RayOutcome {
    match begin(st, y0, settings, record) {
        Ok(progress) => resume(st, settings, stepper, progress, cancel, record),
        Err(out) => out,
    }
}

/// A ray part-way through the loop: everything the loop carries from one step to the next,
/// so that the lock-step packets of `packet.rs` can hand a ray to this loop at any step.
#[derive(Clone, Copy)]
pub(super) struct Progress<'a> {
    /// The outcome so far (step counts, largest null error, the initial state and field).
    pub out: RayOutcome,
    pub y: State,
    /// The right-hand side at `y`.
    pub k1: State,
    pub sample: Sample,
    pub lambda: f64,
    pub events: EventSet<'a>,
    pub events_now: EventValues,
    pub current_recorded: bool,
}

/// The limit on accepted steps: the user's count or the safety limit, whichever is smaller.
pub(super) fn step_cap(settings: &Integration) -> u64 {
    let stop = &settings.stop;
    stop.steps.map_or(stop.max_steps, |s| s.min(stop.max_steps))
}

/// Checks and records the launch state; the finished outcome when the ray cannot start.
#[allow(clippy::result_large_err)] // once per ray, never on the step's path
pub(super) fn begin<'a, S: Spacetime>(
    st: &S,
    y0: State,
    settings: &'a Integration,
    record: &mut dyn FnMut(&State, &Sample),
) -> Result<Progress<'a>, RayOutcome> {
    let mut out = RayOutcome {
        initial_state: y0,
        final_state: y0,
        ..RayOutcome::start_invalid()
    };
    let Ok((k1, sample)) = st.derivative(&y0) else {
        return Err(out);
    };
    if !finite(&y0) || st.core_margin_m(&y0) <= 0.0 {
        return Err(out);
    }
    out.initial_sample = sample;
    out.final_sample = sample;
    out.null_error_max = st.null_error(&y0, &sample);
    record(&y0, &sample);
    let events = EventSet::new(&settings.stop, &y0);
    Ok(Progress {
        out,
        y: y0,
        k1,
        sample,
        lambda: 0.0,
        events,
        events_now: events.values(st, &y0),
        current_recorded: true,
    })
}

/// Takes an accepted step that crossed no event: the state moves to `y_new`, which is
/// recorded when its step count is a multiple of `record_every`. The caller sets `p.k1` (the
/// packets keep it in their lanes until a ray leaves them).
#[inline(always)]
pub(super) fn accept<S: Spacetime>(
    st: &S,
    p: &mut Progress,
    h: f64,
    (y_new, s_new): (State, Sample),
    after: EventValues,
    record_every: u64,
    record: &mut dyn FnMut(&State, &Sample),
) {
    p.out.steps_accepted += 1;
    p.lambda += h;
    p.y = y_new;
    p.events_now = after;
    p.sample = s_new;
    p.current_recorded = false;
    p.out.null_error_max = p.out.null_error_max.max(st.null_error(&p.y, &p.sample));
    if p.out.steps_accepted.is_multiple_of(record_every) {
        record(&p.y, &p.sample);
        p.current_recorded = true;
    }
}

/// Runs the loop from `p` until the ray stops.
pub(super) fn resume<S: Spacetime, P: Stepper>(
    st: &S,
    settings: &Integration,
    mut stepper: P,
    mut p: Progress,
    cancel: &AtomicBool,
    record: &mut dyn FnMut(&State, &Sample),
) -> RayOutcome {
    let stop = &settings.stop;
    let step_cap = step_cap(settings);
    let record_every = settings.record_every.max(1);
    let end = loop {
        let y = p.y;
        if p.out.steps_accepted.is_multiple_of(CANCEL_POLL_STEPS) && cancel.load(Ordering::Relaxed)
        {
            break EndReason::Cancelled;
        }
        if p.out.steps_accepted >= step_cap {
            break EndReason::StepLimit;
        }
        let mut h = stepper.propose(&y);
        let mut span_end = false;
        if let Some(span) = stop.affine_span_s {
            if (p.lambda + h - span) * h.signum() >= -1e-12 * h.abs() {
                h = span - p.lambda;
                span_end = true;
            }
        }
        if P::ADAPTIVE {
            if let Some(limit_m) = st.step_limit_m(&y) {
                let speed = norm(velocity(&y));
                if h.abs() * speed > limit_m {
                    h = (limit_m / speed).copysign(h);
                    span_end = false;
                }
            }
        }
        // A step whose straight chord would cross into a lens core ends just past its surface
        // instead, so the located event finds the entry (a full step could jump over a small
        // core) and no stage samples the interior far from the surface.
        if let Some(entry_m) = st.core_entry_m(&y) {
            let speed = norm(velocity(&y));
            let length_m = h.abs() * speed;
            if entry_m < length_m {
                let capped_m = (entry_m * (1.0 + 1e-6)).max(1e-3 * length_m);
                h = (capped_m / speed).copysign(h);
                span_end = false;
            }
        }
        let mut y_new = match stepper.attempt(st, &y, &p.k1, h) {
            Attempt::Accepted(v) => v,
            Attempt::Rejected => {
                p.out.steps_rejected += 1;
                continue;
            }
            // A step that shrank to nothing next to a potential beyond the weak field stopped
            // because of that field: say so.
            Attempt::Stop(EndReason::StepUnderflow) if beyond_weak_field(st, &y) => {
                break EndReason::WeakFieldViolated
            }
            Attempt::Stop(reason) => break reason,
        };
        if !finite(&y_new) {
            break EndReason::NonFinite;
        }
        if settings.keep_null {
            if let Some(u0) = st.null_u0(&y_new) {
                y_new[crate::metric::idx::U0] = u0;
                // The stepper's last stage was taken at the old u⁰.
                let _ = stepper.take_end_derivative();
            }
        }
        let end_derivative = match stepper.take_end_derivative() {
            Some(v) => Ok(v),
            None => st.derivative(&y_new),
        };
        let at_end = match end_derivative {
            Ok(v) => v,
            Err(halt) => break EndReason::from_halt(halt),
        };
        let after = p.events.values(st, &y_new);
        let k1 = p.k1;
        let retake = |t: f64| stepper.retake(st, &y, &k1, t);
        match p
            .events
            .first_crossing(st, &p.events_now, &after, h, &y_new, &retake)
        {
            Err(halt) => break EndReason::from_halt(halt),
            Ok(Some((t, y_event, reason))) => match st.derivative(&y_event) {
                Ok((_, s_event)) => {
                    p.out.steps_accepted += 1;
                    p.lambda += t;
                    p.y = y_event;
                    p.sample = s_event;
                    p.current_recorded = false;
                    p.out.null_error_max = p.out.null_error_max.max(st.null_error(&p.y, &p.sample));
                    break reason;
                }
                Err(halt) => break EndReason::from_halt(halt),
            },
            Ok(None) => {}
        }
        p.k1 = at_end.0;
        accept(
            st,
            &mut p,
            h,
            (y_new, at_end.1),
            after,
            record_every,
            record,
        );
        if span_end {
            break EndReason::AffineSpanReached;
        }
    };
    if !p.current_recorded {
        record(&p.y, &p.sample);
    }
    let mut out = p.out;
    out.end = end;
    out.final_state = p.y;
    out.final_sample = p.sample;
    out.lambda_s = p.lambda;
    out
}
