"""Render a parsed model into one Python module holding both its NumPy step and its CUDA source.

The rendered module (``heartsim/kernels/ionic/generated/<model>.py``) is committed; a test checks
that it matches what this renderer makes of the model file now (``python -m
heartsim.kernels.ionic.codegen`` rewrites it). Both targets come from one list of assignments:

1. the model's equations in file order (intermediates), then the rate ``rate_X`` of every state X;
2. for every state X, the diagonal Jacobian entry ``jac_X = d rate_X / d X``, by the chain rule
   through the intermediates (symbolic, exact); gates need it for Rush-Larsen, every state for the
   generalised Rush-Larsen scheme;
3. the update of every state with step h:

   forward Euler:                 X <- X + h f
   Rush-Larsen (gates) / GRL1:    X <- X + f (exp(a h) - 1) / a,   a = jac_X
   (exact for a rate linear in X with the other variables frozen: X_inf + (X - X_inf) exp(-h/tau)).

Methods: ``forward_euler`` (every state), ``rush_larsen`` (gates RL, the rest forward Euler; the
default), ``generalised_rush_larsen`` (every state GRL1, Sundnes et al. 2009, Cardiovasc Eng 9:
with a forward-Euler fallback where |a| < 1e-12).
"""

from __future__ import annotations

import keyword
import textwrap

import sympy as sp

from heartsim.kernels.ionic.codegen.parse import ModelSpec, dependencies
from heartsim.kernels.ionic.codegen.printers import ArrayPrinter, CudaPrinter

METHODS = ("forward_euler", "rush_larsen", "generalised_rush_larsen")
#: names the generated code itself uses
RESERVED = {"y", "p", "xp", "dt", "method", "stim_rate", "stim_mask", "ptab", "region",
            "substeps", "want", "real"}
from heartsim.kernels.ionic.generated_model import SMALL_JACOBIAN as SMALL


def jacobian_diagonal(spec: ModelSpec, state: str) -> tuple[list[tuple[str, sp.Expr]], sp.Expr]:
    """(helper assignments, expression) of d rate_state / d state by forward-mode chain rule."""
    target = spec.symbols[state]
    depends = dependencies(spec, target) & ancestors(spec, spec.rates[state])
    deriv: dict[sp.Symbol, sp.Expr] = {target: sp.Integer(1)}
    helpers: list[tuple[str, sp.Expr]] = []

    def total(expr: sp.Expr) -> sp.Expr:
        out = sp.Integer(0)
        for sym in expr.free_symbols:
            if sym in deriv:
                out += sp.diff(expr, sym) * deriv[sym]
        return out

    for name, expr in spec.equations.items():
        if name not in depends:
            continue
        d = total(expr)
        if d == 0:
            continue
        helper = f"djac_{state}__{name}"
        helpers.append((helper, d))
        deriv[spec.symbols[name]] = sp.Symbol(helper, real=True)
    return helpers, total(spec.rates[state])


def ancestors(spec: ModelSpec, expr: sp.Expr) -> set[str]:
    """Names of the equations that ``expr`` uses, directly or through other equations."""
    out: set[str] = set()
    todo = [expr]
    while todo:
        for sym in todo.pop().free_symbols:
            if sym.name in spec.equations and sym.name not in out:
                out.add(sym.name)
                todo.append(spec.equations[sym.name])
    return out


def _check_names(spec: ModelSpec) -> None:
    for name in spec.symbols:
        if name in RESERVED or keyword.iskeyword(name) or name.startswith(("rate_", "jac_", "new_", "djac_")) or name.endswith("_"):
            raise ValueError(f"{spec.name}: name {name!r} is reserved by the code generator")


