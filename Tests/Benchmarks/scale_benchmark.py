#!/usr/bin/env python3
"""Scale benchmark: the control API's reads on a store of 100,000 reports.

1. `casefile-scale build` makes two stores through the store's own write
   path (CasefileSync's Ingestor over CasefileStore, one document per
   transaction, as a sync stores them): 100,000 synthetic reports across
   the 153 authorities, one of them (Kent) with 6,000, and about as many
   changes; and a small one of 150 reports.
2. The release `casefiled` is started on each, with three sources on empty
   local folders (so `sources` has rows to show and the start-up sync has
   nothing to do), then paused.
3. Each read endpoint is asked at least 1,000 times over the Unix socket by
   a plain HTTP/1.1 client (a new connection per request, as curl and
   casefilectl make them; `Connection: close`, the body read to the end),
   one endpoint after another, after 100 to warm up: p50, p99 and max of
   the time from connect to the last byte. Changes pages and history pages
   (100 reports) are taken at random places.
4. The daemon's anonymous memory (RssAnon: heap, stacks, SQLite's page
   caches) and RSS, after the requests, at 100,000 reports and at 150.
5. The floor: the SQL each endpoint's handler runs (`casefile-scale
   statements` prints it, as SQLite ran it) run by the sqlite3 shell on the
   same file, two ways: a `sqlite3 FILE` run per request, its answer read
   to the end (what a client reading the file itself pays per answer, as
   each HTTP request is answered on a new connection: the floor the 3×
   target is held to), and one shell kept open and warm, its answers
   formatted to /dev/null (the queries' own cost, shown alongside).
   Also the daemon's CPU time per request, from /proc: the figure least
   moved by whatever else the machine is doing.

Run on a release build (`make bench-scale` does both):
    swift build -c release --static-swift-stdlib --product casefiled
    swift build -c release --static-swift-stdlib --product casefile-scale
    python3 Tests/Benchmarks/scale_benchmark.py --bin .build/release [--keep DIR] [--quiet SECONDS] [--nice N] [--cold]

The store of 100,000 takes two to six minutes to build (one fsynced
transaction per document, as a sync commits them today); --keep DIR keeps
and reuses it.

Exit status 1 when a target is missed, after printing every figure.
"""
import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AUTHORITIES = os.path.join(ROOT, "Sources", "CasefileParse", "Data", "local-authorities.csv")
# p99 targets in ms (issue 15), and the ratio to the sqlite3 floor.
TARGETS = {"status": 2, "sources": 2, "changes": 2, "grades": 5, "detail": 5, "history": 5}
FLOOR_RATIO = 3
MEMORY_TARGET_MIB = 2


def get(sock_path, path, method="GET"):
    """One request on a new connection: (status, body bytes, seconds)."""
    start = time.perf_counter()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall(("%s %s HTTP/1.1\r\nHost: casefiled\r\nConnection: close\r\n\r\n" % (method, path)).encode())
    chunks = []
    while True:
        b = s.recv(262144)
        if not b:
            break
        chunks.append(b)
    s.close()
    elapsed = time.perf_counter() - start
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = unchunk(body)
    return status, body, elapsed


def unchunk(body):
    out, i = [], 0
    while True:
        j = body.index(b"\r\n", i)
        n = int(body[i:j], 16)
        if n == 0:
            return b"".join(out)
        out.append(body[j + 2:j + 2 + n])
        i = j + 2 + n + 2


def get_json(sock_path, path, method="GET"):
    status, body, _ = get(sock_path, path, method)
    if status >= 300:
        raise RuntimeError("%s %s: %d %s" % (method, path, status, body[:200]))
    return json.loads(body)


def percentiles(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(round(q * (len(s) - 1))))]
    return pick(0.5) * 1000, pick(0.99) * 1000, s[-1] * 1000


def memory(pid):
    out = {}
    for line in open("/proc/%d/status" % pid):
        if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile")):
            k, v = line.split(":")
            out[k] = int(v.split()[0]) / 1024
    return out


