"""Fake AMap, Baidu and Nominatim services on 127.0.0.1, and a fake clock, for the online geocoding tests.

:class:`FakeGeocoders` runs a real :class:`http.server.ThreadingHTTPServer` on a free port in a thread. Each
test scripts the replies per (service, address); the server counts every request it receives per
(service, address) and keeps its query and headers, so tests assert exactly how many requests were made.

Hostile replies write the raw answer themselves (:attr:`Reply.writer`): a server dribbling its headers or
body a byte at a time (:func:`dribble`), a huge answer (:func:`huge`), a redirect (:func:`redirect`), a server
echoing the request path in its answer or its status line (:func:`echo`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SERVICES = {"/v3/geocode/geo": "amap", "/geocoding/v3/": "baidu", "/geocoding/v3": "baidu", "/search": "nominatim"}
_ADDRESS_PARAMETER = {"amap": "address", "baidu": "address", "nominatim": "q"}


@dataclass
class Reply:
    """One scripted answer: a body (JSON-encoded unless str/bytes), an HTTP status, headers, a delay (s); or a
    ``writer`` that writes the whole raw answer itself, given the request handler."""

    body: object
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    writer: Callable | None = None

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


# --- answers in each service's format -----------------------------------------------------------------------


def amap_ok(lon: float, lat: float, level: str = "门牌号", formatted_address: str = "江苏省苏州市昆山市",
            more: list[tuple[float, float]] = ()) -> Reply:
    geocodes = [{"formatted_address": formatted_address, "country": "中国", "province": "江苏省", "city": "苏州市",
                 "district": "昆山市", "adcode": "320583", "location": f"{x:.6f},{y:.6f}", "level": level}
                for x, y in [(lon, lat), *more]]
    return Reply({"status": "1", "info": "OK", "infocode": "10000", "count": str(len(geocodes)),
                  "geocodes": geocodes})


def amap_none() -> Reply:
    return Reply({"status": "1", "info": "OK", "infocode": "10000", "count": "0", "geocodes": []})


def amap_error(info: str = "INVALID_USER_KEY", infocode: str = "10001") -> Reply:
    return Reply({"status": "0", "info": info, "infocode": infocode})


def baidu_ok(lng: float, lat: float, level: str = "门址", precise: int = 1, confidence: int = 80) -> Reply:
    return Reply({"status": 0, "result": {"location": {"lng": lng, "lat": lat}, "precise": precise,
                                          "confidence": confidence, "comprehension": 100, "level": level}})


def baidu_none() -> Reply:
    return Reply({"status": 1, "msg": "Internal Service Error:无相关结果", "results": []})


def baidu_error(status: int = 302, message: str = "天配额超限，限制访问") -> Reply:
    return Reply({"status": status, "message": message})


def nominatim_ok(lon: float, lat: float, addresstype: str = "building", place_rank: int = 30,
                 display_name: str = "昆山市, 苏州市, 江苏省, 中国") -> Reply:
    return Reply([{"place_id": 1, "licence": "Data © OpenStreetMap contributors, ODbL 1.0.", "osm_type": "way",
                   "osm_id": 1, "lat": f"{lat:.7f}", "lon": f"{lon:.7f}", "class": "building", "type": "yes",
                   "place_rank": place_rank, "importance": 0.1, "addresstype": addresstype, "name": "",
                   "display_name": display_name, "boundingbox": [str(lat), str(lat), str(lon), str(lon)]}])


def nominatim_none() -> Reply:
    return Reply([])


def error(status: int, retry_after: str | None = None, delay: float = 0.0) -> Reply:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return Reply({"error": f"HTTP {status}"}, status=status, headers=headers, delay=delay)


def slow(reply: Reply, delay: float) -> Reply:
    return Reply(reply.body, reply.status, dict(reply.headers), delay)


# --- hostile answers ----------------------------------------------------------------------------------------


def dribble(every: float = 0.5, part: str = "body", for_seconds: float = 30.0) -> Reply:
    """A valid AMap answer sent one byte every ``every`` seconds: its status line and headers (``part``
    "headers") or, after complete headers, its body (``part`` "body"); the server gives up after
    ``for_seconds``."""
    def write(handler) -> None:
        body = amap_ok(120.98, 31.38).payload()
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n").encode("ascii")
        fast, slow_part = (b"", head + body) if part == "headers" else (head, body)
        handler.wfile.write(fast)
        handler.wfile.flush()
        stop = time.monotonic() + for_seconds
        for index in range(len(slow_part)):
            if time.monotonic() > stop:
                return
            handler.wfile.write(slow_part[index:index + 1])
            handler.wfile.flush()
            handler.server.fake.add_sent(1)
            time.sleep(every)

    return Reply(None, writer=write)


def huge(size: int = 210_000_000, announce: bool = True) -> Reply:
    """An answer of ``size`` bytes (a JSON string that never ends soon), streamed in 64 KiB chunks; with its
    Content-Length when ``announce``, else until the connection closes. The server counts what it sent."""
    def write(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if announce:
            handler.send_header("Content-Length", str(size))
        handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b'{"status": "1", "info": "' + b"x" * (64 * 1024 - 26)
        sent = 0
        while sent < size:
            piece = chunk[:size - sent]
            handler.wfile.write(piece)
            sent += len(piece)
            handler.server.fake.add_sent(len(piece))
            chunk = b"x" * len(chunk)

    return Reply(None, writer=write)


def redirect(location: str, status: int = 302, keep_path: bool = True) -> Reply:
    """A redirect to ``location``, followed by the request's own path and query when ``keep_path``."""
    def write(handler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location + (handler.path if keep_path else ""))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return Reply(None, writer=write)


