#!/usr/bin/env python3
"""Assemble the Table Schema profile from its core and the rules' keywords: the command line of dpcheck.profile_parts."""

import sys

from dpcheck.profile_parts import main
from dpmodel.hermetic import forbid_network

forbid_network()  # checks and builds never open a connection (SECURITY.md)
sys.exit(main())
