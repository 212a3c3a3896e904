//! The map selector's drawing (state and tracing in `sky/maps.rs`): the row of map buttons,
//! the chosen map as a texture over the sky's field (nearest-pixel, at the maps' own lattice),
//! the shear's whiskers, and a colour bar labelled with the map's range and units.
//!
//! Colour ranges: κ, |γ| and |μ| span decades and are shown on a log scale, the delay and z
//! on a linear one, and geodesic − Born (either sign) on a diverging scale symmetric about 0.
//! Each range is the 1st–99th percentile of the map's finite values, so one pixel at a point
//! mass does not flatten the rest; values beyond it take the end colours, as the bar says.

use super::maps::{MapKind, SkyMaps};
use crate::lensing::{LensedImage, MapSet};
use crate::session::RenderedImage;
use crate::units::DAY_S;
use bevy_egui::egui::{self, Color32, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, Vec2};

/// Whiskers drawn across the field (per side).
const WHISKERS_PER_SIDE: usize = 16;

/// How a map's values become colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapScale {
    /// The range's ends, in the map's units (log10 of them for a log scale).
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    /// Diverging about 0 (lo = −hi).
    pub signed: bool,
}

impl MapScale {
    /// The scale of `values` for `kind` (None when no value is finite).
    pub fn of(kind: MapKind, values: &[f64]) -> Option<MapScale> {
        let log = matches!(
            kind,
            MapKind::Convergence | MapKind::Shear | MapKind::Magnification
        );
        let signed = kind == MapKind::PostBorn;
        let mut v: Vec<f64> = values
            .iter()
            .map(|x| if log { x.abs().log10() } else { *x })
            .map(|x| if signed { x.abs() } else { x })
            .filter(|x| x.is_finite())
            .collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        let (lo, hi) = if signed {
            (-at(0.99), at(0.99))
        } else {
            (at(0.01), at(0.99))
        };
        // A flat map (z of a static background, κ of nothing) still gets a visible range.
        let hi = if hi > lo {
            hi
        } else {
            lo + 1e-12_f64.max(lo.abs() * 1e-6)
        };
        Some(MapScale {
            lo: if signed { -hi } else { lo },
            hi,
            log,
            signed,
        })
    }

    /// The colour of a value; black where it is not finite (a ray that ended early).
    pub fn colour(&self, value: f64) -> Color32 {
        let x = if self.log { value.abs().log10() } else { value };
        if !x.is_finite() {
            return Color32::BLACK;
        }
        let t = ((x - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0);
        let c = if self.signed {
            colorous::RED_BLUE.eval_continuous(1.0 - t)
        } else {
            colorous::VIRIDIS.eval_continuous(t)
        };
        Color32::from_rgb(c.r, c.g, c.b)
    }

    /// The range's ends as the bar labels them, with the digits that tell them apart (z of a
    /// weak lens varies in its seventh digit).
    fn labels(&self) -> [String; 2] {
        let ends = [self.lo, self.hi].map(|e| if self.log { 10f64.powf(e) } else { e });
        let spread = ((ends[1] - ends[0]) / ends[1].abs().max(ends[0].abs())).abs();
        let digits = (2.0 - spread.log10().min(0.0)).ceil().clamp(2.0, 15.0) as usize;
        ends.map(|e| format!("{e:.digits$e}"))
    }
}

/// The drop-down that chooses what the image panel shows (beside the panel's heading, so the
/// picture keeps its place).
pub fn map_selector(ui: &mut Ui, maps: &mut SkyMaps) {
    // A fixed width, the longest name shortened: a wider heading row would widen the panel.
    let shown = match maps.kind {
        MapKind::PostBorn => "geo − Born",
        kind => kind.label(),
    };
    egui::ComboBox::from_id_salt("sky-map")
        .width(84.0)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for kind in MapKind::ALL {
                ui.selectable_value(&mut maps.kind, kind, kind.label())
                    .on_hover_text(hover(kind));
            }
        })
        .response
        .on_hover_text("what the image shows: the picture or a map of the same field");
}