def render_module(spec: ModelSpec, source_name: str, source_text_hash: str) -> str:
    """The text of the generated Python module for ``spec``."""
    _check_names(spec)
    states = [s.name for s in spec.states]
    gates = set(spec.gates)
    jac = {s: jacobian_diagonal(spec, s) for s in states}
    py = ArrayPrinter()

    lines = []
    lines += [f"{s} = y[{k}]" for k, s in enumerate(states)]
    lines += [f"{prm.name} = p[{prm.name!r}]" for prm in spec.parameters]
    lines += [f"{n} = {py(e)}" for n, e in spec.equations.items()]
    lines += [f"rate_{s} = {py(spec.rates[s])}" for s in states]
    lines += ["rates_ = [" + ", ".join(f"rate_{s}" for s in states) + "]", "if want == 0:",
              "    return rates_, {}", "jac_ = {}"]
    for s in states:
        if s in gates:
            helpers, d = jac[s]
            lines += [f"{n} = {py(e)}" for n, e in helpers] + [f"jac_[{s!r}] = {py(d)}"]
    lines += ["if want == 1:", "    return rates_, jac_"]
    for s in states:
        if s not in gates:
            helpers, d = jac[s]
            lines += [f"{n} = {py(e)}" for n, e in helpers] + [f"jac_[{s!r}] = {py(d)}"]
    lines += ["return rates_, jac_"]
    body = textwrap.indent("\n".join(lines), "    ")

    params = ",\n".join(f"    {p.name!r}: ({p.value!r}, {p.unit!r}, {p.description!r})" for p in spec.parameters)
    scalable = tuple(p.name for p in spec.parameters if "scalable" in p.flags)
    units = {s.name: s.unit for s in spec.states}
    return f'''"""{spec.name}: generated from heartsim/kernels/ionic/models/{source_name} (sha256 {source_text_hash[:16]}).

Do not edit: run ``python -m heartsim.kernels.ionic.codegen`` after changing the model file.
{spec.info.get("cite", "")}
"""
# fmt: off
# flake8: noqa

NAME = {spec.name!r}
CITE = {spec.info.get("cite", "")!r}
SOURCE_SHA256 = {source_text_hash!r}
STATES = {tuple(states)!r}
STATE_UNITS = {units!r}
GATES = {tuple(s for s in states if s in gates)!r}
INITIAL = {tuple(s.value for s in spec.states)!r}
PARAMETERS = {{
{params},
}}
SCALABLE = {scalable!r}
VARIANTS = {spec.variants!r}
DEFAULT_VARIANT = {spec.info.get("default_variant", "")!r}
CALCIUM = {spec.info.get("calcium", "")!r}


def evaluate(y, p, xp, stim=0.0, want=0):
    """Rates of every state (list, in STATES order) and, with want=1 (gates) or 2 (all), the
    diagonal of the Jacobian (dict state -> d rate / d state)."""
{body}


CUDA_SOURCE = r"""
{render_cuda(spec, jac)}
"""
'''


