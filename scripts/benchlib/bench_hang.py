#!/usr/bin/env python3
"""A hanging origin for scripts/bench: accepts TCP connections on 127.0.0.1 and never sends a byte.

  bench_hang.py [--port N]   prints {"port": P, "pid": PID} and serves until SIGTERM/SIGINT.
Accepted sockets are kept open (and drained) so the client sees neither data nor a close.
"""
import json
import os
import selectors
import signal
import socket
import sys


def main() -> None:
    port = 0
    if len(sys.argv) == 3 and sys.argv[1] == "--port":
        port = int(sys.argv[2])
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1024)
    srv.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(json.dumps({"port": srv.getsockname()[1], "pid": os.getpid()}), flush=True)
    while True:
        for key, _ in sel.select():
            if key.fileobj is srv:
                try:
                    c, _ = srv.accept()
                except OSError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
            else:
                conn: socket.socket = key.fileobj  # type: ignore[assignment]  # only sockets are registered
                try:
                    data = conn.recv(65536)
                except OSError:
                    data = b""
                if not data:  # the client gave up: forget it
                    sel.unregister(conn)
                    conn.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
