#!/usr/bin/env python3
"""Measure SECURITY.md's promises under attack: the command line of dpbench.hostile (its docstring says how; `--help` too)."""

import os
import sys

from dpmodel import os_limits

# Benchmarks measure what the steps use, so the limits are off here and in every step they run
# (inherited); with DP_LIMITS=on set by hand, they apply as in CI.
os.environ.setdefault(os_limits.OFF, "off")
os_limits.apply()
from dpbench.hostile import main

sys.exit(os_limits.run(main))