fn hover(kind: MapKind) -> &'static str {
    match kind {
        MapKind::Picture => "the lensed source",
        MapKind::Convergence => "κ from each pixel's bundle of four geodesics",
        MapKind::Shear => "|γ|; whiskers along the direction images are stretched",
        MapKind::Magnification => "|μ| = 1/|det A| of the same bundles",
        MapKind::Delay => "arrival time minus the earliest in the field, days",
        MapKind::Redshift => "z at the source plane",
        MapKind::PostBorn => "geodesic κ − Born κ along the unperturbed lines",
    }
}

/// A map's values and its lattice size: the bundles' for all but the delay, which is the
/// picture's own. None while the bundles are not there.
pub fn map_values(
    kind: MapKind,
    maps: Option<&MapSet>,
    image: &LensedImage,
) -> Option<(Vec<f64>, usize)> {
    if kind == MapKind::Delay {
        let earliest = image
            .map
            .beta
            .iter()
            .zip(&image.map.arrival_s)
            .filter(|(b, _)| b[0].is_finite())
            .map(|(_, t)| *t)
            .fold(f64::INFINITY, f64::min);
        let delay = image
            .map
            .beta
            .iter()
            .zip(&image.map.arrival_s)
            .map(|(b, t)| {
                if b[0].is_finite() {
                    (t - earliest) / DAY_S
                } else {
                    f64::NAN
                }
            });
        return Some((delay.collect(), image.sky.size));
    }
    let m = maps?;
    let values = match kind {
        MapKind::Convergence => m.convergence.clone(),
        MapKind::Shear => m.shear.iter().map(|g| g[0].hypot(g[1])).collect(),
        MapKind::Magnification => m.magnification.clone(),
        MapKind::Redshift => m.redshift.clone(),
        MapKind::PostBorn => m.post_born_convergence(),
        MapKind::Picture | MapKind::Delay => return None,
    };
    Some((values, m.sky.size))
}

/// The texture of the map on screen and what it was made from.
#[derive(Default)]
pub struct MapTexture {
    handle: Option<TextureHandle>,
    key: Option<(MapKind, usize, usize)>,
    scale: Option<MapScale>,
}

/// Draws the chosen map over `rect` (with the shear's whiskers); returns its scale, or None
/// with a line saying why there is no map yet.
pub fn draw_map(
    painter: &egui::Painter,
    rect: Rect,
    maps: &SkyMaps,
    rendered: &RenderedImage,
    tex: &mut MapTexture,
) -> Option<MapScale> {
    let kind = maps.kind;
    let set = maps.of(&rendered.model);
    // Keyed by what the values come from: the bundles (their address) or the image (the delay).
    let source = match kind {
        MapKind::Delay => std::sync::Arc::as_ptr(&rendered.image) as usize,
        _ => set.map_or(0, |s| s as *const MapSet as usize),
    };
    let waiting = kind.needs_bundles() && set.is_none();
    if waiting {
        let why = match maps.computing_s() {
            Some(s) => format!("tracing the map's bundles… {s:.1} s"),
            None => "the map comes with the refined image".into(),
        };
        // The seconds count on while the window would otherwise idle: once a second, as a
        // frame of software rendering takes the cores the bundles are traced on.
        painter
            .ctx()
            .request_repaint_after(std::time::Duration::from_secs(1));
        painter.rect_filled(rect, 0.0, Color32::from_black_alpha(200));
        painter.text(
            rect.center_top() + Vec2::new(0.0, 24.0),
            egui::Align2::CENTER_TOP,
            why,
            egui::FontId::proportional(13.0),
            Color32::WHITE,
        );
        return None;
    }
    // The values are derived and coloured once per map, not per frame.
    if tex.key.is_none_or(|(k, src, _)| (k, src) != (kind, source)) || tex.handle.is_none() {
        let (values, size) = map_values(kind, set, &rendered.image)?;
        let scale = MapScale::of(kind, &values)?;
        let pixels: Vec<Color32> = values.iter().map(|v| scale.colour(*v)).collect();
        let image = egui::ColorImage::new([size, size], pixels);
        match &mut tex.handle {
            Some(h) => h.set(image, egui::TextureOptions::NEAREST),
            None => {
                tex.handle = Some(painter.ctx().load_texture(
                    "sky-map",
                    image,
                    egui::TextureOptions::NEAREST,
                ))
            }
        }
        tex.key = Some((kind, source, size));
        tex.scale = Some(scale);
    }
    if let Some(h) = &tex.handle {
        let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
        painter.image(h.id(), rect, uv, Color32::WHITE);
    }
    if let (MapKind::Shear, Some(m)) = (kind, set) {
        whiskers(painter, rect, m);
    }
    tex.scale
}

