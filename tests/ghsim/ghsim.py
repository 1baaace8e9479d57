#!/usr/bin/env python3
"""ghsim.py: a GitHub REST API simulator for deploykit's tests (stdlib only).

usage: ghsim.py [--port N] [--port-file FILE] [--log FILE] [--time-scale X]
                [--config FILE.json]

--log FILE appends every API request's log entry (as GET /_sim/log gives
them) to FILE, one JSON line each.

Listens on 127.0.0.1 (port N, or a free one), prints the port on stdout and
writes it to FILE once it accepts connections.  HTTP/1.1 with keep-alive, one
thread per connection.  It answers the endpoints gh-dispatch and gh-wait use
as GitHub does (bodies checked against GitHub's OpenAPI description by
tests/ghsim/validate-proxy.js in the test suite):

  GET  /rate_limit                                       (free, as on GitHub)
  GET  /repos/{o}/{r}                                    full-repository
  GET  /repos/{o}/{r}/actions/workflows/{id|file}        workflow
  POST /repos/{o}/{r}/actions/workflows/{id|file}/dispatches
  GET  /repos/{o}/{r}/actions/workflows/{id|file}/runs   filters, pagination
  GET  /repos/{o}/{r}/actions/runs/{id}                  ETag / If-None-Match
  GET  /repos/{o}/{r}/actions/runs/{id}/jobs             paginated, with steps
  POST /repos/{o}/{r}/actions/runs/{id}/cancel           202, 409 when done
  GET  /repos/{o}/{r}/actions/runs/{id}/pending_deployments
  GET  /repos/{o}/{r}/installation                       (App JWT) installation
  POST /app/installations/{id}/access_tokens             (App JWT) 201 token
Every path may also be prefixed with /api/v3 (GitHub Enterprise Server's
form); URLs in bodies then carry the prefix too.

GitHub behaviour modelled:
  - tokens (Authorization: Bearer|token T); an unknown token is 401 "Bad
    credentials"; a repository the token cannot see is 404, the same answer
    as a repository that does not exist; a read-only token gets 403 on writes.
  - primary rate limit per token: x-ratelimit-limit/remaining/used/reset/
    resource on every API answer; every request costs 1 except a 304 to an
    authorised conditional request and GET /rate_limit; when exhausted, 403
    (or 429, config rate_status) "API rate limit exceeded ..." with
    remaining 0 until the reset, then a new window.
  - dispatch: inputs checked against the workflow's declared inputs, with
    GitHub's 422 messages; return_run_details true gives 200 with the run's id
    and URLs, otherwise 204.  Modes (config "mode"): "dotcom" (default),
    "legacy204" (the key is accepted but the answer is always 204, as before
    GitHub added it), "ghes400"/"ghes422" (the key is refused: "Invalid
    request. "return_run_details" is not a permitted key.").
  - runs are created by dispatches and follow a script: queued for a while,
    jobs (run in parallel unless "needs"), steps one after the other, a job
    may wait for approval of an environment (run status "waiting",
    pending_deployments lists it), conclusions per step/job/run, cancel.
    Durations in scripts are simulated seconds, divided by the time scale:
    a 600 s script at scale 60 lasts 10 real seconds.  Timestamps in bodies
    are real wall-clock times (RFC 3339, whole seconds, as GitHub writes them).
  - a run's updated_at (and so its ETag) moves with its own status changes
    and with its jobs' (config run_updates "jobs", the default); "steps"
    also with every step's (the pessimistic case for a waiter that fetches
    jobs whenever the run changed); "status" with the run's status only.
    GitHub does not document which; the log's etag field lets a test count
    the changes a client saw.
  - new runs show up in the runs list only list_lag real seconds after their
    creation (GitHub's lists lag a few seconds; default 0).

Admin API (no auth, never logged, never counted), JSON in and out:
  GET  /_sim/health
  POST /_sim/config        {"mode","time_scale","list_lag","rate_status",
                            "cancel_delay","run_updates"}  (any subset)
  POST /_sim/tokens        {"token","label","login","repos":["org/*"],
                            "write":true,"limit":5000,"remaining":N,"reset_in":S}
  POST /_sim/rate_limit    {"label" or "token", "limit","remaining","reset_in"}
  POST /_sim/repos         {"full_name","default_branch","branches":[...],
                            "tags":[...],"private":true,"workflows":[WORKFLOW...]}
      WORKFLOW = {"file":"deploy.yaml","name":"Deploy","id":N,
                  "state":"active"|"disabled_manually","dispatch":true,
                  "run_name":"Deploy ${{ inputs.app }}",
                  "inputs":{"app":{"required":true},"env":{"type":"choice",
                            "options":["a","b"],"default":"a"}, ...},
                  "script":SCRIPT}
      SCRIPT = {"queue":S,"jobs":[{"name","needs":[...],"environment":"prod",
                "approve_after":S|null,"conclusion":C,"steps":[{"name",
                "seconds":S,"conclusion":C} or {"name","run":"shell command",
                "seconds":MIN,"timeout":S}]}],"conclusion":C}
        A "run" step runs its command (/bin/sh -c) when its time comes, with
        the inputs in INPUT_<NAME> and GITHUB_RUN_ID, GITHUB_REPOSITORY ...;
        it lasts as long as the command (at least MIN simulated seconds) and
        fails when the command exits non-zero; the output is in the run's
        admin view.  A cancel does not stop a command already running.
  POST /_sim/scripts       {"repo","workflow","scripts":[SCRIPT...]}: the next
                           dispatches of that workflow take these, in order
  POST /_sim/faults        {"rules":[RULE...]} appended; DELETE clears
      RULE = {"method":"GET","path":"regex on the path","count":1,"skip":0,
              "kind":"status"|"secondary"|"slow"|"drop"|"reset"|"malformed"|
                     "vanish"|"concurrent",
              "status":502,"retry_after":S,"delay":S,"after":false,...}
        status      that status with GitHub's error body (502 as GitHub's
                    HTML page); "after": true does the work first (a
                    dispatch that happened although the answer was a 5xx)
        secondary   403 (or "status": 429) "You have exceeded a secondary
                    rate limit ..." with retry-after
        slow        answer normally after "delay" real seconds
        drop        close the connection without an answer ("after" as above)
        reset       the same with a TCP RST
        malformed   200 with the JSON body cut in half
        raw         "status", "headers", "body" as given, NOT marked as a
                    fault (to test the validator itself)
        vanish      a dispatch that succeeds but whose run never appears
        concurrent  the dispatch also starts another actor's run of the same
                    workflow and ref ("actor", "inputs")
  POST /_sim/dispatch      {"repo","workflow","ref","inputs","actor"}:
                           another actor's run (no rate-limit cost)
  POST /_sim/runs/{id}/approve   {"environment"}  (or /reject)
  GET  /_sim/runs/{id}     internal view: timeline in epoch seconds
  GET  /_sim/log?since=N   {"entries":[...],"next":N}: one entry per API
                           request: method, path, query, token label, status,
                           counted, remaining, etag, if_none_match, fault, conn,
                           headers the tools must send, the JSON body sent
  POST /_sim/reset         forget runs, log and faults (repos/tokens stay)
  POST /_sim/apps          {"app_id":N,"slug","public_key_pem","installations":
                            [{"id":N,"account":"acme","repos":["acme/infra"],
                              "permissions":{"actions":"write"},"events":[]}]}
      A GitHub App.  Its endpoints take a JWT (Bearer): RS256 checked with
      public_key_pem (by openssl dgst), iss the app id, exp in the future
      and at most 10 minutes ahead, iat not in the future, on the
      simulator's clock; else 401 with GitHub's messages.  An installation
      covers the repos (fnmatch patterns) that exist; a repository it does
      not cover is 404.  A minted token ("ghs_...") is narrowed to the
      repositories / repository_ids and permissions asked (beyond the
      installation's: 422), works as a token of the simulator (write when
      actions: write) and expires an hour later, then 401.
  POST /_sim/clock         {"offset":S,"date":S|null}: the simulator's clock
                           is real time + offset (JWT and token expiry);
                           the Date header uses date when not null, else
                           offset (a server whose Date is wrong)

GitHub Actions' OIDC token endpoint (what ACTIONS_ID_TOKEN_REQUEST_URL names
in a job with `permissions: id-token: write`), outside the REST API and not
behind validate-proxy.js; tools call the simulator directly:
  GET  /_actions/idtoken?api-version=2.0&audience=AUD
                           Authorization: Bearer <request token>; 200
                           {"count":1,"value":"<JWT>"}, an unknown or missing
                           token 401.  The JWT is RS256 (openssl, with a key
                           made on first use), iss
                           https://token.actions.githubusercontent.com, aud
                           AUD (default https://github.com/OWNER, as GitHub),
                           sub repo:OWNER/REPO:environment:ENV (without an
                           environment repo:OWNER/REPO:ref:REF), repository,
                           ref, run_id, environment ..., iat = now, nbf
                           10 min before, exp 5 min after, on the
                           simulator's clock (POST /_sim/clock).
  POST /_sim/oidc          {"request_token","repository":"acme/app","ref":
                            "refs/heads/main","environment":"prod","run_id":
                            "7","sub":"override","fail":[503,...]}: a job's
                           request token; "fail" answers its next requests
                           with those statuses first
  GET  /_sim/oidc          {"issuer","kid","public_key_pem","log":[{"audience",
                            "known","status"}...]}
"""
import argparse
import base64
import copy
import datetime
import fnmatch
import hashlib
import http.server
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

API_VERSION = "2022-11-28"
DOCS = "https://docs.github.com/rest"
DOC = {
    "repo": DOCS + "/repos/repos#get-a-repository",
    "workflow": DOCS + "/actions/workflows#get-a-workflow",
    "dispatch": DOCS + "/actions/workflows#create-a-workflow-dispatch-event",
    "runs": DOCS + "/actions/workflow-runs#list-workflow-runs-for-a-workflow",
    "run": DOCS + "/actions/workflow-runs#get-a-workflow-run",
    "jobs": DOCS + "/actions/workflow-jobs#list-jobs-for-a-workflow-run",
    "cancel": DOCS + "/actions/workflow-runs#cancel-a-workflow-run",
    "pending": DOCS + "/actions/workflow-runs#get-pending-deployments-for-a-workflow-run",
    "rate": DOCS + "/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user",
}
RATE_DOC = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOC = ("https://docs.github.com/free-pro-team@latest/rest/overview/"
                 "rate-limits-for-the-rest-api#about-secondary-rate-limits")
