"""Regression cases with stored reference results (svMultiPhysics style): ``tests/cases/<physics>/<case>/``
holds ``config.yaml`` (a heartsim run), ``case.yaml`` (which fields and table columns are compared,
with absolute tolerances), ``README.md`` (what it verifies, where the reference comes from) and
``reference.npz``.

Fields are read back from the run folder with :class:`heartsim.io.reader.RunFolder` and put in a
rank-independent order: nodal values sorted by node coordinates, cell values by cell midpoints.

Update a reference (after a deliberate change of the numbers, on 1 rank):
``scripts/in-env python3 tests/cases/cases.py update ep/slab-planar-wave``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
CASES = sorted(str(p.parent.relative_to(HERE)) for p in HERE.glob("*/*/config.yaml"))


def spec(case: str) -> dict:
    return yaml.safe_load((HERE / case / "case.yaml").read_text())


def _order(points: np.ndarray) -> np.ndarray:
    rounded = np.round(points, 9)
    return np.lexsort(rounded.T[::-1])


def extract(case: str, out: Path) -> dict[str, np.ndarray]:
    """The compared arrays of a finished run of ``case`` in ``out``, rank-independent."""
    from heartsim.io.reader import RunFolder

    run = RunFolder(out)
    data = {}
    for name, rule in (spec(case).get("fields") or {}).items():
        field = run.field(name, rule.get("time"))
        where = field.points if field.center == "Node" else field.points[field.cells].mean(axis=1)
        order = _order(where)
        data[f"field/{name}/points"] = where[order]
        data[f"field/{name}/values"] = field.values[order]
    for table, rule in (spec(case).get("tables") or {}).items():
        columns = run.table(table)
        for column in rule["columns"]:
            data[f"table/{table}/{column}"] = columns[column]
    return data


def compare(case: str, out: Path) -> list[str]:
    """Differences beyond tolerance between a run in ``out`` and the reference (empty: none)."""
    reference = dict(np.load(HERE / case / "reference.npz"))
    got = extract(case, out)
    rules = spec(case)
    problems = []
    for key, expected in reference.items():
        kind, name = key.split("/")[:2]
        rule = (rules["fields"] if kind == "field" else rules["tables"])[name]
        atol = rule["atol"] if not key.endswith("/points") else 1e-9
        actual = got.get(key)
        if actual is None or actual.shape != expected.shape:
            problems.append(f"{key}: shape {None if actual is None else actual.shape} != {expected.shape}")
            continue
        error = float(np.nanmax(np.abs(actual - expected))) if expected.size else 0.0
        if not np.array_equal(np.isnan(actual), np.isnan(expected)) or error > atol:
            problems.append(f"{key}: max |difference| {error:.3g} > {atol:g}")
    return problems


def run(case: str, out: Path) -> None:
    """Run ``case`` into ``out`` through the CLI (on the ranks of COMM_WORLD)."""
    from heartsim.cli.main import main

    code = main(["-q", "run", str(HERE / case / "config.yaml"), "--out", str(out), "--force"])
    assert code == 0, f"{case}: heartsim run exited with {code}"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "update":
        sys.exit(__doc__)
    import tempfile

    name = sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        run(name, Path(tmp) / "out")
        np.savez_compressed(HERE / name / "reference.npz", **extract(name, Path(tmp) / "out"))
    print(f"wrote {HERE / name / 'reference.npz'}")
