//! Physical constants and the one unit convention of the core.
//!
//! The core works in SI throughout (η in s, x in m, u⁰ dimensionless, uⁱ in m/s, Φ in m²/s²).
//! Configuration files use Mpc, M☉, km/s/Mpc and degrees; `config` converts them once, here.

/// Speed of light [m/s] (exact).
pub const C_M_S: f64 = 299_792_458.0;
/// c² [m²/s²].
pub const C2: f64 = C_M_S * C_M_S;
/// 1/c², so hot paths multiply instead of divide.
pub const INV_C2: f64 = 1.0 / C2;
/// Newton's constant [m³ kg⁻¹ s⁻²].
pub const G_SI: f64 = 6.674_30e-11;
/// Solar mass [kg].
pub const M_SUN_KG: f64 = 1.988_47e30;

/// Seconds in a day, for delays shown in days.
pub const DAY_S: f64 = 86_400.0;

/// Parsec [m].
pub const PC_M: f64 = 3.085_677_581e16;
/// Megaparsec [m].
pub const MPC_M: f64 = 3.085_677_581e22;
/// Julian year [s].
pub const YEAR_S: f64 = 31_557_600.0;
/// Gigayear [s].
pub const GYR_S: f64 = 3.155_76e16;

/// Hubble rate in km/s/Mpc → s⁻¹.
pub fn hubble_per_s(h0_km_s_mpc: f64) -> f64 {
    h0_km_s_mpc * 1000.0 / MPC_M
}

/// Mass in M☉ → GM [m³/s²].
pub fn gm_from_msun(mass_msun: f64) -> f64 {
    G_SI * mass_msun * M_SUN_KG
}

/// Schwarzschild radius 2GM/c² [m] of a mass in M☉.
pub fn schwarzschild_radius_m(mass_msun: f64) -> f64 {
    2.0 * gm_from_msun(mass_msun) / C2
}

/// Radians → arcseconds.
pub fn rad_to_arcsec(angle_rad: f64) -> f64 {
    angle_rad * 180.0 / std::f64::consts::PI * 3600.0
}

/// Small-angle-safe angle between two vectors: atan2(|a×b|, a·b) (arccos bottoms out near 1e-8).
pub fn angle_between(a: [f64; 3], b: [f64; 3]) -> f64 {
    let c = cross(a, b);
    norm(c).atan2(dot(a, b))
}

pub fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

pub fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub fn add(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

pub fn scale(a: [f64; 3], s: f64) -> [f64; 3] {
    [a[0] * s, a[1] * s, a[2] * s]
}

/// Unit vector along `a`; the caller guarantees |a| > 0.
pub fn normalize(a: [f64; 3]) -> [f64; 3] {
    scale(a, 1.0 / norm(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_lens_numbers_match_physics_md() {
        // physics.md §1: GM = 1.327165e35, r_s = 2.953339e18 m = 9.571121e-5 Mpc.
        let gm = gm_from_msun(1e15);
        assert!((gm / 1.327165e35 - 1.0).abs() < 1e-6);
        let rs = schwarzschild_radius_m(1e15);
        assert!((rs / 2.953339e18 - 1.0).abs() < 1e-6);
        assert!((rs / MPC_M / 9.571121e-5 - 1.0).abs() < 1e-6);
        assert!((hubble_per_s(70.0) / 2.268_545_503_0e-18 - 1.0).abs() < 1e-10);
    }

    #[test]
    fn tiny_angles_survive() {
        let a = [1.0, 0.0, 0.0];
        let b = [1.0, 1e-12, 0.0];
        assert!((angle_between(a, b) - 1e-12).abs() < 1e-24);
    }
}
