//! Loading and saving configs, exporting the current run, opening run files, drag-and-drop,
//! and the optional file dialog (rfd, portal backend, on its own thread: it only fills a path
//! field, so a missing dialog service can never hang the app).

use super::dialog::{spawn_dialog, BrowseChannel, DialogAnswer, NO_DIALOG};
use super::draft::Draft;
use super::simulation::{RunStatus, RunView, Simulation, Track};
use crate::app::shared::actions::{PanelAction, PathField};
use crate::app::shared::display::Selection;
use crate::app::shared::layout::AppSet;
use crate::config::{RunConfig, ValidConfig};
use crate::io::{self, RayRecord, RunMeta};
use crate::session::{Pass, RaySummary, TrackPoint};
use crate::units::{normalize, MPC_M};
use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use std::path::{Path, PathBuf};

/// The panel's typed paths and the presets menu.
#[derive(Resource, Debug, Clone, Default)]
pub struct PathFields {
    pub config: String,
    pub export: String,
    pub run: String,
    pub snapshot: String,
    /// "Export sweep…": the manifest's path and the range of the swept key.
    pub sweep: String,
    pub sweep_range: crate::sweep::KeyRange,
    /// Every config in `configs/`.
    pub presets: Vec<PathBuf>,
}

impl PathFields {
    pub fn new(config_path: &Path, config: &RunConfig) -> PathFields {
        let export = config.output.path.display().to_string();
        let mass = config.lenses.first().map_or(1e15, |l| l.mass_msun);
        PathFields {
            config: config_path.display().to_string(),
            run: export.clone(),
            export,
            // The snapshot the config traces, if any (as written in the config).
            snapshot: config
                .potential
                .particles
                .as_ref()
                .map(|p| p.file.display().to_string())
                .unwrap_or_else(|| "sims/nbody_example.hdf5".into()),
            sweep: "runs/sweep.toml".into(),
            sweep_range: crate::sweep::KeyRange {
                key: "lenses.0.mass_msun".into(),
                from: mass / 10.0,
                to: mass * 10.0,
                count: 5,
                log: true,
            },
            presets: presets(),
        }
    }
}

/// Every config in `configs/` (the presets menu), sorted by name.
pub fn presets() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("configs")
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A neutral message for the status bar (e.g. "saved x.toml").
#[derive(Resource, Debug, Default, Clone)]
pub struct StatusInfo(pub Option<String>);

