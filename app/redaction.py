"""Find and hide the personal details a citizen wrote in their own text, before any of it is published.

Pure (no database, no request): phone numbers in any Vietnamese format, e-mail addresses, 9- and
12-digit ID (CMND/CCCD) numbers, the name and address a person states ("Tôi là …", "ở thôn …") and
the ones they gave in the contact fields, also written without diacritics or in capitals. Words are
compared on folded text (lower case, no diacritics, đ → d) of the same length as the text, so every
span found is replaced in the text as written. Ordinary numbers stay: document numbers
(123/QĐ-UBND), money (5.000.000 đồng), dates, plot numbers, unless given as the person's address.
Any public path calls `find_personal_details` (refuse while it finds anything) or `redact` (a draft).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import lazy_gettext as _l

REDACTED = "[đã ẩn]"
PHONE, EMAIL, ID_NUMBER, NAME, ADDRESS = "phone", "email", "id_number", "name", "address"
KIND_LABELS = {
    PHONE: _l("số điện thoại"),
    EMAIL: _l("email"),
    ID_NUMBER: _l("số CMND/CCCD"),
    NAME: _l("họ tên"),
    ADDRESS: _l("địa chỉ"),
}

_NATIONAL_PHONE = re.compile(r"0(?:[35789][0-9]{8}|2[0-9]{9})")  # mobiles 09x…, landlines 02xx…
_DIGITS = re.compile(r"[0-9]+")
_GROUP_GAP = re.compile(r"[ \t\u00a0.\-()]{1,3}")  # inside one written number: "091.234.5678", "(+84) 912"
_PLUS_BEFORE = re.compile(r"(?:\(\s?)?\+\s?$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_ID_RUN = re.compile(r"(?<![0-9])(?:[0-9]{12}|[0-9]{9})(?![0-9])")
_MONEY_AFTER = re.compile(r"[ \t]?(?:dong|d|vnd|trieu|ty)\b")  # on folded text
_NEXT_WORD = re.compile(r"[ \t]*([^\W\d_]+)")
_NEXT_TOKEN = re.compile(r"[ \t]*([0-9]{1,5}[a-z]?(?:/[0-9]{1,5}[a-z]?)*(?![0-9])|[^\W\d_]+)", re.IGNORECASE)

# The patterns below read folded text.
_ID_KEYWORD = re.compile(
    r"\b(?:cccd|cmnd|cmtnd|can cuoc(?: cong dan)?|chung minh(?: nhan dan| thu)?|dinh danh(?: ca nhan)?"
    r"|ho chieu)\b[^0-9\n\[\]]{0,20}"  # not across a "[đã ẩn]" already put in
)
_NAME_STATEMENT = re.compile(r"\b(?:ho va ten|ho ten|ten toi la|toi ten la|toi ten|toi la|em la|chau la)\b[ \t]*:?")
_ADDRESS_STATEMENT = re.compile(
    r"\b(?:(?:nha|gia dinh)(?: toi| minh| em)? o|ho (?:toi|minh|em) o|toi (?:dang )?(?:song|cu tru|tru) (?:o|tai)"
    r"|toi o|tru tai|thuong tru|tam tru|que o)\b[ \t]*:?"
)
_ADDRESS_LABEL = re.compile(r"\bdia chi(?: nha)?(?: cua toi)?(?: la)?\b[ \t]*:?")
_AFTER_NAME = re.compile(r"[ \t]*,?[ \t]*(?:(?:(?:song|tru|hien) )?(?:o|tai)\b)?")
_PLACE_KEYWORD = re.compile(
    r"[ \t]*(?:to dan pho|khu dan cu|khu pho|thi tran|thanh pho|so nha|tdp|thon|xom|ap|ban|lang|khom|to|khu"
    r"|ngo|ngach|hem|kiet|duong|pho|xa|phuong|huyen|quan|tinh|tp|so)\b\.?"
)
_COMPONENT_GAP = re.compile(r"[ \t]*[,\-–]?[ \t]*")
# Words that end a name or a place name typed all in capitals or all in lower case (folded).
_STOP_WORDS = frozenset(
    "o tai thon xom ap xa phuong huyen tinh so sdt dt dien thoai email mail gmail zalo cccd cmnd nha dia cu"
    " tru xin hoi la va hoac nguoi ho dan can bo thuoc muon den de thay vua da se khong bi duoc gui lien he goi"
    " toi con vo chong me cha ong ba em co chu bac".split()
)
_HONORIFICS = frozenset("ong ba anh chi co chu bac em chau".split())
_MAX_NAME_WORDS = 5
_MAX_PLACE_WORDS = 4


@dataclass(frozen=True)
class Match:
    """One personal detail found in a text: its kind, the text as written, and where it stands."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Details:
    """What is known of one person: names and addresses folded, phones national (0912345678), e-mails lower case."""

    names: frozenset = frozenset()
    addresses: frozenset = frozenset()
    phones: frozenset = frozenset()
    emails: frozenset = frozenset()
    id_numbers: frozenset = frozenset()


