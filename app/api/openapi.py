"""The OpenAPI 3.1 document of /api/v1, generated from the code (apispec builds it; nothing is hand-copied).

- Paths, methods and path parameters come from the application's url_map: a route's converter gives its
  parameter's type (`<int:…>` an integer ≥ 0, any other a non-empty string).
- Each view declares the rest beside itself with `@operation(…)`: summary, query parameters, request
  body, headers and every response with its JSON shape. Query parameters read by a WTForms form are taken
  from the form's fields (`form_parameters`), so a field added to the form reaches the document.
- JSON shapes shared by several operations are declared once, beside the function that produces them, with
  `component(name, schema)`; errors share one shape, {message, status, errors?} (app.errors).

Human text is Vietnamese through lazy_gettext, so `?lang=en` gives the English document. A route under
/api/v1 without `@operation` is left out, and tests/api/test_openapi.py fails until it is documented.
"""

import re

from apispec import APISpec
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.routing import IntegerConverter
from wtforms import BooleanField, IntegerField, SelectFieldBase
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from app.dates import DayField

API_PREFIX = "/api/v1"
API_VERSION = "1.0"
OPENAPI_VERSION = "3.1.0"
OPERATION_ATTRIBUTE = "openapi_operation"
METHODS = ("get", "post", "put", "patch", "delete")

DATE = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
_RULE_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")  # <int:notice_id>, <code>
_SCHEMAS = {}  # component name -> JSON Schema (dicts; descriptions may be lazy strings)

TAGS = {
    "units": _l("Đơn vị hành chính"),
    "notices": _l("Thông báo niêm yết"),
    "search": _l("Tìm kiếm"),
    "feedback": _l("Câu hỏi, phản ánh, kiến nghị"),
    "consultations": _l("Lấy ý kiến Nhân dân"),
    "deadlines": _l("Thời hạn giải quyết"),
    "stats": _l("Số liệu thanh tra"),
    "documentation": _l("Tài liệu API"),
}

# Every error answers with the shape of app.errors.error_response; here is what each status means.
ERROR_RESPONSES = {
    400: ("BadRequest", _l("Yêu cầu không hợp lệ: tham số sai, hoặc thân yêu cầu không phải JSON hợp lệ.")),
    404: ("NotFound", _l("Không tìm thấy.")),
    409: ("Conflict", _l("Không thực hiện được lúc này (ví dụ đợt lấy ý kiến chưa mở hoặc đã kết thúc).")),
    413: ("PayloadTooLarge", _l("Dữ liệu gửi lên quá lớn.")),
    422: ("Unprocessable", _l("Thông tin chưa hợp lệ; errors nêu từng trường và cách sửa.")),
    429: ("TooManyRequests", _l("Gửi quá nhiều yêu cầu; hãy đợi rồi thử lại.")),
    503: ("Unavailable", _l("Cơ sở dữ liệu tạm gián đoạn; hãy thử lại sau số giây trong Retry-After.")),
}


def ref(name):
    """A reference to the component schema `name`."""
    return {"$ref": f"#/components/schemas/{name}"}


def component(name, schema):
    """Declare a JSON shape that operations refer to; return a reference to it.

    `schema` may be a function returning it, called while the document is built (in a request), for a
    shape read from a form.
    """
    _SCHEMAS[name] = schema
    return ref(name)


def nullable(schema):
    """`schema` or null (JSON Schema 2020-12, as OpenAPI 3.1 speaks it)."""
    return {"anyOf": [schema, {"type": "null"}]}


def string(description=None, **constraints):
    return _described({"type": "string", **constraints}, description)


def integer(description=None, **constraints):
    return _described({"type": "integer", **constraints}, description)


def array(items, description=None):
    return _described({"type": "array", "items": items}, description)


def obj(properties, required=None, description=None):
    """An object with these properties, all of them required unless `required` names fewer."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
    }
    return _described(schema, description)


def _described(schema, description):
    if description is not None:
        schema["description"] = description
    return schema


def query(name, schema, description, required=False):
    """A query parameter."""
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def header(name, schema, description, required=False):
    """A request header."""
    return {"name": name, "in": "header", "required": required, "schema": schema, "description": description}


def json_response(description, schema, headers=None):
    """A JSON response; `headers` maps a header's name to (schema, description, required)."""
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = {
            name: {"schema": schema, "description": text, "required": is_required}
            for name, (schema, text, is_required) in headers.items()
        }
    return response


def json_body(schema, description, example=None):
    media = {"schema": schema} if example is None else {"schema": schema, "example": example}
    return {"required": True, "description": description, "content": {"application/json": media}}


def operation(
    summary, *, tag, responses, description=None, path=None, parameters=(), examples=None, body=None, errors=()
):
    """Document the view below: the builder reads what this puts on it (see the module's docstring).

    `path` describes the path parameters (their types come from the route). `parameters` is a list, or a
    function returning one (called while the document is built, in a request). `examples` gives a
    parameter, path or query, an example value by name. `errors` lists the error statuses the view may
    answer, each with the common error shape.
    """
    documented = {
        "summary": summary,
        "path": dict(path or {}),
        "examples": dict(examples or {}),
        "description": description,
        "tags": [tag],
        "parameters": parameters,
        "requestBody": body,
        "responses": dict(responses),
        "errors": tuple(errors),
    }

    def decorate(view):
        setattr(view, OPERATION_ATTRIBUTE, documented)
        return view

    return decorate


# --- WTForms fields as query parameters -------------------------------------------------------------


