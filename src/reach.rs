//! Where a run's rays can go (interface.md §6, "files larger than one node"): the bounding box
//! of their straight lines from the launch point out to the stop distance. A `potential.file`
//! run reads only the nodes of this box (plus a margin for the bending: `field::file_region`),
//! so each shard of a narrow cone through a big file holds a fraction of it.

use crate::cosmology::Background;
use crate::integrate::StopConditions;
use crate::rays::Ray;

/// An axis-aligned box [m].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reach {
    pub lo_m: [f64; 3],
    pub hi_m: [f64; 3],
}

impl Reach {
    /// The box of `rays` launched around `observer_m` and stopped by `stop`, or `None` when
    /// the stop sets no distance (a step count, or only the grid's edge, ends them): then
    /// they may go anywhere.
    pub fn of_rays(
        rays: &[Ray],
        observer_m: [f64; 3],
        stop: &StopConditions,
        background: &Background,
    ) -> Option<Reach> {
        let radius_m = path_length_m(stop, background)?;
        let mut reach = Reach {
            lo_m: observer_m,
            hi_m: observer_m,
        };
        for ray in rays {
            let start: [f64; 3] = std::array::from_fn(|a| observer_m[a] + ray.offset_m[a]);
            // A straight line from the launch point leaves the sphere of `radius_m` round the
            // observer within radius + |offset|.
            let offset_m = ray.offset_m.iter().map(|o| o * o).sum::<f64>().sqrt();
            let length_m = radius_m + offset_m;
            for (a, s) in start.into_iter().enumerate() {
                let end = s + length_m * ray.direction[a];
                reach.lo_m[a] = reach.lo_m[a].min(s).min(end);
                reach.hi_m[a] = reach.hi_m[a].max(s).max(end);
            }
        }
        Some(reach)
    }
}

/// How far from the observer `stop` ends a ray, or `None` when it sets no distance: a
/// distance stop bounds |x − x_obs|; a scale-factor stop the comoving distance of that a on
/// the background (the perturbed path differs by ~Φ/c², far inside any margin); the nearer
/// one wins, as in the integrator.
pub fn path_length_m(stop: &StopConditions, background: &Background) -> Option<f64> {
    let by_scale_factor = match (stop.scale_factor, background) {
        (Some(a), Background::Lcdm(l)) => l.comoving_distance_m(a).ok(),
        _ => None,
    };
    match (stop.distance_m, by_scale_factor) {
        (Some(d), Some(s)) => Some(d.min(s)),
        (d, s) => d.or(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ray(direction: [f64; 3], offset_m: [f64; 3]) -> Ray {
        Ray {
            id: 0,
            offset_m,
            direction,
            theta_rad: 0.0,
            phi_rad: 0.0,
            beam_offset_m: 0.0,
        }
    }

    #[test]
    fn the_box_holds_the_observer_and_each_line_to_the_nearer_stop() {
        let rays = [
            ray([1.0, 0.0, 0.0], [0.0; 3]),
            ray([0.6, 0.8, 0.0], [0.0, 0.0, 3.0]),
        ];
        let stop = StopConditions {
            distance_m: Some(10.0),
            ..Default::default()
        };
        let r = Reach::of_rays(&rays, [1.0, 2.0, 3.0], &stop, &Background::Static).unwrap();
        // The second ray starts at z = 6 and runs 13 along (0.6, 0.8, 0).
        assert_eq!(r.lo_m, [1.0, 2.0, 3.0]);
        assert_eq!(r.hi_m, [11.0, 2.0 + 0.8 * 13.0, 6.0]);
        let steps_only = StopConditions {
            steps: Some(5),
            ..Default::default()
        };
        assert_eq!(
            Reach::of_rays(&rays, [0.0; 3], &steps_only, &Background::Static),
            None
        );
        // A static background never reaches a scale factor below 1.
        let a_only = StopConditions {
            scale_factor: Some(0.5),
            ..Default::default()
        };
        assert_eq!(
            Reach::of_rays(&rays, [0.0; 3], &a_only, &Background::Static),
            None
        );
    }
}
