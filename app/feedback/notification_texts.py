"""What the citizen and the officials read: one renderer per notification template of the queue.

A renderer gets the notification's payload (the public part merged with the decrypted private part) and
runs in the notification's language with a request context for links. A denunciation's messages never
quote its text or the answer; every citizen message carries the tracking code and the link to follow it.
"""

from flask_babel import gettext as _
from markupsafe import escape

from app.clock import format_date
from app.dates import parse_day
from app.outbox.messages import Message
from app.urls import public_url

SIGNATURE = "Công khai"


def _day(text):
    return format_date(parse_day(text)) if text else ""


def _what_happened(payload):
    """(e-mail subject's end, the sentence saying what happened) for a citizen's message."""
    office = payload["office"]
    due = _day(payload.get("due"))

    def with_due(sentence, label):
        return sentence + (" " + label % {"due": due} if due else "")

    sentences = {  # only the template's own pair is written (each gettext costs, fifty mails a batch)
        "feedback.receipt": lambda: (
            _("đã tiếp nhận"),
            with_due(_("%(office)s đã nhận ý kiến của bạn.", office=office), _("Hạn giải quyết: %(due)s.")),
        ),
        "feedback.acknowledged": lambda: (
            _("đã thụ lý"),
            with_due(
                _("%(office)s đã thụ lý và đang xem xét giải quyết.", office=office), _("Hạn giải quyết: %(due)s.")
            ),
        ),
        "feedback.rejected": lambda: (_("không thụ lý"), _("%(office)s không thụ lý ý kiến này.", office=office)),
        "feedback.information_requested": lambda: (
            _("cần bổ sung thông tin"),
            _("%(office)s đề nghị bạn bổ sung thông tin.", office=office),
        ),
        "feedback.forwarded": lambda: (
            _("đã chuyển"),
            _("Ý kiến của bạn đã được chuyển đến %(target)s.", target=payload.get("forwarded_to") or _("cơ quan khác")),
        ),
        "feedback.answered": lambda: (_("đã có trả lời"), _("%(office)s đã trả lời ý kiến của bạn.", office=office)),
        "feedback.closed": lambda: (_("đã kết thúc"), _("Việc giải quyết ý kiến của bạn đã kết thúc.")),
        "feedback.reopened": lambda: (
            _("được mở lại"),
            _("%(office)s đã mở lại ý kiến của bạn để xem xét tiếp.", office=office),
        ),
        "feedback.extended": lambda: (
            _("được gia hạn"),
            with_due(_("%(office)s đã gia hạn thời gian giải quyết.", office=office), _("Hạn mới: %(due)s.")),
        ),
    }
    return sentences[payload["template"]]()


def _html(paragraphs, link, link_text, unsubscribe_url=None):
    parts = [f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs if paragraph]
    parts.append(f'<p><a href="{escape(link)}">{escape(link_text)}</a></p>')
    if unsubscribe_url:
        parts.append(
            f'<p style="color:#555;font-size:90%"><a href="{escape(unsubscribe_url)}">'
            f"{escape(_('Không nhận thông báo về ý kiến này nữa'))}</a></p>"
        )
    return "<!doctype html><html><body>" + "".join(parts) + "</body></html>"


def render_citizen(payload, language):
    """Every citizen message: what happened, the reason or answer where it may be said, the code and link."""
    code = payload["code"]
    track_url = public_url("feedback.track", code=code)
    unsubscribe_url = public_url("feedback.unsubscribe", code=code)
    subject_end, sentence = _what_happened(payload)
    details = []
    if payload.get("reason"):
        details.append(_("Lý do / nội dung: %(reason)s", reason=payload["reason"]))
    if payload.get("answer"):
        details.append(_("Trả lời:") + "\n" + payload["answer"])
    code_line = _("Mã theo dõi: %(code)s", code=code)
    follow_line = _("Xem tiến độ và toàn văn tại: %(url)s", url=track_url)
    text = "\n\n".join(
        [
            sentence,
            *details,
            code_line,
            follow_line,
            _("Không muốn nhận thông báo nữa? Mở: %(url)s", url=unsubscribe_url),
            SIGNATURE,
        ]
    )
    return Message(
        subject=_("[Công khai] Ý kiến %(code)s %(what)s", code=code, what=subject_end),
        text=text,
        short=_("Cong khai: y kien %(code)s %(what)s. Xem: %(url)s", code=code, what=subject_end, url=track_url),
        html=_html([sentence, *details, code_line], track_url, _("Xem ý kiến %(code)s", code=code), unsubscribe_url),
        unsubscribe_url=unsubscribe_url,
        data={"code": code, "status": subject_end, "url": track_url},
        mask_recipient=payload.get("kind") == "denunciation",
    )


