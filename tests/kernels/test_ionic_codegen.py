"""The code generator of the physiological ionic models: committed code up to date, NumPy and CUDA
rendered from the same expressions, exact Jacobian diagonal for the (generalised) Rush-Larsen step."""

import re

import numpy as np
import pytest

from heartsim.kernels.ionic import MODELS, PHYSIOLOGICAL

pytest.importorskip("sympy")


def test_generated_modules_are_up_to_date():
    from heartsim.kernels.ionic.codegen import outdated

    assert outdated() == [], "run: scripts/in-env python3 -m heartsim.kernels.ionic.codegen"


def _assignments(text, pattern):
    return {m.group(1): m.group(2) for m in re.finditer(pattern, text, re.M)}


@pytest.mark.parametrize("name", PHYSIOLOGICAL)
def test_cuda_and_numpy_are_rendered_from_the_same_expressions(name):
    """Every assignment of the CUDA kernel equals the NumPy one up to the spelling of functions."""
    code = MODELS[name].code
    import inspect

    py = _assignments(inspect.getsource(code.evaluate), r"^\s+(\w+) = (.+)$")
    cu = _assignments(code.CUDA_SOURCE, r"^\s+const real (\w+) = (.+);$")
    shared = {v for v in set(py) & set(cu) if not py[v].startswith(("p[", "y["))}
    assert len(shared) > 100
    names = list(code.PARAMETERS)

    def plain_c(text):  # the kernel's typed spelling M_(exp)(x), L_(1.5), P_(k) -> exp(x), 1.5, name
        text = re.sub(r"M_\((\w+)\)\(", r"\1(", text)
        text = re.sub(r"L_\(([^()]+)\)", r"\1", text)
        return re.sub(r"P_\((\d+)\)", lambda m: names[int(m.group(1))], text)

    compared = 0
    for var in shared:
        c, p = plain_c(cu[var]), py[var].replace("xp.", "")
        for numpy_name, c_name in (("power(", "pow("), ("maximum(", "fmax("), ("minimum(", "fmin(")):
            p = p.replace(numpy_name, c_name)
        if any(tok in c for tok in ("?", "sq_", "cube_", "quart_", "fabs")):
            continue  # select and small powers are spelled differently
        assert p == c, var
        compared += 1
    assert compared > len(shared) // 2
    # the parameter and state order of the kernel is the module's
    last = len(code.PARAMETERS) - 1
    assert f"{last} {list(code.PARAMETERS)[last]}" in code.CUDA_SOURCE and f"P_({last})" in code.CUDA_SOURCE
    assert f"y[{len(code.STATES) - 1} * n_ + i_]" in code.CUDA_SOURCE


@pytest.mark.parametrize("name", PHYSIOLOGICAL)
def test_cuda_source_is_syntactically_sane(name):
    src = MODELS[name].code.CUDA_SOURCE
    assert src.count("{") == src.count("}") and src.count("(") == src.count(")")
    assert f'extern "C" __global__ void {name}_step(' in src
    assert "xp." not in src and "where(" not in src
    # typed by precision: no bare literal or math call (a double literal promotes FP32 code to FP64)
    body = src.split("KERNEL_BEGIN\n", 1)[1]
    assert not re.search(r"(?<![\w.(])\d+\.\d*(e[-+]?\d+)?(?![\w)])", re.sub(r"L_\([^()]*\)|P_\(\d+\)|\[[^]]*\]", "", body))
    assert not re.search(r"(?<![\w(])(exp|log|pow|sqrt|fabs|fmax|fmin|expm1)\(", body)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # unused where() branches at v = 0
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("name", PHYSIOLOGICAL)
def test_jacobian_diagonal_matches_finite_differences(name):
    """The chain-rule Jacobian diagonal (used by GRL) against central differences of the rates."""
    model = MODELS[name]
    p = dict((k, v[0]) for k, v in model.parameters.items())
    y0 = np.array(model.initial_state(p), dtype=float)
    rng = np.random.default_rng(1)
    y0 = np.repeat(y0[:, None], 4, axis=1)
    y0[0] = [-85.0, -40.0, 0.0, 20.0]  # rest, threshold, upstroke, plateau
    y0[1:] *= 1 + 0.05 * rng.standard_normal(y0[1:].shape)
    _, jac = model.code.evaluate(y0, p, np, 0.0, 2)
    for k, state in enumerate(model.state_names):
        step = 1e-6 * max(1e-6, np.abs(y0[k]).max())
        yp, ym = y0.copy(), y0.copy()
        yp[k] += step
        ym[k] -= step
        fd = (np.array(model.rates(yp, p, np))[k] - np.array(model.rates(ym, p, np))[k]) / (2 * step)
        assert np.allclose(jac[state], fd, rtol=1e-4, atol=1e-8 * (1 + np.abs(fd).max())), state


TINY = """[model]
name = tiny
[parameters]
k = 2.0   # 1/ms | rate
[states]
V = -80.0 # mV | potential
g = 0.5   # - | a gate | gate
[equations]
g_inf = 1 / (1 + exp(-(V + 40) / 5))
d/dt V = -k * (V + 80) + stim
d/dt g = GATE_RATE
"""


def _tiny(tmp_path, gate_rate="(g_inf - g) / 3"):
    from heartsim.kernels.ionic.codegen.parse import parse_model

    path = tmp_path / "tiny.model"
    path.write_text(TINY.replace("GATE_RATE", gate_rate))
    return parse_model(path)


def test_parser_reads_a_small_model_and_derives_the_gate_jacobian(tmp_path):
    import sympy as sp

    from heartsim.kernels.ionic.codegen.render import jacobian_diagonal

    spec = _tiny(tmp_path)
    assert spec.gates == ["g"] and [p.name for p in spec.parameters] == ["k"]
    _, d = jacobian_diagonal(spec, "g")
    assert sp.simplify(d + sp.Rational(1, 3)) == 0
    _, dv = jacobian_diagonal(spec, "V")
    assert sp.simplify(dv + spec.symbols["k"]) == 0


@pytest.mark.parametrize("rate, message", [
    ("g * g - g", "not linear"),
    ("(h_inf - g) / 3", "unknown name 'h_inf'"),
    ("lambda x: x", "unsupported expression"),
])
def test_parser_errors_name_the_file_and_problem(tmp_path, rate, message):
    with pytest.raises((ValueError, SyntaxError), match=message):
        _tiny(tmp_path, rate)
