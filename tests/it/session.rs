//! The tracing session on its own (no window): the coarse preview of a big grid, and the
//! wake-ups a window that idles through grid builds relies on.

use excalibur::config::RunConfig;
use excalibur::session::{Pass, Session, SimMessage};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) fn config(name: &str) -> RunConfig {
    RunConfig::load(Path::new(&format!("configs/{name}.toml")), &[])
        .expect("config loads")
        .config()
        .clone()
}

/// A small, fast run: 3×4 cone (9 rays: the seed's counting has one central ray) through an analytic cluster, 200 steps of 5 Mpc.
pub(crate) fn small() -> RunConfig {
    let mut c = config("cluster_grid");
    c.potential.mode = excalibur::config::PotentialMode::Analytic;
    c.rays.n_theta = 3;
    c.rays.n_phi = 4;
    c.integration.step_mpc = 5.0;
    c.integration.stop.distance_mpc = Some(1000.0);
    c
}

#[test]
fn a_big_grid_streams_a_coarse_preview_first() {
    let mut c = small();
    c.potential.mode = excalibur::config::PotentialMode::Grid;
    c.potential.nodes = 160;
    // The window idles while a grid builds: the session wakes it once per pass start and end
    // (not per streamed point), after the message is in the channel.
    let (wake_tx, wakes) = crossbeam_channel::unbounded();
    let session = Session::spawn(std::sync::Arc::new(move || {
        let _ = wake_tx.send(());
    }))
    .unwrap();
    let (rx, _cancel) = session.submit(c.into_valid().unwrap(), PathBuf::from("configs"), 1);
    let mut passes = vec![];
    loop {
        match rx
            .recv_timeout(Duration::from_secs(60))
            .expect("messages arrive")
        {
            SimMessage::Started(s) => passes.push((s.pass, s.config.potential.nodes)),
            SimMessage::Done(d) if d.pass == Pass::Full => break,
            SimMessage::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    assert_eq!(passes, vec![(Pass::Preview, 128), (Pass::Full, 160)]);
    for n in 0..4 {
        wakes
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("wake-up {n} of 4 (two passes, start and end)"));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        wakes.try_recv().is_err(),
        "more than one wake-up per pass start and end"
    );
}

/// The nice value of each of this process's threads whose name starts with `prefix`, from
/// /proc (field 19 of a task's stat).
fn nice_of_threads(prefix: &str) -> Vec<i32> {
    let mut nices = vec![];
    for task in std::fs::read_dir("/proc/self/task").expect("/proc is mounted") {
        let dir = task.unwrap().path();
        let Ok(comm) = std::fs::read_to_string(dir.join("comm")) else {
            continue; // the thread ended meanwhile
        };
        if !comm.starts_with(prefix) {
            continue;
        }
        if let Some(nice) = nice_in_stat(&dir.join("stat")) {
            nices.push(nice);
        }
    }
    nices
}

/// Field 19 (nice) of a /proc stat file, counted after the parenthesised name; None if the
/// thread has ended.
fn nice_in_stat(path: &Path) -> Option<i32> {
    let stat = std::fs::read_to_string(path).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    after_name.split(' ').nth(16)?.parse().ok()
}

#[cfg(target_os = "linux")]
#[test]
fn grids_build_at_the_callers_priority_and_rays_trace_below_it() {
    use excalibur::session::TRACE_NICE;
    let own = nice_in_stat(Path::new("/proc/thread-self/stat")).expect("this thread's nice");
    let session = Session::spawn(Session::no_wake()).unwrap();
    let (rx, _cancel) = session.submit(small().into_valid().unwrap(), PathBuf::from("configs"), 2);
    loop {
        match rx
            .recv_timeout(Duration::from_secs(60))
            .expect("messages arrive")
        {
            SimMessage::Done(_) => break,
            SimMessage::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    let (trace, grid) = (nice_of_threads("exc-trace-"), nice_of_threads("exc-grid-"));
    assert!(
        !trace.is_empty() && !grid.is_empty(),
        "trace {trace:?}, grid {grid:?}"
    );
    // Other tests' sessions share the process; every one lowers its tracers the same way.
    assert!(
        trace.iter().all(|&n| n == TRACE_NICE.max(own)),
        "tracing threads at {trace:?}"
    );
    assert!(
        grid.iter().all(|&n| n == own),
        "grid threads at {grid:?}, caller at {own}"
    );
}
