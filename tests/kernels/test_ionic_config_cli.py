"""``physics.ep.ionic`` options (scale, variant, regions, integrator) and ``heartsim cell``."""

import json
import subprocess
import sys

import numpy as np
import pytest
from pydantic import ValidationError

from heartsim.config.model import IonicConfig
from heartsim.kernels.ionic import native
from heartsim.kernels.ionic.setup import ionic_from_config, region_index


def test_ionic_config_builds_model_and_node_parameters():
    cfg = IonicConfig(model="ohara_rudy_2011", variant="epi", regions={"endo_layer": "endo", "mid": "M"},
                      scale={"g_Kr": 0.5}, method="generalised_rush_larsen", substeps=2)
    model, p = ionic_from_config(cfg, region_index(4, [np.array([0]), np.array([1, 2])]))
    assert (model.method, model.substeps) == ("generalised_rush_larsen", 2)
    assert list(p["celltype"]) == [0.0, 2.0, 2.0, 1.0]
    assert np.allclose(p["g_Kr"], [0.023, 0.0184, 0.0184, 0.0299])


@pytest.mark.parametrize("bad, key", [
    ({"model": "aliev_panfilov", "variant": "epi"}, "@variant"),
    ({"model": "tentusscher_panfilov_2006", "regions": {"x": "mid"}}, "@regions.x"),
    ({"model": "tentusscher_panfilov_2006", "scale": {"g_Kx": 0.5}}, "@scale.g_Kx"),
    ({"model": "tentusscher_panfilov_2006", "scale": {"g_Kr": -1}}, "@scale.g_Kr"),
    ({"model": "ohara_rudy_2011", "substeps": 0}, "substeps"),
    ({"model": "ohara_rudy_2011", "method": "rk4"}, "method"),
])
def test_bad_ionic_options_name_the_key(bad, key):
    with pytest.raises(ValidationError, match=key.replace(".", r"\.")):
        IonicConfig(**bad)


def _cell(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "heartsim", "cell", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("args, message", [
    (["tt07"], "model tt07: unknown ionic model"),
    (["tt06", "--variant", "mid"], "--variant 'mid'"),
    (["ord", "--scale", "g_Kr=half"], "--scale g_Kr=half: expected NAME=NUMBER"),
    (["ord", "--pacing", "1 kg"], "--pacing 1 kg"),
    (["ap", "--variant", "epi"], "--variant epi: aliev_panfilov has no cell-type variants"),
])
def test_cell_bad_input_is_one_line_exit_2_nothing_written(tmp_path, args, message):
    out = tmp_path / "out"
    r = _cell(*args, "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists()


@pytest.mark.skipif(not native.available(), reason="no C compiler for the native kernel")
def test_cell_writes_traces_metrics_and_plot(tmp_path):
    out = tmp_path / "tt06"
    r = _cell("tt06", "--beats", "2", "--dt", "0.02ms", "--scale", "g_Kr=0.5", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert {p.name for p in out.iterdir()} == {"trace.csv", "metrics.csv", "metrics.json", "trace.png"}
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["variant"] == "epi" and 300 < metrics["apd90_ms"] < 420
    trace = np.loadtxt(out / "trace.csv", delimiter=",", skiprows=1)
    assert trace.shape[1] == 3 and trace[-1, 0] == pytest.approx(1000.0)
    r = _cell("tt06", "--beats", "1", "--out", str(out))
    assert r.returncode == 2 and "not empty" in r.stderr


@pytest.mark.skipif(not native.available(), reason="no C compiler for the native kernel")
def test_native_kernel_runs_regions_like_the_array_code():
    region = region_index(6, [np.array([0, 1]), np.array([4])])
    runs = []
    for kernel in ("numpy", "native"):
        cfg = IonicConfig(model="tentusscher_panfilov_2006", regions={"a": "endo", "b": "M"}, scale={"g_Ks": 0.7},
                          cpu_kernel=kernel)
        model, p = ionic_from_config(cfg, region)
        y = np.repeat(np.array(model.initial_state(p))[:, None], 6, axis=1)
        y[0] += np.linspace(0, 60, 6)
        for k in range(200):  # the NodeParameters object itself, and a plain dict of its values
            model.step(y, 0.02, p if k % 2 else dict(p), np)
        runs.append(y)
    assert model.regions is not None
    assert np.allclose(runs[0], runs[1], rtol=1e-9, atol=1e-12)
