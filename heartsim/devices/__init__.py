"""Device-deployment analysis: the in-vivo conditions a device engineer needs, at the device's site.

A layer above the physics (like ``io/``): it reads the fields a run wrote (``fields``), tracks site
points with the tissue motion and reduces them to the numbers bench tests and risk analyses take
(``curve`` leads, ``ring`` valve annuli, ``vessel`` stent segments, ``landing`` stent-graft landing
zones), then writes tables, summaries, plots and region-of-interest files (``report``).
The geometry modules are pure NumPy/SciPy and never import DOLFINx.
"""
