//! Filling a grid's node values: one uninitialised allocation whose slabs are written in
//! parallel so that each page is first touched by the worker that fills it.
//!
//! The memory is not advised to use transparent huge pages (`MADV_HUGEPAGE`): on the 2-core
//! VMs here a huge page is served from the host's reclaimed memory far more slowly than 4 KiB
//! pages (a 512³ build in fresh memory took 3.1–3.7 s with the advice against 1.1–1.5 s
//! without, and 1.4–2.2 s against 0.9–1.0 s in memory just freed; the tracing speed on the
//! grid was the same, 13.4 against 13.2 M steps/s on 2 threads), so the system's own policy
//! decides. Nor are the pages faulted in ahead of the fill
//! (`MADV_POPULATE_WRITE`): with 4 KiB pages that measured the same (1.2–1.6 s against
//! 1.1–1.3 s fresh, 0.9–1.0 s both in memory just freed).

use super::bricks::{Bricks, BRICK};
use crate::lens::{Lens, Profile};
use rayon::prelude::*;

/// Fills a new grid's values (4 per node, in the order of `bricks`) slab of bricks by slab in
/// parallel: `fill(s, slab)` must write the values of every node of slab `s` (x planes 8s …
/// 8s + 7; `Bricks::index` minus `s · slab_nodes` gives a node's place in it). Allocation is
/// uninitialised so that pages are first touched by the worker that fills them (a serial
/// zero-fill of 2 GiB alone costs seconds); only a padded grid is zeroed first, for its padding.
/// `storage` is written over when its capacity is exactly the grid's (a rebuild of the same
/// size), and freed otherwise before the new memory is reserved. `None` when the memory cannot
/// be reserved.
pub(super) fn build_parallel<T: Copy + Send + Sync>(
    bricks: &Bricks,
    storage: Vec<T>,
    fill: impl Fn(usize, &mut [T]) + Sync,
) -> Option<Vec<T>> {
    let len = bricks.stored_nodes() * 4;
    let mut v = storage;
    v.clear();
    if v.capacity() != len {
        v = Vec::new();
        v.try_reserve_exact(len).ok()?;
    }
    v.spare_capacity_mut()[..len]
        .par_chunks_mut(bricks.slab_nodes() * 4)
        .enumerate()
        .for_each(|(s, slab)| {
            if bricks.padded() {
                // SAFETY: all-zero bytes are 0.0 for f32 and f64, the only grid scalars.
                unsafe { std::ptr::write_bytes(slab.as_mut_ptr(), 0, slab.len()) };
            }
            // SAFETY: MaybeUninit<T> and T have the same layout; `fill` writes every node of the
            // slab (the padding was zeroed above) before `set_len` below exposes it, and T
            // (f32/f64) has no drop glue.
            let slab =
                unsafe { std::slice::from_raw_parts_mut(slab.as_mut_ptr() as *mut T, slab.len()) };
            fill(s, slab);
        });
    // SAFETY: every slab of the reserved capacity was fully written above.
    unsafe { v.set_len(len) };
    Some(v)
}

/// The x planes of slab `s` that hold nodes (the last slab of a padded grid has fewer than 8).
pub(super) fn slab_planes(bricks: &Bricks, s: usize) -> std::ops::Range<usize> {
    s * BRICK..((s + 1) * BRICK).min(bricks.nodes()[0])
}

/// Writes slab `s` of bricks (see [`build_parallel`]) of the lens sum: Φ and ∇Φ at every node.
/// Compiled for AVX2 where the processor has it: one row of nodes (fixed x, y) at a time, lens
/// by lens, so the loop over the row has one profile in it and runs four nodes per
/// instruction; each node still sums its lenses in the same order, so the values do not depend
/// on the processor.
pub(super) fn fill_slab_from_lenses<T: Copy>(
    bricks: &Bricks,
    position: &impl Fn(usize, usize, usize) -> [f64; 3],
    to_t: fn(f64) -> T,
    lenses: &[Lens],
    s: usize,
    slab: &mut [T],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        #[target_feature(enable = "avx2")]
        fn avx2<T: Copy>(
            bricks: &Bricks,
            position: &impl Fn(usize, usize, usize) -> [f64; 3],
            to_t: fn(f64) -> T,
            lenses: &[Lens],
            s: usize,
            slab: &mut [T],
        ) {
            fill_slab(bricks, position, to_t, lenses, s, slab)
        }
        // SAFETY: the processor supports AVX2, checked just above.
        return unsafe { avx2(bricks, position, to_t, lenses, s, slab) };
    }
    fill_slab(bricks, position, to_t, lenses, s, slab)
}

#[inline(always)]
fn fill_slab<T: Copy>(
    bricks: &Bricks,
    position: &impl Fn(usize, usize, usize) -> [f64; 3],
    to_t: fn(f64) -> T,
    lenses: &[Lens],
    s: usize,
    slab: &mut [T],
) {
    let [_, ny, nz] = bricks.nodes();
    let slab_start = s * bricks.slab_nodes();
    let mut phi = vec![0.0; nz];
    let mut g = [vec![0.0; nz], vec![0.0; nz], vec![0.0; nz]];
    for i in slab_planes(bricks, s) {
        for j in 0..ny {
            phi.fill(0.0);
            g.iter_mut().for_each(|c| c.fill(0.0));
            for lens in lenses {
                // One copy of the loop per profile, so that each has no branch on the profile.
                macro_rules! row {
                    () => {
                        for k in 0..nz {
                            let (p, gl) = lens.phi_and_gradient(position(i, j, k));
                            phi[k] += p;
                            g[0][k] += gl[0];
                            g[1][k] += gl[1];
                            g[2][k] += gl[2];
                        }
                    };
                }
                match lens.profile {
                    Profile::Point => row!(),
                    Profile::UniformSphere { .. } => row!(),
                    Profile::Plummer { .. } => row!(),
                    Profile::Nfw { .. } | Profile::Sis { .. } => row!(),
                }
            }
            // The row's nodes lie in runs of 8 (one per brick along z), each contiguous.
            let row_start = bricks.offset(0, i) + bricks.offset(1, j) - slab_start;
            for k0 in (0..nz).step_by(BRICK) {
                let run = (nz - k0).min(BRICK);
                let at = (row_start + bricks.offset(2, k0)) * 4;
                for (q, node) in slab[at..at + 4 * run].chunks_exact_mut(4).enumerate() {
                    let k = k0 + q;
                    node[0] = to_t(phi[k]);
                    node[1] = to_t(g[0][k]);
                    node[2] = to_t(g[1][k]);
                    node[3] = to_t(g[2][k]);
                }
            }
        }
    }
}
