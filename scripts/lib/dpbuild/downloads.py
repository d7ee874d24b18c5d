"""The files the site offers for download (dpsite/plugins/downloads.py serves them at
/-/downloads/): the package itself as it is in git, zipped (the descriptor, the schemas, the
canonical CSVs and the article texts: what Frictionless and the validator read), and each table's
canonical CSV on its own, beside the Parquet, the by-year Parquet and the spreadsheet the build
writes. The zip is the same bytes for the same package (fixed times, sorted names)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from dpmodel.descriptor import Package

from . import outputs

CSV_FOLDER = "csv"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no build's clock in the file


def zip_name(package: Package) -> str:
    return f"{package.descriptor.get('name', 'data')}-package.zip"


def package_files(package: Package) -> dict[str, Path]:
    """Every file of the package as its descriptor names it: path in the package -> file on disk."""
    files = {package.descriptor_name: package.root / package.descriptor_name}
    for resource in package.resources.values():
        files[resource.path] = resource.file
        if resource.schema_path:
            files[resource.schema_path] = package.root / resource.schema_path
    return dict(sorted(files.items()))


def write(package: Package, out: Path) -> None:
    outputs.remove_tree(out, CSV_FOLDER)  # a table removed since the last build leaves no file behind
    outputs.inside(out, CSV_FOLDER).mkdir()
    for resource in package.tables():
        outputs.inside(out, CSV_FOLDER, f"{resource.name}.csv").write_bytes(resource.file.read_bytes())
    with zipfile.ZipFile(outputs.inside(out, zip_name(package)), "w", zipfile.ZIP_DEFLATED) as archive:
        for name, file in package_files(package).items():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())
