//! Butcher tableaus (Dormand & Prince 1980; Hairer–Nørsett–Wanner I, §II.5 and §II.6).

/// DOPRI5 nodes cᵢ.
pub const C: [f64; 7] = [0.0, 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0, 1.0, 1.0];

/// DOPRI5 coefficients aᵢⱼ (lower triangle, row i has i entries).
pub const A: [[f64; 6]; 7] = [
    [0.0; 6],
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [
        19372.0 / 6561.0,
        -25360.0 / 2187.0,
        64448.0 / 6561.0,
        -212.0 / 729.0,
        0.0,
        0.0,
    ],
    [
        9017.0 / 3168.0,
        -355.0 / 33.0,
        46732.0 / 5247.0,
        49.0 / 176.0,
        -5103.0 / 18656.0,
        0.0,
    ],
    [
        35.0 / 384.0,
        0.0,
        500.0 / 1113.0,
        125.0 / 192.0,
        -2187.0 / 6784.0,
        11.0 / 84.0,
    ],
];

/// 5th-order weights (propagated; equal to the last row of A: first same as last).
pub const B5: [f64; 7] = [
    35.0 / 384.0,
    0.0,
    500.0 / 1113.0,
    125.0 / 192.0,
    -2187.0 / 6784.0,
    11.0 / 84.0,
    0.0,
];

/// Embedded 4th-order weights.
pub const B4: [f64; 7] = [
    5179.0 / 57600.0,
    0.0,
    7571.0 / 16695.0,
    393.0 / 640.0,
    -92097.0 / 339200.0,
    187.0 / 2100.0,
    1.0 / 40.0,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Catches typos like the seed's Fehlberg weight (665/1287 for 6656/12825, Σb = 0.99772).
    #[test]
    fn order_conditions_hold() {
        for (i, row) in A.iter().enumerate() {
            let sum: f64 = row.iter().sum();
            assert!(
                (sum - C[i]).abs() < 1e-15,
                "row {i}: Σa = {sum}, c = {}",
                C[i]
            );
        }
        for b in [B5, B4] {
            for (p, want) in [(0, 1.0), (1, 0.5), (2, 1.0 / 3.0), (3, 0.25)] {
                let s: f64 = b.iter().zip(C.iter()).map(|(b, c)| b * c.powi(p)).sum();
                assert!((s - want).abs() < 1e-15, "Σ b c^{p} = {s}");
            }
        }
    }
}
