//! Reading run files back (inspect, merge, the visualizer) and importing Φ grids.

use super::error::IoError;
use super::layout::SCALAR_OBSERVABLES;
use super::write::RayRecord;
use super::write::RunMeta;
use crate::integrate::EndReason;
use crate::metric::Row;
use crate::observables::Observables;
use hdf5::types::VarLenUnicode;
use ndarray::Array3;
use std::path::Path;

/// One ray read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRay {
    pub id: usize,
    pub rows: Vec<Row>,
    pub end: EndReason,
    pub observables: Observables,
    pub steps_accepted: u64,
    pub steps_rejected: u64,
}

impl<'a> From<&'a StoredRay> for RayRecord<'a> {
    fn from(r: &'a StoredRay) -> Self {
        RayRecord {
            id: r.id,
            rows: &r.rows,
            end: r.end,
            observables: &r.observables,
            steps_accepted: r.steps_accepted,
            steps_rejected: r.steps_rejected,
        }
    }
}

fn string_attr(loc: &hdf5::Location, name: &str) -> hdf5::Result<String> {
    Ok(loc
        .attr(name)?
        .read_scalar::<VarLenUnicode>()?
        .as_str()
        .to_string())
}

/// Reads `observables/<name>` and checks it has one entry per photon.
fn read_column<T: hdf5::H5Type>(
    obs: &hdf5::Group,
    path: &Path,
    name: &str,
    n: usize,
) -> Result<Vec<T>, IoError> {
    let v = obs
        .dataset(name)
        .and_then(|d| d.read_raw::<T>())
        .map_err(IoError::h5(path, "not a readable excalibur run file"))?;
    if v.len() != n {
        return Err(IoError::invalid(
            path,
            format!("observables/{name} has {} entries for {n} photons", v.len()),
        ));
    }
    Ok(v)
}

/// Reads a whole run file.
pub fn read_run(path: &Path) -> Result<(RunMeta, Vec<StoredRay>), IoError> {
    super::target::check_input(path, "run file")?;
    let h5 = |e: hdf5::Error| IoError::h5(path, "not a readable excalibur run file")(e);
    let file = hdf5::File::open(path).map_err(h5)?;
    let n = file
        .attr("n_photons")
        .and_then(|a| a.read_scalar::<i64>())
        .map_err(h5)?;
    let n = usize::try_from(n)
        .map_err(|_| IoError::invalid(path, format!("n_photons = {n} is negative")))?;
    let meta = RunMeta {
        config_toml: string_attr(&file, "config_toml").map_err(h5)?,
        metric: string_attr(&file, "metric").map_err(h5)?,
        n_photons_total: file
            .attr("n_photons_total")
            .and_then(|a| a.read_scalar::<i64>())
            .map_err(h5)? as usize,
        shard: match string_attr(&file, "shard") {
            Ok(s) => {
                let mut it = s.split('/').map(|p| p.parse::<usize>());
                match (it.next(), it.next()) {
                    (Some(Ok(i)), Some(Ok(c))) => Some((i, c)),
                    _ => {
                        return Err(IoError::invalid(
                            path,
                            format!("shard attribute `{s}` is not I/N"),
                        ))
                    }
                }
            }
            Err(_) => None,
        },
        warnings: file
            .attr("warnings")
            .and_then(|a| a.read_raw::<VarLenUnicode>())
            .map(|v| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        snapshot: super::provenance::read_snapshot(&file).map_err(h5)?,
    };
    let obs = file.group("observables").map_err(h5)?;
    let read_f64 = |name: &str| read_column::<f64>(&obs, path, name, n);
    let read_i64 = |name: &str| read_column::<i64>(&obs, path, name, n);
    let codes = obs
        .dataset("end_reason")
        .and_then(|d| d.read_raw::<i32>())
        .map_err(h5)?;
    let ids = read_i64("ray_id")?;
    let acc = read_i64("steps_accepted")?;
    let rej = read_i64("steps_rejected")?;
    let dirs = obs
        .dataset("final_direction")
        .and_then(|d| d.read_raw::<f64>())
        .map_err(h5)?;
    let mut observables = vec![Observables::default(); n];
    for (name, _, set) in SCALAR_OBSERVABLES {
        for (o, v) in observables.iter_mut().zip(read_f64(name)?) {
            set(o, v);
        }
    }
    if codes.len() != n || dirs.len() != 3 * n {
        return Err(IoError::invalid(
            path,
            "observables/end_reason or final_direction does not match n_photons",
        ));
    }
    let packed = string_attr(&file, "layout").is_ok_and(|l| l == "packed");
    let mut states = if packed {
        Some(PackedStates::open(&file, path, n)?)
    } else {
        None
    };
    let mut rays = Vec::with_capacity(n);
    for i in 0..n {
        let rows = match states.as_mut() {
            Some(p) => p.photon(i)?,
            None => per_photon_rows(&file, path, i)?,
        };
        rays.push(stored(
            path,
            i,
            rows,
            &codes,
            &ids,
            &acc,
            &rej,
            &observables,
            &dirs,
        )?);
    }
    Ok((meta, rays))
}

/// Rows of 14 values from a flat slice.
fn rows_of(flat: &[f64]) -> Vec<Row> {
    flat.chunks_exact(14)
        .map(|c| c.try_into().expect("chunk of 14"))
        .collect()
}

/// The rows of `photon_{i}_states` in the per-photon layout.
fn per_photon_rows(file: &hdf5::File, path: &Path, i: usize) -> Result<Vec<Row>, IoError> {
    let h5 = |e: hdf5::Error| IoError::h5(path, "not a readable excalibur run file")(e);
    let ds = file.dataset(&format!("photon_{i}_states")).map_err(h5)?;
    let shape = ds.shape();
    if shape.len() == 2 && shape[1] == 14 {
        Ok(rows_of(&ds.read_raw::<f64>().map_err(h5)?))
    } else if shape == [0] {
        Ok(vec![])
    } else {
        Err(IoError::invalid(
            path,
            format!("photon_{i}_states has shape {shape:?}, expected (n, 14)"),
        ))
    }
}

/// Photon i of the columns read from `observables`.
#[allow(clippy::too_many_arguments)]
fn stored(
    path: &Path,
    i: usize,
    rows: Vec<Row>,
    codes: &[i32],
    ids: &[i64],
    acc: &[i64],
    rej: &[i64],
    observables: &[Observables],
    dirs: &[f64],
) -> Result<StoredRay, IoError> {
    let end = EndReason::from_code(codes[i])
        .ok_or_else(|| IoError::invalid(path, format!("unknown end_reason code {}", codes[i])))?;
    let mut o = observables[i];
    o.final_direction = [dirs[3 * i], dirs[3 * i + 1], dirs[3 * i + 2]];
    Ok(StoredRay {
        id: ids[i] as usize,
        rows,
        end,
        observables: o,
        steps_accepted: acc[i] as u64,
        steps_rejected: rej[i] as u64,
    })
}

/// The `states` and `photon_offsets` of a packed file, read a block of rows at a time.
struct PackedStates<'a> {
    path: &'a Path,
    states: hdf5::Dataset,
    offsets: Vec<i64>,
    /// Rows [start, start + block.len()/14) currently held.
    start: usize,
    block: Vec<f64>,
}

