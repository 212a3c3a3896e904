//! The lensed sky: the images rendered for each run and the picked pixel's geodesic
//! ([`view`]), the panel that shows them ([`panel`]) with its angular scale ([`axes`]), its
//! source-plane inset ([`inset`]) and its readouts ([`readouts`]).

pub mod axes;
pub mod inset;
pub mod panel;
pub mod readouts;
pub mod view;
