//! `excalibur gui CONFIG --log FILE`: one line per run the window starts, per re-shade and per image
//! it shows (with the frame time then), with the seconds since the window opened. What an input test reads to count the
//! runs a sequence of keystrokes caused (typing "5e14⏎" must start exactly one), and what a
//! lecturer can keep as the record of a demo.

use crate::app::bridge::simulation::SimCommand;
use crate::app::shared::timings::FrameTimings;
use crate::app::sky::view::SkyView;
use bevy::prelude::*;
use std::io::Write;
use std::time::Instant;

/// The open log (none without `--log`).
#[derive(Resource)]
pub struct RunLog {
    file: std::fs::File,
    opened: Instant,
    shown_version: u64,
}

impl RunLog {
    fn line(&mut self, text: &str) {
        let t = self.opened.elapsed().as_secs_f64();
        // A log that cannot be written must not stop a lecture: the first failure is said.
        if let Err(e) = writeln!(self.file, "{t:.3} {text}") {
            eprintln!("excalibur: the --log file cannot be written: {e}");
        }
    }
}

/// "lenses=[5.000e14] potential=analytic source=[0.0100, 0.0000] fov=120" (a snapshot's
/// potential is "particles:FILE NAME"): what identifies a run in the log.
fn describe(c: &crate::config::RunConfig) -> String {
    let masses: Vec<String> = c
        .lenses
        .iter()
        .map(|l| format!("{:.3e}", l.mass_msun))
        .collect();
    let potential = match &c.potential.particles {
        Some(p) if c.potential.mode == crate::config::PotentialMode::Particles => format!(
            "particles:{}",
            p.file.file_name().unwrap_or_default().to_string_lossy()
        ),
        _ => c.potential.mode.as_ref().to_string(),
    };
    format!(
        "lenses=[{}] potential={potential} source=[{:.4}, {:.4}] fov={}",
        masses.join(", "),
        c.source.offset_mpc[0],
        c.source.offset_mpc[1],
        c.camera.field_of_view_arcsec
    )
}

fn log_commands(mut commands: MessageReader<SimCommand>, log: Option<ResMut<RunLog>>) {
    let Some(mut log) = log else { return };
    for c in commands.read() {
        match c {
            SimCommand::Start { config, .. } => log.line(&format!("trace {}", describe(config))),
            SimCommand::Shade { config, .. } => log.line(&format!("shade {}", describe(config))),
            SimCommand::Cancel => log.line("cancel"),
        }
    }
}

fn log_images(sky: Res<SkyView>, timings: Res<FrameTimings>, log: Option<ResMut<RunLog>>) {
    let Some(mut log) = log else { return };
    if sky.version == log.shown_version {
        return;
    }
    log.shown_version = sky.version;
    if let Some(r) = &sky.rendered {
        // The frame time (smoothed, of frames without a run streaming in) tells an input
        // check how soon a picture can follow an input on this machine's renderer.
        let text = format!(
            "image {}² images={} {} frame_ms={:.0}",
            r.image.sky.size,
            r.image.images.len(),
            describe(r.config.config()),
            timings.frame_idle.value()
        );
        log.line(&text);
    }
}

/// Logs to `file` (opened by the binary, which checked the path like any output).
pub struct LogPlugin {
    pub file: std::sync::Mutex<Option<std::fs::File>>,
}

impl Plugin for LogPlugin {
    fn build(&self, app: &mut App) {
        let Some(file) = self.file.lock().ok().and_then(|mut f| f.take()) else {
            return;
        };
        app.insert_resource(RunLog {
            file,
            opened: Instant::now(),
            shown_version: 0,
        })
        .add_systems(
            Last,
            (log_commands, log_images)
                .after(crate::app::bridge::draft::controls)
                .before(crate::app::bridge::simulation::handle_commands),
        );
    }
}
