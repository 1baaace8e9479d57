#!/usr/bin/env python3
"""awsfault --upstream URL [--port N] [--faults SCRIPT]: a reverse proxy on
127.0.0.1 that puts faults between an AWS client and a real endpoint (moto),
for tests/awsapi-faults.bats.

Binds 127.0.0.1 on port N (0, the default: one the kernel picks), prints the
port on stdout once it listens, then serves until killed.  One line per
request goes to stderr.  Python 3 standard library only.

Every request not under /_ is forwarded to the upstream as it came: same
method, path, query, body and headers, the Host header included (a SigV4
signature covers it), hop-by-hop headers aside.  The upstream's answer goes
back as it came, its Date header included.

A script says what to do instead, as JSON: an object
  {"reset": true,          clear faults, clock and log first
   "faults": [RULE...],    appended to the pending rules
   "clock": CLOCK|null}    set (or, with null, stop) the skewed clock
or a list of rules, or one rule.  Give it at start with --faults (JSON text,
or the name of a file holding it) or later with POST /_fault.

A RULE applies to the next "count" (default 1) requests it matches; the
first pending rule that matches wins and is used up one request at a time.
  "target"   match X-Amz-Target: "AmazonSSM.PutParameter", or an operation
             alone ("PutParameter"); absent: every request
  "method", "path"   match the method, and a regular expression searched in
             the path (with the query): so the proxy also serves in front of
             the GitHub simulator, whose requests carry no target
  "action"   "respond" (the default): answer "status" (500), "body" (text,
                 or any other JSON value, sent compact) and "headers" (over
                 the defaults: Content-Type application/x-amz-json-1.1,
                 x-amzn-RequestId, Date; a null value leaves one out);
                 not forwarded unless "forward": true (then the upstream
                 did the work and its answer is thrown away)
             "truncate": forward, then answer the upstream's status with
                 its body cut to "bytes" (default half), Content-Length
                 matching: a complete but malformed answer
             "short": forward, then send the upstream's headers with the
                 full Content-Length, half the body, and close
             "drop": close the connection without answering, not forwarded
                 ("rst": true: a reset instead of a clean close)
             "drop_after": forward, then close without answering (the
                 request reached the server)
             "stall": wait "seconds" (default 1), then forward
             "huge": forward, then answer "status" (default the upstream's)
                 with a body of "bytes" (default 50 MiB) of valid JSON,
                 streamed: what a client without a size cap would swallow
A CLOCK makes the proxy a server whose clock is now + "offset" seconds:
a request whose X-Amz-Date is more than "window" (300) seconds away from
it is refused as AWS does, with a Date header of now + "date_offset"
(default: offset) and nothing forwarded.  JSON services answer 400
{"__type":"InvalidSignatureException","message":"Signature expired: X is
now earlier than Y (Z - 5 min.)"} (or "Signature not yet current: ... is
still later than ..."); form-encoded (query) requests get STS's 403 XML
SignatureDoesNotMatch with the same message.  "status" overrides the code.

Admin (never forwarded, never logged):
  POST /_fault   apply a script; answers {"faults": [...], "clock": ...}
  GET  /_fault   the same, without changing anything
  GET  /_log     every request so far, oldest first: {"n", "t0", "t1"
                 (arrival and end, epoch seconds), "method", "path",
                 "target", "amz_date", "action", "forwarded",
                 "upstream_status", "status" (what the client got; null
                 when the connection was dropped)}
  POST /_reset   clear faults, clock and log
"""
import argparse
import datetime
import email.utils
import http.client
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade", "expect", "proxy-authorization",
              "proxy-authenticate"}
ACTIONS = {"respond", "truncate", "short", "drop", "drop_after", "stall",
           "huge"}
UPSTREAM_TIMEOUT = 120


class ScriptError(ValueError):
    pass


def check_rule(r):
    if not isinstance(r, dict):
        raise ScriptError("a rule is a JSON object")
    r = dict(r)
    r.setdefault("action", "respond")
    r.setdefault("count", 1)
    if r["action"] not in ACTIONS:
        raise ScriptError("action %r: want one of %s" %
                          (r["action"], ", ".join(sorted(ACTIONS))))
    if not isinstance(r["count"], int) or r["count"] < 1:
        raise ScriptError("count: want a positive integer")
    if "headers" in r and not isinstance(r["headers"], dict):
        raise ScriptError("headers: want an object")
    for k in ("target", "method", "path"):
        if k in r and not isinstance(r[k], str):
            raise ScriptError("%s: want a string" % k)
    if "path" in r:
        try:
            re.compile(r["path"])
        except re.error as e:
            raise ScriptError("path: %s" % e)
    return r


def check_clock(c):
    if c is None:
        return None
    if not isinstance(c, dict):
        raise ScriptError("clock: want an object or null")
    c = dict(c)
    c.setdefault("offset", 0)
    c.setdefault("window", 300)
    c.setdefault("date_offset", c["offset"])
    for k in ("offset", "window", "date_offset"):
        if not isinstance(c[k], (int, float)):
            raise ScriptError("clock.%s: want a number of seconds" % k)
    return c