/// Rows read from a packed file at once (64 Ki rows, 7 MiB).
const READ_BLOCK_ROWS: usize = 1 << 16;

impl<'a> PackedStates<'a> {
    fn open(file: &hdf5::File, path: &'a Path, n: usize) -> Result<PackedStates<'a>, IoError> {
        let h5 = |e: hdf5::Error| IoError::h5(path, "not a readable packed run file")(e);
        let states = file.dataset("states").map_err(h5)?;
        let offsets = file
            .dataset("photon_offsets")
            .and_then(|d| d.read_raw::<i64>())
            .map_err(h5)?;
        let total = states.shape();
        let ok = offsets.len() == n + 1
            && offsets[0] == 0
            && offsets.windows(2).all(|w| w[0] <= w[1])
            && total.len() == 2
            && total[1] == 14
            && offsets[n] as usize == total[0];
        if !ok {
            return Err(IoError::invalid(
                path,
                format!(
                    "photon_offsets ({} entries) does not index states {total:?} for {n} photons",
                    offsets.len()
                ),
            ));
        }
        Ok(PackedStates {
            path,
            states,
            offsets,
            start: 0,
            block: vec![],
        })
    }

    fn photon(&mut self, i: usize) -> Result<Vec<Row>, IoError> {
        let (a, b) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        let held = self.start..self.start + self.block.len() / 14;
        if a < held.start || b > held.end {
            let end = (a + READ_BLOCK_ROWS)
                .max(b)
                .min(self.offsets[self.offsets.len() - 1] as usize);
            let h5 = |e: hdf5::Error| IoError::h5(self.path, "cannot read states")(e);
            let arr: ndarray::Array2<f64> = self
                .states
                .read_slice(ndarray::s![a..end, ..])
                .map_err(h5)?;
            self.block = arr.into_raw_vec_and_offset().0;
            self.start = a;
        }
        let from = (a - self.start) * 14;
        Ok(rows_of(&self.block[from..from + (b - a) * 14]))
    }
}

/// Reads the nodes `lo ..= hi` (inclusive, per axis) of a 3-D Φ dataset (C order, last index
/// fastest) of `nodes`³ values, as an HDF5 hyperslab, multiplied by `scale` to reach m²/s².
/// The shape is checked before anything is read, so a small file that declares a huge
/// dataset is refused instead of filling memory; only the hyperslab is ever held.
pub fn read_potential(
    path: &Path,
    dataset: &str,
    nodes: usize,
    scale: f64,
    lo: [usize; 3],
    hi: [usize; 3],
) -> Result<Array3<f64>, IoError> {
    super::target::check_input(path, "potential.file")?;
    let file =
        hdf5::File::open(path).map_err(IoError::h5(path, "potential.file: cannot open as HDF5"))?;
    let ds = file.dataset(dataset).map_err(IoError::h5(
        path,
        format!("potential.dataset = \"{dataset}\""),
    ))?;
    let shape = ds.shape();
    if shape.len() != 3 {
        return Err(IoError::invalid(
            path,
            format!("potential.dataset = \"{dataset}\" has shape {shape:?}; a 3-D array is needed"),
        ));
    }
    if shape != [nodes; 3] {
        return Err(IoError::invalid(
            path,
            format!(
                "potential.dataset = \"{dataset}\" has shape {shape:?}, but potential.nodes = {nodes} needs [{nodes}, {nodes}, {nodes}]"
            ),
        ));
    }
    assert!(
        (0..3).all(|a| lo[a] <= hi[a] && hi[a] < nodes),
        "hyperslab {lo:?}..={hi:?} outside {nodes}³"
    );
    let mut arr: Array3<f64> = ds
        .read_slice(ndarray::s![lo[0]..=hi[0], lo[1]..=hi[1], lo[2]..=hi[2]])
        .map_err(IoError::h5(
            path,
            format!("potential.dataset = \"{dataset}\""),
        ))?;
    arr.mapv_inplace(|v| v * scale);
    Ok(arr)
}
