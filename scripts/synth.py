#!/usr/bin/env python3
"""Write a synthetic package of a given size: the command line of dpbench.synth (its docstring says how; `--help` too)."""

import sys

from dpmodel import os_limits

os_limits.apply()  # memory and CPU limits, before the engines are imported (SECURITY.md)
from dpbench.synth import main

sys.exit(os_limits.run(main))
