#!/bin/bash
# One run of a parameter sweep per job-array task; summarize.sh makes one table of them.
#
#   n=$(target/release/excalibur sweep runs/sweep.toml --list | wc -l)
#   jid=$(sbatch --parsable --array=0-$((n - 1)) configs/slurm/sweep.sh runs/sweep.toml)
#   sbatch --dependency=afterok:$jid configs/slurm/summarize.sh runs/sweep runs/sweep.csv
#
# Requests as in sharded_run.sh (a 512³ grid per task: 3G); --time for a whole run of the
# base config: rays × steps per ray / 6.9e6 steps/s on 2 cores, plus up to 3.5 s of grid build.
#SBATCH --job-name=excalibur-sweep
#SBATCH --cpus-per-task=2
#SBATCH --mem=3G
#SBATCH --time=00:20:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail
manifest=$1
bin=${EXCALIBUR:-target/release/excalibur}
"$bin" sweep "$manifest" --index "${SLURM_ARRAY_TASK_ID}" --threads "${SLURM_CPUS_PER_TASK:-0}" \
  --quiet --json --force
