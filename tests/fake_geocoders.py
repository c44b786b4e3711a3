"""Fake AMap, Baidu and Nominatim services on 127.0.0.1, and a fake clock, for the online geocoding tests.

:class:`FakeGeocoders` runs a real :class:`http.server.ThreadingHTTPServer` on a free port in a thread. Each
test scripts the replies per (service, address); the server counts every request it receives per
(service, address) and keeps its query and headers, so tests assert exactly how many requests were made.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SERVICES = {"/v3/geocode/geo": "amap", "/geocoding/v3/": "baidu", "/geocoding/v3": "baidu", "/search": "nominatim"}
_ADDRESS_PARAMETER = {"amap": "address", "baidu": "address", "nominatim": "q"}


@dataclass
class Reply:
    """One scripted answer: a body (JSON-encoded unless str/bytes), an HTTP status, headers, a delay (s)."""

    body: object
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0

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
