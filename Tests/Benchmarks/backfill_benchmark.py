#!/usr/bin/env python3
"""Backfill benchmark: a cold sync of many real reports from 127.0.0.1.

The PDFs of the shared corpus (../shared/corpus/pdf, never copied into the
repository) are served again and again under distinct URLs until there are
--documents of them (default 1,300: about all of England's children's
services reports since 2013), listed by a JSON feed, with no politeness
delay. casefiled starts on an empty store and syncs them; the run ends when
`status` shows the sync done.

Printed for each build given (--bin, and --baseline for another build, e.g.
an earlier commit's, side by side): wall time, CPU seconds (the daemon and
every child it started, e.g. extraction helpers), documents per second, CPU
per document, CPU ÷ wall (2.0 is both cores busy), the peak anonymous
memory of the daemon and of its children (sampled every 50 ms), reports
stored, and fsync calls per document when strace is there to count them.

With --texts N, the documents are instead N plain-text reports made from
the corpus (the text of each PDF as casefilectl parse extracts it), and
urlwatch runs on the same files when pip can install it (--urlwatch).

    make release
    python3 Tests/Benchmarks/backfill_benchmark.py --bin .build/release [--baseline DIR] [--documents 1300]
    python3 Tests/Benchmarks/backfill_benchmark.py --bin .build/release --texts 150 --urlwatch
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_benchmark as sb  # noqa: E402  (the same server, /proc readers and urlwatch runner)

ROOT = sb.ROOT
CORPUS = os.environ.get("CASEFILE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


def corpus_pdfs():
    pdfs = sorted(glob.glob(os.path.join(CORPUS, "corpus", "pdf", "*.pdf")))
    if not pdfs:
        raise SystemExit("no corpus: %s/corpus/pdf has no PDFs (set CASEFILE_SHARED)" % CORPUS)
    return pdfs


def serve_pdfs(www, count):
    pdfs = corpus_pdfs()
    os.makedirs(os.path.join(www, "d"), exist_ok=True)
    paths = []
    for i in range(count):
        path = "d/%05d.pdf" % i
        os.link(pdfs[i % len(pdfs)], os.path.join(www, path))
        paths.append(path)
    return paths


def serve_texts(www, count, bindir):
    """The corpus PDFs' texts, cycled to `count` files; each copy gets a
    different name, so each is a document of its own (a republished report,
    as far as the differ is concerned, after the first)."""
    texts = []
    for pdf in corpus_pdfs():
        out = subprocess.run([os.path.join(bindir, "casefilectl"), "parse", pdf, "--text"], capture_output=True)
        if out.returncode == 0 and out.stdout.strip():
            texts.append(out.stdout)
    if not texts:
        raise SystemExit("casefilectl parse --text gave no text")
    os.makedirs(os.path.join(www, "t"), exist_ok=True)
    paths = []
    for i in range(count):
        path = "t/%05d.txt" % i
        with open(os.path.join(www, path), "wb") as f:
            f.write(texts[i % len(texts)])
        paths.append(path)
    return paths


def family(pid):
    """The daemon and its descendants."""
    kids = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = open(stat).read().rsplit(")", 1)[1].split()
            kids.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
        except OSError:
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_with_children(pid):
    total = 0.0
    for p in family(pid):
        try:
            fields = open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()
            # utime, stime, and cutime, cstime of children already reaped.
            total += sum(int(x) for x in fields[11:15]) / sb.CLK_TCK
        except OSError:
            continue
    return total


class Sampler(threading.Thread):
    """Peak anonymous memory of the daemon and of its children, every 50 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.daemon_anon, self.children_anon, self.stop = pid, 0.0, 0.0, False

    def run(self):
        while not self.stop:
            kids = 0.0
            for p in family(self.pid):
                try:
                    anon = sb.status(p).get("RssAnon", 0.0)
                except OSError:
                    continue
                if p == self.pid:
                    self.daemon_anon = max(self.daemon_anon, anon)
                else:
                    kids += anon
            self.children_anon = max(self.children_anon, kids)
            time.sleep(0.05)


