#!/usr/bin/env python3
"""A tiny SMTP sink for Casefile's tests (Python 3 standard library only).

Binds 127.0.0.1 on a port the kernel picks and prints it as the first line
of stdout. Speaks just enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT; no STARTTLS, no AUTH) and writes each accepted message to
--out DIR/<n>.json as {"from": ..., "to": [...], "data": "<message>"} (dot-
stuffing undone, CRLF kept). Exits when its stdin closes.

Usage: smtpsink.py --out DIR
"""
import argparse
import json
import os
import socketserver
import sys
import threading

counter_lock = threading.Lock()
counter = [0]


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 casefile-test-sink ESMTP")
        mail_from, rcpts = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-casefile-test-sink\r\n250 8BITMIME\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 casefile-test-sink")
            elif verb == "MAIL":
                mail_from, rcpts = line.split(":", 1)[1].strip().split(" ")[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(line.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    l = self.rfile.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    chunks.append(l)
                with counter_lock:
                    counter[0] += 1
                    n = counter[0]
                path = os.path.join(self.server.out, "%d.json" % n)
                with open(path + ".tmp", "w") as f:
                    json.dump({"from": mail_from, "to": rcpts, "data": b"".join(chunks).decode("utf-8", "replace")}, f)
                os.rename(path + ".tmp", path)
                self.reply("250 OK queued as %d" % n)
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    server.out = args.out
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
