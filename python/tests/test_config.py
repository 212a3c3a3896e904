"""Config: the rules of --set, the resolved keys, and errors that never panic."""

import math

import pytest

import excalibur as ex


def test_set_and_read_resolved_keys(root):
    cfg = ex.Config.load(root / "configs" / "default.toml")
    new = cfg.set("lenses.0.mass_msun", 2e15)
    assert new["lenses.0.mass_msun"] == 2e15
    assert cfg["lenses.0.mass_msun"] != 2e15, "set returns a new Config"
    assert isinstance(cfg["potential.mode"], str)
    assert "lenses.0.mass_msun" in cfg and "no.such" not in cfg
    # A default the file leaves implicit is resolved.
    assert cfg["integration.method"] in ("rk4", "dopri5")
    with pytest.raises(KeyError):
        cfg["no.such.key"]
    # Text in TOML syntax, as --set takes it.
    assert cfg.set("potential.mode", "grid")["potential.mode"] == "grid"
    assert cfg.set("observer.position_mpc", [-10.0, 0, 0])["observer.position_mpc"] == [-10.0, 0.0, 0.0]


def test_to_toml_round_trips(root):
    cfg = ex.Config.load(root / "configs" / "two_lenses.toml")
    again = ex.Config.from_toml(cfg.to_toml())
    assert again.to_toml() == cfg.to_toml()


@pytest.mark.parametrize("key,value,words", [
    ("lenses.0.mass_msun", math.nan, "finite"),
    ("lenses.0.mass_msun", math.inf, "finite"),
    ("lenses.0.mass_msun", -1.0, "lenses.0.mass_msun"),
    ("potential.nodes", "abc", "potential.nodes"),
    ("potential.nodez", 64, "nodez"),
    ("lenses.9.mass_msun", 1e14, "out of range"),
    ("integration.method", "leapfrog", "integration.method"),
])
def test_set_obeys_the_cli_validation(cli, root, key, value, words):
    cfg = ex.Config.load(root / "configs" / "point_mass_beam.toml")
    with pytest.raises(ex.ConfigError) as e:
        cfg.set(key, value)
    assert isinstance(e.value, ValueError)
    assert key.split(".")[-1] in e.value.key or e.value.key in key
    assert words in str(e.value)
    # The CLI says the same, with exit status 2.
    text = repr(value) if not isinstance(value, str) else value
    text = {"nan": "nan", "inf": "inf"}.get(text, text)
    p = cli("check", root / "configs" / "point_mass_beam.toml", "--set", f"{key}={text}",
            check=False)
    assert p.returncode == 2
    assert str(e.value) in p.stderr


BAD_CALLS = [
    lambda r: ex.Config.load(r / "no_such.toml"),
    lambda r: ex.Config.load(r / "configs"),
    lambda r: ex.Config.from_toml("[[[ not toml"),
    lambda r: ex.Config.from_toml("[rays]\ncount = -3\n"),
    lambda r: ex.Config.load(r / "configs" / "seed_guide.toml"),
    lambda r: ex.Config.load(r / "configs" / "default.toml").set("a..b", 1),
    lambda r: ex.Config.load(r / "configs" / "default.toml").set("lenses.x.mass_msun", 1),
    lambda r: ex.Config.load(r / "configs" / "default.toml").set("lenses.0.mass_msun", {"a": 1}),
    lambda r: ex.Config.load(r / "configs" / "default.toml").set("lenses.0.mass_msun", None),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml"), threads=5000),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml"), shard=(3, 3)),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml"), shard=(0, 0)),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml")).states(32),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml")).states(-33),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml")).write(r / "configs"),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml")).write("/dev/null"),
    lambda r: ex.run(ex.Config.load(r / "configs" / "point_mass_beam.toml").set(
        "potential.file", "missing.h5").set("potential.mode", "grid")),
    lambda r: ex.read_run(r / "configs" / "default.toml"),
    lambda r: ex.read_run(r / "no_such.h5"),
    lambda r: ex.read_run(r / "configs"),
    lambda r: ex.image(ex.Config.load(r / "configs" / "teach_einstein_ring.toml"), size=0),
    lambda r: ex.image(ex.Config.load(r / "configs" / "teach_einstein_ring.toml"), size=10**6),
    lambda r: ex.image(ex.Config.load(r / "configs" / "teach_einstein_ring.toml").set(
        "source.kind", "image").set("source.image", "no_such.png"), size=32),
]


@pytest.mark.parametrize("call", range(len(BAD_CALLS)))
def test_bad_input_raises_a_python_error_never_a_panic(root, call):
    # PanicException derives from BaseException: `except Exception` would not catch it.
    with pytest.raises((ValueError, TypeError, OSError, IndexError, KeyError)) as e:
        BAD_CALLS[call](root)
    assert "PanicException" not in type(e.value).__name__
    assert str(e.value)
