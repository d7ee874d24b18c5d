#!/usr/bin/env python3
"""Validate the data package: the command line of dpcheck.validate (its docstring says how; `--help` too)."""

import sys

from dpmodel import os_limits

os_limits.apply()  # memory and CPU limits, before the engines are imported (SECURITY.md)
from dpcheck.validate import main
from dpmodel.hermetic import forbid_network

forbid_network()  # checks and builds never open a connection (SECURITY.md)
sys.exit(os_limits.run(main))
