"""GET discovery, services and a service's definition: our queue's kinds as Open311 services."""

from flask_babel import gettext as _

from app.feedback.identity_fields import ADDRESS_REQUIRED_KINDS
from app.feedback.kinds import FEEDBACK_KINDS
from app.open311.blueprints import blueprint
from app.open311.formats import FORMATS, errors, render
from app.open311.places import receiving_units
from app.urls import public_url

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-07T00:00:00+07:00"


def _groups():
    return {
        "question": _("Hỏi đáp, phản ánh"),
        "petition": _("Hỏi đáp, phản ánh"),
        "information_request": _("Tiếp cận thông tin"),
        "complaint": _("Khiếu nại, tố cáo"),
        "denunciation": _("Khiếu nại, tố cáo"),
    }


KEYWORDS = {
    "question": "hỏi đáp,câu hỏi,thông báo",
    "petition": "phản ánh,kiến nghị,đề xuất",
    "information_request": "tiếp cận thông tin,yêu cầu cung cấp thông tin",
    "complaint": "khiếu nại,quyết định hành chính",
    "denunciation": "tố cáo,vi phạm pháp luật",
}


def service(identifier):
    kind = FEEDBACK_KINDS[identifier]
    return {
        "service_code": identifier,
        "service_name": str(kind.label),
        "description": str(kind.explanation),
        "metadata": True,
        "type": "realtime",
        "keywords": KEYWORDS[identifier],
        "group": _groups()[identifier],
    }


def _attribute(order, code, description, required, datatype="string", values=None):
    attribute = {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": "",
        "order": order,
        "description": description,
    }
    if values is not None:
        attribute["values"] = values
    return attribute


def attributes(identifier):
    """The questions a client asks for this kind: the commune, the notice, the identity the law requires."""
    units = [{"key": unit.code, "name": unit.name} for unit in receiving_units()]
    found = [
        _attribute(
            1,
            "unit",
            _("Xã, phường nhận ý kiến (mã đơn vị); hoặc ghi tên xã, phường trong address_string."),
            True,
            "singlevaluelist",
            units,
        ),
        _attribute(
            2, "notice", _("Số của thông báo đang công khai mà ý kiến nói đến (không bắt buộc)."), False, "number"
        ),
    ]
    kind = FEEDBACK_KINDS[identifier]
    if kind.is_identity_required:
        found += [
            _attribute(3, "last_name", _("Họ (và tên đệm) của người gửi: bắt buộc với loại ý kiến này."), True),
            _attribute(4, "first_name", _("Tên của người gửi: bắt buộc với loại ý kiến này."), True),
            _attribute(
                5,
                "address",
                _("Địa chỉ của người gửi, để xã gửi văn bản trả lời."),
                identifier in ADDRESS_REQUIRED_KINDS,
            ),
            _attribute(6, "id_number", _("Số căn cước công dân (CCCD), 12 chữ số (không bắt buộc)."), False),
        ]
    found.append(
        _attribute(
            7,
            "consent",
            _(
                "Người gửi đồng ý để UBND xã dùng thông tin cá nhân chỉ để giải quyết và trả lời ý kiến: bắt buộc "
                "true khi có họ tên, số điện thoại, email hoặc địa chỉ."
            ),
            kind.is_identity_required,
            "singlevaluelist",
            [{"key": "true", "name": _("Đồng ý")}, {"key": "false", "name": _("Không đồng ý")}],
        )
    )
    return found


def not_found(fmt):
    return errors(fmt, 404, _("Không có địa chỉ này trong Open311 GeoReport v2."))


@blueprint.get("/discovery.<fmt>")
def discovery(fmt):
    """Where the endpoint is, which specification and formats it serves."""
    if fmt not in FORMATS:
        return not_found("json")
    document = {
        "changeset": CHANGESET,
        "contact": _("Liên hệ quản trị Công khai qua UBND xã, phường."),
        "key_service": _("Khóa API do quản trị viên cấp tại /manage/admin/apikeys."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": public_url("open311.discovery", fmt="json").rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", document)


@blueprint.get("/services.<fmt>")
def list_services(fmt):
    """One service per kind of queue item."""
    if fmt not in FORMATS:
        return not_found("json")
    return render(fmt, "services", [service(identifier) for identifier in FEEDBACK_KINDS])


@blueprint.get("/services/<code>.<fmt>")
def service_definition(code, fmt):
    """The attributes of one service; 404 with an errors body for an unknown code."""
    if fmt not in FORMATS:
        return not_found("json")
    if code not in FEEDBACK_KINDS:
        return errors(fmt, 404, _("Không có dịch vụ (loại ý kiến) mã “%(code)s”.", code=code[:40]))
    return render(fmt, "service_definition", {"service_code": code, "attributes": attributes(code)})
