"""`potential.mode = "particles"` (interface.md §6) through the CLI: the example snapshot made
by scripts/make_snapshot.py (Gadget HDF5 written by h5py) runs configs/nbody_lightcone.toml;
a three-file snapshot of the same particles gives the same run bit for bit; the run is the
same on one thread and on two; and every bad snapshot exits 2 naming the file and the item."""

import json
import subprocess
import sys

import h5py
import numpy as np
import pytest


@pytest.fixture(scope="module")
def snapshots(root, tmp_path_factory):
    d = tmp_path_factory.mktemp("snap")
    make = lambda *a: subprocess.run([sys.executable, str(root / "scripts" / "make_snapshot.py"),
                                      *map(str, a)], check=True, capture_output=True, text=True)
    make(d / "one.hdf5", "--particles", 32, "--box-mpc-h", 300)
    make(d / "split.0.hdf5", "--particles", 32, "--box-mpc-h", 300, "--files", 3)
    return d


def config(root, tmp_path, snapshot, extra="", particles_extra=""):
    base = (root / "configs" / "nbody_lightcone.toml").read_text()
    base = base.replace('file = "../sims/nbody_example.hdf5"', f'file = "{snapshot}"')
    base = base.replace("nodes = 64", "nodes = 32" + extra)
    base = base.replace('replicate = true', 'replicate = true' + particles_extra)
    base = base.replace("[700.0, 700.0, 700.0]", "[400.0, 400.0, 400.0]")
    base = base.replace("distance_mpc = 1500.0", "distance_mpc = 600.0")
    path = tmp_path / "nbody.toml"
    path.write_text(base)
    return path


def run(cli, cfg, out, *args):
    p = cli("run", cfg, "-o", out, "--json", "--force", *args)
    return json.loads(p.stdout.strip().splitlines()[-1])


def observables(path):
    with h5py.File(path) as f:
        return {k: f["observables"][k][()] for k in f["observables"]}


def test_the_example_config_runs_and_its_rays_are_bent(cli, root, tmp_path, snapshots):
    out = tmp_path / "one.h5"
    summary = run(cli, config(root, tmp_path, snapshots / "one.hdf5"), out)
    assert summary["photons"] == 91 and summary["end_reasons"] == {"distance_reached": 91}
    assert summary["grid_bytes"] == 32**3 * 4 * 4
    obs = observables(out)
    key = next(k for k in obs if "deflection" in k)
    # Large-scale structure bends each ray by arcseconds [rad here], never zero, never degrees.
    arcsec = np.radians(1 / 3600)
    assert np.all(obs[key] > 0.1 * arcsec) and np.all(obs[key] < 600 * arcsec), obs[key]


def test_a_three_file_snapshot_equals_the_single_file_bit_for_bit(cli, root, tmp_path, snapshots):
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    run(cli, config(root, tmp_path, snapshots / "one.hdf5"), a)
    run(cli, config(root, tmp_path, snapshots / "split.0.hdf5"), b)
    oa, ob = observables(a), observables(b)
    assert oa.keys() == ob.keys()
    for k in oa:
        assert np.array_equal(oa[k], ob[k], equal_nan=True), k


def test_one_thread_and_two_give_the_same_run(cli, root, tmp_path, snapshots):
    a, b = tmp_path / "t1.h5", tmp_path / "t2.h5"
    cfg = config(root, tmp_path, snapshots / "one.hdf5")
    run(cli, cfg, a, "--threads", 1)
    run(cli, cfg, b, "--threads", 2)
    for k, v in observables(a).items():
        assert np.array_equal(v, observables(b)[k], equal_nan=True), k


def broken(snapshots, tmp_path, change):
    """A copy of the single-file snapshot with `change(file)` applied."""
    path = tmp_path / "broken.hdf5"
    path.write_bytes((snapshots / "one.hdf5").read_bytes())
    with h5py.File(path, "r+") as f:
        change(f)
    return path


def nan_position(f):
    c = f["PartType1/Coordinates"]
    row = c[5]
    row[1] = np.nan
    c[5] = row


def far_position(f):
    c = f["PartType1/Coordinates"]
    c[7] = [1e9, 0, 0]


