#!/usr/bin/env python3
"""The command line of dpcontrib.draft (its docstring says how; `--help` too)."""

import sys

from dpmodel import os_limits

os_limits.apply()  # memory and CPU limits, before the engines are imported (SECURITY.md)
from dpcontrib.draft import main

from dpmodel.hermetic import forbid_network

forbid_network()  # drafting never opens a connection (SECURITY.md)
sys.exit(os_limits.run(main))