def build_store(bin_dir, folder, reports, big_reports):
    path = os.path.join(folder, "state", "casefile.sqlite")
    if os.path.exists(path):
        print("reusing %s" % path, file=sys.stderr)
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    print("building a store of %d reports in %s" % (reports, path), file=sys.stderr)
    out = subprocess.run(
        [os.path.join(bin_dir, "casefile-scale"), "build", "--store", path, "--authorities", AUTHORITIES,
         "--reports", str(reports), "--big", "kent", "--big-reports", str(big_reports)],
        stdout=subprocess.PIPE, check=True).stdout
    summary = json.loads(out)
    print("  %s" % json.dumps(summary), file=sys.stderr)
    with open(os.path.join(folder, "build.json"), "w") as f:
        json.dump(summary, f)
    return path


class Daemon:
    def __init__(self, bin_dir, folder):
        for name in ("empty-a", "empty-b", "empty-c"):
            os.makedirs(os.path.join(folder, name), exist_ok=True)
        # A short socket path: sun_path holds 108 bytes.
        self.socket = os.path.join(tempfile.gettempdir(), "cfscale-%d-%s.sock" % (os.getpid(), os.path.basename(folder)))
        config = os.path.join(folder, "casefiled.toml")
        with open(config, "w") as f:
            f.write('[daemon]\nstate_dir = "state"\nsocket = "%s"\ninterval = "1d"\nlog_level = "warning"\n\n' % self.socket)
            for name in ("empty-a", "empty-b", "empty-c"):
                f.write('[[source]]\nname = "%s"\nkind = "directory"\nurl = "%s"\n\n' % (name, name))
        self.log = open(os.path.join(folder, "daemon.log"), "w")
        self.proc = subprocess.Popen([os.path.join(bin_dir, "casefiled"), "--config", config], stderr=self.log, stdout=self.log)
        deadline = time.time() + 60
        while True:
            try:
                get_json(self.socket, "/v1/status")
                break
            except (OSError, RuntimeError, ValueError):
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("casefiled did not start: see %s" % self.log.name)
                time.sleep(0.1)
        # Let the start-up sync (of empty folders) finish, then pause.
        while any(s.get("lastSuccess") is None for s in get_json(self.socket, "/v1/sources")["sources"]):
            if time.time() > deadline:
                raise RuntimeError("the start-up sync did not finish")
            time.sleep(0.1)
        get_json(self.socket, "/v1/pause", "POST")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()


def history_ids(sock_path, slug):
    ids, cursor = [], None
    while True:
        page = get_json(sock_path, "/v1/authorities/%s/history?limit=1000%s" % (slug, "&cursor=" + cursor if cursor else ""))
        ids += [r["id"] for r in page["reports"]]
        cursor = page.get("next")
        if not cursor:
            return ids


