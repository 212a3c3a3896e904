//! Flat ΛCDM: η(a) tabulated in s = √a with 8-point Gauss–Legendre per interval, and its
//! inverse by binary search, a cubic Hermite start and Newton polish.

use super::expansion::{CosmologyError, Expansion};
use crate::units::hubble_per_s;

/// Flat ΛCDM with tabulated η(s), s = √a.
#[derive(Debug, Clone)]
pub struct Lcdm {
    pub expansion: Expansion,
    ds: f64,
    /// η at s = k·ds [s].
    eta_table_s: Vec<f64>,
    eta0_s: f64,
}

/// Largest tabulated scale factor (slightly above the observer's a = 1).
pub const A_TABLE_MAX: f64 = 1.05;
const TABLE_INTERVALS: usize = 2048;

const GL8_X: [f64; 8] = [
    -0.960_289_856_497_536_3,
    -0.796_666_477_413_626_7,
    -0.525_532_409_916_329,
    -0.183_434_642_495_649_8,
    0.183_434_642_495_649_8,
    0.525_532_409_916_329,
    0.796_666_477_413_626_7,
    0.960_289_856_497_536_3,
];
const GL8_W: [f64; 8] = [
    0.101_228_536_290_376_26,
    0.222_381_034_453_374_47,
    0.313_706_645_877_887_3,
    0.362_683_783_378_362,
    0.362_683_783_378_362,
    0.313_706_645_877_887_3,
    0.222_381_034_453_374_47,
    0.101_228_536_290_376_26,
];

impl Lcdm {
    /// Checks each parameter against its own range (finite, H0 in (0, 1000] km/s/Mpc, each Ω in
    /// [0, 1]); also applied where the background is not used (static), so a config never
    /// carries a meaningless value.
    pub fn check_ranges(
        h0_km_s_mpc: f64,
        omega_m: f64,
        omega_lambda: f64,
        omega_r: f64,
    ) -> Result<(), CosmologyError> {
        let check = |key: &'static str, value: f64, ok: bool, allowed: &'static str| {
            if ok && value.is_finite() {
                Ok(())
            } else {
                Err(CosmologyError::Invalid {
                    key,
                    value,
                    allowed,
                })
            }
        };
        check(
            "h0_km_s_mpc",
            h0_km_s_mpc,
            h0_km_s_mpc > 0.0 && h0_km_s_mpc <= 1000.0,
            "a number in (0, 1000] km/s/Mpc",
        )?;
        check(
            "omega_m",
            omega_m,
            (0.0..=1.0).contains(&omega_m),
            "a number in [0, 1]",
        )?;
        check(
            "omega_r",
            omega_r,
            (0.0..=1.0).contains(&omega_r),
            "a number in [0, 1]",
        )?;
        check(
            "omega_lambda",
            omega_lambda,
            (0.0..=1.0).contains(&omega_lambda),
            "a number in [0, 1]",
        )?;
        Ok(())
    }

    /// Checks the parameters without building the η(a) table (what config validation needs):
    /// each in its range, a flat universe, and a big bang to start η from.
    pub fn check_parameters(
        h0_km_s_mpc: f64,
        omega_m: f64,
        omega_lambda: f64,
        omega_r: f64,
    ) -> Result<(), CosmologyError> {
        Lcdm::check_ranges(h0_km_s_mpc, omega_m, omega_lambda, omega_r)?;
        let sum = omega_m + omega_r + omega_lambda;
        if (sum - 1.0).abs() > 1e-9 {
            return Err(CosmologyError::NotFlat { sum });
        }
        if omega_m + omega_r <= 0.0 {
            return Err(CosmologyError::Invalid {
                key: "omega_m",
                value: omega_m,
                allowed: "Ωm + Ωr > 0 (a pure-Λ universe has no big bang for η to start from)",
            });
        }
        Ok(())
    }

    /// Checks the parameters, then tabulates η(a) (to 1e-12, by Gauss–Legendre quadrature).
    pub fn new(
        h0_km_s_mpc: f64,
        omega_m: f64,
        omega_lambda: f64,
        omega_r: f64,
    ) -> Result<Self, CosmologyError> {
        Lcdm::check_parameters(h0_km_s_mpc, omega_m, omega_lambda, omega_r)?;
        let expansion = Expansion {
            h0_per_s: hubble_per_s(h0_km_s_mpc),
            omega_m,
            omega_r,
            omega_lambda,
            is_static: false,
        };
        let s_max = A_TABLE_MAX.sqrt();
        let ds = s_max / TABLE_INTERVALS as f64;
        let mut lcdm = Lcdm {
            expansion,
            ds,
            eta_table_s: Vec::with_capacity(TABLE_INTERVALS + 1),
            eta0_s: 0.0,
        };
        let mut eta = 0.0;
        lcdm.eta_table_s.push(0.0);
        for k in 0..TABLE_INTERVALS {
            let s0 = k as f64 * ds;
            eta += lcdm.integral(s0, s0 + ds);
            lcdm.eta_table_s.push(eta);
        }
        lcdm.eta0_s = lcdm.eta_of_s(1.0);
        Ok(lcdm)
    }

