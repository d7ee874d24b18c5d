#!/usr/bin/env python3
"""Measure SECURITY.md's promises under attack: the command line of dpbench.hostile (its docstring says how; `--help` too)."""
import sys

from dpbench.hostile import main

sys.exit(main())