@dataclass(frozen=True)
class Redaction:
    """A text with each detail replaced by REDACTED, and the details replaced, in order."""

    text: str
    matches: tuple


NOBODY = Details()


@lru_cache(maxsize=4096)
def _fold_character(character):
    if character in "đĐ":
        return "d"
    base = "".join(piece for piece in unicodedata.normalize("NFD", character) if not unicodedata.combining(piece))
    for candidate in (base.lower(), character.lower()):
        if len(candidate) == 1:
            return candidate
    return character


def fold(text):
    """`text` in lower case without diacritics (đ → d), one character for each character of `text`."""
    return "".join(_fold_character(character) for character in text)


def folded_words(text):
    """The words of `text`, folded and joined by single spaces ("Trần  THỊ Bích" → "tran thi bich")."""
    return " ".join(re.findall(r"[^\W_]+", fold(unicodedata.normalize("NFC", text or ""))))


def national_phone(text, international=False):
    """The national form (0912345678) of a Vietnamese phone number written any way, or None."""
    text = text or ""
    digits = "".join(_DIGITS.findall(text))
    international = international or text.lstrip().startswith("+")
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and (international or len(digits) in (11, 12)):
        digits = "0" + digits[2:]
    elif international:
        return None
    return digits if _NATIONAL_PHONE.fullmatch(digits) else None


def _digit_chains(text):
    """Runs of digit groups joined by the separators people put inside one number."""
    chain = []
    for group in _DIGITS.finditer(text):
        if chain and _GROUP_GAP.fullmatch(text, chain[-1].end(), group.start()):
            chain.append(group)
            continue
        if chain:
            yield chain
        chain = [group]
    if chain:
        yield chain


def _phones(text):
    """[(start, end, national number)] of the phone numbers in `text`, the longest reading first."""
    found = []
    for chain in _digit_chains(text):
        first = 0
        while first < len(chain):
            start = chain[first].start()
            plus = _PLUS_BEFORE.search(text, max(0, start - 3), start)
            for last in range(len(chain) - 1, first - 1, -1):
                digits = "".join(group.group() for group in chain[first : last + 1])
                national = national_phone(digits, international=plus is not None)
                if national:
                    found.append((plus.start() if plus else start, chain[last].end(), national))
                    first = last
                    break
            first += 1
    return found


def _id_numbers(text, folded):
    """[(start, end, digits)] of 9- and 12-digit numbers that are not money, and grouped ones after "CCCD"."""
    found = []
    for run in _ID_RUN.finditer(text):
        if not _MONEY_AFTER.match(folded, run.end()):
            found.append((run.start(), run.end(), run.group()))
    for keyword in _ID_KEYWORD.finditer(folded):
        chain = next(_digit_chains(text[keyword.end() :]), None)
        if not chain or chain[0].start() != 0:
            continue
        # The first groups that make 9 or 12 digits ("001 203 004 567 0912…"), the longer reading first.
        count, ends = 0, []
        for group in chain:
            count += len(group.group())
            if count in (9, 12):
                ends.insert(0, keyword.end() + group.end())
        found += [(keyword.end(), end, text[keyword.end() : end]) for end in ends]
    return found


