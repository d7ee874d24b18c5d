"""Write one zstd-compressed Parquet file per table, and a datapackage.json that describes them."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq

from .typed import TypedTable


def write(tables: list[TypedTable], descriptor: dict, out: Path) -> None:
    folder = out / "parquet"
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for table in tables:
        path = folder / f"{table.name}.parquet"
        # Fixed writer settings, no timestamps: two builds of the same CSVs give identical bytes.
        pq.write_table(table.to_arrow(), path, compression="zstd", write_statistics=True, use_dictionary=True)
        data = path.read_bytes()
        resources.append({
            "name": table.name,
            "path": f"parquet/{table.name}.parquet",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": {k: v for k, v in table.schema.items()},
        })
    derived = {k: v for k, v in descriptor.items() if k not in ("resources", "profile")}
    derived["description"] = (descriptor.get("description", "") +
                              " This copy is derived from the canonical CSVs: one Parquet file per table, with"
                              " reduced dates kept as strings plus derived *_precision, *_earliest and *_latest columns.")
    derived["resources"] = resources
    (out / "datapackage.json").write_text(json.dumps(derived, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
