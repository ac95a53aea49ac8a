"""Print sympy expressions as NumPy/CuPy array code (``xp.*``) or as CUDA C.

Both printers walk the same expression tree, so the NumPy and CUDA kernels of a model compute the
same formulas in the same order; only the spelling differs (``xp.where(c, a, b)`` vs ``c ? a : b``).
"""

from __future__ import annotations

import sympy as sp


class Printer:
    """Base printer: subclasses give the spelling of functions and literals."""

    def __init__(self, names: dict[str, str] | None = None):
        self.names = names or {}

    # spelling, overridden below
    def number(self, x: float) -> str:
        return repr(float(x))

    def func(self, name: str, args: list[str]) -> str:
        raise NotImplementedError

    def select(self, cond: str, a: str, b: str) -> str:
        raise NotImplementedError

    def logic(self, op: str, parts: list[str]) -> str:
        raise NotImplementedError

    def power(self, base: str, n: int) -> str:
        raise NotImplementedError

    # the walk
    def __call__(self, e: sp.Basic) -> str:
        if isinstance(e, sp.Symbol):
            return self.names.get(e.name, e.name)
        if e is sp.true:
            return self.logic("true", [])
        if e is sp.false:
            return self.logic("false", [])
        if isinstance(e, sp.Number):
            return self.number(float(e)) if e >= 0 else f"(-{self.number(-float(e))})"
        if isinstance(e, sp.Add):
            return "(" + " + ".join(self(a) for a in e.args) + ")"
        if isinstance(e, sp.Mul):
            num, den, sign = [], [], ""
            for a in e.args:
                if isinstance(a, sp.Pow) and a.exp.is_number and a.exp < 0:
                    den.append(self(sp.Pow(a.base, -a.exp)))
                elif a == -1:
                    sign = "-"
                else:
                    num.append(self(a))
            text = " * ".join(num) if num else self.number(1.0)
            if den:
                text = f"{text} / ({' * '.join(den)})"
            return f"({sign}{text})"
        if isinstance(e, sp.Pow):
            base, ex = e.base, e.exp
            if base == sp.E:
                return self.func("exp", [self(ex)])
            if ex == sp.Rational(1, 2):
                return self.func("sqrt", [self(base)])
            if ex == -sp.Rational(1, 2):
                return f"({self.number(1.0)} / {self.func('sqrt', [self(base)])})"
            if ex.is_Integer and 0 < int(ex) <= 4:
                return self.power(self(base), int(ex))
            if ex.is_number and ex < 0:
                return f"({self.number(1.0)} / {self(sp.Pow(base, -ex))})"
            return self.func("pow", [self(base), self(ex)])
        if isinstance(e, sp.exp):
            return self.func("exp", [self(e.args[0])])
        if isinstance(e, sp.log):
            return self.func("log", [self(e.args[0])])
        if isinstance(e, sp.Abs):
            return self.func("abs", [self(e.args[0])])
        if isinstance(e, sp.sign):
            a = self(e.args[0])
            return self.select(f"({a} > {self.number(0)})", self.number(1.0),
                               self.select(f"({a} < {self.number(0)})", self.number(-1.0), self.number(0.0)))
        if isinstance(e, sp.Heaviside):
            a = self(e.args[0])
            return self.select(f"({a} > {self.number(0)})", self.number(1.0), self.number(0.0))
        if isinstance(e, (sp.Max, sp.Min)):
            name = "max" if isinstance(e, sp.Max) else "min"
            args = [self(a) for a in e.args]
            out = args[0]
            for a in args[1:]:
                out = self.func(name, [out, a])
            return out
        if isinstance(e, sp.Piecewise):
            pieces = list(e.args)
            expr, cond = pieces[-1]
            if cond is not sp.true:
                raise ValueError(f"Piecewise without an otherwise branch: {e}")
            out = self(expr)
            for expr, cond in reversed(pieces[:-1]):
                out = self.select(self(cond), self(expr), out)
            return out
        if isinstance(e, sp.core.relational.Relational):
            op = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}[e.rel_op]
            return f"({self(e.lhs)} {op} {self(e.rhs)})"
        if isinstance(e, sp.And):
            return self.logic("and", [self(a) for a in e.args])
        if isinstance(e, sp.Or):
            return self.logic("or", [self(a) for a in e.args])
        raise ValueError(f"cannot print {type(e).__name__}: {e}")


class ArrayPrinter(Printer):
    """NumPy/CuPy spelling through the array namespace ``xp``."""

    FUNCS = {"exp": "xp.exp", "log": "xp.log", "sqrt": "xp.sqrt", "abs": "xp.abs", "pow": "xp.power",
             "max": "xp.maximum", "min": "xp.minimum", "expm1": "xp.expm1"}

    def func(self, name, args):
        return f"{self.FUNCS[name]}({', '.join(args)})"

    def select(self, cond, a, b):
        return f"xp.where({cond}, {a}, {b})"

    def logic(self, op, parts):
        if op in ("true", "false"):
            return "True" if op == "true" else "False"
        joiner = " & " if op == "and" else " | "
        return "(" + joiner.join(parts) + ")"

    def power(self, base, n):
        return base if n == 1 else f"({base} ** {n})"


class CudaPrinter(Printer):
    """CUDA C spelling, typed by the kernel's precision at compile time.

    Literals are printed as ``L_(1.5)`` and functions as ``M_(exp)(x)``: the kernel source defines
    both from its precision flag (``-DHEARTSIM_FP32``: ``1.5f`` and ``expf``; otherwise ``1.5`` and
    ``exp``), so an FP32 kernel computes in float throughout (no promotion to double by a double
    literal, no ambiguous ``pow(float, double)``), and the same text serves both precisions.
    """

    FUNCS = {"exp": "exp", "log": "log", "sqrt": "sqrt", "abs": "fabs", "pow": "pow",
             "max": "fmax", "min": "fmin", "expm1": "expm1"}

    def number(self, x):
        return f"L_({float(x)!r})"

    def func(self, name, args):
        return f"M_({self.FUNCS[name]})({', '.join(args)})"

    def select(self, cond, a, b):
        return f"({cond} ? {a} : {b})"

    def logic(self, op, parts):
        if op in ("true", "false"):
            return op
        joiner = " && " if op == "and" else " || "
        return "(" + joiner.join(parts) + ")"

    def power(self, base, n):
        return base if n == 1 else {2: "sq_", 3: "cube_", 4: "quart_"}[n] + f"({base})"
