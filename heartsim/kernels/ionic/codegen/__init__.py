"""Code generator of the physiological ionic models (a developer tool; needs sympy).

``python -m heartsim.kernels.ionic.codegen`` renders every ``models/*.model`` into
``generated/<name>.py`` (NumPy step and CUDA source from one expression list);
``--check`` only reports whether the committed files are up to date (exit 1 if not).
See docs/decisions/005-ionic-codegen.md.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS_DIR = HERE.parent / "models"
GENERATED_DIR = HERE.parent / "generated"


def render_file(model_file: Path) -> tuple[Path, str]:
    """(target path, text) of the generated module of one model file."""
    from heartsim.kernels.ionic.codegen.parse import parse_model
    from heartsim.kernels.ionic.codegen.render import render_module

    text = model_file.read_text()
    spec = parse_model(model_file)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return GENERATED_DIR / f"{spec.name}.py", render_module(spec, model_file.name, digest)


def outdated() -> list[Path]:
    """Generated files that differ from what the model files render to now."""
    stale = []
    for model_file in sorted(MODELS_DIR.glob("*.model")):
        target, text = render_file(model_file)
        if not target.is_file() or target.read_text() != text:
            stale.append(target)
    return stale
