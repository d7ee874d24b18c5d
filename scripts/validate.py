#!/usr/bin/env python3
"""Validate the data package: the command line of dpcheck.validate (its docstring says how; `--help` too)."""
import sys

from dpcheck.validate import main
from dpmodel.hermetic import forbid_network

forbid_network()  # checks and builds never open a connection (SECURITY.md)
sys.exit(main())
