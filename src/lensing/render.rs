//! One lensed image, end to end: ray map, picture, images, critical curves, caustics and cuts.

use super::curves::{encloses, is_closed, zero_contours, LatticePoint};
use super::einstein::{lens_centroid, predicted_einstein_radius_of_profile};
use super::jacobian::{det_of, jacobian_field};
use super::lensed::LensedImage;
use super::raymap::RayMap;
use super::shade::shade;
use super::sky::Sky;
use super::source::{Picture, Rgb, Source};
use super::tracer::SkyTracer;
use crate::setup::Model;
use crate::units::{sub, MPC_M};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Renders the lensed image of `source` at `size`² pixels on the current rayon pool; None
/// when cancelled.
pub fn render(
    model: &Model,
    source: &Source,
    size: usize,
    cancel: &AtomicBool,
) -> Option<LensedImage> {
    let start = Instant::now();
    let sky = Sky::of(&model.config, size);
    let tracer = SkyTracer::new(model, sky, cancel);
    let map = RayMap::trace(&tracer)?;
    let det: Vec<f64> = jacobian_field(&map, &sky).iter().map(det_of).collect();
    let cores = core_rims(model, &sky);
    let lattice_curves: Vec<Vec<LatticePoint>> = zero_contours(&det, size)
        .into_iter()
        .filter(|c| !is_artefact(c) && !hugs_a_core(c, &cores))
        .collect();
    let critical_curves: Vec<Vec<[f64; 2]>> = lattice_curves
        .iter()
        .map(|c| c.iter().map(|p| sky.theta(p[0], p[1])).collect())
        .collect();
    let caustics = lattice_curves
        .iter()
        .map(|c| c.iter().filter_map(|p| beta_at(&map, *p)).collect())
        .collect();
    let cuts = super::cut::cuts(model, &tracer);
    let shading = shade(model, &tracer, &map, source);
    let lens_theta = lens_direction(model, &sky);
    let einstein_measured = lens_theta.and_then(|t| {
        let centre = sky.lattice(t);
        measured_radius(&lattice_curves, centre).map(|r| r * sky.pixel_rad())
    });
    let (einstein_predicted, einstein_basis) = predicted_einstein_radius_of_profile(model, &sky);
    let (geodesics, steps) = {
        let a = tracer.counts();
        (a.0 + shading.geodesics, a.1 + shading.steps)
    };
    Some(LensedImage {
        sky,
        picture: shading.picture,
        magnification: det.iter().map(|d| 1.0 / d).collect(),
        images: shading.images,
        critical_curves,
        caustics,
        cuts,
        einstein_predicted,
        einstein_basis,
        einstein_measured,
        geodesics,
        steps,
        seconds: start.elapsed().as_secs_f64(),
        warnings: shading.warnings,
        map,
    })
}

/// Renders coarse to fine: each size in `sizes` (e.g. 64 then 256) is rendered in turn and
/// handed to `show` as soon as it is done, so a live view has a preview at once and keeps the
/// previous picture until the finer one arrives. Stops early (returning false) when cancelled.
pub fn render_progressive(
    model: &Model,
    source: &Source,
    sizes: &[usize],
    cancel: &AtomicBool,
    show: &mut dyn FnMut(LensedImage),
) -> bool {
    for &size in sizes {
        match render(model, source, size, cancel) {
            Some(image) => show(image),
            None => return false,
        }
    }
    true
}

/// A closed loop less than two pixels across: below the resolution of the interpolated map
/// (such loops appear where cells of different sizes meet on a critical curve).
fn is_artefact(curve: &[LatticePoint]) -> bool {
    if !is_closed(curve) {
        return false;
    }
    let span = |k: usize| {
        let (lo, hi) = curve
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p[k]), b.max(p[k])));
        hi - lo
    };
    span(0) < 2.0 && span(1) < 2.0
}

