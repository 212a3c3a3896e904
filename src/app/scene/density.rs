//! The slice's density view: log ρ/ρ̄ of the snapshot a particles run traces, as an
//! alternative to |Φ|/c² (`Display::slice_shows`). The plane's density comes from reading the
//! snapshot again (`nbody::plane`: the solve's deposit at the plane), on a thread, so the
//! window keeps drawing; the slice on screen stays up until the new one arrives, and only the
//! newest request's answer is shown.

use crate::config::{CosmologyConfig, PotentialConfig, ValidConfig};
use crate::nbody::plane::{plane_density, PlaneDensity};
use bevy::prelude::*;
use crossbeam_channel::{Receiver, TryRecvError};
use std::path::Path;
use std::sync::Arc;

/// What a density plane was asked for: the run's potential and cosmology, the slice's axis
/// and position.
#[derive(Debug, Clone, PartialEq)]
pub struct DensityKey {
    pub potential: PotentialConfig,
    pub cosmology: CosmologyConfig,
    pub axis: usize,
    pub position_mpc: f64,
}

impl DensityKey {
    pub fn of(config: &ValidConfig, axis: usize, position_mpc: f64) -> DensityKey {
        DensityKey {
            potential: config.potential.clone(),
            cosmology: config.cosmology.clone(),
            axis,
            position_mpc,
        }
    }
}

/// The plane being made (one reader at a time) and the last one made.
#[derive(Resource, Default)]
pub struct DensityJob {
    in_flight: Option<(DensityKey, Receiver<Result<PlaneDensity, String>>)>,
    answer: Option<(DensityKey, Result<Arc<PlaneDensity>, String>)>,
}

impl DensityJob {
    /// The plane of `key` when it has been made (or why it could not be); `None` while it is
    /// being made. One snapshot reader runs at a time: while it reads, newer requests wait,
    /// and the newest one asked for when it ends is the one read next (a slider drag reads
    /// the snapshot a few times, not once a frame).
    pub fn plane(
        &mut self,
        key: DensityKey,
        base_dir: &Path,
    ) -> Option<Result<Arc<PlaneDensity>, String>> {
        if let Some((k, rx)) = &self.in_flight {
            match rx.try_recv() {
                Ok(plane) => {
                    self.answer = Some((k.clone(), plane.map(Arc::new)));
                    self.in_flight = None;
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.answer =
                        Some((k.clone(), Err("density slice: the reader stopped".into())));
                    self.in_flight = None;
                }
            }
        }
        if let Some((k, answer)) = &self.answer {
            if *k == key {
                return Some(answer.clone());
            }
        }
        if self.in_flight.is_none() {
            let Some(particles) = key.potential.particles.as_ref() else {
                return Some(Err(
                    "the density slice needs potential.mode = \"particles\"".into(),
                ));
            };
            let path = crate::field::resolve(&particles.file, base_dir);
            let asked = key.clone();
            let (tx, rx) = crossbeam_channel::bounded(1);
            std::thread::spawn(move || {
                let k = &asked;
                let plane =
                    plane_density(&path, &k.potential, &k.cosmology, k.axis, k.position_mpc)
                        .map_err(|e| format!("density slice: {:#}", anyhow::Error::from(e)));
                // The window may have closed since: then no one listens.
                let _ = tx.send(plane);
            });
            self.in_flight = Some((key, rx));
        }
        None
    }
}
