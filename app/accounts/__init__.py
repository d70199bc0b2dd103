"""Accounts (layer: accounts, just above the core): administrative units, users, sign-in, permissions."""

from flask import Blueprint

blueprint = Blueprint("accounts", __name__)
