#!/usr/bin/env python3
"""sts-webidentity.py DIR MOTO_URL OIDC_URL: a STAND-IN for STS
AssumeRoleWithWebIdentity in front of moto, for tests only.

Why: that call is unsigned (the token is the proof), and moto with IAM auth
on, as the sandbox runs it, refuses unsigned calls; without auth moto would
hand out credentials to anyone, trust policy or not.  So this does what AWS
does with the call, against moto's IAM, and lets moto mint the credentials:

  1. the token: a JWT signed RS256 by the identity provider's key (the
     GitHub simulator's, from GET OIDC_URL, i.e. /_sim/oidc: issuer, kid,
     public key), kid and iss matching, not expired, not before nbf;
  2. the provider: an IAM OIDC provider for the issuer's host must exist in
     moto, with the token's aud in its client ids (GetOpenIDConnectProvider);
  3. the role's trust policy (GetRole): a statement allowing
     sts:AssumeRoleWithWebIdentity to that Federated principal whose
     conditions hold (StringEquals, StringLike, StringNotEquals,
     StringNotLike, ForAnyValue:StringLike on HOST:aud and HOST:sub), and no
     Deny statement that matches; any other condition operator or key is
     refused, never ignored;
  4. moto AssumeRole of that role (signed with DIR/keys: an IAM user of the
     stand-in's own, allowed iam:GetRole, iam:GetOpenIDConnectProvider and
     sts:AssumeRole), answered in AssumeRoleWithWebIdentity's form, so
     moto checks every later call made with these credentials against the
     role's own policies.

Errors are STS's: InvalidIdentityToken, ExpiredTokenException (400),
AccessDenied "Not authorized to perform sts:AssumeRoleWithWebIdentity"
(403).  Only that action is served (point AWS_ENDPOINT_URL_STS here).

DIR/keys holds two lines, the stand-in's access key id and secret (read on
every request).  The port goes to DIR/port once it listens; each request
is appended to DIR/requests as one JSON line (action, role, session name,
sub, aud, signed: whether an Authorization header came, status, code) --
never the token.
"""
import base64
import datetime
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from xml.sax.saxutils import escape

import boto3
from botocore.config import Config
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

DIR, MOTO, OIDC_URL = sys.argv[1:4]
NS = "https://sts.amazonaws.com/doc/2011-06-15/"
LOCK = threading.Lock()


class StsError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def client(service):
    with open(os.path.join(DIR, "keys")) as f:
        ak, sk = f.read().split()[:2]
    return boto3.client(service, endpoint_url=MOTO, region_name="us-east-1",
                        aws_access_key_id=ak, aws_secret_access_key=sk,
                        config=Config(retries={"max_attempts": 1}))


def idp():
    with urllib.request.urlopen(OIDC_URL, timeout=10) as r:
        return json.load(r)


def verify_token(token):
    """The token's claims, once its signature and times are good."""
    try:
        h64, c64, s64 = token.split(".")
        head, claims, sig = json.loads(b64d(h64)), json.loads(b64d(c64)), b64d(s64)
    except (ValueError, json.JSONDecodeError):
        raise StsError(400, "InvalidIdentityToken", "The web identity token is not a JWT")
    p = idp()
    if head.get("alg") != "RS256" or head.get("kid") != p["kid"]:
        raise StsError(400, "InvalidIdentityToken",
                       "Couldn't retrieve verification key from your identity provider")
    key = serialization.load_pem_public_key(p["public_key_pem"].encode())
    try:
        key.verify(sig, (h64 + "." + c64).encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise StsError(400, "InvalidIdentityToken", "The web identity token's signature is invalid")
    if claims.get("iss") != p["issuer"]:
        raise StsError(400, "InvalidIdentityToken", "Issuer is not trusted")
    now = time.time()
    if claims.get("exp", 0) < now:
        raise StsError(400, "ExpiredTokenException", "Token expired: current date/time "
                       "must be before the expiration date/time")
    if claims.get("nbf", 0) > now + 60:
        raise StsError(400, "InvalidIdentityToken", "The token is not yet valid")
    return claims


def cond_holds(op, key, want, claims, host):
    prefix = host + ":"
    if not key.startswith(prefix) or key[len(prefix):] not in ("aud", "sub"):
        raise StsError(403, "AccessDenied", "condition key %s is not simulated" % key)
    have = claims.get(key[len(prefix):])
    haves = have if isinstance(have, list) else [have]
    wants = want if isinstance(want, list) else [want]
    like = lambda v, pat: re.fullmatch(  # noqa: E731
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pat),
        v or "") is not None
    if op == "StringEquals":
        return any(h == w for h in haves for w in wants)
    if op in ("StringLike", "ForAnyValue:StringLike"):
        return any(like(h, w) for h in haves for w in wants)
    if op == "StringNotEquals":
        return all(h != w for h in haves for w in wants)
    if op == "StringNotLike":
        return not any(like(h, w) for h in haves for w in wants)
    raise StsError(403, "AccessDenied", "condition operator %s is not simulated" % op)


