"""A denouncer's identity is nowhere in clear: not in any column, the database files, the logs, a backup or an export.

Two denunciations arrive, one through the citizen's form (with a photo), one through POST /api/v1/feedback,
each with a name, phone, e-mail, address and CCCD no other test uses. The handler then opens both (on the
item page, the photo with it, and with `flask identity unseal`), a backup is made and the inspectors'
exports are downloaded; only then is every store grepped, byte by byte, for the identities and for the
photo as the site keeps it once cleaned, so that opening them is shown to leave nothing behind.
"""

import base64
import io
import json
import logging
import re
import subprocess
import zipfile
from pathlib import Path

from sqlalchemy import inspect, select, text

from app.backups.databases import postgres_tool, server_major
from app.extensions import db
from app.feedback import actions
from app.feedback.models import Feedback
from app.ledger.models import AuditEntry
from tests.feedback.identity.conftest import holds_photo, noise_photo, unseal

FORM_CITIZEN = {
    "name": "Lưu Quỳnh Zorvath",
    "phone": "0978 613 402",
    "email": "zorvath.tocao@example.vn",
    "address": "Số 8 ngõ Klimbrest, thôn Yên Lư",
    "id_number": "027 188 004 913",
}
FORM_WORDS = ("Zorvath", "Klimbrest")
API_CITIZEN = {
    "name": "Đỗ Văn Quixotl",
    "phone": "0356 204 817",
    "email": "quixotl.dv@example.vn",
    "address": "Tổ 5 phố Brimwater, phường Đình Bảng",
    "id_number": "024095107338",
}
API_WORDS = ("Quixotl", "Brimwater")


def _needles(citizen):
    """Every form a value could be stored in: as typed, E.164, digits only, and its made-up words."""
    phone = citizen["phone"].replace(" ", "")
    values = {
        citizen["name"],
        citizen["email"],
        citizen["address"],
        citizen["id_number"].replace(" ", ""),
        phone,
        "+84" + phone[1:],
        phone[1:],
        *citizen["words"],  # made-up ASCII words, found whatever the Unicode normalisation
    }
    return sorted(values)


NEEDLES = _needles({**FORM_CITIZEN, "words": FORM_WORDS}) + _needles({**API_CITIZEN, "words": API_WORDS})


def _text_found(haystack):
    return [needle for needle in NEEDLES if needle in haystack]


def _bytes_found(data):
    found = []
    for needle in NEEDLES:
        if needle.encode("utf-8") in data or (needle.isascii() and needle.encode("utf-16-le") in data):
            found.append(needle)
    return found


def _submit_both(client, units, photo):
    form = {
        "kind": "denunciation",
        "unit": units[1].code,
        "text": "Cán bộ địa chính xã thu tiền trái phép khi cấp giấy chứng nhận quyền sử dụng đất.",
        "consent": "y",
        "notify_by": "none",
        "photos": [(io.BytesIO(photo), "bien-lai.jpg")],
        **FORM_CITIZEN,
    }
    response = client.post("/feedback/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    body = {
        "kind": "denunciation",
        "unit": units[1].code,
        "text": "Trưởng thôn tự ý bán đất công ích, đề nghị xã xác minh.",
        "consent": True,
        "notify_by": "email",  # a denouncer is told of progress only if they ask
        **API_CITIZEN,
    }
    response = client.post("/api/v1/feedback", json=body)
    assert response.status_code == 201, response.get_json()
    db.session.rollback()
    return db.session.scalars(select(Feedback).order_by(Feedback.id)).all()


def _every_cell(raw=False):
    """SELECT * of every table in the database, each value as text (or, `raw`, binary values as they are)."""
    connection = db.session.connection()
    cells = []
    for name in inspect(connection).get_table_names():
        for row in connection.execute(text(f'SELECT * FROM "{name}"')):
            for value in row:
                if isinstance(value, bytes | memoryview):
                    cells.append(bytes(value) if raw else bytes(value).decode("utf-8", "replace"))
                else:
                    cells.append(json.dumps(value, ensure_ascii=False, default=str))
    return cells if raw else "\n".join(cells)


def _database_files(app):
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        return []
    path = Path(url.database)
    wal = Path(f"{path}-wal")
    assert wal.is_file(), "the test database runs in WAL mode: its -wal file must be grepped too"
    return [path, wal]


