#!/usr/bin/env python3
"""A loopback HTTP receiver for the tests: a webhook (POST) or a registry
(HEAD) that answers as told and records what it got.

    webhook-recv.py --log FILE [--status N] [--stall SECONDS] [--header 'K: V']...

Binds 127.0.0.1 on a free port and prints the port on stdout once it
listens (poll for that line; no need to sleep).  Every request is appended
to FILE as one JSON line {"method", "path", "content_type", "body"} before
the answer: status N (default 200) with body "ok" (none for HEAD), after
SECONDS (default 0) of silence, with the extra headers.  Stop it by PID.
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--stall", type=float, default=0.0)
    ap.add_argument("--header", action="append", default=[])
    args = ap.parse_args()
    headers = [h.split(":", 1) for h in args.header]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def _record(self, body):
            entry = {
                "method": self.command,
                "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "body": body.decode("utf-8", "replace"),
            }
            with lock, open(args.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

        def _answer(self, with_body=True):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(n, MAX_BODY)) if n > 0 else b""
            self._record(body)
            if args.stall:
                time.sleep(args.stall)
            out = b"ok" if with_body else b""
            self.send_response(args.status)
            for k, v in headers:
                self.send_header(k.strip(), v.strip())
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(out) if with_body else 0))
            self.end_headers()
            if with_body:
                self.wfile.write(out)

        def do_POST(self):
            self._answer()

        def do_GET(self):
            self._answer()

        def do_HEAD(self):
            self._answer(with_body=False)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
