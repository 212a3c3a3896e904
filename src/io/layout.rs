//! The run-file layout's fixed parts: column names and units, conventions, and the per-ray
//! observables stored under `observables/`.

use crate::integrate::EndReason;
use crate::observables::Observables;

/// Column names of a state row.
pub const COLUMNS: [&str; 14] = [
    "eta",
    "x",
    "y",
    "z",
    "u0",
    "ux",
    "uy",
    "uz",
    "a",
    "phi",
    "dphi_dx",
    "dphi_dy",
    "dphi_dz",
    "dphi_deta",
];
/// Units of the columns.
pub const UNITS: [&str; 14] = [
    "s", "m", "m", "m", "1", "m/s", "m/s", "m/s", "1", "m^2/s^2", "m/s^2", "m/s^2", "m/s^2",
    "m^2/s^3",
];
pub const VELOCITY_CONVENTION: &str = "u0<0, u^i along line of sight";
pub const SOFTWARE: &str = concat!("excalibur ", env!("CARGO_PKG_VERSION"));

pub type Getter = fn(&Observables) -> f64;
pub type Setter = fn(&mut Observables, f64);

/// Scalar per-ray observables stored under `observables/`, with their dataset names.
pub const SCALAR_OBSERVABLES: [(&str, Getter, Setter); 14] = [
    (
        "deflection_rad",
        |o| o.deflection_rad,
        |o, v| o.deflection_rad = v,
    ),
    (
        "deflection_toward_lens_rad",
        |o| o.deflection_toward_lens_rad,
        |o, v| o.deflection_toward_lens_rad = v,
    ),
    (
        "impact_parameter_m",
        |o| o.impact_parameter_m,
        |o, v| o.impact_parameter_m = v,
    ),
    ("redshift", |o| o.redshift, |o, v| o.redshift = v),
    ("z_expansion", |o| o.z_expansion, |o, v| o.z_expansion = v),
    (
        "z_sachs_wolfe",
        |o| o.z_sachs_wolfe,
        |o, v| o.z_sachs_wolfe = v,
    ),
    ("z_isw", |o| o.z_isw, |o, v| o.z_isw = v),
    ("z_linear", |o| o.z_linear, |o, v| o.z_linear = v),
    (
        "time_delay_s",
        |o| o.time_delay_s,
        |o, v| o.time_delay_s = v,
    ),
    (
        "shapiro_delay_s",
        |o| o.shapiro_delay_s,
        |o, v| o.shapiro_delay_s = v,
    ),
    (
        "null_error_max",
        |o| o.null_error_max,
        |o, v| o.null_error_max = v,
    ),
    (
        "null_error_final",
        |o| o.null_error_final,
        |o, v| o.null_error_final = v,
    ),
    (
        "energy_drift",
        |o| o.energy_drift,
        |o, v| o.energy_drift = v,
    ),
    (
        "path_length_m",
        |o| o.path_length_m,
        |o, v| o.path_length_m = v,
    ),
];

/// End-reason labels in code order.
pub fn end_reason_labels() -> Vec<&'static str> {
    use strum::VariantArray;
    EndReason::VARIANTS.iter().map(|e| e.label()).collect()
}