/// The first `runs/STEM-N.EXT` (N = 1, 2, …) that does not exist: what the window's Record
/// and light-curve buttons write, so one never replaces another.
pub fn next_free_path(stem: &str, ext: &str) -> PathBuf {
    (1..)
        .map(|n| PathBuf::from(format!("runs/{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| PathBuf::from(format!("runs/{stem}.{ext}")))
}

/// Writes the finished run on screen to an HDF5 file (never over an existing one); a relative
/// snapshot path is taken from `base_dir`, the config's folder.
pub fn export_run(view: &RunView, path: &Path, base_dir: &Path) -> Result<(), String> {
    let (Some(result), Some(config)) = (view.result.as_ref(), view.config.as_ref()) else {
        return Err("no finished run to export yet".into());
    };
    let meta = RunMeta {
        config_toml: config.to_toml(),
        metric: config.spacetime.metric.as_ref().into(),
        n_photons_total: result.rays.len(),
        shard: None,
        warnings: view.warnings.clone(),
        snapshot: crate::field::snapshot_record(config, base_dir)
            .map_err(|e| format!("{:#}", anyhow::Error::from(e)))?,
    };
    let records: Vec<RayRecord> = result.rays.iter().map(RayRecord::from).collect();
    io::write_run(path, &meta, &records, false, &[])
        .map_err(|e| format!("{:#}", anyhow::Error::from(e)))
}

/// Reads a run file into displayable tracks, with its config and accuracy warnings.
pub fn read_run_tracks(path: &Path) -> Result<(ValidConfig, Vec<Track>, Vec<String>), String> {
    let (meta, rays) = io::read_run(path).map_err(|e| format!("{:#}", anyhow::Error::from(e)))?;
    let warnings = meta.warnings.clone();
    let config = RunConfig::from_toml_str(&meta.config_toml, &path.display().to_string(), &[])
        .map_err(|e| format!("{}: stored config: {e}", path.display()))?;
    let tracks = rays
        .into_iter()
        .map(|r| {
            let first = r.rows.first().copied().unwrap_or([f64::NAN; 14]);
            Track {
                origin_mpc: [first[1] / MPC_M, first[2] / MPC_M, first[3] / MPC_M],
                direction: normalize([first[5], first[6], first[7]]),
                points: r
                    .rows
                    .iter()
                    .map(|w| TrackPoint {
                        position_mpc: [w[1] / MPC_M, w[2] / MPC_M, w[3] / MPC_M],
                        scale_factor: w[8],
                    })
                    .collect(),
                summary: Some(RaySummary {
                    id: r.id,
                    end: r.end,
                    steps: r.steps_accepted + r.steps_rejected,
                    observables: r.observables,
                }),
                pass: Pass::Full,
                dirty: true,
            }
        })
        .collect();
    Ok((config, tracks, warnings))
}

/// Loads a config file into the draft (it is traced by the live re-trace or Run).
fn load_config_into(
    draft: &mut Draft,
    paths: &mut PathFields,
    sim: &mut Simulation,
    path: &Path,
) -> Result<(), String> {
    let config = RunConfig::load(path, &[]).map_err(|e| e.to_string())?;
    sim.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    paths.config = path.display().to_string();
    paths.export = config.output.path.display().to_string();
    draft.replace(config.as_given().clone(), false);
    Ok(())
}

/// Saves the draft at `p`, or, when `p` is a shipped preset (a file of `configs/`), under a new
/// name in `runs/` (`<preset>_edited.toml`, then `_2`, `_3`, ...), which becomes the path field:
/// one click must never overwrite a preset.
fn save_config_from(draft: &Draft, paths: &mut PathFields, p: &Path) -> Result<String, String> {
    let preset = paths.presets.iter().any(|q| io::same_file(q, p));
    let target = if preset {
        let stem = p
            .file_stem()
            .map_or("config".into(), |s| s.to_string_lossy());
        (1..)
            .map(|k| match k {
                1 => PathBuf::from(format!("runs/{stem}_edited.toml")),
                k => PathBuf::from(format!("runs/{stem}_edited_{k}.toml")),
            })
            .find(|c| !c.exists())
            .unwrap_or_default()
    } else {
        p.to_path_buf()
    };
    io::save_config(&draft.config, &target).map_err(|e| format!("{:#}", anyhow::Error::from(e)))?;
    paths.config = target.display().to_string();
    Ok(if preset {
        format!(
            "saved {} ({} is a shipped preset and is never overwritten)",
            target.display(),
            p.display()
        )
    } else {
        format!("saved {}", target.display())
    })
}

/// Carries out the file actions of the panel; errors go to the red status line.
#[allow(clippy::too_many_arguments)]
pub fn handle_file_actions(
    mut actions: MessageReader<PanelAction>,
    mut draft: ResMut<Draft>,
    mut paths: ResMut<PathFields>,
    mut selection: ResMut<Selection>,
    mut info: ResMut<StatusInfo>,
    mut view: ResMut<RunView>,
    mut sim: ResMut<Simulation>,
    browse: Res<BrowseChannel>,
) {
    for a in actions.read() {
        let outcome = match a {
            PanelAction::LoadConfig(p) => load_config_into(&mut draft, &mut paths, &mut sim, p)
                .map(|_| format!("loaded {}", p.display())),
            PanelAction::SaveConfig(p) => save_config_from(&draft, &mut paths, p),
            PanelAction::ExportSweep(p, range) => crate::sweep::export(p, &draft.config, range)
                .map(|m| {
                    format!(
                        "wrote {} ({} runs of {}; base {}): submit with configs/slurm/sweep.sh",
                        p.display(),
                        m.len(),
                        range.key,
                        m.base.display()
                    )
                })
                .map_err(|e| e.to_string()),
            PanelAction::Export(p) => {
                export_run(&view, p, &sim.base_dir).map(|_| format!("exported {}", p.display()))
            }
            PanelAction::OpenRun(p) => open_run(&mut draft, &mut view, p),
            PanelAction::OpenSnapshot(p) => {
                let opened = crate::nbody::open::open_snapshot(&mut draft.config, p)
                    .map_err(|e| format!("{:#}", anyhow::Error::from(e)));
                if opened.is_ok() {
                    paths.snapshot = p.display().to_string();
                    draft.touched(std::time::Instant::now());
                }
                opened
            }
            PanelAction::Browse(field) => {
                if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
                    Err(NO_DIALOG.to_string())
                } else {
                    spawn_dialog(*field, browse.tx.clone());
                    Ok("opening the file dialog…".into())
                }
            }
            _ => continue,
        };
        match outcome {
            Ok(text) => {
                if matches!(a, PanelAction::LoadConfig(_) | PanelAction::OpenRun(_)) {
                    *selection = Selection::default();
                }
                info.0 = Some(text);
                view.error = None;
            }
            Err(e) => view.error = Some(e),
        }
    }
    while let Ok((field, answer)) = browse.rx.try_recv() {
        let path = match answer {
            DialogAnswer::Picked(p) => p,
            DialogAnswer::Unavailable(e) => {
                view.error = Some(e);
                continue;
            }
        };
        info.0 = Some(format!("picked {}", path.display()));
        let text = path.display().to_string();
        match field {
            PathField::Config => paths.config = text,
            PathField::Export => paths.export = text,
            PathField::Run => paths.run = text,
            PathField::Snapshot => paths.snapshot = text,
        }
    }
}

fn open_run(draft: &mut Draft, view: &mut RunView, path: &Path) -> Result<String, String> {
    let (valid, tracks, warnings) = read_run_tracks(path)?;
    let n = tracks.len();
    // The draft shows the file's config, marked as traced, so no live re-trace replaces it.
    draft.replace(valid.config().clone(), true);
    view.replace_tracks(tracks);
    view.config = Some(valid);
    view.field = None;
    view.result = None;
    view.status = RunStatus::Finished;
    view.loaded_from = Some(path.to_path_buf());
    view.warnings = warnings;
    Ok(format!("opened {} ({n} rays)", path.display()))
}

/// A .toml dropped on the window loads as config; an .h5 opens as a run.
pub fn handle_drops(
    mut drops: MessageReader<FileDragAndDrop>,
    mut actions: MessageWriter<PanelAction>,
) {
    for d in drops.read() {
        if let FileDragAndDrop::DroppedFile { path_buf, .. } = d {
            let ext = path_buf.extension().and_then(|e| e.to_str()).unwrap_or("");
            let snapshot =
                || crate::nbody::open::snapshot_format(path_buf).is_ok_and(|f| f.is_some());
            actions.write(match ext {
                "h5" | "hdf5" if snapshot() => PanelAction::OpenSnapshot(path_buf.clone()),
                "h5" | "hdf5" => PanelAction::OpenRun(path_buf.clone()),
                _ => PanelAction::LoadConfig(path_buf.clone()),
            });
        }
    }
}

/// The window's title names the config being edited and, when one is open, the run on screen.
fn window_title(
    paths: Res<PathFields>,
    view: Res<RunView>,
    draft: Res<Draft>,
    mut windows: Query<&mut Window>,
) {
    if !(paths.is_changed() || view.is_changed()) {
        return;
    }
    let title = match &view.loaded_from {
        Some(run) => format!("excalibur: run {} (opened file)", run.display()),
        None => format!("excalibur: {} ({})", draft.config.title, paths.config),
    };
    for mut w in &mut windows {
        if w.title != title {
            w.title = title.clone();
        }
    }
}

/// Files: typed paths, load/save/export/open, drops and dialogs.
pub struct FilesPlugin {
    pub config_path: PathBuf,
    pub config: RunConfig,
}

impl Plugin for FilesPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(PathFields::new(&self.config_path, &self.config))
            .init_resource::<StatusInfo>()
            .init_resource::<BrowseChannel>()
            // Registered here too, so the headless app (no window) runs the same systems.
            .add_message::<FileDragAndDrop>()
            .add_systems(
                Update,
                (handle_drops, handle_file_actions, window_title)
                    .chain()
                    .in_set(AppSet::Controls),
            );
    }
}
