"""What a feed says of a notice or a public answer, in Vietnamese: titles, summaries, links, authors.

An EntryWriter serves one feed: its texts are translated once and its addresses formatted from one
url_for each, so fifty entries cost string formatting, not fifty rounds of Babel and routing.
"""

from flask_babel import gettext as _
from markupsafe import escape

from app.clock import format_date
from app.glossary import category_label
from app.opendata.addresses import url_template
from app.opendata.atom import Entry, tag_uri
from app.phones import format_local


class EntryWriter:
    """Builds the Atom entries of one feed (call inside the request, in the feed's locale)."""

    def __init__(self):
        # Without variables gettext returns the translated template; each entry fills it with `%`.
        self.titles = {
            "withdrawn": _("Đã thu hồi: %(title)s"),
            "corrected": _("Đính chính: %(title)s"),
            "result": _("Kết quả lấy ý kiến: %(title)s"),
            "published": "%(title)s",
        }
        self.withdrawn = _("Đã thu hồi ngày %(date)s. Lý do: %(reason)s")
        self.corrected = _("Đính chính ngày %(date)s: %(reason)s")
        self.result = _("Đã công bố kết quả lấy ý kiến ngày %(date)s.")
        self.posting = _("%(unit)s · %(category)s · Niêm yết từ ngày %(start)s đến hết ngày %(end)s.")
        self.officer = _("Cán bộ trả lời câu hỏi: %(officer)s, điện thoại %(phone)s.")
        self.answer_title = _("Hỏi đáp: %(title)s")
        self.asked = _("Hỏi:")
        self.answered = _("Trả lời ngày %(date)s:")
        self.notice_page = url_template("notices.show_notice", "notice_id")
        self.unit_page = url_template("notices.show_unit", "code")
        self.notice_tag = tag_uri("notice:{}")
        self.answer_tag = tag_uri("answer:{}")
        self._labels = {}
        self._phones = {}

    def category(self, category):
        """(identifier, label) of a notice's category, as an Atom category."""
        if category not in self._labels:
            self._labels[category] = str(category_label(category))
        return category, self._labels[category]

    def notice_summary(self, change):
        """The entry's text: what changed and why, the notice's summary, its unit, period and officer."""
        notice = change.notice
        lines = []
        if notice.status == "withdrawn":
            lines.append(
                self.withdrawn % {"date": format_date(notice.withdrawn_at), "reason": notice.withdrawal_reason}
            )
        if change.correction is not None:
            correction = change.correction
            lines.append(self.corrected % {"date": format_date(correction.created_at), "reason": correction.reason})
        if change.result_published_at is not None:
            lines.append(self.result % {"date": format_date(change.result_published_at)})
        lines.append(notice.summary)
        lines.append(
            self.posting
            % {
                "unit": notice.unit.name,
                "category": self.category(notice.category)[1],
                "start": format_date(notice.posting_start),
                "end": format_date(notice.posting_end),
            }
        )
        officer = notice.contact_name + (f", {notice.contact_position}" if notice.contact_position else "")
        if notice.contact_phone not in self._phones:  # parsing a number costs more than the rest of the entry
            self._phones[notice.contact_phone] = format_local(notice.contact_phone)
        lines.append(self.officer % {"officer": officer, "phone": self._phones[notice.contact_phone]})
        return "\n".join(lines)

    def notice_entry(self, change):
        """The entry of a notice: one id for its whole life, updated by each correction or withdrawal."""
        notice = change.notice
        return Entry(
            id=self.notice_tag.format(notice.id),
            title=self.titles[change.latest] % {"title": notice.title},
            updated=change.updated,
            published=notice.published_at,
            link=self.notice_page.format(notice.id),
            summary=self.notice_summary(change),
            author=notice.unit.name,
            author_uri=self.unit_page.format(notice.unit.code),
            categories=[self.category(notice.category)],
        )

    def answer_entry(self, answer):
        """The entry of a public answer: the question as the official published it, and the answer."""
        notice = answer.notice
        answered = self.answered % {"date": format_date(answer.answered_at)}
        content = (
            f"<p><strong>{escape(self.asked)}</strong> {escape(answer.question)}</p>"
            f"<p><strong>{escape(answered)}</strong></p>"
            # Official HTML, sanitised by app.sanitize.clean_html when the answer was sent.
            f"{answer.answer_html}"
        )
        return Entry(
            id=self.answer_tag.format(answer.id),
            title=self.answer_title % {"title": notice.title},
            updated=answer.answered_at,
            published=answer.answered_at,
            link=self.notice_page.format(notice.id) + "#hoi-dap",
            summary=answer.question,
            author=notice.unit.name,
            author_uri=self.unit_page.format(notice.unit.code),
            categories=[self.category(notice.category)],
            content_html=content,
        )
