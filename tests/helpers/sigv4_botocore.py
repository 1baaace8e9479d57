#!/usr/bin/env python3
"""Differential test: lib/sigv4 (through the sigv4-sign test aid) against
botocore's signers, on a few hundred random awkward requests.

usage: sigv4_botocore.py SIGV4_SIGN [--dump N]
  SIGV4_SEED   seed of the generator (default 20150830): a failure names it,
               and the same seed gives the same cases again
  SIGV4_CASES  how many cases (default 400)
  --dump N     print case N's input for sigv4-sign and exit

Each case is one request, signed at one fixed time by botocore (SigV4Auth,
S3SigV4Auth, SigV4QueryAuth or S3SigV4QueryAuth) and by sigv4-sign.  The
canonical requests, signatures and the Authorization header or presigned
query (as a set of parameters) must agree.  Prints one report per
disagreement, then one JSON summary line (cases, mismatches, how often each
awkward feature came up); exits 1 if anything disagreed.

Where botocore and AWS's official suite disagree, the suite wins and the
generator stays out of botocore's way (each such place says why):
  - Query strings.  Given a URL, botocore signs the query as it finds it,
    only sorted: no decoding, no re-encoding.  The suite wants each name and
    value decoded and encoded again (v4/get-vanilla-utf8-query: "ሴ=bar" is
    signed as "%E1%88%B4=bar"; botocore signs "ሴ=bar").  So botocore gets
    the decoded pairs as params, which it encodes itself, while sigv4-sign
    gets the query as it would go on the wire (escapes in either hex case,
    encoded unreserved characters, raw reserved ones, raw UTF-8).  A raw '+'
    on the wire is a literal plus here (RFC 3986), so botocore gets '+'.
  - Path normalization off (the suite's *-unnormalized cases): botocore has
    no switch for it; a subclass encodes the path without normalizing.
"""
import datetime
import hashlib
import json
import os
import random
import string
import subprocess
import sys
from urllib.parse import quote, unquote_to_bytes, urlsplit

import botocore.auth
from botocore.auth import (S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth,
                           SigV4QueryAuth)
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AMZ_DATE = "20150830T123600Z"
NOW = datetime.datetime(2015, 8, 30, 12, 36, 0)
ACCESS_KEY = "AKIDEXAMPLE"
UNRESERVED = string.ascii_letters + string.digits + "-._~"
SUB_DELIMS = "!$&'()*+,;="
UNICODE = ["é", "ß", "ሴ", "中文", "😀", "Ω"]
B64 = string.ascii_letters + string.digits + "+/="

# Header names the generator never uses:
#  - the ones the signer sets (sigv4-sign refuses them: it would sign two
#    values) and Date (botocore then replaces it and drops X-Amz-Date);
#  - botocore's SIGNED_HEADERS_BLACKLIST, which it never signs: which
#    headers to sign is the caller's choice in lib/sigv4, which signs all
#    it is given, as the suite does.
AVOID_HEADERS = {"host", "authorization", "x-amz-date", "x-amz-security-token",
                 "x-amz-content-sha256", "date"} | set(
                     botocore.auth.SIGNED_HEADERS_BLACKLIST)
TCHAR_EXTRA = "!#$%&'*+-.^_`|~"


class NoNormalizeSigV4Auth(SigV4Auth):
    """SigV4 with path normalization off, as the suite's *-unnormalized
    cases define it: the path encoded once more, "." ".." "//" kept."""

    def _normalize_url_path(self, path):
        return quote(path, safe="/~")


class Features:
    """How often each awkward input came up: a degenerate generator shows."""

    def __init__(self):
        self.counts = {}

    def __call__(self, name, cond=True):
        if cond:
            self.counts[name] = self.counts.get(name, 0) + 1


def pct(b, rng):
    """One byte as %XX, hex case at random (both are valid escapes)."""
    s = "%%%02X" % b
    return s if rng.random() < 0.7 else s.lower()


# Paths

def path_segment(rng, feat):
    r = rng.random()
    if r < 0.10:
        feat("path_dot_segment")
        return rng.choice([".", ".."])
    if r < 0.18:
        feat("path_empty_segment")
        return ""
    out = []
    for _ in range(rng.randint(1, 6)):
        r = rng.random()
        if r < 0.55:
            out.append(rng.choice(UNRESERVED))
        elif r < 0.70:
            feat("path_percent_encoded")
            out.append(pct(rng.randrange(256), rng))
        elif r < 0.82:
            feat("path_reserved_raw")
            out.append(rng.choice(SUB_DELIMS + ":@"))
        elif r < 0.92:
            feat("path_utf8_raw")
            out.append(rng.choice(UNICODE))
        elif r < 0.96:
            feat("path_space_raw")
            out.append(" ")
        else:
            feat("path_dots_in_name")
            out.append(rng.choice(["..a", ".b", "c.", "..."]))
    return "".join(out)


