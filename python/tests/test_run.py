"""Runs from Python against `excalibur run` of the same config, read back with h5py."""

import os
import signal
import threading
import time

import h5py
import numpy as np
import pytest

import excalibur as ex


def cli_run(cli, root, tmp_path, config, sets=()):
    out = tmp_path / "cli.h5"
    args = ["run", root / "configs" / config, "-o", out, "--quiet"]
    for s in sets:
        args += ["--set", s]
    cli(*args)
    return out


def assert_same_run(run, path):
    """States and observables of `run` equal the file's bit for bit (h5py reads it)."""
    with h5py.File(path, "r") as f:
        n = int(f.attrs["n_photons"])
        assert run.n_photons == n
        obs = f["observables"]
        for name in obs:
            a = run.observables[name]
            b = obs[name][()]
            assert a.shape == b.shape, name
            np.testing.assert_array_equal(a, b, err_msg=name)
        labels = list(obs["end_reason"].attrs["labels"])
        labels = [x.decode() if isinstance(x, bytes) else x for x in labels]
        assert run.end_reasons == [labels[c] for c in obs["end_reason"][()]]
        if f.attrs["layout"] == "packed":
            offsets = f["photon_offsets"][()]
            states = f["states"][()]
            rows = [states[offsets[i]:offsets[i + 1]] for i in range(n)]
        else:
            rows = [f[f"photon_{i}_states"][()] for i in range(n)]
        for i in range(n):
            s = run.states(i)
            assert s.dtype == np.float64 and s.shape == rows[i].shape
            np.testing.assert_array_equal(s, rows[i], err_msg=f"photon {i}")


@pytest.mark.parametrize("layout", ["per_photon", "packed"])
def test_run_equals_the_cli_bit_for_bit(cli, root, tmp_path, layout):
    cfg = ex.Config.load(root / "configs" / "point_mass_beam.toml").set("output.layout", layout)
    run = ex.run(cfg, threads=2)
    path = cli_run(cli, root, tmp_path, "point_mass_beam.toml", [f"output.layout={layout}"])
    assert_same_run(run, path)
    # read_run of both layouts gives the same Run back.
    back = ex.read_run(path)
    assert_same_run(back, path)
    assert back.config_toml == run.config_toml


def test_write_then_read_back(root, tmp_path):
    cfg = ex.Config.load(root / "configs" / "two_lenses.toml")
    run = ex.run(cfg)
    out = tmp_path / "py.h5"
    run.write(out)
    assert_same_run(run, out)
    assert_same_run(ex.read_run(out), out)
    with pytest.raises(ValueError, match="exists"):
        run.write(out)
    run.write(out, force=True)


def test_shard_matches_the_cli_shard(cli, root, tmp_path):
    cfg = ex.Config.load(root / "configs" / "point_mass_beam.toml")
    part = ex.run(cfg, shard=(1, 3))
    out = tmp_path / "part.h5"
    cli("run", root / "configs" / "point_mass_beam.toml", "--shard", "1/3", "-o", out, "--quiet")
    assert_same_run(part, out)
    assert part.n_photons_total == 32 and part.n_photons < 32


def threads_now():
    return len(os.listdir("/proc/self/task"))


def test_keyboard_interrupt_cancels_promptly_and_leaves_no_thread(root):
    # 16 000 rays of RK4 at 0.01 Mpc (10^5 steps each, a row kept every 1000): minutes of
    # tracing, so the run is still going when the signal comes however fast the tracer gets.
    # (The earlier 16 000 DOPRI5 rays took 0.4 s once the tracer got faster, ended before the
    # signal, and the interrupt then landed outside the `raises` block and aborted pytest.)
    cfg = (ex.Config.load(root / "configs" / "point_mass_beam.toml")
           .set("rays.n_phi", 2000)
           .set("integration.method", "rk4")
           .set("integration.step_mpc", 0.01)
           .set("integration.record_every", 1000))
    before = threads_now()
    sent = {}

    def interrupt():
        sent["t"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.5, interrupt)
    timer.start()
    start = time.monotonic()
    returned = None
    try:
        ex.run(cfg, threads=2)
        returned = time.monotonic() - start
        timer.join()
        time.sleep(0.1)  # where a late interrupt lands
    except KeyboardInterrupt:
        pass
    raised = time.monotonic()
    timer.join()
    assert returned is None, f"the run finished in {returned:.2f} s, before the interrupt"
    assert raised - sent["t"] < 0.5, f"took {raised - sent['t']:.3f} s to stop"
    # The call's pool workers end once it is dropped.
    deadline = time.monotonic() + 0.5
    while threads_now() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threads_now() <= before, f"{threads_now()} threads, {before} before the run"


def test_progress_bar_counts_every_ray(root, capsys):
    cfg = ex.Config.load(root / "configs" / "point_mass_beam.toml")
    run = ex.run(cfg, progress=True)
    err = capsys.readouterr().err
    assert "32/32" in err, err
    assert run.n_photons == 32
