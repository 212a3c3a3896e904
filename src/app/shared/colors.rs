//! Colour maps of the scene: viridis (perceptually uniform, from `colorous`) for continuous
//! values, a fixed palette per end reason, and ranges rounded so streaming rays rarely
//! recolour the scene.

use crate::integrate::EndReason;

/// The picked pixel and its geodesic on the sky panel (magenta, as in the 3-D view).
pub const PICK: bevy_egui::egui::Color32 = bevy_egui::egui::Color32::from_rgb(255, 80, 220);

/// Viridis at t ∈ [0, 1] (clamped; NaN → 0), as sRGB in [0, 1].
pub fn colormap(t: f64) -> [f32; 3] {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let c = colorous::VIRIDIS.eval_continuous(t);
    [c.r, c.g, c.b].map(|v| v as f32 / 255.0)
}

/// A fixed colour per end reason (Tableau 10, by the reason's code).
pub fn end_reason_color(e: EndReason) -> [f32; 3] {
    let c = colorous::TABLEAU10[e.code() as usize % colorous::TABLEAU10.len()];
    [c.r, c.g, c.b].map(|v| v as f32 / 255.0)
}

/// Rounds a positive range end up to 1, 2 or 5 × 10ⁿ, so streaming rays rarely change it
/// (each change recolours every ray).
pub fn nice_ceiling(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// A round length (1, 2 or 5 × 10ⁿ) at most `x`: scale bars and tick steps.
pub fn nice_length(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v <= x)
        .unwrap_or(p)
}

/// The sky's caustics (orange) and the images of the source centre and the source (yellow).
pub const CAUSTIC: bevy_egui::egui::Color32 = bevy_egui::egui::Color32::from_rgb(255, 150, 60);
pub const IMAGE_MARK: bevy_egui::egui::Color32 = bevy_egui::egui::Color32::from_rgb(255, 230, 60);

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn legend_ranges_round_up_to_one_two_five() {
        assert_eq!(nice_ceiling(0.37), 0.5);
        assert_eq!(nice_ceiling(1.2), 2.0);
        assert_eq!(nice_ceiling(5.0), 5.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
    }

    /// Viridis runs from dark purple to yellow with rising lightness; out-of-range values clamp.
    #[test]
    fn the_colour_map_is_viridis_ordered_by_lightness() {
        let luma = |c: [f32; 3]| 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        let samples: Vec<f32> = (0..=20).map(|i| luma(colormap(i as f64 / 20.0))).collect();
        assert!(samples.windows(2).all(|w| w[1] > w[0]), "{samples:?}");
        let (lo, hi) = (colormap(0.0), colormap(1.0));
        assert!(lo[2] > lo[1] && hi[0] > 0.9 && hi[1] > 0.85 && hi[2] < 0.2);
        assert_eq!(colormap(-3.0), lo);
        assert_eq!(colormap(f64::NAN), lo);
        assert_eq!(colormap(7.0), hi);
    }

    #[test]
    fn the_common_end_reasons_have_distinct_colours() {
        let colours: Vec<[f32; 3]> = EndReason::VARIANTS[..10]
            .iter()
            .map(|e| end_reason_color(*e))
            .collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
