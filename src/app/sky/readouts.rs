//! The sky panel's readouts under the image: Einstein radii, images and total magnification,
//! what the picture cannot show (images hidden in a core), and the cost and timing of the image.

use super::axes::{fitting_fov_arcsec, ring_fits};
use super::view::{SkyMode, SkyView};
use crate::app::bridge::draft::Draft;
use crate::app::panel::readouts::WARN;
use crate::app::shared::colors::PICK;
use crate::lensing::{LensedImage, ARCSEC};
use bevy_egui::egui::{Color32, Ui};

pub fn readouts(ui: &mut Ui, sky: &SkyView, draft: &mut Draft, image: &LensedImage) {
    let arcsec = |r: Option<f64>| r.map_or("—".into(), |r| format!("{:.2} arcsec", r / ARCSEC));
    ui.label(format!(
        "θ_E predicted ({}) {} · measured {}",
        image.einstein_basis.label(),
        arcsec(image.einstein_predicted),
        arcsec(image.einstein_measured)
    ));
    if let (Some(false), Some(te)) = (ring_fits(image), image.einstein_predicted) {
        let fov = image.sky.fov_rad / ARCSEC;
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(
                WARN,
                format!(
                    "the predicted ring (θ_E {:.1} arcsec) does not fit the {fov:.0} arcsec frame",
                    te / ARCSEC
                ),
            );
            let fit = fitting_fov_arcsec(te);
            if ui
                .button(format!("field of view {fit} arcsec"))
                .on_hover_text("widen the frame to 2.5 θ_E")
                .clicked()
            {
                draft.config.camera.field_of_view_arcsec = fit;
                draft.touched(std::time::Instant::now());
            }
        });
    }
    ui.label(format!(
        "{} images · total |μ| {:.2}",
        image.images.len(),
        image
            .images
            .iter()
            .map(|i| i.magnification.abs())
            .sum::<f64>()
    ));
    // Every image in full, so a marker labelled by its number alone (no room beside it) is read.
    for (k, im) in image.images.iter().enumerate() {
        let delay_d = (im.arrival_s - image.images[0].arrival_s) / crate::units::DAY_S;
        ui.small(format!(
            "{}. θ = ({:+.2}, {:+.2}) arcsec · μ {:+.2} · +{delay_d:.1} d",
            k + 1,
            im.theta[0] / ARCSEC,
            im.theta[1] / ARCSEC,
            im.magnification
        ));
    }
    for w in &image.warnings {
        ui.colored_label(WARN, w);
    }
    ui.small(format!(
        "{}² from {} geodesics, {} steps, {:.0} ms",
        image.sky.size,
        image.geodesics,
        image.steps,
        image.seconds * 1e3
    ));
    let ms = |s: Option<f64>| s.map_or("—".into(), |s| format!("{:.0} ms", s * 1e3));
    ui.small(format!(
        "edit to first image {} · refined {}{}",
        ms(sky.timing.first_s),
        ms(sky.timing.refined_s),
        if sky.rendering {
            " · rendering…"
        } else {
            ""
        }
    ));
    match (&sky.mode, &sky.thin) {
        (SkyMode::Traced | SkyMode::Unlensed, _) => {}
        (_, Some(Ok(t))) => {
            ui.label(format!(
                "thin lens vs geodesics: max |Δβ| = {:.1e} θ_E",
                t.max_residual_over_theta_e
            ));
        }
        (_, Some(Err(e))) => {
            ui.colored_label(Color32::LIGHT_RED, format!("no thin-lens comparison: {e}"));
        }
        (_, None) => {}
    }
    if let Some(p) = &sky.picked {
        ui.colored_label(
            PICK,
            format!(
                "picked θ = ({:.2}, {:.2}) arcsec: {}",
                p.theta[0] / ARCSEC,
                p.theta[1] / ARCSEC,
                if p.landing.reached() {
                    format!(
                        "β = ({:.2}, {:.2}) arcsec",
                        p.landing.beta[0] / ARCSEC,
                        p.landing.beta[1] / ARCSEC
                    )
                } else {
                    <&'static str>::from(p.landing.end).to_string()
                }
            ),
        );
    }
    if let Some(e) = &sky.error {
        ui.colored_label(Color32::LIGHT_RED, e);
    }
}
