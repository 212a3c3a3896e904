//! Recordings (`gui --record OUT.gif|OUT.mp4`, the window's Record button): RGBA frames of one
//! size, in order, each with the time it stays on screen, encoded as an animated GIF (the
//! `gif` crate: a NeuQuant palette per frame) or as an MP4 (raw frames piped to `ffmpeg`).
//!
//! Streamed: a frame is encoded when it arrives, and a GIF keeps only the previous frame, to
//! write just the rectangle that changed (a source dragged across a still scene costs a small
//! patch per frame, not the whole window) and to merge a repeated frame into the time of the
//! one before. A recording's memory does not grow with its length.

use super::error::IoError;
use super::gif_frames::{changed_rect, crop, write_gif_patch, Patch};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The longest time one GIF frame may stay (its delay is a u16 of hundredths of a second).
const GIF_MAX_DELAY_CS: u32 = u16::MAX as u32;

/// Frames per second of an MP4; a frame shown longer is repeated, a shorter one still takes
/// one frame.
pub const MP4_FPS: u32 = 25;

/// What a recording is written as, from its file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoFormat {
    Gif,
    Mp4,
}

impl VideoFormat {
    /// `.gif` or `.mp4` (any case); anything else is an error naming both.
    pub fn of_path(path: &Path) -> Result<VideoFormat, IoError> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        match ext.as_deref() {
            Some("gif") => Ok(VideoFormat::Gif),
            Some("mp4") => Ok(VideoFormat::Mp4),
            _ => Err(IoError::Invalid {
                path: path.to_path_buf(),
                message: "a recording is written as .gif or .mp4 (by its extension)".into(),
            }),
        }
    }

    /// An MP4 needs `ffmpeg` on the PATH: the error says so, and how to get it.
    pub fn check_available(self, path: &Path) -> Result<(), IoError> {
        if self == VideoFormat::Mp4 && !ffmpeg_available() {
            return Err(IoError::Invalid {
                path: path.to_path_buf(),
                message: "MP4 recording pipes the frames to ffmpeg, which is not installed \
                          (scripts/deps.sh installs it, or `sudo apt-get install ffmpeg`); \
                          a .gif needs nothing"
                    .into(),
            });
        }
        Ok(())
    }
}

