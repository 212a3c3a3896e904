#!/bin/bash
# Joins the shards of sharded_run.sh (run it with --dependency=afterok:<array job id>). merge
# refuses, naming the shard, when a part is missing or was run twice; then rerun that task.
# Memory: merge holds the rays of all parts in memory (about the output's uncompressed size:
# 1.2 kB a ray at record_every = 100 for seed_optimal, so 8G covers ~5e6 rays; raise it, or
# keep fewer rows, for more).
#SBATCH --job-name=excalibur-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=8G
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.log
set -euo pipefail
out=$1
bin=${EXCALIBUR:-target/release/excalibur}
"$bin" merge "$out"/part_*.h5 -o "$out/merged.h5"
