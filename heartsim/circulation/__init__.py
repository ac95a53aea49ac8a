"""0D circulation: Windkessel models and closed-loop circulation (pure NumPy/SciPy, no DOLFINx).

Internal units are heartsim's: kPa, mm^3, mm^3/ms (= mL/s), ms; configs accept mmHg, mL,
mmHg*s/mL and the like, which the config model converts (1 mmHg = 0.133322 kPa, 1 mL = 1000 mm^3).
"""
