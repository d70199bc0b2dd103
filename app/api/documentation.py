"""GET /api/v1/openapi.json, the OpenAPI 3.1 document, and GET /api/v1/docs, the same document as a page.

The page is rendered on the server from the document itself (no Swagger UI, no CDN, no JavaScript): each
operation with its parameters, body and responses, then every shape the responses refer to.
"""

from dataclasses import dataclass, field

from flask import jsonify, make_response, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.api import blueprint
from app.api.openapi import ERROR_RESPONSES, METHODS, TAGS, json_response, openapi_document, operation

LOCATIONS = {"path": _l("đường dẫn"), "query": _l("tham số truy vấn"), "header": _l("tiêu đề")}
MAX_DEPTH = 4  # nested objects shown inline; deeper ones are named only


@dataclass
class Field:
    """One parameter, body field or property, as the page shows it."""

    name: str
    type_text: str
    required: bool = False
    description: str = ""
    location: str = ""
    link: str | None = None  # the anchor of a named shape
    children: list = field(default_factory=list)


def _schema_name(reference):
    return reference.rsplit("/", 1)[-1]


def _constraints(schema):
    notes = []
    if "enum" in schema:
        notes.append(_("một trong: %(values)s", values=", ".join(str(value) for value in schema["enum"])))
    if "minimum" in schema:
        notes.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        notes.append(f"≤ {schema['maximum']}")
    if "minLength" in schema and schema["minLength"] > 1:
        notes.append(_("ít nhất %(count)s ký tự", count=schema["minLength"]))
    if "maxLength" in schema:
        notes.append(_("tối đa %(count)s ký tự", count=schema["maxLength"]))
    if "pattern" in schema:
        notes.append(_("dạng %(pattern)s", pattern=schema["pattern"]))
    if "default" in schema:
        notes.append(_("mặc định %(value)s", value=schema["default"]))
    return notes


def type_text(schema):
    """A short reading of a schema: "integer ≥ 1", "Notice", "array of Unit", "string (date) or null"."""
    if "$ref" in schema:
        return _schema_name(schema["$ref"])
    if "anyOf" in schema:
        kinds = [option for option in schema["anyOf"] if option.get("type") != "null"]
        text = _(" hoặc ").join(type_text(option) for option in kinds)
        return _("%(type)s hoặc null", type=text) if len(kinds) < len(schema["anyOf"]) else text
    if "allOf" in schema:
        return " + ".join(type_text(part) for part in schema["allOf"])
    kind = schema.get("type", _("bất kỳ"))
    if kind == "array":
        kind = _("mảng %(items)s", items=type_text(schema.get("items", {})))
    elif kind == "object" and "additionalProperties" in schema and not schema.get("properties"):
        kind = _("đối tượng {tên: %(values)s}", values=type_text(schema["additionalProperties"]))
    elif "format" in schema:
        kind = f"{kind} ({schema['format']})"
    return ", ".join([kind, *_constraints(schema)])


def _link(schema):
    """The anchor of the named shape a schema refers to, directly or as items or the non-null option."""
    if "$ref" in schema:
        return "schema-" + _schema_name(schema["$ref"])
    if schema.get("type") == "array":
        return _link(schema.get("items", {}))
    for option in schema.get("anyOf", []):
        if "$ref" in option:
            return _link(option)
    return None


def _inline_object(schema):
    """The inline object whose properties a field lists below it (itself, its items, or its non-null option)."""
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    for option in schema.get("anyOf", []):
        if option.get("type") == "object":
            schema = option
    return schema if schema.get("properties") else None


def object_fields(schema, depth=0):
    """The properties of an object schema (parts of an allOf too) as Fields, nested objects as children."""
    if "allOf" in schema:
        return [item for part in schema["allOf"] for item in object_fields(part, depth)]
    if "$ref" in schema:
        return [Field(_("(mọi trường của %(name)s)", name=_schema_name(schema["$ref"])), "", link=_link(schema))]
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        inline = _inline_object(prop)
        rows.append(
            Field(
                name,
                type_text(prop) if inline is None else type_text({**prop, "type": prop.get("type", "object")}),
                name in required,
                prop.get("description", ""),
                link=_link(prop),
                children=object_fields(inline, depth + 1) if inline is not None and depth < MAX_DEPTH else [],
            )
        )
    return rows


