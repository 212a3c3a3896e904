//! The lensed sky: the images rendered for each run and the picked pixel's geodesic
//! ([`view`]), the panel that shows them ([`panel`]) with its angular scale ([`axes`]), its
//! source-plane inset ([`inset`]), its readouts ([`readouts`]) and the light curve of a source
//! moved along a path ([`light_curve`]).

pub mod axes;
pub mod inset;
pub mod light_curve;
pub mod panel;
pub mod readouts;
pub mod view;
