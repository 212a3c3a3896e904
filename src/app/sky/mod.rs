//! The lensed sky: the images rendered for each run and the picked pixel's geodesic
//! ([`view`]), the panel that shows them ([`panel`]) with its angular scale ([`axes`]), its
//! source-plane inset ([`inset`]), its readouts ([`readouts`]) the light curve of a source
//! moved along a path ([`light_curve`]), and the map selector's κ/γ/μ/delay/z/post-Born maps
//! ([`maps`]) with their colour bars and whiskers ([`map_panel`]).

pub mod axes;
pub mod inset;
pub mod light_curve;
pub mod map_panel;
pub mod maps;
pub mod panel;
pub mod readouts;
pub mod view;
