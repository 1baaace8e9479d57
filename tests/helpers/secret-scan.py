#!/usr/bin/env python3
"""secret-scan.py: find known secrets (canaries) where they must not be.

    secret-scan.py --canaries DIR [--allow-list FILE] [--count-execs] PATH...

DIR holds one file per canary: its name is the canary's name, its content
the secret (a trailing newline is not part of it).  A canary whose value
holds a PEM block ("-----BEGIN ... PRIVATE KEY-----") is looked for by the
base64 lines of its body, each one alone.

Each PATH is a file or a folder (every regular file under it).  A file is
read as one of three kinds:
  NAME.strace  strace -f -e trace=execve,execveat -s BIG output: every
               argument list is decoded (C escapes) and searched; an
               argument list strace abbreviated is itself a finding
  NAME.out, NAME.err (next to NAME.strace)
               a captured stdout/stderr (a job's log): a line that is
               exactly "::add-mask::SECRET" is allowed.  When NAME.actions
               exists (the run was in GitHub Actions), a secret allowed on
               a line (see below) must have been masked before: by a mask
               line earlier in the same file, or in NAME.err / NAME.out
  anything else  a file written by a tool or by make

Each canary is looked for in these forms: as it is; URL-encoded (upper and
lower case hex, + for space); JSON-escaped (\\/ and \\n); hex; base64 and
base64url at every alignment (the characters that depend on the secret
alone, so that it is found inside a longer base64 text, such as the
base64 of "AWS:" + password that Docker's auth files hold); and every
16-character piece of it, so that a secret cut short is found too.  Also
anything that looks like a JWT (eyJ....eyJ...) or a PEM private key.

--allow-list FILE: lines "GLOB CANARY-GLOB@RULE": in files whose path
matches GLOB (fnmatch, on the whole path), a canary matching CANARY-GLOB
may appear in the one place RULE names, and nowhere else:
  line          a whole line that is the secret (--password, --token)
  json:KEY      the value of top-level KEY of a JSON object (a line, or the
                whole file)
  urlparam:KEY  the value of query parameter KEY of a URL (--presign)

Prints one line per finding, the secret itself replaced by [NAME], and a
summary line; exits 1 when anything was found, 0 otherwise.
--count-execs: the summary counts the execve calls checked.
"""

import argparse
import base64
import fnmatch
import json
import os
import re
import sys
import urllib.parse

WINDOW = 16
JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")
PEM_RE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
PEM_BODY_RE = re.compile(r"-----BEGIN [^-]*-----(.*?)-----END", re.S)


def b64_inner(v, urlsafe):
    """The base64 text of v that does not depend on what surrounds it,
    for each of the three alignments."""
    out = []
    for k in range(3):
        enc = base64.b64encode(b"\0" * k + v).decode()
        if urlsafe:
            enc = enc.translate(str.maketrans("+/", "-_"))
        start = 4 if k else 0
        end = len(enc) - (4 if (k + len(v)) % 3 else 0)
        if end - start >= WINDOW:
            out.append(enc[start:end])
    return out


def forms_of(value):
    """[(form name, text)] for one secret, and its 16-character pieces."""
    pieces = []
    m = PEM_BODY_RE.search(value)
    if m:
        # A key: each base64 line of its body, and the body joined.
        lines = [ln.strip() for ln in m.group(1).split("\n") if ln.strip()]
        raws = lines + ["".join(lines)]
    else:
        raws = [value]
    forms = []
    for raw in raws:
        b = raw.encode()
        forms.append(("as is", raw))
        for name, text in (
            ("URL-encoded", urllib.parse.quote(raw, safe="")),
            ("URL-encoded", urllib.parse.quote_plus(raw, safe="")),
            ("JSON-escaped", raw.replace("/", "\\/")),
            ("hex", b.hex()),
        ):
            forms.append((name, text))
        lower = re.sub(r"%[0-9A-F]{2}", lambda x: x.group(0).lower(),
                       urllib.parse.quote(raw, safe=""))
        forms.append(("URL-encoded", lower))
        for text in b64_inner(b, False):
            forms.append(("base64", text))
        for text in b64_inner(b, True):
            forms.append(("base64url", text))
        if len(raw) > WINDOW:
            pieces += [raw[i:i + WINDOW] for i in range(len(raw) - WINDOW + 1)]
    if m:
        forms.append(("JSON-escaped", json.dumps(value)[1:-1]))
    seen, uniq = set(), []
    for name, text in forms:
        if text and text not in seen and len(text) >= 8:
            seen.add(text)
            uniq.append((name, text))
    return uniq, pieces