def measure(daemon, slug, requests, rng):
    """Each endpoint in turn: p50, p99, max (ms), the mean body size and
    the daemon's CPU time per request (ms, from /proc: what the answer
    costs whatever else the machine is doing)."""
    status = get_json(daemon.socket, "/v1/status")
    ids = history_ids(daemon.socket, slug)
    changes = status["changes"]
    endpoints = {
        "status": lambda: "/v1/status",
        "sources": lambda: "/v1/sources",
        "changes": lambda: "/v1/changes?since=%d&limit=50" % rng.randint(0, max(0, changes - 50)),
        "grades": lambda: "/v1/grades",
        "detail": lambda: "/v1/authorities/%s" % slug,
        "history": lambda: "/v1/authorities/%s/history?limit=100%s" % (
            slug, "&cursor=%d" % ids[rng.randint(0, len(ids) - 101)] if len(ids) > 100 else ""),
    }
    result = {}
    for name, path in endpoints.items():
        times, size = [], 0
        for n in range(requests + 100):
            if n == 100:  # the first 100 warm up
                cpu = cpu_seconds(daemon.proc.pid)
            code, body, seconds = get(daemon.socket, path())
            if code != 200:
                raise RuntimeError("%s: %d %s" % (path(), code, body[:200]))
            if n >= 100:
                times.append(seconds)
                size += len(body)
        cpu = cpu_seconds(daemon.proc.pid) - cpu
        result[name] = percentiles(times) + (size / requests, cpu / requests * 1000)
    return result, len(ids)


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def floor(bin_dir, store, slug, requests):
    """The same statements run by the sqlite3 shell on the same file, two
    ways, each giving (p50, p99, max) in ms per endpoint:
    - per run: `sqlite3 FILE` started for each request with the statements
      on stdin, its answer read to the end (a client that reads the file
      itself, from scratch each time, as each HTTP request is answered on
      a new connection);
    - kept open: one shell, warm, sent the statements through a pipe, its
      answer formatted to /dev/null and the end marked by an error line on
      stderr: the queries' own cost, without a process or a connection."""
    out = subprocess.run([os.path.join(bin_dir, "casefile-scale"), "statements", "--store", store, "--big", slug],
                         stdout=subprocess.PIPE, check=True).stdout
    statements = json.loads(out)
    script = lambda sql: "".join(s + ";\n" for s in sql)

    per_run = {}
    for name, variants in statements.items():
        times = []
        for n in range(requests + 20):
            start = time.perf_counter()
            done = subprocess.run(["sqlite3", "-batch", store], input=script(variants[n % len(variants)]).encode(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            elapsed = time.perf_counter() - start
            if done.returncode != 0 or done.stderr:
                raise RuntimeError("sqlite3: %s" % done.stderr[:300])
            if n >= 20:
                times.append(elapsed)
        per_run[name] = percentiles(times)

    shell = subprocess.Popen(["sqlite3", "-batch", store], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, bufsize=0)
    shell.stdin.write(b".output /dev/null\n")

    def ask(sql):
        start = time.perf_counter()
        shell.stdin.write((script(sql) + "SELECT end_of_answer();\n").encode())
        buffer = b""
        while not buffer.endswith(b"\n"):
            chunk = os.read(shell.stderr.fileno(), 4096)
            if not chunk:
                raise RuntimeError("sqlite3 stopped")
            buffer += chunk
        if b"end_of_answer" not in buffer:
            raise RuntimeError("sqlite3: %s" % buffer[:300])
        return time.perf_counter() - start

    kept = {}
    for name, variants in statements.items():
        times = [ask(variants[n % len(variants)]) for n in range(requests + 100)][100:]
        kept[name] = percentiles(times)
    shell.stdin.close()
    shell.wait(10)
    return per_run, kept


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--big-reports", type=int, default=6000)
    ap.add_argument("--small", type=int, default=150)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--keep", help="build the stores here and keep them (reused when there)")
    ap.add_argument("--quiet", type=float, default=0, metavar="SECONDS",
                    help="before measuring, wait up to this long for the machine's load average to fall under 1")
    ap.add_argument("--nice", type=int, default=0,
                    help="run the benchmark, the daemon and sqlite3 at this niceness (a negative one needs root: on "
                         "a machine shared with builds, it measures the reads rather than the wait for a core)")
    ap.add_argument("--cold", action="store_true",
                    help="drop the kernel's page cache (needs root) before the daemon starts on the large store: its "
                         "file starts out of memory, as after a reboot or when other work has had the memory")
    args = ap.parse_args()
    if args.nice:
        os.nice(args.nice)
    work = args.keep or tempfile.mkdtemp(prefix="cfscale-")
    os.makedirs(work, exist_ok=True)
    rng = random.Random(15)
    load_before = "?"
    try:
        big_dir, small_dir = os.path.join(work, "big"), os.path.join(work, "small")
        big_store = build_store(args.bin, big_dir, args.reports, args.big_reports)
        build_store(args.bin, small_dir, args.small, 0)
        with open(os.path.join(big_dir, "build.json")) as f:
            built = json.load(f)

        wait_until = time.time() + args.quiet
        while time.time() < wait_until and float(open("/proc/loadavg").read().split()[0]) >= 1:
            time.sleep(5)
        load_before = " ".join(open("/proc/loadavg").read().split()[:3])
        figures, memories = {}, {}
        for label, folder in (("small", small_dir), ("big", big_dir)):
            if args.cold and label == "big":
                os.sync()
                with open("/proc/sys/vm/drop_caches", "w") as f:
                    f.write("1\n")
            daemon = Daemon(args.bin, folder)
            try:
                slug = "kent" if label == "big" else get_json(daemon.socket, "/v1/grades")["authorities"][0]["slug"]
                figures[label], history_length = measure(daemon, slug, args.requests, rng)
                memories[label] = memory(daemon.proc.pid)
                memories[label]["reports"] = get_json(daemon.socket, "/v1/status")["reports"]
                if label == "big":
                    big_history = history_length
            finally:
                daemon.stop()
        per_run, kept = floor(args.bin, big_store, "kent", args.requests)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print("Store: %d reports (%d documents, %d changes) across %d authorities, kent %d; built through the Ingestor in %.0f s "
          "(%.2f ms a document); %.0f MiB." % (built["reports"], built["documents"], built["changes"], built["authorities"],
                                              big_history, built["seconds"], built["msPerDocument"], built["bytes"] / 2**20))
    print("%d requests per endpoint, a new connection each; ms. Load average before: %s; niceness %d.%s" % (
        args.requests, load_before, os.nice(0),
        " The page cache was dropped before the daemon started on the large store (--cold)." if args.cold else ""))
    print()
    print("| request | p50 | p99 | max | CPU | body KB | at %d reports: p50 / p99 | sqlite3 per run: p50 / p99 | p99 ÷ sqlite3 p99 "
          "| sqlite3 kept open: p50 / p99 | target p99 |" % memories["small"]["reports"])
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    paths = {"status": "GET /v1/status", "sources": "GET /v1/sources", "changes": "GET /v1/changes?since=…&limit=50",
             "grades": "GET /v1/grades", "detail": "GET /v1/authorities/kent",
             "history": "GET /v1/authorities/kent/history?limit=100&cursor=…"}
    failed = []
    for name, path in paths.items():
        p50, p99, top, size, cpu = figures["big"][name]
        r50, r99, _ = per_run[name]
        k50, k99, _ = kept[name]
        ratio = p99 / r99
        ok = p99 <= TARGETS[name] and ratio <= FLOOR_RATIO
        if not ok:
            failed.append(name)
        print("| `%s` | %.2f | %.2f | %.2f | %.2f | %.1f | %.2f / %.2f | %.2f / %.2f | %.2f | %.2f / %.2f | ≤ %d ms, ≤ %d× %s |" % (
            path, p50, p99, top, cpu, size / 1024, figures["small"][name][0], figures["small"][name][1], r50, r99, ratio, k50, k99,
            TARGETS[name], FLOOR_RATIO, "✓" if ok else "✗"))
    print()
    big, small = memories["big"], memories["small"]
    anon_delta = big["RssAnon"] - small["RssAnon"]
    print("| daemon after the requests | reports | RssAnon MiB | RSS MiB | peak RSS MiB |")
    print("|---|---|---|---|---|")
    for label, m in (("small", small), ("big", big)):
        print("| %s | %d | %.1f | %.1f | %.1f |" % (label, m["reports"], m["RssAnon"], m["VmRSS"], m["VmHWM"]))
    ok = anon_delta <= MEMORY_TARGET_MIB
    print("\nRssAnon at %d reports minus at %d: %.2f MiB (target ≤ %d MiB) %s" % (
        big["reports"], small["reports"], anon_delta, MEMORY_TARGET_MIB, "✓" if ok else "✗"))
    if not ok:
        failed.append("memory")
    if failed:
        print("targets missed: %s" % ", ".join(failed))
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
