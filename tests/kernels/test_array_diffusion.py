"""The DOLFINx-free diffusion solve (blocked CG, convergence tested on the device) and the EP loop's
host synchronisations, counted by running the CuPy code path on a NumPy stand-in."""

import numpy as np
import pytest
import scipy.sparse as sp

from heartsim.kernels.array_diffusion import ArrayDiffusion, theta_operators
from heartsim.kernels.backend import Backend
from heartsim.kernels.slab import slab_case

from cupy_standin import DeviceArray, standin


def _operators(case):
    n = case["coordinates"].shape[0]
    csr = lambda k: sp.csr_matrix((case[f"{k}_data"], case[f"{k}_indices"], case[f"{k}_indptr"]), shape=(n, n))  # noqa: E731
    return theta_operators(csr("mass"), csr("stiffness"), float(case["chi_cm"]), float(case["dt"]), 0.5, True)


def _plain_cg(A, B, v, rtol):
    """Reference: Jacobi-PCG tested after every iteration, same operation order."""
    b = B @ v
    x = v.copy()
    r = b - A @ x
    inv = 1.0 / A.diagonal()
    z = inv * r
    p = z.copy()
    rz = r @ z
    tol2 = rtol ** 2 * (b @ b)
    k = 0
    while not (r @ r) <= tol2:
        q = A @ p
        alpha = rz / (p @ q)
        x += alpha * p
        r -= alpha * q
        z = inv * r
        rz_new = r @ z
        p *= rz_new / rz
        p += z
        rz = rz_new
        k += 1
    return x, k


def test_blocked_cg_stops_at_the_same_iterate_as_plain_cg():
    case = slab_case(size=(4.0, 2.0, 1.0), h=0.25, model="mitchell_schaeffer", dt=0.1)
    A, B = _operators(case)
    rng = np.random.default_rng(0)
    diffusion = ArrayDiffusion(A, B, np, rtol=1e-10, first_block=3)
    for step in range(6):  # first block too short (several reads), then one read per solve
        v = -80.0 + 100.0 * rng.random(A.shape[0])
        expected, k = _plain_cg(A, B, v, 1e-10)
        before = (diffusion.iterations, diffusion.host_reads)
        diffusion(v)
        assert diffusion.iterations - before[0] == k > 3
        assert np.array_equal(v, expected)  # masked iterations change nothing
        if step > 0:
            assert diffusion.host_reads - before[1] == 1
    assert diffusion.wasted <= 6 * 2 + 3


def test_blocked_cg_reports_non_convergence():
    n = 50
    A = sp.diags([-np.ones(n - 1), 2.01 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1], format="csr")
    diffusion = ArrayDiffusion(A, sp.identity(n, format="csr"), np, rtol=1e-14, max_iterations=5, first_block=2)
    with pytest.raises(RuntimeError, match="did not converge in 8 iterations"):  # blocks of 2, 2, 4
        diffusion(np.random.default_rng(1).random(n))


def test_ep_loop_reads_the_device_once_per_step(monkeypatch):
    """The CuPy code path of the runner (BenchCase, EPLoop, ArrayDiffusion) on a stand-in that
    counts every device-to-host transfer: at most one per step (the CG's end-of-block read), and
    the same activation times as the NumPy run."""
    import heartsim.kernels.bench as bench

    case = slab_case(size=(3.0, 1.0, 1.0), h=0.25, model="mitchell_schaeffer", dt=0.05, end=6.0)
    reference = bench.BenchCase(case, Backend("numpy", np, "test"))
    reference.run()

    monkeypatch.setattr(bench, "sparse_module", lambda xp: sp)  # SciPy matrices under the stand-in
    gpu = bench.BenchCase(case, Backend("cupy", standin(), "NumPy stand-in"))
    gpu.warm_up()
    reads = []
    for _ in range(gpu.steps):
        before = DeviceArray.transfers
        gpu.loop.advance(gpu.diffusion)
        reads.append(DeviceArray.transfers - before)
    assert max(reads) == 1 and sum(reads) == gpu.diffusion.host_reads == gpu.steps
    np.testing.assert_array_equal(gpu.maps()["activation_time"], reference.maps()["activation_time"])
    act = reference.maps()["activation_time"]
    assert np.isfinite(act[case["coordinates"][:, 0] > 2.0]).any()  # the wave left the stimulus


def test_restore_keeps_single_precision_states():
    from heartsim.kernels.bench import BenchCase

    case = BenchCase(slab_case(size=(1.0, 0.5, 0.5), h=0.25, model="mitchell_schaeffer", end=0.2),
                     Backend("numpy", np, "test"), "fp32")
    case.run()
    saved = case.loop.state()
    case.loop.restore(saved, case.loop.step_count)
    assert case.loop.states.dtype == np.float32
    np.testing.assert_array_equal(case.loop.states, saved["ionic"])
