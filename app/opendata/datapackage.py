"""datapackage.json (Frictionless Data Package v1): the files, their columns, types and descriptions.

The CSV files are tabular data resources; each has a JSON Lines twin, a plain data resource with the same
schema (Data Package v1 allows only CSV and inline JSON in a tabular resource).

The columns and their descriptions in Vietnamese and English are data, in data/fields.toml.
"""

import hashlib
import json
import tomllib
from functools import cache
from pathlib import Path

from app.clock import utcnow

FIELDS_FILE = Path(__file__).with_name("data") / "fields.toml"
PACKAGE_NAME = "congkhai-open-data"
MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/jsonl"}


@cache
def _definitions():
    with FIELDS_FILE.open("rb") as stream:
        return tomllib.load(stream)


def field_names(table):
    """The columns of `table` ("notices", "queue_figures"), in the files' order."""
    return list(_definitions()["fields"][table])


def schema(table):
    """The Table Schema of `table`: each field's name, type and bilingual title and description.

    Dates are YYYY-MM-DD (Table Schema's default); times are ISO 8601 with the +07:00 offset (Vietnam time),
    which is not the default (UTC, "Z"), so datetime fields say `"format": "any"`.
    """
    fields = []
    for name, (kind, vietnamese, english) in _definitions()["fields"][table].items():
        field = {"name": name, "type": kind, "title": vietnamese, "description": f"{vietnamese} / {english}"}
        if kind == "datetime":
            field["format"] = "any"
        field["description_vi"], field["description_en"] = vietnamese, english
        fields.append(field)
    result = {"fields": fields, "missingValues": [""]}
    if "id" in _definitions()["fields"][table]:
        result["primaryKey"] = ["id"]
    return result


def file_facts(path):
    """(bytes, "sha256:<hex>") of a written file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, f"sha256:{digest.hexdigest()}"


def resource(directory, table, extension, rows):
    """The description of one written file: where, what format, how big, its hash, rows and schema."""
    about = _definitions()["resources"][table]
    path = directory / f"{table}.{extension}"
    size, digest = file_facts(path)
    entry = {
        "name": f"{table.replace('_', '-')}-{extension}",
        "path": path.name,
        # Data Package v1: a tabular data resource is CSV (or inline JSON); JSON Lines is a data resource
        # that carries the same schema as a description of its objects.
        "profile": "tabular-data-resource" if extension == "csv" else "data-resource",
        "format": extension,
        "mediatype": MEDIA_TYPES[extension],
        "encoding": "utf-8",
        "title": f"{about['title']} / {about['title_en']}",
        "description": f"{about['description']} / {about['description_en']}",
        "bytes": size,
        "hash": digest,
        "rows": rows,
        "schema": schema(table),
    }
    if extension == "csv":
        entry["dialect"] = {"delimiter": ",", "header": True, "quoteChar": '"', "doubleQuote": True}
    return entry


def write_package(directory, resources, homepage):
    """Write datapackage.json describing `resources` (from `resource`); return its path."""
    about = _definitions()["package"]
    package = {
        "profile": "data-package",  # not "tabular-data-package": the JSON Lines files are not tabular resources
        "name": PACKAGE_NAME,
        "title": f"{about['title']} / {about['title_en']}",
        "description": f"{about['description']}\n\n{about['description_en']}",
        "homepage": homepage,
        "created": utcnow().isoformat(timespec="seconds"),
        "languages": ["vi", "en"],
        "resources": resources,
    }
    path = directory / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
