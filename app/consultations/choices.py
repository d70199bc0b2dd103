"""The choices a consultation offers: agree / disagree / other, or a list of options (alternative plans).

Choices are stored with their Vietnamese label; the preset ones are shown through the translation
catalogue, so an English page reads "Agree". Keys are contracts of the API: agree, disagree, other,
option_1, option_2, …
"""

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

AGREE_DISAGREE = "agree_disagree"
OPTIONS = "options"
CHOICE_SETS = (AGREE_DISAGREE, OPTIONS)
# Stored labels are Vietnamese whatever the official's language; PRESET_LABELS shows them translated.
PRESET = (("agree", "Đồng ý"), ("disagree", "Không đồng ý"), ("other", "Ý kiến khác"))
PRESET_LABELS = {"agree": _l("Đồng ý"), "disagree": _l("Không đồng ý"), "other": _l("Ý kiến khác")}
MAX_OPTIONS = 10
MAX_OPTION_LENGTH = 200
UNKNOWN_VILLAGE_LABEL = _l("Không rõ")
DECISION_FORM_LABELS = {
    "meeting": _l("Họp thôn, tổ dân phố"),
    "ballot": _l("Phát phiếu lấy ý kiến hộ gia đình"),
    "online": _l("Biểu quyết trực tuyến"),
}


def preset_choices():
    return [{"key": key, "label": label} for key, label in PRESET]


def option_choices(labels):
    """[{"key": "option_1", "label": …}, …] of the options an official typed, one per line."""
    return [{"key": f"option_{number}", "label": label} for number, label in enumerate(labels, start=1)]


def build_choices(choice_set, options=()):
    return preset_choices() if choice_set == AGREE_DISAGREE else option_choices(options)


def choice_label(consultation, key):
    """The label of a choice as the reader's language shows it (an unknown key as itself)."""
    if consultation.choice_set == AGREE_DISAGREE and key in PRESET_LABELS:
        return PRESET_LABELS[key]
    for choice in consultation.choices:
        if choice["key"] == key:
            return choice["label"]
    return key


def labelled_choices(consultation):
    """[(key, label)] in the consultation's order."""
    return [(choice["key"], choice_label(consultation, choice["key"])) for choice in consultation.choices]


def village_label(village):
    return village or UNKNOWN_VILLAGE_LABEL


def percent_text(value):
    """12.5 -> "12,5" in Vietnamese, "12.5" in English."""
    return format_decimal(value, format="#,##0.#")
