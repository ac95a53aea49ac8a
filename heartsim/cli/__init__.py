"""The ``heartsim`` command line."""
