#!/usr/bin/env python3
"""Measure validation, build and serving at scale: the command line of dpbench.bench (its docstring says how; `--help` too)."""

import os
import sys

from dpmodel import os_limits

# Benchmarks measure what the steps use, so the limits are off here and in every step they run
# (inherited); with DP_LIMITS=on set by hand, they apply as in CI.
os.environ.setdefault(os_limits.OFF, "off")
os_limits.apply()
from dpbench.bench import main

sys.exit(os_limits.run(main))
