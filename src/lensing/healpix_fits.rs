//! The HEALPix map file of `excalibur map` (interface.md §7): a binary table in the first
//! extension that healpy.read_map reads (PIXTYPE 'HEALPIX', ORDERING 'RING', COORDSYS 'C';
//! INDXSCHM 'IMPLICIT' for the full sky, 'EXPLICIT' with a leading PIXEL column for a disc or a
//! shard), the resolved config in a CONFIG extension; and `merge` of map shards.

use super::sphere_map::SphereMap;
use crate::integrate::EndReason;
use crate::io::fits::{Card, Column, FitsReader, FitsWriter};
use crate::io::{end_reason_labels, stage, IoError, Staged};
use std::path::{Path, PathBuf};

/// The table's extension name.
pub const MAP_HDU: &str = "HEALPIX_MAP";

/// (column, unit, comment) of the float columns, in file order.
const FLOATS: [(&str, &str, &str); 11] = [
    ("CONVERGENCE", "", "kappa from the geodesic bundle"),
    ("SHEAR1", "", "gamma1 on (e_phi, -e_theta)"),
    ("SHEAR2", "", "gamma2 on (e_phi, -e_theta)"),
    ("ROTATION", "", "omega"),
    ("MAGNIFICATION", "", "1/det A, signed"),
    ("DEFLECTION", "arcsec", "|theta - beta| of the centre ray"),
    ("REDSHIFT", "", "z of the centre ray at the source"),
    ("TIME_DELAY", "s", "arrival minus chi_s/c"),
    ("BORN_CONVERGENCE", "", "kappa along the unperturbed lines"),
    ("BORN_SHEAR1", "", "gamma1 along the unperturbed lines"),
    ("BORN_SHEAR2", "", "gamma2 along the unperturbed lines"),
];

fn floats(m: &mut SphereMap) -> [&mut Vec<f64>; 11] {
    [
        &mut m.convergence,
        &mut m.shear1,
        &mut m.shear2,
        &mut m.rotation,
        &mut m.magnification,
        &mut m.deflection_arcsec,
        &mut m.redshift,
        &mut m.time_delay_s,
        &mut m.born_convergence,
        &mut m.born_shear1,
        &mut m.born_shear2,
    ]
}

/// What a map file says about where its pixels belong.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPlace {
    /// Pixels of the whole map (the full sky, or the disc).
    pub npix_map: u64,
    /// Shard (index, count), or None for a whole map.
    pub shard: Option<(usize, usize)>,
}

/// Stages the map file; `cards` are the cosmology and source cards of the run.
pub fn write_map_fits(
    path: &Path,
    map: &SphereMap,
    place: &MapPlace,
    cards: &[Card],
    config_toml: &str,
    overwrite: bool,
    inputs: &[PathBuf],
) -> Result<Staged, IoError> {
    let npix_full = crate::healpix::HealpixSky::npix_full(map.nside);
    let implicit = place.shard.is_none() && place.npix_map == npix_full;
    let mut copy = map.clone();
    let mut columns: Vec<(&str, Column)> = vec![];
    if !implicit {
        columns.push((
            "PIXEL",
            Column::I64(map.pixel.iter().map(|&p| p as i64).collect()),
        ));
    }
    for ((name, _, _), values) in FLOATS.iter().zip(floats(&mut copy)) {
        columns.push((name, Column::F64(std::mem::take(values))));
    }
    columns.push((
        "END_REASON",
        Column::I64(map.end_reason.iter().map(|e| e.code() as i64).collect()),
    ));
    let mut all = vec![
        Card::text("PIXTYPE", "HEALPIX", "HEALPix pixelisation"),
        Card::text("ORDERING", "RING", ""),
        Card::int("NSIDE", map.nside as i64, ""),
        Card::int("FIRSTPIX", 0, ""),
        Card::int("LASTPIX", npix_full as i64 - 1, ""),
        Card::text(
            "INDXSCHM",
            if implicit { "IMPLICIT" } else { "EXPLICIT" },
            "",
        ),
        Card::text("OBJECT", if implicit { "FULLSKY" } else { "PARTIAL" }, ""),
        Card::text("COORDSYS", "C", "world axes: pole +z, longitude 0 along +x"),
        Card::text(
            "SHEARAX",
            "EPHI,-ETHETA",
            "A in the local basis (right, up)",
        ),
        Card::int("NPIXMAP", place.npix_map as i64, "pixels of the whole map"),
    ];
    if let Some((i, n)) = place.shard {
        all.push(Card::text(
            "SHARD",
            format!("{i}/{n}"),
            "merge joins the shards",
        ));
    }
    let offset = if implicit { 1 } else { 2 };
    for (k, (_, unit, _)) in FLOATS.iter().enumerate() {
        if !unit.is_empty() {
            all.push(Card::text(format!("TUNIT{}", k + offset), *unit, ""));
        }
    }
    for (k, label) in end_reason_labels().iter().enumerate() {
        all.push(Card::text(format!("LABEL{k}"), *label, "END_REASON code k"));
    }
    all.extend(cards.iter().cloned());
    stage(path, overwrite, inputs, |tmp| {
        let mut f = FitsWriter::create(tmp, path)?;
        f.table(MAP_HDU, &columns, &all)?;
        f.text("CONFIG", config_toml, &[])?;
        f.close()
    })
}

