"""Shared fixtures: the repository root and the release binary the CLI comparisons run."""

import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "release" / "excalibur"


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs the excalibur binary (built by the test command) and returns the completed process."""
    assert BINARY.exists(), f"{BINARY} is missing: build it with cargo build --release"

    def call(*args, check=True):
        return subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True,
                              check=check, cwd=ROOT)

    return call
