"""Write the open-data export: CSV and JSON Lines of each table, then datapackage.json describing them.

Rows are written as they are read (the notices in batches from one streamed SELECT), so memory stays flat
whatever the number of notices; both files of a table are written in the same pass.
"""

import csv
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import force_locale

from app.clock import local_today
from app.opendata.datapackage import field_names, resource, write_package
from app.opendata.notice_export import notice_records
from app.opendata.queue_export import figure_records

TABLES = (("notices", notice_records), ("queue_figures", figure_records))


@dataclass
class ExportSummary:
    directory: Path
    rows: dict = field(default_factory=dict)  # table -> rows written
    seconds: float = 0.0
    files: list = field(default_factory=list)


def _csv_value(value):
    return "" if value is None else value


def write_table(directory, table, records):
    """Write <table>.csv and <table>.jsonl from `records` (dicts with exactly the schema's columns); return rows."""
    names = field_names(table)
    rows = 0
    with (
        (directory / f"{table}.csv").open("w", encoding="utf-8", newline="") as csv_stream,
        (directory / f"{table}.jsonl").open("w", encoding="utf-8") as json_stream,
    ):
        writer = csv.writer(csv_stream)
        writer.writerow(names)
        for record in records:
            if list(record) != names:
                raise ValueError(f"{table}: columns {list(record)} differ from the schema's {names}")
            writer.writerow([_csv_value(record[name]) for name in names])
            json_stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            rows += 1
    return rows


def export_open_data(directory, today=None):
    """Write every table of the export into `directory` (created if missing) and describe them; return a summary."""
    started = time.perf_counter()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    today = today or local_today()
    summary = ExportSummary(directory)
    resources = []
    with force_locale("vi"):
        for table, records in TABLES:
            summary.rows[table] = write_table(directory, table, records(today))
            for extension in ("csv", "jsonl"):
                resources.append(resource(directory, table, extension, summary.rows[table]))
                summary.files.append(directory / f"{table}.{extension}")
    summary.files.append(write_package(directory, resources, current_app.config["PUBLIC_BASE_URL"] + "/"))
    summary.seconds = time.perf_counter() - started
    return summary