def _mode(introducer):
    """How names are written after this introducer: "upper", "lower" (typed without capitals) or "capital"."""
    letters = [character for character in introducer if character.isalpha()]
    if letters and all(character.isupper() for character in letters):
        return "upper"
    if letters and introducer.isascii() and all(character.islower() for character in letters):
        return "lower"
    return "capital"


def _is_name_word(word, key, mode):
    if mode == "capital":
        return word[0].isupper()
    if key in _STOP_WORDS:
        return False
    return word.isupper() if mode == "upper" else word.islower()


def _name_at(text, folded, position, mode):
    """The (start, end) of the name written from `position` (an honorific before it skipped), or None."""
    words, skipped = [], False
    while len(words) < _MAX_NAME_WORDS:
        word = _NEXT_WORD.match(text, position)
        if word is None:
            break
        value, key = word.group(1), folded[word.start(1) : word.end(1)]
        position = word.end()
        if not words and not skipped and value.islower() and key in _HONORIFICS:
            skipped = True
            continue
        if not _is_name_word(value, key, mode):
            break
        words.append(word.span(1))
    return (words[0][0], words[-1][1]) if words else None


def _place_words(text, folded, position, mode):
    """The end of one place's name or number written from `position`, or None."""
    end, count = None, 0
    while count < _MAX_PLACE_WORDS:
        token = _NEXT_TOKEN.match(text, position)
        if token is None:
            break
        value, key = token.group(1), folded[token.start(1) : token.end(1)]
        if value[0].isdigit() and count:
            break  # "số 5 ngõ 3": a number ends the name it does not start
        if value[0].isdigit():
            end, count, position = token.end(1), count + 1, token.end()
            continue
        if not _is_name_word(value, key, mode) or (count and _PLACE_KEYWORD.fullmatch(key)):
            break
        end, count, position = token.end(1), count + 1, token.end()
    return end


def _address_at(text, folded, position, mode, keyword_first=True):
    """The (start, end) of the address written from `position`: "thôn Đông, xã Đại Sơn", "số 5 ngõ 3"…"""
    start = end = None
    while True:
        keyword = _PLACE_KEYWORD.match(folded, position)
        if keyword is None and (keyword_first or start is not None):
            break
        words_end = _place_words(text, folded, keyword.end() if keyword else position, mode)
        if words_end is None:
            break
        if start is None:
            start = position + len(text[position:]) - len(text[position:].lstrip(" \t"))
        end = words_end
        position = _COMPONENT_GAP.match(text, end).end()
    return (start, end) if start is not None else None


def _statements(text, folded):
    """[Match] of the names and addresses `text` states: "Tôi là Trần Thị Bích ở thôn Đông", "Địa chỉ: …"."""
    found = []
    for statement in _NAME_STATEMENT.finditer(folded):
        mode = _mode(text[statement.start() : statement.end()])
        name = _name_at(text, folded, statement.end(), mode)
        if name is None:
            continue
        found.append(Match(NAME, text[name[0] : name[1]], *name))
        after = _AFTER_NAME.match(folded, name[1])
        place = _address_at(text, folded, after.end(), mode)
        if place:
            found.append(Match(ADDRESS, text[place[0] : place[1]], *place))
    for pattern, keyword_first in ((_ADDRESS_STATEMENT, True), (_ADDRESS_LABEL, False)):
        for statement in pattern.finditer(folded):
            mode = _mode(text[statement.start() : statement.end()])
            place = _address_at(text, folded, statement.end(), mode, keyword_first)
            if place:
                found.append(Match(ADDRESS, text[place[0] : place[1]], *place))
    return found


def _words_pattern(words):
    return re.compile(r"(?<![^\W_])" + r"[\s,.\-–]+".join(map(re.escape, words.split())) + r"(?![^\W_])")


def _occurrences(text, folded, known):
    """[Match] of the known person's names and addresses wherever they appear in `text`."""
    found = []
    for kind, values in ((NAME, known.names), (ADDRESS, known.addresses)):
        for value in values:
            for occurrence in _words_pattern(value).finditer(folded):
                found.append(Match(kind, text[occurrence.start() : occurrence.end()], *occurrence.span()))
    return found


