"""Quasi-static finite-strain cardiac mechanics (issue 5).

One concept per module: ``kinematics`` (F, E, invariants, stresses), ``materials/`` (strain
energies), ``active_stress``, ``loads`` (load history), ``boundary`` (Dirichlet, follower pressure,
springs), ``cavity`` (cavity volume), ``loadstep`` (adaptive load stepping) and ``problem``
(spaces, forms, Newton via PETSc SNES). Physics code only: no file I/O.
"""