def statement_matches(st, provider_arn, claims, host):
    actions = st.get("Action", [])
    actions = actions if isinstance(actions, list) else [actions]
    if not any(a in ("sts:AssumeRoleWithWebIdentity", "sts:*", "*") for a in actions):
        return False
    fed = (st.get("Principal") or {}).get("Federated", [])
    fed = fed if isinstance(fed, list) else [fed]
    if provider_arn not in fed:
        return False
    for op, kv in (st.get("Condition") or {}).items():
        for key, want in kv.items():
            if not cond_holds(op, key, want, claims, host):
                return False
    return True


def assume(params, entry):
    role_arn = params.get("RoleArn", "")
    session = params.get("RoleSessionName", "")
    token = params.get("WebIdentityToken", "")
    if not role_arn or not session or not token:
        raise StsError(400, "ValidationError", "RoleArn, RoleSessionName and WebIdentityToken "
                       "are required")
    claims = verify_token(token)
    entry.update(sub=claims.get("sub"), aud=claims.get("aud"))
    m = re.fullmatch(r"arn:aws:iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]+)", role_arn)
    if not m:
        raise StsError(400, "ValidationError", "RoleArn %s is not a role ARN" % role_arn)
    account, role = m.groups()
    host = urllib.parse.urlparse(claims["iss"]).netloc
    provider_arn = "arn:aws:iam::%s:oidc-provider/%s" % (account, host)
    iam = client("iam")
    try:
        prov = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    except iam.exceptions.NoSuchEntityException:
        raise StsError(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your "
                       "account for %s" % claims["iss"])
    aud = claims.get("aud")
    if aud not in prov.get("ClientIDList", []):
        raise StsError(400, "InvalidIdentityToken", "Incorrect token audience")
    try:
        doc = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    except iam.exceptions.NoSuchEntityException:
        raise StsError(403, "AccessDenied", "Not authorized to perform "
                       "sts:AssumeRoleWithWebIdentity")
    if isinstance(doc, str):
        doc = json.loads(urllib.parse.unquote(doc))
    sts = doc.get("Statement", [])
    sts = sts if isinstance(sts, list) else [sts]
    allow = any(st.get("Effect") == "Allow" and statement_matches(st, provider_arn, claims, host)
                for st in sts)
    deny = any(st.get("Effect") == "Deny" and statement_matches(st, provider_arn, claims, host)
               for st in sts)
    if not allow or deny:
        raise StsError(403, "AccessDenied", "Not authorized to perform "
                       "sts:AssumeRoleWithWebIdentity")
    duration = int(params.get("DurationSeconds") or 3600)
    r = client("sts").assume_role(RoleArn=role_arn, RoleSessionName=session,
                                  DurationSeconds=duration)
    c = r["Credentials"]
    exp = c["Expiration"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (
        '<AssumeRoleWithWebIdentityResponse xmlns="%s"><AssumeRoleWithWebIdentityResult>'
        "<SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>"
        "<Audience>%s</Audience>"
        "<AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>%s</AssumedRoleId></AssumedRoleUser>"
        "<Credentials><SessionToken>%s</SessionToken><SecretAccessKey>%s</SecretAccessKey>"
        "<Expiration>%s</Expiration><AccessKeyId>%s</AccessKeyId></Credentials>"
        "<Provider>%s</Provider>"
        "</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>%s</RequestId>"
        "</ResponseMetadata></AssumeRoleWithWebIdentityResponse>" % (
            NS, escape(claims.get("sub", "")), escape(str(aud)),
            escape(r["AssumedRoleUser"]["Arn"]), escape(r["AssumedRoleUser"]["AssumedRoleId"]),
            escape(c["SessionToken"]), escape(c["SecretAccessKey"]), exp,
            escape(c["AccessKeyId"]), escape(host), uuid.uuid4()))
    return body


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        url = urllib.parse.urlparse(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode(errors="replace") if n else ""
        params = dict(urllib.parse.parse_qsl(url.query))
        params.update(urllib.parse.parse_qsl(raw))
        entry = {"action": params.get("Action"), "role": params.get("RoleArn"),
                 "session_name": params.get("RoleSessionName"),
                 "signed": "Authorization" in self.headers}
        try:
            if params.get("Action") != "AssumeRoleWithWebIdentity":
                raise StsError(400, "InvalidAction", "only AssumeRoleWithWebIdentity is "
                               "served here (a test stand-in)")
            body = assume(params, entry)
            entry.update(status=200)
            self.answer(200, body)
        except StsError as e:
            entry.update(status=e.status, code=e.code)
            self.answer(e.status, '<ErrorResponse xmlns="%s"><Error><Type>Sender</Type>'
                        "<Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId>"
                        "</ErrorResponse>" % (NS, e.code, escape(e.message), uuid.uuid4()))
        except Exception as e:  # a bug here, or moto said no: a 500, said
            entry.update(status=500, code="InternalFailure", error=str(e))
            self.answer(500, '<ErrorResponse xmlns="%s"><Error><Type>Receiver</Type>'
                        "<Code>InternalFailure</Code><Message>%s</Message></Error>"
                        "</ErrorResponse>" % (NS, escape(str(e))))
        with LOCK, open(os.path.join(DIR, "requests"), "a") as f:
            f.write(json.dumps(entry) + "\n")

    do_GET = do_POST = handle_any


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(DIR, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
