"""Migrations upgrade a database that already holds data (a deployment, or `make run` on last month's demo)."""

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db


def test_sqlite_upgrade_keeps_rows_that_point_at_rebuilt_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO administrative_units (id, code, name, kind, path)"
                    " VALUES (1, '24', 'Bắc Ninh', 'province', '/24/')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO users (id, username, display_name, password_hash, role, unit_id, is_active,"
                    " created_at) VALUES (1, 'canbo', 'Cán bộ', 'x', 'official', 1, 1, '2025-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO audit_entries (created_at, actor_id, action, object_type, object_id, summary, data,"
                    " previous_hash, entry_hash) VALUES ('2025-01-01 00:00:00', 1, 'user.created', 'User', '1', '',"
                    " '{}', 'a', 'b')"
                )
            )

        upgrade()  # 0007 rebuilds `users`, which the audit entry points at

        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT username FROM users")).scalars().all() == ["canbo"]
            assert connection.execute(text("SELECT actor_id FROM audit_entries")).scalars().all() == [1]
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1  # enforced again afterwards
        db.engine.dispose()