def echo(where: str = "amap_info") -> Reply:
    """A server repeating the request path and query, key included: in an AMap error's ``info``
    (``amap_info``), in a Baidu error's ``message`` (``baidu_message``), or in the reason phrase of an HTTP 403
    (``reason``)."""
    def write(handler) -> None:
        if where == "reason":
            handler.send_response(403, f"Forbidden {handler.path}")
            body = f"forbidden: {handler.path}".encode()
        else:
            answer = ({"status": "0", "info": f"INVALID_USER_KEY {handler.path}", "infocode": "10001"}
                      if where == "amap_info" else {"status": 240, "message": f"APP 服务被禁用 {handler.path}"})
            handler.send_response(200)
            body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return Reply(None, writer=write)


# --- the server ---------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        fake: FakeGeocoders = self.server.fake
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        service = SERVICES.get(url.path, "unknown")
        address = query.get(_ADDRESS_PARAMETER.get(service, "address"), "")
        reply = fake._next(service, address, query, dict(self.headers))
        if reply.delay:
            time.sleep(reply.delay)
        if reply.writer is not None:
            try:
                reply.writer(self)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a limit reached)
                pass
            self.close_connection = True
            return
        body = reply.payload()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, format, *args) -> None:  # noqa: A002 - keep the test output clean
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        self.fake.errors.append(repr(sys.exc_info()[1]))


class FakeGeocoders:
    """Scripted fake geocoding services on 127.0.0.1 (port chosen by the system).

    Use as a context manager. ``script(service, address, *replies)`` queues replies; the last one repeats.
    Unscripted addresses get the service's no-result answer.
    """

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._lock = threading.Lock()
        self._scripts: dict[tuple[str, str], list[Reply]] = {}
        self.counts: Counter = Counter()
        self.requests: list[dict] = []
        self.errors: list[str] = []
        self.sent = 0  # bytes written by hostile replies

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def domain(self) -> str:
        """``127.0.0.1:PORT``, for geopy's ``domain``."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.domain}"

    def __enter__(self) -> FakeGeocoders:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def script(self, service: str, address: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts[(service, address)] = list(replies)

    def add_sent(self, size: int) -> None:
        with self._lock:
            self.sent += size

    def count(self, service: str, address: str | None = None) -> int:
        """Requests received for one address of a service, or for the whole service."""
        with self._lock:
            if address is not None:
                return self.counts[(service, address)]
            return sum(n for (s, _), n in self.counts.items() if s == service)

    def _next(self, service: str, address: str, query: dict, headers: dict) -> Reply:
        with self._lock:
            self.counts[(service, address)] += 1
            self.requests.append({"service": service, "address": address, "query": query, "headers": headers})
            queue = self._scripts.get((service, address))
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        return {"amap": amap_none, "baidu": baidu_none, "nominatim": nominatim_none}.get(
            service, lambda: Reply({"error": "unknown path"}, status=404))()


class FakeClock:
    """A clock that only moves when slept on; records every sleep; can raise KeyboardInterrupt on one.

    Parameters
    ----------
    interrupt_on : int, optional
        Raise KeyboardInterrupt on this sleep (1-based) instead of sleeping.
    """

    def __init__(self, interrupt_on: int | None = None) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.interrupt_on = interrupt_on

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if self.interrupt_on is not None and len(self.sleeps) + 1 == self.interrupt_on:
            raise KeyboardInterrupt
        self.sleeps.append(seconds)
        self.now += seconds

    def options(self) -> dict:
        """``clock=`` and ``sleep=`` for a provider."""
        return {"clock": self.clock, "sleep": self.sleep}
