"""The channels against real servers on loopback: SMTP (aiosmtpd), an SMS gateway and a Zalo ZNS stub."""

import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from app.outbox.channels import DeliveryError, get_channel
from app.outbox.channels.folding import GSM7_BASIC, SMS_LIMIT, fold, sms_text
from app.outbox.masking import mask_email, mask_phone
from app.outbox.messages import Message
from app.outbox.models import Notification
from tests.outbox_servers import free_port

ADDRESS = "tran.thi.binh@example.vn"
PHONE = "+84912345845"
SUBJECT = "Phản ánh DS-2026-000123 đã được tiếp nhận"
TEXT = "Kính gửi ông/bà,\n\nỦy ban nhân dân xã Đại Sơn đã tiếp nhận phản ánh của ông/bà. Mã tra cứu: DS-2026-000123."
HTML = "<p>Ủy ban nhân dân xã Đại Sơn đã tiếp nhận phản ánh. Mã tra cứu: <b>DS-2026-000123</b>.</p>"
SHORT = (
    "Công khai: UBND xã Đại Sơn đã tiếp nhận phản ánh của ông/bà, mã tra cứu DS-2026-000123. "
    "Theo dõi tiến độ xử lý tại http://congkhai.test/track/DS-2026-000123 — trân trọng cảm ơn ông/bà."
)
UNSUBSCRIBE = "http://congkhai.test/unsubscribe/abc123"


def message(**changes):
    fields = {
        "subject": SUBJECT,
        "text": TEXT,
        "short": SHORT,
        "html": HTML,
        "unsubscribe_url": UNSUBSCRIBE,
        "data": {},
        "mask_recipient": False,
    }
    return Message(**{**fields, **changes})


def notification(id=41, template="feedback.receipt"):
    return Notification(id=id, template=template, channel="email")


def eml_files(app):
    return sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))


# E-mail over SMTP


def test_mail_reaches_the_smtp_server_in_vietnamese_with_text_html_and_unsubscribe(app, smtp_server):
    app.config.update(smtp_server.config)

    get_channel("email").send(ADDRESS, message(), notification(41))

    [mail] = smtp_server.wait_for(1)
    assert smtp_server.envelopes == [("no-reply@congkhai.local", [ADDRESS])]
    assert mail["Subject"] == SUBJECT
    assert mail["From"].addresses[0].display_name == "Công khai"
    assert mail["To"] == ADDRESS
    message_id = str(mail["Message-ID"]).strip()
    assert message_id.startswith("<") and message_id.endswith("@congkhai.local>")
    assert mail["Date"].datetime is not None
    assert mail["X-Congkhai-Notification"] == "41"
    assert mail["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_content_type() == "multipart/alternative"
    assert mail.get_body(("plain",)).get_content().strip() == TEXT
    assert mail.get_body(("html",)).get_content().strip() == HTML
    raw = smtp_server.raw[0]
    raw.decode("ascii")  # every header encoded (RFC 2047), bodies in a transfer encoding
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0]


def test_long_headers_are_folded_into_short_encoded_lines_and_links_are_never_cut(app, smtp_server):
    app.config.update(smtp_server.config)
    subject = (
        "Thông báo mới của Ủy ban nhân dân xã Đại Sơn: kế hoạch bồi thường, hỗ trợ, tái định cư dự án đường liên xã"
    )
    link = "http://congkhai.test/follow/unsubscribe/MQ.axaoTw.Fa2-ffGryJW2WcXCjjD9iOJxPm4-and-a-long-signature-0123"

    get_channel("email").send(ADDRESS, message(subject=subject, unsubscribe_url=link), notification(42))

    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == subject
    assert mail["List-Unsubscribe"] == f"<{link}>"
    head = smtp_server.raw[0].split(b"\r\n\r\n")[0].decode("ascii").split("\r\n")
    assert f"List-Unsubscribe: <{link}>" in head  # on its own line, whole
    subject_lines = head[head.index(next(line for line in head if line.startswith("Subject:"))) :]
    subject_lines = [subject_lines[0]] + [line for line in subject_lines[1:] if line.startswith(" ")][:10]
    assert len(subject_lines) > 1 and all(len(line) <= 78 for line in subject_lines)  # RFC 2047 and 5322


def test_mail_without_html_or_unsubscribe_is_plain_text(app, smtp_server):
    app.config.update(smtp_server.config)

    get_channel("email").send(ADDRESS, message(html=None, unsubscribe_url=None), notification())

    [mail] = smtp_server.wait_for(1)
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content().strip() == TEXT
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None


