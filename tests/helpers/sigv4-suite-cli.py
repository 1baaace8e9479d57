#!/usr/bin/env python3
"""Run AWS's official SigV4 test suite through the sigv4-curl command line.

Each case of the v4/ layout becomes a `sigv4-curl --dry-run` call (header
form) and a `sigv4-curl --presign` call (query form); the signature printed
must be the suite's.  Cases whose raw request cannot be written as a URL or a
-H option (a literal space or UTF-8 in the path, folded header lines) or that
need a signer option the command line does not have (a session token added
after signing) are left to the lib/ unit test, and listed as skipped.

usage: sigv4-suite-cli.py SIGV4_CURL SUITE_DIR
Prints one line per check and ends with "N passed, N failed, N skipped".
"""
import json
import os
import subprocess
import sys
import urllib.parse


def parse_request(text):
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    line = lines[0]
    method, rest = line.split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers = []
    for h in lines[1:]:
        if h == "":
            continue
        if h[0] in " \t":
            return None, "folded header line"
        name, value = h.split(":", 1)
        headers.append((name, value))
    return (method, target, headers, body), None


def main():
    tool, suite = sys.argv[1], sys.argv[2]
    root = os.path.join(suite, "v4")
    passed = failed = skipped = 0
    for case in sorted(os.listdir(root)):
        d = os.path.join(root, case)
        if not os.path.isdir(d):
            continue
        ctx = json.load(open(os.path.join(d, "context.json")))
        req, why = parse_request(open(os.path.join(d, "request.txt")).read())
        if req is None:
            pass
        elif ctx.get("omit_session_token"):
            why = "session token added after signing"
        elif " " in req[1] or not req[1].isascii():
            why = "space or UTF-8 in the request target"
        if why:
            print(f"skip {case}: {why}")
            skipped += 2
            continue
        method, target, headers, body = req
        creds = ctx["credentials"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=creds["access_key_id"],
                   AWS_SECRET_ACCESS_KEY=creds["secret_access_key"],
                   AWS_CONFIG_FILE="/dev/null/none",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null/none",
                   AWS_EC2_METADATA_DISABLED="true")
        if creds.get("token"):
            env["AWS_SESSION_TOKEN"] = creds["token"]
        host = dict((n.lower(), v) for n, v in headers)["host"]
        t = ctx["timestamp"]
        date = t[0:4] + t[5:7] + t[8:10] + "T" + t[11:13] + t[14:16] + t[17:19] + "Z"
        base = [tool, "-X", method, "--service", ctx["service"],
                "--region", ctx["region"], "--date", date]
        for n, v in headers:
            base += ["-H", f"{n}:{v}"]
        if not ctx.get("normalize", True):
            base.append("--no-normalize-path")
        if body:
            base += ["-d", body]
        url = f"https://{host}{target}"
        for form in ("header", "query"):
            want = open(os.path.join(d, f"{form}-signature.txt")).read().strip()
            if form == "header":
                args = base + (["--content-sha256"] if ctx.get("sign_body") else [])
                args += ["--dry-run", url]
            else:
                args = base + ["--presign", str(ctx["expiration_in_seconds"]), url]
            p = subprocess.run(args, env=env, capture_output=True, text=True)
            got = None
            if p.returncode == 0 and form == "header":
                for line in p.stdout.split("\n"):
                    if line.startswith("Authorization: "):
                        got = line.rsplit("Signature=", 1)[-1]
            elif p.returncode == 0:
                q = urllib.parse.urlsplit(p.stdout.strip()).query
                got = dict(urllib.parse.parse_qsl(q)).get("X-Amz-Signature")
            if got == want:
                passed += 1
                print(f"ok {case} ({form})")
            else:
                failed += 1
                print(f"not ok {case} ({form}): got {got}, want {want}; "
                      f"exit {p.returncode}: {p.stderr.strip()}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
