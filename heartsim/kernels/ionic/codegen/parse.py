"""Reader of heartsim's ionic model files (``heartsim/kernels/ionic/models/*.model``).

A model file is plain text in four sections; ``#`` starts a comment except in the annotation of a
parameter or state line, which is ``# unit | description [| flags]``::

    [model]
    name = tentusscher_panfilov_2006
    cite = ten Tusscher & Panfilov 2006, Am J Physiol 291:H1088
    calcium = Ca_i                       # the state written as the calcium trace
    default_variant = epi

    [parameters]
    g_Kr = 0.153        # nS/pF | rapid delayed rectifier conductance | scalable

    [states]
    V = -85.23          # mV | membrane potential
    m = 0.00172         # - | I_Na activation | gate

    [variants]
    endo = celltype: 0, g_to: 0.073

    [equations]
    E_K = RTF * log(K_o / K_i)
    d/dt m = (m_inf - m) / tau_m

Equations are Python expressions over numbers, parameters, states, earlier equations and the
input ``stim`` (stimulus as a depolarising rate, mV/ms; the stimulus current is ``-stim`` uA/uF);
functions: exp, log, sqrt, abs, min, max, where(condition, a, b); comparisons and and/or.
Every state has exactly one ``d/dt`` line. A state flagged ``gate`` must have a derivative linear
in itself (checked), so that Rush-Larsen is exact for frozen other variables.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

INPUTS = ("stim",)


@dataclass
class Entry:
    name: str
    value: float
    unit: str
    description: str
    flags: tuple[str, ...] = ()


@dataclass
class ModelSpec:
    """A parsed model: ordered parameters, states, equations (sympy) and variants."""

    name: str
    info: dict[str, str]
    parameters: list[Entry]
    states: list[Entry]
    variants: dict[str, dict[str, float]]
    #: intermediate name -> sympy expression, in evaluation order
    equations: dict[str, sp.Expr]
    #: state name -> sympy expression of its time derivative
    rates: dict[str, sp.Expr]
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)

    @property
    def gates(self) -> list[str]:
        return [s.name for s in self.states if "gate" in s.flags]


_FUNCS = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "min": sp.Min, "max": sp.Max,
}


def _to_sympy(node: ast.AST, env: dict[str, sp.Basic], where: str):
    """Convert a Python expression tree into sympy, resolving names in ``env``."""
    rec = lambda n: _to_sympy(n, env, where)  # noqa: E731
    if isinstance(node, ast.Expression):
        return rec(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return sp.Float(node.value) if isinstance(node.value, float) else sp.Integer(node.value)
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise ValueError(f"{where}: unknown name {node.id!r}")
        return env[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -rec(node.operand)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        return rec(node.operand)
    if isinstance(node, ast.BinOp):
        a, b = rec(node.left), rec(node.right)
        ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
               ast.Div: lambda: a / b, ast.Pow: lambda: a ** b}
        if type(node.op) in ops:
            return ops[type(node.op)]()
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        a, b = rec(node.left), rec(node.comparators[0])
        ops = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan,
               ast.GtE: sp.GreaterThan, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}
        if type(node.ops[0]) in ops:
            return ops[type(node.ops[0])](a, b)
    if isinstance(node, ast.BoolOp):
        parts = [rec(v) for v in node.values]
        return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        args = [rec(a) for a in node.args]
        if node.func.id == "where" and len(args) == 3:
            return sp.Piecewise((args[1], args[0]), (args[2], True))
        if node.func.id in _FUNCS:
            return _FUNCS[node.func.id](*args)
    raise ValueError(f"{where}: unsupported expression {ast.unparse(node)!r}")


def _annotation(text: str, where: str) -> tuple[str, str, tuple[str, ...]]:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 2:
        raise ValueError(f"{where}: annotation must be '# unit | description [| flags]'")
    return parts[0], parts[1], tuple(parts[2].split()) if len(parts) > 2 else ()


def parse_model(path: Path) -> ModelSpec:
    """Read and check a model file; errors name the file and line."""
    section, info = None, {}
    params: list[Entry] = []
    states: list[Entry] = []
    variants_raw: dict[str, str] = {}
    eq_lines: list[tuple[int, str]] = []
    for number, raw in enumerate(Path(path).read_text().splitlines(), 1):
        where = f"{path}:{number}"
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section in ("parameters", "states"):
            body, _, note = line.partition("#")
            name, _, value = body.partition("=")
            unit, desc, flags = _annotation(note, where)
            (params if section == "parameters" else states).append(
                Entry(name.strip(), float(value), unit, desc, flags))
        elif section == "model":
            key, _, value = line.partition("=")
            info[key.strip()] = value.split("#")[0].strip()
        elif section == "variants":
            key, _, value = line.partition("=")
            variants_raw[key.strip()] = value.split("#")[0].strip()
        elif section == "equations":
            eq_lines.append((number, line.split("#")[0].strip()))
        else:
            raise ValueError(f"{where}: line outside a known section")

    symbols = {e.name: sp.Symbol(e.name, real=True) for e in params + states}
    symbols.update({n: sp.Symbol(n, real=True) for n in INPUTS})
    env: dict[str, sp.Basic] = dict(symbols)
    equations: dict[str, sp.Expr] = {}
    rates: dict[str, sp.Expr] = {}
    state_names = {s.name for s in states}
    for number, line in eq_lines:
        where = f"{path}:{number}"
        lhs, _, rhs = line.partition("=")
        lhs = lhs.strip()
        expr = _to_sympy(ast.parse(rhs.strip(), mode="eval"), env, where)
        if lhs.startswith("d/dt "):
            target = lhs[5:].strip()
            if target not in state_names or target in rates:
                raise ValueError(f"{where}: d/dt of unknown or repeated state {target!r}")
            rates[target] = expr
        else:
            if lhs in env:
                raise ValueError(f"{where}: {lhs!r} defined twice")
            sym = sp.Symbol(lhs, real=True)
            symbols[lhs] = sym
            env[lhs] = sym
            equations[lhs] = expr
    missing = state_names - set(rates)
    if missing:
        raise ValueError(f"{path}: no d/dt for states {sorted(missing)}")

    pnames = {p.name for p in params}
    variants = {}
    for vname, text in variants_raw.items():
        values = {}
        for item in filter(None, (t.strip() for t in text.split(","))):
            key, _, val = item.partition(":")
            if key.strip() not in pnames:
                raise ValueError(f"{path}: variant {vname} sets unknown parameter {key.strip()!r}")
            values[key.strip()] = float(val)
        variants[vname] = values
    spec = ModelSpec(info.get("name", Path(path).stem), info, params, states, variants,
                     equations, rates, symbols)
    for gate in spec.gates:
        b = sp.diff(_expand(spec, rates[gate], symbols[gate]), symbols[gate])
        if symbols[gate] in _expand(spec, b, symbols[gate]).free_symbols:
            raise ValueError(f"{path}: gate {gate} has a derivative that is not linear in it")
    return spec


def _expand(spec: ModelSpec, expr: sp.Expr, target: sp.Symbol) -> sp.Expr:
    """Substitute equations into ``expr`` until only those not depending on ``target`` remain."""
    depends = dependencies(spec, target)
    for _ in range(len(spec.equations) + 1):
        subs = {spec.symbols[n]: e for n, e in spec.equations.items()
                if spec.symbols[n] in expr.free_symbols and n in depends}
        if not subs:
            return expr
        expr = expr.xreplace(subs)
    return expr


def dependencies(spec: ModelSpec, target: sp.Symbol) -> set[str]:
    """Names of the equations whose value depends (directly or not) on the symbol ``target``."""
    out: set[str] = set()
    for name, expr in spec.equations.items():
        free = expr.free_symbols
        if target in free or any(spec.symbols[d] in free for d in out):
            out.add(name)
    return out