def render_cuda(spec: ModelSpec, jac: dict, hoist_parameters: bool = False) -> str:
    """CUDA C source of the fused kernel ``<name>_step``; precision, integrator and sub-steps are
    compile-time flags (see the comment at the top of the source).

    Parameters are read where they are used (``P_(k)``, a load from the parameter table, of the
    kernel's precision, which the GPU serves from its L1 cache: every thread of a region reads the
    same row) rather than copied into locals at the top of the kernel: locals live in registers
    across the whole ODE step and, for ORd's ~150 parameters, spill.
    ``hoist_parameters=True`` renders the copy-at-the-top variant (for the register comparison in
    docs/ionic.md).
    """
    states = [s.name for s in spec.states]
    gates = set(spec.gates)
    index = {prm.name: k for k, prm in enumerate(spec.parameters)}
    names = {} if hoist_parameters else {name: f"P_({k})" for name, k in index.items()}
    pr = CudaPrinter(names)
    args = ("real* __restrict__ y, const real* __restrict__ ptab, const int* __restrict__ region, "
            "const double dt, const double stim_rate, const real* __restrict__ stim_mask, const int method, "
            "const int substeps, const long long n_")
    out = ["// One source for the GPU (NVRTC through CuPy: one thread per node) and the host (a C",
           "// compiler: a loop over the nodes); only the head of the function differs. Flags:",
           "//   -DHEARTSIM_FP32  single precision: states, parameters, literals L_(x) and math M_(f) in float",
           "//   -DMETHOD=m       integrator fixed at compile time: 0 forward Euler, 1 Rush-Larsen, 2 generalised",
           "//                    Rush-Larsen (without it: the `method` argument, at run time)",
           "//   -DSUBSTEPS=n     ODE sub-steps per call fixed at compile time (without it: `substeps`)",
           "#ifdef HEARTSIM_FP32",
           "typedef float real;",
           "#define L_(x) x##f",
           "#define M_(fn) fn##f",
           "#else",
           "typedef double real;",
           "#define L_(x) x",
           "#define M_(fn) fn",
           "#endif",
           "#ifdef METHOD", "#define METHOD_ METHOD", "#else", "#define METHOD_ method", "#endif",
           "#ifdef SUBSTEPS", "#define SUBSTEPS_ SUBSTEPS", "#else", "#define SUBSTEPS_ substeps", "#endif",
           "#ifdef __CUDACC__",
           f'#define KERNEL_BEGIN extern "C" __global__ void {spec.name}_step({args}) {{ \\',
           "  const long long i_ = (long long)blockIdx.x * blockDim.x + threadIdx.x; if (i_ >= n_) return;",
           "#define KERNEL_END }",
           "#define P_(k) __ldg(pp_ + (k))",
           "#else",
           "#include <math.h>",
           "#define __device__",
           "#define __forceinline__ inline",
           "#define __restrict__ restrict",
           f"#define KERNEL_BEGIN void {spec.name}_step({args}) {{ \\",
           "  for (long long i_ = 0; i_ < n_; ++i_) {",
           "#define KERNEL_END } }",
           "#define P_(k) (pp_[k])",
           "#endif",
           "__device__ static __forceinline__ real sq_(real x) { return x * x; }",
           "__device__ static __forceinline__ real cube_(real x) { return x * x * x; }",
           "__device__ static __forceinline__ real quart_(real x) { real s = x * x; return s * s; }",
           f"// states: {', '.join(states)}",
           "// parameters (P_(k)): " + ", ".join(f"{k} {name}" for name, k in index.items()),
           "KERNEL_BEGIN",
           f"  const real* __restrict__ pp_ = ptab + (region ? region[i_] : 0) * {len(spec.parameters)};"]
    if hoist_parameters:
        out += [f"  const real {name} = P_({k});" for name, k in index.items()]
    out += [f"  real {s} = y[{k} * n_ + i_];" for k, s in enumerate(states)]
    out += ["  const real stim = stim_mask ? (real)stim_rate * stim_mask[i_] : (real)stim_rate;",
            "  const real h_ = (real)dt / (real)SUBSTEPS_;",
            "  for (int k_ = 0; k_ < SUBSTEPS_; ++k_) {"]
    body = [f"const real {n} = {pr(e)};" for n, e in spec.equations.items()]
    body += [f"const real rate_{s} = {pr(spec.rates[s])};" for s in states]
    body += [f"real new_{s};" for s in states]
    body += ["if (METHOD_ == 0) {"] + [f"  new_{s} = {s} + h_ * rate_{s};" for s in states] + ["} else {"]
    for s in states:
        if s in gates:
            helpers, d = jac[s]
            body += [f"  const real {n} = {pr(e)};" for n, e in helpers]
            body += [f"  const real jac_{s} = {pr(d)};",
                     f"  new_{s} = {s} + rate_{s} * M_(expm1)(jac_{s} * h_) / jac_{s};"]
    body += ["  if (METHOD_ == 2) {"]
    for s in states:
        if s not in gates:
            helpers, d = jac[s]
            body += [f"    const real {n} = {pr(e)};" for n, e in helpers]
            body += [f"    const real jac_{s} = {pr(d)};",
                     f"    new_{s} = M_(fabs)(jac_{s}) < {pr.number(SMALL)} ? {s} + h_ * rate_{s} "
                     f": {s} + rate_{s} * M_(expm1)(jac_{s} * h_) / jac_{s};"]
    body += ["  } else {"] + [f"    new_{s} = {s} + h_ * rate_{s};" for s in states if s not in gates]
    body += ["  }", "}"] + [f"{s} = new_{s};" for s in states]
    out += ["    " + b for b in body]
    out += ["  }"] + [f"  y[{k} * n_ + i_] = {s};" for k, s in enumerate(states)] + ["KERNEL_END"]
    return "\n".join(out)