/// A map file read back: its map, place and config text.
pub struct ReadMap {
    pub map: SphereMap,
    pub place: MapPlace,
    pub config_toml: String,
    /// The run cards, to carry into a merged file.
    pub cards: Vec<Card>,
}

/// The run cards carried from shards into the merged file.
pub(super) const RUN_CARDS: [&str; 8] = [
    "COSMO", "H0", "OM0", "ODE0", "OR0", "DSOURCE", "ZSOURCE", "SOFTWARE",
];

pub fn read_map_fits(path: &Path) -> Result<ReadMap, IoError> {
    let mut r = FitsReader::open(path)?;
    let nside = r.key_int(MAP_HDU, "NSIDE")? as u32;
    let npix_map = r.key_int(MAP_HDU, "NPIXMAP")? as u64;
    let shard = match r.key_text(MAP_HDU, "SHARD") {
        Ok(s) => {
            let bad = || IoError::invalid(path, format!("SHARD card {s:?} is not I/N"));
            let (i, n) = s.split_once('/').ok_or_else(bad)?;
            Some((i.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?))
        }
        Err(_) => None,
    };
    let mut map = SphereMap {
        nside,
        ..Default::default()
    };
    let implicit = r.key_text(MAP_HDU, "INDXSCHM")? == "IMPLICIT";
    for ((name, _, _), values) in FLOATS.iter().zip(floats(&mut map)) {
        *values = r.column_f64(MAP_HDU, name)?;
    }
    map.pixel = if implicit {
        (0..map.convergence.len() as u64).collect()
    } else {
        r.column_i64(MAP_HDU, "PIXEL")?
            .into_iter()
            .map(|p| p as u64)
            .collect()
    };
    map.end_reason = r
        .column_i64(MAP_HDU, "END_REASON")?
        .into_iter()
        .map(|c| {
            EndReason::from_code(c as i32)
                .ok_or_else(|| IoError::invalid(path, format!("END_REASON code {c} is unknown")))
        })
        .collect::<Result<_, _>>()?;
    let mut cards = vec![];
    for key in RUN_CARDS {
        let v = r.key_text(MAP_HDU, key)?;
        cards.push(match v.parse::<f64>() {
            Ok(x) if key != "COSMO" && key != "SOFTWARE" => Card::real(key, x, ""),
            _ => Card::text(key, v, ""),
        });
    }
    Ok(ReadMap {
        map,
        place: MapPlace { npix_map, shard },
        config_toml: r.text("CONFIG")?,
        cards,
    })
}

/// Joins the shards of one map in shard order; the parts must come from one config, each
/// shard once, all of them.
pub fn merge_maps(paths: &[PathBuf]) -> Result<ReadMap, IoError> {
    let mut parts: Vec<(PathBuf, ReadMap)> = paths
        .iter()
        .map(|p| read_map_fits(p).map(|m| (p.clone(), m)))
        .collect::<Result<_, _>>()?;
    let (first_path, first) = parts
        .first()
        .ok_or_else(|| IoError::invalid(Path::new("merge"), "no map shards given"))?;
    let (first_path, count, config, nside) = (
        first_path.clone(),
        first.place.shard.map_or(1, |s| s.1),
        first.config_toml.clone(),
        first.map.nside,
    );
    let (npix_map, cards) = (first.place.npix_map, first.cards.clone());
    let mut seen = vec![false; count];
    for (p, part) in &parts {
        let Some((i, n)) = part.place.shard else {
            return Err(IoError::invalid(p, "not a map shard (no SHARD card)"));
        };
        if n != count || part.config_toml != config || part.map.nside != nside {
            return Err(IoError::invalid(
                p,
                format!("comes from a different map than {}", first_path.display()),
            ));
        }
        if std::mem::replace(&mut seen[i], true) {
            return Err(IoError::invalid(p, format!("shard {i}/{n} given twice")));
        }
    }
    let missing: Vec<usize> = (0..count).filter(|&i| !seen[i]).collect();
    if !missing.is_empty() {
        return Err(IoError::invalid(
            &first_path,
            format!("the shards of its map are incomplete: missing {missing:?} of {count}"),
        ));
    }
    parts.sort_by_key(|(_, m)| m.place.shard.map(|s| s.0));
    let mut out = SphereMap {
        nside,
        ..Default::default()
    };
    for (_, mut part) in parts {
        out.pixel.append(&mut part.map.pixel);
        out.end_reason.append(&mut part.map.end_reason);
        for (o, v) in floats(&mut out).into_iter().zip(floats(&mut part.map)) {
            o.append(v);
        }
    }
    Ok(ReadMap {
        map: out,
        place: MapPlace {
            npix_map,
            shard: None,
        },
        config_toml: config,
        cards,
    })
}
