"""Dependencies point down (docs/architecture.md): each package imports only the rooms below it,
DOLFINx is imported only by heartsim.fem, the config layer imports no physics or kernels, and the
ionic-model catalogue the config reads is the kernels' own."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "heartsim"

# package -> the heartsim packages it may import (its own always); packages not listed are not checked
BASE = {"config", "units", "failures"}
ALLOWED = {
    "units": set(),
    "failures": set(),
    "config": {"units"},
    "kernels": {"units"},
    "circulation": {"units", "kernels"},
    "fem": {"failures"},
    "io": BASE | {"kernels"},
    "runtime": BASE | {"io"},
    "mesh": BASE | {"fem", "runtime", "io"},
    "geometry": BASE | {"fem", "mesh", "runtime", "io"},
    "fibers": BASE | {"fem", "mesh", "kernels"},
    "ep": BASE | {"fem", "mesh", "kernels", "fibers"},
    "mechanics": BASE | {"fem", "mesh", "kernels"},
    "flow": BASE | {"fem", "mesh", "kernels", "circulation"},
    "electromechanics": BASE | {"fem", "mesh", "kernels", "fibers", "ep", "mechanics", "circulation"},
    "devices": BASE | {"io", "mesh"},
    "simulation": {"cli", "sweep", "cluster"},  # inverted below: everything but these
}
DOLFINX = {"dolfinx", "basix", "ffcx"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "heartsim":
                found.update(f"heartsim.{a.name}" for a in node.names)
    return found


def test_packages_import_only_downward():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        room = parts[0].removesuffix(".py")
        for name in _imports(path):
            top = name.split(".")
            if top[0] in DOLFINX and room != "fem" and parts != ("versions.py",):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name} (only heartsim.fem may)")
            if top[0] != "heartsim" or len(top) < 2 or top[1] == room or room not in ALLOWED:
                continue
            target = top[1]
            ok = target not in ALLOWED[room] if room == "simulation" else target in ALLOWED[room]
            if not ok:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_config_loads_without_kernels_physics_or_dolfinx():
    code = ("import sys, heartsim.config.loader, heartsim.config.model, heartsim.config.reference; "
            "print(sorted(m for m in sys.modules if m.startswith(('heartsim.kernels', 'heartsim.circulation', "
            "'heartsim.ep', 'heartsim.fem', 'dolfinx'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ionic_catalogue_of_the_config_is_the_kernels_one():
    from heartsim.kernels.ionic.catalog import catalog

    stored = json.loads((PACKAGE / "config" / "ionic_models.json").read_text())
    assert stored == json.loads(json.dumps(catalog())), (
        "heartsim/config/ionic_models.json is out of date: "
        "scripts/in-env python3 -m heartsim.kernels.ionic.catalog > heartsim/config/ionic_models.json")


def _module_imports(path: Path, lazy: bool) -> set[str]:
    """heartsim modules ``path`` imports (not under TYPE_CHECKING; in functions too when ``lazy``)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            continue
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not lazy:
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom) and sub.module and sub.module.startswith("heartsim"):
                found.add(sub.module)
                found.update(f"{sub.module}.{a.name}" for a in sub.names)
            elif isinstance(sub, ast.Import):
                found.update(a.name for a in sub.names if a.name.startswith("heartsim"))
    return found


@pytest.mark.parametrize("where, lazy", [("", False), ("kernels", True)])
def test_no_import_cycles_between_modules(where, lazy):
    """No cycle of module-level imports anywhere; none at all (function-level imports included) in the kernels."""
    modules = {}
    for path in (PACKAGE / where).rglob("*.py"):
        name = ".".join(("heartsim", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        modules[name] = path
    graph = {m: {t for t in _module_imports(p, lazy) if t in modules and t != m} for m, p in modules.items()}
    # a package's __init__ importing its own submodules is the usual re-export, not a cycle
    state, cycles = {}, []

    def visit(m, stack):
        state[m] = 1
        for t in graph[m]:
            if m.startswith(t + "."):
                continue  # a submodule importing its package's __init__ (it runs first anyway)
            if state.get(t) == 1:
                cycles.append(" -> ".join(stack[stack.index(t):] + [t]))
            elif t not in state:
                visit(t, stack + [t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []
