"""The audit log: append-only, hash-chained record of every state change; inspectors' figures under /audit/."""

from flask import Blueprint

blueprint = Blueprint("audit", __name__)
