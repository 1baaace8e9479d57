#!/usr/bin/env python3
"""Time commands side by side: wall time and peak RSS, medians of N runs.

usage: compare.py RUNS LABEL -- CMD... [ ::: LABEL -- CMD... ]...
The first command is the reference; each row shows its ratios to it.
Every run must exit 0 (a failing command is not a benchmark).  Runs are
interleaved so that drift of the machine hits all commands alike.
"""
import os
import statistics
import sys
import tempfile
import time


GNU_TIME = "/usr/bin/time"


def run_once(cmd):
    # Peak RSS comes from GNU time(1): a process forked from this Python
    # would be charged Python's own pages until exec (ru_maxrss counts
    # them, with fork and with posix_spawn alike); time(1) is small.
    err = tempfile.TemporaryFile()
    rss = tempfile.NamedTemporaryFile(mode="r")
    argv = [GNU_TIME, "-f", "%M", "-o", rss.name] + cmd
    actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status, _ = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        err.seek(0)
        msg = err.read().decode(errors="replace").strip()
        sys.exit(f"compare.py: {' '.join(cmd)}: exit {code}: {msg}")
    err.close()
    kib = int(rss.read().split()[-1])
    rss.close()
    return wall, kib / 1024.0


def main():
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit("compare.py: needs GNU time at /usr/bin/time (Debian: time)")
    runs = int(sys.argv[1])
    groups, cur = [], None
    args = sys.argv[2:]
    while args:
        label = args.pop(0)
        assert args.pop(0) == "--"
        cmd = []
        while args and args[0] != ":::":
            cmd.append(args.pop(0))
        if args:
            args.pop(0)
        groups.append((label, cmd))
    results = {label: ([], []) for label, _ in groups}
    for label, cmd in groups:  # warm-up: page cache, first connection
        run_once(cmd)
    for _ in range(runs):
        for label, cmd in groups:
            w, r = run_once(cmd)
            results[label][0].append(w)
            results[label][1].append(r)
    ref = groups[0][0]
    rw = statistics.median(results[ref][0])
    print(f"{'command':<28} {'median wall':>12} {'peak RSS':>10} {'wall / ' + ref:>22}")
    for label, _ in groups:
        w = statistics.median(results[label][0])
        r = max(results[label][1])
        print(f"{label:<28} {w * 1000:>9.1f} ms {r:>7.1f} MiB {w / rw:>21.2f}x")


if __name__ == "__main__":
    main()
