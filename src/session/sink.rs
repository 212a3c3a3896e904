//! The sink that streams a pass's rays to the client.

use super::messages::{Pass, RaySummary, SimMessage, TrackPoint};
use crate::trace::{RayResult, Sink};
use crate::units::MPC_M;
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicBool, Ordering};

/// Forwards trajectory batches and finished rays; a closed channel cancels the run.
pub(super) struct StreamSink<'a> {
    pub pass: Pass,
    pub tx: &'a Sender<SimMessage>,
    pub cancel: &'a AtomicBool,
}

impl StreamSink<'_> {
    fn send(&self, m: SimMessage) {
        if self.cancel.load(Ordering::Relaxed) {
            return;
        }
        if self.tx.send(m).is_err() {
            self.cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl Sink for StreamSink<'_> {
    fn partial(&self, id: usize, rows: &[crate::metric::Row]) {
        let points = rows
            .iter()
            .map(|r| TrackPoint {
                position_mpc: [r[1] / MPC_M, r[2] / MPC_M, r[3] / MPC_M],
                scale_factor: r[8],
            })
            .collect();
        self.send(SimMessage::Points {
            pass: self.pass,
            id,
            points,
        });
    }

    fn finished(&self, r: &RayResult) {
        let steps = r.outcome.steps_accepted + r.outcome.steps_rejected;
        self.send(SimMessage::Finished {
            pass: self.pass,
            ray: RaySummary {
                id: r.ray.id,
                end: r.end(),
                steps,
                observables: r.observables,
            },
        });
    }
}
