#!/usr/bin/env python3
"""A small, real HTTP server for Casefile's tests (Python 3 standard library only).

It binds 127.0.0.1 only, on a port the kernel picks, and prints that port as
the first line of stdout. It serves the files under --root with the validators
a real origin sends (ETag = quoted sha256 of the content, Last-Modified = the
file's mtime) and answers conditional requests with 304.

Test routes (all under /__, never files):
  GET  /__stats            counts per status and every request seen, as JSON
  POST /__reset            forget the counts
  GET  /__sleep?s=N        answer after N seconds (timeouts)
  GET  /__status?code=N    answer with that status and a short body
  GET  /__redirect?to=URL[&code=302]
                           a redirect to any URL (file:// included)
  GET  /__bytes?n=N[&chunked=1]
                           N bytes of "x", with Content-Length or chunked
  GET  /__stream?n=N[&delay=S]
                           N chunked lines "event i", S seconds apart
  GET  /__flaky?key=K&fail=N&code=C[&retry_after=R]
                           the first N requests with that key answer C (with
                           Retry-After: R when given), then 200 "ok K"
  POST /__hook?key=K[&fail=N]
                           a webhook receiver: the first N posts with that
                           key answer 503, then 200 "ok"; every post's
                           headers and body are in /__stats
  POST /__echo             a webhook receiver that fails with 500 and
                           echoes the request's path and query (and its
                           Authorization header) in its body
  GET  /__loop?n=I         a redirect to /__loop?n=I+1, for ever
  GET  /__truncated?n=N&send=M
                           Content-Length: N, then M bytes, then the
                           connection closes
  GET  /__slowfirst?s=N    the status line only after N seconds

Files: a request with a query string is served from the file named
"<path>?<query>" when one exists (so a paginated listing can be laid out
as files). A file ".content-types" in the root maps URL path prefixes to
Content-Types, one "PREFIX TYPE" per line, before the extension table.

The stats also give "maxInFlight" (the most requests being answered at
once) and, per request, "started" (seconds on the server's monotonic clock
when the request was read).

Add a route by decorating a method with @route("METHOD", "/__name").

With --unix PATH it also answers on that Unix socket (same files, same
counts), for clients that speak HTTP over a socket file.

Usage: httpserver.py --root DIR [--unix PATH] [--verbose] [--exit-on-stdin-eof]
"""

import argparse
import email.utils
import hashlib
import json
import os
import posixpath
import signal
import socketserver
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTENT_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".csv": "text/csv; charset=utf-8",
}

ROUTES = {}


def route(method, path):
    def register(fn):
        ROUTES[(method, path)] = fn
        return fn
    return register


