#!/usr/bin/env python3
"""Write every CSV in its canonical form: the command line of dpmodel.fmt (its docstring says how; `--help` too)."""

import sys

from dpmodel import os_limits

os_limits.apply()  # memory and CPU limits, before the engines are imported (SECURITY.md)
from dpmodel.fmt import main
from dpmodel.hermetic import forbid_network

forbid_network()  # checks and builds never open a connection (SECURITY.md)
sys.exit(os_limits.run(main))
