//! Lock-step RK4 packets: [`LANES`] rays advance together with their states side by side
//! ([`Lanes`]), so the stage arithmetic runs in SIMD lanes and the field lookups of the rays
//! overlap instead of waiting on each other. Whatever a step does that is not the same for
//! every ray (a stop event crossed, a halt or a non-finite state, a core ahead, the step cap,
//! a cancel poll) hands that ray to the scalar loop of `driver.rs` at the start of that step,
//! and the scalar loop re-takes it. Each lane does exactly the scalar loop's arithmetic in the
//! same order, so a ray's result is bit for bit the same with or without packets
//! (`tests/it/packets.rs`); only the speed differs.

use super::driver::{
    accept, begin, finite, integrate, resume, step_cap, Progress, RayOutcome, CANCEL_POLL_STEPS,
};
use super::events::Event;
use super::settings::{Integration, Method, StepRule};
use super::stepper::{Rk4, Stepper};
use crate::metric::{lane, set_lane, velocity, Lanes, Sample, Spacetime, State, N_STATE};
use crate::units::norm;
use std::sync::atomic::{AtomicBool, Ordering};

/// Rays per packet: four f64 lanes fill one AVX2 register.
pub const LANES: usize = 4;

/// Integrates the photons starting at `y0s` like [`integrate`] does one by one, recording
/// states of ray `i` through `record(i, ..)`; outcomes in the order of `y0s`. Fixed-step RK4
/// runs in packets of [`LANES`]; DOPRI5 (whose step lengths differ from ray to ray) and
/// affine-span stops run ray by ray.
/// How many rays `integrate_many` advances together under `settings`: [`LANES`] for
/// fixed-step RK4, 1 for DOPRI5 (its step lengths differ from ray to ray) and affine-span stops.
pub fn packet_width(settings: &Integration) -> usize {
    match settings.method {
        Method::Rk4(_) if settings.stop.affine_span_s.is_none() => LANES,
        _ => 1,
    }
}

pub fn integrate_many<S: Spacetime>(
    st: &S,
    y0s: &[State],
    settings: &Integration,
    cancel: &AtomicBool,
    record: &mut dyn FnMut(usize, &State, &Sample),
) -> Vec<RayOutcome> {
    let rule = match settings.method {
        Method::Rk4(rule) if packet_width(settings) > 1 && y0s.len() > 1 => rule,
        _ => {
            return (y0s.iter().enumerate())
                .map(|(i, y0)| integrate(st, *y0, settings, cancel, &mut |y, s| record(i, y, s)))
                .collect()
        }
    };
    let mut out = Vec::with_capacity(y0s.len());
    for (c, chunk) in y0s.chunks(LANES).enumerate() {
        let first = c * LANES;
        let record = &mut |l: usize, y: &State, s: &Sample| record(first + l, y, s);
        out.extend(lockstep_dispatch(st, chunk, rule, settings, cancel, record));
    }
    out
}

/// Runs [`lockstep`] compiled for AVX2 where the processor has it (4 lanes in one register),
/// else for the baseline x86-64 or other target.
fn lockstep_dispatch<S: Spacetime>(
    st: &S,
    y0s: &[State],
    rule: StepRule,
    settings: &Integration,
    cancel: &AtomicBool,
    record: &mut dyn FnMut(usize, &State, &Sample),
) -> Vec<RayOutcome> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor supports AVX2, checked just above.
        return unsafe { lockstep_avx2(st, y0s, rule, settings, cancel, record) };
    }
    lockstep::<S, LANES>(st, y0s, rule, settings, cancel, record)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn lockstep_avx2<S: Spacetime>(
    st: &S,
    y0s: &[State],
    rule: StepRule,
    settings: &Integration,
    cancel: &AtomicBool,
    record: &mut dyn FnMut(usize, &State, &Sample),
) -> Vec<RayOutcome> {
    lockstep::<S, LANES>(st, y0s, rule, settings, cancel, record)
}

