//! Where the scene is: the box that frames the run on screen (scene coordinates are Mpc from
//! its centre, as f32), and the text labels placed at scene points.

use crate::app::bridge::draft::Draft;
use crate::app::bridge::simulation::RunView;
use crate::app::shared::layout::AppSet;
use crate::config::{PotentialMode, RunConfig};
use bevy::prelude::*;

/// Where the scene is: the box that frames it [Mpc, absolute].
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct SceneFrame {
    pub centre_mpc: [f64; 3],
    pub half_mpc: [f64; 3],
}

impl SceneFrame {
    /// The grid box in grid mode; otherwise the box around observer, lenses and ray ends.
    pub fn of(config: &RunConfig) -> SceneFrame {
        let p = &config.potential;
        let (lo, hi) = if p.mode == PotentialMode::Grid {
            (p.origin_mpc, p.origin_mpc.map(|o| o + p.size_mpc))
        } else {
            let mut pts = vec![config.observer.position_mpc, config.rays.toward_mpc];
            pts.extend(config.lenses.iter().map(|l| l.center_mpc));
            let o = config.observer.position_mpc;
            let t = config.rays.toward_mpc;
            let len = ((0..3).map(|i| (t[i] - o[i]).powi(2)).sum::<f64>())
                .sqrt()
                .max(1e-9);
            if let Some(dist) = config.integration.stop.distance_mpc {
                pts.push(std::array::from_fn(|i| o[i] + (t[i] - o[i]) / len * dist));
            }
            let lo: [f64; 3] =
                std::array::from_fn(|i| pts.iter().map(|p| p[i]).fold(f64::MAX, f64::min));
            let hi: [f64; 3] =
                std::array::from_fn(|i| pts.iter().map(|p| p[i]).fold(f64::MIN, f64::max));
            let pad = (0..3).map(|i| hi[i] - lo[i]).fold(1.0, f64::max) * 0.1;
            (lo.map(|v| v - pad), hi.map(|v| v + pad))
        };
        SceneFrame {
            centre_mpc: std::array::from_fn(|i| 0.5 * (lo[i] + hi[i])),
            half_mpc: std::array::from_fn(|i| 0.5 * (hi[i] - lo[i])),
        }
    }

    pub fn to_scene(self, p_mpc: [f64; 3]) -> Vec3 {
        Vec3::new(
            (p_mpc[0] - self.centre_mpc[0]) as f32,
            (p_mpc[1] - self.centre_mpc[1]) as f32,
            (p_mpc[2] - self.centre_mpc[2]) as f32,
        )
    }

    pub fn size_mpc(&self) -> f64 {
        2.0 * self.half_mpc.iter().fold(0.0f64, |a, b| a.max(*b))
    }
}

/// Text the overlay draws at scene points (axis names, scale bar, lens labels).
#[derive(Resource, Default)]
pub struct SceneLabels(pub Vec<(Vec3, String)>);

/// The frame of the run on screen (before the first run: of the draft).
pub fn update_frame(view: Res<RunView>, draft: Res<Draft>, mut frame: ResMut<SceneFrame>) {
    let config: &RunConfig = view.config.as_deref().unwrap_or(&draft.config);
    let new_frame = SceneFrame::of(config);
    if *frame != new_frame {
        *frame = new_frame;
    }
}

/// The frame and the scene labels.
pub struct FramePlugin;

impl Plugin for FramePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SceneFrame>()
            .init_resource::<SceneLabels>()
            .add_systems(Update, update_frame.in_set(AppSet::Frame));
    }
}
