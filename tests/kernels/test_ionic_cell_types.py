"""Cell-type (endo / epi / M) parameter sets of TT06 and ORd against the published factors.

The steady-state APDs of the three cell types (docs/ionic.md) follow from these parameters alone,
so a wrong factor here would show up as a wrong M- or epi-cell APD. Sources:

- O'Hara et al. 2011, PLoS Comput Biol 7:e1002061, Text S1 (cell-type scaling of the
  endocardial model), as encoded in the authors' MATLAB code and in Myokit's ``ohara-2011.mmt``
  (M. Clerx, 2016; "checked against the supplement"), read 2026-11-21: epi G_NaL x0.6, G_to x4,
  P_Ca x1.2, G_Kr x1.3, G_Ks x1.4, G_K1 x1.2, G_ncx x1.1, P_NaK x0.9, G_Kb x0.6, cmdnmax x1.3,
  J_up x1.3; M G_to x4, P_Ca x2.5, G_Kr x0.8, G_K1 x1.3, G_ncx x1.4, P_NaK x0.7, J_rel x1.7.
- ten Tusscher & Panfilov 2006, Am J Physiol 291:H1088, Table 1 (unchanged from ten Tusscher
  et al. 2004, AJP 286:H1573): G_to 0.294 (epi, M) / 0.073 (endo) nS/pF, G_Ks 0.392 (epi, endo) /
  0.098 (M) nS/pF; the endocardial I_to inactivation gate s has its own s_inf and tau_s.
"""

import pytest

from heartsim.kernels.ionic import MODELS
from heartsim.kernels.ionic.parameters import region_values

TT06, ORD = "tentusscher_panfilov_2006", "ohara_rudy_2011"

#: published factor relative to the endocardial value, per ORd parameter (ours: name in the model file)
ORD_FACTORS = {
    "epi": {"g_NaL": 0.6, "g_to": 4.0, "P_Ca": 1.2, "g_Kr": 1.3, "g_Ks": 1.4, "g_K1": 1.2, "g_NaCa": 1.1,
            "P_NaK": 0.9, "g_Kb": 0.6, "cmdnmax": 1.3, "up_scale": 1.3, "rel_scale": 1.0},
    "M": {"g_NaL": 1.0, "g_to": 4.0, "P_Ca": 2.5, "g_Kr": 0.8, "g_Ks": 1.0, "g_K1": 1.3, "g_NaCa": 1.4,
          "P_NaK": 0.7, "g_Kb": 1.0, "cmdnmax": 1.0, "up_scale": 1.0, "rel_scale": 1.7},
}


@pytest.mark.skipif(ORD not in MODELS, reason="needs the O'Hara-Rudy 2011 model")
@pytest.mark.parametrize("variant", ["epi", "M"])
def test_ord_cell_types_scale_the_endocardial_model_as_published(variant):
    model = MODELS[ORD]
    endo, cell = region_values(model, "endo"), region_values(model, variant)
    assert endo["celltype"] == 0 and cell["celltype"] == {"epi": 1, "M": 2}[variant]
    for name, factor in ORD_FACTORS[variant].items():
        assert cell[name] == pytest.approx(factor * endo[name], rel=1e-12), name
    # nothing else differs between the cell types
    changed = {k for k in endo if endo[k] != cell[k]} - set(ORD_FACTORS[variant]) - {"celltype"}
    assert not changed, changed


@pytest.mark.skipif(TT06 not in MODELS, reason="needs the ten Tusscher-Panfilov 2006 model")
def test_tt06_cell_types_match_table_1():
    model = MODELS[TT06]
    published = {"endo": (0.073, 0.392, 0), "epi": (0.294, 0.392, 1), "M": (0.294, 0.098, 2)}
    values = {v: region_values(model, v) for v in published}
    for variant, (g_to, g_ks, celltype) in published.items():
        p = values[variant]
        assert (p["g_to"], p["g_Ks"], p["celltype"]) == pytest.approx((g_to, g_ks, celltype)), variant
        changed = {k for k in p if p[k] != values["epi"][k]} - {"g_to", "g_Ks", "celltype"}
        assert not changed, (variant, changed)
