//! The image panel (docked right of the 3-D view): the lensed source as the observer sees it,
//! with critical curves, the images of the source centre (arrival order, magnification, delay),
//! the predicted Einstein circle, the picked pixel and the selected 3-D ray; a source-plane
//! inset with the caustics where the source can be dragged; and the thin-lens comparison.

use super::inset::{move_source, source_inset};
use super::light_curve::{light_curve_ui, LightCurve};
use super::map_panel::{colour_bar, draw_map, map_selector, MapTexture};
use super::maps::{MapKind, SkyMaps};
use super::view::{SkyMode, SkyView, FINE_SIZE};
use crate::app::bridge::draft::Draft;
use crate::app::shared::colors::{colormap, IMAGE_MARK, PICK};
use crate::app::shared::labels::{place_label, LABEL_BACKING};
use crate::lensing::{lens_centroid, LensedImage, Picture, ARCSEC};
use bevy_egui::egui::{self, Color32, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, Vec2};

/// The texture on screen and what it shows.
#[derive(Default)]
pub struct SkyTexture {
    handle: Option<TextureHandle>,
    version: u64,
    mode: SkyMode,
    map: MapTexture,
}

const CURVE: Color32 = Color32::from_rgb(60, 230, 255);
const SELECTED_RAY: Color32 = Color32::from_rgb(255, 140, 0);

/// The panel docked right of the 3-D view (when open); returns its width in points.
pub fn right_panel(
    root: &mut Ui,
    sky: &mut SkyView,
    tex: &mut SkyTexture,
    curve: &mut LightCurve,
    maps: &mut SkyMaps,
    draft: &mut Draft,
    selected_direction: Option<[f64; 3]>,
) -> f32 {
    if !sky.open {
        return 0.0;
    }
    // The projector theme's larger text (`apply_theme`) widens the panel, so the sky grows
    // with the words around it.
    let body = |s: &egui::Style| s.text_styles[&egui::TextStyle::Body].size;
    let scale = body(root.style()) / body(&egui::Style::default());
    egui::Panel::right("sky")
        .default_size(440.0 * scale)
        .min_size(260.0 * scale)
        .resizable(true)
        .show(root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                sky_panel(ui, sky, tex, curve, maps, draft, selected_direction)
            });
        })
        .response
        .rect
        .width()
}