def _backup_contents(runner, folder):
    """The raw bytes of every file of a `flask backup create` snapshot (and a PostgreSQL dump as SQL)."""
    result = runner.invoke(args=["backup", "create", str(folder)])
    assert result.exit_code == 0, result.output
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert files
    contents = {str(path): path.read_bytes() for path in files}
    for path in files:
        if path.suffix == ".pgdump":  # pg_dump's custom format is compressed: read it back as SQL too
            with db.engine.connect() as connection:
                pg_restore, _major = postgres_tool("pg_restore", server_major(connection))
            sql = subprocess.run([pg_restore, "--file=-", str(path)], capture_output=True, check=True).stdout  # noqa: S603
            assert b"COPY public.feedback" in sql
            contents[f"{path} as SQL"] = sql
    return contents


def _exports(client):
    """The inspectors' item exports: the CSV, and every part of the XLSX (a zip)."""
    parts = {}
    csv = client.get("/audit/export/items.csv")
    assert csv.status_code == 200
    parts["items.csv"] = csv.data
    xlsx = client.get("/audit/export/items.xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as book:
        for name in book.namelist():
            parts[f"items.xlsx/{name}"] = book.read(name)
    for name in ("figures.csv", "figures.xlsx"):
        response = client.get(f"/audit/export/{name}")
        assert response.status_code == 200
        parts[name] = response.data
    return parts


def test_a_denouncers_identity_is_stored_nowhere_in_clear_and_the_handler_reads_it(
    app, client, runner, login, units, keys, official, inspector, tmp_path, caplog, capsys, terminal_user
):
    caplog.set_level(logging.DEBUG)
    upload, photo = noise_photo(17)  # `photo`: the bytes the site keeps once the upload is cleaned
    form_item, api_item = _submit_both(client, units, upload)

    for item in (form_item, api_item):
        assert item.kind == "denunciation" and item.sealed_identity
        assert item.sealed_key_fingerprint == keys["a"].row.fingerprint  # the receiving commune's own key
        assert (item.submitter_name, item.submitter_phone, item.submitter_email) == ("", "", "")
        assert (item.submitter_address, item.submitter_id_number) == ("", "")
    assert api_item.notify_address  # the API's citizen asked to be told (by e-mail): kept apart, encrypted

    # The handler opens both: the form's on the item page, the API's with the command line.
    for item in (form_item, api_item):
        actions.acknowledge(item, official)
    db.session.commit()
    login(official)
    response = unseal(client, form_item, keys["a"], reason="Xác minh người tố cáo trước khi làm việc")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    for value in ("Lưu Quỳnh Zorvath", "0978 613 402", "zorvath.tocao@example.vn", "Klimbrest", "027188004913"):
        assert value in page
    shown = re.findall(r'<img src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', page)
    assert [base64.b64decode(data) for data in shown] == [photo]  # opened in memory, in this response only
    result = runner.invoke(
        args=["identity", "unseal", api_item.tracking_code, "--key", str(keys["a"].path), "--reason", "Mời làm việc"]
    )
    assert result.exit_code == 0, result.output
    for value in ("Đỗ Văn Quixotl", "+84356204817", "quixotl.dv@example.vn", "Brimwater", "024095107338"):
        assert value in result.output

    # Every opening is in the audit log, with who and why.
    db.session.rollback()
    views = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "feedback.note").order_by(AuditEntry.id)
    ).all()
    views = [(entry.object_id, entry.actor_id, entry.data.get("by"), entry.data["reason"]) for entry in views]
    assert views == [
        (str(form_item.id), official.id, None, "Xác minh người tố cáo trước khi làm việc"),
        (str(api_item.id), None, f"cli:{terminal_user}", "Mời làm việc"),
    ]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.note")).data["photos"] == 1

    # Now the stores: a backup, the exports, every table, the database files, the logs.
    backup = _backup_contents(runner, tmp_path / "backups")
    login(inspector)
    exports = _exports(client)
    assert form_item.tracking_code.encode() in exports["items.csv"]  # the items are in the export
    assert _text_found(_every_cell()) == []
    assert not any(holds_photo(cell, photo) for cell in _every_cell(raw=True))
    db.session.commit()
    for path in _database_files(app):
        data = path.read_bytes()
        assert _bytes_found(data) == [] and not holds_photo(data, photo), path
    notices = {str(path): path.read_bytes() for path in Path(app.config["NOTICES_DIR"]).rglob("*") if path.is_file()}
    assert any(name.endswith(".sealed") for name in notices) and any("files/feedback/" in name for name in backup)
    for name, data in {**backup, **exports, **notices}.items():
        assert _bytes_found(data) == [] and not holds_photo(data, photo), name
    captured = capsys.readouterr()
    logs = caplog.text + captured.out + captured.err
    assert _text_found(logs) == [] and not holds_photo(logs, photo)
