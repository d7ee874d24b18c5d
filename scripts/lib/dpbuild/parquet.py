"""Write one zstd-compressed Parquet file per table, and a datapackage.json that describes them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from dpmodel import names

from .outputs import inside, remove_tree
from .typed import TypedTable


def write(tables: list[TypedTable], descriptor: dict, out: Path) -> None:
    folder = inside(out, "parquet")
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for table in tables:
        path = inside(out, "parquet", f"{table.name}.parquet")
        # Fixed writer settings, no timestamps: two builds of the same CSVs give identical bytes.
        pq.write_table(table.to_arrow(), path, compression="zstd", write_statistics=True, use_dictionary=True)
        data = path.read_bytes()
        # No "bytes": Frictionless reads Parquet through a library that does not count them, and
        # would call every resource invalid; the hash pins the file all the same.
        resources.append(
            {
                "name": table.name,
                "path": f"parquet/{table.name}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": {k: v for k, v in table.schema.items()},
            }
        )
    write_by_year(tables, out)
    derived = {k: v for k, v in descriptor.items() if k not in ("resources", "profile")}
    derived["description"] = (
        descriptor.get("description", "")
        + " This copy is derived from the canonical CSVs: one Parquet file per table, with"
        " reduced dates kept as strings plus derived *_precision, *_earliest and *_latest columns."
    )
    derived["resources"] = resources
    inside(out, "datapackage.json").write_text(
        json.dumps(derived, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


# Tables whose schema names an x-partition-date are also written partitioned by that date's year,
# for engines that prune partitions (Spark, DuckDB, BigQuery external tables):
# by-year/<table>/year=YYYY/part-0.parquet.


# Years written per call of write_dataset: Arrow refuses more partitions than its max_partitions
# (1,024) in one call, and a reduced date's year may be any of 10,000.
YEARS_AT_ONCE = 512


def write_by_year(tables: list[TypedTable], out: Path) -> None:
    remove_tree(out, "parquet", "by-year")  # never through a link
    for table in tables:
        field = table.schema.get("x-partition-date")
        if not field:
            continue
        data = table.to_arrow()
        years = pc.year(data.column(names.date_column(field, "earliest"))).cast(pa.int32())
        data = data.append_column(names.PARTITION_COLUMN, years)
        distinct = pc.unique(years).drop_null().sort().to_pylist()
        # Batches of years, in order: each partition is written whole by one call, as part-0.
        batches = [distinct[i : i + YEARS_AT_ONCE] for i in range(0, len(distinct), YEARS_AT_ONCE)] or [[]]
        for i, batch in enumerate(batches):
            rows = pc.is_in(years, value_set=pa.array(batch, pa.int32()))
            chosen = data if len(batches) == 1 else data.filter(pc.or_(rows, pc.is_null(years)) if i == 0 else rows)
            ds.write_dataset(
                chosen,
                inside(out, "parquet", "by-year", table.name),
                format="parquet",
                partitioning=ds.partitioning(pa.schema([(names.PARTITION_COLUMN, pa.int32())]), flavor="hive"),
                basename_template="part-{i}.parquet",
                use_threads=False,
                existing_data_behavior="overwrite_or_ignore",
                file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
            )
