"""Administrative units, user accounts and password reset links."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, false, func, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.passwords import hash_password, verify_password
from app.clock import local_today, utcnow
from app.extensions import db
from app.types import UTCDateTime

# From the narrowest to the widest; a leader assigns the first two, an admin all four.
ROLES = ("official", "leader", "inspector", "admin")


class AdministrativeUnit(db.Model):
    """A province, (former) district, commune, ward or special zone, by its GSO code."""

    __tablename__ = "administrative_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("administrative_units.id"), index=True)
    # Materialised path of codes, "/24/07627/", so a subtree is one indexed LIKE.
    path: Mapped[str] = mapped_column(String(255), index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("administrative_units.id"))

    parent: Mapped["AdministrativeUnit | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list["AdministrativeUnit"]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="AdministrativeUnit.name"
    )
    successor: Mapped["AdministrativeUnit | None"] = relationship(remote_side=[id], foreign_keys=[successor_id])

    def __repr__(self):
        return f"<AdministrativeUnit {self.code} {self.name}>"

    @property
    def is_current(self):
        """Whether the unit exists today (not merged away or dissolved)."""
        today = local_today()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )

    def contains(self, other):
        """Whether `other` is this unit or one of its descendants."""
        return other is not None and other.path.startswith(self.path)

    def ancestors(self):
        """Return the chain of units from the root down to this unit's parent."""
        chain = []
        unit = self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return list(reversed(chain))

    def subtree_clause(self):
        """SQL condition on AdministrativeUnit selecting this unit and its descendants."""
        return AdministrativeUnit.path.startswith(self.path, autoescape=True)

    @classmethod
    def by_code(cls, code):
        """Return the unit with this GSO code, or None."""
        if not code:
            return None
        return db.session.scalar(select(cls).where(cls.code == str(code).strip()))


class User(UserMixin, db.Model):
    """A person who signs in: commune official, leader, inspector or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    # Part of every session's user id: raising it ends the user's open sessions and remembered logins.
    session_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How the user is told of new items and the daily digest: email, sms or none.
    notify_by: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    # Second factor: the TOTP secret sealed with DATA_ENCRYPTION_KEY (kept while enrolment is unconfirmed),
    # when it was turned on, and the last time step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(Text)
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Wrong passwords and codes in a row (reset by a complete sign-in); at the limit, locked until a time.
    failed_sign_in_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[AdministrativeUnit] = relationship()

    def __repr__(self):
        return f"<User {self.username} {self.role}@{self.unit_id}>"

    def get_id(self):
        """The session's user id: the row id and the session version ("12:3")."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self):
        """Make every open session and remembered login of this user invalid from the next request."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def has_second_factor(self):
        """Whether sign-in asks this user for a code after the password."""
        return self.two_factor_enabled_at is not None

    def set_password(self, password):
        """Store an Argon2id hash of the password (no policy check: callers check it)."""
        self.password_hash = hash_password(password)
        self.password_changed_at = utcnow()

    def check_password(self, password):
        """Return True if the password matches the stored hash (Argon2id or an older werkzeug hash)."""
        return verify_password(self.password_hash, password)


# Usernames are unique whatever their case: "CanBo.DaiSon" and "canbo.daison" are one person.
Index("ux_users_username_lower", func.lower(User.username), unique=True)


class PasswordReset(db.Model):
    """A one-time link to choose a new password; only the SHA-256 of its token is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self):
        return f"<PasswordReset {self.id} for user {self.user_id}>"


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator; only the SHA-256 of the code is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<RecoveryCode {self.id} for user {self.user_id}>"