def test_mail_logs_in_when_a_username_is_set(app, smtp_server):
    smtp_server.credentials = ("congkhai", "mat-khau-smtp")
    app.config.update(smtp_server.config, MAIL_USERNAME="congkhai", MAIL_PASSWORD="mat-khau-smtp")

    get_channel("email").send(ADDRESS, message(), notification())

    assert smtp_server.logins == [("congkhai", "mat-khau-smtp")]
    assert len(smtp_server.wait_for(1)) == 1

    app.config["MAIL_PASSWORD"] = "sai"
    with pytest.raises(DeliveryError, match="535"):
        get_channel("email").send(ADDRESS, message(), notification())
    assert len(smtp_server.messages) == 1


def test_mail_uses_the_configured_sender(app, smtp_server):
    app.config.update(smtp_server.config, MAIL_DEFAULT_SENDER="UBND xã Đại Sơn <thongbao@daison.gov.vn>")

    get_channel("email").send(ADDRESS, message(), notification())

    [mail] = smtp_server.wait_for(1)
    assert smtp_server.envelopes[0][0] == "thongbao@daison.gov.vn"
    assert mail["From"].addresses[0].display_name == "UBND xã Đại Sơn"
    assert str(mail["Message-ID"]).strip().endswith("@daison.gov.vn>")


def test_a_server_that_is_down_raises_delivery_error_and_works_again_on_the_same_port(app, smtp_server):
    app.config.update(smtp_server.config)
    smtp_server.stop()

    with pytest.raises(DeliveryError, match="^email: "):
        get_channel("email").send(ADDRESS, message(), notification())

    smtp_server.start()
    get_channel("email").send(ADDRESS, message(), notification())
    assert len(smtp_server.wait_for(1)) == 1


def test_a_refusing_server_raises_delivery_error_with_its_code(app, smtp_server):
    app.config.update(smtp_server.config)
    smtp_server.answer = "451 4.3.0 Try again later"

    with pytest.raises(DeliveryError, match="451"):
        get_channel("email").send(ADDRESS, message(), notification())
    assert smtp_server.messages == []


def test_a_refused_recipient_is_not_named_in_the_error(app, smtp_server):
    app.config.update(smtp_server.config)
    smtp_server.refused.add(ADDRESS)

    with pytest.raises(DeliveryError) as raised:
        get_channel("email").send(ADDRESS, message(), notification())
    assert "550" in str(raised.value)
    assert ADDRESS not in str(raised.value)


def test_an_unreachable_port_and_a_bad_address_raise_delivery_error(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False, MAIL_TIMEOUT=2)
    with pytest.raises(DeliveryError):
        get_channel("email").send(ADDRESS, message(), notification())
    for bad in ("", "không phải địa chỉ", "a@b", "@example.vn"):
        with pytest.raises(DeliveryError, match="not an e-mail address"):
            get_channel("email").send(bad, message(), notification())


# E-mail into the development outbox


