"""Womersley's solution: fully developed pulsatile flow in a straight rigid tube (pure NumPy/SciPy).

For a flow rate Q(t) = Re sum_k C_k exp(i k w t) (w = 2 pi / T, C_0 the mean) through a tube of
radius R filled with a fluid of kinematic viscosity nu, the axial velocity is (Womersley 1955,
J. Physiol. 127:553)

    u(r, t) = 2 C_0 / (pi R^2) (1 - r^2 / R^2)
              + Re sum_{k>=1} C_k / (pi R^2) [1 - J0(L_k r / R) / J0(L_k)] / [1 - 2 J1(L_k) / (L_k J0(L_k))] exp(i k w t)

with L_k = i^(3/2) alpha_k and the Womersley number alpha_k = R sqrt(k w / nu). The axial pressure
gradient that drives it is

    -dp/dz = 8 mu C_0 / (pi R^4) + Re sum_{k>=1} i k w rho C_k / (pi R^2) / [1 - 2 J1(L_k) / (L_k J0(L_k))] exp(i k w t).
"""

from __future__ import annotations

import numpy as np
from scipy.special import jv


def _shape(k: int, period: float, radius: float, nu: float):
    """L_k and the flux normaliser 1 - 2 J1(L)/(L J0(L)) of harmonic k >= 1."""
    alpha = radius * np.sqrt(2 * np.pi * k / period / nu)
    lam = alpha * np.exp(3j * np.pi / 4)
    return lam, 1.0 - 2.0 * jv(1, lam) / (lam * jv(0, lam))


def womersley_velocity(r: np.ndarray, t: float, coefficients: np.ndarray, period: float, radius: float,
                       nu: float) -> np.ndarray:
    """Axial velocity (mm/ms) at radii ``r`` (mm) and time ``t`` (ms) for the complex flow
    coefficients C_0..C_n (mm^3/ms), ``period`` (ms), tube ``radius`` (mm), ``nu`` (mm^2/ms)."""
    r = np.clip(np.asarray(r, float) / radius, 0.0, 1.0)
    area = np.pi * radius ** 2
    u = 2.0 * coefficients[0].real / area * (1.0 - r ** 2)
    for k in range(1, len(coefficients)):
        if coefficients[k] == 0:
            continue
        lam, norm = _shape(k, period, radius, nu)
        profile = (1.0 - jv(0, lam * r) / jv(0, lam)) / norm
        u = u + np.real(coefficients[k] / area * profile * np.exp(2j * np.pi * k * t / period))
    return u


def womersley_pressure_gradient(t: float, coefficients: np.ndarray, period: float, radius: float,
                                nu: float, rho: float) -> float:
    """-dp/dz (kPa/mm) at time ``t`` for the same data (``rho`` in mg/mm^3)."""
    area = np.pi * radius ** 2
    value = 8.0 * rho * nu * coefficients[0].real / (np.pi * radius ** 4)
    for k in range(1, len(coefficients)):
        lam, norm = _shape(k, period, radius, nu)
        omega = 2 * np.pi * k / period
        value += np.real(1j * omega * rho * coefficients[k] / area / norm * np.exp(1j * omega * t))
    return float(value)
