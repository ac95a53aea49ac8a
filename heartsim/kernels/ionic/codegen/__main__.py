"""python -m heartsim.kernels.ionic.codegen [--check]"""

import sys

from heartsim.kernels.ionic.codegen import MODELS_DIR, outdated, render_file

if "--check" in sys.argv[1:]:
    stale = outdated()
    for path in stale:
        print(f"out of date: {path}")
    sys.exit(1 if stale else 0)
for model_file in sorted(MODELS_DIR.glob("*.model")):
    target, text = render_file(model_file)
    target.write_text(text)
    print(f"wrote {target}")
