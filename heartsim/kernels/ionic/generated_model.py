"""A physiological ionic model whose code is generated from a model file (see ``codegen``).

:class:`GeneratedModel` wraps a generated module (``generated/<name>.py``) into the
:class:`~heartsim.kernels.ionic.base.IonicModel` protocol. The integration method and the number
of ODE sub-steps per call are properties of the instance (``with_integrator``), so one registry
entry serves every configuration:

- ``rush_larsen`` (default): gates by Rush-Larsen, X <- X_inf + (X - X_inf) exp(-h / tau_X); the
  other states (v, concentrations, Markov states) by forward Euler;
- ``generalised_rush_larsen``: every state by GRL1 (Sundnes, Artebrakken & Lines 2009);
- ``forward_euler``: every state by forward Euler (reference for convergence checks);

each over ``substeps`` equal sub-steps of the step handed in (ODE sub-stepping inside one PDE
step). Parameters may be scalars or per-node arrays (regions with their own variant).

Where the step runs: with CuPy arrays and parameters uniform over the nodes, the fused CUDA kernel
(:mod:`cuda`; one thread per node, all states in one pass, sub-steps inside the kernel); with
``cpu_kernel="native"`` and NumPy arrays, the same source compiled for the host (:mod:`native`);
otherwise the generated array code, operation by operation (the reference). ``fused=False``
forces the array code on the GPU too (for the agreement tests).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Mapping

from heartsim.kernels.ionic.methods import METHODS, METHODS_WANT, kernel_defines  # noqa: F401  (re-exported)

#: |d f / d X| below which GRL1 falls back to forward Euler (same threshold in the CUDA kernel)
SMALL_JACOBIAN = 1e-12


class GeneratedModel:
    """IonicModel protocol over a generated module."""

    def __init__(self, module_name: str, method: str = "rush_larsen", substeps: int = 1,
                 cpu_kernel: str = "numpy", fused: bool = True):
        if method not in METHODS:
            raise ValueError(f"unknown integration method {method!r} (one of {', '.join(METHODS)})")
        if substeps < 1:
            raise ValueError("substeps must be at least 1")
        if cpu_kernel not in ("numpy", "native"):
            raise ValueError(f"unknown cpu_kernel {cpu_kernel!r} (numpy or native)")
        self.cpu_kernel = cpu_kernel
        self.fused = fused
        self._kernels: dict = {}
        self._table = None  # (parameter values, array module, table on that module) of the last fused call
        #: (table (n_regions, n_params) float64, int32 region per node) set by ionic_from_config, so
        #: the fused kernels can run per-region parameters; None for uniform parameters
        self.regions = None
        self.module_name = module_name
        self.code: ModuleType = importlib.import_module(f"heartsim.kernels.ionic.generated.{module_name}")
        self.name = self.code.NAME
        self.state_names = self.code.STATES
        self.gates = self.code.GATES
        self.variants: dict[str, dict[str, float]] = self.code.VARIANTS
        self.default_variant: str = self.code.DEFAULT_VARIANT
        self.scalable: tuple[str, ...] = self.code.SCALABLE
        self.calcium: str = self.code.CALCIUM
        self.cite: str = self.code.CITE
        self.method = method
        self.substeps = substeps
        #: parameter name -> (default value, unit, description); defaults are the default variant's
        self.parameters = {name: ((self.variant_values(self.default_variant).get(name, spec[0])), *spec[1:])
                           for name, spec in self.code.PARAMETERS.items()}

    def with_integrator(self, method: str = "rush_larsen", substeps: int = 1, cpu_kernel: str = "numpy",
                        fused: bool = True) -> "GeneratedModel":
        """The same model with another integration method, number of sub-steps or kernel choice."""
        return GeneratedModel(self.module_name, method, substeps, cpu_kernel, fused)

    def kernel(self, where: str, single: bool = False, cupy=None):
        """The fused kernel for ``where`` in {"native", "cuda"} (compiled once per instance)."""
        key = (where, single)
        if key not in self._kernels:
            if where == "cuda":
                from heartsim.kernels.ionic.cuda import CudaKernel

                self._kernels[key] = CudaKernel(self, cupy, single)
            else:
                from heartsim.kernels.ionic.native import NativeKernel

                self._kernels[key] = NativeKernel(self, single)
        return self._kernels[key]

    def _fused_step(self, y: Any, dt: float, p: Mapping[str, Any], xp: ModuleType, stim: Any) -> bool:
        """Run the fused kernel if this call allows it; False when the array code must run."""
        on_gpu = xp.__name__ == "cupy"
        if not ((on_gpu and self.fused) or (not on_gpu and self.cpu_kernel == "native")):
            return False
        if not isinstance(stim, (int, float)):
            return False  # per-node stimulus: array code
        if getattr(y, "ndim", 0) != 2 or not y.flags.c_contiguous or y.dtype.itemsize not in (4, 8):
            return False
        import numpy as np

        values = [p[name] for name in self.parameters]
        region = None
        if all(isinstance(v, (int, float)) for v in values):
            key = tuple(float(v) for v in values)
            if self._table is None or self._table[0] != key or self._table[1] is not xp:
                table = np.array([key], dtype=np.float64)
                self._table = (key, xp, xp.asarray(table) if on_gpu else table)  # one upload per set
            table = self._table[2]
        elif self._region_table(p) is not None and self._region_table(p)[1].size == y.shape[1]:
            host_table, host_region = self._region_table(p)
            if self._table is None or self._table[0] != ("regions", id(host_region)) or self._table[1] is not xp:
                self._table = (("regions", id(host_region)), xp, xp.asarray(host_table), xp.asarray(host_region))
            table, region = self._table[2], self._table[3]
        else:
            return False  # per-node parameters without a region table: array code
        single = y.dtype.itemsize == 4
        kernel = self.kernel("cuda", single, xp) if on_gpu else self.kernel("native", single)
        kernel.step(y, dt, table, region, float(stim))
        return True

    def variant_values(self, variant: str) -> dict[str, float]:
        """Parameter values that define ``variant`` (KeyError naming the known ones if unknown)."""
        if variant not in self.variants:
            raise KeyError(f"{variant!r} is not a variant of {self.name} (known: {', '.join(self.variants)})")
        return dict(self.variants[variant])

    def initial_state(self, p: Mapping[str, float]) -> tuple[float, ...]:
        return tuple(self.code.INITIAL)

    def rates(self, y: Any, p: Mapping[str, Any], xp: ModuleType, stim: Any = 0.0) -> list:
        """Time derivatives of every state (model units per ms)."""
        return self.code.evaluate(y, p, xp, stim, 0)[0]

    def _region_table(self, p: Mapping[str, Any]):
        """(table, int32 region per node) of per-region parameters: from ``p`` when it is a
        NodeParameters (it carries both), else the ones ionic_from_config attached; or None."""
        table, region = getattr(p, "table", None), getattr(p, "region", None)
        if table is not None and region is not None:
            return table, region
        return self.regions

    def step(self, y: Any, dt: float, p: Mapping[str, Any], xp: ModuleType, stim: Any = 0.0) -> None:
        """Advance y (n_states, n) by dt (ms) in place; ``stim`` is a depolarising rate (mV/ms)."""
        if self._fused_step(y, dt, p, xp, stim):
            return
        h = dt / self.substeps
        if xp.__name__ == "numpy":
            import numpy as np

            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                for _ in range(self.substeps):
                    self._advance(y, h, p, xp, stim)
        else:
            for _ in range(self.substeps):
                self._advance(y, h, p, xp, stim)

    def _advance(self, y: Any, h: float, p: Mapping[str, Any], xp: ModuleType, stim: Any) -> None:
        """One step of h: forward Euler, or X + f (exp(a h) - 1) / a with a = d f / d X (RL, GRL1)."""
        want = METHODS_WANT[self.method]
        rates, jac = self.code.evaluate(y, p, xp, stim, want)
        new = []
        for k, name in enumerate(self.state_names):
            a = jac.get(name)
            if a is None:
                new.append(y[k] + h * rates[k])
            elif name in self.gates:  # a = -1/tau, never 0
                new.append(y[k] + rates[k] * xp.expm1(a * h) / a)
            else:
                small = xp.abs(a) < SMALL_JACOBIAN
                safe = xp.where(small, 1.0, a)
                new.append(y[k] + xp.where(small, h * rates[k], rates[k] * xp.expm1(safe * h) / safe))
        for k, value in enumerate(new):
            y[k][...] = value