def render_staff(payload, language):
    """An official's message about one item: never the citizen's words or contact, only what to open."""
    code, template = payload["code"], payload["template"]
    item_url = public_url("feedback.manage_show_item", item_id=payload["item_id"])
    due = _day(payload.get("due"))
    sentence = {
        "staff.new_item": _("Có %(kind)s mới gửi đến %(unit)s.", kind=payload["kind_label"], unit=payload["unit"]),
        "staff.forwarded_in": _(
            "%(kind)s được chuyển đến %(unit)s từ %(source)s.",
            kind=payload["kind_label"],
            unit=payload["unit"],
            source=payload.get("forwarded_from") or "",
        ),
        "staff.information_received": _("Người gửi đã bổ sung thông tin cho %(code)s.", code=code),
        "staff.assigned": _(
            "Bạn được giao xử lý %(kind)s %(code)s của %(unit)s.",
            kind=payload["kind_label"],
            code=code,
            unit=payload["unit"],
        ),
    }[template]
    due_line = _("Hạn tiếp nhận/giải quyết tiếp theo: %(due)s.", due=due) if due else ""
    text = "\n\n".join(line for line in (sentence, _("Mã: %(code)s", code=code), due_line, item_url, SIGNATURE) if line)
    return Message(
        subject=_("[Công khai] %(sentence)s", sentence=sentence),
        text=text,
        short=_("Cong khai: %(sentence)s Ma %(code)s. %(url)s", sentence=sentence, code=code, url=item_url),
        html=_html([sentence, _("Mã: %(code)s", code=code), due_line], item_url, _("Mở hồ sơ %(code)s", code=code)),
        data={"code": code, "url": item_url},
    )


def render_digest(payload, language):
    """The 07:00 digest: what is overdue and what falls due in the next two working days."""
    queue_url = public_url("feedback.manage_queue", tab="overdue" if payload["overdue_count"] else "due")
    lines, html_rows = [], []
    overdue, due = payload["overdue_count"], payload["due_count"]
    sections = (
        (_("Quá hạn"), payload["overdue"], overdue),
        (_("Đến hạn trong 2 ngày làm việc tới"), payload["due"], due),
    )
    for heading, rows, count in sections:
        if not rows:
            continue
        lines.append(f"{heading} ({count}):")
        for row in rows:
            lines.append(f"- {row['code']} · {row['kind_label']} · {row['unit']} · {_('hạn')} {_day(row['due'])}")
        if count > len(rows):
            lines.append(_("… và %(count)s hồ sơ khác", count=count - len(rows)))
        html_rows.append(f"{heading} ({count}): " + ", ".join(row["code"] for row in rows))
    summary = _(
        "%(unit)s: %(overdue)s hồ sơ quá hạn, %(due)s hồ sơ đến hạn trong 2 ngày làm việc tới (%(day)s).",
        unit=payload["unit"],
        overdue=overdue,
        due=due,
        day=_day(payload["day"]),
    )
    text = "\n\n".join([summary, "\n".join(lines), queue_url, SIGNATURE])
    return Message(
        subject=_(
            "[Công khai] Hằng ngày: %(overdue)s quá hạn, %(due)s sắp đến hạn",
            overdue=overdue,
            due=due,
        ),
        text=text,
        short=_(
            "Cong khai %(day)s: %(overdue)s ho so qua han, %(due)s sap den han. %(url)s",
            day=_day(payload["day"]),
            overdue=overdue,
            due=due,
            url=queue_url,
        ),
        html=_html([summary, *html_rows], queue_url, _("Mở hàng đợi")),
        data={"overdue": overdue, "due": due, "url": queue_url},
    )
