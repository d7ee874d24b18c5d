#!/usr/bin/env python3
"""Serve the built database read-only with Datasette: the command line of dpsite.serve (its docstring says how; `--help` too)."""

import sys

from dpsite.serve import main

sys.exit(main())
