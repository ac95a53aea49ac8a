"""``credibility.json``: what a run (or a cohort) is for, what it computed, and the evidence behind it, in
the terms of the FDA guidance "Assessing the Credibility of Computational Modeling and Simulation in
Medical Device Submissions" (17 November 2023; its eight categories of credibility evidence) and of
ASME V&V 40-2018 (its credibility factors). heartsim states facts (which verification applies, with the
document, test and numbers); it does not grade them: adequacy for a context of use is the user's call.
"""

from __future__ import annotations

import json
from pathlib import Path

from heartsim.io.outputs import config_hash, write_json_atomic

FDA_2023_CATEGORIES = (
    "code verification results", "model calibration evidence", "bench test validation results",
    "in vivo validation results", "population-based validation results", "emergent model behavior",
    "model plausibility", "calculation verification/UQ results using clinical conditions")

VV40_FACTORS = {
    "code verification": ("software quality assurance", "numerical code verification"),
    "calculation verification": ("discretization error", "numerical solver error", "use error"),
    "validation: computational model": ("model form", "model inputs"),
    "validation: comparator": ("test samples", "test conditions"),
    "validation: assessment": ("equivalency of input parameters", "output comparison"),
    "applicability": ("relevance of the quantities of interest", "relevance of the validation activities to the COU"),
}

#: verification of each solver: (what, document, tests, numbers as last written in the document)
EVIDENCE = {
    "ep": [
        ("monodomain diffusion step against a manufactured solution", "docs/verification.md",
         ["tests/ep/test_diffusion_mms.py"], "observed orders within 0.2 of theory (2 in h; 1 Godunov, 2 Strang in dt)"),
        ("planar-wave conduction velocity", "docs/verification.md", ["tests/ep/test_conduction_velocity.py"],
         "see docs/verification.md, Planar-wave conduction velocity"),
        ("Niederer et al. 2011 N-version benchmark", "docs/verification.md", ["tests/ep/test_niederer.py"],
         "activation times P1-P9 beside fenicsx-beat and the published 37.8-48.7 ms spread of P8"),
    ],
    "mechanics": [
        ("Land et al. 2015 problem 1 (beam)", "docs/mechanics.md", ["tests/mechanics/test_land_beam.py"],
         "tip z 4.068 / 4.141 / 4.159 mm at h = 1 / 0.5 / 0.25 mm, published 4.17 mm"),
        ("Land et al. 2015 problems 2 and 3 (ellipsoid)", "docs/mechanics.md",
         ["tests/mechanics/test_land_ellipsoid.py"], "see docs/mechanics.md, Problems 2 and 3"),
        ("homogeneous deformation and rigid rotation", "docs/mechanics.md",
         ["tests/mechanics/test_homogeneous.py", "tests/mechanics/test_rigid_rotation.py"], "exact to solver tolerance"),
    ],
    "flow": [
        ("Poiseuille tube", "docs/flow.md", ["tests/flow/test_ns_tube.py"],
         "velocity L2 error order 1.91-2.02, pressure-drop order 2.08 (h = 0.5, 0.35, 0.25 mm)"),
        ("Womersley and Schafer-Turek 3D-1Z", "docs/flow.md", ["tests/flow/test_ns_variants.py"],
         "see docs/flow.md, Womersley and Schafer-Turek"),
        ("wall shear stress and wall force against analytic fields", "docs/flow.md", ["tests/flow/test_metrics.py"],
         "see docs/flow.md, Metrics: Verification"),
    ],
    "circulation": [
        ("Windkessel and closed-loop circulation", "docs/circulation.md",
         ["tests/circulation/test_windkessel.py", "tests/circulation/test_closed_loop.py"],
         "see docs/circulation.md, Verification"),
    ],
    "devices": [
        ("device-site geometry (helix curvature/torsion, ellipse ring, stretch/twist, pressurised bend)",
         "docs/devices.md", ["tests/devices/test_geometry.py", "tests/devices/test_report.py"],
         "helix kappa, tau to 2e-4 / 2e-3; ellipse area and perimeter to (2 pi/n)^2; strains exact; |F| = sqrt(2) p A exact"),
    ],
}


def evidence_for(physics: list[str], with_devices: bool) -> list[dict]:
    keys = [p for p in physics if p in EVIDENCE] + (["devices"] if with_devices else [])
    return [{"solver": k, "what": what, "document": doc, "tests": tests, "numbers": numbers,
             "fda_2023_category": "code verification results", "vv40_factor": "numerical code verification"}
            for k in keys for what, doc, tests, numbers in EVIDENCE[k]]