class Canaries:
    def __init__(self, folder):
        self.values = {}
        self.forms = []           # (canary, form name, text)
        self.pieces = {}          # 16-char piece -> canary
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                v = f.read()
            if v.endswith("\n"):
                v = v[:-1]
            if len(v) < 8:
                sys.exit("secret-scan.py: canary %s: too short to look for" % name)
            self.values[name] = v
            forms, pieces = forms_of(v)
            self.forms += [(name, fn, t) for fn, t in forms]
            for p in pieces:
                self.pieces.setdefault(p, name)
        # Longest first: a finding names the most specific form.
        self.forms.sort(key=lambda x: -len(x[2]))

    def find(self, text):
        """[(canary, form, start, end)] in text."""
        hits = []
        for name, form, t in self.forms:
            i = text.find(t)
            if i >= 0:
                hits.append((name, form, i, i + len(t)))
        if not hits and self.pieces:
            for i in range(len(text) - WINDOW + 1):
                name = self.pieces.get(text[i:i + WINDOW])
                if name:
                    hits.append((name, "a 16-character piece", i, i + WINDOW))
                    break
        m = JWT_RE.search(text)
        if m:
            hits.append(("(a JWT)", "eyJ...", m.start(), m.end()))
        m = PEM_RE.search(text)
        if m:
            hits.append(("(a PEM private key)", "header", m.start(), m.end()))
        return hits


def shown(text, hits, width=160):
    """text around the first hit, every hit replaced by its name."""
    out = text
    for name, _, s, e in sorted(hits, key=lambda h: -h[2]):
        out = out[:s] + "[" + name + "]" + out[e:]
    s = max(0, hits[0][2] - 60)
    out = out[s:s + width].replace("\n", "\\n")
    return ("..." if s else "") + out


def unescape_c(s):
    """strace's C-escaped string body to text (bytes as latin-1)."""
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "a": 7, "b": 8,
              "\\": 92, '"': 34, "'": 39, "?": 63, "e": 27}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        n = s[i + 1] if i + 1 < len(s) else ""
        if n in simple:
            out.append(simple[n])
            i += 2
        elif n == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
            out.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
        elif n.isdigit():
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        else:
            out.append(92)
            i += 1
    return out.decode("utf-8", "surrogateescape")


STR_RE = re.compile(r'"((?:[^"\\]|\\.)*)"(\.\.\.)?')
EXEC_RE = re.compile(r"^(\d+)\s+(execve|execveat)\((.*)$")


class Rules:
    def __init__(self, path):
        self.rules = []
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if not line or line.startswith("#"):
                        continue
                    glob, spec = line.rsplit(None, 1)
                    canary, rule = spec.split("@", 1)
                    self.rules.append((glob, canary, rule))

    def for_file(self, path, canaries):
        """[(canary name, rule)] that apply to path."""
        out = []
        for glob, cglob, rule in self.rules:
            if fnmatch.fnmatchcase(path, glob):
                out += [(c, rule) for c in canaries.values
                        if fnmatch.fnmatchcase(c, cglob)]
        return out


