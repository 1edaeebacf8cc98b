#!/usr/bin/env python3
"""The dashboard from a real store: what a request or a publishing costs.

`make bench-dashboard` times the page's rendering from a snapshot in memory.
This one runs the release `casefiled` on a store of N synthetic reports
(default 2,000, over the 153 authorities) and times what the daemon does
after every sync that changed something: the store queries that fill the
snapshot, the rendering, and writing the four published files. It prints:
- GET /v1/dashboard, /v1/due and /v1/metrics on the socket: median and
  slowest of R requests (the snapshot and the rendering, and the transfer);
- the publisher's own figure for a whole writing (from its log line);
- the daemon's peak resident memory before and after the requests.

Run on a release build:
    make release
    python3 Tests/Benchmarks/dashboard_store_benchmark.py [--bin .build/release] [--reports 2000] [--runs 20]

The reports are made from the Redbridge fixture (one per authority and
date, grades varied) and exist only in a temporary folder.
"""
import argparse
import csv
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "redbridge-2019-ilacs.txt")
AUTHORITIES = os.path.join(ROOT, "Sources", "CasefileParse", "Data", "local-authorities.csv")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
GRADES = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]


def make_reports(folder, count):
    text = open(FIXTURE, encoding="utf-8").read()
    names = [row["name"] for row in csv.DictReader(open(AUTHORITIES, encoding="utf-8"))]
    for i in range(count):
        name = names[i % len(names)]
        k = i // len(names)
        year, month = 2013 + k, MONTHS[(i * 7) % 12]
        body = text.replace("London Borough of Redbridge", name, 1)
        body = body.replace("Inspection dates: 29 April 2019 to 3 May 2019", "Inspection dates: 1 %s %d to 12 %s %d" % (month, year, month, year))
        grade = GRADES[(i + k) % 4]
        body = body.replace("Overall effectiveness\tOutstanding", "Overall effectiveness\t" + grade)
        body = body.replace("families\tOutstanding", "families\t" + GRADES[(i + 2 * k) % 4])
        with open(os.path.join(folder, "report-%04d.txt" % i), "w", encoding="utf-8") as f:
            f.write(body)


def get(sock_path, target):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall(("GET %s HTTP/1.1\r\nHost: casefiled\r\nConnection: close\r\n\r\n" % target).encode())
    chunks = []
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        chunks.append(b)
    s.close()
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body


def peak_rss_mib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    p.add_argument("--reports", type=int, default=2000)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--keep", help="copy the store to this path at the end (to look at its queries)")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="cfdashbench")
    try:
        inbox = os.path.join(work, "inbox")
        os.makedirs(inbox)
        make_reports(inbox, a.reports)
        sock = os.path.join(work, "ctl.sock")
        config = os.path.join(work, "casefiled.toml")
        with open(config, "w") as f:
            f.write('[daemon]\nstate_dir = "state"\nsocket = "ctl.sock"\ninterval = "1d"\n\n'
                    '[[source]]\nname = "inbox"\nkind = "directory"\nurl = "inbox"\n\n'
                    '[publish]\nfolder = "public"\n')
        log = open(os.path.join(work, "daemon.log"), "w")
        daemon = subprocess.Popen([os.path.join(a.bin, "casefiled"), "--config", config], stdout=log, stderr=log)
        def ctl(*args):
            return [os.path.join(a.bin, "casefilectl")] + list(args) + ["--socket", sock]
        try:
            start = time.time()
            while time.time() - start < 60:
                if subprocess.run(ctl("status"), capture_output=True).returncode == 0:
                    break
                time.sleep(0.1)
            t0 = time.time()
            sync = subprocess.run(ctl("sync", "--wait", "--json"), capture_output=True, text=True)
            print("store: %d reports, synced in %.1f s (the start-up sync and a second one)" % (a.reports, time.time() - t0))
            if sync.returncode != 0:
                sys.exit("sync failed: %s" % sync.stderr)
            # Let the publisher write after the sync's changes.
            text = ""
            for _ in range(300):
                text = open(os.path.join(work, "daemon.log")).read()
                if "published the dashboard" in text:
                    break
                time.sleep(0.1)
            before = peak_rss_mib(daemon.pid)
            print("%-16s %10s %10s %10s" % ("request", "median ms", "slowest ms", "bytes"))
            for target in ["/v1/dashboard", "/v1/due?within=120", "/v1/metrics"]:
                times, size = [], 0
                for _ in range(a.runs):
                    t = time.perf_counter()
                    status, body = get(sock, target)
                    times.append((time.perf_counter() - t) * 1000)
                    if status != 200:
                        sys.exit("%s: HTTP %d" % (target, status))
                    size = len(body)
                print("%-16s %10.1f %10.1f %10d" % (target.split("?")[0], statistics.median(times), max(times), size))
            written = re.findall(r"published the dashboard, grades and feed to \S+ \((\d+) bytes, (\d+) ms\)", open(os.path.join(work, "daemon.log")).read())
            for size, ms in written:
                print("publisher: a whole writing (snapshot, page, exports, feed, 4 renames): %s ms, %s bytes" % (ms, size))
            print("daemon peak RSS: %.1f MiB after the syncs, %.1f MiB after the requests" % (before, peak_rss_mib(daemon.pid)))
        finally:
            daemon.terminate()
            daemon.wait(15)
            if a.keep:
                shutil.copy(os.path.join(work, "state", "casefile.sqlite"), a.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
