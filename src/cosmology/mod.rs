//! Background cosmology: flat ΛCDM a(η), η(a), ℋ(a), or a static background (a ≡ 1).
//!
//! η(a) is tabulated in s = √a, where a²E(a) = √(Ωr + Ωm s² + ΩΛ s⁸) removes the a^(-1/2)
//! endpoint behaviour, so 8-point Gauss–Legendre per interval reaches round-off. Inversion is a
//! binary search, a cubic Hermite start with the exact slope, and Newton polish (physics.md §2).
//! The origin is η(a→0) = 0 and the observer sits at a = 1 exactly.

mod background;
mod expansion;
mod growth;
mod lcdm;

pub use background::Background;
pub use expansion::{CosmologyError, Expansion};
pub use growth::Growth;
pub use lcdm::{Lcdm, A_TABLE_MAX};