    /// dη/ds = (2/H0) · s/√(Ωr + Ωm s² + ΩΛ s⁸).
    fn deta_ds(&self, s: f64) -> f64 {
        let e = &self.expansion;
        if s == 0.0 {
            return if e.omega_r > 0.0 {
                0.0
            } else {
                2.0 / (e.h0_per_s * e.omega_m.sqrt())
            };
        }
        let s2 = s * s;
        2.0 / e.h0_per_s / (e.omega_r / s2 + e.omega_m + e.omega_lambda * s2 * s2 * s2).sqrt()
    }

    /// ∫ dη/ds ds over [s0, s1] with 8-point Gauss–Legendre.
    fn integral(&self, s0: f64, s1: f64) -> f64 {
        let half = 0.5 * (s1 - s0);
        let mid = 0.5 * (s1 + s0);
        let mut sum = 0.0;
        for (x, w) in GL8_X.iter().zip(GL8_W.iter()) {
            sum += w * self.deta_ds(mid + half * x);
        }
        sum * half
    }

    fn eta_of_s(&self, s: f64) -> f64 {
        let k = ((s / self.ds) as usize).min(TABLE_INTERVALS - 1);
        let s0 = k as f64 * self.ds;
        self.eta_table_s[k] + self.integral(s0, s)
    }

    /// η at the observer (a = 1) [s].
    pub fn eta0_s(&self) -> f64 {
        self.eta0_s
    }

    /// η(a) [s], relative error at round-off.
    pub fn eta_of_a(&self, a: f64) -> Result<f64, CosmologyError> {
        if !(0.0..=A_TABLE_MAX).contains(&a) {
            return Err(CosmologyError::ScaleFactorOutOfRange {
                a,
                max: A_TABLE_MAX,
            });
        }
        Ok(self.eta_of_s(a.sqrt()))
    }

    /// a(η): binary search, Hermite start, two Newton steps; queries outside the table are errors.
    pub fn a_of_eta(&self, eta_s: f64) -> Result<f64, CosmologyError> {
        let max_s = *self.eta_table_s.last().expect("table is never empty");
        if !(0.0..=max_s).contains(&eta_s) {
            return Err(CosmologyError::EtaOutOfRange { eta_s, max_s });
        }
        let k = match self.eta_table_s.partition_point(|&e| e <= eta_s) {
            0 => 0,
            p => (p - 1).min(TABLE_INTERVALS - 1),
        };
        let (s0, s1) = (k as f64 * self.ds, (k + 1) as f64 * self.ds);
        let (e0, e1) = (self.eta_table_s[k], self.eta_table_s[k + 1]);
        let h = e1 - e0;
        let t = (eta_s - e0) / h;
        let (m0, m1) = (h / self.deta_ds(s0), h / self.deta_ds(s1));
        let (t2, t3) = (t * t, t * t * t);
        let mut s = (2.0 * t3 - 3.0 * t2 + 1.0) * s0
            + (t3 - 2.0 * t2 + t) * m0
            + (-2.0 * t3 + 3.0 * t2) * s1
            + (t3 - t2) * m1;
        for _ in 0..2 {
            let slope = self.deta_ds(s);
            if slope > 0.0 {
                s -= (self.eta_of_s(s) - eta_s) / slope;
            }
        }
        Ok(s * s)
    }

