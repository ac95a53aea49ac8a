"""Land 2017 active tension (heartsim.kernels.tension.land2017): presets, derived constants, rest
state, generated NumPy / host C kernels, zeta update, calcium of the cell models."""

import numpy as np
import pytest

from heartsim.kernels.tension import land2017 as L
from heartsim.kernels.tension.calcium import NoCalciumError, calcium_state

HUMAN = dict(Tref=120.0, ca50=0.805, nTm=5.0, ku=1.0, TRPN50=0.35, kTRPN=0.1, nTRPN=2.0, kuw=0.182,
             kws=0.012, rw=0.5, rs=0.25, gamma_s=0.0085, gamma_w=0.615, phi=2.23, Aeff=25.0,
             beta0=2.3, beta1=-2.4)


def test_presets_are_the_published_values_and_overridable():
    assert L.LandParameters.from_preset("land_2017").as_dict() == HUMAN
    tor = L.LandParameters.from_preset("tor_ord_land")
    assert (tor.ku, tor.nTm) == (0.04, 2.4) and tor.Tref == 120.0
    assert L.LandParameters.from_preset("land_2017", {"Tref": 60}).Tref == 60.0
    with pytest.raises(L.LandParameterError, match="parameters.Tre"):
        L.LandParameters.from_preset("land_2017", {"Tre": 60})
    with pytest.raises(L.LandParameterError, match="preset 'land'"):
        L.LandParameters.from_preset("land")
    with pytest.raises(L.LandParameterError, match="parameters.rs"):
        L.LandParameters.from_preset("land_2017", {"rs": 1.5})


def test_derived_constants():
    """By hand from the published values: kwu = 0.182 * 1 - 0.012, ksu = 0.012 * 0.5 * 3,
    kb = 0.35^5 / 0.375, A = 25 * 0.25 / 0.625, c_s = 2.23 * 0.012 * 0.75 * 0.5 / 0.25, c_w = 2.23 * 0.182."""
    d = L.LandParameters.from_preset("land_2017").derived()
    expected = {"kwu": 0.17, "ksu": 0.018, "kb": 0.0052521875 / 0.375, "A_s": 10.0, "A_w": 10.0,
                "c_s": 0.04014, "c_w": 0.40586}
    for key, value in expected.items():
        assert d[key] == pytest.approx(value, rel=1e-12), key


@pytest.mark.parametrize("cai", [0.0, 0.1, 1.0])
def test_rest_state_is_a_fixed_point(cai):
    p = L.LandParameters.from_preset("land_2017")
    lam = np.array([0.9, 1.0, 1.1, 1.25])
    y = L.rest_state(p, 4, lmbda=lam, cai_uM=cai)
    d = p.derived()
    assert (1 - y[1] - y[2] - y[3] >= 0).all() and np.allclose(y[2] * d["ksu"], y[3] * p.kws)
    y0 = y.copy()
    for _ in range(200):
        L.step(p, y, 1.0, cai, lam, 0.0)
    assert np.abs(y - y0).max() < 1e-12
    assert np.allclose(L.active_tension(p, y, lam), L.active_tension(p, y0, lam), rtol=1e-10, atol=1e-12)


def test_zeta_backward_euler_formula():
    p = L.LandParameters.from_preset("land_2017")
    (a_s, c_s), (a_w, c_w) = L.zeta_coefficients(p).values()
    zs, zw = L.zeta_backward_euler(p, 0.1, -0.2, 0.01, 2.0)
    # residual of the implicit equation zeta_new - zeta_old = dt (A dlambda/dt - c zeta_new)
    assert zs - 0.1 == pytest.approx(2.0 * (a_s * 0.01 / 2.0 - c_s * zs), rel=1e-12)
    assert zw + 0.2 == pytest.approx(2.0 * (a_w * 0.01 / 2.0 - c_w * zw), rel=1e-12)