/// Draws the panel's contents; `selected_direction` is the launch direction of the ray selected
/// in 3-D (marked where it is on the sky).
pub fn sky_panel(
    ui: &mut Ui,
    sky: &mut SkyView,
    tex: &mut SkyTexture,
    curve: &mut LightCurve,
    maps: &mut SkyMaps,
    draft: &mut Draft,
    selected_direction: Option<[f64; 3]>,
) {
    ui.horizontal(|ui| {
        ui.heading("The observer's sky");
        map_selector(ui, maps);
    });
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut sky.mode, SkyMode::Traced, "geodesics")
            .on_hover_text("each pixel's ray traced through the run's spacetime");
        ui.selectable_value(&mut sky.mode, SkyMode::ThinLens, "thin lens")
            .on_hover_text("the same lenses in the thin-lens equation (a textbook's picture)");
        ui.selectable_value(&mut sky.mode, SkyMode::Residual, "residual")
            .on_hover_text("|β geodesic − β thin lens| per pixel, in units of θ_E");
        ui.selectable_value(&mut sky.mode, SkyMode::Unlensed, "unlensed")
            .on_hover_text("the same source with the lenses taken away (β = θ)");
    });
    if matches!(sky.mode, SkyMode::ThinLens | SkyMode::Residual) {
        sky.ensure_thin();
    }
    let Some(rendered) = sky.rendered.clone() else {
        ui.label(match (&sky.error, sky.rendering) {
            (Some(e), _) => format!("no image: {e}"),
            (None, true) => "rendering…".into(),
            (None, false) => "no image yet".into(),
        });
        return;
    };
    let image = &rendered.image;
    upload(ui.ctx(), sky, tex, image);
    // A wider panel gives a larger inset too, and the image only the height that leaves the
    // inset and the first readouts in view (not the whole width, pushing them off screen).
    let inset_side = (ui.available_width() * 0.55).clamp(150.0, 320.0);
    let side = ui
        .available_width()
        .min(ui.available_height() - inset_side - 110.0)
        .max(120.0);
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::click_and_drag());
    let painter = ui.painter_at(rect);
    if let Some(t) = &tex.handle {
        painter.image(
            t.id(),
            rect,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
    }
    let map_scale = (maps.kind != MapKind::Picture)
        .then(|| draw_map(&painter, rect, maps, &rendered, &mut tex.map))
        .flatten();
    let to_screen = |theta: [f64; 2]| -> Pos2 {
        let l = image.sky.lattice(theta);
        let px = side / image.sky.size as f32;
        rect.min + Vec2::new((l[0] as f32 + 0.5) * px, (l[1] as f32 + 0.5) * px)
    };
    // A preview's curves are as coarse as its pixels (a point lens's caustic drawn as a big
    // X): they are drawn only on a finished image.
    let preview = image.sky.size < FINE_SIZE;
    if preview {
        painter.text(
            rect.right_top() + Vec2::new(-4.0, 4.0),
            egui::Align2::RIGHT_TOP,
            format!("preview {0}² · refining…", image.sky.size),
            egui::FontId::proportional(12.0),
            Color32::WHITE,
        );
    } else if sky.mode == SkyMode::Unlensed {
        // No images, curves or caustics: there is no lens in this picture.
        painter.text(
            rect.right_top() + Vec2::new(-4.0, 4.0),
            egui::Align2::RIGHT_TOP,
            "unlensed: the source alone",
            egui::FontId::proportional(12.0),
            Color32::WHITE,
        );
    } else {
        draw_overlays(&painter, sky, image, &to_screen, side, selected_direction);
    }
    let text_size = ui.style().text_styles[&egui::TextStyle::Body].size;
    super::axes::draw_axes(&painter, rect, image, &to_screen, text_size);
    if let Some(scale) = &map_scale {
        colour_bar(ui, side, maps.kind, scale, maps.of(&rendered.model));
    } else if sky.mode == SkyMode::Residual && maps.kind == MapKind::Picture {
        residual_bar(ui, side);
    }
    interact(&response, rect, sky, draft, image);
    ui.horizontal_wrapped(|ui| {
        let o = &mut sky.overlays;
        ui.checkbox(&mut o.critical_curves, "critical curves");
        ui.checkbox(&mut o.caustics, "caustics");
        ui.checkbox(&mut o.images, "images");
        ui.checkbox(&mut o.einstein_circle, "Einstein circle");
    });
    if sky.overlays.caustics && !preview {
        let path = curve.path.filter(|_| curve.open);
        source_inset(
            ui,
            draft,
            image,
            inset_side,
            path.map(|p| (p.from_mpc, p.to_mpc)),
        );
    }
    if !preview {
        light_curve_ui(ui, curve, &rendered, draft.config.source.offset_mpc);
    }
    super::readouts::readouts(ui, sky, draft, image);
}

