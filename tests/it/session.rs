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
    let mut c = config("default");
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
