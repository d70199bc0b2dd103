"""One answer, two forms: GeoReport v2 documents as JSON or as XML (UTF-8), chosen by the URL's suffix.

The XML uses the spec's element names: a list is written as its element with one child per entry
(<services><service>…, <service_requests><request>…, <errors><error>…), and the lists inside an
entry (attributes, values, endpoints, formats) the same way.
"""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from xml.etree import ElementTree

from flask import Response

# Vietnam keeps +07:00 all year (no summer time): a fixed offset converts 1,000 moments several times faster.
VIETNAM = timezone(timedelta(hours=7))

FORMATS = ("json", "xml")
# A list's element → the element of each of its entries.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "keywords": None,  # a comma-separated text, as the spec writes it
}


def local_moment(value):
    """ISO 8601 with the +07:00 offset (Vietnam time), to the second; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(VIETNAM).isoformat(timespec="seconds")
    if isinstance(value, date):
        # A due date is met by the end of that day in Vietnam.
        return f"{value.isoformat()}T23:59:59+07:00"
    raise TypeError(f"not a moment: {value!r}")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent, tag, value):
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list | tuple):
        item_tag = LIST_ITEMS.get(tag) or "item"
        for inner in value:
            _append(element, item_tag, inner)
    else:
        element.text = _text(value)
    return element


def xml_document(root, value):
    """The XML text of `value` under the element `root` (a list: one child per entry)."""
    element = ElementTree.Element(root)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    else:
        item_tag = LIST_ITEMS[root]
        for inner in value:
            _append(element, item_tag, inner)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(element, encoding="unicode")


def render(fmt, root, value, status=200):
    """A response in `fmt` ("json" or "xml"): JSON is `value` itself; XML wraps it in `root`."""
    if fmt == "xml":
        body = xml_document(root, value)
        return Response(body.encode("utf-8"), status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps(value, ensure_ascii=False)
    return Response(body.encode("utf-8"), status=status, content_type="application/json; charset=utf-8")


def errors(fmt, status, *descriptions):
    """The spec's error body: [{code, description}, …] (XML <errors><error><code/><description/>)."""
    fmt = fmt if fmt in FORMATS else "json"
    entries = [{"code": status, "description": str(description)} for description in descriptions]
    return render(fmt, "errors", entries, status)
