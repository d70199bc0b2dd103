"""The notifications outbox (core): rows written with the change that causes them, delivered after commit.

- `queue.notify(...)` writes a Notification in the caller's transaction; nothing is sent inside the
  citizen's or the official's request. The worker finds it (app.tasks polls every OUTBOX_POLL_SECONDS), or,
  with a dispatcher set (`set_dispatcher`: tests, polling off), each commit that wrote one wakes it.
- `delivery.deliver_due()` claims due rows in batches, renders them with the template their domain
  registered (`messages.register_template`), sends them through their channel (`channels`) and records
  the outcome: sent, or failed with the next try after a back-off; a periodic sweep catches up on anything
  a crash left queued.
- `crypto` encrypts recipients and personal parts of payloads with DATA_ENCRYPTION_KEY (Fernet).
"""
