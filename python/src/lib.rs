//! `excalibur._native`: the library from Python (interface.md §8). The package
//! `excalibur/__init__.py` re-exports these names; the stubs are in `excalibur/__init__.pyi`.
//!
//! Everything that traces runs on its own thread with the GIL released (`wait.rs`), so a
//! notebook stays responsive and Ctrl-C cancels through the library's cancel flag. Nothing here
//! panics on bad input: every library error becomes a Python exception.

mod config;
mod errors;
mod image;
mod run;
mod values;
mod wait;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ConfigError", m.py().get_type::<errors::ConfigError>())?;
    m.add_class::<config::Config>()?;
    m.add_class::<run::Run>()?;
    m.add_class::<image::Image>()?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(run::read_run, m)?)?;
    m.add_function(wrap_pyfunction!(image::image, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
