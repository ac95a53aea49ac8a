"""Clinical units expressed in heartsim's units (kPa, mm^3, ms): a leaf module every layer may import
(the config's defaults written in clinical units, the 0D circulation's output tables).

Configs convert through pint (``"0.8 mmHg*s/mL"``); these factors are for defaults written in
the clinical units of the papers and for output tables (1 mmHg = 133.322 Pa, 1 mL = 1000 mm^3).
"""

from __future__ import annotations

MMHG = 0.133322387415
"""1 mmHg in kPa."""
ML = 1000.0
"""1 mL in mm^3."""
SECOND = 1000.0
"""1 s in ms."""
ML_PER_S = ML / SECOND
"""1 mL/s in mm^3/ms (= 1)."""
RESISTANCE = MMHG * SECOND / ML
"""1 mmHg s/mL in kPa ms/mm^3."""
COMPLIANCE = ML / MMHG
"""1 mL/mmHg in mm^3/kPa."""
INERTANCE = MMHG * SECOND**2 / ML
"""1 mmHg s^2/mL in kPa ms^2/mm^3."""
ELASTANCE = MMHG / ML
"""1 mmHg/mL in kPa/mm^3."""