def gen_path(rng, feat):
    """A path as it goes on the wire: what sigv4-sign and botocore both
    take.  Escapes are complete and there is no '?' or '#' (which would end
    the path): lib/sigv4 refuses those, urlsplit() would cut there."""
    segs = [path_segment(rng, feat) for _ in range(rng.randint(0, 6))]
    path = "/" + "/".join(segs)
    if segs and rng.random() < 0.25:
        path += "/"
    feat("path_double_slash", "//" in path)
    return path


# Queries

def query_text(rng, feat, key):
    r = rng.random()
    if r < 0.15 and not key:
        feat("query_empty_value")
        return ""
    if r < 0.2:
        return rng.choice(["a", "A", "Param1", "x-y", "~"])
    out = []
    for _ in range(rng.randint(1, 6)):
        r = rng.random()
        if r < 0.5:
            out.append(rng.choice(UNRESERVED))
        elif r < 0.85:
            out.append(rng.choice("=&+ /?:@!$'()*,;#%"))
        else:
            out.append(rng.choice(UNICODE))
    return "".join(out)


def wire_encode(s, rng, feat, key):
    """Encode one name or value for the wire, choosing among the spellings
    a server would read the same way."""
    out = []
    for c in s:
        if c in UNRESERVED:
            if rng.random() < 0.1:
                feat("query_unreserved_encoded")
                out.append(pct(ord(c), rng))
            else:
                out.append(c)
        elif c in "&#%":
            feat("query_amp_hash_pct_encoded")
            out.append(pct(ord(c), rng))
        elif c == "=":
            if not key and rng.random() < 0.5:
                feat("query_eq_raw_in_value")
                out.append(c)
            else:
                feat("query_eq_encoded")
                out.append(pct(ord(c), rng))
        elif c == "+":
            if rng.random() < 0.5:
                feat("query_plus_raw")
                out.append(c)
            else:
                feat("query_plus_encoded")
                out.append(pct(ord(c), rng))
        elif ord(c) < 128:
            if rng.random() < 0.4:
                feat("query_reserved_raw")
                out.append(c)
            else:
                out.append(pct(ord(c), rng))
        else:
            if rng.random() < 0.5:
                feat("query_utf8_raw")
                out.append(c)
            else:
                feat("query_utf8_encoded")
                out.append("".join(pct(b, rng) for b in c.encode()))
    return "".join(out)


def gen_query(rng, feat, unique_keys):
    """(decoded pairs for botocore, wire query for sigv4-sign)."""
    pairs = []
    for _ in range(rng.choice([0, 1, 2, 3, 4, 6])):
        if pairs and not unique_keys and rng.random() < 0.25:
            feat("query_repeated_key")
            k = rng.choice(pairs)[0]
        else:
            k = query_text(rng, feat, True)
        if unique_keys and any(k == p[0] for p in pairs):
            continue
        pairs.append((k, query_text(rng, feat, False)))
    wire = []
    for k, v in pairs:
        if v == "" and rng.random() < 0.5:
            feat("query_no_equals")
            wire.append(wire_encode(k, rng, feat, True))
        else:
            wire.append(wire_encode(k, rng, feat, True) + "=" +
                        wire_encode(v, rng, feat, False))
    # Never an empty "&&" segment: it carries no parameter (lib/sigv4 drops
    # it) and there is no params spelling of it for botocore.
    return pairs, "&".join(wire)


# Headers

def header_name(rng):
    while True:
        n = "x-" + "".join(rng.choice(string.ascii_lowercase + string.digits +
                                      TCHAR_EXTRA)
                           for _ in range(rng.randint(1, 8)))
        if rng.random() < 0.3:
            n = rng.choice(["content-type", "range", "if-match", "accept",
                            "cache-control", "x-amz-target", "x-amz-meta-a"])
        if n not in AVOID_HEADERS:
            return n


def mixed_case(name, rng):
    return "".join(c.upper() if rng.random() < 0.5 else c for c in name)