def _without_overlaps(matches):
    """Keep the first of any matches that overlap, in the order given; return them sorted by position."""
    kept = []
    for match in matches:
        if all(match.end <= other.start or match.start >= other.end for other in kept):
            kept.append(match)
    return sorted(kept, key=lambda match: match.start)


def _patterns(text, folded, allowed_phones=frozenset()):
    """[Match] of every e-mail, phone number (but the allowed ones) and ID number in `text`."""
    found = [Match(EMAIL, email.group(), *email.span()) for email in _EMAIL.finditer(text)]
    found += [Match(PHONE, text[s:e], s, e) for s, e, national in _phones(text) if national not in allowed_phones]
    found += [Match(ID_NUMBER, text[s:e], s, e) for s, e, _digits in _id_numbers(text, folded)]
    return found


def _national_set(phones):
    return frozenset(filter(None, (national_phone(phone) for phone in phones or ())))


def find_personal_details(text, known=NOBODY, allowed_phones=()):
    """Every personal detail in `text`: [Match], in order of position.

    Any phone number (but `allowed_phones`, a unit's own), e-mail, ID number, stated name or
    address, and the `known` person's names and addresses wherever they appear.
    """
    text = unicodedata.normalize("NFC", text or "")
    folded = fold(text)
    found = _patterns(text, folded, _national_set(allowed_phones))
    return _without_overlaps(found + _statements(text, folded) + _occurrences(text, folded, known))


def _value(match):
    """What a phone, e-mail or ID number match stands for, as Details keeps it."""
    if match.kind == PHONE:
        return national_phone(match.text) or national_phone(match.text, international=True)
    if match.kind == EMAIL:
        return match.text.lower()
    return "".join(_DIGITS.findall(match.text))


def known_details_in(text, known):
    """The `known` person's own details in `text` (not anyone else's phone or e-mail): [Match]."""
    text = unicodedata.normalize("NFC", text or "")
    folded = fold(text)
    values = {PHONE: known.phones, EMAIL: known.emails, ID_NUMBER: known.id_numbers}
    found = [match for match in _patterns(text, folded) if _value(match) in values[match.kind]]
    return _without_overlaps(found + _occurrences(text, folded, known))


def learn_details(text, name="", phone="", email="", address="", allowed_phones=()):
    """What is known of a person from their contact fields and from what their own `text` states."""
    found = find_personal_details(text, allowed_phones=allowed_phones)
    names = {folded_words(match.text) for match in found if match.kind == NAME and " " in match.text.strip()}
    addresses = {folded_words(match.text) for match in found if match.kind == ADDRESS}
    if len(folded_words(name)) >= 4:
        names.add(folded_words(name))
    if len(folded_words(address)) >= 8:
        addresses.add(folded_words(address))
    values = {kind: {_value(match) for match in found if match.kind == kind} for kind in (PHONE, EMAIL, ID_NUMBER)}
    return Details(
        names=frozenset(names),
        addresses=frozenset(addresses),
        phones=frozenset(filter(None, values[PHONE] | {national_phone(phone)})),
        emails=frozenset(filter(None, values[EMAIL] | {(email or "").strip().lower()})),
        id_numbers=frozenset(values[ID_NUMBER]),
    )


def redact(text, known=NOBODY, allowed_phones=()):
    """Return a Redaction of `text`: each detail `find_personal_details` finds replaced by REDACTED."""
    text = unicodedata.normalize("NFC", text or "")
    matches = find_personal_details(text, known, allowed_phones)
    pieces, position = [], 0
    for match in matches:
        pieces += [text[position : match.start], REDACTED]
        position = match.end
    return Redaction("".join(pieces) + text[position:], tuple(matches))


def describe(matches):
    """The matches for a message: 'số điện thoại “0912 345 678”, email “a@b.vn”'."""
    return ", ".join(f"{KIND_LABELS[match.kind]} “{match.text}”" for match in matches)
