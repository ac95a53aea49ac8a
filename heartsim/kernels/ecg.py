"""Standard 12-lead ECG from electrode potentials (pure arrays).

With the potentials of the right arm (RA), left arm (LA), left leg (LL) and the precordial
electrodes V1-V6, and Wilson's central terminal WCT = (RA + LA + LL)/3:

    I = LA - RA,   II = LL - RA,   III = LL - LA                       (Einthoven)
    aVR = RA - (LA + LL)/2,  aVL = LA - (RA + LL)/2,  aVF = LL - (RA + LA)/2   (Goldberger)
    Vi = phi(Vi) - WCT,  i = 1..6
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

LIMB = ("RA", "LA", "LL")
PRECORDIAL = tuple(f"V{i}" for i in range(1, 7))
TWELVE = ("I", "II", "III", "aVR", "aVL", "aVF") + PRECORDIAL


def has_twelve_leads(names) -> bool:
    """Whether the electrodes named include RA, LA, LL and V1-V6."""
    return set(LIMB + PRECORDIAL) <= set(names)


def twelve_leads(phi: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The 12 standard leads (mV) from electrode potentials (mV), in :data:`TWELVE` order."""
    ra, la, ll = (np.asarray(phi[k]) for k in LIMB)
    wct = (ra + la + ll) / 3.0
    leads = {"I": la - ra, "II": ll - ra, "III": ll - la,
             "aVR": ra - 0.5 * (la + ll), "aVL": la - 0.5 * (ra + ll), "aVF": ll - 0.5 * (ra + la)}
    leads.update({k: np.asarray(phi[k]) - wct for k in PRECORDIAL})
    return leads