class Stats:
    """What the server has answered, for tests to assert on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock"):
            self.counts = {}
            self.requests = []
            self.in_flight = 0
            self.max_in_flight = 0
            self.flaky = {}

    def record(self, method, path, status, headers, body=b"", started=0.0):
        with self.lock:
            key = str(status)
            self.counts[key] = self.counts.get(key, 0) + 1
            self.requests.append({"method": method, "path": path, "status": status, "headers": headers,
                                  "body": body.decode("utf-8", "replace"), "started": started})

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def flaky_count(self, key):
        """How many times this key was asked for before (then counts this one)."""
        with self.lock:
            n = self.flaky.get(key, 0)
            self.flaky[key] = n + 1
            return n

    def snapshot(self):
        with self.lock:
            return {"counts": dict(self.counts), "requests": list(self.requests),
                    "maxInFlight": self.max_in_flight}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CasefileTestServer/1"

    # -- plumbing ---------------------------------------------------------

    def address_string(self):
        # A Unix-socket peer has no (host, port).
        return self.client_address[0] if self.client_address else "unix"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("httpserver: " + (fmt % args) + "\n")

    def send_response(self, code, message=None):
        # Every answer is recorded here, whichever route sends it, and before
        # the client can have read it: a test that asks /__stats right after
        # a response must find that response counted.
        # (send_error on a malformed request line comes here too, before
        # command, path or headers exist.)
        raw_path = getattr(self, "path", "") or ""
        if urllib.parse.urlsplit(raw_path).path not in ("/__stats", "/__reset"):
            headers = getattr(self, "headers", None)
            self.server.stats.record(getattr(self, "command", None) or "", raw_path, int(code),
                                     dict(headers.items()) if headers else {},
                                     getattr(self, "body", b""), getattr(self, "started", time.monotonic()))
        super().send_response(code, message)

    def _dispatch(self, method):
        # Read the body whatever the route: left unread on a kept-alive
        # connection it would be parsed as the next request.
        self.started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length > 0 else b""
        parsed = urllib.parse.urlsplit(self.path)
        self.query = urllib.parse.parse_qs(parsed.query)
        self.raw_query = parsed.query
        handler = ROUTES.get((method, parsed.path))
        counted = parsed.path not in ("/__stats", "/__reset")
        if counted:
            self.server.stats.enter()
        try:
            if handler is not None:
                handler(self)
            elif parsed.path.startswith("/__"):
                self.send_text(HTTPStatus.NOT_FOUND, "no such test route\n")
            elif method in ("GET", "HEAD"):
                self.serve_file(parsed.path, head=(method == "HEAD"))
            else:
                self.send_text(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            if counted:
                self.server.stats.leave()

    def do_GET(self):
        self._dispatch("GET")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def read_body(self):
        """The request body (already read by _dispatch)."""
        return self.body

    def send_bytes(self, status, body, content_type="application/octet-stream", headers=(), head=False):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def send_text(self, status, text, headers=()):
        self.send_bytes(status, text.encode("utf-8"), "text/plain; charset=utf-8", headers)

    def send_json(self, status, value):
        self.send_bytes(status, (json.dumps(value) + "\n").encode("utf-8"), "application/json")

    def param(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    # -- files ------------------------------------------------------------

    def resolve(self, url_path):
        """The file under --root for a URL path, or None (never outside root)."""
        path = posixpath.normpath(urllib.parse.unquote(url_path))
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        full = os.path.realpath(os.path.join(self.server.root, *parts))
        if full != self.server.root and not full.startswith(self.server.root + os.sep):
            return None
        return full

    def content_type(self, url_path, full):
        table = os.path.join(self.server.root, ".content-types")
        if os.path.isfile(table):
            with open(table, encoding="utf-8") as f:
                for line in f:
                    parts = line.strip().split(None, 1)
                    if len(parts) == 2 and url_path.startswith(parts[0]):
                        return parts[1]
        return CONTENT_TYPES.get(os.path.splitext(full)[1].lower(), "application/octet-stream")

    def serve_file(self, url_path, head=False):
        full = self.resolve(url_path)
        if full is not None and self.raw_query:
            # A listing page per query: "search?start=2&rows=2" is a file name.
            with_query = full + "?" + self.raw_query
            if os.path.isfile(with_query) and os.path.dirname(with_query) == os.path.dirname(full):
                full = with_query
        if full is None or not os.path.isfile(full):
            self.send_text(HTTPStatus.NOT_FOUND, "not found\n")
            return
        with open(full, "rb") as f:
            body = f.read()
        mtime = int(os.stat(full).st_mtime)
        etag = '"%s"' % hashlib.sha256(body).hexdigest()
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        validators = [("ETag", etag), ("Last-Modified", last_modified)]

        if self.not_modified(etag, mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in validators:
                self.send_header(name, value)
            self.end_headers()
            return
        content_type = self.content_type(url_path, full)
        self.send_bytes(HTTPStatus.OK, body, content_type, validators, head=head)

    def not_modified(self, etag, mtime):
        # RFC 9110 13.2.2: If-None-Match, when present, decides alone.
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip() for t in if_none_match.split(",")]
            weak = lambda t: t[2:] if t.startswith("W/") else t
            return "*" in tags or any(weak(t) == etag for t in tags)
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
            return mtime <= since
        return False

    # -- test routes --------------------------------------------------------

    @route("GET", "/__stats")
    def stats(self):
        self.send_json(HTTPStatus.OK, self.server.stats.snapshot())

    @route("POST", "/__reset")
    def reset(self):
        self.read_body()
        self.server.stats.reset()
        self.send_json(HTTPStatus.OK, {"reset": True})

    @route("GET", "/__sleep")
    def sleep(self):
        time.sleep(float(self.param("s", "1")))
        self.send_text(HTTPStatus.OK, "slept\n")

    @route("GET", "/__status")
    def status(self):
        code = int(self.param("code", "200"))
        self.send_text(code, "status %d\n" % code)

    @route("GET", "/__redirect")
    def redirect(self):
        code = int(self.param("code", "302"))
        self.send_text(code, "redirect\n", headers=[("Location", self.param("to", "/"))])

    @route("GET", "/__bytes")
    def bytes_route(self):
        n = int(self.param("n", "0"))
        if self.param("chunked") == "1":
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            left = n
            while left > 0:
                size = min(left, 65536)
                self.wfile.write(b"%x\r\n" % size + b"x" * size + b"\r\n")
                left -= size
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_bytes(HTTPStatus.OK, b"x" * n)

    @route("GET", "/__stream")
    def stream(self):
        n = int(self.param("n", "3"))
        delay = float(self.param("delay", "0.05"))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i in range(n):
            line = b"event %d\n" % i
            self.wfile.write(b"%x\r\n" % len(line) + line + b"\r\n")
            self.wfile.flush()
            time.sleep(delay)
        self.wfile.write(b"0\r\n\r\n")


    @route("GET", "/__flaky")
    def flaky(self):
        key = self.param("key", "default")
        fail = int(self.param("fail", "1"))
        code = int(self.param("code", "500"))
        if self.server.stats.flaky_count(key) < fail:
            headers = []
            if self.param("retry_after") is not None:
                headers.append(("Retry-After", self.param("retry_after")))
            self.send_text(code, "failing on purpose\n", headers=headers)
        else:
            self.send_text(HTTPStatus.OK, "ok %s\n" % key)

    @route("POST", "/__hook")
    def hook(self):
        key = self.param("key", "hook")
        fail = int(self.param("fail", "0"))
        # delay=S: a receiver that takes its time (a slow channel).
        time.sleep(float(self.param("delay", "0")))
        if self.server.stats.flaky_count("hook:" + key) < fail:
            self.send_text(HTTPStatus.SERVICE_UNAVAILABLE, "receiver failing on purpose\n")
        else:
            self.send_text(HTTPStatus.OK, "ok\n")

    @route("POST", "/__echo")
    def echo(self):
        # A receiver whose error page echoes the request line, secrets and all.
        self.read_body()
        self.send_text(HTTPStatus.INTERNAL_SERVER_ERROR, "cannot handle POST %s (Authorization: %s)\n"
                       % (self.path, self.headers.get("Authorization", "")))

    @route("GET", "/__loop")
    def loop(self):
        n = int(self.param("n", "0"))
        self.send_text(HTTPStatus.FOUND, "again\n", headers=[("Location", "/__loop?n=%d" % (n + 1))])

    @route("GET", "/__truncated")
    def truncated(self):
        n = int(self.param("n", "1000"))
        sent = int(self.param("send", "100"))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(n))
        self.end_headers()
        self.wfile.write(b"%" * sent)
        self.wfile.flush()
        self.close_connection = True

    @route("GET", "/__slowfirst")
    def slow_first(self):
        time.sleep(float(self.param("s", "1")))
        self.send_text(HTTPStatus.OK, "late\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description="Casefile's test HTTP server (127.0.0.1 only).")
    parser.add_argument("--root", required=True, help="folder whose files are served")
    parser.add_argument("--unix", help="also listen on this Unix socket path")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin closes (the test process died)")
    args = parser.parse_args()

    # A child inherits its parent's blocked and ignored signals: started from
    # a Swift test (Foundation's Process on a dispatch thread), SIGTERM
    # arrives blocked and terminate() would do nothing. Take the defaults back.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Do NOT close inherited file descriptors here: swift-corelibs-foundation's
    # Process learns that a child exited when the child's end of a socket pair
    # it passes (an fd above 2) closes; closing it early makes Process block
    # in waitpid on its monitor thread and hangs every Process in the tests.

    # 127.0.0.1 and nothing else, ever: tests must not open a port to the network.
    server = Server(("127.0.0.1", 0), Handler)
    server.root = os.path.realpath(args.root)
    server.verbose = args.verbose
    server.stats = Stats()

    if args.exit_on_stdin_eof:
        def watch():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()

    if args.unix:
        unix = UnixServer(args.unix, Handler)
        unix.root, unix.verbose, unix.stats = server.root, server.verbose, server.stats
        threading.Thread(target=unix.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()

    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
