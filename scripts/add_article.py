#!/usr/bin/env python3
"""Add an article to the package: the command line of dpcontrib.add_article (make add-article; `--help` too)."""

import sys

from dpmodel import os_limits

os_limits.apply()  # memory and CPU limits, before the engines are imported (SECURITY.md)
from dpcontrib.add_article import main

from dpmodel.hermetic import forbid_network

forbid_network()  # checks and builds never open a connection (SECURITY.md)
sys.exit(os_limits.run(main))
