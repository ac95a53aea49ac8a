#!/usr/bin/env python3
"""Registers and spills of every generated CUDA kernel, compiled as CuPy compiles it (no GPU needed).

For each model file, precision and integrator: NVRTC through CuPy's own compile path for sm_90 and
sm_80 (heartsim.kernels.ionic.cuda_compile), ptxas -v figures per thread. Prints a markdown table
(the one in docs/ionic.md) and writes it as JSON with ``--json``.

    scripts/in-env python3 scripts/cuda_compile_report.py [--archs 90 80] [--json results/cuda_compile.json]
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartsim.kernels.ionic.codegen import MODELS_DIR  # noqa: E402
from heartsim.kernels.ionic.cuda_compile import compile_like_cupy, parse_ptxas  # noqa: E402
from heartsim.kernels.ionic.generated_model import METHODS, kernel_defines  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--archs", nargs="+", default=["90", "80"])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = []
    for path in sorted(MODELS_DIR.glob("*.model")):
        code = importlib.import_module(f"heartsim.kernels.ionic.generated.{path.stem}")
        for precision in ("fp64", "fp32"):
            for method in METHODS:
                row = {"model": code.NAME, "precision": precision, "method": method}
                for arch in args.archs:
                    _, log = compile_like_cupy(code.CUDA_SOURCE, kernel_defines(precision == "fp32", method, 1), arch)
                    r = parse_ptxas(log, f"{code.NAME}_step")
                    row[f"sm_{arch}"] = {"registers": r.registers, "stack_bytes": r.stack_bytes,
                                         "spill_stores": r.spill_stores, "spill_loads": r.spill_loads}
                rows.append(row)
                print(f"{code.NAME} {precision} {method}: done", file=sys.stderr, flush=True)
    head = " | ".join(f"sm_{a} registers | sm_{a} spill st/ld (B)" for a in args.archs)
    print(f"| model | precision | integrator | {head} |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in range(2 * len(args.archs))) + " |")
    for row in rows:
        cells = " | ".join(f"{row[f'sm_{a}']['registers']} | {row[f'sm_{a}']['spill_stores']}/{row[f'sm_{a}']['spill_loads']}"
                           for a in args.archs)
        print(f"| {row['model']} | {row['precision']} | {row['method']} | {cells} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
