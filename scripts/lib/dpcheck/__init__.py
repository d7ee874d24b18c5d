"""Checks for the data package: descriptor, CSV form, Table Schema rules and cross-table rules.

Each check module exposes functions that return lists of `Problem`; `validate.py` runs them in order.
"""
