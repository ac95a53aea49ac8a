"""Inlet profiles and the analytic references (pure NumPy, fast): rim-distance profile on circular
and non-circular caps, Womersley flux and its Poiseuille limit."""

import math

import numpy as np
import pytest

from heartsim.flow import caps
from heartsim.flow.womersley import womersley_pressure_gradient, womersley_velocity


def _disc(radius: float, n: int) -> np.ndarray:
    """Fan triangulation of a regular n-gon (triangles as vertex coordinates)."""
    phi = 2 * np.pi * np.arange(n + 1) / n
    rim = np.stack([np.zeros(n + 1), radius * np.cos(phi), radius * np.sin(phi)], axis=1)
    return np.stack([np.zeros((n, 3)), rim[:-1], rim[1:]], axis=1)


def test_rim_profile_is_poiseuille_on_a_circle():
    tris = _disc(2.0, 256)
    segments = caps.rim_segments(tris)
    assert len(segments) == 256
    r = np.linspace(0, 1.9, 20)
    points = np.stack([np.zeros_like(r), r, np.zeros_like(r)], axis=1)
    d_max = caps.inradius(segments, np.zeros(3))
    w = caps.rim_profile(points, segments, d_max)
    assert np.allclose(w, 4.0 - r ** 2, atol=2e-3 * 4.0)


def test_rim_profile_on_an_ellipse_is_positive_inside_and_zero_on_the_rim():
    phi = 2 * np.pi * np.arange(65) / 64
    rim = np.stack([np.zeros(65), 3 * np.cos(phi), np.sin(phi)], axis=1)
    tris = np.stack([np.zeros((64, 3)), rim[:-1], rim[1:]], axis=1)
    segments = caps.rim_segments(tris)
    d_max = caps.inradius(segments, np.zeros(3))
    assert d_max == pytest.approx(1.0, rel=2e-3)
    assert np.allclose(caps.rim_profile(rim, segments, d_max), 0.0, atol=1e-12)
    inside = np.array([[0, 2.0, 0.2], [0, -1.0, -0.5], [0, 0, 0]])
    assert np.all(caps.rim_profile(inside, segments, d_max) > 0)


def test_duplicate_triangles_do_not_make_rim_edges():
    tris = _disc(1.0, 12)
    segments = caps.rim_segments(np.concatenate([tris, tris[:3]]))
    assert len(segments) == 12


def test_womersley_flux_equals_flow_and_low_frequency_limit_is_poiseuille():
    radius, nu, period = 1.5, 3.3, 800.0
    coefficients = np.array([5.0, 3.0 - 2.0j, 1.0j])
    r = np.linspace(0, radius, 4001)
    for t in (0.0, 130.0, 555.0):
        u = womersley_velocity(r, t, coefficients, period, radius, nu)
        flux = np.trapezoid(2 * np.pi * r * u, r)
        exact = np.real(sum(c * np.exp(2j * np.pi * k * t / period) for k, c in enumerate(coefficients)))
        assert flux == pytest.approx(exact, rel=1e-6)
    slow = womersley_velocity(r, 0.0, np.array([0.0, 1.0]), 1e9, radius, nu)
    assert np.allclose(slow, 2 / (math.pi * radius ** 2) * (1 - (r / radius) ** 2), atol=1e-6)
    grad = womersley_pressure_gradient(0.0, np.array([1.0]), period, radius, nu, 1.0)
    assert grad == pytest.approx(8 * nu / (math.pi * radius ** 4))