/// Uploads the picture of the current mode when the image or the mode changed.
fn upload(ctx: &egui::Context, sky: &SkyView, tex: &mut SkyTexture, image: &LensedImage) {
    if tex.handle.is_some() && tex.version == sky.version && tex.mode == sky.mode {
        return;
    }
    let (residual, bare);
    let picture = match (sky.mode, &sky.thin) {
        (SkyMode::Unlensed, _) => {
            bare = sky
                .rendered
                .as_ref()
                .map(|r| crate::lensing::unlensed(&image.sky, &r.source));
            bare.as_ref().unwrap_or(&image.picture)
        }
        (SkyMode::ThinLens, Some(Ok(t))) => &t.picture,
        (SkyMode::Residual, Some(Ok(t))) => {
            let shown = crate::lensing::at_nearest_traced(&t.residual_over_theta_e, &image.map);
            residual = residual_picture(&shown, image);
            &residual
        }
        _ => &image.picture,
    };
    let bytes: Vec<u8> = picture
        .rgb
        .iter()
        .flat_map(|c| c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
        .collect();
    let colour = egui::ColorImage::from_rgb([picture.width, picture.height], &bytes);
    // Nearest: a 64² preview shows its pixels rather than a blur that looks finer than it is.
    // The texture is replaced in place: a new one would be uploaded a frame after it is
    // first drawn, and that frame would show no sky.
    match &mut tex.handle {
        Some(h) => h.set(colour, egui::TextureOptions::NEAREST),
        None => {
            tex.handle = Some(ctx.load_texture("lensed-sky", colour, egui::TextureOptions::NEAREST))
        }
    }
    tex.version = sky.version;
    tex.mode = sky.mode;
}

/// log10 of the residual in units of θ_E, from 1e-6 (dark) to 1e-1 (bright).
/// The residual map's log scale: 10^RESIDUAL_LOG_RANGE[0] … 10^RESIDUAL_LOG_RANGE[1] θ_E.
const RESIDUAL_LOG_RANGE: [f64; 2] = [-6.0, -1.0];

fn residual_picture(residual: &[f64], image: &LensedImage) -> Picture {
    let [lo, hi] = RESIDUAL_LOG_RANGE;
    Picture {
        width: image.sky.size,
        height: image.sky.size,
        rgb: residual
            .iter()
            .map(|r| {
                if r.is_finite() {
                    colormap(((r.max(1e-12).log10() - lo) / (hi - lo)).clamp(0.0, 1.0))
                } else {
                    [0.0; 3]
                }
            })
            .collect(),
    }
}

/// The residual map's colour bar: viridis over the log range, labelled in θ_E, and what a
/// pixel shows.
fn residual_bar(ui: &mut Ui, width: f32) {
    let [lo, hi] = RESIDUAL_LOG_RANGE;
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 10.0), Sense::hover());
    let steps = 64;
    for s in 0..steps {
        let c = colormap(s as f64 / (steps - 1) as f64).map(|v| (v * 255.0) as u8);
        let x0 = rect.left() + rect.width() * s as f32 / steps as f32;
        let x1 = rect.left() + rect.width() * (s + 1) as f32 / steps as f32;
        ui.painter().rect_filled(
            Rect::from_min_max(Pos2::new(x0, rect.top()), Pos2::new(x1, rect.bottom())),
            0.0,
            Color32::from_rgb(c[0], c[1], c[2]),
        );
    }
    ui.horizontal(|ui| {
        ui.small(format!("1e{lo} θ_E"));
        ui.add_space((width - 120.0).max(0.0));
        ui.small(format!("1e{hi} θ_E"));
    });
    ui.small("|β geodesic − β thin lens| at the traced rays (each pixel: its nearest)");
}

