//! Headless tests of the sky panel's map selector (`app/sky/maps.rs`, issue 23): no bundles
//! are traced while the picture is shown; choosing a map traces the maps of the refined image
//! on screen, whose shear is the point lens's θ_E²/θ²; an edit of the mass hides the old maps
//! until those of the new image arrive, and they scale with the mass.

use super::app_bridge::{app, update_until};
use bevy::prelude::*;
use excalibur::app::bridge::draft::Draft;
use excalibur::app::sky::map_panel::map_values;
use excalibur::app::sky::maps::{MapKind, SkyMaps, MAP_SIZE};
use excalibur::app::sky::view::{SkyView, FINE_SIZE};
use excalibur::config::RunConfig;
use excalibur::lensing::MapSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(180);

/// The maps of the refined image on screen whose lens has `mass_msun`, once they arrive.
fn maps_of_mass(app: &mut App, mass_msun: f64) -> Arc<MapSet> {
    update_until(app, WAIT, "the maps of the refined image", |w| {
        let sky = w.resource::<SkyView>();
        sky.rendered.as_ref().is_some_and(|r| {
            r.image.sky.size >= FINE_SIZE
                && r.config.lenses[0].mass_msun == mass_msun
                && w.resource::<SkyMaps>().of(&r.model).is_some()
        })
    });
    let w = app.world();
    let model = w.resource::<SkyView>().rendered.clone().unwrap().model;
    let shown = w.resource::<SkyMaps>().shown.as_ref().unwrap();
    assert!(Arc::ptr_eq(&shown.model, &model));
    shown.maps.clone()
}

/// The worst relative error of |γ| against θ_E²/θ² and the largest |κ|/|γ| over the pixels at
/// 1.3–1.9 θ_E from the centre, and how many there were.
fn point_lens_shear(m: &MapSet, theta_e: f64) -> (f64, f64, usize) {
    let n = m.sky.size;
    let (mut worst, mut kappa, mut count) = (0.0f64, 0.0f64, 0);
    for k in 0..n * n {
        let t = m.sky.theta((k % n) as f64, (k / n) as f64);
        let r = t[0].hypot(t[1]);
        if (1.3 * theta_e..1.9 * theta_e).contains(&r) {
            let g = m.shear[k][0].hypot(m.shear[k][1]);
            worst = worst.max((g / (theta_e / r).powi(2) - 1.0).abs());
            kappa = kappa.max(m.convergence[k].abs() / g);
            count += 1;
        }
    }
    (worst, kappa, count)
}

#[test]
fn choosing_a_map_traces_the_shear_of_the_image_on_screen_and_an_edit_replaces_it() {
    let config = RunConfig::load(
        std::path::Path::new("configs/teach_einstein_ring.toml"),
        &[],
    )
    .unwrap()
    .as_given()
    .clone();
    let mut app = app(config);
    update_until(&mut app, WAIT, "the refined image", |w| {
        let sky = w.resource::<SkyView>();
        sky.rendered
            .as_ref()
            .is_some_and(|r| r.image.sky.size >= FINE_SIZE)
    });
    for _ in 0..20 {
        app.update();
    }
    let maps = app.world().resource::<SkyMaps>();
    assert!(
        maps.computing_s().is_none() && maps.shown.is_none(),
        "no bundles for the picture"
    );
    app.world_mut().resource_mut::<SkyMaps>().kind = MapKind::Shear;
    let first = maps_of_mass(&mut app, 1e14);
    assert_eq!(first.sky.size, MAP_SIZE);
    let theta_e = {
        let r = app.world().resource::<SkyView>().rendered.clone().unwrap();
        assert_eq!(
            first.sky.fov_rad, r.image.sky.fov_rad,
            "the maps cover the picture's field"
        );
        // The delay comes from the picture itself, zero at its earliest pixel.
        let (delay, size) = map_values(MapKind::Delay, None, &r.image).unwrap();
        assert_eq!(size, r.image.sky.size);
        assert_eq!(
            delay
                .iter()
                .copied()
                .filter(|d| d.is_finite())
                .fold(f64::MAX, f64::min),
            0.0
        );
        r.image.einstein_predicted.unwrap()
    };
    let (worst, kappa, count) = point_lens_shear(&first, theta_e);
    println!("window maps: |γ| within {worst:.2e} of θ_E²/θ², |κ|/|γ| ≤ {kappa:.1e}, {count} px");
    assert!(count > 100 && worst < 0.02 && kappa < 0.01);
    // An edit: the new image's maps replace the old, never shown beside the new picture.
    {
        let mut draft = app.world_mut().resource_mut::<Draft>();
        draft.config.lenses[0].mass_msun = 2.25e14;
        draft.touched(Instant::now());
    }
    update_until(&mut app, WAIT, "the image of the new mass", |w| {
        let sky = w.resource::<SkyView>();
        sky.rendered
            .as_ref()
            .is_some_and(|r| r.config.lenses[0].mass_msun == 2.25e14)
    });
    {
        let w = app.world();
        let model = w.resource::<SkyView>().rendered.clone().unwrap().model;
        assert!(
            w.resource::<SkyMaps>().of(&model).is_none(),
            "old maps shown on a new image"
        );
    }
    let second = maps_of_mass(&mut app, 2.25e14);
    // γ = θ_E²/θ² ∝ M at the same pixel, away from both Einstein radii.
    let n = MAP_SIZE;
    let k = (n / 2) * n + n / 2 + (1.6 * 1.5 * theta_e / first.sky.pixel_rad()) as usize;
    let ratio =
        second.shear[k][0].hypot(second.shear[k][1]) / first.shear[k][0].hypot(first.shear[k][1]);
    println!("|γ| ratio after the ×2.25 mass edit: {ratio:.5}");
    assert!((ratio / 2.25 - 1.0).abs() < 0.01, "ratio {ratio}");
}
