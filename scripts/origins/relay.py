#!/usr/bin/env python3
"""A TCP relay for tests: listens on HOST:PORT (PORT 0 = ephemeral), forwards every connection to TO_HOST:TO_PORT.

    relay.py --listen 127.0.0.2:0 --to 127.0.0.1:8443
    relay.py --listen 127.0.0.1:0 --to 127.0.0.1:8443 --hold /tmp/dir
prints `LISTENING <port>` once bound, then serves until killed. Loopback addresses only.
With --max-suites it plays a hello-intolerant middlebox: a TLS ClientHello offering more cipher
suites than that is answered by closing the connection (no alert); smaller ones pass through.
With --hold DIR it holds every connection (accepted, nothing forwarded) until DIR/go exists, and
creates DIR/accepted when the first one arrives: a test can act while a client's first connection
is open and before the client goes on.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from typing import Optional


def hold(folder: Optional[str]) -> None:
    """Marks that a connection arrived, then waits (at most 120 s) for the test's go."""
    if folder is None:
        return
    open(os.path.join(folder, "accepted"), "a").close()
    for _ in range(12000):
        if os.path.exists(os.path.join(folder, "go")):
            return
        time.sleep(0.01)


def pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def read_exact(conn: socket.socket, n: int) -> Optional[bytes]:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def suite_count(record: bytes) -> Optional[int]:
    """Cipher suites offered by the ClientHello in one TLS record (None if it is not one)."""
    body = record[5:]
    if record[0] != 0x16 or len(body) < 4 or body[0] != 0x01:
        return None
    at = 4 + 2 + 32  # handshake header, client_version, random
    if len(body) < at + 1:
        return None
    at += 1 + body[at]  # session id
    if len(body) < at + 2:
        return None
    return int.from_bytes(body[at:at + 2], "big") // 2


def serve(conn: socket.socket, target: tuple[str, int], max_suites: Optional[int] = None,
          hold_folder: Optional[str] = None) -> None:
    hold(hold_folder)
    first = b""
    if max_suites is not None:
        header = read_exact(conn, 5)
        if header is None:
            conn.close()
            return
        body = read_exact(conn, int.from_bytes(header[3:5], "big")) or b""
        first = header + body
        count = suite_count(first)
        if count is not None and count > max_suites:
            conn.close()
            return
    try:
        upstream = socket.create_connection(target, timeout=10)
        upstream.settimeout(None)
        if first:
            upstream.sendall(first)
    except OSError:
        conn.close()
        return
    threading.Thread(target=pipe, args=(conn, upstream), daemon=True).start()
    pipe(upstream, conn)


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host.startswith("127."):
        raise argparse.ArgumentTypeError(f"{text}: loopback IPv4 addresses only")
    return host, int(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", type=address, required=True)
    parser.add_argument("--to", type=address, required=True)
    parser.add_argument("--max-suites", type=int, default=None)
    parser.add_argument("--hold", default=None)
    args = parser.parse_args()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(args.listen)
    server.listen(128)
    print(f"LISTENING {server.getsockname()[1]}", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, args.to, args.max_suites, args.hold), daemon=True).start()


if __name__ == "__main__":
    main()
