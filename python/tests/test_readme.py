"""The README's Python example runs as written (a reader copies it first; it must not rot)."""

import re


def readme_block(root, heading):
    """The first ```python block after `heading` in README.md."""
    text = (root / "README.md").read_text()
    start = text.index(heading)
    match = re.search(r"```python\n(.*?)```", text[start:], re.S)
    assert match, f"no python block after {heading!r}"
    return match.group(1)


def test_readme_module_example_runs(root, tmp_path, monkeypatch, capsys):
    code = readme_block(root, "## The Python module")
    (tmp_path / "configs").symlink_to(root / "configs")
    (tmp_path / "runs").mkdir()
    monkeypatch.chdir(tmp_path)
    ns = {}
    exec(compile(code, "README.md", "exec"), ns)
    assert (tmp_path / "runs" / "ring.h5").stat().st_size > 0
    assert ns["img"].rgb.shape == (128, 128, 3)
    assert ns["kappa"].shape == (128, 128) and ns["gamma"].shape == (128, 128, 2)
    # Two images of opposite parity for a point lens; the measured θ_E is printed.
    mags = [i["magnification"] for i in ns["img"].images]
    assert len(mags) == 2 and mags[0] * mags[1] < 0
