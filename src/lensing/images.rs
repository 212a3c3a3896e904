//! The images of one source point: the roots of β(θ) = β_s, found on the ray map and polished
//! on exact geodesics (Newton's method with a finite-difference Jacobian), with their signed
//! magnifications 1/det A and their arrival times.

use super::raymap::RayMap;
use super::tracer::SkyTracer;

/// One image of the source point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Image {
    /// Image-plane angles [rad].
    pub theta: [f64; 2],
    /// Signed magnification 1/det(∂β/∂θ) (negative: parity flipped).
    pub magnification: f64,
    /// Arrival time of its ray (η_obs − η at the source plane) [s].
    pub arrival_s: f64,
}

/// How close an image's ray must land to the source point [pixels]. An arrival time moves with
/// the landing point by ~(D_s/c)·α per radian: at 1e-4 pixel a SIS delay of 2.9·10⁸ s moved by
/// 2e-6 between runs, at 1e-6 pixel by 1e-8. Newton converges quadratically, so the extra
/// digits cost about one more iteration.
const POLISH_TOLERANCE_PX: f64 = 1e-6;

/// Newton iterations at most, and the finite-difference step in pixels.
const MAX_NEWTON: usize = 30;
const FD_STEP_PX: f64 = 0.1;

/// ∂β/∂θ at θ by central differences of exact geodesics, or None if a ray ended early.
fn jacobian(tracer: &SkyTracer, theta: [f64; 2], h: f64) -> Option<[[f64; 2]; 2]> {
    let thetas = [
        [theta[0] + h, theta[1]],
        [theta[0] - h, theta[1]],
        [theta[0], theta[1] + h],
        [theta[0], theta[1] - h],
    ];
    let l = tracer.trace(&thetas);
    if !l.iter().all(|x| x.reached()) {
        return None;
    }
    let d = |a: usize, b: usize, k: usize| (l[a].beta[k] - l[b].beta[k]) / (2.0 * h);
    // Columns: ∂β/∂θx, ∂β/∂θy.
    Some([[d(0, 1, 0), d(2, 3, 0)], [d(0, 1, 1), d(2, 3, 1)]])
}

fn det(a: &[[f64; 2]; 2]) -> f64 {
    a[0][0] * a[1][1] - a[0][1] * a[1][0]
}

/// Candidate roots: pixel squares of the map whose two triangles' images contain β_s, each
/// with the θ that linear interpolation puts there.
fn candidates(map: &RayMap, tracer: &SkyTracer, beta_s: [f64; 2]) -> Vec<[f64; 2]> {
    let n = map.size;
    let mut out: Vec<[f64; 2]> = vec![];
    for j in 0..n.saturating_sub(1) {
        for i in 0..n.saturating_sub(1) {
            let k = [(i, j), (i + 1, j), (i, j + 1), (i + 1, j + 1)];
            let b: Vec<[f64; 2]> = k.iter().map(|&(a, c)| map.beta[c * n + a]).collect();
            if b.iter().any(|x| !x[0].is_finite()) {
                continue;
            }
            for tri in [[0usize, 1, 2], [3, 2, 1]] {
                let (p0, p1, p2) = (b[tri[0]], b[tri[1]], b[tri[2]]);
                let d = (p1[0] - p0[0]) * (p2[1] - p0[1]) - (p2[0] - p0[0]) * (p1[1] - p0[1]);
                if d == 0.0 {
                    continue;
                }
                let r = [beta_s[0] - p0[0], beta_s[1] - p0[1]];
                let u = (r[0] * (p2[1] - p0[1]) - r[1] * (p2[0] - p0[0])) / d;
                let v = ((p1[0] - p0[0]) * r[1] - (p1[1] - p0[1]) * r[0]) / d;
                if u >= 0.0 && v >= 0.0 && u + v <= 1.0 {
                    let at = |m: usize| [k[tri[m]].0 as f64, k[tri[m]].1 as f64];
                    let (a0, a1, a2) = (at(0), at(1), at(2));
                    let lattice = [
                        a0[0] + u * (a1[0] - a0[0]) + v * (a2[0] - a0[0]),
                        a0[1] + u * (a1[1] - a0[1]) + v * (a2[1] - a0[1]),
                    ];
                    out.push(tracer.sky.theta(lattice[0], lattice[1]));
                }
            }
        }
    }
    out
}

/// The images of β_s [rad], ordered by arrival (first-arriving first), each polished until its
/// ray lands within [`POLISH_TOLERANCE_PX`] of β_s. Roots closer than 0.1 pixel are one image:
/// a magnified image is stretched along its arc, so the same root is polished to points up to
/// μ·1e-6 pixel apart.
pub fn find_images(map: &RayMap, tracer: &SkyTracer, beta_s: [f64; 2]) -> Vec<Image> {
    let px = tracer.sky.pixel_rad();
    let h = FD_STEP_PX * px;
    let mut found: Vec<Image> = vec![];
    let mut tried: Vec<[f64; 2]> = vec![];
    for start in candidates(map, tracer, beta_s) {
        // Neighbouring squares report the same root; one start per pixel is enough.
        let near = |p: &[f64; 2]| (p[0] - start[0]).hypot(p[1] - start[1]) < px;
        if found.iter().any(|f| near(&f.theta)) || tried.iter().any(near) {
            continue;
        }
        tried.push(start);
        let Some(image) = polish(tracer, start, beta_s, h) else {
            continue;
        };
        if found
            .iter()
            .all(|f| (f.theta[0] - image.theta[0]).hypot(f.theta[1] - image.theta[1]) > 0.1 * px)
        {
            found.push(image);
        }
    }
    found.sort_by(|a, b| a.arrival_s.total_cmp(&b.arrival_s));
    found
}

/// Newton's method on exact geodesics from `theta`; None if it leaves the rays that reach the
/// source plane or does not converge.
fn polish(tracer: &SkyTracer, mut theta: [f64; 2], beta_s: [f64; 2], h: f64) -> Option<Image> {
    let tol = POLISH_TOLERANCE_PX * tracer.sky.pixel_rad();
    for _ in 0..MAX_NEWTON {
        let here = tracer.trace_one(theta);
        if !here.reached() {
            return None;
        }
        let r = [here.beta[0] - beta_s[0], here.beta[1] - beta_s[1]];
        let a = jacobian(tracer, theta, h)?;
        if r[0].hypot(r[1]) <= tol {
            return Some(Image {
                theta,
                magnification: 1.0 / det(&a),
                arrival_s: here.arrival_s,
            });
        }
        let d = det(&a);
        if d == 0.0 || !d.is_finite() {
            return None;
        }
        // θ ← θ − A⁻¹ r, limited to a few pixels per step so a poor start cannot fly off.
        let mut step = [
            (a[1][1] * r[0] - a[0][1] * r[1]) / d,
            (-a[1][0] * r[0] + a[0][0] * r[1]) / d,
        ];
        let len = step[0].hypot(step[1]);
        let max = 4.0 * tracer.sky.pixel_rad();
        if len > max {
            step = step.map(|s| s * max / len);
        }
        theta = [theta[0] - step[0], theta[1] - step[1]];
    }
    None
}