RUN_STATUSES = {"requested", "queued", "pending", "waiting", "in_progress", "completed"}
UNICORN = ("<!DOCTYPE html>\n<html><head><title>Unicorn! &middot; GitHub</title></head>"
           "<body><p>We had issues producing the response to your request.</p></body></html>\n")


def iso(ts):
    """RFC 3339 UTC, whole seconds, as GitHub writes times."""
    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def parse_time(s, end=False):
    """A date or date-time of GitHub's search syntax, to epoch seconds.
    A bare date is its first second (or, with end, its last)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                     r"(Z|[+-]\d{2}:?\d{2})?)?", s)
    if not m:
        raise ValueError(s)
    y, mo, d, hh, mi, ss, tz = m.groups()
    if hh is None:
        base = datetime.datetime(int(y), int(mo), int(d), tzinfo=datetime.timezone.utc)
        return base.timestamp() + (86399 if end else 0)
    off = 0
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        off = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    base = datetime.datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0),
                             tzinfo=datetime.timezone.utc)
    return base.timestamp() - off


def created_filter(q):
    """GitHub's created qualifier (>=X, >X, <=X, <X, X..Y with *, X) as a
    predicate on epoch seconds; None when it does not parse."""
    try:
        if ".." in q:
            a, b = q.split("..", 1)
            lo = None if a == "*" else parse_time(a)
            hi = None if b == "*" else parse_time(b, end=True)
            return lambda t: (lo is None or t >= lo) and (hi is None or t <= hi)
        for op in (">=", "<=", ">", "<"):
            if q.startswith(op):
                v = parse_time(q[len(op):], end=op in ("<=", ">"))
                return {">=": lambda t: t >= v, "<=": lambda t: t <= v,
                        ">": lambda t: t > v, "<": lambda t: t < v}[op]
        lo, hi = parse_time(q), parse_time(q, end=True)
        return lambda t: lo <= t <= hi
    except ValueError:
        return None


def node_id(kind, n):
    return kind + "_" + base64.b64encode(struct.pack(">Q", n)).decode().rstrip("=")


class Sim:
    """All state, behind one lock."""

    def __init__(self, time_scale):
        self.lock = threading.RLock()
        self.config = {"mode": "dotcom", "time_scale": float(time_scale), "list_lag": 0.0,
                       "rate_status": 403, "cancel_delay": 0.0, "run_updates": "jobs"}
        self.tokens = {}      # token -> dict
        self.buckets = {}     # label -> {"limit","used","reset"}
        self.repos = {}       # "o/r" -> dict
        self.runs = {}        # id -> dict
        self.scripts = {}     # (repo, workflow id) -> [script, ...]
        self.faults = []
        self.log = []
        self.seq = 0
        self.next_id = {"repo": 100000, "workflow": 2000000, "run": 30000000000,
                        "job": 40000000000, "user": 5000}
        self.users = {}
        self.apps = {}        # GitHub Apps: app id -> dict (POST /_sim/apps)
        self.clock = {"offset": 0.0, "date": None}  # POST /_sim/clock
        self.logfile = None
        self.add_token({"token": "ghs_ghsim_default_token", "label": "default",
                        "login": "deploy-bot", "repos": ["*"]})

    def new_id(self, kind):
        self.next_id[kind] += 1
        return self.next_id[kind]

    # ---- tokens and the rate limit -------------------------------------

    def user(self, login):
        if login not in self.users:
            self.users[login] = self.new_id("user")
        return self.users[login]

    def add_token(self, t):
        tok = {"token": t["token"], "label": t.get("label") or t["token"][-6:],
               "login": t.get("login", "deploy-bot"), "repos": t.get("repos", ["*"]),
               "write": t.get("write", True)}
        self.user(tok["login"])
        self.tokens[tok["token"]] = tok
        self.set_bucket(tok["label"], t, fresh=True)
        return tok

    def set_bucket(self, label, t, fresh=False):
        b = self.buckets.get(label)
        if b is None or fresh:
            b = self.buckets[label] = {"limit": 5000, "used": 0, "reset": time.time() + 3600}
        if "limit" in t:
            b["limit"] = int(t["limit"])
        if "remaining" in t:
            b["used"] = b["limit"] - int(t["remaining"])
        if "used" in t:
            b["used"] = int(t["used"])
        if "reset_in" in t:
            b["reset"] = time.time() + float(t["reset_in"])
        return b

    def bucket(self, label):
        b = self.buckets.setdefault(label, {"limit": 60 if label == "(anonymous)" else 5000,
                                            "used": 0, "reset": time.time() + 3600})
        if time.time() >= b["reset"]:
            b["used"] = 0
            b["reset"] = time.time() + 3600
        return b

    def sees(self, tok, full_name):
        repo = self.repos.get(full_name)
        if repo is None:
            return False
        if tok is None:
            return not repo["private"]
        return any(fnmatch.fnmatchcase(full_name, p) for p in tok["repos"])

    # ---- repositories and workflows ------------------------------------

    def add_repo(self, spec):
        owner, name = spec["full_name"].split("/", 1)
        old = self.repos.get(spec["full_name"])
        repo = {"full_name": spec["full_name"], "owner": owner, "name": name,
                "id": old["id"] if old else self.new_id("repo"),
                "default_branch": spec.get("default_branch", "main"),
                "private": spec.get("private", True), "workflows": {}, "run_number": {}}
        repo["branches"] = set(spec.get("branches", [])) | {repo["default_branch"]}
        repo["tags"] = set(spec.get("tags", []))
        self.user(owner)
        for w in spec.get("workflows", []):
            wf = {"file": w["file"], "name": w.get("name", w["file"]),
                  "id": w.get("id") or self.new_id("workflow"),
                  "state": w.get("state", "active"), "dispatch": w.get("dispatch", True),
                  "run_name": w.get("run_name"), "inputs": w.get("inputs", {}),
                  "script": w.get("script") or default_script(),
                  "created": time.time() - 86400 * 30}
            repo["workflows"][wf["id"]] = wf
        self.repos[spec["full_name"]] = repo
        return repo

    def workflow(self, repo, ident):
        for wf in repo["workflows"].values():
            if str(wf["id"]) == ident or wf["file"] == ident or \
                    ".github/workflows/" + wf["file"] == ident:
                return wf
        return None

    # ---- runs ---------------------------------------------------------------

    def create_run(self, repo, wf, ref, inputs, actor, hidden=False):
        rid = self.new_id("run")
        num = repo["run_number"].get(wf["id"], 0) + 1
        repo["run_number"][wf["id"]] = num
        queue = self.scripts.get((repo["full_name"], wf["id"]))
        script = queue.pop(0) if queue else copy.deepcopy(wf["script"])
        full_inputs = {k: str(v.get("default", "")) if not isinstance(v.get("default"), bool)
                       else str(v["default"]).lower() for k, v in wf["inputs"].items()}
        full_inputs.update(inputs)
        title = wf["name"]
        if wf["run_name"]:
            def sub(m):
                expr = m.group(1).strip()
                if expr.startswith("inputs."):
                    return full_inputs.get(expr[7:], "")
                return {"github.actor": actor, "github.ref_name": ref,
                        "github.event_name": "workflow_dispatch"}.get(expr, "")
            title = re.sub(r"\$\{\{(.*?)\}\}", sub, wf["run_name"])
        now = time.time()
        run = {"id": rid, "repo": repo["full_name"], "workflow": wf["id"], "ref": ref,
               "number": num, "actor": actor, "inputs": full_inputs, "title": title,
               "created": now, "script": script, "scale": self.config["time_scale"],
               "approvals": {}, "rejections": {}, "cancel_at": None, "hidden": hidden,
               "commands": {}, "output": [], "done": False,
               "head_sha": hashlib.sha1(("%s@%s" % (repo["full_name"], ref)).encode()).hexdigest(),
               "check_suite": self.new_id("job"),
               "job_ids": [self.new_id("job") for _ in script.get("jobs", [])]}
        run["has_commands"] = any("run" in st for j in script.get("jobs", [])
                                  for st in j.get("steps", []))
        self.runs[rid] = run
        return run


OUTPUT_MAX = 200  # lines of command output kept per run


def ticker(sim):
    """Start the commands of "run" steps when their time comes, whether or
    not anyone is polling, and mark runs done.  Runs forever (a daemon)."""
    while True:
        time.sleep(0.05)
        due = []
        with sim.lock:
            now = time.time()
            for run in sim.runs.values():
                if run["done"] or not run["has_commands"]:
                    continue
                rp, jobs = timeline(run)
                for jp in jobs:
                    for sp in jp["steps"]:
                        key = sp.get("command")
                        if key and sp["start"] <= now and key not in run["commands"]:
                            run["commands"][key] = {"started": now, "ended": None, "rc": None}
                            due.append((run, key))
                if rp["end"] is not None:
                    run["done"] = True
        for run, key in due:
            threading.Thread(target=execute, args=(sim, run, key), daemon=True).start()


def execute(sim, run, key):
    """Run one step's command with the workflow's inputs in INPUT_<NAME>
    (and GITHUB_* as Actions sets them); exit 0 is success.  Its output goes
    to the run's log (GET /_sim/runs/ID) and to our stderr."""
    ji, si = key
    step = run["script"]["jobs"][ji]["steps"][si]
    env = dict(os.environ)
    for k, v in run["inputs"].items():
        env["INPUT_" + re.sub(r"[^A-Z0-9_]", "_", k.upper())] = v
    env.update(GITHUB_ACTIONS="true", GITHUB_RUN_ID=str(run["id"]), GITHUB_REPOSITORY=run["repo"],
               GITHUB_REF_NAME=run["ref"], GITHUB_ACTOR=run["actor"],
               GITHUB_EVENT_NAME="workflow_dispatch")
    try:
        p = subprocess.run(["/bin/sh", "-c", step["run"]], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=float(step.get("timeout", 600)))
        rc, out = p.returncode, p.stdout.decode(errors="replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        rc, out = 1, "ghsim: %s\n" % e
    with sim.lock:
        lines = ["%s: %s" % (step["name"], line) for line in out.splitlines()]
        run["output"] = (run["output"] + lines)[-OUTPUT_MAX:]
        run["commands"][key].update(ended=time.time(), rc=rc)
    for line in lines:
        sys.stderr.write("ghsim: run %d: %s\n" % (run["id"], line))


def default_script():
    """A short successful run: one job, three steps."""
    return {"queue": 1, "jobs": [{"name": "deploy", "steps": [
        {"name": "Set up job", "seconds": 1}, {"name": "Deploy", "seconds": 2},
        {"name": "Complete job", "seconds": 1}]}]}


FAILED = ("failure", "cancelled", "timed_out", "action_required")


def timeline(run):
    """Absolute real times of everything in a run's life, from its script,
    approvals, commands and cancel.  None for a time not known yet (waiting
    for an approval, a command still running).  Returns (run_plan,
    [job_plan ...]); a step whose command is due carries "command"."""
    s = run["scale"]
    sc = run["script"]
    t0 = run["created"]
    q = t0 + float(sc.get("queue", 0)) / s
    jobs = []
    by_name = {}
    for i, js in enumerate(sc.get("jobs", [])):
        jp = {"name": js["name"], "id": run["job_ids"][i], "created": t0, "ready": None,
              "start": None, "end": None, "conclusion": None, "steps": [],
              "environment": js.get("environment"), "waiting_from": None}
        deps = [by_name[n] for n in js.get("needs", []) if n in by_name]
        if any(d["end"] is None for d in deps):
            jobs.append(jp)
            by_name[js["name"]] = jp
            continue
        ready = max([q] + [d["end"] for d in deps])
        jp["ready"] = ready
        if any(d["conclusion"] not in ("success", "neutral") for d in deps):
            jp.update(start=ready, end=ready, conclusion="skipped")
            jobs.append(jp)
            by_name[js["name"]] = jp
            continue
        start = ready
        env = js.get("environment")
        if env:
            jp["waiting_from"] = ready
            if env in run["rejections"]:
                rej = max(ready, run["rejections"][env])
                jp.update(start=rej, end=rej, conclusion="failure", rejected=True)
                jobs.append(jp)
                by_name[js["name"]] = jp
                continue
            approved = run["approvals"].get(env)
            if approved is None and js.get("approve_after") is not None:
                approved = ready + float(js["approve_after"]) / s
            start = None if approved is None else max(ready, approved)
        jp["start"] = start
        if start is not None:
            t = start
            failed = None
            for si, st in enumerate(js.get("steps", [])):
                if t is None:  # after a command still running
                    jp["steps"].append({"name": st["name"], "start": None, "end": None,
                                        "conclusion": None})
                    continue
                sp = {"name": st["name"], "start": t, "end": t, "conclusion": "skipped"}
                if failed is None:
                    if "run" in st:
                        res = run["commands"].get((i, si))
                        if res is None or res["ended"] is None:
                            sp.update(end=None, conclusion=None, command=(i, si))
                        else:
                            sp["end"] = max(res["ended"], t + float(st.get("seconds", 0)) / s)
                            sp["conclusion"] = "success" if res["rc"] == 0 else \
                                st.get("conclusion_on_error", "failure")
                    else:
                        sp["end"] = t + float(st.get("seconds", 1)) / s
                        sp["conclusion"] = st.get("conclusion", "success")
                    if sp["conclusion"] in FAILED:
                        failed = sp["conclusion"]
                    t = sp["end"]
                jp["steps"].append(sp)
            jp["end"] = t
            if t is not None:
                jp["conclusion"] = js.get("conclusion") or failed or "success"
        jobs.append(jp)
        by_name[js["name"]] = jp
    ends = [j["end"] for j in jobs]
    rp = {"created": t0, "start": q, "end": None, "conclusion": None}
    if not jobs:
        rp["end"] = q
        rp["conclusion"] = sc.get("conclusion") or "success"
    elif all(e is not None for e in ends):
        rp["end"] = max(ends + [q])
        cs = [j["conclusion"] for j in jobs]
        rp["conclusion"] = sc.get("conclusion") or next(
            (c for c in ("failure", "timed_out", "cancelled", "action_required") if c in cs),
            "success")
    c = run["cancel_at"]
    if c is not None and (rp["end"] is None or c < rp["end"]):
        c = max(c, t0)
        for jp in jobs:
            if jp["end"] is not None and jp["end"] <= c:
                continue
            if jp["start"] is not None and jp["start"] <= c:
                for sp in jp["steps"]:
                    if sp["end"] is not None and sp["end"] <= c:
                        continue
                    if sp["start"] is not None and sp["start"] <= c:
                        sp.update(end=c, conclusion="cancelled")
                    else:
                        sp.update(start=c, end=c, conclusion="skipped")
            else:
                jp["steps"] = []
                jp["start"] = c
            jp.update(end=c, conclusion="cancelled")
        rp.update(end=c, conclusion="cancelled")
        if c < q:
            rp["start"] = c
    return rp, jobs


def snapshot(run, now, updates="jobs"):
    """The run and its jobs as they are at time now.  updates says which
    transitions move the run's updated_at (and so its ETag): "status" (the
    run's own), "jobs" (and its jobs'), "steps" (and every step's)."""
    rp, jobs = timeline(run)
    job_marks = updates in ("jobs", "steps")
    step_marks = updates == "steps"
    marks = [rp["created"]]
    if rp["end"] is not None and now >= rp["end"]:
        status, conclusion = "completed", rp["conclusion"]
    elif now < rp["start"]:
        status, conclusion = "queued", None
    else:
        status, conclusion = "in_progress", None
    if now >= rp["start"]:
        marks.append(rp["start"])
    jviews = []
    for jp in jobs:
        jv = {"id": jp["id"], "name": jp["name"], "created": jp["created"],
              "environment": jp["environment"], "steps": [], "started": jp["created"],
              "completed": None, "conclusion": None}
        if jp["end"] is not None and now >= jp["end"]:
            jv["status"], jv["conclusion"], jv["completed"] = "completed", jp["conclusion"], jp["end"]
            jv["started"] = jp["start"]
            if job_marks:
                marks.append(jp["end"])
        elif jp["start"] is not None and now >= jp["start"]:
            jv["status"], jv["started"] = "in_progress", jp["start"]
            if job_marks:
                marks.append(jp["start"])
        elif jp["waiting_from"] is not None and now >= jp["waiting_from"]:
            jv["status"] = "waiting"
            jv["waiting_from"] = jp["waiting_from"]
            # The run's status becomes waiting: always a change.
            marks.append(jp["waiting_from"])
        else:
            jv["status"] = "queued"
        if jv["status"] in ("in_progress", "completed"):
            for n, sp in enumerate(jp["steps"], 1):
                sv = {"name": sp["name"], "number": n, "started_at": None,
                      "completed_at": None, "conclusion": None}
                if sp["end"] is not None and now >= sp["end"]:
                    sv.update(status="completed", conclusion=sp["conclusion"],
                              started_at=iso(sp["start"]), completed_at=iso(sp["end"]))
                    if step_marks:
                        marks.append(sp["end"])
                elif sp["start"] is not None and now >= sp["start"]:
                    sv.update(status="in_progress", started_at=iso(sp["start"]))
                    if step_marks:
                        marks.append(sp["start"])
                else:
                    sv["status"] = "queued"
                jv["steps"].append(sv)
        jviews.append(jv)
    if status == "in_progress" and any(j["status"] == "waiting" for j in jviews) and \
            not any(j["status"] == "in_progress" for j in jviews):
        status = "waiting"
    elif status == "in_progress":
        # Back from waiting (approved): the run's status changed.
        for jp in jobs:
            if jp["waiting_from"] is not None and jp["start"] is not None and \
                    jp["start"] > jp["waiting_from"] and now >= jp["start"]:
                marks.append(jp["start"])
    if status == "completed":
        marks.append(rp["end"])
    return {"status": status, "conclusion": conclusion, "created": rp["created"],
            "started": rp["start"] if now >= rp["start"] else rp["created"],
            "updated": max(m for m in marks if m <= now) if any(m <= now for m in marks)
            else rp["created"],
            "end": rp["end"], "jobs": jviews}


# ---- bodies ---------------------------------------------------------------

class Urls:
    """The URL bases for bodies: the Host the client used, and the /api/v3
    prefix when the request had it."""

    def __init__(self, host, prefix):
        self.html = "http://" + host
        self.api = self.html + prefix


def simple_user(sim, u, login):
    uid = sim.user(login)
    a = u.api + "/users/" + login
    return {"login": login, "id": uid, "node_id": node_id("U", uid),
            "avatar_url": "https://avatars.githubusercontent.com/u/%d?v=4" % uid,
            "gravatar_id": "", "url": a, "html_url": u.html + "/" + login,
            "followers_url": a + "/followers",
            "following_url": a + "/following{/other_user}",
            "gists_url": a + "/gists{/gist_id}", "starred_url": a + "/starred{/owner}{/repo}",
            "subscriptions_url": a + "/subscriptions", "organizations_url": a + "/orgs",
            "repos_url": a + "/repos", "events_url": a + "/events{/privacy}",
            "received_events_url": a + "/received_events",
            "type": "Bot" if login.endswith("[bot]") else "User",
            "user_view_type": "public", "site_admin": False}


def minimal_repo(sim, u, repo):
    a = u.api + "/repos/" + repo["full_name"]
    r = {"id": repo["id"], "node_id": node_id("R", repo["id"]), "name": repo["name"],
         "full_name": repo["full_name"], "private": repo["private"],
         "owner": simple_user(sim, u, repo["owner"]),
         "html_url": u.html + "/" + repo["full_name"], "description": None, "fork": False,
         "url": a}
    for k, suffix in (
            ("forks_url", "/forks"), ("keys_url", "/keys{/key_id}"),
            ("collaborators_url", "/collaborators{/collaborator}"), ("teams_url", "/teams"),
            ("hooks_url", "/hooks"), ("issue_events_url", "/issues/events{/number}"),
            ("events_url", "/events"), ("assignees_url", "/assignees{/user}"),
            ("branches_url", "/branches{/branch}"), ("tags_url", "/tags"),
            ("blobs_url", "/git/blobs{/sha}"), ("git_tags_url", "/git/tags{/sha}"),
            ("git_refs_url", "/git/refs{/sha}"), ("trees_url", "/git/trees{/sha}"),
            ("statuses_url", "/statuses/{sha}"), ("languages_url", "/languages"),
            ("stargazers_url", "/stargazers"), ("contributors_url", "/contributors"),
            ("subscribers_url", "/subscribers"), ("subscription_url", "/subscription"),
            ("commits_url", "/commits{/sha}"), ("git_commits_url", "/git/commits{/sha}"),
            ("comments_url", "/comments{/number}"),
            ("issue_comment_url", "/issues/comments{/number}"),
            ("contents_url", "/contents/{+path}"), ("compare_url", "/compare/{base}...{head}"),
            ("merges_url", "/merges"), ("archive_url", "/{archive_format}{/ref}"),
            ("downloads_url", "/downloads"), ("issues_url", "/issues{/number}"),
            ("pulls_url", "/pulls{/number}"), ("milestones_url", "/milestones{/number}"),
            ("notifications_url", "/notifications{?since,all,participating}"),
            ("labels_url", "/labels{/name}"), ("releases_url", "/releases{/id}"),
            ("deployments_url", "/deployments")):
        r[k] = a + suffix
    return r


def full_repo(sim, u, repo, tok):
    r = minimal_repo(sim, u, repo)
    host = u.html.split("://", 1)[1]
    r.update({
        "created_at": "2024-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z",
        "pushed_at": "2026-01-02T03:04:05Z",
        "git_url": "git://%s/%s.git" % (host, repo["full_name"]),
        "ssh_url": "git@%s:%s.git" % (host, repo["full_name"]),
        "clone_url": "%s/%s.git" % (u.html, repo["full_name"]),
        "svn_url": "%s/%s" % (u.html, repo["full_name"]),
        "homepage": None, "size": 42, "stargazers_count": 0, "watchers_count": 0,
        "language": "HCL", "has_issues": True, "has_projects": False, "has_downloads": True,
        "has_wiki": False, "has_pages": False, "has_discussions": False,
        "forks_count": 0, "mirror_url": None, "archived": False, "disabled": False,
        "open_issues_count": 0, "license": None, "allow_forking": False,
        "is_template": False, "web_commit_signoff_required": False, "topics": [],
        "visibility": "private" if repo["private"] else "public",
        "forks": 0, "open_issues": 0, "watchers": 0,
        "default_branch": repo["default_branch"],
        "permissions": {"admin": False, "maintain": False,
                        "push": bool(tok and tok["write"]), "triage": bool(tok), "pull": True},
        "allow_squash_merge": True, "allow_merge_commit": True, "allow_rebase_merge": True,
        "allow_auto_merge": False, "delete_branch_on_merge": False,
        "allow_update_branch": False, "use_squash_pr_title_as_default": False,
        "squash_merge_commit_message": "COMMIT_MESSAGES",
        "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
        "merge_commit_message": "PR_TITLE", "merge_commit_title": "MERGE_MESSAGE",
        "network_count": 0, "subscribers_count": 1,
    })
    return r


def workflow_body(u, repo, wf):
    a = u.api + "/repos/" + repo["full_name"]
    path = ".github/workflows/" + wf["file"]
    return {"id": wf["id"], "node_id": node_id("W", wf["id"]), "name": wf["name"],
            "path": path, "state": wf["state"], "created_at": iso(wf["created"]),
            "updated_at": iso(wf["created"]), "url": a + "/actions/workflows/%d" % wf["id"],
            "html_url": "%s/%s/blob/%s/%s" % (u.html, repo["full_name"],
                                               repo["default_branch"], path),
            "badge_url": "%s/%s/workflows/%s/badge.svg" % (u.html, repo["full_name"],
                                                           urllib.parse.quote(wf["name"]))}


def run_body(sim, u, run, snap):
    repo = sim.repos[run["repo"]]
    wf = repo["workflows"][run["workflow"]]
    a = u.api + "/repos/" + repo["full_name"]
    ra = a + "/actions/runs/%d" % run["id"]
    mrepo = minimal_repo(sim, u, repo)
    actor = simple_user(sim, u, run["actor"])
    return {
        "id": run["id"], "name": wf["name"], "node_id": node_id("WFR", run["id"]),
        "head_branch": run["ref"], "head_sha": run["head_sha"],
        "path": ".github/workflows/%s@refs/heads/%s" % (wf["file"], run["ref"]),
        "display_title": run["title"], "run_number": run["number"],
        "event": "workflow_dispatch", "status": snap["status"],
        "conclusion": snap["conclusion"], "workflow_id": wf["id"],
        "check_suite_id": run["check_suite"], "check_suite_node_id": node_id("CS", run["check_suite"]),
        "url": ra, "html_url": "%s/%s/actions/runs/%d" % (u.html, repo["full_name"], run["id"]),
        "pull_requests": [], "created_at": iso(snap["created"]),
        "updated_at": iso(snap["updated"]), "actor": actor, "run_attempt": 1,
        "referenced_workflows": [], "run_started_at": iso(snap["started"]),
        "triggering_actor": actor, "jobs_url": ra + "/jobs", "logs_url": ra + "/logs",
        "check_suite_url": a + "/check-suites/%d" % run["check_suite"],
        "artifacts_url": ra + "/artifacts", "cancel_url": ra + "/cancel",
        "rerun_url": ra + "/rerun", "previous_attempt_url": None,
        "workflow_url": a + "/actions/workflows/%d" % wf["id"],
        "head_commit": {"id": run["head_sha"], "tree_id": hashlib.sha1(
            run["head_sha"].encode()).hexdigest(), "message": "Update infrastructure",
            "timestamp": iso(run["created"] - 3600),
            "author": {"name": "Mona Lisa", "email": "mona@example.com"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"}},
        "repository": mrepo, "head_repository": mrepo, "head_repository_id": repo["id"],
    }


def job_body(sim, u, run, jv):
    repo = sim.repos[run["repo"]]
    wf = repo["workflows"][run["workflow"]]
    a = u.api + "/repos/" + repo["full_name"]
    running = jv["status"] in ("in_progress", "completed") and jv["steps"]
    return {
        "id": jv["id"], "run_id": run["id"], "run_url": a + "/actions/runs/%d" % run["id"],
        "run_attempt": 1, "node_id": node_id("CR", jv["id"]), "head_sha": run["head_sha"],
        "url": a + "/actions/jobs/%d" % jv["id"],
        "html_url": "%s/%s/actions/runs/%d/job/%d" % (u.html, repo["full_name"], run["id"], jv["id"]),
        "status": jv["status"], "conclusion": jv["conclusion"],
        "created_at": iso(jv["created"]), "started_at": iso(jv["started"]),
        "completed_at": iso(jv["completed"]) if jv["completed"] is not None else None,
        "name": jv["name"], "steps": jv["steps"],
        "check_run_url": a + "/check-runs/%d" % jv["id"], "labels": ["ubuntu-latest"],
        "runner_id": 7 if running else None,
        "runner_name": "GitHub Actions 7" if running else None,
        "runner_group_id": 2 if running else None,
        "runner_group_name": "GitHub Actions" if running else None,
        "workflow_name": wf["name"], "head_branch": run["ref"],
    }


def error(status, message, doc=DOCS, **extra):
    body = {"message": message, "documentation_url": doc, "status": str(status)}
    body.update(extra)
    return status, body, {}


# ---- GitHub Apps: JWTs and installation tokens ------------------------------

APP_DOC = {
    "installation": DOCS + "/apps/apps#get-a-repository-installation-for-the-authenticated-app",
    "access_tokens": DOCS + "/apps/apps#create-an-installation-access-token-for-an-app",
}
APP_PATH = re.compile(r"/repos/[^/]+/[^/]+/installation|/app/installations/[^/]+/access_tokens")
JWT_MAX_AHEAD = 600     # GitHub refuses an exp further ahead than 10 minutes
TOKEN_LIFETIME = 3600   # installation tokens live one hour
PERM_LEVELS = {"read": 1, "write": 2, "admin": 3}
JWT_UNDECODABLE = "A JSON web token could not be decoded"


def sim_now(sim):
    """The simulator's clock: real time plus POST /_sim/clock's offset."""
    return time.time() + float(sim.clock["offset"])


def b64url_decode(s):
    if not re.fullmatch(r"[A-Za-z0-9_-]*", s):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def verify_rs256(pub_pem, data, sig):
    """Whether sig is an RSASSA-PKCS1-v1_5 SHA-256 signature of data by the
    public key pub_pem (openssl dgst: the standard library has no RSA)."""
    with tempfile.NamedTemporaryFile(prefix="ghsim-pub-", suffix=".pem") as pub, \
            tempfile.NamedTemporaryFile(prefix="ghsim-sig-") as s:
        pub.write(pub_pem.encode())
        pub.flush()
        s.write(sig)
        s.flush()
        p = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub.name,
                            "-signature", s.name], input=data, capture_output=True)
    return p.returncode == 0 and p.stdout.strip() == b"Verified OK"


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def app_jwt(sim, token):
    """The App a JWT proves: (app, None), or (None, GitHub's 401 message).
    RS256 with the App's public key; iss the App's ID (integer or string);
    exp in the future but at most 10 minutes ahead, iat not in the future,
    both on the simulator's clock."""
    if not token or token.count(".") != 2:
        return None, JWT_UNDECODABLE
    h64, c64, s64 = token.split(".")
    try:
        header = json.loads(b64url_decode(h64))
        claims = json.loads(b64url_decode(c64))
        sig = b64url_decode(s64)
    except ValueError:
        return None, JWT_UNDECODABLE
    if not isinstance(header, dict) or not isinstance(claims, dict) or \
            header.get("alg") != "RS256":
        return None, JWT_UNDECODABLE
    iss = claims.get("iss")
    app = sim.apps.get(int(iss)) if is_int(iss) or (isinstance(iss, str) and
                                                    iss.isdigit()) else None
    if app is None:
        return None, "Integration not found"
    if not verify_rs256(app["public_key_pem"], (h64 + "." + c64).encode(), sig):
        return None, JWT_UNDECODABLE
    now = sim_now(sim)
    exp, iat = claims.get("exp"), claims.get("iat")
    if not is_int(exp) or exp <= now:
        return None, ("'Expiration time' claim ('exp') must be a numeric value representing "
                      "the future time at which the assertion expires")
    if exp > now + JWT_MAX_AHEAD:
        return None, "'Expiration time' claim ('exp') is too far in the future"
    if not is_int(iat) or iat > now:
        return None, ("'Issued at' claim ('iat') must be an Integer representing the time "
                      "that the assertion was issued")
    return app, None


def app_add(sim, spec):
    """POST /_sim/apps: an App, its public key and its installations."""
    app_id = int(spec["app_id"])
    pem = spec["public_key_pem"]
    p = subprocess.run(["openssl", "pkey", "-pubin", "-noout"], input=pem.encode(),
                       capture_output=True)
    if p.returncode != 0 or "PRIVATE" in pem:
        raise ValueError("public_key_pem: not a PEM public key")
    slug = spec.get("slug") or "app-%d" % app_id
    sim.user(slug + "[bot]")
    insts = {}
    for i in spec.get("installations", []):
        account = i.get("account") or i["repos"][0].split("/", 1)[0]
        sim.next_id.setdefault("installation", 60000000)
        iid = int(i.get("id") or sim.new_id("installation"))
        sim.user(account)
        insts[iid] = {"id": iid, "account": account,
                      "repos": list(i.get("repos", [account + "/*"])),
                      "permissions": dict(i.get("permissions", {"actions": "write",
                                                                "metadata": "read"})),
                      "events": list(i.get("events", [])),
                      "target_type": i.get("target_type", "Organization"),
                      "created": time.time() - 86400 * 7}
    sim.apps[app_id] = {"id": app_id, "slug": slug, "public_key_pem": pem,
                        "client_id": "Iv1." + hashlib.sha1(str(app_id).encode()).hexdigest()[:16],
                        "installations": insts}
    return {"app_id": app_id, "slug": slug, "installations": sorted(insts)}


def app_covers(sim, inst, full):
    return full in sim.repos and any(fnmatch.fnmatchcase(full, p) for p in inst["repos"])


def installation_body(sim, u, app, inst):
    account = simple_user(sim, u, inst["account"])
    if inst["target_type"] == "Organization":
        account["type"] = "Organization"
    return {
        "id": inst["id"], "account": account,
        "repository_selection": "all" if any("*" in p for p in inst["repos"]) else "selected",
        "access_tokens_url": "%s/app/installations/%d/access_tokens" % (u.api, inst["id"]),
        "repositories_url": u.api + "/installation/repositories",
        "html_url": "%s/organizations/%s/settings/installations/%d" % (
            u.html, inst["account"], inst["id"]),
        "app_id": app["id"], "client_id": app["client_id"], "app_slug": app["slug"],
        "target_id": sim.user(inst["account"]), "target_type": inst["target_type"],
        "permissions": inst["permissions"], "events": inst["events"],
        "created_at": iso(inst["created"]), "updated_at": iso(inst["created"]),
        "single_file_name": None, "has_multiple_single_files": False,
        "single_file_paths": [], "suspended_by": None, "suspended_at": None,
    }


def mint_token(sim, u, app, inst, raw, doc):
    """POST /app/installations/{id}/access_tokens: (status, body).  The
    token is narrowed to repositories / repository_ids and permissions,
    never beyond the installation's (422 as GitHub answers), and becomes a
    token of the simulator, usable for an hour (on its clock)."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return error(400, "Problems parsing JSON", doc)[:2]
    if not isinstance(body, dict):
        return error(400, "Problems parsing JSON", doc)[:2]
    for k in body:
        if k not in ("repositories", "repository_ids", "permissions"):
            return error(422, 'Invalid request.\n\n"%s" is not a permitted key.' % k, doc)[:2]
    names, ids = body.get("repositories"), body.get("repository_ids")
    if names is not None and not (isinstance(names, list) and
                                  all(isinstance(n, str) for n in names)):
        return error(422, "Invalid request.\n\nFor 'properties/repositories', %s is not an "
                     "array of strings." % json.dumps(names), doc)[:2]
    if ids is not None and not (isinstance(ids, list) and all(is_int(i) for i in ids)):
        return error(422, "Invalid request.\n\nFor 'properties/repository_ids', %s is not an "
                     "array of integers." % json.dumps(ids), doc)[:2]
    unreachable = error(422, "There is at least one repository that does not exist or is not "
                        "accessible to the parent installation.", doc)[:2]
    selected = []
    for n in names or []:
        full = "%s/%s" % (inst["account"], n)
        if not app_covers(sim, inst, full):
            return unreachable
        selected.append(full)
    for i in ids or []:
        full = next((r["full_name"] for r in sim.repos.values() if r["id"] == i), None)
        if full is None or not app_covers(sim, inst, full):
            return unreachable
        selected.append(full)
    perms = body.get("permissions")
    if perms is None:
        perms = dict(inst["permissions"])
    if not isinstance(perms, dict):
        return error(422, "Invalid request.\n\nFor 'properties/permissions', %s is not an "
                     "object." % json.dumps(perms), doc)[:2]
    for k, v in perms.items():
        if v not in PERM_LEVELS:
            return error(422, "Invalid request.\n\nFor 'properties/%s', %s is not one of "
                         "[\"read\", \"write\"]." % (k, json.dumps(v)), doc)[:2]
        if PERM_LEVELS[v] > PERM_LEVELS.get(inst["permissions"].get(k), 0):
            return error(422, "The permissions requested are not granted to this "
                         "installation.", doc)[:2]
    sim.next_id.setdefault("app_token", 0)
    n = sim.new_id("app_token")
    token = "ghs_" + base64.b32encode(os.urandom(25)).decode().rstrip("=")[:36]
    expires = int(sim_now(sim)) + TOKEN_LIFETIME
    tok = sim.add_token({"token": token, "label": "app-%d-inst-%d-%d" % (app["id"], inst["id"], n),
                         "login": app["slug"] + "[bot]",
                         "repos": sorted(set(selected)) or list(inst["repos"]),
                         "write": perms.get("actions") == "write"})
    tok.update(expires=expires, permissions=perms, installation=inst["id"])
    out = {"token": token, "expires_at": iso(expires), "permissions": perms,
           "repository_selection": "selected" if selected else
           installation_body(sim, u, app, inst)["repository_selection"]}
    if selected:
        out["repositories"] = [full_repo(sim, u, sim.repos[f], tok) for f in sorted(set(selected))]
    return 201, out


def app_answer(h, method, path, raw, u, hdrs):
    """The App endpoints, authenticated by the App's JWT: answer()'s
    (status, body, headers, counted, token); token is {"label":"app:ID"}
    for the log, None for a JWT refused."""
    sim = h.sim
    mrepo = re.fullmatch(r"/repos/([^/]+)/([^/]+)/installation", path)
    doc = APP_DOC["installation" if mrepo else "access_tokens"]
    app, why = app_jwt(sim, h.bearer())
    label = "app:%d" % app["id"] if app else "(anonymous)"
    sim.bucket(label)["used"] += 1
    hdrs.update(h.rate_headers({}, label))
    tok = {"label": label} if app else None
    if app is None:
        return 401, {"message": why, "documentation_url": doc, "status": "401"}, hdrs, True, tok
    if mrepo and method == "GET":
        full = "%s/%s" % (urllib.parse.unquote(mrepo.group(1)),
                          urllib.parse.unquote(mrepo.group(2)))
        inst = next((i for i in app["installations"].values() if app_covers(sim, i, full)), None)
        if inst is None:
            return error(404, "Not Found", doc)[:2] + (hdrs, True, tok)
        body = installation_body(sim, u, app, inst)
        hdrs["ETag"] = 'W/"%s"' % hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        hdrs["Cache-Control"] = "private, max-age=60, s-maxage=60"
        return 200, body, hdrs, True, tok
    mi = re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)
    inst = app["installations"].get(int(mi.group(1))) if mi else None
    if inst is None or method != "POST":
        return error(404, "Not Found", doc)[:2] + (hdrs, True, tok)
    return mint_token(sim, u, app, inst, raw, doc) + (hdrs, True, tok)


# ---- the HTTP side ----------------------------------------------------------

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "github.com"
    sys_version = ""
    sim = None  # set in main()

    def log_message(self, *args):
        pass

    def version_string(self):
        return "github.com"

    def date_time_string(self, timestamp=None):
        """Date on the simulator's clock (POST /_sim/clock)."""
        if timestamp is None:
            c = self.sim.clock
            timestamp = time.time() + float(c["offset"] if c["date"] is None else c["date"])
        return http.server.BaseHTTPRequestHandler.date_time_string(self, timestamp)

    # -- plumbing

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, body=None, headers=None, raw=None, ctype=None):
        if raw is None and body is not None:
            raw = (json.dumps(body, indent=2) + "\n").encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        if raw is not None:
            self.send_header("Content-Type", ctype or "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
        elif status not in (204, 304):
            self.send_header("Content-Length", "0")
        self.end_headers()
        if raw is not None and self.command != "HEAD":
            self.wfile.write(raw)

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_PUT(self):
        self.dispatch("PUT")

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        raw = self.read_body()
        if url.path in ("/_actions/idtoken", "/_sim/oidc"):
            try:
                status, body = OIDC.handle(self.sim, self.headers, method, url, raw)
            except (ValueError, KeyError, TypeError) as e:
                status, body = 400, {"error": "%s: %s" % (type(e).__name__, e)}
            self.send(status, body)
            return
        if url.path.startswith("/_sim/"):
            try:
                status, body = self.admin(method, url, raw)
            except (ValueError, KeyError, TypeError) as e:
                status, body = 400, {"error": "%s: %s" % (type(e).__name__, e)}
            self.send(status, body)
            return
        self.api(method, url, raw)

    # -- the API

    def api(self, method, url, raw):
        sim = self.sim
        path = url.path
        prefix = ""
        if path.startswith("/api/v3/") or path == "/api/v3":
            prefix, path = "/api/v3", path[len("/api/v3"):] or "/"
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        self.created_run = None
        u = Urls(self.headers.get("Host", "127.0.0.1"), prefix)
        entry = {"method": method, "path": path, "query": query,
                 "if_none_match": self.headers.get("If-None-Match"),
                 "accept": self.headers.get("Accept"),
                 "api_version": self.headers.get("X-GitHub-Api-Version"),
                 "user_agent": self.headers.get("User-Agent"),
                 "content_type": self.headers.get("Content-Type"),
                 "conn": self.headers.get("x-ghsim-conn") or "%s:%d" % self.client_address,
                 "t": time.time()}
        if raw:
            try:
                entry["body"] = json.loads(raw)
            except ValueError:
                entry["body_raw"] = raw.decode(errors="replace")[:2000]
        with sim.lock:
            fault = self.take_fault(method, path)
        entry["fault"] = fault["kind"] if fault else None
        if fault and fault["kind"] == "slow":
            time.sleep(float(fault.get("delay", 2)))
        if fault and not fault.get("after") and fault["kind"] in ("status", "secondary", "drop",
                                                                   "reset", "raw"):
            self.do_fault(fault, entry, None)
            return
        with sim.lock:
            status, body, headers, counted, tok = self.answer(method, path, query, raw, u, fault)
            entry.update(status=status, counted=counted,
                         token=tok["label"] if tok else self.token_label(),
                         etag=headers.get("ETag"))
            if "x-ratelimit-remaining" in headers:
                entry["remaining"] = int(headers["x-ratelimit-remaining"])
            if self.created_run is not None:
                entry["run_id"] = self.created_run
        if fault and fault.get("after") and fault["kind"] in ("status", "secondary", "drop",
                                                               "reset"):
            self.do_fault(fault, entry, headers)
            return
        raw_out = None
        if fault and fault["kind"] == "malformed" and body is not None:
            whole = (json.dumps(body, indent=2) + "\n").encode()
            raw_out = whole[:len(whole) // 2]
            entry["status"] = status
        self.record(entry)
        if raw_out is not None:
            headers["x-ghsim-fault"] = "malformed"
            self.send(status, headers=headers, raw=raw_out)
        else:
            self.send(status, body, headers)

    def token_label(self):
        auth = self.headers.get("Authorization")
        return None if not auth else "(bad)"

    def record(self, entry):
        with self.sim.lock:
            self.sim.seq += 1
            entry["seq"] = self.sim.seq
            self.sim.log.append(entry)
            if self.sim.logfile:
                self.sim.logfile.write(json.dumps(entry) + "\n")
                self.sim.logfile.flush()

    def take_fault(self, method, path):
        for f in self.sim.faults:
            if f.get("method") and f["method"] != method:
                continue
            if f.get("path") and not re.search(f["path"], path):
                continue
            if f.get("skip", 0) > 0:
                f["skip"] -= 1
                continue
            if f.get("count", 1) <= 0:
                continue
            f["count"] = f.get("count", 1) - 1
            f["fired"] = f.get("fired", 0) + 1
            return dict(f)
        return None

    def do_fault(self, fault, entry, headers):
        kind = fault["kind"]
        if not fault.get("after"):
            entry["counted"] = False
        if kind in ("drop", "reset"):
            entry["status"] = None
            self.record(entry)
            self.close_connection = True
            try:
                if kind == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                else:
                    self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        hdrs = self.common_headers()
        if kind == "raw":
            # Deliberately unmarked: the validator's own tests use it.
            entry["status"] = int(fault.get("status", 200))
            self.record(entry)
            hdrs.update(fault.get("headers", {}))
            self.send(entry["status"], fault.get("body"), hdrs)
            return
        # Marks the answer for validate-proxy.js, which strips the header.
        hdrs["x-ghsim-fault"] = kind
        if kind == "secondary":
            status = int(fault.get("status", 403))
            hdrs.update(self.rate_headers(entry))
            hdrs["retry-after"] = str(int(fault.get("retry_after", 1)))
            body = {"message": "You have exceeded a secondary rate limit. Please wait a few "
                    "minutes before you try again. If you reach out to GitHub Support for help, "
                    "please include the request ID %s." % hdrs["X-GitHub-Request-Id"],
                    "documentation_url": SECONDARY_DOC, "status": str(status)}
            entry["status"] = status
            self.record(entry)
            self.send(status, body, hdrs)
            return
        status = int(fault.get("status", 502))
        entry["status"] = status
        self.record(entry)
        if status == 502 and "body" not in fault:
            self.send(status, headers=hdrs, raw=UNICORN.encode(), ctype="text/html")
            return
        body = fault.get("body") or {"message": "Server Error", "documentation_url": DOCS,
                                     "status": str(status)}
        self.send(status, body, hdrs)

    def common_headers(self):
        return {"X-GitHub-Api-Version-Selected": API_VERSION,
                "X-GitHub-Media-Type": "github.v3; format=json",
                "X-GitHub-Request-Id": "%04X:%04X:%06X:%06X:%08X" % (
                    os.getpid() & 0xFFFF, threading.get_ident() & 0xFFFF,
                    self.sim.seq & 0xFFFFFF, int(time.time() * 1000) & 0xFFFFFF,
                    int(time.time())),
                "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, "
                        "Accept, X-Requested-With",
                "X-Content-Type-Options": "nosniff", "X-Frame-Options": "deny"}

    def rate_headers(self, entry, label=None):
        label = label or entry.get("token") or self.tok_label_from_header()
        b = self.sim.bucket(label)
        return {"x-ratelimit-limit": str(b["limit"]),
                "x-ratelimit-remaining": str(max(0, b["limit"] - b["used"])),
                "x-ratelimit-reset": str(int(b["reset"])),
                "x-ratelimit-used": str(min(b["used"], b["limit"])),
                "x-ratelimit-resource": "core"}

    def tok_label_from_header(self):
        tok = self.sim.tokens.get(self.bearer() or "")
        return tok["label"] if tok else "(anonymous)"

    def bearer(self):
        auth = self.headers.get("Authorization") or ""
        m = re.fullmatch(r"(?i)(?:bearer|token)\s+(\S+)", auth.strip())
        return m.group(1) if m else None

    def answer(self, method, path, query, raw, u, fault):
        """Returns (status, body, headers, counted, token)."""
        sim = self.sim
        hdrs = self.common_headers()
        if APP_PATH.fullmatch(path):
            return app_answer(self, method, path, raw, u, hdrs)
        auth = self.headers.get("Authorization")
        tok = None
        if auth:
            tok = sim.tokens.get(self.bearer() or "")
            if tok is not None and tok.get("expires") is not None and \
                    sim_now(sim) >= tok["expires"]:
                tok = None  # an installation token past its hour
            if tok is None:
                b = sim.bucket("(anonymous)")
                b["used"] += 1
                hdrs.update(self.rate_headers({}, "(anonymous)"))
                return (401, {"message": "Bad credentials", "documentation_url": DOCS,
                              "status": "401"}, hdrs, True, None)
        label = tok["label"] if tok else "(anonymous)"
        b = sim.bucket(label)
        free = path == "/rate_limit"
        if not free and b["used"] >= b["limit"]:
            hdrs.update(self.rate_headers({}, label))
            st = int(sim.config["rate_status"])
            msg = ("API rate limit exceeded for user ID %d. If you reach out to GitHub Support "
                   "for help, please include the request ID %s and timestamp %s." % (
                       sim.user(tok["login"]), hdrs["X-GitHub-Request-Id"],
                       time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))) if tok else \
                "API rate limit exceeded for 127.0.0.1. (But here's the good news: " \
                "Authenticated requests get a higher rate limit. Check out the " \
                "documentation for more details.)"
            return (st, {"message": msg, "documentation_url": RATE_DOC, "status": str(st)},
                    hdrs, False, tok)
        status, body, extra = self.route(method, path, query, raw, u, tok, fault)
        hdrs.update(extra)
        counted = not free
        if status == 200 and method == "GET" and body is not None:
            etag = 'W/"%s"' % hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
            hdrs["ETag"] = etag
            hdrs["Cache-Control"] = "private, max-age=60, s-maxage=60"
            inm = self.headers.get("If-None-Match")
            if inm and etag_match(inm, etag):
                status, body = 304, None
                if tok is not None:
                    counted = False
        if counted:
            b["used"] += 1
        hdrs.update(self.rate_headers({}, label))
        return status, body, hdrs, counted, tok

    def route(self, method, path, query, raw, u, tok, fault):
        sim = self.sim
        if path == "/rate_limit" and method == "GET":
            b = sim.bucket(tok["label"] if tok else "(anonymous)")
            core = {"limit": b["limit"], "used": min(b["used"], b["limit"]),
                    "remaining": max(0, b["limit"] - b["used"]), "reset": int(b["reset"])}
            later = int(time.time()) + 3600
            res = {"core": core}
            for k, lim in (("search", 30), ("graphql", 5000), ("integration_manifest", 5000),
                           ("source_import", 100), ("code_scanning_upload", 1000),
                           ("actions_runner_registration", 10000), ("scim", 15000),
                           ("dependency_snapshots", 100), ("code_search", 10)):
                res[k] = {"limit": lim, "used": 0, "remaining": lim,
                          "reset": later if k != "search" else int(time.time()) + 60}
            return 200, {"resources": res, "rate": core}, {}
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if not m:
            return error(404, "Not Found")
        full = "%s/%s" % (urllib.parse.unquote(m.group(1)), urllib.parse.unquote(m.group(2)))
        rest = m.group(3) or ""
        if not sim.sees(tok, full):
            doc = DOC["repo"]
            if rest.endswith("/dispatches"):
                doc = DOC["dispatch"]
            elif "/runs" in rest:
                doc = DOC["run"] if re.search(r"/runs/\d+$", rest) else DOC["runs"]
            return error(404, "Not Found", doc)
        repo = sim.repos[full]
        if rest == "" and method == "GET":
            return 200, full_repo(sim, u, repo, tok), {}
        mw = re.fullmatch(r"/actions/workflows/([^/]+)(/dispatches|/runs)?", rest)
        if mw:
            wf = sim.workflow(repo, urllib.parse.unquote(mw.group(1)))
            what = mw.group(2) or ""
            if wf is None:
                return error(404, "Not Found", DOC[{"": "workflow", "/dispatches": "dispatch",
                                                     "/runs": "runs"}[what]])
            if what == "" and method == "GET":
                return 200, workflow_body(u, repo, wf), {}
            if what == "/dispatches" and method == "POST":
                return self.dispatch_workflow(repo, wf, raw, u, tok, fault)
            if what == "/runs" and method == "GET":
                return self.list_runs(repo, wf, query, u)
            return error(404, "Not Found")
        mr = re.fullmatch(r"/actions/runs/(\d+)(/jobs|/cancel|/pending_deployments)?", rest)
        if mr:
            run = sim.runs.get(int(mr.group(1)))
            what = mr.group(2) or ""
            if run is None or run["repo"] != full or run["hidden"]:
                return error(404, "Not Found", DOC[{"": "run", "/jobs": "jobs",
                                                     "/cancel": "cancel",
                                                     "/pending_deployments": "pending"}[what]])
            now = time.time()
            if what == "" and method == "GET":
                body = run_body(sim, u, run, snapshot(run, now, sim.config["run_updates"]))
                return 200, body, {}
            if what == "/jobs" and method == "GET":
                return self.list_jobs(run, query, u, now)
            if what == "/cancel" and method == "POST":
                if tok is None or not tok["write"]:
                    return error(403, "Resource not accessible by personal access token",
                                 DOC["cancel"])
                snap = snapshot(run, now, sim.config["run_updates"])
                if snap["status"] == "completed" or run["cancel_at"] is not None:
                    return error(409, "Cannot cancel a workflow run that is completed.",
                                 DOC["cancel"])
                run["cancel_at"] = now + sim.config["cancel_delay"] / run["scale"]
                run["cancel_requested"] = now
                return 202, {}, {}
            if what == "/pending_deployments" and method == "GET":
                return 200, self.pending(run, u, now, tok), {}
        return error(404, "Not Found")

    def dispatch_workflow(self, repo, wf, raw, u, tok, fault):
        sim = self.sim
        doc = DOC["dispatch"]
        if tok is None:
            return error(401, "Requires authentication", doc)
        if not tok["write"]:
            return error(403, "Resource not accessible by personal access token", doc)
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return error(400, "Problems parsing JSON", doc)
        if not isinstance(body, dict):
            return error(400, "Problems parsing JSON", doc)
        mode = sim.config["mode"]
        if "return_run_details" in body and mode in ("ghes400", "ghes422"):
            return error(400 if mode == "ghes400" else 422,
                         'Invalid request.\n\n"return_run_details" is not a permitted key.', doc)
        allowed = {"ref", "inputs", "return_run_details"}
        for k in body:
            if k not in allowed:
                return error(422, 'Invalid request.\n\n"%s" is not a permitted key.' % k, doc)
        if "ref" not in body:
            return error(422, 'Invalid request.\n\n"ref" wasn\'t supplied.', doc)
        ref = body["ref"]
        inputs = body.get("inputs") or {}
        if not isinstance(ref, str) or not isinstance(inputs, dict):
            return error(422, "Invalid request.\n\nFor 'properties/%s', %s is not %s." % (
                ("ref", json.dumps(ref), "a string") if not isinstance(ref, str) else
                ("inputs", json.dumps(inputs), "an object")), doc)
        # (message wording for the two size limits not verified against GitHub)
        if len(inputs) > 25:
            return error(422, "Invalid request.\n\nFor 'properties/inputs', the object has "
                         "%d properties, more than the maximum of 25." % len(inputs), doc)
        if len(json.dumps(inputs)) > 65535:
            return error(422, "inputs are too large.", doc)
        short = re.sub(r"^refs/(heads|tags)/", "", ref)
        if short not in repo["branches"] and short not in repo["tags"]:
            return error(422, "No ref found for: %s" % ref, doc)
        if wf["state"] != "active":
            return error(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow", doc)
        if not wf["dispatch"]:
            return error(422, "Workflow does not have 'workflow_dispatch' trigger", doc)
        unexpected = [k for k in inputs if k not in wf["inputs"]]
        if unexpected:
            return error(422, "Unexpected inputs provided: %s" % json.dumps(unexpected), doc)
        for name, spec in wf["inputs"].items():
            if spec.get("required") and name not in inputs and "default" not in spec:
                return error(422, "Required input '%s' not provided" % name, doc)
        values = {}
        for name, v in inputs.items():
            sv = v if isinstance(v, str) else json.dumps(v)
            spec = wf["inputs"][name]
            if spec.get("type") == "choice" and sv not in spec.get("options", []):
                return error(422, "Provided value '%s' for input '%s' not in the list of "
                             "allowed values" % (sv, name), doc)
            if spec.get("type") == "boolean" and sv not in ("true", "false"):
                return error(422, "Provided value '%s' for input '%s' is not a valid boolean"
                             % (sv, name), doc)
            values[name] = sv
        hidden = bool(fault and fault["kind"] == "vanish")
        run = sim.create_run(repo, wf, short, values, tok["login"], hidden=hidden)
        self.created_run = run["id"]
        if fault and fault["kind"] == "concurrent":
            other = sim.create_run(repo, wf, short, {k: str(v) for k, v in
                                                     fault.get("inputs", {}).items()},
                                   fault.get("actor", "someone-else"))
            other["created"] = run["created"] + float(fault.get("offset", 0))
        if body.get("return_run_details") is True and mode == "dotcom":
            return 200, {"workflow_run_id": run["id"],
                         "run_url": "%s/repos/%s/actions/runs/%d" % (u.api, repo["full_name"],
                                                                     run["id"]),
                         "html_url": "%s/%s/actions/runs/%d" % (u.html, repo["full_name"],
                                                                run["id"])}, {}
        return 204, None, {}

    def list_runs(self, repo, wf, query, u):
        sim = self.sim
        now = time.time()
        lag = float(sim.config["list_lag"])
        runs = [r for r in sim.runs.values()
                if r["repo"] == repo["full_name"] and r["workflow"] == wf["id"]
                and not r["hidden"] and r["created"] + lag <= now]
        pred = created_filter(query["created"]) if query.get("created") else None
        if query.get("created") and pred is None:
            runs = []
        out = []
        for r in runs:
            snap = snapshot(r, now, sim.config["run_updates"])
            if query.get("event") and query["event"] != "workflow_dispatch":
                continue
            if query.get("branch") and query["branch"] != r["ref"]:
                continue
            if query.get("actor") and query["actor"] != r["actor"]:
                continue
            if query.get("head_sha") and query["head_sha"] != r["head_sha"]:
                continue
            st = query.get("status")
            if st and not (snap["status"] == st if st in RUN_STATUSES else snap["conclusion"] == st):
                continue
            if pred and not pred(int(r["created"])):
                continue
            out.append((r, snap))
        out.sort(key=lambda x: (x[0]["created"], x[0]["id"]), reverse=True)
        page, per_page, link = paginate(query, len(out), u, self.path)
        items = out[(page - 1) * per_page: page * per_page]
        body = {"total_count": len(out),
                "workflow_runs": [run_body(sim, u, r, s) for r, s in items]}
        return 200, body, ({"Link": link} if link else {})

    def list_jobs(self, run, query, u, now):
        snap = snapshot(run, now, self.sim.config["run_updates"])
        jobs = snap["jobs"]
        page, per_page, link = paginate(query, len(jobs), u, self.path)
        items = jobs[(page - 1) * per_page: page * per_page]
        body = {"total_count": len(jobs), "jobs": [job_body(self.sim, u, run, j) for j in items]}
        return 200, body, ({"Link": link} if link else {})

    def pending(self, run, u, now, tok):
        sim = self.sim
        snap = snapshot(run, now, sim.config["run_updates"])
        out = []
        seen = set()
        for j in snap["jobs"]:
            env = j.get("environment")
            if j["status"] != "waiting" or not env or env in seen:
                continue
            seen.add(env)
            eid = int(hashlib.sha1(env.encode()).hexdigest()[:8], 16)
            a = "%s/repos/%s/environments/%s" % (u.api, run["repo"], urllib.parse.quote(env))
            out.append({
                "environment": {"id": eid, "node_id": node_id("EN", eid), "name": env, "url": a,
                                "html_url": "%s/%s/deployments/activity_log?environments_filter=%s"
                                % (u.html, run["repo"], urllib.parse.quote(env))},
                "wait_timer": 0, "wait_timer_started_at": iso(j["waiting_from"]),
                "current_user_can_approve": False,
                "reviewers": [{"type": "User", "reviewer": simple_user(sim, u, "release-manager")}]})
        return out

    # -- the admin API

    def admin(self, method, url, raw):
        sim = self.sim
        path = url.path[len("/_sim"):]
        query = dict(urllib.parse.parse_qsl(url.query))
        req = json.loads(raw) if raw else {}
        with sim.lock:
            if path == "/health":
                return 200, {"ok": True, "port": self.server.server_address[1]}
            if path == "/apps" and method == "POST":
                return 200, app_add(sim, req)
            if path == "/clock" and method == "POST":
                sim.clock.update({k: None if req[k] is None else float(req[k])
                                  for k in ("offset", "date") if k in req})
                sim.clock["offset"] = sim.clock["offset"] or 0.0
                return 200, sim.clock
            if path == "/config" and method == "POST":
                for k in ("mode", "time_scale", "list_lag", "rate_status", "cancel_delay",
                          "run_updates"):
                    if k in req:
                        sim.config[k] = req[k] if k in ("mode", "run_updates") else float(req[k])
                if sim.config["mode"] not in ("dotcom", "legacy204", "ghes400", "ghes422"):
                    raise ValueError("mode: dotcom, legacy204, ghes400 or ghes422")
                if sim.config["run_updates"] not in ("status", "jobs", "steps"):
                    raise ValueError("run_updates: status, jobs or steps")
                return 200, sim.config
            if path == "/config":
                return 200, sim.config
            if path == "/tokens" and method == "POST":
                tok = sim.add_token(req)
                return 200, {"label": tok["label"]}
            if path == "/rate_limit" and method == "POST":
                label = req.get("label") or sim.tokens[req["token"]]["label"]
                b = sim.set_bucket(label, req)
                return 200, dict(b, remaining=b["limit"] - b["used"])
            if path == "/repos" and method == "POST":
                repo = sim.add_repo(req)
                return 200, {"full_name": repo["full_name"], "id": repo["id"],
                             "workflows": {w["file"]: w["id"] for w in repo["workflows"].values()}}
            if path == "/scripts" and method == "POST":
                repo = sim.repos[req["repo"]]
                wf = sim.workflow(repo, str(req["workflow"]))
                sim.scripts.setdefault((repo["full_name"], wf["id"]), []).extend(req["scripts"])
                return 200, {"queued": len(sim.scripts[(repo["full_name"], wf["id"])])}
            if path == "/faults" and method == "POST":
                rules = req.get("rules", [req] if "kind" in req else [])
                for r in rules:
                    r.setdefault("count", 1)
                sim.faults.extend(rules)
                return 200, {"faults": len(sim.faults)}
            if path == "/faults" and method == "DELETE":
                sim.faults.clear()
                return 200, {"faults": 0}
            if path == "/faults":
                return 200, {"faults": sim.faults}
            if path == "/dispatch" and method == "POST":
                repo = sim.repos[req["repo"]]
                wf = sim.workflow(repo, str(req["workflow"]))
                run = sim.create_run(repo, wf, req.get("ref", repo["default_branch"]),
                                     {k: str(v) for k, v in req.get("inputs", {}).items()},
                                     req.get("actor", "someone-else"))
                if "created_offset" in req:
                    run["created"] += float(req["created_offset"])
                return 200, {"run_id": run["id"]}
            m = re.fullmatch(r"/runs/(\d+)(?:/(approve|reject))?", path)
            if m:
                run = sim.runs[int(m.group(1))]
                now = time.time()
                if m.group(2):
                    env = req.get("environment") or next(
                        (j["environment"] for j in run["script"].get("jobs", [])
                         if j.get("environment")), None)
                    (run["approvals"] if m.group(2) == "approve" else run["rejections"])[env] = now
                rp, jobs = timeline(run)
                snap = snapshot(run, now, sim.config["run_updates"])
                return 200, {"id": run["id"], "repo": run["repo"], "status": snap["status"],
                             "conclusion": snap["conclusion"], "created": run["created"],
                             "started": rp["start"], "completed": rp["end"],
                             "cancel_requested": run.get("cancel_requested"),
                             "cancel_at": run["cancel_at"], "title": run["title"],
                             "actor": run["actor"], "inputs": run["inputs"],
                             "output": run["output"],
                             "jobs": [{"name": j["name"], "start": j["start"], "end": j["end"],
                                       "conclusion": j["conclusion"],
                                       "steps": [dict(s) for s in j["steps"]]} for j in jobs]}
            if path == "/runs":
                return 200, {"runs": sorted(sim.runs)}
            if path == "/log":
                since = int(query.get("since", 0))
                entries = [e for e in sim.log if e["seq"] > since]
                return 200, {"entries": entries, "next": sim.seq}
            if path == "/reset" and method == "POST":
                sim.runs.clear()
                sim.log.clear()
                sim.faults.clear()
                sim.scripts.clear()
                return 200, {"ok": True}
        return 404, {"error": "no such admin endpoint: %s %s" % (method, url.path)}


def etag_match(header, etag):
    if header.strip() == "*":
        return True
    weak = etag[2:] if etag.startswith("W/") else etag
    for tag in header.split(","):
        t = tag.strip()
        t = t[2:] if t.startswith("W/") else t
        if t == weak:
            return True
    return False


def paginate(query, total, u, raw_path):
    """(page, per_page, Link header or None) as GitHub pages lists."""
    try:
        per_page = min(100, max(1, int(query.get("per_page", 30))))
    except ValueError:
        per_page = 30
    try:
        page = max(1, int(query.get("page", 1)))
    except ValueError:
        page = 1
    last = max(1, -(-total // per_page))
    if last == 1:
        return page, per_page, None
    split = urllib.parse.urlsplit(raw_path)

    def href(p):
        q = [(k, v) for k, v in urllib.parse.parse_qsl(split.query, keep_blank_values=True)
             if k != "page"]
        q.append(("page", str(p)))
        return "<%s%s?%s>" % (u.html, split.path, urllib.parse.urlencode(q))

    rels = []
    if page > 1:
        rels.append('%s; rel="prev"' % href(page - 1))
    if page < last:
        rels.append('%s; rel="next"' % href(page + 1))
        rels.append('%s; rel="last"' % href(last))
    if page > 1:
        rels.append('%s; rel="first"' % href(1))
    return page, per_page, ", ".join(rels)


# ---- GitHub Actions OIDC tokens: the runtime's endpoint, not the REST API ----

OIDC_ISSUER = "https://token.actions.githubusercontent.com"
OIDC_TTL = 300          # GitHub's tokens last 5 minutes
OIDC_NBF_SKEW = 600     # ... and are valid from 10 minutes before iat


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Oidc:
    """GET /_actions/idtoken (ACTIONS_ID_TOKEN_REQUEST_URL) and its admin
    side, POST/GET /_sim/oidc.  Request tokens and their jobs are registered
    by tests; JWTs are RS256-signed by openssl with a key generated on first
    use, kept in memory (written to a private temporary file only while
    openssl signs)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.jobs = {}     # request token -> registration
        self.key_pem = None
        self.public_pem = None
        self.kid = None
        self.log = []      # {"audience", "known", "status"} per token request

    def ensure_key(self):
        with self.lock:
            if self.key_pem is None:
                key = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA",
                                      "-pkeyopt", "rsa_keygen_bits:2048"],
                                     check=True, capture_output=True).stdout
                pub = subprocess.run(["openssl", "pkey", "-pubout"], input=key,
                                     check=True, capture_output=True).stdout
                self.key_pem, self.public_pem = key, pub.decode()
                self.kid = hashlib.sha1(pub).hexdigest().upper()

    def sign(self, data):
        self.ensure_key()
        with tempfile.NamedTemporaryFile(prefix="ghsim-oidc-", suffix=".pem") as k:
            k.write(self.key_pem)
            k.flush()
            return subprocess.run(["openssl", "dgst", "-sha256", "-sign", k.name],
                                  input=data, check=True, capture_output=True).stdout

    def jwt(self, sim, job, audience):
        now = int(sim_now(sim))
        repo = job["repository"]
        owner = repo.split("/")[0]
        ref = job.get("ref") or "refs/heads/main"
        env = job.get("environment")
        sub = job.get("sub") or ("repo:%s:environment:%s" % (repo, env) if env
                                 else "repo:%s:ref:%s" % (repo, ref))
        claims = {"jti": hashlib.sha256(os.urandom(16)).hexdigest()[:32],
                  "sub": sub, "aud": audience or "https://github.com/" + owner,
                  "ref": ref, "ref_type": "tag" if ref.startswith("refs/tags/") else "branch",
                  "repository": repo, "repository_owner": owner,
                  "run_id": str(job.get("run_id", "1")),
                  "run_number": str(job.get("run_number", "1")), "run_attempt": "1",
                  "actor": job.get("actor", "deploy-bot"),
                  "event_name": job.get("event_name", "push"),
                  "workflow": job.get("workflow", "Deploy"),
                  "iss": OIDC_ISSUER, "nbf": now - OIDC_NBF_SKEW,
                  "exp": now + OIDC_TTL, "iat": now}
        if env:
            claims["environment"] = env
        self.ensure_key()
        head = {"typ": "JWT", "alg": "RS256", "x5t": b64url(bytes.fromhex(self.kid)),
                "kid": self.kid}
        signing = (b64url(json.dumps(head, separators=(",", ":")).encode()) + "." +
                   b64url(json.dumps(claims, separators=(",", ":")).encode()))
        return signing + "." + b64url(self.sign(signing.encode()))

    def handle(self, sim, headers, method, url, raw):
        """(status, body) for one request to /_actions/idtoken or /_sim/oidc."""
        if url.path == "/_sim/oidc":
            if method == "POST":
                req = json.loads(raw or b"{}")
                if not req.get("request_token") or "/" not in req.get("repository", ""):
                    raise ValueError("request_token and repository (owner/repo) are required")
                with self.lock:
                    self.jobs[req["request_token"]] = dict(req, fail=list(req.get("fail", [])))
                return 200, {"ok": True}
            self.ensure_key()
            with self.lock:
                return 200, {"issuer": OIDC_ISSUER, "kid": self.kid,
                             "public_key_pem": self.public_pem, "log": list(self.log)}
        if method != "GET":
            return 405, {"message": "Method not allowed"}
        m = re.fullmatch(r"(?i)bearer\s+(\S+)", (headers.get("Authorization") or "").strip())
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        audience = query.get("audience") or None
        with self.lock:
            job = self.jobs.get(m.group(1)) if m else None
            fail = job["fail"].pop(0) if job and job["fail"] else None
            status = 401 if job is None else int(fail) if fail else 200
            self.log.append({"audience": audience, "known": job is not None,
                             "status": status})
        if job is None:
            return 401, {"message": "Unauthorized: the request token is not valid"}
        if fail:
            return status, {"message": "Server Error"}
        return 200, {"count": 1, "value": self.jwt(sim, job, audience)}


OIDC = Oidc()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--time-scale", type=float, default=1.0)
    ap.add_argument("--log", help="append each API request's log entry here, one JSON line")
    ap.add_argument("--config", help="JSON: {config, tokens, repos}")
    args = ap.parse_args()
    sim = Sim(args.time_scale)
    if args.config:
        with open(args.config) as f:
            cfg = json.load(f)
        sim.config.update(cfg.get("config", {}))
        for t in cfg.get("tokens", []):
            sim.add_token(t)
        for r in cfg.get("repos", []):
            sim.add_repo(r)
    if args.log:
        sim.logfile = open(args.log, "a")
    Handler.sim = sim
    threading.Thread(target=ticker, args=(sim,), daemon=True).start()
    srv = Server(("127.0.0.1", args.port), Handler)
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
