#!/bin/bash
# One CSV row per run of a sweep (run it with --dependency=afterok:<array job id>).
#SBATCH --job-name=excalibur-summarize
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=00:10:00
#SBATCH --output=%x-%j.log
set -euo pipefail
runs=$1
table=$2
bin=${EXCALIBUR:-target/release/excalibur}
"$bin" summarize "$runs"/*.h5 -o "$table" --force
