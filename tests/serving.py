"""Serve a test app on a free loopback port, for clients that speak real HTTP (a browser, a library)."""

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def served_on_loopback(app):
    """Serve `app` (threaded) on 127.0.0.1 and a free port, its PUBLIC_BASE_URL set to it; yield the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=5)
