//! Work on its own thread with the GIL released, while the caller's thread keeps checking
//! for signals: Ctrl-C (KeyboardInterrupt) sets the library's cancel flag, the work stops at
//! its next poll, its thread is joined, and the interrupt is raised. A progress bar (tqdm when
//! it is installed, else a line on stderr) follows a counter the work advances.

use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// How often the waiting thread looks at signals and progress.
const POLL: Duration = Duration::from_millis(20);

/// What a cancellable piece of work shares with its waiter.
#[derive(Default)]
pub struct Control {
    pub cancel: AtomicBool,
    /// Rays done so far (for the progress bar).
    pub done: AtomicUsize,
}

/// A library `Sink` that counts finished rays.
impl excalibur::trace::Sink for Control {
    fn finished(&self, _result: &excalibur::trace::RayResult) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs `work` on a scoped thread; returns its value, or the KeyboardInterrupt (or other
/// signal handler's exception) after the work has been cancelled and joined. A panic in the
/// work is resumed here, which PyO3 raises as PanicException (a bug, never bad input).
pub fn detached<T: Send>(
    py: Python<'_>,
    control: &Control,
    progress: Option<(usize, &str)>,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let mut bar = match progress {
        Some((total, what)) => Some(Bar::new(py, total, what)?),
        None => None,
    };
    std::thread::scope(|s| {
        let handle = s.spawn(work);
        let mut interrupted = None;
        while !handle.is_finished() {
            py.detach(|| std::thread::sleep(POLL));
            if let Err(e) = py.check_signals() {
                control.cancel.store(true, Ordering::Relaxed);
                interrupted = Some(e);
                break;
            }
            if let Some(b) = bar.as_mut() {
                b.update(py, control.done.load(Ordering::Relaxed))?;
            }
        }
        // The cancelled work ends at its next poll (a step of each ray in flight).
        let value = py.detach(|| handle.join());
        if let Some(b) = bar.as_mut() {
            b.close(py, control.done.load(Ordering::Relaxed))?;
        }
        match (interrupted, value) {
            (Some(e), _) => Err(e),
            (None, Ok(v)) => Ok(v),
            (None, Err(panic)) => std::panic::resume_unwind(panic),
        }
    })
}

/// tqdm's bar, or a line on stderr when tqdm is not installed.
enum Bar<'py> {
    Tqdm(Bound<'py, PyAny>, usize),
    Line(usize, String, usize),
}

impl<'py> Bar<'py> {
    fn new(py: Python<'py>, total: usize, what: &str) -> PyResult<Bar<'py>> {
        match py.import("tqdm") {
            Ok(tqdm) => {
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs.set_item("total", total)?;
                kwargs.set_item("desc", what)?;
                kwargs.set_item("unit", "ray")?;
                Ok(Bar::Tqdm(tqdm.getattr("tqdm")?.call((), Some(&kwargs))?, 0))
            }
            Err(_) => Ok(Bar::Line(total, what.to_string(), usize::MAX)),
        }
    }

    fn update(&mut self, py: Python<'py>, done: usize) -> PyResult<()> {
        match self {
            Bar::Tqdm(bar, shown) => {
                if done > *shown {
                    bar.call_method1("update", (done - *shown,))?;
                    *shown = done;
                }
            }
            Bar::Line(total, what, shown) => {
                let pct = done * 100 / (*total).max(1);
                if pct != *shown {
                    let sys = py.import("sys")?;
                    let err = sys.getattr("stderr")?;
                    err.call_method1("write", (format!("\r{what}: {done}/{total} ({pct} %)"),))?;
                    err.call_method0("flush")?;
                    *shown = pct;
                }
            }
        }
        Ok(())
    }

    fn close(&mut self, py: Python<'py>, done: usize) -> PyResult<()> {
        self.update(py, done)?;
        match self {
            Bar::Tqdm(bar, _) => {
                bar.call_method0("close")?;
            }
            Bar::Line(..) => {
                py.import("sys")?
                    .getattr("stderr")?
                    .call_method1("write", ("\n",))?;
            }
        }
        Ok(())
    }
}

/// A rayon pool of `threads` workers (0: every core) for one call; its workers end when it is
/// dropped at the end of the call (not the process-wide pool, whose threads would stay).
pub fn pool(threads: usize) -> PyResult<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(excalibur::trace::resolve_threads(threads))
        .build()
        .map_err(|e| pyo3::exceptions::PyOSError::new_err(format!("cannot start threads: {e}")))
}
