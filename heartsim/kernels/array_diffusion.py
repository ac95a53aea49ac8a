"""The diffusion half-step on sparse matrices of NumPy/SciPy or CuPy: Jacobi-preconditioned CG.

With the assembled P1 mass matrix M and stiffness matrix K (CSR), c = chi C_m and theta in [1/2, 1],

    A v^{n+1} = B v^n,    A = c M + theta dt K,    B = c M - (1 - theta) dt K

(M replaced by its row sums when lumped). A is symmetric positive definite, so CG applies; the
preconditioner is the inverse diagonal of A. The iteration runs entirely on the array backend: the
residual norm is brought to the host only every ``check_every`` iterations (one scalar), so on a GPU
a step costs no other host round trip. Stops when ||r|| <= rtol ||b||, as PETSc's default test.
"""

from __future__ import annotations

from types import ModuleType


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


class ArrayDiffusion:
    """Advance v in place by A v_new = B v with Jacobi-preconditioned CG (see the module docstring)."""

    def __init__(self, A, B, xp: ModuleType, rtol: float = 1e-10, max_iterations: int = 10_000,
                 check_every: int = 4):
        self.A, self.B, self.xp = A, B, xp
        self.inv_diag = 1.0 / A.diagonal()
        self.rtol, self.max_iterations, self.check_every = rtol, max_iterations, check_every
        self.iterations = 0
        self.solves = 0

    def __call__(self, v) -> None:
        xp = self.xp
        b = self.B @ v
        x = v  # the previous step is the initial guess
        r = b - self.A @ x
        z = self.inv_diag * r
        p = z.copy()
        rz = xp.dot(r, z)
        tol2 = (self.rtol ** 2) * xp.dot(b, b)
        k = 0
        while k < self.max_iterations:
            if k % self.check_every == 0 and bool(xp.dot(r, r) <= tol2):
                break
            q = self.A @ p
            alpha = rz / xp.dot(p, q)
            x += alpha * p
            r -= alpha * q
            z = self.inv_diag * r
            rz_new = xp.dot(r, z)
            p *= rz_new / rz
            p += z
            rz = rz_new
            k += 1
        else:
            raise RuntimeError(f"diffusion CG did not converge in {self.max_iterations} iterations")
        self.iterations += k
        self.solves += 1
