#!/usr/bin/env python3
"""Measure how much of each article the data accounts for: the command line of dpcheck.text_coverage (its docstring says how; `--help` too)."""

import sys

from dpmodel import os_limits

os_limits.apply()  # memory and CPU limits, before the engines are imported (SECURITY.md)
from dpcheck.text_coverage import main
from dpmodel.hermetic import forbid_network

forbid_network()  # checks and builds never open a connection (SECURITY.md)
sys.exit(os_limits.run(main))