/// Each lens core as seen on the image: its centre (lattice) and radius (pixels).
fn core_rims(model: &Model, sky: &Sky) -> Vec<(LatticePoint, f64)> {
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    model
        .lenses
        .iter()
        .filter(|l| l.core_radius_m > 0.0)
        .filter_map(|l| {
            let d = sub(l.center_m, observer_m);
            let along = crate::units::dot(d, sky.axis);
            (along > 0.0).then(|| {
                let centre = sky.lattice(sky.angles_of(d));
                (centre, l.core_radius_m / along / sky.pixel_rad())
            })
        })
        .collect()
}

/// A curve that stays within three pixels of a core's rim: the edge of the rays that end in
/// the core, where the map is unresolved, not a critical curve.
fn hugs_a_core(curve: &[LatticePoint], cores: &[(LatticePoint, f64)]) -> bool {
    cores.iter().any(|(c, r)| {
        curve
            .iter()
            .all(|p| (p[0] - c[0]).hypot(p[1] - c[1]) < r + 3.0)
    })
}

/// β at a fractional lattice position, by bilinear interpolation of the pixels' β.
fn beta_at(map: &RayMap, p: LatticePoint) -> Option<[f64; 2]> {
    let n = map.size;
    let (i0, j0) = (
        p[0].floor().max(0.0) as usize,
        p[1].floor().max(0.0) as usize,
    );
    let (i0, j0) = (i0.min(n - 2), j0.min(n - 2));
    let (u, v) = (p[0] - i0 as f64, p[1] - j0 as f64);
    let c =
        [(i0, j0), (i0 + 1, j0), (i0, j0 + 1), (i0 + 1, j0 + 1)].map(|(i, j)| map.beta[j * n + i]);
    let w = [(1.0 - u) * (1.0 - v), u * (1.0 - v), (1.0 - u) * v, u * v];
    let b = [0, 1].map(|q| (0..4).map(|m| w[m] * c[m][q]).sum::<f64>());
    b[0].is_finite().then_some(b)
}

/// θ of the lenses' mass-weighted centre, if it lies in front of the observer.
fn lens_direction(model: &Model, sky: &Sky) -> Option<[f64; 2]> {
    let (_, centre) = lens_centroid(model)?;
    (crate::units::dot(centre, sky.axis) > 0.0).then(|| sky.angles_of(centre))
}

/// Mean distance (lattice units) from `centre` of the largest closed curve enclosing it: the
/// tangential critical curve (the radial one, when there is one, lies inside it).
fn measured_radius(curves: &[Vec<LatticePoint>], centre: LatticePoint) -> Option<f64> {
    curves
        .iter()
        .filter(|c| is_closed(c) && encloses(c, centre))
        .map(|c| {
            let pts = &c[..c.len() - 1];
            pts.iter()
                .map(|p| (p[0] - centre[0]).hypot(p[1] - centre[1]))
                .sum::<f64>()
                / pts.len() as f64
        })
        .max_by(f64::total_cmp)
}

/// Draws the critical curves (cyan) and the images of the source centre (yellow rings) over
/// the picture, for teaching figures.
pub fn draw_overlays(image: &mut LensedImage) {
    let sky = image.sky;
    let n = image.picture.width;
    let plot = |p: [f64; 2], colour: Rgb, pic: &mut Picture| {
        let (i, j) = (p[0].round(), p[1].round());
        if i >= 0.0 && j >= 0.0 && (i as usize) < n && (j as usize) < n {
            pic.rgb[j as usize * n + i as usize] = colour;
        }
    };
    for curve in &image.critical_curves {
        for w in curve.windows(2) {
            let (a, b) = (sky.lattice(w[0]), sky.lattice(w[1]));
            let steps = ((b[0] - a[0]).abs().max((b[1] - a[1]).abs()).ceil() as usize).max(1) * 2;
            for s in 0..=steps {
                let t = s as f64 / steps as f64;
                let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                plot(p, [0.2, 0.95, 1.0], &mut image.picture);
            }
        }
    }
    for im in &image.images {
        let c = sky.lattice(im.theta);
        let r = (n as f64 / 80.0).max(3.0);
        for k in 0..64 {
            let a = k as f64 / 64.0 * std::f64::consts::TAU;
            plot(
                [c[0] + r * a.cos(), c[1] + r * a.sin()],
                [1.0, 0.9, 0.2],
                &mut image.picture,
            );
        }
    }
}
