#!/usr/bin/env python3
"""ecr-standin.py DIR: a STAND-IN for ECR's GetAuthorizationToken, for tests only.

Not an emulator and no substitute for moto: it verifies no signature.  It
exists for the two things moto cannot give:
  - a token whose expiresAt lies in the future (moto's is 2015-01-01, always
    expired, so the token cache never keeps it), to test the cache;
  - ECR Public (SpencerFrontendService), which moto does not implement, to
    test the request's shape (target, signing name, region) and the answer's
    object form.
Everything else (signatures, IAM policy, the aws CLI cross-check, the real
registry push) is tested against moto.

It listens on a free loopback port and writes it to DIR/port once ready.
Each request is appended to DIR/requests as one JSON line: target, the
credential scope from the Authorization header, the body.
Behaviour is read from files in DIR on every request, so a test can change
it without a restart:
  DIR/expires_in  seconds from now for expiresAt (default 43200, 12 h)
  DIR/mode        "ok" (default), "deny" (400 AccessDeniedException),
                  "fail" (500 ServerException), "garbage" (200, not JSON)
"""
import base64
import http.server
import json
import os
import re
import sys
import time

DIR = sys.argv[1]


def setting(name, default):
    try:
        with open(os.path.join(DIR, name)) as f:
            return f.read().strip() or default
    except FileNotFoundError:
        return default


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, ctype="application/x-amz-json-1.1"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "standin-%d" % time.time_ns())
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode(errors="replace")
        target = self.headers.get("X-Amz-Target", "")
        m = re.search(r"Credential=([^/]*)/(\d{8})/([^/]*)/([^/]*)/aws4_request",
                      self.headers.get("Authorization", ""))
        with open(os.path.join(DIR, "requests"), "a") as f:
            f.write(json.dumps({
                "target": target,
                "access_key": m.group(1) if m else None,
                "region": m.group(3) if m else None,
                "service": m.group(4) if m else None,
                "body": raw,
            }) + "\n")
        if not m:
            return self.answer(403, json.dumps({
                "__type": "MissingAuthenticationTokenException",
                "message": "Missing Authentication Token"}))
        mode = setting("mode", "ok")
        if mode == "deny":
            return self.answer(400, json.dumps({
                "__type": "AccessDeniedException",
                "message": "User: arn:aws:iam::123456789012:user/deploy is not "
                           "authorized to perform: ecr:GetAuthorizationToken"}))
        if mode == "fail":
            return self.answer(500, json.dumps({
                "__type": "ServerException", "message": "stand-in failure"}))
        if mode == "garbage":
            return self.answer(200, "<html>not json</html>", "text/html")
        expires = time.time() + float(setting("expires_in", "43200"))
        if target == "SpencerFrontendService.GetAuthorizationToken":
            token = base64.b64encode(b"AWS:public-auth-token").decode()
            return self.answer(200, json.dumps({"authorizationData": {
                "authorizationToken": token, "expiresAt": expires}}))
        if target == "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken":
            ids = (json.loads(raw or "{}").get("registryIds") or ["123456789012"])
            data = [{
                "authorizationToken": base64.b64encode(
                    ("AWS:%s-auth-token" % i).encode()).decode(),
                "expiresAt": expires,
                "proxyEndpoint": "https://%s.dkr.ecr.%s.amazonaws.com" % (i, m.group(3)),
            } for i in ids]
            return self.answer(200, json.dumps({"authorizationData": data}))
        return self.answer(400, json.dumps({
            "__type": "UnknownOperationException", "message": target}))


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(DIR, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
