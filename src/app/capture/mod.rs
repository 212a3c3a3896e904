//! What the window hands out besides its picture on screen: a screenshot after a scripted
//! sequence ([`screenshot`]), a recording of the window as GIF or MP4 from the Record button
//! ([`record`]) or from a scripted sweep of one key ([`animate`]), the light curve's plot as a
//! PNG ([`plot_png`]), and a line per run, re-shade and image in a log file ([`log`]).

pub mod animate;
pub mod log;
pub mod plot_png;
pub mod record;
pub mod screenshot;
