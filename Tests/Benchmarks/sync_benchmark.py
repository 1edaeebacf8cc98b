#!/usr/bin/env python3
"""Sync benchmark: 200 reports of about 30 KB served from 127.0.0.1.

Phases: a cold sync, a second sync with nothing changed, a sync after
changing 10 reports. For each: wall time, CPU seconds of the daemon, its
peak and steady RSS, its anonymous memory at the end of the phase (RssAnon:
heap, stacks, written data; the rest of RSS is file pages, the program's
and the libraries' code, shared and reclaimable), requests answered 200 and
304, changes recorded. The peak is the phase's own: it is reset at the start
of each phase through /proc/PID/clear_refs.
With --urlwatch, the same three phases are run by urlwatch (installed with
pip in a virtual environment of the benchmark's own) on the same files, and
the ratios are printed; urlwatch's anonymous memory is its largest RssAnon,
sampled every 10 ms.
With --breakdown, the daemon's resident memory after the last phase is
listed by mapping.

Run on a release build linked as `make install` links it (the Swift
runtime static; each product built on its own, as SwiftPM builds only the
last --product given):
    swift build -c release --static-swift-stdlib --product casefiled
    swift build -c release --static-swift-stdlib --product casefilectl
    python3 Tests/Benchmarks/sync_benchmark.py [--bin .build/release] [--urlwatch] [--breakdown]

The reports are made from the Redbridge fixture, one per authority of the
bundled list and date, so each one parses as a distinct ILACS report. They
are synthetic and exist only in a temporary folder.
"""
import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "redbridge-2019-ilacs.txt")
AUTHORITIES = os.path.join(ROOT, "Sources", "CasefileParse", "Data", "local-authorities.csv")
SERVER = os.path.join(ROOT, "Tests", "Support", "httpserver.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def make_reports(www, count):
    text = open(FIXTURE, encoding="utf-8").read()
    names = [row["name"] for row in csv.DictReader(open(AUTHORITIES, encoding="utf-8"))]
    urls = []
    os.makedirs(os.path.join(www, "r"), exist_ok=True)
    for i in range(count):
        name = names[i % len(names)]
        year = 2019 + i // len(names)
        month = MONTHS[i % 12]
        body = text.replace("London Borough of Redbridge", name, 1)
        body = body.replace("Inspection dates: 29 April 2019 to 3 May 2019", "Inspection dates: 1 %s %d to 12 %s %d" % (month, year, month, year))
        path = "r/report-%03d.txt" % i
        with open(os.path.join(www, path), "w", encoding="utf-8") as f:
            f.write(body)
        urls.append(path)
    return urls


def change_reports(www, urls, n):
    for path in urls[:n]:
        full = os.path.join(www, path)
        body = open(full, encoding="utf-8").read()
        body = body.replace("Overall effectiveness\tOutstanding", "Overall effectiveness\tGood")
        body = body.replace("Children's services in", "Children's services (revised) in", 1)
        with open(full, "w", encoding="utf-8") as f:
            f.write(body)


class Server:
    def __init__(self, root):
        self.proc = subprocess.Popen([sys.executable, SERVER, "--root", root], stdout=subprocess.PIPE, stdin=subprocess.PIPE)
        self.port = int(self.proc.stdout.readline())
        self.base = "http://127.0.0.1:%d" % self.port

    def stats(self):
        return json.load(urllib.request.urlopen(self.base + "/__stats"))

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.base + "/__reset", data=b"", method="POST")).read()

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def status(pid):
    """VmHWM, VmRSS and RssAnon of /proc/PID/status, in MiB."""
    out = {}
    for line in open("/proc/%d/status" % pid):
        if line.startswith(("VmRSS", "VmHWM", "RssAnon")):
            k, v = line.split(":")
            out[k] = int(v.split()[0]) / 1024
    return out


def rss(pid):
    st = status(pid)
    return st["VmHWM"], st["VmRSS"], st["RssAnon"]


