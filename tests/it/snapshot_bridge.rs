//! Headless: a snapshot dropped on the window (a real `FileDragAndDrop` message, as winit
//! sends it) is opened as a snapshot, not as a run file, and the window traces through it.

use super::app_bridge::{app, small, update_until};
use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use excalibur::app::bridge::draft::Draft;
use excalibur::app::bridge::files::StatusInfo;
use excalibur::app::bridge::simulation::{RunStatus, RunView};
use excalibur::config::PotentialMode;
use std::time::Duration;

#[test]
fn a_dropped_snapshot_is_traced_through() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("dropped.hdf5");
    super::snapshot_open::write_gadget(&snap);
    let mut app = app(small());
    let wait = Duration::from_secs(120);
    update_until(&mut app, wait, "the first run", |w| {
        w.resource::<RunView>().status == RunStatus::Finished
    });
    app.world_mut().write_message(FileDragAndDrop::DroppedFile {
        window: Entity::PLACEHOLDER,
        path_buf: snap.clone(),
    });
    update_until(&mut app, wait, "a finished run through the snapshot", |w| {
        let v = w.resource::<RunView>();
        v.status == RunStatus::Finished
            && v.config
                .as_ref()
                .is_some_and(|c| c.potential.mode == PotentialMode::Particles)
    });
    let w = app.world();
    let draft = &w.resource::<Draft>().config;
    let file = &draft.potential.particles.as_ref().unwrap().file;
    assert_eq!(*file, std::fs::canonicalize(&snap).unwrap());
    let said = w.resource::<StatusInfo>().0.clone().unwrap_or_default();
    assert!(said.starts_with("opened snapshot"), "{said}");
    assert!(w.resource::<RunView>().error.is_none());
    assert!(!w.resource::<RunView>().tracks.is_empty());
}
