"""Analytic checks of the device-site geometry (pure NumPy; issue 13 section 2)."""

import numpy as np
import pytest
from scipy.special import ellipe
from scipy.spatial.transform import Rotation

from heartsim.devices import curve
from heartsim.devices.landing import centreline_axis, landing_metrics, pressure_force
from heartsim.devices.lead import lead_metrics
from heartsim.devices.result import SiteError
from heartsim.devices.ring import annulus_metrics, fit_plane, ring_shape
from heartsim.devices.vessel import select_rings, vessel_metrics


def helix(a, b, n=801, turns=2.0):
    t = np.linspace(0, 2 * np.pi * turns, n)
    return np.stack([a * np.cos(t), a * np.sin(t), b * t], axis=1)


def rigid(points, angle=37.0, shift=(3.0, -2.0, 5.0)):
    rot = Rotation.from_rotvec(np.radians(angle) * np.array([1.0, 2.0, 0.5]) / np.linalg.norm([1, 2, 0.5]))
    return rot.apply(points) + np.array(shift)


def test_helix_curvature_and_torsion():
    a, b = 5.0, 2.0
    x = helix(a, b)
    inner = slice(5, -5)
    assert np.allclose(curve.curvature(x)[inner], a / (a * a + b * b), rtol=2e-4)
    assert np.allclose(curve.torsion(x)[inner], b / (a * a + b * b), rtol=2e-3)
    assert curve.length(x) == pytest.approx(4 * np.pi * np.hypot(a, b), rel=1e-4)


def test_rigid_motion_gives_no_strain_or_curvature_change():
    x0 = helix(5.0, 2.0, n=201)
    frames = np.stack([x0, rigid(x0), rigid(x0, 90.0, (10, 0, 0))])
    res = lead_metrics("lead", np.array([0.0, 1.0, 2.0]), frames, radius=1.0, strain_limit=0.02)
    assert np.abs(res.columns["length_strain"]).max() < 1e-12
    assert res.columns["max_curvature_change_1_mm"].max() < 1e-9
    assert res.columns["tip_displacement_mm"][1] > 1.0
    assert res.scalars["safety_factor"] == pytest.approx(0.02 / (5 / 29), rel=1e-3)


def test_bent_lead_curvature_change():
    """A straight lead bent into a circular arc of radius R at constant length: kappa 0 -> 1/R."""
    s = np.linspace(0, 20, 101)
    R = 15.0
    arc = np.stack([R * np.sin(s / R), R * (1 - np.cos(s / R)), 0 * s], axis=1)
    straight = np.stack([s, 0 * s, 0 * s], axis=1)
    res = lead_metrics("lead", np.array([0.0, 1.0]), np.stack([straight, arc]), radius=0.5)
    assert res.columns["length_strain"][1] == pytest.approx(0.0, abs=1e-3)
    assert res.scalars["curvature_change_per_beat_1_mm"] == pytest.approx(1 / R, rel=1e-3)
    assert res.scalars["bending_strain_amplitude"] == pytest.approx(0.5 / R / 2, rel=1e-3)


def ellipse(a, b, n, centre=(0, 0, 0)):
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([a * np.cos(t), b * np.sin(t), 0 * t], axis=1) + np.array(centre)


def test_ellipse_ring_area_perimeter_eccentricity():
    a, b, n = 14.0, 10.0, 720
    shape = ring_shape(rigid(ellipse(a, b, n)))
    tol = (2 * np.pi / n) ** 2  # O(n^-2): 7.6e-5 here
    assert shape["area_mm2"] == pytest.approx(np.pi * a * b, rel=tol)
    assert shape["perimeter_mm"] == pytest.approx(4 * a * ellipe(1 - (b / a) ** 2), rel=tol)
    assert shape["eccentricity"] == pytest.approx(1 - b / a, rel=1e-3)


def test_rigid_motion_keeps_annulus_area_and_gives_excursion():
    x0 = ellipse(14.0, 10.0, 120)
    lifted = x0 + np.array([0, 0, 4.0])
    res = annulus_metrics("mitral", np.array([0.0, 1.0, 2.0]), np.stack([x0, rigid(x0), lifted]))
    assert np.ptp(res.columns["area_mm2"]) < 1e-9 * res.columns["area_mm2"][0]
    assert abs(res.columns["excursion_mm"][2]) == pytest.approx(4.0)
    assert res.columns["tilt_deg"][2] == pytest.approx(0.0, abs=1e-9)
    z = np.array([0, 0, 1.0])
    expected = np.degrees(np.arccos(abs((rigid(z[None], shift=(0, 0, 0))[0]) @ z)))  # angle between z and R z
    assert expected > 10 and res.columns["tilt_deg"][1] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("points, why", [(np.zeros((2, 3)), "at least 3"),
                                         (np.array([[0, 0, 0], [1, 1, 1], [2, 2, 2.0]]), "collinear")])
def test_degenerate_ring_is_an_error_naming_the_site(points, why):
    with pytest.raises(SiteError, match=f"devices.sites.mitral: .*{why}"):
        fit_plane(points, "mitral")


