"""heartsim: cardiac finite-element simulation (electrophysiology first; mechanics and flow to come).

Units inside heartsim: length mm, time ms, potential mV, conductivity mS/mm, capacitance µF/mm²,
current density µA/mm² (membrane) and µA/mm³ (volumetric), pressure kPa.
"""

__version__ = "0.1.0"