/// One packet of at most `L` rays, in lock-step until each is handed to the scalar loop.
#[inline(always)]
fn lockstep<S: Spacetime, const L: usize>(
    st: &S,
    y0s: &[State],
    rule: StepRule,
    settings: &Integration,
    cancel: &AtomicBool,
    record: &mut dyn FnMut(usize, &State, &Sample),
) -> Vec<RayOutcome> {
    let stepper = Rk4 { rule };
    let cap = step_cap(settings);
    let record_every = settings.record_every.max(1);
    let mut done: [Option<RayOutcome>; L] = [None; L];
    let mut live: [Option<Progress>; L] = [None; L];
    for (l, y0) in y0s.iter().enumerate() {
        match begin(st, *y0, settings, &mut |y, s| record(l, y, s)) {
            Ok(p) => live[l] = Some(p),
            Err(o) => done[l] = Some(o),
        }
    }
    // The packet's states and right-hand sides live here, not in `live`, while it runs.
    let (mut y, mut k1): (Lanes<L>, Lanes<L>) = ([[0.0; L]; N_STATE], [[0.0; L]; N_STATE]);
    for (l, p) in live.iter().enumerate() {
        if let Some(p) = p {
            set_lane(&mut y, l, &p.y);
            set_lane(&mut k1, l, &p.k1);
        }
    }
    // The scalar loop finishes lane `l` from the start of the step it could not take here.
    macro_rules! hand_over {
        ($l:expr) => {{
            let l = $l;
            if let Some(mut p) = live[l].take() {
                p.k1 = lane(&k1, l);
                let rec = &mut |y: &State, s: &Sample| record(l, y, s);
                done[l] = Some(resume(st, settings, Rk4 { rule }, p, cancel, rec));
            }
        }};
    }
    let mut h = [0.0; L];
    // Every live lane has taken the same number of steps.
    while let Some(steps) = live.iter().flatten().map(|p| p.out.steps_accepted).next() {
        if steps >= cap
            || (steps.is_multiple_of(CANCEL_POLL_STEPS) && cancel.load(Ordering::Relaxed))
        {
            (0..L).for_each(|l| hand_over!(l));
            continue;
        }
        for l in 0..L {
            let Some(p) = &live[l] else { continue };
            h[l] = stepper.propose(&p.y);
            if let Some(entry_m) = st.core_entry_m(&p.y) {
                if entry_m < h[l].abs() * norm(velocity(&p.y)) {
                    hand_over!(l);
                }
            }
        }
        // Lanes without a ray repeat a live one, so that they compute harmless numbers.
        let Some(fill) = live.iter().position(Option::is_some) else {
            continue;
        };
        for l in 0..L {
            if live[l].is_none() {
                for i in 0..N_STATE {
                    y[i][l] = y[i][fill];
                    k1[i][l] = k1[i][fill];
                }
                h[l] = h[fill];
            }
        }
        let (y_new, halted) = rk4_lanes(st, &y, &k1, &h);
        let mut k_new = [[0.0; L]; N_STATE];
        let mut s_new = [Sample::default(); L];
        let end_halted = st.derivative_lanes(&y_new, &mut k_new, &mut s_new);
        for l in 0..L {
            let Some(p) = &mut live[l] else { continue };
            let yn = lane(&y_new, l);
            if halted[l] || end_halted[l].is_some() || !finite(&yn) {
                hand_over!(l);
                continue;
            }
            let after = p.events.values(st, &yn);
            if after.iter().flatten().any(Event::reached) {
                hand_over!(l);
                continue;
            }
            let rec = &mut |y: &State, s: &Sample| record(l, y, s);
            accept(st, p, h[l], (yn, s_new[l]), after, record_every, rec);
        }
        (y, k1) = (y_new, k_new);
    }
    done.into_iter()
        .take(y0s.len())
        .map(|o| o.expect("every ray of a packet ends"))
        .collect()
}

/// `Rk4::step` on every lane (the same operations in the same order); which lanes halted at
/// some stage.
#[inline(always)]
fn rk4_lanes<S: Spacetime, const L: usize>(
    st: &S,
    y: &Lanes<L>,
    k1: &Lanes<L>,
    h: &[f64; L],
) -> (Lanes<L>, [bool; L]) {
    let mut half = [0.0; L];
    for l in 0..L {
        half[l] = 0.5 * h[l];
    }
    let mut halted = [false; L];
    let k2 = stage(st, y, k1, &half, &mut halted);
    let k3 = stage(st, y, &k2, &half, &mut halted);
    let k4 = stage(st, y, &k3, h, &mut halted);
    let mut out = *y;
    for i in 0..N_STATE {
        for l in 0..L {
            let w = h[l] / 6.0;
            out[i][l] += w * (k1[i][l] + 2.0 * (k2[i][l] + k3[i][l]) + k4[i][l]);
        }
    }
    (out, halted)
}

/// The right-hand side at y + step·k on every lane (a closure would not inherit the caller's
/// target features, hence a function inlined into it).
#[inline(always)]
fn stage<S: Spacetime, const L: usize>(
    st: &S,
    y: &Lanes<L>,
    k: &Lanes<L>,
    step: &[f64; L],
    halted: &mut [bool; L],
) -> Lanes<L> {
    let mut ys = *y;
    for i in 0..N_STATE {
        for l in 0..L {
            ys[i][l] += step[l] * k[i][l];
        }
    }
    let mut d = [[0.0; L]; N_STATE];
    let mut samples = [Sample::default(); L];
    let halts = st.derivative_lanes(&ys, &mut d, &mut samples);
    for l in 0..L {
        halted[l] |= halts[l].is_some();
    }
    d
}
