//! The field interface (a static Φ₀ and its gradient at a point) and the exact fields behind
//! it: analytic lens sums and a uniform gradient.

use crate::lens::Lens;
use crate::units::{add, dot, sub};

/// Φ₀ [m²/s²] and ∇Φ₀ [m/s²] of the static part of a field at one point.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StaticSample {
    pub phi: f64,
    pub gradient: [f64; 3],
}

/// Φ₀ and ∇Φ₀ at the `L` points of a packet, component-major (the lanes of one component are
/// adjacent, as in `metric::Lanes`).
#[derive(Debug, Clone, Copy)]
pub struct StaticLanes<const L: usize> {
    pub phi: [f64; L],
    pub gradient: [[f64; L]; 3],
}

impl<const L: usize> Default for StaticLanes<L> {
    fn default() -> Self {
        StaticLanes {
            phi: [0.0; L],
            gradient: [[0.0; L]; 3],
        }
    }
}

/// A static potential Φ₀(x); time dependence is applied by the spacetime (Φ = g(η)Φ₀).
pub trait Field: Sync + Send {
    /// Φ₀ and ∇Φ₀ at the absolute position x [m]; `None` when x is outside the valid region.
    fn sample(&self, x_m: [f64; 3]) -> Option<StaticSample>;

    /// [`Self::sample`] at `L` positions at once (component-major), each lane bit for bit the
    /// same; a lane is false where `sample` gives None (its values are then meaningless). The
    /// default samples lane by lane; the grid overrides it to locate and weigh all lanes in
    /// SIMD registers.
    #[inline(always)]
    fn sample_lanes<const L: usize>(
        &self,
        x_m: &[[f64; L]; 3],
        out: &mut StaticLanes<L>,
    ) -> [bool; L] {
        // A plain loop: `array::from_fn` hides its closure behind calls the compiler did not
        // inline (measured: a fifth of an image's time).
        let mut valid = [false; L];
        for l in 0..L {
            if let Some(s) = self.sample([x_m[0][l], x_m[1][l], x_m[2][l]]) {
                out.phi[l] = s.phi;
                for i in 0..3 {
                    out.gradient[i][l] = s.gradient[i];
                }
                valid[l] = true;
            }
        }
        valid
    }
}

/// A uniform potential plus a uniform gradient: Φ = phi0 + g·(x − x_ref). Used by the validation
/// geometries (V4, Sachs–Wolfe and ISW checks); not reachable from config files.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UniformField {
    pub phi0: f64,
    pub gradient: [f64; 3],
    pub reference_m: [f64; 3],
}

/// Exact superposition of analytic lenses (and an optional uniform part): no grid, no memory.
#[derive(Debug, Clone, Default)]
pub struct AnalyticField {
    pub lenses: Vec<Lens>,
    pub uniform: Option<UniformField>,
}

impl Field for AnalyticField {
    #[inline(always)]
    fn sample(&self, x_m: [f64; 3]) -> Option<StaticSample> {
        let mut out = StaticSample::default();
        for lens in &self.lenses {
            let (phi, g) = lens.phi_and_gradient(x_m);
            out.phi += phi;
            out.gradient = add(out.gradient, g);
        }
        if let Some(u) = &self.uniform {
            out.phi += u.phi0 + dot(u.gradient, sub(x_m, u.reference_m));
            out.gradient = add(out.gradient, u.gradient);
        }
        Some(out)
    }
}

impl<F: Field> Field for &F {
    #[inline(always)]
    fn sample(&self, x_m: [f64; 3]) -> Option<StaticSample> {
        (**self).sample(x_m)
    }

    #[inline(always)]
    fn sample_lanes<const L: usize>(
        &self,
        x_m: &[[f64; L]; 3],
        out: &mut StaticLanes<L>,
    ) -> [bool; L] {
        (**self).sample_lanes(x_m, out)
    }
}
