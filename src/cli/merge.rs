//! `excalibur merge`: run shards (HDF5, `io::merge`) or map shards (FITS, `map::merge_maps`)
//! joined into the file the unsharded command writes.

use super::args::MergeArgs;
use super::exit::bad_input;

/// `excalibur merge`.
pub fn merge(args: &MergeArgs) -> anyhow::Result<()> {
    // Map shards are FITS (`excalibur map --shard`), run shards HDF5.
    if args.parts.first().is_some_and(|p| super::map::is_fits(p)) {
        return super::map::merge_maps(&args.parts, &args.output, args.force);
    }
    excalibur::io::merge(&args.parts, &args.output, args.force).map_err(|e| {
        if e.is_bad_input() {
            bad_input(e)
        } else {
            anyhow::Error::from(e)
        }
    })
}
