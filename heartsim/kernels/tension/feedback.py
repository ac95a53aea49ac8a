"""Troponin feedback from the tension model to the O'Hara-Rudy cell model (J_TRPN), operator split.

ORd buffers cytosolic calcium rapidly by calmodulin and troponin,
Bcai = 1 / (1 + cmdnmax kmcmdn / (kmcmdn + cai)^2 + trpnmax kmtrpn / (kmtrpn + cai)^2).
In the coupled ORd/ToR-ORd + Land models (e.g. Margara et al. 2021; the simcardems ORdmm_Land
encoding) troponin is taken out of that rapid buffer and owned by the tension model, whose
calcium-bound fraction CaTRPN returns a flux

    J_TRPN = trpnmax dCaTRPN/dt,         dcai/dt = Bcai (... - J_TRPN),
    Bcai   = 1 / (1 + cmdnmax kmcmdn / (kmcmdn + cai)^2)          (calmodulin only).

Here the cell model runs with ``trpnmax = 0`` (:data:`ORD_CELL_OVERRIDES`: its troponin term
vanishes) and, after each tension step in which CaTRPN changed by dCaTRPN, the integrated flux
trpnmax dCaTRPN leaves the free + calmodulin-bound calcium (operator splitting of the two
models). Bcai dcai is the linearisation of d(cai + cmdnmax cai / (kmcmdn + cai)); the correction
solves the rapid-equilibrium balance exactly instead,

    c + cmdnmax c / (kmcmdn + c) = R,   R = cai + cmdnmax cai / (kmcmdn + cai) - trpnmax dCaTRPN,
    c = (-(K + M - R) + sqrt((K + M - R)^2 + 4 R K)) / 2      (K = kmcmdn, M = cmdnmax; mM)

so total cytosolic calcium (free + calmodulin-bound + trpnmax CaTRPN) is conserved by the
exchange to rounding, for any step (``tests/kernels/test_land2017_feedback.py``).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

#: ORd's total troponin (mM), the value of ``trpnmax`` in ohara_rudy_2011.model
TRPNMAX_MM = 0.07
#: cell models whose calcium buffering this module knows
SUPPORTED = ("ohara_rudy_2011",)
#: parameter overrides of the cell model under feedback: troponin leaves its rapid buffer
ORD_CELL_OVERRIDES = {"trpnmax": 0.0}


def troponin_feedback(cai_mM: Any, delta_catrpn: Any, cmdnmax: Any, kmcmdn: Any, trpnmax: float = TRPNMAX_MM) -> Any:
    """Free calcium (mM) after the troponin flux of a step in which CaTRPN changed by
    ``delta_catrpn``, calmodulin in rapid equilibrium (see the module docstring)."""
    xp = np if isinstance(cai_mM, (float, int, np.ndarray, np.generic)) else _xp(cai_mM)
    r = cai_mM + cmdnmax * cai_mM / (kmcmdn + cai_mM) - trpnmax * delta_catrpn
    b = kmcmdn + cmdnmax - r
    # the positive root of c^2 + b c - r K = 0, written without cancellation for b > 0
    disc = xp.sqrt(b * b + 4.0 * r * kmcmdn)
    return xp.where(b > 0, 2.0 * r * kmcmdn / (b + disc), 0.5 * (disc - b))


def _xp(a):
    import cupy

    return cupy


def check_supported(model) -> None:
    """ValueError naming the model unless its calcium buffering is known here."""
    if model.name not in SUPPORTED:
        raise ValueError(f"troponin feedback is available for {', '.join(SUPPORTED)} only, not {model.name}")


def apply_feedback(model, y: Any, p: Mapping[str, Any], delta_catrpn: Any, trpnmax: float = TRPNMAX_MM) -> None:
    """In place on the cell states ``y`` (n_states, n) of ``model`` (ORd run with ORD_CELL_OVERRIDES)."""
    check_supported(model)
    k = list(model.state_names).index("cai")
    y[k] = troponin_feedback(y[k], delta_catrpn, p["cmdnmax"], p["kmcmdn"], trpnmax)
