"""The ODE integrators of the ionic models and their codes in the generated kernels (NumPy, C, CUDA).

Its own module so that the kernel classes (``native.py``, ``cuda.py``) and the model wrapper
(``generated_model.py``) share the table without importing each other.
"""

METHODS = ("rush_larsen", "generalised_rush_larsen", "forward_euler")
"""Integrators: Rush-Larsen for gates and forward Euler for the rest, GRL1 for all, forward Euler for all."""

METHODS_WANT = {"forward_euler": 0, "rush_larsen": 1, "generalised_rush_larsen": 2}
"""Per method, what ``evaluate`` must return besides the rates (the integer each kernel takes):
0 nothing, 1 the Jacobian diagonal of the gates, 2 of all states."""
