//! What the window hands out besides its picture on screen: a screenshot after a scripted
//! sequence ([`screenshot`]) and a line per run, re-shade and image in a log file ([`log`]).

pub mod log;
pub mod screenshot;
