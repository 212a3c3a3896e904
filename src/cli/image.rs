//! `excalibur image`: the lensed image of the source (interface.md §4), its PNG, its maps and
//! its JSON summary.

use super::args::ImageArgs;
use super::commands::{base_dir, inputs_of, io_error, load, refuse_output};
use super::exit::bad_input;
use anyhow::Context;
use excalibur::field::FieldCache;
use excalibur::integrate::EndReason;
use excalibur::lensing::{self, LensedImage, Source, ARCSEC};
use excalibur::setup::Model;
use excalibur::trace::resolve_threads;
use std::sync::atomic::AtomicBool;
use strum::VariantArray;

/// `excalibur image`.
pub fn image(args: &ImageArgs) -> anyhow::Result<()> {
    let config = load(&args.config, &args.sets)?;
    let inputs = inputs_of(&args.config, &config);
    // Every output is checked before any work, and no two of them may be one file.
    let outputs: Vec<(&str, &std::path::PathBuf)> = [
        ("-o", Some(&args.output)),
        ("--maps", args.maps.as_ref()),
        ("--fits", args.fits.as_ref()),
    ]
    .into_iter()
    .filter_map(|(flag, path)| path.map(|p| (flag, p)))
    .collect();
    for (k, (flag, path)) in outputs.iter().enumerate() {
        if let Some((other, _)) = outputs[..k]
            .iter()
            .find(|(_, p)| excalibur::io::same_file(p, path))
        {
            return Err(bad_input(anyhow::anyhow!(
                "{other} and {flag} {} name one file; give each output its own name",
                path.display()
            )));
        }
        refuse_output(path, args.force, &inputs)?;
    }
    let dir = base_dir(&args.config);
    let source = Source::new(&config.source, &dir)
        .with_context(|| format!("{}: source.image", args.config.display()))
        .map_err(bad_input)?;
    let config_toml = config.to_toml();
    let threads = resolve_threads(args.threads.unwrap_or(config.threads));
    let model = Model::build(config, &dir, &mut FieldCache::default())
        .with_context(|| format!("{}: cannot set up the run", args.config.display()))
        .map_err(bad_input)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let cancel = AtomicBool::new(false);
    let mut image = pool
        .install(|| lensing::render(&model, &source, args.size as usize, &cancel))
        .context("the image was cancelled")?;
    if let Some((from, to)) = args.light_curve {
        let curve =
            pool.install(|| lensing::light_curve(&model, &image, from, to, args.steps as usize));
        let csv = lensing::curve_csv(&curve);
        excalibur::io::write_atomically(&args.output, args.force, &inputs, |tmp| {
            std::fs::write(tmp, csv.as_bytes())
                .map_err(excalibur::io::IoError::file(tmp, "the light curve"))
        })
        .map_err(io_error)?;
        return Ok(());
    }
    // The outputs are staged, then committed together: a failure in any leaves none. The maps
    // (HDF5 and FITS) come from one set of bundles, and the FITS picture is the one without
    // the --curves overlays.
    let mut staged = vec![];
    if args.maps.is_some() || args.fits.is_some() {
        let bundles = pool
            .install(|| lensing::bundle_jacobians(&model, &image.sky, &cancel))
            .context("the maps were cancelled")?;
        let maps = lensing::PixelMaps::of(&image, &bundles);
        if let Some(m) = &args.maps {
            staged.push(
                lensing::write_maps(m, &maps, &config_toml, args.force, &inputs)
                    .map_err(io_error)?,
            );
        }
        if let Some(f) = &args.fits {
            let header = lensing::FitsHeader::of(&model, &image.sky);
            staged.push(
                lensing::write_fits(
                    f,
                    &maps,
                    &image.picture,
                    &header,
                    &config_toml,
                    args.force,
                    &inputs,
                )
                .map_err(io_error)?,
            );
        }
    }
    if args.curves {
        lensing::draw_overlays(&mut image);
    }
    let png =
        lensing::write_png(&args.output, &image.picture, args.force, &inputs).map_err(io_error)?;
    for staged in staged.into_iter().chain([png]) {
        staged.commit().map_err(io_error)?;
    }
    for w in &image.warnings {
        eprintln!("warning: {w}");
    }
    if args.json {
        super::out::print(&format!("{}\n", json(&image, args)))?;
    }
    Ok(())
}

fn arcsec(p: [f64; 2]) -> [f64; 2] {
    p.map(|v| v / ARCSEC)
}

fn json(image: &LensedImage, args: &ImageArgs) -> String {
    let images: Vec<serde_json::Value> = image
        .image_summaries()
        .iter()
        .map(|i| {
            serde_json::json!({
                "x_arcsec": i.x_arcsec,
                "y_arcsec": i.y_arcsec,
                "magnification": i.magnification,
                "time_delay_s": i.time_delay_s,
            })
        })
        .collect();
    let curves = |c: &[Vec<[f64; 2]>]| -> Vec<Vec<[f64; 2]>> {
        c.iter()
            .map(|p| p.iter().map(|x| arcsec(*x)).collect())
            .collect()
    };
    let end_reasons: serde_json::Map<String, serde_json::Value> = EndReason::VARIANTS
        .iter()
        .map(|e| (e, image.map.end.iter().filter(|x| *x == e).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| (e.label().to_string(), n.into()))
        .collect();
    serde_json::json!({
        "pixels": image.map.size,
        "seconds": image.seconds,
        "geodesics": image.geodesics,
        "steps": image.steps,
        "geodesics_map": image.map.geodesics,
        "einstein_radius_predicted_arcsec": image.einstein_predicted.map(|t| t / ARCSEC),
        "einstein_radius_predicted_from": image.einstein_basis.label(),
        "einstein_radius_measured_arcsec": image.einstein_measured.map(|t| t / ARCSEC),
        "images": images,
        "magnification_total": image.images.iter().map(|i| i.magnification.abs()).sum::<f64>(),
        "critical_curves_arcsec": curves(&image.critical_curves),
        "caustics_arcsec": curves(&image.caustics),
        "end_reasons": end_reasons,
        "warnings": image.warnings,
        "output": args.output.display().to_string(),
    })
    .to_string()
}
