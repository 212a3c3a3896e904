//! The config being edited and when it is traced: a live re-trace of the draft, debounced, and
//! the Run and Cancel buttons, turned into simulation commands at the end of each frame.

use super::simulation::{RunStatus, RunView, SimCommand};
use crate::app::shared::actions::PanelAction;
use crate::config::{ConfigError, RunConfig};
use bevy::prelude::*;
use std::time::{Duration, Instant};

/// Shortest time between live re-traces while edits keep coming (slider drags stay smooth).
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// The config the panel edits, and what of it was last traced.
#[derive(Resource)]
pub struct Draft {
    /// The config being edited; traced when it differs from `submitted`.
    pub config: RunConfig,
    /// The draft as last submitted (valid or not), so an unchanged draft is not re-traced.
    pub submitted: Option<RunConfig>,
    /// Re-trace on every edit (debounced).
    pub live: bool,
    /// Tracing threads; 0 = all cores (the tracer runs below the render loop's priority).
    pub threads: usize,
    /// Why the draft as last submitted is not valid (None: it is); the field of its key shows
    /// it in red (`panel/widgets.rs`), and nothing is traced until it is fixed.
    pub error: Option<ConfigError>,
    last_edit: Option<Instant>,
    last_submit: Option<Instant>,
}

impl Draft {
    pub fn new(config: RunConfig) -> Draft {
        let threads = config.threads;
        Draft {
            config,
            submitted: None,
            live: true,
            threads,
            error: None,
            last_edit: None,
            last_submit: None,
        }
    }

    /// Records that the draft was edited at `now` (restarts the debounce).
    pub fn touched(&mut self, now: Instant) {
        self.last_edit = Some(now);
    }

    /// Replaces the draft (a loaded file) and marks it as traced when `traced` (an opened run
    /// file, whose rays are already on screen).
    pub fn replace(&mut self, config: RunConfig, traced: bool) {
        self.submitted = traced.then(|| config.clone());
        self.config = config;
    }

    /// The command the controls should send at `now`, if any: a live re-trace when the draft
    /// differs from what was last traced. A lone edit starts at once; while edits keep coming
    /// (a slider drag), a re-trace starts at most every [`DEBOUNCE`], and once more when the
    /// edits stop, so a drag neither floods the tracer nor ends on a stale run.
    ///
    /// An edit of the source alone (`RunConfig::same_geodesics`) re-traces nothing: it becomes
    /// [`SimCommand::Shade`] at once, every frame of a drag (a re-shade takes milliseconds).
    pub fn poll(&mut self, now: Instant) -> Option<Result<SimCommand, ConfigError>> {
        if !self.live || self.submitted.as_ref() == Some(&self.config) {
            return None;
        }
        if self
            .submitted
            .as_ref()
            .is_some_and(|s| s.same_geodesics(&self.config))
        {
            self.submitted = Some(self.config.clone());
            self.last_edit = None;
            return Some(
                self.config
                    .clone()
                    .into_valid()
                    .map(|config| SimCommand::Shade {
                        config,
                        threads: self.threads,
                    }),
            );
        }
        let quiet = |t: Option<Instant>| t.is_none_or(|t| now.duration_since(t) >= DEBOUNCE);
        (quiet(self.last_submit) || quiet(self.last_edit)).then(|| self.submit(now))
    }

    /// Validates the draft and makes it the run to trace: the one copy of an edit that the
    /// session, the model and the scene then share.
    pub fn submit(&mut self, now: Instant) -> Result<SimCommand, ConfigError> {
        self.submitted = Some(self.config.clone());
        self.last_edit = None;
        self.last_submit = Some(now);
        Ok(SimCommand::Start {
            config: self.config.clone().into_valid()?,
            threads: self.threads,
        })
    }
}

