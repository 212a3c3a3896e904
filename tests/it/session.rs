//! The tracing session on its own (no window): the coarse preview of a big grid, and the
//! wake-ups a window that idles through grid builds relies on.

use crate::app_bridge::small;
use excalibur::session::{Pass, Session, SimMessage};
use std::path::PathBuf;
use std::time::Duration;

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
