"""Reference states of the physiological ionic models from their authors' code (pure data, no DOLFINx).

``TT06_EPI_1HZ``: the epicardial state "for BCL = 1000 ms" that ten Tusscher's TT06 source lists as
its initial values (V, gates, Ca_i, Ca_SR, Ca_ss, R_prime) and internal concentrations (Na_i, K_i),
as carried over unchanged into RTXI's port (Bot & Ortega 2011, ``TenTusscher2006.cpp``; the
authors' code at www-binf.bio.uu.nl/khwjtuss/SourceCodes/, ten Tusscher & Panfilov 2006, Am J
Physiol 291:H1088). If our equations are the authors', this state is (close to) a periodic orbit
of our model paced at 1 Hz with the TT06 stimulus: one beat must bring it back to itself.
Names are the state names of ``tentusscher_panfilov_2006.model``; units mV and mM.
"""

from __future__ import annotations

TT06_EPI_1HZ = {
    "V": -86.139864, "Xr1": 0.000186, "Xr2": 0.480633, "Xs": 0.003060, "m": 0.001414, "h": 0.768983,
    "j": 0.768685, "d": 0.000030, "f": 0.977599, "f2": 0.999463, "fCass": 0.999973, "s": 0.999998,
    "r": 0.0, "R_prime": 0.989237, "Ca_i": 0.000105, "Ca_SR": 3.533937, "Ca_ss": 0.000210,
    "Na_i": 10.170516, "K_i": 139.371006,
}
