"""The diffusion half-step on sparse matrices of NumPy/SciPy or CuPy: Jacobi-preconditioned CG.

With the assembled P1 mass matrix M and stiffness matrix K (CSR), c = chi C_m and theta in [1/2, 1],

    A v^{n+1} = B v^n,    A = c M + theta dt K,    B = c M - (1 - theta) dt K

(M replaced by its row sums when lumped). A is symmetric positive definite, so CG applies; the
preconditioner is the inverse diagonal of A. Stops at the first iterate with ||r|| <= rtol ||b||
(PETSc's default test), checked after every iteration.

Host round trips: the convergence test is evaluated on the array backend, never on the host.
Iterations run in blocks; inside a block an iteration after convergence is masked (alpha = 0,
x and r unchanged), and a device counter records how many iterations were unmasked. At the end of
a block the host reads (converged, count) in one transfer, the only one of the solve when the
block was long enough. The block length is the previous solve's count plus a margin, so in a time
loop a step costs one host synchronisation and about ``margin`` wasted iterations; ``host_reads``
counts the synchronisations (a diagnostic the benchmarks print). The result equals unblocked CG
stopped at the same iterate.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np


def sparse_module(xp: ModuleType):
    """scipy.sparse for NumPy, cupyx.scipy.sparse for CuPy."""
    if xp.__name__ == "cupy":
        import cupyx.scipy.sparse as sparse
    else:
        import scipy.sparse as sparse
    return sparse


def theta_operators(mass, stiffness, c: float, dt: float, theta: float, lumped: bool):
    """(A, B) of the theta-scheme from CSR mass and stiffness matrices (SciPy or CuPy sparse)."""
    xp_sparse = sparse_module(_namespace(mass))
    if lumped:
        m = xp_sparse.diags(_namespace(mass).asarray(mass.sum(axis=1)).ravel(), format="csr")
    else:
        m = mass
    return (c * m + theta * dt * stiffness).tocsr(), (c * m - (1.0 - theta) * dt * stiffness).tocsr()


def _namespace(matrix) -> ModuleType:
    if type(matrix).__module__.startswith("cupyx"):
        import cupy

        return cupy
    import numpy

    return numpy


def _host(array) -> np.ndarray:
    """One device-to-host transfer (``.get()`` on CuPy), nothing on NumPy."""
    return array.get() if hasattr(array, "get") else np.asarray(array)


class ArrayDiffusion:
    """Advance v in place by A v_new = B v with Jacobi-preconditioned CG (see the module docstring)."""

    def __init__(self, A, B, xp: ModuleType, rtol: float = 1e-10, max_iterations: int = 10_000,
                 first_block: int = 16, margin: int = 1):
        self.A, self.B, self.xp = A, B, xp
        self.inv_diag = 1.0 / A.diagonal()
        self.rtol, self.max_iterations = rtol, max_iterations
        self.block, self.margin = max(1, first_block), max(0, margin)
        self.iterations = 0  #: CG iterations over all solves (unmasked ones only)
        self.solves = 0
        self.host_reads = 0  #: device-to-host synchronisations over all solves
        self.wasted = 0  #: masked iterations (run after convergence inside a block)

    def counters(self) -> tuple:
        """The solver's counters and block length (to undo an untimed solve: :meth:`restore`)."""
        return self.iterations, self.solves, self.host_reads, self.wasted, self.block

    def restore(self, counters: tuple) -> None:
        self.iterations, self.solves, self.host_reads, self.wasted, self.block = counters

    def __call__(self, v) -> None:
        xp = self.xp
        b = self.B @ v
        x = v  # the previous step is the initial guess
        r = b - self.A @ x
        z = self.inv_diag * r
        p = z.copy()
        rz = xp.dot(r, z)
        tol2 = (self.rtol ** 2) * xp.dot(b, b)
        done = xp.dot(r, r) <= tol2  # 0-d boolean on the backend
        count = xp.zeros((), dtype=np.int64)
        performed = 0
        with np.errstate(divide="ignore", invalid="ignore"):
            while True:
                for _ in range(self.block):
                    q = self.A @ p
                    alpha = xp.where(done, 0.0, rz / xp.dot(p, q))
                    x += alpha * p
                    r -= alpha * q
                    xp.multiply(self.inv_diag, r, out=z)
                    rz_new = xp.dot(r, z)
                    beta = xp.where(done, 0.0, rz_new / rz)
                    p *= beta
                    p += z
                    rz = rz_new
                    count += ~done
                    done = done | (xp.dot(r, r) <= tol2)
                performed += self.block
                converged, k = (int(f) for f in _host(xp.stack([done.astype(np.int64), count])))
                self.host_reads += 1
                if converged:
                    break
                if performed >= self.max_iterations:
                    raise RuntimeError(f"diffusion CG did not converge in {performed} iterations")
                self.block = performed  # double: log2 reads when the block was far too short
        self.wasted += performed - k
        self.iterations += k
        self.solves += 1
        self.block = max(1, k + self.margin)
