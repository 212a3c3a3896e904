#!/bin/bash
# One shard of a big run per job-array task; merge.sh joins them once all have succeeded.
#
#   jid=$(sbatch --parsable --array=0-15 configs/slurm/sharded_run.sh configs/seed_optimal.toml runs/big)
#   sbatch --dependency=afterok:$jid configs/slurm/merge.sh runs/big
#
# Requests from measurements on a 2-core node (README, "Clusters"): a 512³ f32 grid takes
# 2.0 GiB and the process peaks at 2.1 GiB with a packed output, so 3G leaves room; the
# seed_optimal geometry (1000 RK4 steps a ray) traces 0.145 ms a ray on 2 cores (6.9e6
# steps/s) after a 0.6-3.5 s grid build, so 16 tasks of 10^7/16 rays need ~1.6 min each:
# 20 minutes is a safe limit. Scale --time with rays × steps per ray.
#SBATCH --job-name=excalibur-shard
#SBATCH --cpus-per-task=2
#SBATCH --mem=3G
#SBATCH --time=00:20:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail
config=$1
out=$2
bin=${EXCALIBUR:-target/release/excalibur}   # cargo build --release --no-default-features
mkdir -p "$out"
"$bin" run "$config" --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  -o "$out/part_${SLURM_ARRAY_TASK_ID}.h5" --threads "${SLURM_CPUS_PER_TASK:-0}" \
  --quiet --json --force > "$out/part_${SLURM_ARRAY_TASK_ID}.json"