/// Run/Cancel buttons and the debounced live re-trace become simulation commands; a draft
/// that fails validation becomes the red status line, and the scene keeps the last run.
pub fn controls(
    mut actions: MessageReader<PanelAction>,
    mut draft: ResMut<Draft>,
    mut view: ResMut<RunView>,
    mut commands: MessageWriter<SimCommand>,
) {
    let mut wanted = None;
    for a in actions.read() {
        match a {
            PanelAction::Run => wanted = Some(draft.submit(Instant::now())),
            PanelAction::Cancel => {
                commands.write(SimCommand::Cancel);
            }
            _ => {}
        }
    }
    match wanted.or_else(|| draft.poll(Instant::now())) {
        Some(Ok(c)) => {
            draft.error = None;
            commands.write(c);
        }
        Some(Err(e)) => {
            view.error = Some(e.to_string());
            view.status = RunStatus::Failed;
            draft.error = Some(e);
        }
        None => {}
    }
}

/// The draft and the run controls. Runs in `Last`, before the simulation handles commands.
pub struct DraftPlugin {
    pub config: RunConfig,
}

impl Plugin for DraftPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Draft::new(self.config.clone()))
            .add_message::<PanelAction>()
            .add_systems(Last, controls.before(super::simulation::handle_commands));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start_mass(c: Option<Result<SimCommand, ConfigError>>) -> Option<f64> {
        match c {
            Some(Ok(SimCommand::Start { config, .. })) => Some(config.lenses[0].mass_msun),
            _ => None,
        }
    }

    #[test]
    fn a_lone_edit_starts_at_once_and_a_drag_at_most_every_debounce() {
        let mut config = RunConfig::default();
        config.lenses.push(Default::default());
        let mut d = Draft::new(config);
        let t0 = Instant::now();
        assert!(
            start_mass(d.poll(t0)).is_some(),
            "the first draft is traced"
        );
        assert!(
            d.poll(t0 + DEBOUNCE * 4).is_none(),
            "unchanged: no re-trace"
        );
        let t1 = t0 + DEBOUNCE * 10;
        d.config.lenses[0].mass_msun = 2e15;
        d.touched(t1);
        assert_eq!(start_mass(d.poll(t1)), Some(2e15));
        d.config.lenses[0].mass_msun = 4e15;
        d.touched(t1 + DEBOUNCE / 4);
        assert!(d.poll(t1 + DEBOUNCE / 2).is_none(), "within the debounce");
        assert_eq!(start_mass(d.poll(t1 + DEBOUNCE)), Some(4e15));
        d.live = false;
        d.config.lenses[0].mass_msun = 8e15;
        assert!(d.poll(t1 + DEBOUNCE * 10).is_none(), "live re-trace off");
    }

    #[test]
    fn a_source_edit_shades_at_once_and_traces_nothing() {
        let mut config = RunConfig::default();
        config.lenses.push(Default::default());
        let mut d = Draft::new(config);
        let t0 = Instant::now();
        assert!(start_mass(d.poll(t0)).is_some());
        // Every step of a drag, even within the debounce, is one re-shade.
        for k in 1..=5 {
            d.config.source.offset_mpc = [0.01 * k as f64, 0.0];
            d.touched(t0);
            match d.poll(t0) {
                Some(Ok(SimCommand::Shade { config, .. })) => {
                    assert_eq!(config.source.offset_mpc[0], 0.01 * k as f64)
                }
                _ => panic!("step {k}: a source move must be a re-shade"),
            }
        }
        // The source's distance moves the plane the geodesics end on: a re-trace.
        d.config.source.distance_mpc *= 1.5;
        d.touched(t0 + DEBOUNCE * 2);
        assert!(matches!(
            d.poll(t0 + DEBOUNCE * 2),
            Some(Ok(SimCommand::Start { .. }))
        ));
    }

    #[test]
    fn an_invalid_draft_is_reported_once_not_retried_every_frame() {
        let mut config = RunConfig::default();
        config.lenses.push(Default::default());
        config.lenses[0].mass_msun = -1.0;
        let mut d = Draft::new(config);
        let t0 = Instant::now();
        let err = d.poll(t0).unwrap().unwrap_err();
        assert_eq!(err.key, "lenses.0.mass_msun");
        assert!(d.poll(t0 + DEBOUNCE * 2).is_none());
    }
}