def run(bindir, work, server, paths, label, count_fsyncs=False):
    """One cold sync. With count_fsyncs the daemon runs under strace (only
    fsync and fdatasync stop it, through --seccomp-bpf), and only the fsync
    count of that run is used: tracing costs CPU that is not the daemon's."""
    state = os.path.join(work, "state-%s%s" % (label, "-strace" if count_fsyncs else ""))
    shutil.rmtree(state, ignore_errors=True)
    www = os.path.join(work, "www")
    with open(os.path.join(www, "feed.json"), "w") as f:
        json.dump([server.base + "/" + p for p in paths], f)
    config = os.path.join(work, "casefiled-%s.toml" % label)
    with open(config, "w") as f:
        f.write(
            '[daemon]\nstate_dir = "%s"\nsocket = "ctl-%s.sock"\ninterval = "24h"\n'
            '[fetch]\nper_host_delay = "0s"\nper_host_concurrency = 8\nconcurrency = 8\n'
            '[[source]]\nname = "backfill"\nkind = "feed"\nformat = "json"\nurl = "%s/feed.json"\n' % (state, label, server.base))
    sock = os.path.join(work, "ctl-%s.sock" % label)
    log = open(os.path.join(work, "casefiled-%s.log" % label), "w")
    ctl = lambda *a: subprocess.run([os.path.join(bindir, "casefilectl")] + list(a) + ["--socket", sock], capture_output=True, text=True)
    server.reset()
    t0 = time.monotonic()
    counts = os.path.join(work, "strace-%s.txt" % label)
    prefix = ["strace", "-f", "--seccomp-bpf", "-c", "-e", "trace=fsync,fdatasync", "-o", counts] if count_fsyncs else []
    daemon = subprocess.Popen(prefix + [os.path.join(bindir, "casefiled"), "--config", config], stdout=log, stderr=log)
    sampler = Sampler(daemon.pid)
    sampler.start()
    while True:
        out = ctl("status", "--json")
        if out.returncode == 0 and json.loads(out.stdout).get("lastSync"):
            break
        if daemon.poll() is not None or time.monotonic() - t0 > 3600:
            raise SystemExit("%s: the sync did not finish; see %s" % (label, log.name))
        time.sleep(0.1)
    wall = time.monotonic() - t0
    cpu = cpu_with_children(daemon.pid)
    sampler.stop = True
    reports = json.loads(ctl("status", "--json").stdout)["reports"]
    fsyncs = None
    if count_fsyncs:
        # strace lets its child run on when it is itself signalled: stop the
        # daemon, and strace ends with it, writing its counts.
        for p in family(daemon.pid)[1:]:
            if open("/proc/%d/comm" % p).read().strip() == "casefiled":
                os.kill(p, 15)
    else:
        daemon.terminate()
    daemon.wait()
    if count_fsyncs:
        text = open(counts).read() if os.path.exists(counts) else ""
        fsyncs = sum(int(m.group(1)) for m in re.finditer(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?f(?:data)?sync", text, re.M))
    return {"label": label, "documents": len(paths), "wall": wall, "cpu": cpu, "reports": reports, "fsyncs": fsyncs,
            "anon": sampler.daemon_anon, "children_anon": sampler.children_anon}


def print_rows(rows):
    print("%-10s %6s %8s %8s %7s %9s %8s %11s %13s %8s %11s" % (
        "build", "docs", "wall s", "CPU s", "docs/s", "CPU ms/doc", "CPU/wall", "anon MiB", "helpers MiB", "reports", "fsync/doc"))
    for r in rows:
        print("%-10s %6d %8.1f %8.1f %7.1f %9.1f %8.2f %11.1f %13.1f %8d %11s" % (
            r["label"], r["documents"], r["wall"], r["cpu"], r["documents"] / r["wall"], 1000 * r["cpu"] / r["documents"],
            r["cpu"] / r["wall"], r["anon"], r["children_anon"], r["reports"],
            "%.3f" % (r["fsyncs"] / r["documents"]) if r["fsyncs"] is not None else "–"))
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    ap.add_argument("--baseline", help="another build's folder (an earlier commit's), run the same way")
    ap.add_argument("--documents", type=int, default=1300)
    ap.add_argument("--texts", type=int, help="serve this many report texts instead of PDFs")
    ap.add_argument("--urlwatch", action="store_true", help="with --texts: urlwatch on the same files")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cfbackfill-")
    try:
        www = os.path.join(work, "www")
        os.makedirs(www)
        paths = serve_texts(www, args.texts, args.bin) if args.texts else serve_pdfs(www, args.documents)
        sizes = [os.path.getsize(os.path.join(www, p)) for p in paths]
        print("%d documents (%s), %.0f KB each on average, %.0f MB in all, from 127.0.0.1; %d cores\n" % (
            len(paths), "report texts" if args.texts else "corpus PDFs", sum(sizes) / len(sizes) / 1024, sum(sizes) / 1e6,
            os.cpu_count()))
        server = sb.Server(www)
        try:
            builds = [("this", args.bin)] + ([("baseline", args.baseline)] if args.baseline else [])
            rows = []
            for label, bindir in builds:
                row = run(bindir, work, server, paths, label)
                if shutil.which("strace"):
                    row["fsyncs"] = run(bindir, work, server, paths, label, count_fsyncs=True)["fsyncs"]
                rows.append(row)
            print_rows(rows)
            if args.texts and args.urlwatch:
                uw, why = sb.run_urlwatch(work, server, paths, 0)
                if uw is None:
                    print("urlwatch: not run: %s" % why)
                else:
                    _, wall, cpu, _, _, anon, _, _, _ = uw[0]
                    print("urlwatch, cold: %.1f s wall, %.2f CPU-s, %.1f MiB anonymous; casefiled/urlwatch CPU: %.2f×" % (
                        wall, cpu, anon, rows[0]["cpu"] / max(cpu, 0.001)))
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
