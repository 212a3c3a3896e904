//! The app's own cost per frame (drain, mesh updates, panel) and the whole frame time, split by
//! whether a run was streaming in, for the status bar and the closing-note figures.

use bevy::prelude::*;
use std::time::Duration;

/// Frames skipped at start-up (pipeline compilation makes them unrepresentative).
const WARMUP_FRAMES: u64 = 10;

/// One per-frame time [ms]: a smoothed value for display and a mean over all samples.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stat {
    ema_ms: f64,
    sum_ms: f64,
    n: u64,
}

impl Stat {
    pub fn add_ms(&mut self, ms: f64) {
        self.ema_ms = if self.n == 0 {
            ms
        } else {
            0.9 * self.ema_ms + 0.1 * ms
        };
        self.sum_ms += ms;
        self.n += 1;
    }
    /// Smoothed (exponential moving average over about ten frames).
    pub fn value(&self) -> f64 {
        self.ema_ms
    }
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum_ms / self.n as f64
        }
    }
    pub fn count(&self) -> u64 {
        self.n
    }
}

#[derive(Resource, Default, Debug)]
pub struct FrameTimings {
    pub drain: Stat,
    pub mesh: Stat,
    pub panel: Stat,
    /// Sum of the three per frame, while idle and while a run streams in.
    pub systems_idle: Stat,
    pub systems_tracing: Stat,
    /// Whole frame (real time between frames).
    pub frame_idle: Stat,
    pub frame_tracing: Stat,
    frames: u64,
    this_frame_ms: f64,
}

impl FrameTimings {
    /// Files one system's time in this frame. The warm-up frames count in no figure: with
    /// them, a short screenshot run (under 10 frames) left the status bar's smoothed panel
    /// time at 23 ms, where a longer run measures 0.8 ms.
    pub fn add(&mut self, which: fn(&mut FrameTimings) -> &mut Stat, d: Duration) {
        let ms = d.as_secs_f64() * 1e3;
        if self.frames >= WARMUP_FRAMES {
            which(self).add_ms(ms);
        }
        self.this_frame_ms += ms;
    }

    /// Smoothed total of the app's systems, for the status bar.
    pub fn total_ms(&self) -> f64 {
        self.drain.value() + self.mesh.value() + self.panel.value()
    }

    /// Closes the previous frame: files its systems' total and its duration by phase.
    pub fn end_frame(&mut self, tracing: bool, frame: Duration) {
        self.frames += 1;
        if self.frames > WARMUP_FRAMES {
            let (systems, whole) = if tracing {
                (&mut self.systems_tracing, &mut self.frame_tracing)
            } else {
                (&mut self.systems_idle, &mut self.frame_idle)
            };
            systems.add_ms(self.this_frame_ms);
            whole.add_ms(frame.as_secs_f64() * 1e3);
        }
        self.this_frame_ms = 0.0;
    }

    /// One line with the means, for logs and the screenshot report ("n/a" without samples).
    pub fn report(&self) -> String {
        let ms = |s: &Stat| match s.count() {
            0 => "n/a".to_string(),
            n => format!("{:.2} ms ({n} frames)", s.mean()),
        };
        format!(
            "app systems per frame: {} idle, {} streaming; whole frame: {} idle, {} streaming",
            ms(&self.systems_idle),
            ms(&self.systems_tracing),
            ms(&self.frame_idle),
            ms(&self.frame_tracing)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_filed_by_phase_after_the_warm_up() {
        let mut t = FrameTimings::default();
        for k in 0..WARMUP_FRAMES + 4 {
            // A slow start (as the first panel frame is) must not show in any figure.
            let panel_ms = if k == 0 { 500 } else { 1 };
            t.add(|t| &mut t.mesh, Duration::from_millis(2));
            t.add(|t| &mut t.panel, Duration::from_millis(panel_ms));
            t.end_frame(k % 2 == 1, Duration::from_millis(100 + 100 * (k % 2)));
        }
        assert_eq!(t.systems_idle.count() + t.systems_tracing.count(), 4);
        assert_eq!(t.panel.count(), 4);
        assert!((t.panel.value() - 1.0).abs() < 1e-9 && (t.total_ms() - 3.0).abs() < 1e-9);
        assert!((t.systems_idle.mean() - 3.0).abs() < 1e-9);
        assert!((t.frame_idle.mean() - 100.0).abs() < 1e-9);
        assert!((t.frame_tracing.mean() - 200.0).abs() < 1e-9);
        assert_eq!(
            t.report(),
            "app systems per frame: 3.00 ms (2 frames) idle, 3.00 ms (2 frames) streaming; \
             whole frame: 100.00 ms (2 frames) idle, 200.00 ms (2 frames) streaming"
        );
        assert!(FrameTimings::default()
            .report()
            .contains("n/a idle, n/a streaming"));
    }
}
