"""The audit chain (core layer): every domain appends to it; it imports no domain.

`chain.record()` appends a hash-chained AuditEntry in the caller's transaction; `verification`
walks the chain and checks anchors. The inspectors' reading of the log lives in app/inspection.
"""
