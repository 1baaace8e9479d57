#!/usr/bin/env python3
"""botocore's half of the sign-rate benchmark.

usage: sign_rate_botocore.py N < request.json

Reads the request sigv4-sign --bench reads (same JSON), signs it N times
with botocore and prints what sigv4-sign --bench prints:
{"signatures":N,"seconds":S,"per_second":R}.

Kept equivalent to the C side: the request is built once and only add_auth()
is timed (the C loop re-signs one prepared request too; add_auth() drops
the previous Authorization and X-Amz-Date itself); the payload hash is the
one given, not computed from a body; the clock is pinned to amz_date; the
query goes in as decoded params, the form botocore canonicalizes correctly.
"""
import datetime
import json
import sys
import time
from urllib.parse import unquote

import botocore.auth
from botocore.auth import (EMPTY_SHA256_HASH, S3SigV4Auth, SigV4Auth,
                           SigV4QueryAuth)
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def signer_class(base, payload_hash):
    class Given(base):
        def payload(self, request):
            return payload_hash
    return Given


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit("usage: sign_rate_botocore.py N < request.json")
    n = int(sys.argv[1])
    r = json.load(sys.stdin)
    flags = r.get("flags") or {}
    ph = r.get("payload_hash") or EMPTY_SHA256_HASH
    token = r.get("session_token") or None
    creds = Credentials(r["access_key"], r["secret_key"], token)
    if "presign_expires" in r:
        auth = signer_class(SigV4QueryAuth, ph)(
            creds, r["service"], r["region"], expires=r["presign_expires"])
    elif flags.get("s3"):
        auth = signer_class(S3SigV4Auth, ph)(creds, r["service"], r["region"])
    else:
        auth = signer_class(SigV4Auth, ph)(creds, r["service"], r["region"])
    params = []
    for part in (r.get("query") or "").split("&"):
        if part:
            k, _, v = part.partition("=")
            params.append((unquote(k), unquote(v)))
    when = datetime.datetime.strptime(r["amz_date"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda: when
    req = AWSRequest(method=r["method"],
                     url="https://" + dict((k.lower(), v) for k, v in
                                           r["headers"])["host"] + r["path"],
                     params=params)
    for k, v in r["headers"]:
        req.headers[k] = v
    if "presign_expires" in r:
        # Presigning rewrites the URL: time a fresh copy each round.
        url = req.url
        t0 = time.perf_counter()
        for _ in range(n):
            req.url, req.params = url, list(params)
            auth.add_auth(req)
        secs = time.perf_counter() - t0
    else:
        t0 = time.perf_counter()
        for _ in range(n):
            auth.add_auth(req)
        secs = time.perf_counter() - t0
    print(json.dumps({"signatures": n, "seconds": secs,
                      "per_second": n / secs if secs > 0 else 0.0}))


if __name__ == "__main__":
    main()
