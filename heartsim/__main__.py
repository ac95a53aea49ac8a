"""`python -m heartsim` runs the command line."""

import sys

from heartsim.cli.main import main

sys.exit(main())