def header_value(rng, feat):
    """Printable ASCII with spaces and tabs: HTTP's whitespace.  (botocore
    trims with str.split(), which also splits on other Unicode spaces;
    header values here stay ASCII, as on the wire.)"""
    out = []
    for _ in range(rng.randint(0, 12)):
        r = rng.random()
        if r < 0.7:
            out.append(chr(rng.randint(0x21, 0x7e)))
        elif r < 0.9:
            feat("header_inner_spaces")
            out.append(" " * rng.randint(1, 3))
        else:
            feat("header_tab")
            out.append("\t")
    v = "".join(out)
    if rng.random() < 0.3:
        feat("header_outer_spaces")
        v = rng.choice([" ", "  ", "\t", " \t "]) + v + rng.choice(["", " ", "\t "])
    return v


def gen_headers(rng, feat):
    host = rng.choice(["example.amazonaws.com", "ssm.eu-west-1.amazonaws.com",
                       "127.0.0.1:5000", "bucket.s3.amazonaws.com"])
    hdrs = [(rng.choice(["Host", "host", "HOST"]), host)]
    names = []
    for _ in range(rng.randint(0, 6)):
        if names and rng.random() < 0.3:
            feat("header_repeated")
            n = rng.choice(names)
        else:
            n = header_name(rng)
            names.append(n)
        hdrs.append((mixed_case(n, rng), header_value(rng, feat)))
    rng.shuffle(hdrs)
    return hdrs


# One case

def gen_case(rng, feat):
    mode = rng.choice(["sigv4", "sigv4", "s3", "presign", "s3-presign"])
    presign = mode.endswith("presign")
    s3 = mode.startswith("s3")
    feat("mode_" + mode)
    c = {
        "mode": mode,
        "method": rng.choice(["GET", "POST", "PUT", "DELETE", "HEAD",
                              "PATCH"]),
        "path": gen_path(rng, feat),
        "headers": gen_headers(rng, feat),
        "secret_key": "".join(rng.choice(B64) for _ in range(40)),
        "region": rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"]),
        "service": "s3" if s3 else rng.choice(["ssm", "ecr", "sts",
                                               "execute-api", "service"]),
        "token": None,
        "omit_token": False,
        "no_normalize": False,
        "content_sha256": False,
        "unsigned": False,
        "body": b"",
    }
    # SigV4QueryAuth keeps one value per name (it parses into a dict).
    c["pairs"], c["query"] = gen_query(rng, feat, unique_keys=presign)
    if rng.random() < 0.4:
        c["token"] = "".join(rng.choice(B64)
                             for _ in range(rng.randint(16, 400)))
        feat("token")
        if rng.random() < 0.3:
            c["omit_token"] = True
            feat("token_omitted")
    if presign:
        c["expires"] = rng.choice([1, 60, 3600, 86400, 604800])
    else:
        c["body"] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
    if mode == "sigv4":
        r = rng.random()
        if r < 0.15:
            c["no_normalize"] = True
            feat("no_normalize")
        elif r < 0.30:
            c["content_sha256"] = True
            feat("content_sha256")
        elif r < 0.40:
            c["content_sha256"] = c["unsigned"] = True
            feat("unsigned_payload")
    return c


def aid_input(c):
    if c["mode"] == "s3-presign" or c["unsigned"]:
        ph = "UNSIGNED-PAYLOAD"
    elif c["mode"].endswith("presign"):
        ph = None
    else:
        ph = hashlib.sha256(c["body"]).hexdigest()
    d = {
        "method": c["method"], "path": c["path"], "query": c["query"],
        "headers": [list(h) for h in c["headers"]], "payload_hash": ph,
        "access_key": ACCESS_KEY, "secret_key": c["secret_key"],
        "session_token": c["token"], "region": c["region"],
        "service": c["service"], "amz_date": AMZ_DATE,
        "flags": {"s3": c["mode"].startswith("s3"),
                  "no_normalize": c["no_normalize"],
                  "content_sha256": c["content_sha256"],
                  "omit_token": c["omit_token"]},
    }
    if "expires" in c:
        d["presign_expires"] = c["expires"]
    return d


