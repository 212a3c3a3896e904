# Sourced by run.sh and test.sh: one build serves both README commands. Our crate is compiled
# by clippy-driver (lints with warnings as errors, and the same code as rustc), so the test
# command's lint pass reuses the run command's release artifacts instead of checking every
# dependency again in a separate clippy build. Dependencies are untouched by the wrapper.
export RUSTC_WORKSPACE_WRAPPER=clippy-driver
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
