"""Closed-loop circulation: four chambers, systemic and pulmonary circulation, four valves.

The lumped-parameter model of Regazzoni et al. 2022 ("A cardiac electromechanical model coupled
with a lumped-parameter model for closed-loop blood circulation", J Comput Phys 457:111083).
States (heartsim units: mm^3, kPa, mm^3/ms)::

    V_LA, V_LV, V_RA, V_RV,  p_AR_SYS, p_VEN_SYS, p_AR_PUL, p_VEN_PUL,
    Q_AR_SYS, Q_VEN_SYS, Q_AR_PUL, Q_VEN_PUL

    dV_LA/dt = Q_VEN_PUL - Q_MV              dV_LV/dt = Q_MV - Q_AV
    dV_RA/dt = Q_VEN_SYS - Q_TV              dV_RV/dt = Q_TV - Q_PV
    C_AR_SYS dp_AR_SYS/dt = Q_AV - Q_AR_SYS        C_VEN_SYS dp_VEN_SYS/dt = Q_AR_SYS - Q_VEN_SYS
    C_AR_PUL dp_AR_PUL/dt = Q_PV - Q_AR_PUL        C_VEN_PUL dp_VEN_PUL/dt = Q_AR_PUL - Q_VEN_PUL
    L_AR_SYS dQ_AR_SYS/dt = p_AR_SYS - p_VEN_SYS - R_AR_SYS Q_AR_SYS
    L_VEN_SYS dQ_VEN_SYS/dt = p_VEN_SYS - p_RA - R_VEN_SYS Q_VEN_SYS
    L_AR_PUL dQ_AR_PUL/dt = p_AR_PUL - p_VEN_PUL - R_AR_PUL Q_AR_PUL
    L_VEN_PUL dQ_VEN_PUL/dt = p_VEN_PUL - p_LA - R_VEN_PUL Q_VEN_PUL

with valve flows Q_MV (LA -> LV), Q_AV (LV -> AR_SYS), Q_TV (RA -> RV), Q_PV (RV -> AR_PUL) of
:mod:`heartsim.circulation.valves` and chamber pressures from a chamber law.

Coupling with a 3D model, per chamber (``chambers={"LV": ...}``):

- a law object with ``pressure(V, t) -> (p, dp/dV)``: :class:`~heartsim.circulation.elastance.ElastanceChamber`
  (the default) or :class:`PressureOfVolume` wrapping a 3D model that returns the cavity pressure
  for a cavity volume (mechanics with a volume constraint: volume out, pressure in), or the
  pressure history of a 3D model (``PressureOfVolume(lambda V, t: p3d(t))``);
- :class:`ImposedVolume`: the 3D model imposes the chamber volume V(t); the chamber pressure
  becomes an extra unknown, fixed by the flow balance dV/dt = Q_in(p) - Q_out(p) (volume in,
  pressure out). With both valves closed the volume must then stay constant: a volume change
  would be pushed through the closed valves' R_max and give huge pressures.

The total blood volume (chambers plus C_i p_i of the four compartments) is conserved exactly
by any BDF step, a check the tests use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from heartsim.circulation.elastance import Activation, ElastanceChamber
from heartsim.circulation.integrator import finite_difference
from heartsim.circulation.valves import Valve

CHAMBERS = ("LA", "LV", "RA", "RV")
COMPARTMENTS = ("AR_SYS", "VEN_SYS", "AR_PUL", "VEN_PUL")
STATES = tuple(f"V_{c}" for c in CHAMBERS) + tuple(f"p_{c}" for c in COMPARTMENTS) + tuple(
    f"Q_{c}" for c in COMPARTMENTS)
#: node pressures: the four chambers, then the four compartments
NODES = CHAMBERS + COMPARTMENTS
#: valve name -> (inlet node, outlet node)
VALVES = {"MV": ("LA", "LV"), "AV": ("LV", "AR_SYS"), "TV": ("RA", "RV"), "PV": ("RV", "AR_PUL")}


@dataclass(frozen=True)
class Compartment:
    """One arterial or venous compartment: resistance R (kPa ms/mm^3), compliance C (mm^3/kPa),
    inertance L (kPa ms^2/mm^3)."""

    R: float
    C: float
    L: float


@dataclass(frozen=True)
class PressureOfVolume:
    """A chamber whose pressure another model gives: ``fn(V, t)`` returns p (kPa) or (p, dp/dV).

    Without dp/dV it is taken by a forward difference (one more call of ``fn`` per Newton step).
    """

    fn: Callable

    def pressure(self, V: float, t: float) -> tuple[float, float]:
        out = self.fn(V, t)
        if isinstance(out, tuple):
            return float(out[0]), float(out[1])
        h = 1e-6 * max(1.0, abs(V))
        return float(out), (float(self.fn(V + h, t)) - float(out)) / h


@dataclass(frozen=True)
class ImposedVolume:
    """A chamber whose volume another model imposes: ``fn(t)`` returns V (mm^3)."""

    fn: Callable[[float], float]


@dataclass
class ClosedLoop:
    """The closed-loop model in residual form R(t, y, y') = 0 for :class:`~heartsim.circulation.integrator.BDFStepper`."""

    chambers: dict
    valves: dict
    compartments: dict
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.imposed = [c for c in CHAMBERS if isinstance(self.chambers[c], ImposedVolume)]
        self.names = STATES + tuple(f"p_{c}" for c in self.imposed)
        n = len(self.names)
        self._extra = {c: len(STATES) + i for i, c in enumerate(self.imposed)}
        idx = {name: i for i, name in enumerate(STATES)}
        node = {name: i for i, name in enumerate(NODES)}
        c = self.compartments
        Fv = np.zeros((n, 4))  # f += Fv @ Q_valves
        for j, (valve, (a, b)) in enumerate(VALVES.items()):
            for end, sign in ((a, -1.0), (b, 1.0)):
                if end in CHAMBERS:
                    Fv[idx[f"V_{end}"], j] += sign
                else:
                    Fv[idx[f"p_{end}"], j] += sign / c[end].C
        Fq = np.zeros((n, n))  # f += Fq @ y (flows through the compartments)
        Fp = np.zeros((n, 8))  # f += Fp @ P (pressures driving the compartment flows)
        downstream = {"AR_SYS": "VEN_SYS", "VEN_SYS": "RA", "AR_PUL": "VEN_PUL", "VEN_PUL": "LA"}
        for comp, down in downstream.items():
            q = idx[f"Q_{comp}"]
            Fq[idx[f"p_{comp}"], q] -= 1.0 / c[comp].C
            if down in CHAMBERS:
                Fq[idx[f"V_{down}"], q] += 1.0
            else:
                Fq[idx[f"p_{down}"], q] += 1.0 / c[down].C
            Fq[q, q] -= c[comp].R / c[comp].L
            Fp[q, node[comp]] += 1.0 / c[comp].L
            Fp[q, node[down]] -= 1.0 / c[comp].L
        self._Fv, self._Fq, self._Fp = Fv, Fq, Fp
        self._valves = [(self.valves[v], node[a], node[b]) for v, (a, b) in VALVES.items()]

    # ---------------------------------------------------------------------------- evaluation

    def node_pressures(self, t: float, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pressures of the eight nodes (kPa) and their derivatives dP/dy (8 x n)."""
        P = np.empty(8)
        dP = np.zeros((8, len(y)))
        for i, ch in enumerate(CHAMBERS):
            law = self.chambers[ch]
            if isinstance(law, ImposedVolume):
                k = self._extra[ch]
                P[i], dP[i, k] = y[k], 1.0
            else:
                P[i], dP[i, i] = law.pressure(y[i], t)
        P[4:] = y[4:8]
        dP[4:, 4:8] = np.eye(4)
        return P, dP

    def valve_flows(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Valve flows (MV, AV, TV, PV; mm^3/ms) and dQ/dP (4 x 8)."""
        Q = np.empty(4)
        dQ = np.zeros((4, 8))
        for j, (valve, a, b) in enumerate(self._valves):
            g = valve.conductance(P[a], P[b])
            Q[j] = g * (P[a] - P[b])
            dQ[j, a], dQ[j, b] = g, -g
        return Q, dQ

    def _f(self, t: float, y: np.ndarray):
        P, dP = self.node_pressures(t, y)
        Q, dQ = self.valve_flows(P)
        f = self._Fv @ Q + self._Fq @ y + self._Fp @ P
        df = self._Fv @ dQ @ dP + self._Fq + self._Fp @ dP
        return f, df

    def residual(self, t: float, y: np.ndarray, ydot: np.ndarray) -> np.ndarray:
        f, _ = self._f(t, y)
        r = ydot - f
        for ch in self.imposed:
            i, k = CHAMBERS.index(ch), self._extra[ch]
            r[k] = ydot[i] - f[i]
            r[i] = y[i] - self.chambers[ch].fn(t)
        return r

    def jacobian(self, t: float, y: np.ndarray, ydot: np.ndarray, shift: float) -> np.ndarray:
        _, df = self._f(t, y)
        jac = shift * np.eye(len(y)) - df
        for ch in self.imposed:
            i, k = CHAMBERS.index(ch), self._extra[ch]
            jac[k] = -df[i]
            jac[k, i] += shift
            jac[i] = 0.0
            jac[i, i] = 1.0
        return jac

    def jacobian_fd(self, t: float, y: np.ndarray, ydot: np.ndarray, shift: float) -> np.ndarray:
        """The Jacobian by finite differences (for tests of :meth:`jacobian`)."""
        return (finite_difference(lambda z: self.residual(t, z, ydot), y)
                + shift * finite_difference(lambda z: self.residual(t, y, z), ydot))

    # ---------------------------------------------------------------------------- outputs

    def outputs(self, t: float, y: np.ndarray) -> dict[str, float]:
        """Pressures (kPa), volumes (mm^3) and flows (mm^3/ms) of every compartment, by name."""
        P, _ = self.node_pressures(t, y)
        Q, _ = self.valve_flows(P)
        out: dict[str, float] = {}
        for i, node in enumerate(NODES):
            out[f"p_{node}"] = float(P[i])
        for i, ch in enumerate(CHAMBERS):
            out[f"V_{ch}"] = float(y[i])
        for i, comp in enumerate(COMPARTMENTS):
            out[f"V_{comp}"] = float(self.compartments[comp].C * y[4 + i])
        for j, valve in enumerate(VALVES):
            out[f"Q_{valve}"] = float(Q[j])
        for i, comp in enumerate(COMPARTMENTS):
            out[f"Q_{comp}"] = float(y[8 + i])
        out["V_total"] = sum(out[f"V_{n}"] for n in NODES)
        return out

    def initial_state(self, values: dict[str, float], t0: float = 0.0) -> np.ndarray:
        """State vector from named initial values (the 12 states; imposed chambers: their volume at t0
        and, as a start for Newton, the pressure ``p_<chamber>`` if given, else 0)."""
        y = np.array([values[name] for name in STATES] + [values.get(f"p_{c}", 0.0) for c in self.imposed])
        for ch in self.imposed:
            y[CHAMBERS.index(ch)] = self.chambers[ch].fn(t0)
        return y


@dataclass(frozen=True)
class ChamberParameters:
    """Elastance chamber parameters (kPa/mm^3, mm^3, ms)."""

    E_act: float
    E_pass: float
    V0: float
    t_contract: float
    T_contract: float
    T_relax: float

    def chamber(self, period: float) -> ElastanceChamber:
        return ElastanceChamber(self.E_act, self.E_pass, self.V0,
                                Activation(period, self.t_contract, self.T_contract, self.T_relax))