fn draw_overlays(
    painter: &egui::Painter,
    sky: &SkyView,
    image: &LensedImage,
    to_screen: &dyn Fn([f64; 2]) -> Pos2,
    side: f32,
    selected_direction: Option<[f64; 3]>,
) {
    let o = sky.overlays;
    let label_size = painter.ctx().global_style().text_styles[&egui::TextStyle::Body].size;
    if o.critical_curves {
        for c in &image.critical_curves {
            let points: Vec<Pos2> = c.iter().map(|t| to_screen(*t)).collect();
            painter.add(egui::Shape::line(points, Stroke::new(1.5, CURVE)));
        }
    }
    if o.einstein_circle {
        if let (Some(te), Some(r)) = (image.einstein_predicted, &sky.rendered) {
            if let Some((_, centre_m)) = lens_centroid(&r.model) {
                let c = to_screen(image.sky.angles_of(centre_m));
                let radius = (te / image.sky.fov_rad) as f32 * side;
                painter.circle_stroke(c, radius, Stroke::new(1.0, Color32::WHITE));
            }
        }
    }
    if o.images {
        let markers: Vec<Pos2> = image.images.iter().map(|im| to_screen(im.theta)).collect();
        for p in &markers {
            painter.circle_stroke(*p, 6.0, Stroke::new(2.0, IMAGE_MARK));
        }
        let frame = painter.clip_rect();
        let mut taken: Vec<Rect> = markers
            .iter()
            .map(|p| Rect::from_center_size(*p, Vec2::splat(14.0)))
            .collect();
        for (k, im) in image.images.iter().enumerate() {
            let galley = painter.layout_no_wrap(
                image_label(k, im, image),
                egui::FontId::proportional(label_size),
                IMAGE_MARK,
            );
            if let Some(r) = place_label(markers[k], galley.size(), frame, &taken) {
                painter.rect_filled(r.expand(1.0), 2.0, LABEL_BACKING);
                painter.galley(r.min, galley, IMAGE_MARK);
                taken.push(r);
            } else {
                // No free place: the order number alone, beside the marker.
                let r = painter.text(
                    markers[k] + Vec2::new(8.0, -8.0),
                    egui::Align2::LEFT_BOTTOM,
                    format!("{}", k + 1),
                    egui::FontId::proportional(label_size),
                    IMAGE_MARK,
                );
                taken.push(r);
            }
        }
    }
    if let Some(p) = &sky.picked {
        let c = to_screen(p.theta);
        painter.line_segment(
            [c - Vec2::X * 7.0, c + Vec2::X * 7.0],
            Stroke::new(2.0, PICK),
        );
        painter.line_segment(
            [c - Vec2::Y * 7.0, c + Vec2::Y * 7.0],
            Stroke::new(2.0, PICK),
        );
    }
    if let Some(d) = selected_direction {
        let c = to_screen(image.sky.angles_of(d));
        painter.circle_stroke(c, 9.0, Stroke::new(2.0, SELECTED_RAY));
    }
}

/// "1st μ +2.50" or "2nd +11.7 d μ −1.50".
fn image_label(k: usize, im: &crate::lensing::Image, image: &LensedImage) -> String {
    let order = ["1st", "2nd", "3rd"]
        .get(k)
        .map_or(format!("{}th", k + 1), |o| o.to_string());
    if k == 0 {
        return format!("{order} μ {:+.2}", im.magnification);
    }
    let delay_d = (im.arrival_s - image.images[0].arrival_s) / crate::units::DAY_S;
    format!("{order} +{delay_d:.1} d μ {:+.2}", im.magnification)
}

/// Click: show the pixel's geodesic in 3-D. Shift-drag: move the source behind the pointer.
fn interact(
    response: &egui::Response,
    rect: Rect,
    sky: &mut SkyView,
    draft: &mut Draft,
    image: &LensedImage,
) {
    let Some(pos) = response.interact_pointer_pos().or(response.hover_pos()) else {
        return;
    };
    let n = image.sky.size as f32;
    let l = (pos - rect.min) / rect.width() * n - Vec2::splat(0.5);
    let pixel = [l.x.round() as f64, l.y.round() as f64];
    let inside = pixel.iter().all(|p| *p >= 0.0 && *p < n as f64);
    let theta = image.sky.theta(pixel[0], pixel[1]);
    let shift = response.ctx.input(|i| i.modifiers.shift);
    if response.dragged() && shift {
        move_source(draft, image, theta);
    } else if response.clicked() && inside {
        sky.pick(pixel);
    }
    if inside {
        let k = pixel[1] as usize * image.sky.size + pixel[0] as usize;
        let b = image.map.beta[k];
        response.clone().on_hover_text(format!(
            "θ = ({:.2}, {:.2}) maps to β = ({:.2}, {:.2}) arcsec, μ = {:.3}\nclick: its geodesic in 3-D · shift-drag: move the source",
            theta[0] / ARCSEC,
            theta[1] / ARCSEC,
            b[0] / ARCSEC,
            b[1] / ARCSEC,
            image.magnification[k]
        ));
    }
}
