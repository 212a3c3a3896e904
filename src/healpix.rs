//! HEALPix skies (interface.md §7): the pixels of `rays.pattern = "healpix"` in RING order, the
//! world direction of each pixel centre (HEALPix's pole is the world +z axis, longitude 0 along
//! +x: COORDSYS 'C' with the world axes as equatorial axes), and the local basis (e_φ, −e_θ) in
//! which a map's Jacobian is taken (physics.md §13). The pixelisation is the `cdshealpix` crate's.

use cdshealpix::{nested, ring};

/// The largest `rays.nside` accepted: 12·8192² = 8.1·10⁸ pixels, beyond any run's budget.
pub const NSIDE_MAX: u32 = 8192;

/// A HEALPix sky: all of it, or the pixels whose centres lie within a disc.
#[derive(Debug, Clone, PartialEq)]
pub struct HealpixSky {
    pub nside: u32,
    /// RING indices of the pixels, ascending; `None` for the full sky (pixel k is index k).
    pub disc_pixels: Option<Vec<u64>>,
}

impl HealpixSky {
    /// The full sky, or with `disc` = (unit axis, radius [rad]) the pixels whose centres are
    /// within `radius` of the axis. `nside` must be a power of two ≤ [`NSIDE_MAX`] (validated
    /// with the config).
    pub fn new(nside: u32, disc: Option<([f64; 3], f64)>) -> HealpixSky {
        let disc_pixels = disc.map(|(axis, radius)| {
            let layer = nested::get(nside.trailing_zeros() as u8);
            let mut pixels: Vec<u64> = disc_coverage(nside, axis, radius)
                .flat_iter()
                .map(|h| layer.to_ring(h))
                .collect();
            pixels.sort_unstable();
            pixels
        });
        HealpixSky { nside, disc_pixels }
    }

    /// How many pixels [`Self::new`] would hold, without listing them (the coverage is kept
    /// compressed), so that a plan is checked before its memory is spent.
    pub fn count(nside: u32, disc: Option<([f64; 3], f64)>) -> u64 {
        match disc {
            Some((axis, radius)) => disc_coverage(nside, axis, radius).deep_size() as u64,
            None => Self::npix_full(nside),
        }
    }

    /// 12·nside², the pixels of the full sky.
    pub fn npix_full(nside: u32) -> u64 {
        12 * nside as u64 * nside as u64
    }

    /// How many pixels the sky holds.
    pub fn len(&self) -> u64 {
        match &self.disc_pixels {
            Some(p) => p.len() as u64,
            None => Self::npix_full(self.nside),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The RING index of the sky's `k`-th pixel.
    pub fn pixel(&self, k: u64) -> u64 {
        match &self.disc_pixels {
            Some(p) => p[k as usize],
            None => k,
        }
    }

    /// The side of a pixel of equal area, √(4π/N_pix) [rad]: the scale of the map's bundle.
    pub fn pixel_rad(&self) -> f64 {
        (4.0 * std::f64::consts::PI / Self::npix_full(self.nside) as f64).sqrt()
    }
}

/// The NESTED cells whose centres lie within `radius` [rad] of unit `axis`, compressed.
fn disc_coverage(nside: u32, axis: [f64; 3], radius: f64) -> nested::bmoc::BMOC {
    let depth = nside.trailing_zeros() as u8;
    let lon = axis[1].atan2(axis[0]).rem_euclid(std::f64::consts::TAU);
    let lat = axis[2].clamp(-1.0, 1.0).asin();
    nested::cone_coverage_centers(depth, lon, lat, radius)
}

/// A pixel centre: its unit direction and the local basis (right = e_φ, up = −e_θ, north),
/// all in world axes, with its colatitude θ and longitude φ [rad].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelFrame {
    pub direction: [f64; 3],
    pub right: [f64; 3],
    pub up: [f64; 3],
    pub colatitude_rad: f64,
    pub longitude_rad: f64,
}

/// The frame of RING pixel `ring_index` at `nside`.
pub fn pixel_frame(nside: u32, ring_index: u64) -> PixelFrame {
    let (lon, lat) = ring::center(nside, ring_index);
    let (sl, cl) = lon.sin_cos();
    let (sb, cb) = lat.sin_cos();
    PixelFrame {
        direction: [cb * cl, cb * sl, sb],
        right: [-sl, cl, 0.0],
        up: [-sb * cl, -sb * sl, cb],
        colatitude_rad: std::f64::consts::FRAC_PI_2 - lat,
        longitude_rad: lon,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{cross, dot};

    #[test]
    fn the_frame_is_orthonormal_and_right_handed_with_up_to_the_north() {
        for h in [0, 5, 100, 767] {
            let f = pixel_frame(8, h);
            for (a, b) in [(f.direction, f.right), (f.direction, f.up), (f.right, f.up)] {
                assert!(dot(a, b).abs() < 1e-15);
            }
            // axis × up = −right: (e_φ, −e_θ) is the sky seen from outside (physics.md §13),
            // the mirror of the image camera's frame (`Sky`: right = axis × up, east to the
            // left), so a map's γ2 has the opposite sign of an image's for the same lens.
            let r = cross(f.direction, f.up);
            assert!((0..3).all(|k| (r[k] + f.right[k]).abs() < 1e-15));
            assert!(f.up[2] > 0.0);
        }
    }

    #[test]
    fn a_disc_holds_the_pixels_whose_centres_are_inside_it() {
        let axis = [0.6, 0.0, 0.8];
        let radius = 20f64.to_radians();
        let sky = HealpixSky::new(16, Some((axis, radius)));
        let inside: Vec<u64> = (0..HealpixSky::npix_full(16))
            .filter(|&h| dot(pixel_frame(16, h).direction, axis) >= radius.cos())
            .collect();
        assert_eq!(sky.disc_pixels.as_ref().unwrap(), &inside);
        assert_eq!(
            HealpixSky::count(16, Some((axis, radius))),
            inside.len() as u64
        );
        assert!(sky.len() > 80);
    }
}