    /// Comoving distance from the observer to scale factor a: χ = c(η0 − η(a)) [m].
    pub fn comoving_distance_m(&self, a: f64) -> Result<f64, CosmologyError> {
        Ok(crate::units::C_M_S * (self.eta0_s - self.eta_of_a(a)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosmology::CosmologyError;
    use crate::units::MPC_M;

    fn planck_like() -> Lcdm {
        Lcdm::new(70.0, 0.3, 0.7, 0.0).unwrap()
    }

    #[test]
    fn v1_eta0_matches_reference() {
        let l = planck_like();
        let h0 = l.expansion.h0_per_s;
        assert!((h0 / 2.268_545_503_0e-18 - 1.0).abs() < 1e-10);
        assert!(
            (h0 * l.eta0_s() / 3.305_075_83 - 1.0).abs() < 1e-8,
            "{}",
            h0 * l.eta0_s()
        );
        assert!((l.eta0_s() / 1.456_914_055_3e18 - 1.0).abs() < 1e-10);
    }

    #[test]
    fn v1_eta_of_a_reference_values() {
        let l = planck_like();
        for (a, eta) in [
            (0.5, 1.116_860_454_7e18),
            (0.25, 8.027_416_257_3e17),
            (0.1, 5.089_200_405_6e17),
        ] {
            let got = l.eta_of_a(a).unwrap();
            assert!((got / eta - 1.0).abs() < 1e-10, "a={a}: {got} vs {eta}");
        }
    }

    #[test]
    fn v1_a_of_eta_reference_values() {
        let l = planck_like();
        let eta0 = l.eta0_s();
        for (f, a) in [
            (0.5, 0.205_404_262_5),
            (0.9, 0.734_631_640_0),
            (0.99, 0.967_771_263_3),
        ] {
            let got = l.a_of_eta(f * eta0).unwrap();
            assert!((got - a).abs() < 6e-11, "f={f}: {got} vs {a}");
        }
        assert!((l.a_of_eta(eta0).unwrap() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn inversion_is_accurate_to_1e_12_everywhere() {
        let l = planck_like();
        for i in 1..2000 {
            let a = i as f64 * 1.04 / 2000.0;
            let eta = l.eta_of_a(a).unwrap();
            let back = l.a_of_eta(eta).unwrap();
            assert!((back / a - 1.0).abs() <= 1e-12, "a={a}: back={back}");
        }
    }

    #[test]
    fn hubble_and_its_derivatives() {
        let l = planck_like();
        let e = l.expansion;
        assert!((e.conformal_hubble(1.0) / e.h0_per_s - 1.0).abs() < 1e-15);
        assert!((e.conformal_hubble_rate(1.0) / 2.830_464e-36 - 1.0).abs() < 1e-6);
        // da/dη against a centred difference of the independent a(η) inversion.
        for a in [0.2, 0.5, 0.9] {
            let eta = l.eta_of_a(a).unwrap();
            let d = 1e13;
            let fd = (l.a_of_eta(eta + d).unwrap() - l.a_of_eta(eta - d).unwrap()) / (2.0 * d);
            assert!((fd / e.da_deta(a) - 1.0).abs() < 1e-7, "a={a}");
            // dℋ/dη against a difference of ℋ(a(η)).
            let fh = (e.conformal_hubble(l.a_of_eta(eta + d).unwrap())
                - e.conformal_hubble(l.a_of_eta(eta - d).unwrap()))
                / (2.0 * d);
            assert!(
                (fh / e.conformal_hubble_rate(a) - 1.0).abs() < 1e-6,
                "a={a}"
            );
        }
    }

    #[test]
    fn matter_only_has_closed_form() {
        // Einstein–de Sitter: η = 2√a/H0.
        let l = Lcdm::new(70.0, 1.0, 0.0, 0.0).unwrap();
        let h0 = l.expansion.h0_per_s;
        for a in [0.01, 0.3, 1.0] {
            assert!((l.eta_of_a(a).unwrap() * h0 / (2.0 * a.sqrt()) - 1.0).abs() < 1e-13);
        }
        // Radiation only: η = a/H0.
        let r = Lcdm::new(70.0, 0.0, 0.0, 1.0).unwrap();
        assert!((r.eta_of_a(0.7).unwrap() * h0 / 0.7 - 1.0).abs() < 1e-13);
    }

    #[test]
    fn comoving_distance_reference() {
        // V2: z = 0.2478458955 at χ = 1000 Mpc.
        let l = planck_like();
        let a = 1.0 / 1.247_845_895_5;
        assert!((l.comoving_distance_m(a).unwrap() / MPC_M / 1000.0 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(matches!(
            Lcdm::new(70.0, 0.3, 0.6, 0.0),
            Err(CosmologyError::NotFlat { .. })
        ));
        assert!(matches!(
            Lcdm::new(-1.0, 0.3, 0.7, 0.0),
            Err(CosmologyError::Invalid {
                key: "h0_km_s_mpc",
                ..
            })
        ));
        assert!(matches!(
            Lcdm::new(70.0, f64::NAN, 0.7, 0.0),
            Err(CosmologyError::Invalid { .. })
        ));
        let l = planck_like();
        assert!(l.a_of_eta(-1.0).is_err());
        assert!(l.a_of_eta(1e30).is_err());
        assert!(l.eta_of_a(2.0).is_err());
    }
}
