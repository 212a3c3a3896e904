//! Display-only settings (changing them never re-traces) and the ray selection.

use crate::config::{RunConfig, Theme, ViewLayout};
use bevy::prelude::*;

/// What a trajectory's colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
pub enum ColorBy {
    /// 1/a − 1 along the ray: the cosmological redshift reached at each point.
    #[strum(serialize = "redshift 1/a − 1")]
    Redshift,
    /// Total deflection of the finished ray [arcsec].
    #[strum(serialize = "deflection [arcsec]")]
    Deflection,
    /// Largest null-condition error of the finished ray.
    #[strum(serialize = "null error (max)")]
    NullError,
    #[strum(serialize = "end reason")]
    EndReason,
}

impl ColorBy {
    pub fn label(self) -> &'static str {
        self.into()
    }
}

/// What the slice shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SliceShows {
    /// |Φ|/c² of the field traced (any potential).
    #[default]
    Potential,
    /// ρ/ρ̄ of the snapshot a particles run solves from (`app/scene/density.rs`).
    Density,
}

/// How the scene is drawn.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Display {
    pub color_by: ColorBy,
    /// Axis normal to the potential slice (0 = x, 1 = y, 2 = z) and its position [Mpc]; NaN
    /// puts it through the first lens (or the box centre).
    pub slice_axis: usize,
    pub slice_position_mpc: f64,
    pub slice_shows: SliceShows,
    pub show_lenses: bool,
    pub show_slice: bool,
    pub show_rays: bool,
    pub show_box: bool,
    pub show_cone: bool,
    pub show_axes: bool,
    /// Factor on each ray's transverse offset from its unlensed line; 1 = true geometry.
    pub exaggeration: f64,
}

impl Default for Display {
    fn default() -> Self {
        Display {
            color_by: ColorBy::Redshift,
            slice_axis: 2,
            slice_position_mpc: f64::NAN,
            slice_shows: SliceShows::Potential,
            show_lenses: true,
            show_slice: true,
            show_rays: true,
            show_box: true,
            show_cone: true,
            show_axes: true,
            exaggeration: 1.0,
        }
    }
}

impl Display {
    /// Where the slice sits in `config`: the chosen position, or the first lens / box centre.
    pub fn slice_position_mpc(&self, config: &RunConfig) -> f64 {
        if self.slice_position_mpc.is_finite() {
            return self.slice_position_mpc;
        }
        match config.lenses.first() {
            Some(l) => l.center_mpc[self.slice_axis],
            None => {
                let p = &config.potential;
                p.origin_mpc[self.slice_axis] + 0.5 * p.size_mpc
            }
        }
    }
}

/// The ray under the cursor and the ray clicked (indices into the rays on screen).
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Selection {
    pub hovered_ray: Option<usize>,
    pub selected_ray: Option<usize>,
}

/// How the window presents itself: the research or teaching layout (teaching: the image panel
/// open, research controls folded away) and the theme. Starts from the config's `[view]`.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct Presentation {
    pub layout: ViewLayout,
    pub theme: Theme,
}

impl Presentation {
    pub fn teaching(&self) -> bool {
        self.layout == ViewLayout::Teaching
    }
}

/// The display settings and the selection.
pub struct DisplayPlugin;

impl Plugin for DisplayPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Display>()
            .init_resource::<Selection>()
            .init_resource::<Presentation>();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_slice_goes_through_the_first_lens_else_the_box_centre() {
        let mut c = RunConfig::default();
        c.potential.origin_mpc = [0.0, 0.0, -100.0];
        c.potential.size_mpc = 1000.0;
        let d = Display::default();
        assert_eq!(d.slice_position_mpc(&c), 400.0);
        c.lenses.push(Default::default());
        c.lenses[0].center_mpc = [1.0, 2.0, 3.0];
        assert_eq!(d.slice_position_mpc(&c), 3.0);
        let chosen = Display {
            slice_position_mpc: 7.5,
            ..Display::default()
        };
        assert_eq!(chosen.slice_position_mpc(&c), 7.5);
    }
}
