"""scripts/gpu_benchmark.py, its NumPy half at a tiny size (so the script the GPU run needs cannot
rot): every section runs and lands in report.json and report.md; bad input exits 2."""

import importlib.util
import json
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("gpu_benchmark", REPO / "scripts" / "gpu_benchmark.py")
gpu_benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu_benchmark)


def test_numpy_half_writes_every_section(tmp_path):
    out = tmp_path / "bench"
    assert gpu_benchmark.main(["--backend", "numpy", "--tiny", "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["device"]["backend"] == "numpy" and report["device"]["copy_bandwidth_Bps"] > 0
    kernels = report["kernels"]
    assert {(r["model"], r["precision"]) for r in kernels} == {
        (m, p) for m in gpu_benchmark.KERNEL_MODELS for p in ("fp64", "fp32")}
    assert all(r["cell_steps_per_s"] > 0 and 0 < r["fraction_of_copy_bandwidth"] for r in kernels)
    assert {r["bytes_per_cell_step"] for r in kernels if r["model"] == "ohara_rudy_2011"} == {656, 328}
    # NumPy against NumPy: the agreement section runs the same code on both sides
    assert len(report["agreement"]) == 6 and all(r["fp64_max_rel_diff"] == 0.0 for r in report["agreement"])
    fp64, fp32 = report["runner"]
    assert (fp64["precision"], fp32["precision"]) == ("fp64", "fp32") and fp64["nodes"] == 45
    assert fp64["wall_s"] > 0 and fp64["activated"] > 0 and 0 < fp64["host_reads_per_step"] <= 1.5
    assert fp64["cg_iterations_per_step"] > 1 and fp64["ionic_s_per_step"] > 0
    agreement = report["runner_agreement"]
    assert agreement["activated_nodes"] > 0 and "gpu_vs_numpy_fp64_max_abs_ms" not in agreement
    assert agreement["fp32_vs_fp64_max_abs_ms"] is not None and agreement["fp32_vs_fp64_max_abs_ms"] < fp64["dt_ms"]
    text = (out / "report.md").read_text()
    assert text.count("| tentusscher_panfilov_2006 |") == 4 + 3 and "slab dx 0.5 mm" in text
    assert "FP32 vs FP64 max |diff|" in text


def test_missing_case_file_exits_2(tmp_path, capsys):
    assert gpu_benchmark.main([str(tmp_path / "n01.npz"), "--backend", "numpy"]) == 2
    assert "n01.npz: no such file" in capsys.readouterr().err


def test_max_diff_needs_the_same_activated_nodes():
    a, b = np.array([1.0, np.nan, 3.0]), np.array([1.5, np.nan, 2.0])
    assert gpu_benchmark._max_diff(a, b) == 1.0
    assert gpu_benchmark._max_diff(a, np.array([1.0, 2.0, 3.0])) is None