/// Whether `ffmpeg -version` runs.
pub fn ffmpeg_available() -> bool {
    Command::new("ffmpeg")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A recording being written to `path` (a temporary file: see `write_atomically`).
pub struct VideoWriter {
    /// What the file is shown as in errors (the recording's own name, not the temporary one).
    target: PathBuf,
    size: [u32; 2],
    sink: Sink,
    frames: usize,
}

enum Sink {
    Gif {
        encoder: gif::Encoder<BufWriter<File>>,
        /// The last frame's pixels, and the part of it not yet written with its time so far.
        previous: Vec<u8>,
        pending: Option<Patch>,
    },
    Mp4 {
        child: Child,
        stdin: Option<ChildStdin>,
        /// Seconds of video written and seconds asked for so far (frames repeat to catch up).
        written_s: f64,
        wanted_s: f64,
    },
}

impl VideoWriter {
    /// Starts a `width`×`height` recording at `path`, shown to the user as `target`.
    pub fn create(
        path: &Path,
        target: &Path,
        format: VideoFormat,
        size: [u32; 2],
    ) -> Result<VideoWriter, IoError> {
        let invalid = |message: String| IoError::Invalid {
            path: target.to_path_buf(),
            message,
        };
        if size[0] == 0 || size[1] == 0 || size[0] > u16::MAX as u32 || size[1] > u16::MAX as u32 {
            return Err(invalid(format!(
                "a {}×{} frame cannot be recorded (1 to 65535 pixels a side)",
                size[0], size[1]
            )));
        }
        let sink = match format {
            VideoFormat::Gif => {
                let file = File::create(path).map_err(IoError::file(target, "cannot create"))?;
                let mut encoder =
                    gif::Encoder::new(BufWriter::new(file), size[0] as u16, size[1] as u16, &[])
                        .map_err(|e| invalid(format!("cannot start the GIF: {e}")))?;
                encoder
                    .set_repeat(gif::Repeat::Infinite)
                    .map_err(|e| invalid(format!("cannot write the GIF: {e}")))?;
                Sink::Gif {
                    encoder,
                    previous: vec![],
                    pending: None,
                }
            }
            VideoFormat::Mp4 => {
                format.check_available(target)?;
                let mut child = Command::new("ffmpeg")
                    .args(["-hide_banner", "-loglevel", "error", "-y"])
                    .args(["-f", "rawvideo", "-pix_fmt", "rgba"])
                    .args(["-video_size", &format!("{}x{}", size[0], size[1])])
                    .args(["-framerate", &MP4_FPS.to_string(), "-i", "pipe:0"])
                    // yuv420p (what players accept) needs even sides.
                    .args(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"])
                    .args(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4"])
                    .arg(path)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .map_err(|e| invalid(format!("cannot start ffmpeg: {e}")))?;
                let stdin = child.stdin.take();
                Sink::Mp4 {
                    child,
                    stdin,
                    written_s: 0.0,
                    wanted_s: 0.0,
                }
            }
        };
        Ok(VideoWriter {
            target: target.to_path_buf(),
            size,
            sink,
            frames: 0,
        })
    }

    /// The recording's width and height in pixels.
    pub fn size(&self) -> [u32; 2] {
        self.size
    }

    /// Adds a frame (RGBA, row 0 at the top, the recording's size) that stays `shown_s`
    /// seconds.
    pub fn push(&mut self, rgba: &[u8], shown_s: f64) -> Result<(), IoError> {
        let [w, h] = self.size;
        if rgba.len() != (w * h * 4) as usize {
            return Err(self.invalid(format!(
                "frame {} has {} bytes, not the {w}×{h}×4 of the recording",
                self.frames,
                rgba.len()
            )));
        }
        let delay_cs = (shown_s.max(0.0) * 100.0).round().max(1.0) as u32;
        self.frames += 1;
        let target = self.target.clone();
        match &mut self.sink {
            Sink::Gif {
                encoder,
                previous,
                pending,
            } => {
                let changed = if previous.is_empty() {
                    Some([0, 0, w, h])
                } else {
                    changed_rect(previous, rgba, w)
                };
                let can_extend = pending
                    .as_ref()
                    .is_some_and(|p| p.delay_cs + delay_cs <= GIF_MAX_DELAY_CS);
                match changed {
                    // The same picture again: the one on screen stays longer.
                    None if can_extend => {
                        if let Some(p) = pending.as_mut() {
                            p.delay_cs += delay_cs;
                        }
                    }
                    changed => {
                        if let Some(p) = pending.take() {
                            write_gif_patch(encoder, p, &target)?;
                        }
                        let rect = changed.unwrap_or([0, 0, 1, 1]);
                        *pending = Some(Patch {
                            rect,
                            pixels: crop(rgba, w, rect),
                            delay_cs,
                        });
                    }
                }
                previous.clear();
                previous.extend_from_slice(rgba);
                Ok(())
            }
            Sink::Mp4 {
                stdin,
                written_s,
                wanted_s,
                ..
            } => {
                *wanted_s += shown_s.max(0.0);
                let frame_s = 1.0 / MP4_FPS as f64;
                let mut copies = ((*wanted_s - *written_s) / frame_s).round() as i64;
                if copies < 1 {
                    copies = 1;
                }
                let pipe = stdin.as_mut().ok_or_else(|| IoError::Invalid {
                    path: target.clone(),
                    message: "ffmpeg's input is closed".into(),
                })?;
                for _ in 0..copies {
                    pipe.write_all(rgba).map_err(IoError::file(
                        &target,
                        "cannot send a frame to ffmpeg (did it stop? see its message)",
                    ))?;
                }
                *written_s += copies as f64 * frame_s;
                Ok(())
            }
        }
    }

    /// Writes what is pending and closes the file (for an MP4: waits for ffmpeg, whose error
    /// is the error). Returns the number of frames given.
    pub fn finish(self) -> Result<usize, IoError> {
        let VideoWriter {
            target,
            sink,
            frames,
            ..
        } = self;
        let invalid = |message: String| IoError::Invalid {
            path: target.clone(),
            message,
        };
        match sink {
            Sink::Gif {
                mut encoder,
                pending,
                ..
            } => {
                if let Some(p) = pending {
                    write_gif_patch(&mut encoder, p, &target)?;
                }
                let mut out = encoder
                    .into_inner()
                    .map_err(|e| invalid(format!("cannot finish the GIF: {e}")))?;
                out.flush()
                    .map_err(IoError::file(&target, "cannot write"))?;
            }
            Sink::Mp4 { child, stdin, .. } => {
                drop(stdin);
                let out = child
                    .wait_with_output()
                    .map_err(|e| invalid(format!("ffmpeg did not finish: {e}")))?;
                if !out.status.success() {
                    return Err(invalid(format!(
                        "ffmpeg failed ({}): {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr).trim()
                    )));
                }
            }
        }
        Ok(frames)
    }

    fn invalid(&self, message: String) -> IoError {
        IoError::Invalid {
            path: self.target.clone(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::gif_frames::frame;
    use super::*;

    /// Decoded back with the same crate: the frames' patches rebuild each picture (to the
    /// palette's precision), and a repeated picture became the time of the one before.
    #[test]
    fn a_gif_round_trip_rebuilds_every_picture_and_merges_repeats() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.gif");
        let (w, h) = (40, 30);
        let pictures: Vec<Vec<u8>> = (0..3)
            .map(|k| {
                frame(w, h, |x, y| {
                    if x / 10 == k && y < 10 {
                        [250, 40, 30, 255]
                    } else {
                        [10, 20, 200, 255]
                    }
                })
            })
            .collect();
        let mut v = VideoWriter::create(&path, &path, VideoFormat::Gif, [w, h]).unwrap();
        for (i, p) in [0, 1, 1, 2].iter().enumerate() {
            v.push(&pictures[*p], 0.1 * (i + 1) as f64).unwrap();
        }
        assert_eq!(v.finish().unwrap(), 4);
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut d = options.read_info(File::open(&path).unwrap()).unwrap();
        let mut canvas = vec![0u8; (w * h * 4) as usize];
        let mut delays = vec![];
        let mut k = 0;
        while let Some(f) = d.read_next_frame().unwrap() {
            for j in 0..f.height as usize {
                for i in 0..f.width as usize {
                    let src = (j * f.width as usize + i) * 4;
                    let dst = ((j + f.top as usize) * w as usize + i + f.left as usize) * 4;
                    canvas[dst..dst + 4].copy_from_slice(&f.buffer[src..src + 4]);
                }
            }
            let want = &pictures[[0, 1, 2][k]];
            let worst = canvas
                .iter()
                .zip(want)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            assert!(worst <= 8, "frame {k}: off by {worst}");
            delays.push(f.delay);
            k += 1;
        }
        assert_eq!(
            delays,
            vec![10, 50, 40],
            "the repeat's 0.3 s joins frame 1's 0.2 s"
        );
    }

    #[test]
    fn a_frame_of_the_wrong_size_and_an_unknown_extension_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.gif");
        let mut v = VideoWriter::create(&path, &path, VideoFormat::Gif, [4, 4]).unwrap();
        let e = v.push(&[0; 12], 0.1).unwrap_err().to_string();
        assert!(e.contains("not the 4×4×4"), "{e}");
        let e = VideoFormat::of_path(Path::new("a.webm"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("a.webm") && e.contains(".gif or .mp4"), "{e}");
    }
}
