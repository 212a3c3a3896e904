//! `excalibur map` (interface.md §7): a HEALPix map of κ, γ, ω, μ, deflection, z, delay and
//! the Born κ, γ, as a FITS table; and `merge` of its shards.

use super::args::MapArgs;
use super::commands::{base_dir, inputs_of, io_error, load, refuse_output};
use super::exit::bad_input;
use anyhow::Context;
use excalibur::budget::MemoryEstimate;
use excalibur::field::FieldCache;
use excalibur::lensing::{self, FitsHeader, MapPlace, Sky};
use excalibur::rays::Pattern;
use excalibur::setup::Model;
use excalibur::trace::resolve_threads;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Bytes a map holds per pixel of its shard: twelve columns, the pixel index and, for a disc,
/// its entry in the sorted pixel list.
const MAP_PIXEL_BYTES: u64 = 12 * 8 + 8 + 8;

/// `excalibur map`.
pub fn map(args: &MapArgs) -> anyhow::Result<()> {
    let config = load(&args.config, &args.sets)?;
    let pattern = Pattern::of(&config);
    if !matches!(pattern, Pattern::Healpix { .. }) {
        return Err(bad_input(anyhow::anyhow!(
            "{}: rays.pattern is {:?}; map needs \"healpix\" (with rays.nside and optionally rays.disc_deg)",
            args.config.display(),
            config.rays.pattern.as_ref()
        )));
    }
    let inputs = inputs_of(&args.config, &config);
    refuse_output(&args.output, args.force, &inputs)?;
    let npix_map = pattern.count() as u64;
    let disc = config.rays.disc_deg.is_some();
    let (index, count) = args.shard.unwrap_or((0, 1));
    let range =
        npix_map * index as u64 / count as u64..npix_map * (index as u64 + 1) / count as u64;
    // What the map will hold is checked before the field or the pixel list is made.
    let mut estimate = MemoryEstimate::of(&config);
    estimate.rays = range.end - range.start;
    estimate.rays_bytes = estimate.rays * MAP_PIXEL_BYTES + if disc { npix_map * 8 } else { 0 };
    let config_toml = config.to_toml();
    let threads = resolve_threads(args.threads.unwrap_or(config.threads));
    let dir = base_dir(&args.config);
    let model = Model::build_without_rays(config, &dir, &mut FieldCache::default(), estimate)
        .with_context(|| format!("{}: cannot set up the map", args.config.display()))
        .map_err(bad_input)?;
    let sky = pattern.healpix_sky().expect("a healpix pattern");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let cancel = AtomicBool::new(false);
    let start = Instant::now();
    let map = pool
        .install(|| lensing::trace_sphere_map(&model, &sky, range.clone(), &cancel))
        .context("the map was cancelled")?;
    let seconds = start.elapsed().as_secs_f64();
    let cards = FitsHeader::of(&model, &Sky::of(&model.config, 1)).run_cards();
    let place = MapPlace {
        npix_map,
        shard: args.shard,
    };
    lensing::write_map_fits(
        &args.output,
        &map,
        &place,
        &cards,
        &config_toml,
        args.force,
        &inputs,
    )
    .and_then(|s| s.commit())
    .map_err(io_error)?;
    if args.json {
        let reached = map
            .end_reason
            .iter()
            .filter(|e| **e == excalibur::integrate::EndReason::DistanceReached)
            .count();
        let json = serde_json::json!({
            "output": args.output,
            "nside": sky.nside,
            "pixels": map.pixel.len(),
            "pixels_map": npix_map,
            "shard": args.shard.map(|(i, n)| format!("{i}/{n}")),
            "pixels_reached": reached,
            "geodesics": map.geodesics,
            "steps": map.steps,
            "threads": threads,
            "seconds": seconds,
            "pixels_per_s": map.pixel.len() as f64 / seconds,
        });
        super::out::print(&format!("{json}\n"))?;
    }
    Ok(())
}

/// Whether `path` starts as a FITS file does (its first card is SIMPLE).
pub fn is_fits(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 9];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SIMPLE  ="
}

/// `excalibur merge` of map shards: the file the unsharded `map` writes.
pub fn merge_maps(parts: &[PathBuf], output: &Path, force: bool) -> anyhow::Result<()> {
    refuse_output(output, force, parts)?;
    let merged = lensing::merge_maps(parts).map_err(io_error)?;
    lensing::write_map_fits(
        output,
        &merged.map,
        &merged.place,
        &merged.cards,
        &merged.config_toml,
        force,
        parts,
    )
    .and_then(|s| s.commit())
    .map_err(io_error)
}
