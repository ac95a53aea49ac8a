"""The nodal state of a flow run for checkpoints, keyed per P2 dof so that any number of ranks can read it.

Every array is carried on the local dofs of the P2 velocity space (``heartsim.runtime.checkpoint``
stores arrays of shape (..., n_local) against one key per node): u^n and u^{n-1} (3, n); the P1
fields (pressure p^n, the last pressure increment of the discrete projection, the initial guess
of its next solve, and the TAWSS/OSI sums of :class:`~heartsim.flow.metrics.ShearAccumulator`)
sit on the P2 vertex dofs, and are 0 on the edge dofs. The keys are
:func:`heartsim.fem.dofs.p2_dof_keys` (vertex a: a N + a, edge a < b: a N + b, a and b the
mesh-input indices of the vertices, N the number of input nodes): rank-independent, for 4-node
and 10-node (curved) tetrahedral meshes alike.
"""

from __future__ import annotations

import numpy as np

from heartsim import fem


class FlowState:
    """Gather (:meth:`fields`) and set back (:meth:`restore`) the nodal state of ``ns`` and ``accumulator``
    (whose nodes are those of the P1 space ``shear_space``)."""

    def __init__(self, ns, accumulator, shear_space):
        self.ns, self.accumulator = ns, accumulator
        self.keys = fem.p2_dof_keys(ns.V)
        self.n_owned = ns.V.dofmap.index_map.size_local
        self._pressure = fem.vertex_dof_pairs(ns.V, ns.Q)
        self._shear = fem.vertex_dof_pairs(ns.V, shear_space)

    def _on_p2(self, values: np.ndarray, pairs) -> np.ndarray:
        """P1 node values (nodes, ...) -> (..., P2 dofs), 0 on edge dofs."""
        values = np.asarray(values)
        out = np.zeros(values.shape[1:] + (len(self.keys),))
        out[..., pairs[0]] = np.moveaxis(values[pairs[1]], 0, -1)
        return out

    @staticmethod
    def _from_p2(field: np.ndarray, pairs) -> np.ndarray:
        """(..., P2 dofs) -> P1 node values (nodes, ...)."""
        return np.moveaxis(np.asarray(field)[..., pairs[0]], -1, 0), pairs[1]

    def fields(self) -> dict[str, np.ndarray]:
        ns, acc = self.ns, self.accumulator
        out = {"u_n": ns.u_n.x.array.reshape(-1, 3).T, "u_nm1": ns.u_nm1.x.array.reshape(-1, 3).T,
               "p_n": self._on_p2(ns.p_n.x.array, self._pressure),
               "shear_abs": self._on_p2(acc.abs_sum, self._shear), "shear_vec": self._on_p2(acc.vector_sum, self._shear)}
        if ns.discrete:
            out["phi"] = self._on_p2(ns.phi.x.array, self._pressure)
        return out

    def restore(self, fields: dict[str, np.ndarray], window: float) -> None:
        """Set u^n, u^{n-1}, p^n (and u = u^n, p = p^n, the state after a step) and the shear sums."""
        ns, acc = self.ns, self.accumulator
        for target, name in ((ns.u_n, "u_n"), (ns.u_nm1, "u_nm1"), (ns.u, "u_n")):
            target.x.array[:] = np.asarray(fields[name]).T.ravel()
        targets = [(ns.p_n, "p_n"), (ns.p, "p_n")] + ([(ns.phi, "phi")] if ns.discrete else [])
        for target, name in targets:
            values, nodes = self._from_p2(fields[name], self._pressure)
            target.x.array[nodes] = values
        for array, name in ((acc.abs_sum, "shear_abs"), (acc.vector_sum, "shear_vec")):
            values, nodes = self._from_p2(fields[name], self._shear)
            array[nodes] = values
        acc.window = window
