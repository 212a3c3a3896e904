//! The command-line arguments (clap derive), one struct per command.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "excalibur",
    version,
    about = "Light bending in cosmology: photon geodesics through perturbed FLRW and Schwarzschild"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Open the visualizer on CONFIG (default configs/default.toml).
    Gui(GuiArgs),
    /// Headless run: build the potential, trace the rays, write HDF5.
    Run(RunArgs),
    /// Join shard outputs into one file identical to the unsharded run.
    Merge(MergeArgs),
    /// Render the lensed image of the background source seen by the observer.
    Image(ImageArgs),
    /// A HEALPix map (rays.pattern = "healpix"): κ, γ, ω, μ, deflection, z, delay and the
    /// Born κ, γ of every pixel, as a FITS table healpy reads (interface.md §7).
    Map(MapArgs),
    /// Solve the config's grid potential once and write it as `potential.file` reads it (§6).
    Potential(PotentialArgs),
    /// Print what a run file holds.
    Inspect { file: PathBuf },
    /// Validate a config and print it fully resolved, as TOML.
    Check {
        config: PathBuf,
        #[command(flatten)]
        sets: Overrides,
    },
    /// List a parameter sweep's runs, or perform run I of it (a job array's task).
    Sweep(SweepArgs),
    /// One CSV row of parameters and observables per run file.
    Summarize {
        files: Vec<PathBuf>,
        /// Write the table here (atomically) instead of to stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["list", "index"])))]
pub struct SweepArgs {
    pub manifest: PathBuf,
    /// Print one line per run: its index, then each swept key=value.
    #[arg(long)]
    pub list: bool,
    /// Perform run I (e.g. --index $SLURM_ARRAY_TASK_ID).
    #[arg(long, value_name = "I")]
    pub index: Option<usize>,
    /// Overwrite the run's output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Worker threads (0 = all cores); overrides the config's `threads`.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Print the run's JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress or summary on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// `--set KEY=VALUE`, repeatable, shared by every command that reads a config.
#[derive(Args, Default, Clone)]
pub struct Overrides {
    /// Override a config key by dotted path, e.g. --set potential.nodes=128 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_override)]
    pub sets: Vec<(String, String)>,
}

/// "COLUMN,ROW" as two numbers.
fn parse_pixel(s: &str) -> Result<[f64; 2], String> {
    let parts: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("expected COLUMN,ROW: {e}"))?;
    match parts[..] {
        [i, j] if i >= 0.0 && j >= 0.0 => Ok([i, j]),
        _ => Err("expected COLUMN,ROW, two numbers ≥ 0".into()),
    }
}

#[derive(Args)]
pub struct GuiArgs {
    pub config: Option<PathBuf>,
    /// Render the finished run, save a PNG of the whole window and exit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// With --screenshot: take it after N frames instead of when the run finishes. With
    /// --record: the number of frames recorded (default 30).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub frames: Option<u32>,
    /// Record the window to OUT.gif (pure-Rust encoder) or OUT.mp4 (through ffmpeg) and exit:
    /// with --animate, one frame per value of the swept key; without, N frames as the window
    /// runs from its first frame.
    #[arg(long, value_name = "OUT.gif|OUT.mp4", conflicts_with = "screenshot")]
    pub record: Option<PathBuf>,
    /// With --record: sweep KEY from FROM to TO over the --frames values (linear; --log-steps
    /// for geometric), e.g. source.offset_mpc.0=-0.05..0.05 or lenses.0.mass_msun=1e14..8e14.
    #[arg(long, value_name = "KEY=FROM..TO", value_parser = parse_animate, requires = "record")]
    pub animate: Option<(String, f64, f64)>,
    /// With --animate: space the values geometrically (FROM and TO > 0, e.g. masses).
    #[arg(long, requires = "animate")]
    pub log_steps: bool,
    /// With --record: frames per second of the animation (1 to 50).
    #[arg(long, default_value_t = 10.0, value_parser = parse_fps)]
    pub fps: f64,
    /// With --screenshot: after the run, double lens 0's mass and report the re-trace timings.
    #[arg(long, requires = "screenshot")]
    pub measure_edit: bool,
    /// With --screenshot: once the run (and its image) is done, make this edit in the window
    /// (repeatable), wait for the re-trace, then capture: what a user sees after an edit.
    #[arg(long = "then-set", value_name = "KEY=VALUE", value_parser = parse_override, requires = "screenshot")]
    pub then_set: Vec<(String, String)>,
    /// With --screenshot: turn the mouse wheel N steps over the 3-D view (one per frame;
    /// negative zooms out) before capturing.
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        requires = "screenshot"
    )]
    pub zoom: Option<i32>,
    /// With --screenshot: click pixel COLUMN,ROW of the lensed image (its 256² pixels) to show
    /// its geodesic in 3-D.
    #[arg(long, value_name = "COLUMN,ROW", value_parser = parse_pixel, requires = "screenshot")]
    pub pick: Option<[f64; 2]>,
    #[command(flatten)]
    pub sets: Overrides,
    /// Write a line per run started, re-shade and image shown to FILE (seconds since the
    /// window opened, lens masses, source offset): what input tests count.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Open the plot window from the start.
    #[arg(long)]
    pub plots: bool,
    /// Select this ray (its readout and redshift plot) from the start.
    #[arg(long, value_name = "RAY")]
    pub select: Option<usize>,
    /// Start with this display-only bend exaggeration (1 to 1e6).
    #[arg(long, default_value_t = 1.0, value_parser = parse_bend)]
    pub bend: f64,
}

