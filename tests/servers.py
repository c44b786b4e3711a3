"""A real HTTP server on 127.0.0.1 serving a folder, for the tests that need a page on an origin of its own."""

from __future__ import annotations

import functools
import http.server
import threading


def serve(folder):
    """(server, base URL) of a threaded HTTP server on a free 127.0.0.1 port serving ``folder``; shut it down."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