def breakdown(pid):
    """Resident memory by mapping: the file (or [anon]) and permissions."""
    total = {}
    name = "[anon]"
    perms = ""
    for line in open("/proc/%d/smaps" % pid):
        head = line.split()
        if "-" in head[0] and not head[0].endswith(":"):
            name = os.path.basename(head[5]) if len(head) > 5 else "[anon]"
            perms = head[1]
        elif head[0] == "Rss:":
            total[(name, perms)] = total.get((name, perms), 0) + int(head[1])
    print("resident memory of casefiled after the last phase: %.1f MiB" % (sum(total.values()) / 1024))
    for (name, perms), kb in sorted(total.items(), key=lambda kv: -kv[1]):
        if kb >= 256:
            print("  %6.1f MiB  %s %s" % (kb / 1024, perms, name))
    print()


def reset_peak(pid):
    """Starts a new peak: writing 5 to clear_refs resets VmHWM to the
    current RSS (Linux 4.0+), so each phase shows its own peak."""
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def run_casefile(bindir, work, server, urls, changed, profile=None, show_breakdown=False):
    www = os.path.join(work, "www")
    with open(os.path.join(www, "feed.json"), "w") as f:
        json.dump([server.base + "/" + u for u in urls], f)
    config = os.path.join(work, "casefiled.toml")
    with open(config, "w") as f:
        f.write(
            '[daemon]\nstate_dir = "state"\nsocket = "ctl.sock"\ninterval = "24h"\nnotify_initial_sync = true\n'
            '[fetch]\nper_host_delay = "0s"\nper_host_concurrency = 8\nconcurrency = 8\n'
            '[[source]]\nname = "bench"\nkind = "feed"\nformat = "json"\nurl = "%s/feed.json"\n' % server.base
        )
    sock = os.path.join(work, "ctl.sock")
    log = open(os.path.join(work, "casefiled.log"), "w")
    ctl = lambda *a: subprocess.run([os.path.join(bindir, "casefilectl")] + list(a) + ["--socket", sock], capture_output=True, text=True)
    rows = []
    # Cold: casefiled syncs every source when it starts, on an empty store:
    # measured from its start to the end of that first sync.
    server.reset()
    t0 = time.monotonic()
    daemon = subprocess.Popen([os.path.join(bindir, "casefiled"), "--config", config], stdout=log, stderr=log)
    while True:
        out = ctl("status", "--json")
        if out.returncode == 0 and json.loads(out.stdout).get("lastSync"):
            break
        if time.monotonic() - t0 > 600:
            raise SystemExit("the cold sync did not finish in 10 minutes; see %s" % log.name)
        time.sleep(0.05)
    wall = time.monotonic() - t0
    stats = server.stats()
    peak, steady, anon = rss(daemon.pid)
    changes = len(json.loads(ctl("changes", "--limit", "10000", "--json").stdout)["changes"])
    rows.append(("cold", wall, cpu_seconds(daemon.pid), peak, steady, anon, stats["counts"].get("200", 0), stats["counts"].get("304", 0), changes))
    for phase in ["unchanged", "10 changed"]:
        if phase == "10 changed":
            change_reports(www, urls, changed)
        server.reset()
        reset_peak(daemon.pid)
        perf = None
        if profile and profile[0] == phase:
            perf = subprocess.Popen(["perf", "record", "-g", "-F", "4999", "-o", profile[1], "-p", str(daemon.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        cpu0 = cpu_seconds(daemon.pid)
        t0 = time.monotonic()
        out = ctl("sync", "--wait", "--json")
        wall = time.monotonic() - t0
        if perf:
            perf.send_signal(2)
            perf.wait()
        cpu = cpu_seconds(daemon.pid) - cpu0
        result = json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr}
        stats = server.stats()
        peak, steady, anon = rss(daemon.pid)
        rows.append((phase, wall, cpu, peak, steady, anon, stats["counts"].get("200", 0), stats["counts"].get("304", 0), result.get("changes")))
    if show_breakdown:
        breakdown(daemon.pid)
    daemon.terminate()
    daemon.wait()
    return rows


def run_urlwatch(work, server, urls, changed):
    venv = os.path.join(work, "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "urlwatch"], capture_output=True, text=True)
    if pip.returncode != 0:
        return None, "pip install urlwatch failed: " + pip.stderr.strip()[-300:]
    www = os.path.join(work, "www")
    uw = os.path.join(work, "urlwatch")
    os.makedirs(uw, exist_ok=True)
    with open(os.path.join(uw, "urls.yaml"), "w") as f:
        f.write("\n---\n".join("url: %s/%s" % (server.base, u) for u in urls))
    with open(os.path.join(uw, "urlwatch.yaml"), "w") as f:
        f.write("report:\n  stdout:\n    enabled: true\n  text:\n    details: false\n")
    cmd = [os.path.join(venv, "bin", "urlwatch"), "--urls", os.path.join(uw, "urls.yaml"), "--config", os.path.join(uw, "urlwatch.yaml"),
           "--cache", os.path.join(uw, "cache.db"), "--hooks", os.path.join(uw, "hooks.py")]
    rows = []
    for phase in ["cold", "unchanged", "10 changed"]:
        if phase == "10 changed":
            change_reports(www, urls, changed)
        server.reset()
        t0 = time.monotonic()
        before = os.times()
        # /usr/bin/time is not always there: measure the child's CPU and peak
        # RSS through wait4, and sample its anonymous memory meanwhile.
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        anon = 0.0
        while True:
            pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            try:
                anon = max(anon, status(proc.pid)["RssAnon"])
            except (OSError, KeyError):
                pass
            time.sleep(0.01)
        wall = time.monotonic() - t0
        stats = server.stats()
        rows.append((phase, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, None, anon,
                     stats["counts"].get("200", 0), stats["counts"].get("304", 0), None))
    return rows, None


def table(title, rows):
    print(title)
    print("%-11s %8s %8s %10s %12s %10s %6s %6s %8s" % ("phase", "wall s", "CPU s", "peak MiB", "steady MiB", "anon MiB", "200", "304", "changes"))
    for phase, wall, cpu, peak, steady, anon, ok, nm, changes in rows:
        print("%-11s %8.2f %8.2f %10.1f %12s %10.1f %6d %6d %8s" % (
            phase, wall, cpu, peak, "%.1f" % steady if steady is not None else "–", anon, ok, nm, changes if changes is not None else "–"))
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--changed", type=int, default=10)
    ap.add_argument("--urlwatch", action="store_true")
    ap.add_argument("--breakdown", action="store_true", help="list the daemon's resident memory by mapping at the end")
    ap.add_argument("--profile", nargs=2, metavar=("PHASE", "FILE"),
                    help="record the daemon with perf during PHASE ('unchanged' or '10 changed') into FILE")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cfbench-")
    try:
        www = os.path.join(work, "www")
        urls = make_reports(www, args.reports)
        sizes = [os.path.getsize(os.path.join(www, u)) for u in urls]
        print("%d reports, %.1f KB each on average, served from 127.0.0.1\n" % (len(urls), sum(sizes) / len(sizes) / 1024))
        server = Server(www)
        try:
            rows = run_casefile(args.bin, work, server, urls, args.changed, args.profile, args.breakdown)
            table("casefiled (release)", rows)
            if args.urlwatch:
                # Same files, as they were before the change.
                shutil.rmtree(www)
                urls = make_reports(www, args.reports)
                uw, why = run_urlwatch(work, server, urls, args.changed)
                if uw is None:
                    print("urlwatch: not run: %s" % why)
                else:
                    table("urlwatch", uw)
                    for (p, _, cc, cpk, _, ca, _, _, _), (_, _, uc, upk, _, ua, _, _, _) in zip(rows, uw):
                        print("%-11s urlwatch/casefiled: CPU %.1f×, peak memory %.1f×, anonymous memory %.1f×" % (
                            p, uc / max(cc, 0.001), upk / max(cpk, 0.001), ua / max(ca, 0.001)))
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
