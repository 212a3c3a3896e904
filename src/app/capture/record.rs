//! Recording what the window shows, as a GIF or an MP4 (`io::video`): the whole window (sky,
//! inset and 3-D view together), captured as Bevy screenshots and handed to an encoder thread,
//! so encoding never holds up a frame.
//!
//! Two ways in. The Record button ([`PanelAction::Record`]) captures the live window at
//! [`RECORD_FPS`] until Stop, each frame shown as long as it was on screen; when the encoder
//! falls behind, a frame is dropped and counted, never queued without bound. `gui --record OUT
//! --animate KEY=FROM..TO --frames N` (`animate.rs`) sets each value in turn, waits until its
//! run or re-shade is on screen, and captures one frame per value.

use crate::app::bridge::files::StatusInfo;
use crate::app::shared::actions::PanelAction;
use crate::io::video::{VideoFormat, VideoWriter};
use crate::io::{self, IoError};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Instant;

/// Frames per second the Record button captures (each screenshot costs a full-window copy).
pub const RECORD_FPS: f64 = 10.0;

/// The longest recording the button makes: 5 minutes at [`RECORD_FPS`]. It stops there and
/// says so (a forgotten recording must not fill the disk).
pub const MAX_RECORDED_FRAMES: usize = 3000;

/// Frames waiting for the encoder; more are dropped (and counted) by the button.
const QUEUED_FRAMES: usize = 4;

/// One captured frame: RGBA, row 0 at the top, and the seconds it stays.
struct Frame {
    rgba: Vec<u8>,
    size: [u32; 2],
    shown_s: f64,
}

/// A recording in progress: frames go over a bounded channel to a thread that encodes them
/// into a temporary file beside `path`, renamed over it when the recording ends
/// (`io::write_atomically`: an interrupted recording leaves nothing behind).
pub struct Recorder {
    pub path: PathBuf,
    tx: Option<SyncSender<Frame>>,
    worker: Option<JoinHandle<Result<usize, IoError>>>,
    /// Frames handed to the encoder, and frames dropped because it was behind.
    pub sent: usize,
    pub dropped: usize,
    last_capture: Option<Instant>,
    /// Screen time of dropped frames, given to the next frame kept, so the recording lasts
    /// as long as the window was recorded.
    owed_s: f64,
}

impl Recorder {
    /// Checks `path` (a .gif or .mp4, ffmpeg present for an MP4, a regular file that is none of
    /// `inputs`) and starts the encoder thread.
    pub fn start(path: &Path, inputs: &[PathBuf]) -> Result<Recorder, IoError> {
        let format = VideoFormat::of_path(path)?;
        format.check_available(path)?;
        io::check_output(path, true, inputs)?;
        let (tx, rx) = sync_channel::<Frame>(QUEUED_FRAMES);
        let (target, inputs) = (path.to_path_buf(), inputs.to_vec());
        let worker = std::thread::Builder::new()
            .name("recording".into())
            .spawn(move || encode(&target, &inputs, format, rx))
            .map_err(IoError::file(path, "cannot start the recording's thread"))?;
        Ok(Recorder {
            path: path.to_path_buf(),
            tx: Some(tx),
            worker: Some(worker),
            sent: 0,
            dropped: 0,
            last_capture: None,
            owed_s: 0.0,
        })
    }

    /// Hands a frame to the encoder: waiting for room (`wait`, a scripted recording, which
    /// must keep every frame) or dropping it when the queue is full (the live button).
    fn send(&mut self, mut frame: Frame, wait: bool) {
        let Some(tx) = &self.tx else { return };
        frame.shown_s += std::mem::take(&mut self.owed_s);
        let sent = if wait {
            tx.send(frame).is_ok()
        } else {
            match tx.try_send(frame) {
                Ok(()) => true,
                Err(TrySendError::Full(f)) => {
                    self.owed_s = f.shown_s;
                    self.dropped += 1;
                    false
                }
                Err(TrySendError::Disconnected(_)) => false,
            }
        };
        self.sent += usize::from(sent);
    }

    /// Ends the recording: the encoder writes what is left and the file takes its name.
    /// Returns the frames written.
    pub fn finish(mut self) -> Result<usize, IoError> {
        self.close()
    }

    fn close(&mut self) -> Result<usize, IoError> {
        self.tx = None;
        match self.worker.take() {
            Some(w) => w.join().unwrap_or_else(|_| {
                Err(IoError::Invalid {
                    path: self.path.clone(),
                    message: "the recording's encoder stopped".into(),
                })
            }),
            None => Ok(0),
        }
    }
}

