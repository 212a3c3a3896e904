//! What every part of the window shares: the panel's requests ([`actions`]), where the panels
//! sit and the order of the systems in a frame ([`layout`]), display-only settings and the ray
//! selection ([`display`]), the colour maps ([`colors`]), label placement ([`labels`]) and the app's own cost per frame
//! ([`timings`]). Nothing here draws or traces.

pub mod actions;
pub mod colors;
pub mod display;
pub mod labels;
pub mod layout;
pub mod timings;
