#!/usr/bin/env python3
"""A real FTP server for Casefile's tests (pyftpdlib, from Debian's
python3-pyftpdlib or PyPI's pyftpdlib).

It binds 127.0.0.1 only, on a port the kernel picks, prints that port as the
first line of stdout, and serves --root read-only to one user. It exits when
its stdin closes (the test process ended) or on SIGTERM.

Usage: ftpserver.py --root DIR --user USER --password PASSWORD
Exit status 3 when pyftpdlib is not installed (the test then skips).
"""

import argparse
import logging
import os
import signal
import sys
import threading

try:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer
except ImportError:
    sys.stderr.write("ftpserver.py: pyftpdlib is not installed (apt-get install python3-pyftpdlib)\n")
    sys.exit(3)


def main():
    parser = argparse.ArgumentParser(description="Casefile's test FTP server (127.0.0.1 only).")
    parser.add_argument("--root", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    # Same reasons as in httpserver.py: take back the default signal mask,
    # and never close inherited descriptors.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logging.basicConfig(level=logging.ERROR)

    authorizer = DummyAuthorizer()
    # e: change folder, l: list, r: retrieve. Nothing may be written.
    authorizer.add_user(args.user, args.password, os.path.realpath(args.root), perm="elr")
    handler = FTPHandler
    handler.authorizer = authorizer
    handler.banner = "casefile test ftp"
    server = FTPServer(("127.0.0.1", 0), handler)

    def watch():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()

    print(server.socket.getsockname()[1], flush=True)
    server.serve_forever(timeout=0.2)


if __name__ == "__main__":
    main()
