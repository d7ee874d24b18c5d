"""The package model: the descriptor and its Table Schemas (with the profile that types them), the
CSV reader and canonical writer, reduced dates, the field vocabulary, problems and their wording,
size limits and the no-network guard. The checks (dpcheck), the build (dpbuild), the site
(dpsite) and the benchmarks (dpbench) all read the package through it."""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]  # the checkout: scripts/lib/dpmodel/__init__.py
