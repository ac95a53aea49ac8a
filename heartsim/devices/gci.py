"""Grid convergence index of a quantity on three meshes (Roache 1994; Celik et al. 2008, J Fluids Eng
130:078001, "procedure for estimation and reporting of uncertainty due to discretization").

With sizes h1 < h2 < h3 and values f1, f2, f3, r21 = h2/h1, r32 = h3/h2, e21 = f2 - f1, e32 = f3 - f2,
s = sign(e32 / e21), the observed order p solves

    p = | ln|e32 / e21| + q(p) | / ln r21,   q(p) = ln((r21^p - s) / (r32^p - s))

(fixed-point iteration; q = 0 for a constant ratio). Then the extrapolated value
f_ext = (r21^p f1 - f2) / (r21^p - 1), the relative difference e_a = |(f1 - f2) / f1| and
GCI_fine = 1.25 e_a / (r21^p - 1) (safety factor 1.25 for three meshes). Oscillatory convergence
(s < 0) is flagged; equal values give p = NaN and GCI = 0.
"""

from __future__ import annotations

import math


def gci(h: tuple[float, float, float], f: tuple[float, float, float], safety: float = 1.25) -> dict:
    h1, h2, h3 = map(float, h)
    f1, f2, f3 = map(float, f)
    if not h1 < h2 < h3:
        raise ValueError("mesh sizes must increase: h1 < h2 < h3")
    r21, r32 = h2 / h1, h3 / h2
    e21, e32 = f2 - f1, f3 - f2
    if e21 == 0 or e32 == 0:
        return {"observed_order": float("nan"), "extrapolated": f1, "gci_fine": 0.0, "relative_difference": 0.0,
                "oscillatory": False}
    s = math.copysign(1.0, e32 / e21)
    p = math.log(abs(e32 / e21)) / math.log(r21)
    for _ in range(200):
        try:
            q = math.log((r21**p - s) / (r32**p - s))
        except ValueError:  # non-positive argument: no consistent order
            p = float("nan")
            break
        new = abs(math.log(abs(e32 / e21)) + q) / math.log(r21)
        if abs(new - p) < 1e-12:
            p = new
            break
        p = new
    if math.isfinite(p) and p < 1e-12:
        p = float("nan")  # no convergence measurable
    ea = abs((f1 - f2) / f1) if f1 != 0 else float("nan")
    rp = r21**p if math.isfinite(p) else float("nan")
    return {"observed_order": p, "extrapolated": (rp * f1 - f2) / (rp - 1) if math.isfinite(p) else float("nan"),
            "gci_fine": safety * ea / (rp - 1) if math.isfinite(p) else float("nan"), "relative_difference": ea,
            "oscillatory": s < 0}
