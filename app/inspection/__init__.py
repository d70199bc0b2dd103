"""Inspectors' work under /audit/ (layer: inspection, above every domain it reads).

Figures in SQL and their monthly rollups, overdue lists, exports, the annual report, charts, and the
audit log as inspectors read it. The chain itself (writing, verifying) is app/ledger, in the core.
The blueprint keeps its name "audit": its endpoints (audit.overview, …) are a contract.
"""

from flask import Blueprint

blueprint = Blueprint("audit", __name__)
