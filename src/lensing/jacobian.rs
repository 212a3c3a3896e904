//! The Jacobian A = ∂β/∂θ of a traced ray map at every pixel, by one finite-difference scheme,
//! and what it decomposes into (interface.md §7, image axes [right, up]):
//! A = [[1 − κ − γ1, −γ2 + ω], [−γ2 − ω, 1 − κ + γ1]]. The magnification 1/det A, the critical
//! curves (det A = 0) and the convergence, shear and rotation maps all come from this A.

use super::raymap::RayMap;
use super::sky::Sky;

/// A per pixel as [A_xx, A_xy, A_yx, A_yy] = [∂βx/∂θx, ∂βx/∂θy, ∂βy/∂θx, ∂βy/∂θy]; NaN where
/// the pixel's ray ended early or the map is not resolved there.
pub type Jacobian = [f64; 4];

/// Where a pixel's neighbours land more than this many pixels apart per pixel (|∂β/∂θ| > 20),
/// the map is not resolved by the pixels (next to a point mass, β turns by θ_E²/θ² per unit
/// θ) and finite differences give det A any sign: such pixels are left out of the critical
/// curves. Critical curves themselves lie where |∂β/∂θ| is of order 1.
const MAX_RESOLVED_STRETCH: f64 = 20.0;

/// A at each pixel by central differences of the map (one-sided at the borders and next to
/// rays that ended early); NaN where the pixel's own ray ended early or |∂β/∂θ| exceeds
/// [`MAX_RESOLVED_STRETCH`].
pub(super) fn jacobian_field(map: &RayMap, sky: &Sky) -> Vec<Jacobian> {
    let n = map.size;
    let px = sky.pixel_rad();
    let b = |i: usize, j: usize| map.beta[j * n + i];
    let ok = |i: usize, j: usize| b(i, j)[0].is_finite();
    // ∂β/∂(lattice axis) at (i, j) along `di`, `dj` (one of them 1).
    let diff = |i: usize, j: usize, along_i: bool| -> Option<[f64; 2]> {
        let (lo, hi) = if along_i {
            (
                (i > 0 && ok(i - 1, j)).then(|| (i - 1, j)),
                (i + 1 < n && ok(i + 1, j)).then(|| (i + 1, j)),
            )
        } else {
            (
                (j > 0 && ok(i, j - 1)).then(|| (i, j - 1)),
                (j + 1 < n && ok(i, j + 1)).then(|| (i, j + 1)),
            )
        };
        let (p, q, steps) = match (lo, hi) {
            (Some(p), Some(q)) => (p, q, 2.0),
            (Some(p), None) => (p, (i, j), 1.0),
            (None, Some(q)) => ((i, j), q, 1.0),
            (None, None) => return None,
        };
        let (bp, bq) = (b(p.0, p.1), b(q.0, q.1));
        Some([(bq[0] - bp[0]) / steps, (bq[1] - bp[1]) / steps])
    };
    (0..n * n)
        .map(|k| {
            let (i, j) = (k % n, k / n);
            if !ok(i, j) {
                return [f64::NAN; 4];
            }
            match (diff(i, j, true), diff(i, j, false)) {
                // θx grows with the column, θy falls with the row.
                (Some(di), Some(dj)) => {
                    let (ax, ay) = (di.map(|v| v / px), dj.map(|v| -v / px));
                    let stretch = ax.iter().chain(&ay).fold(0.0f64, |m, v| m.max(v.abs()));
                    if stretch > MAX_RESOLVED_STRETCH {
                        return [f64::NAN; 4];
                    }
                    [ax[0], ay[0], ax[1], ay[1]]
                }
                _ => [f64::NAN; 4],
            }
        })
        .collect()
}

/// det A.
pub fn det_of(a: &Jacobian) -> f64 {
    a[0] * a[3] - a[1] * a[2]
}

/// κ, γ1, γ2 and ω of A (the decomposition above).
pub fn lensing_fields(a: &Jacobian) -> [f64; 4] {
    let kappa = 1.0 - 0.5 * (a[0] + a[3]);
    let gamma1 = 0.5 * (a[3] - a[0]);
    let gamma2 = -0.5 * (a[1] + a[2]);
    let omega = 0.5 * (a[1] - a[2]);
    [kappa, gamma1, gamma2, omega]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decomposition rebuilds A, and det A = (1 − κ)² − γ² + ω².
    #[test]
    fn kappa_gamma_omega_rebuild_the_jacobian() {
        let a = [0.7, -0.12, 0.05, 1.1];
        let [k, g1, g2, w] = lensing_fields(&a);
        let back = [1.0 - k - g1, -g2 + w, -g2 - w, 1.0 - k + g1];
        for (x, y) in a.iter().zip(back) {
            assert!((x - y).abs() < 1e-15);
        }
        let det = (1.0 - k).powi(2) - g1 * g1 - g2 * g2 + w * w;
        assert!((det - det_of(&a)).abs() < 1e-15);
    }
}
