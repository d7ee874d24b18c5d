#!/usr/bin/env python3
"""Measure validation, build and serving at scale: the command line of dpbench.bench (its docstring says how; `--help` too)."""
import sys

from dpbench.bench import main

sys.exit(main())
