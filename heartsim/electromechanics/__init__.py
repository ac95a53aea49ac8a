"""Electromechanics: EP -> calcium -> active tension (Land 2017) -> mechanics <-> 0D circulation.

The only room that knows all of them (``ep/``, ``mechanics/``, ``circulation/`` and the tension model
in ``kernels/`` never import it or each other). Modules: ``tension`` (the tension model solved
implicitly with the stretch, pure arrays), ``quadrature`` (its states at the mechanics quadrature
points), ``cavity0d`` (the 3D cavity in the closed loop), ``calcium`` (EP calcium to the mechanics
points), ``beat`` (one coupled step), ``report`` (per-beat haemodynamics, plots); the runner is
:mod:`heartsim.simulation.electromechanics_run`.
"""
