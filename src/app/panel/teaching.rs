//! The teaching layout's controls: what a lecturer changes in a demo (each lens's mass and
//! position, the source's distance, offset, size and kind, the camera's field of view), the
//! image panel and theme switches, and a switch to unfold the research controls.

use super::widgets::{enum_combo, mass, number_in, vec2, vec3};
use crate::app::shared::display::Presentation;
use crate::app::sky::view::SkyView;
use crate::config::{RunConfig, Theme, ViewLayout};
use bevy_egui::egui::{self, Ui};

/// The teaching section; edits land in `config` like every other section.
pub fn teaching_ui(ui: &mut Ui, config: &mut RunConfig, sky: &mut SkyView, p: &mut Presentation) {
    ui.horizontal(|ui| {
        ui.checkbox(&mut sky.open, "lensed sky")
            .on_hover_text("the image panel: the source as the observer sees it");
        let mut projector = p.theme == Theme::Projector;
        if ui
            .checkbox(&mut projector, "projector")
            .on_hover_text("large text, high contrast")
            .changed()
        {
            p.theme = if projector {
                Theme::Projector
            } else {
                Theme::Dark
            };
        }
        let mut research = p.layout == ViewLayout::Research;
        if ui
            .checkbox(&mut research, "all controls")
            .on_hover_text("show the research controls (cosmology, potential, integration…)")
            .changed()
        {
            p.layout = if research {
                ViewLayout::Research
            } else {
                ViewLayout::Teaching
            };
        }
    });
    for (i, lens) in config.lenses.iter_mut().enumerate() {
        ui.push_id(i, |ui| {
            mass(
                ui,
                &format!("lenses.{i}.mass_msun"),
                &format!("lens {i} mass"),
                &mut lens.mass_msun,
                (1e10, 1e16),
                "θ_E grows as √M: four times the mass, twice the ring",
            );
            vec3(
                ui,
                &format!("lenses.{i}.center_mpc"),
                "  centre",
                &mut lens.center_mpc,
                0.005,
                "the lens's position [Mpc]: move it across the line of sight and the ring breaks into arcs",
            );
        });
    }
    let s = &mut config.source;
    number_in(
        ui,
        "source.distance_mpc",
        "source distance",
        &mut s.distance_mpc,
        5.0,
        "Mpc",
        "comoving distance of the source plane from the observer [Mpc]",
    );
    vec2(
        ui,
        "source.offset_mpc",
        "source offset",
        &mut s.offset_mpc,
        0.002,
        "Mpc",
        "[right, up] in the source plane [Mpc]; or drag it in the inset",
    );
    number_in(
        ui,
        "source.size_mpc",
        "source size",
        &mut s.size_mpc,
        0.001,
        "Mpc",
        "galaxy half-light radius, checker cell or image width [Mpc]",
    );
    enum_combo(
        ui,
        "source kind",
        &mut s.kind,
        "galaxy, checkerboard, or a PNG (source.image)",
    );
    number_in(
        ui,
        "camera.field_of_view_arcsec",
        "field of view",
        &mut config.camera.field_of_view_arcsec,
        0.5,
        "arcsec",
        "the image's side [arcsec]",
    );
}

/// Applies the theme to egui: the projector theme enlarges every text style by 40 % and
/// draws white on black with thicker strokes.
pub fn apply_theme(ctx: &egui::Context, theme: Theme) {
    let mut style = egui::Style::default();
    let mut visuals = egui::Visuals::dark();
    let mut fonts = egui::Style::default().text_styles;
    if theme == Theme::Projector {
        for f in fonts.values_mut() {
            f.size *= PROJECTOR_TEXT_SCALE;
        }
        visuals.override_text_color = Some(egui::Color32::WHITE);
        visuals.panel_fill = egui::Color32::BLACK;
        visuals.window_fill = egui::Color32::BLACK;
        visuals.widgets.noninteractive.fg_stroke.width = 1.5;
        visuals.widgets.inactive.fg_stroke.width = 1.5;
    }
    style.text_styles = fonts;
    style.visuals = visuals;
    ctx.all_styles_mut(|s| *s = style.clone());
}

/// How much larger the projector theme's text is.
pub const PROJECTOR_TEXT_SCALE: f32 = 1.4;