def _field_schema(field):
    """The JSON Schema of what a form field accepts, from its type, choices and validators."""
    if isinstance(field, DayField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, IntegerField):
        schema = {"type": "integer"}
    else:
        schema = {"type": "string"}
    if isinstance(field, SelectFieldBase):
        values = [choice.value for choice in field.iter_choices() if choice.value]
        if values:
            schema["enum"] = values
    for validator in field.validators:
        if isinstance(validator, Length):
            if validator.min > 0:
                schema["minLength"] = validator.min
            if validator.max >= 0:
                schema["maxLength"] = validator.max
        elif isinstance(validator, NumberRange):
            if validator.min is not None:
                schema["minimum"] = validator.min
            if validator.max is not None:
                schema["maximum"] = validator.max
        elif isinstance(validator, Regexp):
            schema["pattern"] = validator.regex.pattern
    return schema


def form_properties(form, names):
    """JSON object properties for the fields `names` of a form instance (a JSON body the form checks)."""
    return {name: {**_field_schema(form[name]), "description": form[name].label.text} for name in names}


def form_parameters(form, descriptions=None, required=()):
    """Query parameters of a GET form instance: one per field, named as the form reads it."""
    descriptions = descriptions or {}
    return [
        query(
            field.name,
            _field_schema(field),
            descriptions.get(field.name, field.label.text),
            required=field.name in required
            or any(isinstance(validator, DataRequired | InputRequired) for validator in field.validators),
        )
        for field in form
    ]


# --- the document ----------------------------------------------------------------------------------


def _plain(value):
    """The value with lazy strings made plain (in the request's language), ready for JSON."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _path_parameter(name, converter, description):
    if isinstance(converter, IntegerConverter):
        schema = {"type": "integer"} if converter.signed else {"type": "integer", "minimum": 0}
    else:
        schema = {"type": "string", "minLength": 1}
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _openapi_path(rule):
    """/api/v1/notices/<int:notice_id> → /notices/{notice_id} (the server's URL is /api/v1)."""
    return _RULE_ARGUMENT.sub(r"{\1}", rule.rule.removeprefix(API_PREFIX))


def api_rules(app):
    """The url_map's rules of the API blueprint, in a stable order."""
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")), key=str)


def _operation_document(documented, rule):
    parameters = documented["parameters"]
    if callable(parameters):
        parameters = parameters()
    in_path = [
        _path_parameter(name, rule._converters[name], documented["path"].get(name)) for name in sorted(rule.arguments)
    ]
    examples = documented["examples"]
    parameters = [
        {**parameter, "example": examples[parameter["name"]]} if parameter["name"] in examples else parameter
        for parameter in [*in_path, *parameters]
    ]
    responses = dict(documented["responses"])
    for status in documented["errors"]:
        responses[status] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
    document = {
        "operationId": rule.endpoint.removeprefix("api."),
        "summary": documented["summary"],
        "description": documented["description"],
        "tags": documented["tags"],
        "parameters": parameters,
        "requestBody": documented["requestBody"],
        "responses": {str(status): responses[status] for status in sorted(responses, key=str)},
    }
    return _plain(document)


def _error_components(spec):
    error = component(
        "Error",
        obj(
            {
                "message": string(
                    _l("Thông báo lỗi bằng tiếng Việt (tiếng Anh với ?lang=en), để hiện cho người dùng.")
                ),
                "status": integer(_l("Mã trạng thái HTTP, như ở dòng trạng thái.")),
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": _l("Với lỗi theo từng trường: tên trường (hoặc tham số) → điều cần sửa."),
                },
            },
            required=["message", "status"],
        ),
    )
    for status, (name, description) in ERROR_RESPONSES.items():
        response = json_response(description, error)
        if status == 503:
            response["headers"] = {
                "Retry-After": {
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                    "description": _l("Số giây nên đợi trước khi thử lại."),
                    "required": True,
                }
            }
        spec.components.response(name, _plain(response))


def build_document(app=None):
    """The OpenAPI document (a dict) of the application's /api/v1, in the request's language."""
    app = app or current_app
    spec = APISpec(
        title=str(_l("API dữ liệu công khai — Công khai")),
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        info={
            "description": str(
                _l(
                    "Dữ liệu công khai của xã, phường dưới dạng JSON: đơn vị hành chính, thông báo niêm yết, tìm "
                    "kiếm, lấy ý kiến Nhân dân, thời hạn giải quyết, số liệu; và gửi câu hỏi, phản ánh, kiến nghị. "
                    "Không cần khóa API và cookie; mọi lỗi trả về {message, status, errors?}. Không bao giờ có họ "
                    "tên, số điện thoại, email hay địa chỉ của người dân."
                )
            ),
        },
        servers=[{"url": API_PREFIX}],
        tags=[{"name": name, "description": str(label)} for name, label in TAGS.items()],
    )
    _error_components(spec)
    operations = {}
    for rule in api_rules(app):
        documented = getattr(app.view_functions[rule.endpoint], OPERATION_ATTRIBUTE, None)
        if documented is None:
            continue  # undocumented: the url_map test names it
        for method in METHODS:
            if method.upper() in rule.methods:
                operations.setdefault(_openapi_path(rule), {})[method] = _operation_document(documented, rule)
    for name in sorted(_SCHEMAS):
        schema = _SCHEMAS[name]
        spec.components.schema(name, _plain(schema() if callable(schema) else schema))
    for path in sorted(operations):
        spec.path(path=path, operations=operations[path])
    return spec.to_dict()


def openapi_document():
    """The document for this request's language, built once per language and set of routes."""
    cache = current_app.extensions.setdefault("congkhai_openapi", {})
    key = (str(get_locale()), sum(1 for _rule in current_app.url_map.iter_rules()))
    if key not in cache:
        cache[key] = build_document()
    return cache[key]