#[derive(Args)]
pub struct RunArgs {
    pub config: PathBuf,
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub sets: Overrides,
    /// Worker threads (0 = all cores); overrides the config's `threads`.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Trace only shard I of N (e.g. 3/16), for job arrays; join with `merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress bar or summary on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// "X0,Y0..X1,Y1": two source-plane offsets [Mpc], finite.
fn parse_path(s: &str) -> Result<([f64; 2], [f64; 2]), String> {
    let point = |p: &str| -> Result<[f64; 2], String> {
        let v: Vec<f64> = p
            .split(',')
            .map(|x| x.trim().parse::<f64>().map_err(|e| format!("`{x}`: {e}")))
            .collect::<Result<_, _>>()?;
        match v[..] {
            [x, y] if x.is_finite() && y.is_finite() => Ok([x, y]),
            _ => Err(format!("`{p}` is not two finite numbers X,Y [Mpc]")),
        }
    };
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| "expected X0,Y0..X1,Y1 (source offsets in Mpc)".to_string())?;
    Ok((point(a)?, point(b)?))
}

#[derive(Args)]
pub struct ImageArgs {
    pub config: PathBuf,
    /// The PNG to write.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Pixels per side.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(8..=4096))]
    pub size: u32,
    #[command(flatten)]
    pub sets: Overrides,
    /// Also write the per-pixel maps (β, magnification, time delay, end reason) as HDF5.
    #[arg(long, value_name = "MAPS.h5")]
    pub maps: Option<PathBuf>,
    /// Also write the maps of --maps and the picture's luminance as FITS, with a TAN WCS
    /// centred on camera.ra_deg, camera.dec_deg (interface.md §7).
    #[arg(long, value_name = "OUT.fits")]
    pub fits: Option<PathBuf>,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// Draw the critical curves and the images of the source centre over the picture.
    #[arg(long)]
    pub curves: bool,
    /// Instead of the picture: the light curve of a point source moved in a straight line from
    /// offset X0,Y0 to X1,Y1 [Mpc] in the source plane; -o gets a CSV (step, offsets, u = β/θ_E,
    /// images, total |μ|).
    #[arg(long, value_name = "X0,Y0..X1,Y1", value_parser = parse_path, conflicts_with_all = ["maps", "fits", "curves"])]
    pub light_curve: Option<([f64; 2], [f64; 2])>,
    /// Positions along the light curve's path, both ends included.
    #[arg(long, default_value_t = 101, value_parser = clap::value_parser!(u32).range(2..=100_000), requires = "light_curve")]
    pub steps: u32,
    /// Worker threads (0 = all cores); overrides the config's `threads`.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct MapArgs {
    pub config: PathBuf,
    /// The FITS map to write.
    #[arg(short, long, value_name = "MAP.fits")]
    pub output: PathBuf,
    #[command(flatten)]
    pub sets: Overrides,
    /// Trace only shard I of N of the pixels (contiguous in RING order); join with `merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Worker threads (0 = all cores); overrides the config's `threads`.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct PotentialArgs {
    pub config: PathBuf,
    /// The HDF5 file to write (dataset `Phi`).
    #[arg(short, long, value_name = "PHI.h5")]
    pub output: PathBuf,
    #[command(flatten)]
    pub sets: Overrides,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct MergeArgs {
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    #[arg(short, long)]
    pub output: PathBuf,
    #[arg(long)]
    pub force: bool,
}

/// `--set KEY=VALUE`.
fn parse_override(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!(
            "`{text}` is not KEY=VALUE, e.g. --set potential.nodes=128"
        )),
    }
}

