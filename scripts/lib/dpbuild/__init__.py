"""Build the derived outputs (Parquet, SQLite, Datasette metadata) from the canonical CSVs.

Everything here reads the Table Schemas: column types, descriptions, keys and reduced dates come
from schemas/*.json, so the outputs never describe the data differently from the package.
"""
