//! Loading and saving configs, exporting the current run, opening run files, drag-and-drop,
//! and the optional file dialog (rfd, portal backend, on its own thread: it only fills a path
//! field, so a missing dialog service can never hang the app).

use super::panel::{PanelAction, PanelState, PathField};
use super::simulation::{RunStatus, RunView, Simulation, Track};
use super::worker::{Pass, RaySummary, TrackPoint};
use crate::config::RunConfig;
use crate::io::{self, RayRecord, RunMeta};
use crate::units::{normalize, MPC_M};
use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use crossbeam_channel::{Receiver, Sender};
use std::path::{Path, PathBuf};

/// Writes `text` to `path` through a temporary file and a rename.
pub fn save_config(config: &RunConfig, path: &Path) -> Result<(), String> {
    let tmp = io::temporary_path(path);
    std::fs::write(&tmp, config.to_toml())
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("{}: cannot write: {e}", path.display())
        })
}

/// Writes the finished run on screen to an HDF5 file (never over an existing one).
pub fn export_run(view: &RunView, path: &Path) -> Result<(), String> {
    let (Some(result), Some(config)) = (view.result.as_ref(), view.config.as_ref()) else {
        return Err("no finished run to export yet".into());
    };
    let meta = RunMeta {
        config_toml: config.to_toml(),
        metric: config.spacetime.metric.as_str().into(),
        n_photons_total: result.rays.len(),
        shard: None,
    };
    let records: Vec<RayRecord> = result.rays.iter().map(RayRecord::from).collect();
    io::write_run(path, &meta, &records, false).map_err(|e| e.to_string())
}

/// Reads a run file into displayable tracks, with the config it was run with.
pub fn read_run_tracks(path: &Path) -> Result<(RunConfig, Vec<Track>), String> {
    let (meta, rays) = io::read_run(path).map_err(|e| e.to_string())?;
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
    Ok((config, tracks))
}

/// Loads a config file into the panel (it is traced by the live re-trace or Run).
pub fn load_config_into(
    state: &mut PanelState,
    sim: &mut Simulation,
    path: &Path,
) -> Result<(), String> {
    let config = RunConfig::load(path, &[]).map_err(|e| e.to_string())?;
    sim.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    state.config_path = path.display().to_string();
    state.export_path = config.output.path.display().to_string();
    state.draft = config;
    state.selected_ray = None;
    Ok(())
}

/// Dialog answers on their way back from the dialog thread.
#[derive(Resource)]
pub struct BrowseChannel {
    tx: Sender<(PathField, PathBuf)>,
    rx: Receiver<(PathField, PathBuf)>,
}

impl Default for BrowseChannel {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        BrowseChannel { tx, rx }
    }
}

/// Carries out the file actions of the panel; errors go to the red status line.
pub fn handle_file_actions(
    mut actions: MessageReader<PanelAction>,
    mut state: ResMut<PanelState>,
    mut view: ResMut<RunView>,
    mut sim: ResMut<Simulation>,
    browse: Res<BrowseChannel>,
) {
    for a in actions.read() {
        let outcome = match a {
            PanelAction::LoadConfig(p) => {
                load_config_into(&mut state, &mut sim, p).map(|_| format!("loaded {}", p.display()))
            }
            PanelAction::SaveConfig(p) => {
                save_config(&state.draft, p).map(|_| format!("saved {}", p.display()))
            }
            PanelAction::Export(p) => {
                export_run(&view, p).map(|_| format!("exported {}", p.display()))
            }
            PanelAction::OpenRun(p) => open_run(&mut state, &mut view, p),
            PanelAction::Browse(field) => {
                spawn_dialog(*field, browse.tx.clone());
                Ok("file dialog opened".into())
            }
            _ => continue,
        };
        match outcome {
            Ok(info) => {
                state.info = Some(info);
                view.error = None;
            }
            Err(e) => view.error = Some(e),
        }
    }
    while let Ok((field, path)) = browse.rx.try_recv() {
        let text = path.display().to_string();
        match field {
            PathField::Config => state.config_path = text,
            PathField::Export => state.export_path = text,
            PathField::Run => state.run_path = text,
        }
    }
}

fn open_run(state: &mut PanelState, view: &mut RunView, path: &Path) -> Result<String, String> {
    let (config, tracks) = read_run_tracks(path)?;
    let n = tracks.len();
    // The panel shows the file's config, marked as traced, so no live re-trace replaces it.
    state.draft = config.clone();
    state.submitted = Some(config.clone());
    view.replace_tracks(tracks);
    view.config = Some(config);
    view.field = None;
    view.result = None;
    view.status = RunStatus::Finished;
    view.loaded_from = Some(path.to_path_buf());
    Ok(format!("opened {} ({n} rays)", path.display()))
}

fn spawn_dialog(field: PathField, tx: Sender<(PathField, PathBuf)>) {
    let spawned = std::thread::Builder::new()
        .name("file-dialog".into())
        .spawn(move || {
            let dialog = rfd::FileDialog::new();
            let picked = match field {
                PathField::Config => dialog.add_filter("config", &["toml"]).pick_file(),
                PathField::Export => dialog.add_filter("HDF5", &["h5", "hdf5"]).save_file(),
                PathField::Run => dialog.add_filter("HDF5", &["h5", "hdf5"]).pick_file(),
            };
            if let Some(p) = picked {
                let _ = tx.send((field, p));
            }
        });
    if let Err(e) = spawned {
        error!("cannot start the file dialog thread: {e}");
    }
}

/// A .toml dropped on the window loads as config; an .h5 opens as a run.
pub fn handle_drops(
    mut drops: MessageReader<FileDragAndDrop>,
    mut actions: MessageWriter<PanelAction>,
) {
    for d in drops.read() {
        if let FileDragAndDrop::DroppedFile { path_buf, .. } = d {
            let ext = path_buf.extension().and_then(|e| e.to_str()).unwrap_or("");
            actions.write(match ext {
                "h5" | "hdf5" => PanelAction::OpenRun(path_buf.clone()),
                _ => PanelAction::LoadConfig(path_buf.clone()),
            });
        }
    }
}
