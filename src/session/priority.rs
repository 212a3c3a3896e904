//! Thread priorities of a process that traces next to a window, from first to last:
//!
//! 1. Grid builds (nice 0, every core: `FieldCache::building_on`): short, and what the user
//!    waits for after an edit; the window only redraws when woken meanwhile (`app::pacing`).
//!    The window's main thread (its render loop) also stays at nice 0.
//! 2. Tracing and image rendering ([`TRACE_NICE`]): below the render loop, so that it keeps
//!    its core while every core traces. Lowering it further costs the window dearly under
//!    software rendering, where the rasteriser's threads run at nice 0: at nice 15 a teaching
//!    view's refined image came 0.57–1.02 s after an edit, against 0.42–0.59 s at nice 5.
//! 3. The window's task pools ([`WINDOW_POOL_NICE`]): Bevy's shader and pipeline work at
//!    start-up runs on them, and at nice 0 it took a quarter to a half of the cores from the
//!    first 512³ build (1.44–1.68 s in the window against 0.79–0.87 s in the CLI; 0.78–0.93 s
//!    against 0.72–0.77 s with the pools at nice 10, measured alternately here). Per frame they
//!    run a fraction of a millisecond of systems; below the tracers, a frame while rays stream
//!    took 79–104 ms against 70–90 ms, and the refined image came 0.42–0.49 s after an edit
//!    against 0.45–0.55 s.
//!
//! Nice values are per thread on Linux; raising a thread's priority back needs a privilege a
//! user does not have, so each pool is given its level once, when its threads start.

/// Nice value of the session's tracing threads (rays and lensed images).
pub const TRACE_NICE: i32 = 5;

/// Nice value a window gives its own task pools' threads (Bevy's compute, async compute, IO).
pub const WINDOW_POOL_NICE: i32 = 10;

// The order above: the window's pools below the tracers.
const _: () = assert!(WINDOW_POOL_NICE > TRACE_NICE);

/// Lowers the calling thread's priority to `nice` (Linux; elsewhere it is left as it is). A
/// refusal is harmless (the thread keeps its priority), so the result is not checked.
pub fn lower_thread_priority(nice: i32) {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread (tid from gettid) only changes its nice value.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, nice);
    }
}