def test_without_mail_server_each_mail_is_an_eml_file_in_the_outbox(app):
    app.config["MAIL_SERVER"] = ""

    get_channel("email").send(ADDRESS, message(), notification(7))
    get_channel("email").send(ADDRESS, message(subject="Thư thứ hai"), notification(7))

    files = eml_files(app)
    assert len(files) == 2 and files[0].name != files[1].name
    assert all("-7-" in path.name for path in files)
    assert [path.name for path in Path(app.config["OUTBOX_DIR"]).iterdir() if path.suffix != ".eml"] == []
    mails = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
    assert sorted(mail["Subject"] for mail in mails) == sorted([SUBJECT, "Thư thứ hai"])
    assert all(mail["To"] == ADDRESS for mail in mails)
    assert mails[0].get_body(("plain",)).get_content().strip() == TEXT
    assert mails[0]["X-Congkhai-Notification"] == "7"
    assert mails[0]["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"


def test_a_denouncers_address_is_masked_in_the_outbox_file(app):
    app.config["MAIL_SERVER"] = ""

    get_channel("email").send(ADDRESS, message(mask_recipient=True), notification())

    [path] = eml_files(app)
    raw = path.read_bytes()
    assert ADDRESS.encode() not in raw and b"tran.thi.binh" not in raw
    assert message_from_bytes(raw, policy=policy.default)["To"] == "t***@example.vn"


def test_masking_applies_to_the_outbox_only_never_to_real_mail(app, smtp_server):
    app.config.update(smtp_server.config)

    get_channel("email").send(ADDRESS, message(mask_recipient=True), notification())

    assert smtp_server.wait_for(1)[0]["To"] == ADDRESS


def test_an_unwritable_outbox_raises_delivery_error(app, tmp_path):
    blocker = tmp_path / "occupied"
    blocker.write_text("a file where the folder should be")
    app.config.update(MAIL_SERVER="", OUTBOX_DIR=str(blocker / "outbox"))

    with pytest.raises(DeliveryError, match="outbox folder"):
        get_channel("email").send(ADDRESS, message(), notification())


# SMS


def test_sms_log_appends_one_line_with_time_number_and_folded_text(app):
    app.config["SMS_BACKEND"] = "log"

    get_channel("sms").send("0912 345 845", message(), notification())
    get_channel("sms").send(PHONE, message(short="Mã DS-2026-000124: đã trả lời."), notification())

    lines = (Path(app.config["OUTBOX_DIR"]) / "sms.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    moment, number, text = lines[0].split("\t")
    assert moment[:2] == "20" and moment.endswith("+07:00")
    assert number == PHONE
    assert text == sms_text(SHORT) and len(text) <= SMS_LIMIT
    assert text.startswith("Cong khai: UBND xa Dai Son da tiep nhan phan anh cua ong/ba, ma tra cuu DS-2026-000123.")
    assert lines[1].split("\t")[2] == "Ma DS-2026-000124: da tra loi."


def test_sms_log_masks_a_denouncers_number(app):
    get_channel("sms").send(PHONE, message(mask_recipient=True), notification())

    log = (Path(app.config["OUTBOX_DIR"]) / "sms.log").read_text(encoding="utf-8")
    assert "\t+84 9** *** 845\t" in log
    assert "912345845" not in log and "345 845" not in log


def test_concurrent_sms_log_writers_never_interleave_lines(app):
    channel = get_channel("sms")
    texts = [f"Tin nhan {writer}-{index} " + "x" * 120 for writer in range(4) for index in range(40)]

    def write(writer):
        for index in range(40):
            channel.send(PHONE, message(short=f"Tin nhan {writer}-{index} " + "x" * 120), notification())

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lines = (Path(app.config["OUTBOX_DIR"]) / "sms.log").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("\t")[2] for line in lines) == sorted(texts)


def test_sms_gateway_gets_json_with_token_e164_and_one_unaccented_segment(app, sms_gateway):
    app.config.update(sms_gateway.config)

    get_channel("sms").send("0912345845", message(), notification(55))

    [request] = sms_gateway.wait_for(1)
    assert request.path == "/sms"
    assert request.headers["authorization"] == f"Bearer {sms_gateway.token}"
    assert request.headers["content-type"].startswith("application/json")
    assert set(request.json) == {"to", "text", "reference"}
    assert request.json["to"] == PHONE
    assert request.json["reference"] == "55"
    text = request.json["text"]
    assert 100 < len(text) <= SMS_LIMIT
    assert set(text) <= GSM7_BASIC and text.isascii()
    assert "DS-2026-000123" in text and "Dai Son" in text
    assert not text.endswith(" ") and SHORT.count(" ") > text.count(" ")  # cut between words


@pytest.mark.parametrize("status", [400, 401, 500, 503])
def test_sms_gateway_error_status_raises_delivery_error(app, sms_gateway, status):
    app.config.update(sms_gateway.config)
    sms_gateway.fail(status)

    with pytest.raises(DeliveryError, match=f"HTTP {status}"):
        get_channel("sms").send(PHONE, message(), notification())
    assert len(sms_gateway.requests) == 1


def test_sms_gateway_unreachable_or_slow_raises_delivery_error(app, sms_gateway):
    app.config.update(SMS_BACKEND="http", SMS_GATEWAY_URL=f"http://127.0.0.1:{free_port()}/sms")
    with pytest.raises(DeliveryError, match="cannot be reached"):
        get_channel("sms").send(PHONE, message(), notification())

    app.config.update(sms_gateway.config, GATEWAY_TIMEOUT=0.3)
    sms_gateway.delay = 1.0
    with pytest.raises(DeliveryError, match="did not answer"):
        get_channel("sms").send(PHONE, message(), notification())

    app.config.update(SMS_GATEWAY_URL="")
    with pytest.raises(DeliveryError, match="no gateway URL"):
        get_channel("sms").send(PHONE, message(), notification())


@pytest.mark.parametrize("number", ["", "12345", "+1 202 555 0143", "0999 999 999 999", "số điện thoại"])
def test_an_invalid_number_raises_delivery_error_and_nothing_is_sent(app, sms_gateway, zalo_gateway, number):
    app.config.update(sms_gateway.config, **zalo_gateway.config)

    for channel in ("sms", "zalo"):
        with pytest.raises(DeliveryError, match="not a valid phone number"):
            get_channel(channel).send(number, message(), notification())
    assert sms_gateway.requests == [] and zalo_gateway.requests == []


# Zalo


def test_zalo_posts_a_zns_template_message(app, zalo_gateway):
    app.config.update(zalo_gateway.config)
    data = {"code": "DS-2026-000123", "status": "Đã tiếp nhận"}

    get_channel("zalo").send("0912 345 845", message(data=data), notification(9, "feedback.receipt"))

    [request] = zalo_gateway.wait_for(1)
    assert request.headers["access_token"] == zalo_gateway.token
    assert request.json == {
        "phone": "84912345845",
        "template_id": "feedback.receipt",
        "template_data": data,
        "tracking_id": "9",
    }


def test_zalo_without_template_fields_sends_the_short_text(app, zalo_gateway):
    app.config.update(zalo_gateway.config)

    get_channel("zalo").send(PHONE, message(), notification())

    assert zalo_gateway.wait_for(1)[0].json["template_data"] == {"message": SHORT}


def test_zalo_error_code_or_status_raises_delivery_error(app, zalo_gateway):
    app.config.update(zalo_gateway.config)

    zalo_gateway.refuse(error=-124)
    with pytest.raises(DeliveryError, match="-124"):
        get_channel("zalo").send(PHONE, message(), notification())

    zalo_gateway.fail(500)
    with pytest.raises(DeliveryError, match="HTTP 500"):
        get_channel("zalo").send(PHONE, message(), notification())

    zalo_gateway.answer_with(200, None)
    with pytest.raises(DeliveryError, match="not ZNS JSON"):
        get_channel("zalo").send(PHONE, message(), notification())

    zalo_gateway.succeed()
    get_channel("zalo").send(PHONE, message(), notification())
    assert len(zalo_gateway.requests) == 4


def test_an_unknown_channel_raises_delivery_error(app):
    with pytest.raises(DeliveryError, match="unknown channel"):
        get_channel("fax")
    app.config["SMS_BACKEND"] = "pigeon"
    with pytest.raises(DeliveryError, match="SMS_BACKEND"):
        get_channel("sms")


# Folding and masking


def test_fold_removes_vietnamese_diacritics_and_keeps_gsm7():
    assert fold("Ủy ban nhân dân xã Đại Sơn: đơn đã được tiếp nhận") == (
        "Uy ban nhan dan xa Dai Son: don da duoc tiep nhan"
    )
    assert fold("Ưu tiên “gấp” – hạn 05/01… [mục 2] {x} €5 ½") == 'Uu tien "gap" - han 05/01... (muc 2) (x) EUR5 1/2'
    assert fold("một\n\thai   ba") == "mot hai ba"
    assert fold("mã 😀 漢") == "ma ? ?"
    assert set(fold("ÀÁÂÃẠẢẤẦẨẪẬĂẮẰẲẴẶÈÉÊẸẺẼẾỀỂỄỆÌÍĨỈỊÒÓÔÕỌỎỐỒỔỖỘƠỚỜỞỠỢÙÚŨỤỦƯỨỪỬỮỰỲÝỴỶỸĐ")) <= set("AEIOUYD")


def test_sms_text_is_cut_to_160_at_a_word_boundary():
    words = " ".join(["phản ánh"] * 40)
    text = sms_text(words)
    assert len(text) <= SMS_LIMIT and len(text) > SMS_LIMIT - 10
    assert words.replace("phản ánh", "phan anh").startswith(text)
    assert text.endswith(("phan", "anh"))
    assert sms_text("x" * 400) == "x" * SMS_LIMIT  # no boundary: a hard cut
    assert sms_text("ngắn") == "ngan"


def test_masks_keep_only_a_hint():
    assert mask_email(ADDRESS) == "t***@example.vn"
    assert mask_email("a@b.vn") == "a***@b.vn"
    assert mask_email("không có") == "***"
    assert mask_phone(PHONE) == "+84 9** *** 845"
    assert mask_phone("0912345845") == "+84 9** *** 845"
    assert "2438253535" not in mask_phone("+842438253535").replace(" ", "")
