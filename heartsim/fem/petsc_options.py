"""PETSc options passed straight through to a solver object (KSP, SNES), the one place that does it.

``petsc_options`` dicts (as DOLFINx's ``LinearProblem`` takes them) are written into the global
options database under a prefix unique to the object, read by ``setFromOptions`` and removed again,
so that two solvers never see each other's options. Options that PETSc reads only when the
preconditioner is set up (the sub-solvers of ``asm``/``bjacobi``, ``sub_pc_type``; the smoothers of
``gamg``, ``mg_levels_*``; MUMPS's ``mat_mumps_icntl_*``) must still be in the database at the first
solve: :func:`ksp` keeps them until :func:`destroy_solver`. A value ``None`` sets a flag option (``-ksp_view``),
booleans become ``true``/``false``.
"""

from __future__ import annotations

import atexit
from itertools import count
from typing import Mapping

from petsc4py import PETSc

_serial = count()
#: prefixes whose options are kept in the database (until destroy_solver, or process exit)
_kept: set[str] = set()


def unique_prefix(stem: str) -> str:
    """``heartsim_<stem>_<n>_``, different for every call in this process."""
    return f"heartsim_{stem}_{next(_serial)}_"


def apply_options(obj, options: Mapping[str, object], stem: str, keep: bool = False) -> str:
    """Give ``obj`` (a PETSc KSP or SNES) a unique prefix, set ``options`` under it, call
    ``obj.setFromOptions()`` and clear them from the database (``keep``: leave them until
    :func:`clear_options`, for options that PETSc reads only when the preconditioner is set up, e.g.
    ``mat_mumps_icntl_*`` of the factor matrix); returns the prefix."""
    prefix = unique_prefix(stem)
    obj.setOptionsPrefix(prefix)
    database = PETSc.Options()
    for key, value in options.items():
        if value is None:
            database[prefix + key] = ""
        elif isinstance(value, bool):
            database[prefix + key] = "true" if value else "false"
        else:
            database[prefix + key] = value
    obj.setFromOptions()
    if keep:
        _kept.add(prefix)
    else:
        clear_options(prefix, options)
    return prefix


def clear_options(prefix: str, options: Mapping[str, object]) -> None:
    """Remove ``options`` set under ``prefix`` from the global database."""
    database = PETSc.Options()
    for key in options:
        database.delValue(prefix + key)
    _kept.discard(prefix)


def clear_prefix(prefix: str) -> None:
    """Remove every option under ``prefix`` from the global database."""
    database = PETSc.Options()
    for key in list(database.getAll()):
        if key.startswith(prefix):
            database.delValue(key)
    _kept.discard(prefix)


@atexit.register  # registered after petsc4py's own exit handler, so it runs before PETSc finalises
def _clear_kept() -> None:
    """Remove the options of solvers never destroyed (a run stopped by an error), which PETSc would
    otherwise list as unused at exit after the run's own error message."""
    for prefix in list(_kept):
        clear_prefix(prefix)


def ksp(comm, matrix: PETSc.Mat, options: Mapping[str, object], stem: str) -> PETSc.KSP:
    """A KSP on ``matrix`` configured from ``options``; its options stay in the database (under its unique
    prefix) until :func:`destroy_solver`, so that those read at preconditioner set-up take effect."""
    solver = PETSc.KSP().create(comm)
    solver.setOperators(matrix)
    apply_options(solver, options, stem, keep=True)
    return solver


def destroy_solver(solver) -> None:
    """Destroy a KSP/SNES made here and remove its options from the database."""
    prefix = solver.getOptionsPrefix()
    if prefix:
        clear_prefix(prefix)
    solver.destroy()