@pytest.mark.parametrize("change, item", [
    (lambda f: f["Header"].attrs.__delitem__("Omega0"), "Header/Omega0"),
    (lambda f: f["Header"].attrs.__setitem__("Omega0", 0.25), "Header/Omega0 = 0.25 disagrees"),
    (lambda f: f["Header"].attrs.__setitem__("HubbleParam", 0.68), "Header/HubbleParam"),
    (nan_position, "row 5"),
    (far_position, "row 7"),
    (lambda f: f.__delitem__("PartType1"), "PartType1/Coordinates"),
    (lambda f: f["Header"].attrs.__setitem__("NumPart_Total", np.zeros(6, np.uint32)),
     "no particles"),
])
def test_bad_snapshots_exit_2_naming_the_file_and_the_item(cli, root, tmp_path, snapshots,
                                                          change, item):
    bad = broken(snapshots, tmp_path, change)
    p = cli("run", config(root, tmp_path, bad), "-o", tmp_path / "x.h5", check=False)
    assert p.returncode == 2, p.stderr
    assert str(bad) in p.stderr and item in p.stderr, p.stderr
    assert "panicked" not in p.stderr


@pytest.mark.parametrize("extra, particles_extra, key", [
    ("", "\ntypes = [9]", "potential.particles.types"),
    ("", "\nlength_unit_mpc_h = -1.0", "potential.particles.length_unit_mpc_h"),
    ("\nsize_mpc = 100.0", "", "potential.size_mpc"),
])
def test_bad_keys_exit_2_naming_the_key(cli, root, tmp_path, snapshots, extra, particles_extra,
                                       key):
    text = config(root, tmp_path, snapshots / "one.hdf5", extra, "").read_text()
    if particles_extra:
        # Replace the key where the example sets it (a TOML key may appear once).
        name = particles_extra.strip().split(" =")[0]
        lines = [l for l in text.splitlines() if not l.startswith(f"{name} =")]
        text = "\n".join(lines).replace("replicate = true", "replicate = true" + particles_extra)
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    p = cli("run", cfg, "-o", tmp_path / "x.h5", check=False)
    assert p.returncode == 2, p.stderr
    assert key in p.stderr, p.stderr


def with_lines(path, **keys):
    """The config at `path` with each `key = value` line replaced (the key's first line)."""
    lines = path.read_text().splitlines()
    for key, value in keys.items():
        i = next(n for n, l in enumerate(lines) if l.startswith(f"{key} ="))
        lines[i] = f"{key} = {value}"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_linear_growth_deepens_past_wells_and_adds_isw(cli, root, tmp_path, snapshots):
    # The snapshot is at z = 0: earlier along the cone g = D/a is larger (G > 1), so rays bend
    # more than through the frozen field (by ~ the growth over z ≈ 0.15, a few %), and the
    # decaying potential gives an ISW redshift that the frozen one cannot.
    cfg = config(root, tmp_path, snapshots / "one.hdf5")
    grown, frozen = tmp_path / "grown.h5", tmp_path / "frozen.h5"
    run(cli, cfg, grown)
    run(cli, with_lines(cfg, time_dependence='"frozen"'), frozen)
    g, f = observables(grown), observables(frozen)
    assert np.all(f["z_isw"] == 0.0)
    assert np.all(g["z_isw"] != 0.0) and np.all(np.abs(g["z_isw"]) < 1e-5), g["z_isw"]
    ratio = np.median(g["deflection_rad"] / f["deflection_rad"])
    assert 1.005 < ratio < 1.2, ratio


def test_linear_growth_on_a_static_background_exits_2(cli, root, tmp_path, snapshots):
    cfg = with_lines(config(root, tmp_path, snapshots / "one.hdf5"), model='"static"')
    p = cli("run", cfg, "-o", tmp_path / "x.h5", check=False)
    assert p.returncode == 2, p.stderr
    assert "potential.particles.time_dependence" in p.stderr and "expanding" in p.stderr, p.stderr


def test_replicated_rays_continue_through_the_periodic_copies(cli, root, tmp_path, snapshots):
    # 1500 Mpc of path through a 428.6 Mpc box: with replicate the rays go on (and the run
    # says that structures repeat); without, each ray ends where it leaves the box.
    cfg = with_lines(config(root, tmp_path, snapshots / "one.hdf5"), distance_mpc="1500.0")
    p = cli("run", cfg, "-o", tmp_path / "r.h5", "--json", "--force")
    summary = json.loads(p.stdout.strip().splitlines()[-1])
    assert summary["end_reasons"] == {"distance_reached": 91}, summary
    assert "periodic" in p.stderr and "boxes" in p.stderr, p.stderr
    closed = with_lines(cfg, replicate="false")
    summary = run(cli, closed, tmp_path / "c.h5")
    assert summary["end_reasons"] == {"left_grid": 91}, summary