def test_calcium_state_of_the_cell_models():
    from heartsim.kernels.ionic import MODELS

    tt06 = calcium_state(MODELS["tentusscher_panfilov_2006"])
    assert (tt06.name, tt06.unit, tt06.to_uM) == ("Ca_i", "mM", 1000.0)
    y = np.zeros((19, 2))
    y[tt06.index] = 1e-4
    assert np.allclose(tt06.uM(y), 0.1)
    assert calcium_state(MODELS["ohara_rudy_2011"]).name == "cai"
    with pytest.raises(NoCalciumError, match="aliev_panfilov has no calcium"):
        calcium_state(MODELS["aliev_panfilov"])


def test_implicit_tension_tangent_matches_finite_differences():
    """dTa/dlambda of the backward-Euler zeta update (consistent tangent) against central differences,
    on both sides of the kinks of h (0.87) and of the cap (1.2)."""
    p = L.LandParameters.from_preset("land_2017")
    S, W = np.array([0.2, 0.1, 0.05, 0.3]), np.array([0.3, 0.2, 0.1, 0.25])
    zs0, zw0 = np.array([0.01, -0.05, 0.0, 0.02]), np.array([-0.02, 0.03, 0.0, 0.01])
    lam_old = np.array([1.0, 0.9, 0.85, 1.15])
    lam_new = np.array([1.01, 0.89, 0.86, 1.19])
    ta, dta, zs, zw = L.implicit_tension(p, S, W, zs0, zw0, lam_old, lam_new, 1.0)
    eps = 1e-7
    fd = (L.implicit_tension(p, S, W, zs0, zw0, lam_old, lam_new + eps, 1.0)[0]
          - L.implicit_tension(p, S, W, zs0, zw0, lam_old, lam_new - eps, 1.0)[0]) / (2 * eps)
    assert np.allclose(dta, fd, rtol=1e-6)
    states = np.array([np.zeros(4), 1 - S - W, S, W, zs, zw])
    assert np.allclose(ta, L.active_tension(p, states, lam_new))
    assert L.overlap_derivative(p, np.array([1.25]))[0] == 0.0


def test_tension_package_is_pure_array_code():
    """heartsim.kernels.tension (and a step through the generated code) imports neither DOLFINx, UFL,
    PETSc, MPI nor sympy/scipy: it runs on GPU nodes with only NumPy/CuPy."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "import heartsim.kernels.tension, heartsim.kernels.tension.twitch, heartsim.kernels.tension.feedback\n"
            "from heartsim.kernels.tension import land2017 as L\n"
            "p = L.LandParameters.from_preset('land_2017'); y = L.rest_state(p, 2); L.step(p, y, 0.1, 0.5, 1.0, 0.0)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dolfinx', 'ufl', 'petsc4py', 'mpi4py', 'sympy', 'scipy')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_generated_jacobian_diagonal_matches_finite_differences():
    """d rate / d state of the generated code (what Rush-Larsen uses) against central differences,
    with distortions on both sides of the gamma_su kinks and stretch below and above the cap."""
    m = L.generated_model("generalised_rush_larsen")
    p = L.LandParameters.from_preset("tor_ord_land").as_dict()
    y = np.array([[0.2, 0.5, 0.05, 0.9], [0.7, 0.3, 0.9, 0.05], [0.05, 0.2, 0.02, 0.01],
                  [0.04, 0.3, 0.03, 0.02], [0.3, -0.5, -1.4, 0.01], [-0.2, 0.1, 0.05, -0.3],
                  [0.3, 1.0, 2.0, 0.1], [1.0, 1.1, 1.25, 0.9], [0.01, -0.02, 0.0, 0.005]])
    _, jac = m.code.evaluate(y, p, np, 0.0, 2)
    for k, name in enumerate(L.STATE_NAMES):
        step = 1e-6
        yp, ym = y.copy(), y.copy()
        yp[k] += step
        ym[k] -= step
        fd = (m.rates(yp, p, np)[k] - m.rates(ym, p, np)[k]) / (2 * step)
        assert np.allclose(jac[name], fd, rtol=1e-6, atol=1e-10), name
