#!/usr/bin/env python3
"""Write a synthetic package of a given size: the command line of dpbench.synth (its docstring says how; `--help` too)."""
import sys

from dpbench.synth import main

sys.exit(main())