def _parameter(parameter):
    return Field(
        parameter["name"],
        type_text(parameter.get("schema", {})),
        parameter.get("required", False),
        parameter.get("description", ""),
        location=str(LOCATIONS.get(parameter["in"], parameter["in"])),
    )


def _response(status, response, components):
    if "$ref" in response:
        response = components["responses"][_schema_name(response["$ref"])]
    content = response.get("content", {})
    media_type, body = next(iter(content.items()), (None, {}))
    schema = body.get("schema", {})
    headers = [
        Field(name, type_text(spec.get("schema", {})), spec.get("required", False), spec.get("description", ""))
        for name, spec in response.get("headers", {}).items()
    ]
    return {
        "status": status,
        "description": response.get("description", ""),
        "media_type": media_type,
        "type_text": type_text(schema) if schema else "",
        "link": _link(schema),
        "fields": object_fields(schema) if _link(schema) is None else [],
        "headers": headers,
    }


def docs_page(document):
    """What templates/api/docs.html shows, read from the OpenAPI document."""
    components = document.get("components", {})
    server = document.get("servers", [{"url": ""}])[0]["url"]
    groups = {name: [] for name in TAGS}
    for path, methods in document["paths"].items():
        for method in METHODS:
            if method not in methods:
                continue
            spec = methods[method]
            body = spec.get("requestBody")
            body_schema = body["content"]["application/json"]["schema"] if body else None
            groups.setdefault(spec["tags"][0], []).append(
                {
                    "id": spec["operationId"],
                    "method": method.upper(),
                    "path": server + path,
                    "summary": spec.get("summary", ""),
                    "description": spec.get("description", ""),
                    "parameters": [_parameter(parameter) for parameter in spec.get("parameters", [])],
                    "body": body
                    and {
                        "description": body.get("description", ""),
                        "type_text": type_text(body_schema),
                        "link": _link(body_schema),
                    },
                    "responses": [
                        _response(status, response, components) for status, response in spec["responses"].items()
                    ],
                }
            )
    tags = {tag["name"]: tag.get("description", tag["name"]) for tag in document.get("tags", [])}
    schemas = [
        {"name": name, "description": schema.get("description", ""), "fields": object_fields(schema)}
        for name, schema in components.get("schemas", {}).items()
    ]
    return {
        "info": document["info"],
        "openapi": document["openapi"],
        "server": server,
        "groups": [(name, tags.get(name, name), operations) for name, operations in groups.items() if operations],
        "schemas": schemas,
        "error_statuses": sorted(ERROR_RESPONSES),
    }


@operation(
    _l("Tài liệu OpenAPI 3.1 của API này"),
    tag="documentation",
    description=_l("Sinh từ mã nguồn; ?lang=en cho bản tiếng Anh."),
    responses={
        200: json_response(
            _l("Tài liệu OpenAPI."),
            {"type": "object", "required": ["openapi", "info", "paths"], "properties": {"openapi": {"type": "string"}}},
        )
    },
)
@blueprint.get("/openapi.json")
def get_openapi():
    """The OpenAPI document, in the visitor's language (a saved choice travels in the session cookie)."""
    response = jsonify(openapi_document())
    response.vary.add("Cookie")
    return response


@operation(
    _l("Tài liệu API dạng trang web"),
    tag="documentation",
    description=_l("Cùng tài liệu OpenAPI, đọc được trên điện thoại, không cần JavaScript."),
    responses={200: {"description": _l("Trang HTML."), "content": {"text/html": {"schema": {"type": "string"}}}}},
)
@blueprint.get("/docs")
def show_docs():
    """The document as a page; private, since the page's header shows a signed-in official."""
    response = make_response(render_template("api/docs.html", page=docs_page(openapi_document())))
    response.cache_control.private = True
    response.cache_control.max_age = 60
    response.vary.add("Cookie")
    return response
