"""Accounts: administrative units, users, sign-in."""

from flask import Blueprint

blueprint = Blueprint("accounts", __name__)
