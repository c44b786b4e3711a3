"""One HTTP GET that cannot hang or flood: a total time limit, a size cap, redirects kept on one scheme and host.

Every online provider requests through :func:`http_get` (AMap and Baidu through
:class:`~geo.geocode.providers.http_json.HttpJsonProvider`, Nominatim through a geopy adapter). urllib
(standard library) does the HTTP, proxies from the environment included; this module adds

* a **total** time limit: the connection, the TLS handshake and every read of the headers and the body end by
  one deadline, so a server sending a byte every few seconds cannot hold a request past it;
* a size cap: the answer is read in chunks and refused as soon as it is larger (or says it will be);
* redirects followed only to the same scheme, host and port (at most :data:`MAX_REDIRECTS`); any other is a
  failure naming the target's scheme and host, never its path or query.
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message

from geo.geocode.providers.base import Failed, Retry
from geo.geocode.secrets import redact, secrets_sent

__all__ = ["Answer", "http_get", "origin", "MAX_REDIRECTS"]

#: Redirects followed within one request (each to the same scheme, host and port).
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024  # bytes per read of the body
_LOOP = urllib.request.HTTPRedirectHandler.inf_msg


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: ``status`` code, ``reason`` phrase, ``headers`` (case-insensitive), ``body`` bytes
    (empty for an error status: its body is not read)."""

    status: int
    reason: str
    headers: Message
    body: bytes


def http_get(url: str, headers: Mapping[str, str], *, time_limit: float, max_bytes: int) -> Answer:
    """GET ``url`` within ``time_limit`` seconds in all, reading at most ``max_bytes`` bytes of answer.

    Returns
    -------
    Answer
        For any final status, errors (4xx, 5xx) included: the caller decides what they mean.

    Raises
    ------
    Retry
        Timed out (the total limit) or the connection failed.
    Failed
        A request that cannot work as asked: an invalid URL, a refused TLS certificate, a redirect to another
        scheme or host, a redirect loop, an answer over ``max_bytes``. Messages never hold a secret sent
        (:func:`geo.geocode.secrets.redact`).
    """
    secrets = secrets_sent(url, headers)
    try:
        return _get(url, headers, time_limit, max_bytes)
    except Retry as exc:
        raise Retry(redact(str(exc), secrets), exc.retry_after) from None
    except Failed as exc:
        raise Failed(redact(str(exc), secrets)) from None


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the port made explicit (80, 443); host lower-case.

    >>> origin("HTTP://Example.org/x?key=1") == origin("http://example.org:80/y")
    True
    """
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = -1
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme)


def _origin_text(url: str) -> str:
    """``scheme://host[:port]`` of a URL, without user, path or query."""
    scheme, host, port = origin(url)
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (default, -1) else f":{port}")


def _get(url: str, headers: Mapping[str, str], time_limit: float, max_bytes: int) -> Answer:
    deadline = time.monotonic() + time_limit
    opener = urllib.request.build_opener(_HttpHandler(deadline), _HttpsHandler(deadline), _SameOrigin())
    try:
        with opener.open(urllib.request.Request(url, headers=dict(headers)), timeout=time_limit) as response:
            return Answer(response.status, response.reason, response.headers, _read(response, max_bytes))
    except urllib.error.HTTPError as exc:
        exc.close()
        if str(exc.reason).startswith(_LOOP):
            raise Failed(f"HTTP {exc.code}: too many redirects (more than {MAX_REDIRECTS}, or a loop) "
                         f"within {_origin_text(url)}") from exc
        if 300 <= exc.code < 400:
            raise Failed(f"HTTP {exc.code} {exc.reason}: a redirect without a usable Location") from exc
        return Answer(exc.code, str(exc.reason), exc.headers, b"")
    except urllib.error.URLError as exc:
        raise _failure(exc.reason, time_limit) from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _failure(exc, time_limit) from exc


def _failure(exc: object, time_limit: float) -> Retry | Failed:
    """What a failed request means: a timeout or broken connection is worth retrying, a bad request is not."""
    if isinstance(exc, TimeoutError):
        return Retry(f"timed out after {time_limit:g} s")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Failed(f"TLS certificate refused: {exc.verify_message or exc}")
    if isinstance(exc, (http.client.InvalidURL, ValueError, UnicodeError)):
        return Failed(f"invalid request URL: {exc}")
    if isinstance(exc, str):  # urllib: "unknown url type: ..."
        return Failed(f"cannot request: {exc}")
    if isinstance(exc, http.client.HTTPException):
        return Retry(f"connection failed: {type(exc).__name__}: {exc}")
    return Retry(f"connection failed: {exc}")


def _read(response, max_bytes: int) -> bytes:
    """The body, read in chunks; ``Failed`` as soon as it is (or announces itself) larger than ``max_bytes``."""
    too_large = Failed(f"answer larger than the size limit of {max_bytes} bytes: not read further")
    length = (response.headers.get("Content-Length") or "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise too_large
    body = bytearray()
    while chunk := response.read(_CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise too_large
    return bytes(body)


# --- the deadline, through urllib ---------------------------------------------------------------------------


def _left(deadline: float) -> float:
    """Seconds left before ``deadline`` (time.monotonic); TimeoutError when none."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the total time limit of the request is reached")
    return left


class _DeadlineReader(io.RawIOBase):
    """The reading side of a socket, each read given only the time left before the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock, self._deadline = sock, deadline
        self._raw = sock.makefile("rb", buffering=0)  # counted by the socket: it closes when both are closed

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._sock.settimeout(_left(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """A connected socket whose sends and reads (through :meth:`makefile`) all end by one deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def sendall(self, data) -> None:
        self._sock.settimeout(_left(self._deadline))
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class _DeadlineConnection:
    """Mixin of an http.client connection: connect (and TLS, and a proxy tunnel) and every later step share
    the deadline."""

    def __init__(self, *args, deadline: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline
        self._create_connection = self._connected  # http.client's hook for opening the TCP connection

    def _connected(self, address, timeout, source_address=None) -> socket.socket:
        sock = socket.create_connection(address, _left(self._deadline), source_address)
        sock.settimeout(_left(self._deadline))  # the TLS handshake gets what is left
        return sock

    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self._deadline)


class _HttpConnection(_DeadlineConnection, http.client.HTTPConnection):
    pass


class _HttpsConnection(_DeadlineConnection, http.client.HTTPSConnection):
    pass


class _HttpHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_HttpConnection, deadline=self._deadline), req)


class _HttpsHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req):
        return self.do_open(functools.partial(_HttpsConnection, deadline=self._deadline), req)


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same scheme, host and port; the body of a redirect is never read."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):
        target = urllib.parse.urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
        fp.close()
        if origin(target) != origin(req.full_url):
            raise Failed(f"HTTP {code}: redirect to {_origin_text(target)} not followed (only redirects within "
                         f"{_origin_text(req.full_url)} are)")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302
