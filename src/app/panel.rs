//! The panel's state and the pure logic behind it: what an edit should trigger, debouncing,
//! and the display settings. The egui drawing is in `panel_ui.rs`; this file has no egui in
//! it so the decisions can be tested without a window.

use super::simulation::SimCommand;
use crate::config::RunConfig;
use crate::setup::lens_si;
use crate::WEAK_FIELD_LIMIT;
use bevy::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Shortest time between live re-traces while edits keep coming (slider drags stay smooth).
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// What a trajectory's colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorBy {
    /// 1/a − 1 along the ray: the cosmological redshift reached at each point.
    Redshift,
    /// Total deflection of the finished ray [arcsec].
    Deflection,
    /// Largest null-condition error of the finished ray.
    NullError,
    EndReason,
}

impl ColorBy {
    pub const ALL: [ColorBy; 4] = [
        ColorBy::Redshift,
        ColorBy::Deflection,
        ColorBy::NullError,
        ColorBy::EndReason,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ColorBy::Redshift => "redshift 1/a − 1",
            ColorBy::Deflection => "deflection [arcsec]",
            ColorBy::NullError => "null error (max)",
            ColorBy::EndReason => "end reason",
        }
    }
}

/// Display-only settings: changing them never re-traces.
#[derive(Debug, Clone, PartialEq)]
pub struct Display {
    pub color_by: ColorBy,
    /// Axis normal to the potential slice (0 = x, 1 = y, 2 = z) and its position [Mpc].
    pub slice_axis: usize,
    pub slice_position_mpc: f64,
    pub show_lenses: bool,
    pub show_slice: bool,
    pub show_rays: bool,
    pub show_box: bool,
    pub show_cone: bool,
    pub show_axes: bool,
    /// Factor on each ray's transverse offset from its unlensed line; 1 = true geometry.
    pub exaggeration: f64,
}

impl Default for Display {
    fn default() -> Self {
        Display {
            color_by: ColorBy::Redshift,
            slice_axis: 2,
            slice_position_mpc: f64::NAN,
            show_lenses: true,
            show_slice: true,
            show_rays: true,
            show_box: true,
            show_cone: true,
            show_axes: true,
            exaggeration: 1.0,
        }
    }
}

/// A request from the panel that the other systems carry out.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum PanelAction {
    Run,
    Cancel,
    /// Replace the draft config with this file (preset or typed path).
    LoadConfig(PathBuf),
    SaveConfig(PathBuf),
    /// Write the current run to this HDF5 file.
    Export(PathBuf),
    /// Show the rays of an existing run file.
    OpenRun(PathBuf),
    /// Open a file dialog that fills one of the path fields.
    Browse(PathField),
    ResetCamera,
    FocusLens(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathField {
    Config,
    Export,
    Run,
}

/// Everything the panel edits.
#[derive(Resource)]
pub struct PanelState {
    /// The config being edited; traced when it differs from `submitted`.
    pub draft: RunConfig,
    pub submitted: Option<RunConfig>,
    pub live: bool,
    /// Tracing threads; 0 = all cores but one.
    pub threads: usize,
    last_edit: Option<Instant>,
    last_submit: Option<Instant>,
    pub display: Display,
    pub config_path: String,
    pub export_path: String,
    pub run_path: String,
    pub presets: Vec<PathBuf>,
    pub expanded: bool,
    pub show_plots: bool,
    pub selected_ray: Option<usize>,
    /// The ray under the cursor, for the readout.
    pub hovered_ray: Option<usize>,
    /// A neutral message for the status bar (e.g. "saved x.toml").
    pub info: Option<String>,
}

impl PanelState {
    pub fn new(config: RunConfig, config_path: PathBuf, presets: Vec<PathBuf>) -> PanelState {
        let export_path = config.output.path.display().to_string();
        // The config's count; its 0 means all cores but one here (one is left to render).
        let threads = config.threads;
        PanelState {
            draft: config,
            submitted: None,
            live: true,
            threads,
            last_edit: None,
            last_submit: None,
            display: Display::default(),
            config_path: config_path.display().to_string(),
            run_path: export_path.clone(),
            export_path,
            presets,
            expanded: true,
            show_plots: false,
            selected_ray: None,
            hovered_ray: None,
            info: None,
        }
    }

    /// Records that the draft was edited at `now` (restarts the debounce).
    pub fn touched(&mut self, now: Instant) {
        self.last_edit = Some(now);
    }

    /// The command the controls should send at `now`, if any: a live re-trace when the draft
    /// differs from what was last traced. A lone edit starts at once; while edits keep coming
    /// (a slider drag), a re-trace starts at most every [`DEBOUNCE`], and once more when the
    /// edits stop, so a drag neither floods the tracer nor ends on a stale run.
    pub fn poll(&mut self, now: Instant) -> Option<SimCommand> {
        if !self.live || self.submitted.as_ref() == Some(&self.draft) {
            return None;
        }
        let quiet = |t: Option<Instant>| t.is_none_or(|t| now.duration_since(t) >= DEBOUNCE);
        if quiet(self.last_submit) || quiet(self.last_edit) {
            Some(self.submit(now))
        } else {
            None
        }
    }

    /// Starts the draft now (the Run button).
    pub fn start_command(&mut self) -> SimCommand {
        self.submit(Instant::now())
    }

    fn submit(&mut self, now: Instant) -> SimCommand {
        self.submitted = Some(self.draft.clone());
        self.last_edit = None;
        self.last_submit = Some(now);
        SimCommand::Start {
            config: Box::new(self.draft.clone()),
            threads: self.threads,
        }
    }

    /// Where the slice sits: the chosen position, or the first lens / box centre by default.
    pub fn slice_position_mpc(&self) -> f64 {
        let d = &self.display;
        if d.slice_position_mpc.is_finite() {
            return d.slice_position_mpc;
        }
        match self.draft.lenses.first() {
            Some(l) => l.center_mpc[d.slice_axis],
            None => {
                let p = &self.draft.potential;
                p.origin_mpc[d.slice_axis] + 0.5 * p.size_mpc
            }
        }
    }
}

/// The lenses whose depth |Φ|/c² breaks the weak-field limit, as (index, depth).
pub fn strong_field_lenses(config: &RunConfig) -> Vec<(usize, f64)> {
    config
        .lenses
        .iter()
        .enumerate()
        .map(|(i, l)| (i, lens_si(l).central_phi_over_c2().abs()))
        .filter(|(_, d)| *d > WEAK_FIELD_LIMIT)
        .collect()
}