/// `--shard I/N` with 0 ≤ I < N.
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{text}` is not I/N with 0 <= I < N, e.g. --shard 0/4");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// `--threads N` with the config key's range, [0, 1024] (0 = all cores).
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n <= 1024 => Ok(n),
        _ => Err(format!(
            "`{text}` is not allowed: a thread count in [0, 1024] (0 = all cores), like the config's `threads`"
        )),
    }
}

/// `--animate KEY=FROM..TO`: a key and two finite numbers.
fn parse_animate(text: &str) -> Result<(String, f64, f64), String> {
    let bad =
        || format!("`{text}` is not KEY=FROM..TO, e.g. --animate source.offset_mpc.0=-0.05..0.05");
    let (key, range) = parse_override(text).map_err(|_| bad())?;
    let (from, to) = range.split_once("..").ok_or_else(bad)?;
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    match (number(from), number(to)) {
        (Some(a), Some(b)) => Ok((key, a, b)),
        _ => Err(bad()),
    }
}

/// `--fps`: 1 to 50 frames per second (a GIF's delay is in hundredths of a second).
fn parse_fps(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (1.0..=50.0).contains(&v) => Ok(v),
        _ => Err(format!("`{text}` is not a frame rate in [1, 50]")),
    }
}

/// `--bend`: a finite factor in [1, 1e6].
fn parse_bend(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (1.0..=1e6).contains(&v) => Ok(v),
        _ => Err(format!("`{text}` is not a bend exaggeration in [1, 1e6]")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_animation_is_a_key_and_two_numbers() {
        assert_eq!(
            parse_animate("source.offset_mpc.0=-0.05..0.05"),
            Ok(("source.offset_mpc.0".into(), -0.05, 0.05))
        );
        assert_eq!(parse_animate("m=1e14..8e14"), Ok(("m".into(), 1e14, 8e14)));
        for bad in ["m=1..", "m=a..2", "=1..2", "m=1-2", "m=1..inf"] {
            assert!(parse_animate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overrides_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_override("rays.impact_mpc=[1.0, 2.0]").unwrap(),
            ("rays.impact_mpc".into(), "[1.0, 2.0]".into())
        );
        assert_eq!(
            parse_override("title=a=b").unwrap(),
            ("title".into(), "a=b".into())
        );
        assert!(parse_override("=3").is_err());
        assert!(parse_override("potential.nodes").is_err());
    }

    #[test]
    fn shards_must_lie_below_their_count() {
        assert_eq!(parse_shard("3/16").unwrap(), (3, 16));
        for bad in ["16/16", "1/0", "a/2", "2", "-1/4"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thread_counts_stop_where_the_config_key_does() {
        assert_eq!(parse_threads("0").unwrap(), 0);
        assert_eq!(parse_threads("1024").unwrap(), 1024);
        for bad in ["1025", "100000", "-1", "x"] {
            assert!(
                parse_threads(bad).unwrap_err().contains("[0, 1024]"),
                "{bad}"
            );
        }
    }
}