def rule_matches(rule, target, method, path):
    if "method" in rule and rule["method"] != method:
        return False
    if "path" in rule and not re.search(rule["path"], path):
        return False
    return target_matches(rule, target)


def target_matches(rule, target):
    want = rule.get("target")
    if want is None:
        return True
    if target is None:
        return False
    return target == want or ("." not in want and
                              target.rsplit(".", 1)[-1] == want)


def amz_time(s):
    try:
        return datetime.datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except (TypeError, ValueError):
        return None


def amz_fmt(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


class State:
    def __init__(self, upstream):
        u = urllib.parse.urlsplit(upstream)
        if u.scheme != "http" or not u.hostname:
            raise SystemExit("awsfault: --upstream %s: want http://host:port"
                             % upstream)
        self.up_host = u.hostname
        self.up_port = u.port or 80
        self.up_prefix = u.path.rstrip("/")
        self.lock = threading.Lock()
        self.faults = []
        self.clock = None
        self.log = []
        self.seq = 0

    def apply(self, script):
        """Apply a script (see the module comment); raises ScriptError."""
        if isinstance(script, list):
            script = {"faults": script}
        elif isinstance(script, dict) and ("action" in script or
                                           "status" in script):
            script = {"faults": [script]}
        if not isinstance(script, dict):
            raise ScriptError("a script is a JSON object or list")
        faults = [check_rule(r) for r in script.get("faults", [])]
        clock = check_clock(script["clock"]) if "clock" in script else None
        with self.lock:
            if script.get("reset"):
                self.faults, self.clock, self.log = [], None, []
            self.faults.extend(faults)
            if "clock" in script:
                self.clock = clock

    def reset(self):
        with self.lock:
            self.faults, self.clock, self.log = [], None, []

    def snapshot(self):
        with self.lock:
            return {"faults": [dict(f) for f in self.faults],
                    "clock": self.clock}

    def take(self, target, method, path):
        """The rule for this request, used up by one; None: forward."""
        with self.lock:
            for f in self.faults:
                if rule_matches(f, target, method, path):
                    f["count"] -= 1
                    if f["count"] == 0:
                        self.faults.remove(f)
                    return dict(f)
            return None

    def begin(self, entry):
        with self.lock:
            self.seq += 1
            entry["n"] = self.seq
            self.log.append(entry)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "awsfault/1"

    def log_message(self, fmt, *args):
        pass

    # Writes to a client that went away are its business, not ours.
    def send(self, status, headers, body, reason=None):
        try:
            self.send_response_only(status, reason)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def send_huge(self, status, hdrs, size, entry):
        """A JSON body of size bytes, {"pad":"xxx…"}, in 1 MiB writes."""
        entry["status"] = status
        head, tail = b'{"pad":"', b'"}'
        size = max(size, len(head) + len(tail))
        chunk = b"x" * (1 << 20)
        try:
            self.send_response_only(status)
            for k, v in hdrs:
                if k.lower() != "content-type":
                    self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(head)
            left = size - len(head) - len(tail)
            while left > 0:
                n = min(left, len(chunk))
                self.wfile.write(chunk[:n])
                left -= n
            self.wfile.write(tail)
            self.wfile.flush()
        except OSError:
            # The client hung up once it had enough: that is the point.
            self.close_connection = True

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def admin(self, body):
        st = self.server.state
        path = self.path.split("?")[0]
        if path == "/_log" and self.command == "GET":
            with st.lock:
                out = json.dumps(st.log)
            return self.send_json(200, out)
        if path == "/_fault" and self.command in ("GET", "POST"):
            if self.command == "POST":
                try:
                    st.apply(json.loads(body or b"{}"))
                except (ValueError, ScriptError) as e:
                    return self.send_json(400, json.dumps({"error": str(e)}))
            return self.send_json(200, json.dumps(st.snapshot()))
        if path == "/_reset" and self.command == "POST":
            st.reset()
            return self.send_json(200, json.dumps(st.snapshot()))
        return self.send_json(404, json.dumps({"error": "no such admin path"}))

    def send_json(self, status, text):
        self.send(status, [("Content-Type", "application/json"),
                           ("Date", email.utils.formatdate(usegmt=True))],
                  text.encode())

    def forward(self, body):
        """Send the request upstream; (status, reason, headers, body)."""
        st = self.server.state
        conn = http.client.HTTPConnection(st.up_host, st.up_port,
                                          timeout=UPSTREAM_TIMEOUT)
        try:
            conn.putrequest(self.command, st.up_prefix + self.path,
                            skip_host=True, skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in HOP_BY_HOP and \
                        k.lower() != "content-length":
                    conn.putheader(k, v)
            if body or self.command in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            hdrs = [(k, v) for k, v in r.getheaders()
                    if k.lower() not in HOP_BY_HOP and
                    k.lower() != "content-length"]
            return r.status, r.reason, hdrs, data
        finally:
            conn.close()

    def drop(self, rst=False):
        """Close the connection without a word."""
        self.close_connection = True
        try:
            if rst:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def skew_answer(self, clock, amz):
        """The refusal for a skewed request, or None if it is in time."""
        now = time.time()
        server = now + clock["offset"]
        t = amz_time(amz)
        if t is None or abs(t - server) <= clock["window"]:
            return None
        mins = "%d min." % (clock["window"] // 60)
        if t < server:
            msg = "Signature expired: %s is now earlier than %s (%s - %s)" % (
                amz, amz_fmt(server - clock["window"]), amz_fmt(server), mins)
        else:
            msg = ("Signature not yet current: %s is still later than %s "
                   "(%s + %s)") % (amz, amz_fmt(server + clock["window"]),
                                   amz_fmt(server), mins)
        date = email.utils.formatdate(now + clock["date_offset"], usegmt=True)
        rid = "awsfault-skew-%d" % int(now * 1000)
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/'
                    '2011-06-15/"><Error><Type>Sender</Type><Code>'
                    'SignatureDoesNotMatch</Code><Message>%s</Message>'
                    '</Error><RequestId>%s</RequestId></ErrorResponse>' %
                    (msg, rid)).encode()
            return (clock.get("status", 403), "text/xml", date, rid, body)
        body = json.dumps({"__type": "InvalidSignatureException",
                           "message": msg}).encode()
        return (clock.get("status", 400), "application/x-amz-json-1.1", date,
                rid, body)

    def route(self):
        body = self.read_body()
        if self.path.startswith("/_"):
            return self.admin(body)
        st = self.server.state
        target = self.headers.get("X-Amz-Target")
        amz = self.headers.get("X-Amz-Date")
        entry = {"t0": time.time(), "t1": None, "method": self.command,
                 "path": self.path, "target": target, "amz_date": amz,
                 "action": "forward", "forwarded": False,
                 "upstream_status": None, "status": None}
        st.begin(entry)
        try:
            self.serve(st, entry, body, target, amz)
        except (OSError, http.client.HTTPException) as e:
            # The upstream failed us: say so as a gateway would.
            entry["error"] = str(e)
            entry["status"] = 502
            self.send(502, [("Content-Type", "text/plain")],
                      b"awsfault: upstream: " + str(e).encode())
        finally:
            entry["t1"] = time.time()
            print("%s %s %s -> %s%s" % (self.command, target or self.path,
                                         entry["action"], entry["status"],
                                         " (forwarded)" if entry["forwarded"]
                                         else ""), file=sys.stderr, flush=True)

    def serve(self, st, entry, body, target, amz):
        rule = st.take(target, self.command, self.path)
        action = rule["action"] if rule else None
        if action:
            entry["action"] = action
        if action == "drop":
            return self.drop(rule.get("rst", False))
        if action == "stall":
            time.sleep(float(rule.get("seconds", 1)))
        if action == "respond":
            if rule.get("forward"):
                status, _, _, _ = self.forward(body)
                entry["forwarded"], entry["upstream_status"] = True, status
            b = rule.get("body", "")
            b = b if isinstance(b, str) else json.dumps(b, separators=(",", ":"))
            hdrs = {"Content-Type": "application/x-amz-json-1.1",
                    "x-amzn-RequestId": "awsfault-%d" % entry["n"],
                    "Date": email.utils.formatdate(usegmt=True)}
            for k, v in rule.get("headers", {}).items():
                for old in [h for h in hdrs if h.lower() == k.lower()]:
                    del hdrs[old]
                if v is not None:
                    hdrs[k] = str(v)
            status = int(rule.get("status", 500))
            entry["status"] = status
            return self.send(status, list(hdrs.items()), b.encode())

        with st.lock:
            clock = st.clock
        if clock is not None and action is None:
            refusal = self.skew_answer(clock, amz)
            if refusal:
                status, ctype, date, rid, rbody = refusal
                entry["action"], entry["status"] = "skew", status
                return self.send(status, [("Content-Type", ctype),
                                          ("x-amzn-RequestId", rid),
                                          ("Date", date)], rbody)

        status, reason, hdrs, data = self.forward(body)
        entry["forwarded"], entry["upstream_status"] = True, status
        if action == "drop_after":
            return self.drop(rule.get("rst", False))
        if action == "huge":
            return self.send_huge(int(rule.get("status", status)), hdrs,
                                  int(rule.get("bytes", 50 << 20)), entry)
        if action == "truncate":
            data = data[:int(rule.get("bytes", len(data) // 2))]
        if action == "short":
            self.close_connection = True
            try:
                self.send_response_only(status, reason)
                for k, v in hdrs:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
                self.wfile.flush()
            except OSError:
                pass
            entry["status"] = status
            return None
        entry["status"] = status
        return self.send(status, hdrs, data, reason)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = route


def load_script(arg):
    text = arg
    if not arg.lstrip().startswith(("{", "[")):
        with open(arg, encoding="utf-8") as f:
            text = f.read()
    return json.loads(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--faults", help="a script: JSON text or a file")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.state = State(args.upstream)
    if args.faults:
        try:
            srv.state.apply(load_script(args.faults))
        except (OSError, ValueError, ScriptError) as e:
            sys.exit("awsfault: --faults: %s" % e)
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