def botocore_sign(c):
    """What botocore makes of the case: (canonical request, signature,
    Authorization or None, presigned query or None)."""
    # An omitted token is added after signing: botocore signs without it.
    token = None if c["omit_token"] else c["token"]
    creds = Credentials(ACCESS_KEY, c["secret_key"], token)
    mode = c["mode"]
    if mode == "sigv4":
        cls = NoNormalizeSigV4Auth if c["no_normalize"] else SigV4Auth
        auth = cls(creds, c["service"], c["region"])
    elif mode == "s3":
        auth = S3SigV4Auth(creds, c["service"], c["region"])
    elif mode == "presign":
        auth = SigV4QueryAuth(creds, c["service"], c["region"],
                              expires=c["expires"])
    else:
        auth = S3SigV4QueryAuth(creds, c["service"], c["region"],
                                expires=c["expires"])
    params = dict(c["pairs"]) if mode.endswith("presign") else list(c["pairs"])
    req = AWSRequest(method=c["method"],
                     url="https://example.amazonaws.com" + c["path"],
                     data=c["body"] or None, params=params)
    for n, v in c["headers"]:
        req.headers[n] = v  # HTTPHeaders: assignment appends
    if c["content_sha256"]:
        if c["unsigned"]:
            req.context["payload_signing_enabled"] = False
        else:
            req.headers["X-Amz-Content-SHA256"] = hashlib.sha256(
                c["body"]).hexdigest()
    seen = {}
    canonical, to_sign = auth.canonical_request, auth.string_to_sign

    def keep_canonical(r):
        seen["cr"] = canonical(r)
        return seen["cr"]

    def keep_sts(r, cr):
        seen["sts"] = to_sign(r, cr)
        return seen["sts"]

    auth.canonical_request = keep_canonical
    auth.string_to_sign = keep_sts
    botocore.auth.get_current_datetime = lambda: NOW
    auth.add_auth(req)
    sig = auth.signature(seen["sts"], req)
    if mode.endswith("presign"):
        return seen["cr"], sig, None, urlsplit(req.url).query
    return seen["cr"], sig, req.headers["Authorization"], None


def param_set(query, extra=()):
    out = []
    for part in query.split("&"):
        if part:
            k, _, v = part.partition("=")
            out.append((unquote_to_bytes(k), unquote_to_bytes(v)))
    out.extend(extra)
    return sorted(out)


def compare(i, c, seed):
    """The reports for case i, [] when all agree."""
    inp = aid_input(c)
    p = subprocess.run([SIGN], input=json.dumps(inp).encode(),
                       capture_output=True)
    if p.returncode != 0:
        return [f"sigv4-sign exit {p.returncode}: "
                f"{p.stderr.decode(errors='replace').strip()}"]
    ours = json.loads(p.stdout)
    cr, sig, authz, query = botocore_sign(c)
    bad = []
    if ours["canonical_request"] != cr:
        bad.append("canonical request differs:\n  ours:     %r\n  botocore: %r"
                   % (ours["canonical_request"], cr))
    if ours["signature"] != sig:
        bad.append(f"signature differs: ours {ours['signature']}, "
                   f"botocore {sig}")
    if authz is not None and ours["authorization"] != authz:
        bad.append(f"Authorization differs:\n  ours:     {ours['authorization']}"
                   f"\n  botocore: {authz}")
    if query is not None:
        extra = []
        if c["omit_token"]:
            extra = [(b"X-Amz-Security-Token", c["token"].encode())]
        if param_set(ours["query"]) != param_set(query, extra):
            bad.append(f"presigned query differs:\n  ours:     {ours['query']}"
                       f"\n  botocore: {query}")
    return bad


def main():
    global SIGN
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__.split("\n\n")[1])
    SIGN = args[0]
    seed = int(os.environ.get("SIGV4_SEED", "20150830"))
    n = int(os.environ.get("SIGV4_CASES", "400"))
    rng = random.Random(seed)
    feat = Features()
    cases = [gen_case(rng, feat) for _ in range(n)]
    if len(args) == 3 and args[1] == "--dump":
        print(json.dumps(aid_input(cases[int(args[2])]), ensure_ascii=False))
        return 0
    mismatches = 0
    for i, c in enumerate(cases):
        bad = compare(i, c, seed)
        if bad:
            mismatches += 1
            print(f"MISMATCH case {i} ({c['mode']}), SIGV4_SEED={seed}; "
                  f"input: {sys.argv[0]} {SIGN} --dump {i}")
            print("  request: " + json.dumps(aid_input(c), ensure_ascii=False))
            for b in bad:
                print("  " + b)
    print(json.dumps({"seed": seed, "cases": n, "mismatches": mismatches,
                      "features": dict(sorted(feat.counts.items()))}))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
