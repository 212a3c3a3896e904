//! `excalibur potential CONFIG -o PHI.h5` (interface.md §6): the grid the config's potential
//! section builds (lenses sampled on `potential.nodes`³, or a snapshot's Poisson solve), solved
//! once and written as a file that `potential.file` reads back unchanged, so that many shards
//! on other nodes trace from it without solving again.

use super::args::PotentialArgs;
use super::commands::{base_dir, inputs_of, io_error, load, refuse_output};
use super::exit::bad_input;
use anyhow::Context;
use excalibur::config::{LensConfig, PotentialMode};
use excalibur::field::{FieldCache, FieldData};
use excalibur::io::{write_potential, PotentialFile};
use excalibur::lens::Lens;
use excalibur::units::MPC_M;
use std::time::Instant;

/// `excalibur potential`.
pub fn potential(args: &PotentialArgs) -> anyhow::Result<()> {
    let config = load(&args.config, &args.sets)?;
    let name = args.config.display();
    if config.potential.mode == PotentialMode::Analytic {
        return Err(bad_input(anyhow::anyhow!(
            "{name}: potential.mode = \"analytic\" has no grid to write: set potential.mode = \"grid\" (the lenses sampled on potential.nodes³) or \"particles\""
        )));
    }
    let inputs = inputs_of(&args.config, &config);
    refuse_output(&args.output, args.force, &inputs)?;
    // The grid and the copy of its Φ that is written (f64 a node); no rays are made.
    let mut estimate = excalibur::budget::MemoryEstimate::of(&config);
    estimate.rays_bytes = 0;
    estimate.grid_bytes += (config.potential.nodes as u64).pow(3) * 8;
    estimate
        .check_memory(&config, false)
        .map_err(|e| bad_input(anyhow::anyhow!("{name}: {e}")))?;
    let dir = base_dir(&args.config);
    let start = Instant::now();
    let lenses: Vec<Lens> = config.lenses.iter().map(LensConfig::si).collect();
    let field = FieldCache::default()
        .field_for(&config, &lenses, &dir, None)
        .with_context(|| format!("{name}: cannot build the potential"))
        .map_err(bad_input)?
        .field;
    let phi = match &*field {
        FieldData::GridF32(g) => g.node_phi(),
        FieldData::GridF64(g) => g.node_phi(),
        FieldData::Analytic(_) => unreachable!("a grid mode builds a grid"),
    };
    let geometry = field.grid_geometry().expect("a grid");
    let redshift = excalibur::field::snapshot_header(&config, &dir)
        .map_err(bad_input)?
        .map_or(0.0, |h| h.redshift);
    let nodes = geometry.nodes[0];
    let size_mpc = geometry.spacing_m * nodes as f64 / MPC_M;
    let origin_mpc = geometry.origin_m.map(|o| o / MPC_M);
    let config_toml = config.to_toml();
    write_potential(
        &args.output,
        &PotentialFile {
            phi: &phi,
            size_mpc,
            origin_mpc,
            redshift,
            config_toml: &config_toml,
        },
        args.force,
        &inputs,
    )
    .map_err(io_error)?;
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "excalibur potential: {nodes}³ nodes of Φ over {size_mpc} Mpc from origin {origin_mpc:?} Mpc (z = {redshift}) in {seconds:.2} s; wrote {}\n  trace from it with potential.mode = \"grid\", potential.file = \"{}\", potential.nodes = {nodes}, potential.size_mpc = {size_mpc}, potential.origin_mpc = {origin_mpc:?}, potential.phi_units = \"m2/s2\"",
        args.output.display(),
        args.output.display()
    );
    if args.json {
        let summary = serde_json::json!({
            "output": args.output.display().to_string(),
            "nodes": nodes,
            "size_mpc": size_mpc,
            "origin_mpc": origin_mpc,
            "redshift": redshift,
            "seconds": seconds,
        });
        println!("{summary}");
    }
    Ok(())
}