/// Sticks along the direction each sample's shear stretches images: angle ½·atan2(γ2, γ1)
/// from the image's +x axis (A's least eigenvector), length ∝ |γ| with a cell's width at the
/// 95th percentile of the samples; longer ones stop at the cell's width, as the bar says.
fn whiskers(painter: &egui::Painter, rect: Rect, m: &MapSet) {
    let n = m.sky.size;
    let step = (n / WHISKERS_PER_SIDE).max(1);
    let samples: Vec<(usize, usize)> = (step / 2..n)
        .step_by(step)
        .flat_map(|j| (step / 2..n).step_by(step).map(move |i| (i, j)))
        .collect();
    let mut sizes: Vec<f64> = samples
        .iter()
        .map(|&(i, j)| m.shear[j * n + i])
        .map(|g| g[0].hypot(g[1]))
        .filter(|g| g.is_finite())
        .collect();
    if sizes.is_empty() {
        return;
    }
    sizes.sort_by(f64::total_cmp);
    let reference = sizes[((sizes.len() - 1) as f64 * 0.95).round() as usize];
    let cell = rect.width() * step as f32 / n as f32;
    for (i, j) in samples {
        let g = m.shear[j * n + i];
        let size = g[0].hypot(g[1]);
        if !(size.is_finite() && reference > 0.0) {
            continue;
        }
        let length = cell * 0.9 * (size / reference).min(1.0) as f32;
        let angle = 0.5 * g[1].atan2(g[0]);
        // Screen y points down, the image's +y up.
        let half = Vec2::new(angle.cos() as f32, -(angle.sin() as f32)) * 0.5 * length;
        let c = rect.min
            + Vec2::new((i as f32 + 0.5) / n as f32, (j as f32 + 0.5) / n as f32) * rect.width();
        painter.line_segment([c - half, c + half], Stroke::new(1.5, Color32::WHITE));
    }
}

/// The colour bar under the map: the scale's colours, its ends and what they mean.
pub fn colour_bar(ui: &mut Ui, width: f32, kind: MapKind, scale: &MapScale, maps: Option<&MapSet>) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 10.0), Sense::hover());
    let steps = 64;
    for s in 0..steps {
        let t = s as f64 / (steps - 1) as f64;
        let end = scale.lo + t * (scale.hi - scale.lo);
        let value = if scale.log { 10f64.powf(end) } else { end };
        let x0 = rect.left() + rect.width() * s as f32 / steps as f32;
        let x1 = rect.left() + rect.width() * (s + 1) as f32 / steps as f32;
        let r = Rect::from_min_max(Pos2::new(x0, rect.top()), Pos2::new(x1, rect.bottom()));
        ui.painter().rect_filled(r, 0.0, scale.colour(value));
    }
    ui.horizontal(|ui| {
        let [lo, hi] = scale.labels();
        ui.small(lo);
        ui.add_space((width - 150.0).max(0.0));
        ui.small(hi);
    });
    let unit = match kind {
        MapKind::Delay => " [days]",
        _ => "",
    };
    let how = if scale.log { "log scale" } else { "linear" };
    let whisker = if kind == MapKind::Shear {
        "; whiskers: stretch direction, a cell's width at the 95th percentile of |γ| (longer ones stop there)"
    } else {
        ""
    };
    ui.small(format!(
        "{}{unit}: {how}, 1st–99th percentile; beyond takes the end colours{whisker}",
        kind.label()
    ));
    if let Some(m) = maps.filter(|_| kind.needs_bundles()) {
        let n = m.sky.size;
        ui.small(format!(
            "{n}² pixels, each 4 geodesics and 4 Born lines, in {:.1} s",
            m.elapsed_s
        ));
    }
}
