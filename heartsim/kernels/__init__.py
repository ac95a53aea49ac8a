"""Pure-array code (NumPy or CuPy): ionic models and backend selection.

Nothing under ``heartsim.kernels`` imports DOLFINx, so it runs where only NumPy/CuPy exist
(for example a GPU node without the finite-element stack).
"""
