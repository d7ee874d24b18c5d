#!/usr/bin/env python3
"""Serve the built site publicly behind nginx: the command line of dpsite.proxy (its docstring says how; `--help` too)."""

import sys

from dpsite.proxy import main

sys.exit(main())