def qoi_value(folder: Path, name: str) -> tuple[float | None, str]:
    """A quantity of interest of a run folder: ``site.metric[.stat]`` / ``site.scalar`` of devices/summary.json
    (a metric's peak by default), else a dot path into summary.json; (None, '') when absent."""
    devices = folder / "devices" / "summary.json"
    parts = name.split(".")
    if devices.is_file():
        data = json.loads(devices.read_text())
        site = data.get(parts[0], {})
        if len(parts) >= 2 and parts[1] in site.get("metrics", {}):
            entry = site["metrics"][parts[1]]
            return entry.get(parts[2] if len(parts) > 2 else "peak"), entry.get("unit", "")
        if len(parts) == 2 and parts[1] in site.get("scalars", {}):
            return site["scalars"][parts[1]]["value"], site["scalars"][parts[1]]["unit"]
    summary = folder / "summary.json"
    if summary.is_file():
        node = json.loads(summary.read_text())
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                return None, ""
            node = node[part]
        return (float(node), "") if isinstance(node, (int, float)) else (None, "")
    return None, ""


def _categories(evidence: list[dict], refinement: dict | None, population: list | None, plausibility: bool) -> dict:
    out = {c: [] for c in FDA_2023_CATEGORIES}
    out["code verification results"] = [f"{e['solver']}: {e['what']} ({e['document']})" for e in evidence]
    if population:
        out["population-based validation results"] = [
            f"{r['metric']}: ECDF area {r['ecdf_area']:.4g} against {Path(r['file']).name} (n = {r['measured']})"
            for r in population]
    if refinement:
        out["calculation verification/UQ results using clinical conditions"] = [
            f"{q}: observed order {v['observed_order']:.3g}, GCI {v['gci_fine']:.3g}" for q, v in refinement.items()]
    if plausibility:
        out["model plausibility"] = ["literature ranges beside the device metrics (docs/devices.md)"]
    return {k: (v or ["none in this record"]) for k, v in out.items()}


def _factors(evidence, refinement, population, resolved) -> dict:
    addressed = {
        "software quality assurance": "automated test suite (tests/, scripts/test) with the repository's version",
        "numerical code verification": "; ".join(sorted({e["document"] for e in evidence})) or None,
        "discretization error": "mesh-refinement GCI per quantity of interest" if refinement else None,
        "numerical solver error": "solver options and tolerances in config.resolved.json (solver)" if resolved.get(
            "solver") is not None else None,
        "use error": "typed, validated config (unknown keys and wrong units are errors); resolved config stored",
        "output comparison": "ECDF area metric against measured population data" if population else None,
        "relevance of the quantities of interest": "quantities of interest listed by the user"
        if (resolved.get("credibility") or {}).get("quantities_of_interest") else None,
    }
    return {group: {f: addressed.get(f) or "not addressed in this record" for f in factors}
            for group, factors in VV40_FACTORS.items()}


def record(resolved: dict, folder: Path, refinement: dict | None = None, population: list | None = None,
           versions: dict | None = None, kind: str = "run") -> dict:
    cred = resolved.get("credibility") or {}
    physics = [k for k, v in (resolved.get("physics") or {}).items() if v is not None]
    sites = ((resolved.get("devices") or {}).get("sites")) or []
    evidence = evidence_for(physics, bool(sites))
    qois = []
    for name in cred.get("quantities_of_interest", []):
        value, unit = qoi_value(folder, name) if kind == "run" else (None, "")
        if refinement and name in refinement:  # a series: the finest mesh's value
            value, unit = refinement[name]["values"][0], refinement[name].get("unit", "")
        qois.append({"name": name, "value": value, "unit": unit,
                     **({"refinement": refinement[name]} if refinement and name in refinement else {})})
    return {
        "kind": kind,
        "context_of_use": cred.get("context_of_use", ""),
        "question_of_interest": cred.get("question_of_interest", ""),
        "model_risk": cred.get("model_risk"),
        "quantities_of_interest": qois,
        "physics": physics,
        "device_sites": [s.get("name") for s in sites],
        "verification_evidence": evidence,
        "calculation_verification": refinement or "no mesh-refinement series (verification.refine) in this record",
        "population_validation": population or [],
        "fda_2023_evidence_categories": _categories(evidence, refinement, population, bool(sites)),
        "asme_vv40_factors": _factors(evidence, refinement, population, resolved),
        "config_hash": config_hash(resolved),
        "versions": versions or {},
        "references": ["FDA, Assessing the Credibility of Computational Modeling and Simulation in Medical Device "
                       "Submissions, guidance, 17 Nov 2023", "ASME V&V 40-2018",
                       "Celik et al. 2008, J Fluids Eng 130:078001 (GCI)"],
    }


def write_record(folder: Path, resolved: dict, **kwargs) -> Path:
    path = Path(folder) / "credibility.json"
    write_json_atomic(path, record(resolved, Path(folder), **kwargs))
    return path
