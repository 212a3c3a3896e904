//! Thread priorities of a process that traces next to a window, from first to last:
//!
//! 1. Grid builds (nice 0, every core: `FieldCache::building_on`): short, and what the user
//!    waits for after an edit; the window only redraws when woken meanwhile (`app::pacing`).
//! 2. The window's main thread (nice 0, its render loop) and its task pools
//!    ([`WINDOW_POOL_NICE`]): Bevy's shader and pipeline work at start-up runs on those pools,
//!    and at normal priority it took a quarter to a half of the cores from the first 512³
//!    build (window first build 1.44–1.68 s with them at nice 0, 0.94–1.04 s at nice 10,
//!    against 0.79–0.87 s in the CLI, measured alternately here).
//! 3. Tracing ([`TRACE_NICE`]): seconds to minutes of work that must not take the render
//!    loop's cores. Five steps below the pools, as the tracing pool was below the pools
//!    before they were lowered, so a re-trace shares the cores with the window as it did
//!    (871 rays re-traced in 0.76–0.97 s after an edit, against 0.79–0.92 s before).
//!
//! Nice values are per thread on Linux; raising a thread's priority back needs a privilege a
//! user does not have, so each pool is given its level once, when its threads start.

/// Nice value of the session's tracing threads.
pub const TRACE_NICE: i32 = 15;

/// Nice value a window gives its own task pools' threads (Bevy's compute, async compute, IO).
pub const WINDOW_POOL_NICE: i32 = 10;

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