class Scanner:
    def __init__(self, canaries, rules):
        self.c = canaries
        self.rules = rules
        self.findings = []
        self.files = 0
        self.execs = 0
        self.exec_ok = 0
        self.args = 0

    def report(self, where, hits, text):
        names = ", ".join(sorted({"%s (%s)" % (h[0], h[1]) for h in hits}))
        self.findings.append("%s: %s: %s" % (where, names, shown(text, hits)))

    def masked_in(self, path):
        """Canaries masked in a stream file: name -> first line number."""
        out = {}
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                for n, line in enumerate(f.read().split("\n"), 1):
                    for name, v in self.c.values.items():
                        if line == "::add-mask::" + v:
                            out.setdefault(name, n)
        except FileNotFoundError:
            pass
        return out

    def allowed(self, text, allow):
        """text with the allowed occurrences taken out, and the canaries
        that were (name -> True)."""
        used = {}
        for name, rule in allow:
            v = self.c.values[name]
            if rule == "line" and text == v:
                used[name] = True
                return "", used
        stripped = text.strip()
        if stripped.startswith("{"):
            try:
                obj = json.loads(stripped)
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                changed = False
                for name, rule in allow:
                    if rule.startswith("json:"):
                        key = rule[5:]
                        if obj.get(key) == self.c.values[name]:
                            obj[key] = ""
                            used[name] = True
                            changed = True
                if changed:
                    text = json.dumps(obj)
        for name, rule in allow:
            if rule.startswith("urlparam:"):
                key = re.escape(rule[9:])
                v = self.c.values[name]

                def blank(m, v=v, name=name):
                    if urllib.parse.unquote(m.group(2)) == v:
                        used[name] = True
                        return m.group(1)
                    return m.group(0)
                text = re.sub(r"([?&]" + key + r"=)([^&\s\"]*)", blank, text)
        return text, used

    def scan_text(self, path, text, allow, stream=False, actions=None):
        lines = text.split("\n")
        whole = None
        if not stream and any(r.startswith("json:") for _, r in allow):
            # A JSON file, pretty or not: the whole of it at once.
            rest, used = self.allowed(text, allow)
            if used:
                whole = rest
        if whole is not None:
            hits = self.c.find(whole)
            if hits:
                self.report(path, hits, whole)
            return
        masks_here = self.masked_in(path) if actions is not None else {}
        for n, line in enumerate(lines, 1):
            if stream and line.startswith("::add-mask::") and \
                    line[12:] in self.c.values.values():
                continue
            rest, used = self.allowed(line, allow)
            if actions is not None:
                for name in used:
                    here = masks_here.get(name)
                    if not ((here is not None and here < n) or name in actions):
                        self.findings.append(
                            "%s:%d: %s shown without an ::add-mask:: before it"
                            % (path, n, name))
            hits = self.c.find(rest)
            if hits:
                self.report("%s:%d" % (path, n), hits, rest)

    def scan_strace(self, path, text):
        if not EXEC_RE.search(text.split("\n", 1)[0]):
            self.findings.append("%s: nothing traced (strace could not run the command)"
                                 % path)
        for n, line in enumerate(text.split("\n"), 1):
            m = EXEC_RE.match(line)
            if not m:
                if re.match(r"^\d+\s+<\.\.\. execve(at)? resumed>.*= 0$", line):
                    self.exec_ok += 1
                continue
            self.execs += 1
            if re.search(r"\) = 0$", line):
                self.exec_ok += 1
            rest = m.group(3)
            # The path and the arguments; the environment is shown as a
            # count only (no -v), and the result holds no quotes.
            strings = STR_RE.findall(rest)
            if re.search(r"\.\.\.\]", STR_RE.sub('""', rest)) or not strings:
                self.findings.append("%s:%d: an argument list strace did not show whole"
                                     % (path, n))
            for body, dots in strings:
                if dots:
                    self.findings.append("%s:%d: an argument strace cut short (-s)"
                                         % (path, n))
                arg = unescape_c(body)
                self.args += 1
                hits = self.c.find(arg)
                if hits:
                    self.report("%s:%d: pid %s exec %s" % (path, n, m.group(1),
                                unescape_c(strings[0][0])), hits, arg)

    def scan_file(self, path):
        self.files += 1
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "surrogateescape")
        allow = self.rules.for_file(path, self.c)
        if path.endswith(".strace"):
            self.scan_strace(path, text)
            return
        # A capture is NAME.out or NAME.err next to NAME.strace; a state
        # file named .err (a stage's stderr kept by make) is no stream.
        stream = (path.endswith(".out") or path.endswith(".err")) and \
            os.path.exists(path[:-4] + ".strace")
        actions = None
        if stream:
            base = path[:-4]
            if os.path.exists(base + ".actions"):
                other = base + (".err" if path.endswith(".out") else ".out")
                actions = self.masked_in(other)
        self.scan_text(path, text, allow, stream, actions)

    def scan(self, path):
        if os.path.isdir(path) and not os.path.islink(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    p = os.path.join(root, name)
                    if os.path.isfile(p) and not os.path.islink(p):
                        self.scan_file(p)
        elif os.path.isfile(path):
            self.scan_file(path)
        else:
            self.findings.append("%s: no such file or folder" % path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canaries", required=True)
    ap.add_argument("--allow-list")
    ap.add_argument("--count-execs", action="store_true")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    s = Scanner(Canaries(args.canaries), Rules(args.allow_list))
    for p in args.paths:
        s.scan(p)
    for f in s.findings:
        print(f)
    summary = "%d canaries, %d files" % (len(s.c.values), s.files)
    if args.count_execs:
        summary += ", %d execve calls (%d succeeded, %d strings)" % (
            s.execs, s.exec_ok, s.args)
    print("%s: %s" % (summary, "%d findings" % len(s.findings) if s.findings
                      else "nothing found"))
    return 1 if s.findings else 0


if __name__ == "__main__":
    sys.exit(main())
