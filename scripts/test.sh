#!/usr/bin/env bash
# The test command: formatting, clippy with warnings as errors, and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets
