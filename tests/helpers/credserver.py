#!/usr/bin/env python3
"""credserver [--port N]: a container-credentials agent and an EC2 instance
metadata service (IMDSv2) on 127.0.0.1, for tests/awscred.bats.

Binds 127.0.0.1 on port N (0, the default: one the kernel picks), prints the
port on stdout, then serves until killed.  One line per request goes to
stderr ("GET /container/auth auth=ok").

The credentials it hands out come from the environment, never argv:
  CREDSERVER_AK, CREDSERVER_SK   the key pair (required)
  CREDSERVER_TOKEN               the session token to serve (optional)
  CREDSERVER_AUTH                the Authorization value /container/auth wants

Container agent (GET), as ECS and EKS Pod Identity answer:
  /container/open       credentials, no Authorization needed
  /container/auth       credentials if Authorization is CREDSERVER_AUTH, else
                        401 {"code":"AccessDenied",...}
  /container/bad-json   200 with a body that is not JSON
  /container/fail       500 {"code":"InternalError",...}
  /container/expired    credentials whose Expiration has passed

Instance metadata, under a prefix that picks the behaviour (the prefix goes
in AWS_EC2_METADATA_SERVICE_ENDPOINT, e.g. http://127.0.0.1:PORT/imds/):
  PUT  /P/latest/api/token   needs X-aws-ec2-metadata-token-ttl-seconds in
                             1..21600 (else 400) and no X-Forwarded-For (403)
  GET  /P/latest/meta-data/iam/security-credentials/[ROLE]
                             needs X-aws-ec2-metadata-token from a PUT (401)
  P = imds         a role "deploy-role" and its credentials
      imds-v1      IMDSv1 only: the token PUT answers 403
      imds-norole  no role attached: the role list answers 404
      imds-broken  the role's credentials answer 500

STS stand-in for an error answer (the real moto never refuses a web
identity): POST /sts-denied answers 400 with STS's XML error for
InvalidIdentityToken.  POST /sts-error/CODE answers STS's XML error CODE
with its usual status and message: AccessDenied (403), InvalidIdentityToken,
IDPRejectedClaim, ExpiredTokenException, IDPCommunicationError (400),
ServiceUnavailable (503), Throttling (400); any other code 400.
"""
import argparse
import datetime
import json
import os
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROLE = "deploy-role"
STS_ERRORS = {
    "AccessDenied": (403, "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
    "InvalidIdentityToken": (400, "No OpenIDConnect provider found in your account "
                             "for https://token.actions.githubusercontent.com"),
    "IDPRejectedClaim": (400, "Identity provider rejected the claim"),
    "ExpiredTokenException": (400, "Token expired: current date/time 1700000300 must "
                              "be before the expiration date/time 1700000000"),
    "IDPCommunicationError": (400, "Couldn't reach the identity provider"),
    "ServiceUnavailable": (503, "Service unavailable"),
    "Throttling": (400, "Rate exceeded"),
}
TOKEN_TTL_MAX = 21600


def rfc3339(delta_seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class State:
    def __init__(self):
        self.ak = os.environ["CREDSERVER_AK"]
        self.sk = os.environ["CREDSERVER_SK"]
        self.token = os.environ.get("CREDSERVER_TOKEN") or None
        self.auth = os.environ.get("CREDSERVER_AUTH")
        self.imds_tokens = set()
        self.lock = threading.Lock()

    def creds(self, expiration, token_key="Token"):
        d = {"AccessKeyId": self.ak, "SecretAccessKey": self.sk,
             "Expiration": expiration}
        if self.token:
            d[token_key] = self.token
        return d


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "credserver/1"

    def log_message(self, fmt, *args):
        pass

    def note(self, extra=""):
        sys.stderr.write(f"{self.command} {self.path} {extra}\n".rstrip()
                         + "\n")
        sys.stderr.flush()

    def reply(self, status, body, ctype="application/json"):
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def drain(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)

    # Container agent.
    def container(self):
        st = self.server.state
        what = self.path.split("?")[0][len("/container/"):]
        got = self.headers.get("Authorization")
        self.note("auth=" + ("none" if got is None else
                             "ok" if got == st.auth else "bad"))
        if what == "open":
            return self.reply(200, st.creds(rfc3339(3600)))
        if what == "auth":
            if st.auth is None or got != st.auth:
                return self.reply(401, {"code": "AccessDenied",
                                        "message": "bad authorization token"})
            return self.reply(200, st.creds(rfc3339(3600)))
        if what == "bad-json":
            return self.reply(200, "{this is not json")
        if what == "fail":
            return self.reply(500, {"code": "InternalError",
                                    "message": "the agent is down"})
        if what == "expired":
            return self.reply(200, st.creds("2001-02-03T04:05:06Z"))
        return self.reply(404, {"code": "NotFound", "message": self.path})

    # Instance metadata.
    def imds(self, mode, rest):
        st = self.server.state
        if rest == "latest/api/token":
            if self.command != "PUT":
                self.note("token request not a PUT")
                return self.reply(405, "", "text/plain")
            if self.headers.get("X-Forwarded-For"):
                self.note("forwarded")
                return self.reply(403, "", "text/plain")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            try:
                ok = ttl is not None and 1 <= int(ttl) <= TOKEN_TTL_MAX
            except ValueError:
                ok = False
            self.note(f"ttl={ttl}")
            if not ok:
                return self.reply(400, "", "text/plain")
            if mode == "imds-v1":
                return self.reply(403, "", "text/plain")
            tok = "AQAE" + secrets.token_urlsafe(32)
            with st.lock:
                st.imds_tokens.add(tok)
            return self.reply(200, tok, "text/plain")
        base = "latest/meta-data/iam/security-credentials/"
        if self.command != "GET" or not rest.startswith(base):
            self.note()
            return self.reply(404, "", "text/plain")
        tok = self.headers.get("X-aws-ec2-metadata-token")
        with st.lock:
            valid = tok in st.imds_tokens
        self.note("token=" + ("ok" if valid else "none" if tok is None
                              else "bad"))
        if not valid:
            return self.reply(401, "", "text/plain")
        role = rest[len(base):]
        if role == "":
            if mode == "imds-norole":
                return self.reply(404, "", "text/plain")
            return self.reply(200, ROLE, "text/plain")
        if role != ROLE:
            return self.reply(404, "", "text/plain")
        if mode == "imds-broken":
            return self.reply(500, "", "text/plain")
        d = st.creds(rfc3339(6 * 3600))
        d.update({"Code": "Success", "LastUpdated": rfc3339(0),
                  "Type": "AWS-HMAC"})
        return self.reply(200, d)

    def sts_denied(self):
        self.note()
        body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/'
                '2011-06-15/"><Error><Type>Sender</Type>'
                '<Code>InvalidIdentityToken</Code><Message>Couldn&apos;t '
                'retrieve verification key from your identity provider'
                '</Message></Error><RequestId>credserver-1</RequestId>'
                '</ErrorResponse>')
        return self.reply(400, body, "text/xml")

    def sts_error(self, code):
        self.note()
        status, message = STS_ERRORS.get(code, (400, "stand-in error"))
        body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/'
                '2011-06-15/"><Error><Type>Sender</Type>'
                '<Code>%s</Code><Message>%s</Message></Error><RequestId>'
                'credserver-2</RequestId></ErrorResponse>' % (code, message))
        return self.reply(status, body, "text/xml")

    def route(self):
        self.drain()
        path = self.path.split("?")[0]
        if path.startswith("/sts-error/") and self.command == "POST":
            return self.sts_error(path[len("/sts-error/"):])
        if path.startswith("/container/") and self.command == "GET":
            return self.container()
        if path == "/sts-denied" and self.command == "POST":
            return self.sts_denied()
        parts = path.lstrip("/").split("/", 1)
        if len(parts) == 2 and parts[0] in ("imds", "imds-v1", "imds-norole",
                                            "imds-broken"):
            return self.imds(parts[0], parts[1])
        self.note()
        return self.reply(404, "", "text/plain")

    do_GET = do_PUT = do_POST = route


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.state = State()
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