def tube(radius=10.0, length=40.0, nz=41, nth=48):
    z, th = np.meshgrid(np.linspace(0, length, nz), np.linspace(0, 2 * np.pi, nth, endpoint=False), indexing="ij")
    return np.stack([radius * np.cos(th), radius * np.sin(th), z], axis=-1).reshape(-1, 3)


def test_homogeneous_stretch_and_twist_of_a_tube():
    wall = tube()
    centre = np.stack([np.zeros(7), np.zeros(7), np.linspace(5, 35, 7)], axis=1)
    rings = select_rings("stent", centre, wall, slab=0.5)
    lr, lz, g = 0.9, 1.1, np.radians(0.5)  # radial and axial stretch, twist rate (rad/mm)
    stretched = wall * np.array([lr, lr, lz])
    th = g * wall[:, 2]
    twisted = np.stack([wall[:, 0] * np.cos(th) - wall[:, 1] * np.sin(th),
                        wall[:, 0] * np.sin(th) + wall[:, 1] * np.cos(th), wall[:, 2]], axis=1)
    frames = np.stack([wall, stretched, rigid(twisted)])
    res = vessel_metrics("stent", np.array([0.0, 1.0, 2.0]), [frames[:, r] for r in rings])
    c = res.columns
    assert c["axial_strain"][1] == pytest.approx(lz - 1, abs=1e-12)
    assert c["min_diameter_strain"][1] == pytest.approx(lr - 1, abs=1e-12)
    assert c["max_diameter_strain"][1] == pytest.approx(lr - 1, abs=1e-12)
    assert c["twist_deg"][1] == pytest.approx(0.0, abs=1e-9)
    assert c["twist_deg"][2] == pytest.approx(0.5 * 30, abs=1e-6)  # twist over 30 mm, rigidly moved
    assert abs(c["axial_strain"][2]) < 1e-12 and np.abs(c["max_curvature_change_1_mm"]).max() < 1e-9
    assert res.scalars["axial_strain_max"] == pytest.approx(0.1)


def test_centreline_off_the_vessel_is_an_error():
    centre = np.array([[0, 0, 5.0], [0, 0, 20.0], [0, 0, 80.0]])
    with pytest.raises(SiteError, match=r"devices.sites.stent.centreline: point 2 .* not on the vessel"):
        select_rings("stent", centre, tube(), slab=0.5)


def bend_wall(R=30.0, r=8.0, n_phi=60, n_th=32, sweep=np.pi / 2):
    """Closed-orientation (normals out of the fluid) triangulated wall of a 90-degree pipe bend in the
    x-y plane, centreline radius R, pipe radius r; returns (points, triangles, end-section area)."""
    phi = np.linspace(0, sweep, n_phi + 1)
    th = np.linspace(0, 2 * np.pi, n_th, endpoint=False)
    P, T = np.meshgrid(phi, th, indexing="ij")
    rho = R + r * np.cos(T)
    pts = np.stack([rho * np.cos(P), rho * np.sin(P), r * np.sin(T)], axis=-1).reshape(-1, 3)
    idx = np.arange(len(pts)).reshape(n_phi + 1, n_th)
    a, b = idx[:-1], np.roll(idx[:-1], -1, axis=1)
    c, d = idx[1:], np.roll(idx[1:], -1, axis=1)
    tris = np.concatenate([np.stack([a, c, b], -1).reshape(-1, 3), np.stack([b, c, d], -1).reshape(-1, 3)])
    section = 0.5 * n_th * r * r * np.sin(2 * np.pi / n_th)  # polygon area of an end section
    return pts, tris, section


def test_pressurised_bend_force_is_sqrt2_p_A():
    pts, tris, A = bend_wall()
    # orient outward: the normal of a wall triangle points away from the centreline circle
    p = 12.0  # kPa
    F = pressure_force(pts, tris, np.full(len(pts), p))
    centroid = pts[tris].mean(axis=1)
    from heartsim.devices.landing import triangle_normals
    _, n = triangle_normals(pts, tris)
    radial = centroid - 30.0 * np.stack([np.cos(np.arctan2(centroid[:, 1], centroid[:, 0])),
                                         np.sin(np.arctan2(centroid[:, 1], centroid[:, 0])), 0 * centroid[:, 0]], 1)
    assert np.all(np.einsum("ij,ij->i", n, radial) > 0)  # outward
    assert np.linalg.norm(F) == pytest.approx(np.sqrt(2) * p * A, rel=1e-12)
    assert np.linalg.norm(F) == pytest.approx(np.sqrt(2) * p * np.pi * 64, rel=1e-2)  # polygon vs circle, n = 32
    assert F[0] == pytest.approx(p * A) and F[1] == pytest.approx(p * A)  # towards the outside of the bend
    res = landing_metrics(np.array([0.0]), F[None], area=100.0, axis=np.array([1.0, 0, 0]), pull_out=5000.0)
    assert res.columns["angle_to_axis_deg"][0] == pytest.approx(45.0)
    assert res.scalars["fixation_margin"] == pytest.approx(5000.0 / np.linalg.norm(F))


def test_axis_of_a_straight_tube_patch():
    pts, tris, _ = bend_wall(R=1e4, n_phi=4, sweep=1e-3)
    axis = centreline_axis(pts, tris)
    assert abs(axis[1]) == pytest.approx(1.0, abs=1e-3)  # near phi = 0 the pipe runs along y