impl Drop for Recorder {
    /// A recording still open when the window closes is finished, so its temporary file
    /// never outlives the process.
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// The encoder thread: the frames into a temporary file, renamed to `target` at the end.
fn encode(
    target: &Path,
    inputs: &[PathBuf],
    format: VideoFormat,
    rx: Receiver<Frame>,
) -> Result<usize, IoError> {
    let mut frames = 0;
    io::write_atomically(target, true, inputs, |tmp| {
        let mut writer: Option<VideoWriter> = None;
        for f in rx {
            let w = match &mut writer {
                Some(w) => w,
                None => writer.insert(VideoWriter::create(tmp, target, format, f.size)?),
            };
            let rgba = fitted(f.rgba, f.size, w.size());
            w.push(&rgba, f.shown_s)?;
        }
        match writer {
            Some(w) => {
                frames = w.finish()?;
                Ok(())
            }
            None => Err(IoError::Invalid {
                path: target.to_path_buf(),
                message: "no frame was recorded".into(),
            }),
        }
    })?;
    Ok(frames)
}

/// A frame cut or padded (black) to the recording's size: the window may be resized while
/// the button records.
fn fitted(rgba: Vec<u8>, size: [u32; 2], want: [u32; 2]) -> Vec<u8> {
    if size == want {
        return rgba;
    }
    let mut out = vec![0u8; (want[0] * want[1] * 4) as usize];
    let (w, h) = (size[0].min(want[0]) as usize, size[1].min(want[1]) as usize);
    for y in 0..h {
        let src = y * size[0] as usize * 4;
        let dst = y * want[0] as usize * 4;
        out[dst..dst + w * 4].copy_from_slice(&rgba[src..src + w * 4]);
    }
    out
}

/// The recording the window is making, if any.
#[derive(Resource, Default)]
pub struct Recording {
    pub active: Option<Recorder>,
    /// A scripted recording (`--record`): every frame kept, none captured by the clock.
    pub scripted: bool,
}

impl Recording {
    /// Starts a capture of the window; `observe` runs once the frame has been handed over.
    pub fn capture(&mut self, commands: &mut Commands, shown_s: f64) {
        let wait = self.scripted;
        commands.spawn(Screenshot::primary_window()).observe(
            move |captured: On<ScreenshotCaptured>, mut rec: ResMut<Recording>| {
                let Some(r) = rec.active.as_mut() else { return };
                let size = [captured.image.width(), captured.image.height()];
                match captured.image.clone().try_into_dynamic() {
                    Ok(img) => r.send(
                        Frame {
                            rgba: img.to_rgba8().into_raw(),
                            size,
                            shown_s,
                        },
                        wait,
                    ),
                    Err(e) => error!("recording: cannot convert the frame: {e}"),
                }
            },
        );
    }
}

/// The Record button's clock: a frame every 1/[`RECORD_FPS`] s while recording; the start and
/// stop requests; the limit.
fn record_live(
    mut commands: Commands,
    mut rec: ResMut<Recording>,
    mut actions: MessageReader<PanelAction>,
    mut info: ResMut<StatusInfo>,
    inputs: Res<RecordInputs>,
) {
    for a in actions.read() {
        match a {
            PanelAction::Record(path) if rec.active.is_none() => {
                match Recorder::start(path, &inputs.0) {
                    Ok(r) => {
                        info.0 = Some(format!("recording the window to {}", path.display()));
                        rec.active = Some(r);
                    }
                    Err(e) => info.0 = Some(format!("error: {e}")),
                }
            }
            PanelAction::StopRecording => stop(&mut rec, &mut info, ""),
            _ => {}
        }
    }
    if rec.scripted {
        return;
    }
    let Some(r) = rec.active.as_mut() else { return };
    let now = Instant::now();
    let due = r
        .last_capture
        .is_none_or(|t| (now - t).as_secs_f64() >= 1.0 / RECORD_FPS);
    if !due {
        return;
    }
    let shown_s = r
        .last_capture
        .map_or(1.0 / RECORD_FPS, |t| (now - t).as_secs_f64());
    r.last_capture = Some(now);
    if r.sent + r.dropped >= MAX_RECORDED_FRAMES {
        let limit = format!(
            " (stopped at its limit of {MAX_RECORDED_FRAMES} frames, {:.0} min)",
            MAX_RECORDED_FRAMES as f64 / RECORD_FPS / 60.0
        );
        stop(&mut rec, &mut info, &limit);
        return;
    }
    rec.capture(&mut commands, shown_s);
}

/// Ends the button's recording and says what was written.
fn stop(rec: &mut Recording, info: &mut StatusInfo, why: &str) {
    let Some(r) = rec.active.take() else { return };
    let (path, dropped) = (r.path.clone(), r.dropped);
    info.0 = Some(match r.finish() {
        Ok(n) => format!(
            "recorded {} frames to {}{why}{}",
            n,
            path.display(),
            if dropped > 0 {
                format!("; {dropped} frames dropped while the encoder was behind")
            } else {
                String::new()
            }
        ),
        Err(e) => format!("error: {e}"),
    });
}

/// The files the window read (its config and what it names): a recording may not replace one.
#[derive(Resource, Default, Clone)]
pub struct RecordInputs(pub Vec<PathBuf>);

/// The Record button and, with `gui --record`, the scripted recording (`animate.rs`).
pub struct RecordPlugin {
    pub inputs: Vec<PathBuf>,
}

impl Plugin for RecordPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Recording>()
            .insert_resource(RecordInputs(self.inputs.clone()))
            .add_systems(Last, (record_live, super::plot_png::plot_png_system));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resized_frame_is_cut_and_padded_to_the_recording() {
        let f = vec![7u8; 3 * 2 * 4];
        let out = fitted(f, [3, 2], [2, 3]);
        assert_eq!(out.len(), 2 * 3 * 4);
        assert!(out[..16].iter().all(|&v| v == 7));
        assert!(out[16..].iter().all(|&v| v == 0));
    }
}