def test_the_potential_command_saves_the_snapshot_solve(cli, root, tmp_path, snapshots):
    # Solve once, save: `Phi` [32, 32, 32] in m²/s² over the snapshot's box, at its redshift,
    # with the config that made it; the attributes say how to trace from it.
    out = tmp_path / "phi.h5"
    p = cli("potential", config(root, tmp_path, snapshots / "one.hdf5"), "-o", out, "--json")
    summary = json.loads(p.stdout.strip().splitlines()[-1])
    with h5py.File(out) as f, h5py.File(snapshots / "one.hdf5") as s:
        phi = f["Phi"][()]
        assert phi.shape == (32, 32, 32) and phi.dtype == np.float64
        box_mpc = s["Header"].attrs["BoxSize"] * 1e-3 / 0.7
        assert abs(f.attrs["size_mpc"] - box_mpc) < 1e-9 * box_mpc
        assert f.attrs["redshift"] == s["Header"].attrs["Redshift"] == summary["redshift"]
        assert f.attrs["phi_units"] == "m2/s2" and "particles" in f.attrs["config_toml"]
    # Φ of a ΛCDM box: a zero mean (k = 0 removed) and |Φ|/c² ~ 1e-5.
    c2 = 299792458.0**2
    assert abs(phi.mean()) < 1e-6 * np.abs(phi).max()
    assert 1e-7 < np.abs(phi).max() / c2 < 1e-3
    again = cli("potential", config(root, tmp_path, snapshots / "one.hdf5"), "-o", out,
                check=False)
    assert again.returncode == 2 and "--force" in again.stderr, again.stderr


def test_the_run_file_records_the_snapshot_it_traced(cli, root, tmp_path, snapshots):
    import hashlib
    import shutil
    for name, parts in (("one.hdf5", ["one.hdf5"]),
                        ("split.0.hdf5", [f"split.{i}.hdf5" for i in range(3)])):
        out = tmp_path / "rec.h5"
        run(cli, config(root, tmp_path, snapshots / name), out)
        with h5py.File(out) as f, h5py.File(snapshots / parts[0]) as s:
            g = f["snapshot"]
            assert g.attrs["path"] == str(snapshots / name)
            assert [str(p) for p in g.attrs["files"]] == [str(snapshots / p) for p in parts]
            assert list(g.attrs["size_bytes"]) == [(snapshots / p).stat().st_size for p in parts]
            assert list(g.attrs["sha256"]) == [
                hashlib.sha256((snapshots / p).read_bytes()).hexdigest() for p in parts]
            assert g.attrs["redshift"] == s["Header"].attrs["Redshift"]
            assert g.attrs["particle_count"] == s["Header"].attrs["NumPart_Total"][1] == 32**3
    # Shards of one snapshot merge, keeping the record; a shard traced after the snapshot was
    # rewritten comes from another run and is refused.
    snap = tmp_path / "copy.hdf5"
    shutil.copy(snapshots / "one.hdf5", snap)
    cfg = config(root, tmp_path, snap)
    run(cli, cfg, tmp_path / "p0.h5", "--shard", "0/2")
    run(cli, cfg, tmp_path / "p1.h5", "--shard", "1/2")
    cli("merge", tmp_path / "p0.h5", tmp_path / "p1.h5", "-o", tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as f, h5py.File(tmp_path / "p0.h5") as p:
        assert list(f["snapshot"].attrs["sha256"]) == list(p["snapshot"].attrs["sha256"])
    with h5py.File(snap, "a") as s:
        s["Header"].attrs["Note"] = "rewritten"  # bytes change, the physics does not
    run(cli, cfg, tmp_path / "p1.h5", "--shard", "1/2")
    r = cli("merge", tmp_path / "p0.h5", tmp_path / "p1.h5", "-o", tmp_path / "m2.h5",
            check=False)
    assert r.returncode == 2 and "different run" in r.stderr, r.stderr
