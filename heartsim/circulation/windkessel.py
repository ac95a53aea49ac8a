"""Windkessel models with 2, 3 and 4 elements as linear state-space systems.

Each model relates the inflow Q(t) (mm^3/ms) to the inlet pressure P(t) (kPa) through internal
states x (kPa, or mm^3/ms for an inductor's flow):

    dx/dt = A x + B Q + e,        P = C x + D Q

heartsim units: R in kPa ms/mm^3, C in mm^3/kPa, L in kPa ms^2/mm^3, P_v (distal pressure) in kPa.

2 elements (Frank 1899; R, C)::

    C dP/dt = Q - (P - P_v)/R                       Z(w) = R / (1 + i w R C)

3 elements, RCR (Westerhof et al. 1971; proximal R_p, C, distal R_d)::

    P = R_p Q + P_c,  C dP_c/dt = Q - (P_c - P_v)/R_d
                                                    Z(w) = R_p + R_d / (1 + i w R_d C)

4 elements with the inertance parallel to the proximal resistance (Stergiopulos et al. 1999,
Am J Physiol 276:H81; states P_c and the inductor flow Q_L)::

    P = P_c + R_p (Q - Q_L),  L dQ_L/dt = R_p (Q - Q_L),  C dP_c/dt = Q - (P_c - P_v)/R_d
                                                    Z(w) = i w L R_p / (R_p + i w L) + R_d / (1 + i w R_d C)

Z(w) = (P - P_mean)/(Q - Q_mean) in the frequency domain is C (i w I - A)^{-1} B + D, so the
periodic response to Q = Q_0 + Q_1 sin(w t) is P = P_v + R_total Q_0 + |Z| Q_1 sin(w t + arg Z),
the analytic solution the verification compares against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LinearWindkessel:
    """A Windkessel as matrices (see the module docstring), with its element values for reports."""

    A: np.ndarray
    B: np.ndarray
    e: np.ndarray
    C: np.ndarray
    D: float
    elements: int
    names: tuple[str, ...]
    """Names of the states (for tables)."""

    def impedance(self, omega: float | np.ndarray) -> np.ndarray:
        """Input impedance Z(w) (kPa ms/mm^3) at angular frequency ``omega`` (rad/ms)."""
        omega = np.atleast_1d(np.asarray(omega, dtype=float))
        n = self.A.shape[0]
        out = np.empty(omega.shape, dtype=complex)
        for i, w in enumerate(omega):
            out[i] = self.C @ np.linalg.solve(1j * w * np.eye(n) - self.A, self.B) + self.D
        return out

    def steady_state(self, flow: float) -> np.ndarray:
        """The states under a constant inflow ``flow`` (dx/dt = 0)."""
        return np.linalg.solve(self.A, -(self.B * flow + self.e))

    def pressure(self, x: np.ndarray, flow: float) -> float:
        """Inlet pressure (kPa) for states ``x`` and inflow ``flow``."""
        return float(self.C @ x + self.D * flow)


def windkessel2(R: float, C: float, P_v: float = 0.0) -> LinearWindkessel:
    """Two-element Windkessel: resistance R and compliance C to a distal pressure P_v."""
    return LinearWindkessel(A=np.array([[-1.0 / (R * C)]]), B=np.array([1.0 / C]), e=np.array([P_v / (R * C)]),
                            C=np.array([1.0]), D=0.0, elements=2, names=("P",))


def windkessel3(R_p: float, C: float, R_d: float, P_v: float = 0.0) -> LinearWindkessel:
    """Three-element (RCR) Windkessel: proximal R_p, compliance C, distal R_d."""
    return LinearWindkessel(A=np.array([[-1.0 / (R_d * C)]]), B=np.array([1.0 / C]), e=np.array([P_v / (R_d * C)]),
                            C=np.array([1.0]), D=R_p, elements=3, names=("P_c",))


def windkessel4(R_p: float, C: float, R_d: float, L: float, P_v: float = 0.0) -> LinearWindkessel:
    """Four-element Windkessel: inertance L parallel to R_p, then C and R_d (Stergiopulos 1999)."""
    A = np.array([[-1.0 / (R_d * C), 0.0], [0.0, -R_p / L]])
    return LinearWindkessel(A=A, B=np.array([1.0 / C, R_p / L]), e=np.array([P_v / (R_d * C), 0.0]),
                            C=np.array([1.0, -R_p]), D=R_p, elements=4, names=("P_c", "Q_L"))


def fit_sinusoid(t: np.ndarray, values: np.ndarray, omega: float) -> tuple[float, float, float]:
    """Least-squares fit values ~ mean + amplitude sin(omega t + phase); returns (mean, amplitude, phase)."""
    basis = np.column_stack([np.ones_like(t), np.sin(omega * t), np.cos(omega * t)])
    (mean, s, c), *_ = np.linalg.lstsq(basis, values, rcond=None)
    return float(mean), float(np.hypot(s, c)), float(np.arctan2(c, s))


def sine_response(model: LinearWindkessel, mean: float, amplitude: float, omega: float,
                  t: np.ndarray) -> np.ndarray:
    """The periodic pressure (kPa) under Q = mean + amplitude sin(omega t): the analytic solution."""
    z = model.impedance(omega)[0]
    p_mean = model.pressure(model.steady_state(mean), mean)
    return p_mean + abs(z) * amplitude * np.sin(omega * t + np.angle(z))
