"""What the followers' mails say, and the start-up hook that writes them on every public notice change.

Rendered by the outbox worker (no request: links are built on PUBLIC_BASE_URL), in the follower's
language. Each mail names the notice, links to it and ends with a one-click unsubscribe link (also
the List-Unsubscribe header); none is sent to a follower who unsubscribed after it was queued.
"""

from flask_babel import gettext as _
from markupsafe import Markup

from app.extensions import db
from app.notices.followers import Follower
from app.notices.following import (
    absolute_url,
    confirm_url,
    is_following,
    notice_change_notifications,
    unsubscribe_url,
)
from app.notices.signals import notice_changed
from app.outbox.messages import Message, register_template

MAX_SUBJECT_TITLE = 120


def _title(payload):
    title = payload.get("title") or ""
    return title if len(title) <= MAX_SUBJECT_TITLE else title[: MAX_SUBJECT_TITLE - 1] + "…"


def _follower(payload):
    follower_id = payload.get("follower_id")
    return db.session.get(Follower, follower_id) if isinstance(follower_id, int) else None


def _html(paragraphs, links, footer):
    """Simple HTML: escaped paragraphs, each (label, url) as a link, then the small print."""
    parts = [Markup("<p>{}</p>").format(text) for text in paragraphs]
    parts += [Markup('<p><a href="{}">{}</a></p>').format(url, label) for label, url in links]
    for line in footer:
        if isinstance(line, tuple):
            line = Markup('{} <a href="{}">{}</a>').format(line[0], line[1], line[1])
        parts.append(Markup('<p style="color:#555;font-size:90%">{}</p>').format(line))
    body = Markup("\n").join(parts)
    return str(
        Markup('<!doctype html>\n<html><body style="font-family:sans-serif">\n{}\n</body></html>\n').format(body)
    )


def _text(paragraphs, links, footer):
    lines = [*paragraphs, *(f"{label}: {url}" for label, url in links)]
    small_print = [f"{line[0]} {line[1]}" if isinstance(line, tuple) else line for line in footer]
    return "\n\n".join(lines) + "\n\n-- \n" + "\n".join(small_print) + "\n"


def _message(subject, paragraphs, links, footer, unsubscribe=None):
    return Message(
        subject=subject,
        text=_text(paragraphs, links, footer),
        short=f"{subject}: {links[0][1]}",
        html=_html(paragraphs, links, footer),
        unsubscribe_url=unsubscribe,
    )


def _unsubscribe_footer(payload, url):
    if payload.get("followed"):
        why = _(
            "Bạn nhận thư này vì đã đăng ký theo dõi thông báo của %(unit)s trên Công khai.", unit=payload["followed"]
        )
    else:
        why = _("Bạn nhận thư này vì đã đăng ký theo dõi thông báo này trên Công khai.")
    return [why, (_("Không muốn nhận thư nữa? Hủy theo dõi:"), url)]


def _notice_link(payload):
    return _("Xem thông báo"), absolute_url("notices.show_notice", notice_id=payload["notice_id"])


# --- the templates --------------------------------------------------------------------------------


def render_confirm(payload, language):
    follower = _follower(payload)
    if payload.get("notice_id"):
        subject = _("Xác nhận theo dõi thông báo: %(title)s", title=_title(payload))
        what = _(
            "Bạn (hoặc ai đó dùng địa chỉ này) vừa đăng ký nhận thư khi thông báo “%(title)s” của %(unit)s "
            "được đính chính, bị thu hồi hoặc có câu trả lời công khai.",
            title=payload.get("title", ""),
            unit=payload.get("unit", ""),
        )
    else:
        subject = _("Xác nhận theo dõi thông báo của %(unit)s", unit=payload.get("unit", ""))
        what = _(
            "Bạn (hoặc ai đó dùng địa chỉ này) vừa đăng ký nhận thư khi %(unit)s hoặc đơn vị trực thuộc "
            "đăng thông báo mới, đính chính hoặc thu hồi thông báo.",
            unit=payload.get("unit", ""),
        )
    return _message(
        subject,
        [what, _("Chưa có thư nào được gửi cho đến khi bạn xác nhận. Đường dẫn xác nhận có hiệu lực 7 ngày.")],
        [(_("Xác nhận theo dõi"), confirm_url(follower))],
        [_("Nếu không phải bạn đăng ký, hãy bỏ qua thư này: bạn sẽ không nhận thêm thư nào.")],
    )


def _change_message(payload, subject, paragraphs, links=()):
    url = unsubscribe_url(payload["follower_id"])
    return _message(subject, paragraphs, [*links, _notice_link(payload)], _unsubscribe_footer(payload, url), url)


def _values(payload):
    return {"title": payload.get("title", ""), "unit": payload.get("unit", "")}


def render_published(payload, language):
    return _change_message(
        payload,
        _("Thông báo mới của %(unit)s: %(title)s", unit=payload.get("unit", ""), title=_title(payload)),
        [_("%(unit)s vừa niêm yết thông báo “%(title)s”.", **_values(payload))],
    )


def render_corrected(payload, language):
    paragraphs = [_("%(unit)s đã đính chính thông báo “%(title)s”.", **_values(payload))]
    if payload.get("reason"):
        paragraphs.append(_("Lý do đính chính: %(reason)s", reason=payload["reason"]))
    return _change_message(payload, _("Thông báo được đính chính: %(title)s", title=_title(payload)), paragraphs)


def render_withdrawn(payload, language):
    paragraphs = [_("%(unit)s đã thu hồi thông báo “%(title)s”.", **_values(payload))]
    if payload.get("reason"):
        paragraphs.append(_("Lý do thu hồi: %(reason)s", reason=payload["reason"]))
    return _change_message(payload, _("Thông báo đã bị thu hồi: %(title)s", title=_title(payload)), paragraphs)


def render_public_answer(payload, language):
    return _change_message(
        payload,
        _("Câu trả lời công khai về thông báo: %(title)s", title=_title(payload)),
        [_("%(unit)s vừa công khai câu trả lời cho một câu hỏi về thông báo “%(title)s”.", **_values(payload))],
        links=[(_("Đọc câu trả lời"), payload.get("answer_url", ""))],
    )


def is_confirmation_wanted(notification, payload):
    """A confirmation goes out while its follower exists and has an address."""
    follower = _follower(payload)
    return follower is not None and follower.email is not None


def is_follower_still_following(notification, payload):
    """A notice's mail goes out only while its follower is confirmed and has not unsubscribed."""
    return is_following(_follower(payload))


def register_follow_templates():
    register_template("follow.confirm", render_confirm, is_wanted=is_confirmation_wanted)
    register_template("follow.notice_published", render_published, is_wanted=is_follower_still_following)
    register_template("follow.notice_corrected", render_corrected, is_wanted=is_follower_still_following)
    register_template("follow.notice_withdrawn", render_withdrawn, is_wanted=is_follower_still_following)
    register_template("follow.public_answer", render_public_answer, is_wanted=is_follower_still_following)


def _on_notice_changed(notice, **_extra):
    notice_change_notifications(notice)


def register_follow_hooks(app):
    """At start-up: write the followers' mails with every public notice change; register their templates."""
    notice_changed.connect(_on_notice_changed)
    register_follow_templates()
