//! The observer's sky (interface.md §4): the camera frame, image-plane angles θ and
//! source-plane angles β, and the source plane that stops the rays.
//!
//! θ are gnomonic (tangent-plane) coordinates: a ray leaves along normalise(e + θx·right +
//! θy·up), so an unlensed ray reaches the source plane at β = θ exactly, and a source at
//! `offset_mpc` appears at β = offset / distance. Angles are radians inside, arcsec outside.

use crate::config::RunConfig;
use crate::integrate::Plane;
use crate::units::{cross, dot, normalize, sub, MPC_M};

/// One arcsecond in radians.
pub const ARCSEC: f64 = std::f64::consts::PI / 648_000.0;

/// The camera of an image of `size`² pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sky {
    /// Unit vectors: the axis (observer → `rays.toward_mpc`), up and right.
    pub axis: [f64; 3],
    pub up: [f64; 3],
    pub right: [f64; 3],
    /// Square field of view [rad] and pixels per side.
    pub fov_rad: f64,
    pub size: usize,
    /// Comoving distance of the source plane along the axis [m].
    pub source_distance_m: f64,
}

impl Sky {
    pub fn of(config: &RunConfig, size: usize) -> Sky {
        let axis = normalize(sub(config.rays.toward_mpc, config.observer.position_mpc));
        let up0 = if axis[2].abs() > 0.9 {
            [0.0, 1.0, 0.0]
        } else {
            [0.0, 0.0, 1.0]
        };
        let d = dot(up0, axis);
        let up = normalize([
            up0[0] - d * axis[0],
            up0[1] - d * axis[1],
            up0[2] - d * axis[2],
        ]);
        Sky {
            axis,
            up,
            right: cross(axis, up),
            fov_rad: config.camera.field_of_view_arcsec * ARCSEC,
            size,
            source_distance_m: config.source.distance_mpc * MPC_M,
        }
    }

    /// Angular size of a pixel [rad].
    pub fn pixel_rad(&self) -> f64 {
        self.fov_rad / self.size as f64
    }

    /// θ at lattice position (column i, row j), in pixels: pixel (i, j) has its centre at
    /// integer (i, j); row 0 is the top (+y), column 0 the left (−x).
    pub fn theta(&self, i: f64, j: f64) -> [f64; 2] {
        let n = self.size as f64;
        [
            ((i + 0.5) / n - 0.5) * self.fov_rad,
            (0.5 - (j + 0.5) / n) * self.fov_rad,
        ]
    }

    /// The lattice position (column, row) of an image-plane angle.
    pub fn lattice(&self, theta: [f64; 2]) -> [f64; 2] {
        let n = self.size as f64;
        [
            (theta[0] / self.fov_rad + 0.5) * n - 0.5,
            (0.5 - theta[1] / self.fov_rad) * n - 0.5,
        ]
    }

    /// The unit direction in which a ray leaves the observer to be seen at θ.
    pub fn direction(&self, theta: [f64; 2]) -> [f64; 3] {
        normalize(std::array::from_fn(|k| {
            self.axis[k] + theta[0] * self.right[k] + theta[1] * self.up[k]
        }))
    }

    /// The gnomonic angles of an observer-relative position (β for a point on the source
    /// plane; θ of a lens centre).
    pub fn angles_of(&self, offset_m: [f64; 3]) -> [f64; 2] {
        let along = dot(offset_m, self.axis);
        [
            dot(offset_m, self.right) / along,
            dot(offset_m, self.up) / along,
        ]
    }

    /// The plane that stops the rays: perpendicular to the axis at the source distance.
    pub fn source_plane(&self) -> Plane {
        Plane {
            point_offset_m: self.axis.map(|a| a * self.source_distance_m),
            normal: self.axis,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_follows_the_contract_and_an_unlensed_ray_keeps_its_angle() {
        let mut c = RunConfig::default();
        c.observer.position_mpc = [0.0; 3];
        c.rays.toward_mpc = [1000.0, 0.0, 0.0];
        let sky = Sky::of(&c, 256);
        assert_eq!(sky.up, [0.0, 0.0, 1.0]);
        // right = e × up = x × z = −y.
        assert_eq!(sky.right, [0.0, -1.0, 0.0]);
        // Row 0 is the top: a positive θy; column 0 the left: a negative θx.
        let t = sky.theta(0.0, 0.0);
        assert!(t[0] < 0.0 && t[1] > 0.0);
        assert!((t[0] + 0.5 * sky.fov_rad * 255.0 / 256.0).abs() < 1e-18);
        let back = sky.lattice(sky.theta(17.0, 200.5));
        assert!((back[0] - 17.0).abs() < 1e-9 && (back[1] - 200.5).abs() < 1e-9);
        // A straight ray along the direction of θ crosses the source plane at β = θ.
        let theta = [3e-5, -1e-5];
        let d = sky.direction(theta);
        let s = sky.source_distance_m / dot(d, sky.axis);
        let beta = sky.angles_of(d.map(|x| x * s));
        assert!((beta[0] - theta[0]).abs() < 1e-18 && (beta[1] - theta[1]).abs() < 1e-18);
        // Looking along z, up is +y.
        c.rays.toward_mpc = [0.0, 0.0, 1000.0];
        assert_eq!(Sky::of(&c, 8).up, [0.0, 1.0, 0.0]);
    }
}
