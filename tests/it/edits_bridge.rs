//! Headless tests of the window's edits (issue 20): a rejected value leaves the run on screen
//! alone and names its key and range; a source edit re-shades without tracing; "Browse…"
//! says when no dialog can appear.

use super::app_bridge::{app, small, update_until};
use bevy::prelude::*;
use excalibur::app::bridge::draft::Draft;
use excalibur::app::bridge::simulation::{RunStatus, RunView};
use excalibur::app::shared::actions::PanelAction;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(120);

#[test]
fn a_rejected_value_leaves_the_run_on_screen_unchanged() {
    let mut app = app(small());
    update_until(&mut app, WAIT, "the first run", |w| {
        w.resource::<RunView>().status == RunStatus::Finished
    });
    let before = app.world().resource::<RunView>().config.clone().unwrap();
    let rays = app.world().resource::<RunView>().tracks.len();
    {
        let mut d = app.world_mut().resource_mut::<Draft>();
        d.config.lenses[0].mass_msun = 1e25;
        d.touched(Instant::now());
    }
    for _ in 0..20 {
        app.update();
        std::thread::sleep(Duration::from_millis(10));
    }
    let w = app.world();
    let error = w
        .resource::<Draft>()
        .error
        .clone()
        .expect("the draft is rejected");
    assert_eq!(error.key, "lenses.0.mass_msun");
    assert!(error.message.contains("(0, 1e20]"), "{error}");
    assert!(
        error.to_string().starts_with("lenses.0.mass_msun: "),
        "{error}"
    );
    let view = w.resource::<RunView>();
    assert_eq!(
        view.config.as_deref(),
        Some(&*before),
        "the traced config stays"
    );
    assert_eq!(view.tracks.len(), rays, "the rays stay");
    assert_eq!(
        w.resource::<Draft>().config.lenses[0].mass_msun,
        1e25,
        "the rejected value stays in the field"
    );
}

#[test]
fn browse_says_when_no_file_dialog_can_appear() {
    let mut app = app(small());
    app.update();
    app.world_mut().write_message(PanelAction::Browse(
        excalibur::app::shared::actions::PathField::Config,
    ));
    app.update();
    let error = app.world().resource::<RunView>().error.clone();
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        let e = error.expect("an error, not 'file dialog opened'");
        assert!(
            e.contains("xdg-desktop-portal") && e.contains("type the path"),
            "{e}"
        );
    } else {
        assert!(error.is_none(), "{error:?}");
    }
}

#[test]
fn a_teaching_preset_loaded_from_the_research_window_opens_the_sky() {
    use excalibur::app::shared::display::Presentation;
    use excalibur::app::sky::view::SkyView;
    use excalibur::config::ViewLayout;
    let mut app = app(small());
    app.update();
    assert!(!app.world().resource::<SkyView>().open, "research: no sky");
    app.world_mut().write_message(PanelAction::LoadConfig(
        "configs/teach_einstein_ring.toml".into(),
    ));
    app.update();
    app.update();
    assert!(
        app.world().resource::<SkyView>().open,
        "teaching: the sky opens"
    );
    assert_eq!(
        app.world().resource::<Presentation>().layout,
        ViewLayout::Teaching
    );
}
