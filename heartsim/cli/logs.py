"""Logging set-up: messages on rank 0 only (other ranks log errors), --quiet and --verbose."""

from __future__ import annotations

import logging
import sys


def setup_logging(rank: int, quiet: bool, verbose: bool) -> logging.Logger:
    """Configure the ``heartsim`` logger for this rank and return it."""
    log = logging.getLogger("heartsim")
    log.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("heartsim: %(message)s"))
    log.addHandler(handler)
    log.propagate = False
    if rank != 0:
        log.setLevel(logging.ERROR)
    elif quiet:
        log.setLevel(logging.WARNING)
    elif verbose:
        log.setLevel(logging.DEBUG)
    else:
        log.setLevel(logging.INFO)
    return log
