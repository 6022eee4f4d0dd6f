#!/usr/bin/env python3
"""SSLv3-only TLS origin built on tlslite-ng (run with the repo's .venv python).

usage: tlslite_server.py --cert FULLCHAIN.pem --key KEY.pem [--host 127.0.0.1] [--port 0]
       [--min 3.0] [--max 3.0] [--alpn http/1.1]
With --alpn it answers ALPN with that protocol (tlslite-ng 0.8.2 fails a TLS 1.3 handshake whose ClientHello
offers ALPN when the server has no ALPN list: curl's does).
Prints "LISTENING <port>" once bound, then serves forever: every connection is handled
in its own daemon thread, and any error (garbage input, handshake failure, timeouts)
only closes that connection.
"""
from __future__ import annotations

import argparse
import socket
import sys
import threading
from typing import Any, Optional

from tlslite.api import HandshakeSettings, TLSConnection, X509CertChain, parsePEMKey


def parse_version(s: str) -> tuple[int, int]:
    major, minor = s.split(".")
    return (int(major), int(minor))


def handle(conn: socket.socket, chain: X509CertChain, key: Any, settings: HandshakeSettings,
           alpn: Optional[list[bytearray]] = None) -> None:
    try:
        conn.settimeout(10)
        tls = TLSConnection(conn)
        tls.handshakeServer(certChain=chain, privateKey=key, settings=settings, alpn=alpn)
        try:
            tls.read(max=4096)
        except Exception:
            pass
        try:
            tls.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n")
            tls.close()
        except Exception:
            pass
    except BaseException:  # never let a connection take the server down
        pass
    finally:
        try:
            conn.close()
        except Exception:
            pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--min", default="3.0")
    ap.add_argument("--max", default="3.0")
    ap.add_argument("--alpn", default=None)
    a = ap.parse_args()

    with open(a.cert) as f:
        chain = X509CertChain()
        chain.parsePemList(f.read())
    with open(a.key) as f:
        key = parsePEMKey(f.read(), private=True)
    settings = HandshakeSettings()
    settings.minVersion = parse_version(a.min)
    settings.maxVersion = parse_version(a.max)
    settings = settings.validate()

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.host, a.port))
    srv.listen(128)
    print("LISTENING %d" % srv.getsockname()[1], flush=True)
    while True:
        try:
            conn, _ = srv.accept()
        except InterruptedError:
            continue
        except OSError as e:
            print("accept failed: %s" % e, file=sys.stderr, flush=True)
            continue
        threading.Thread(target=handle, args=(conn, chain, key, settings,
                                                   [bytearray(a.alpn, "ascii")] if a.alpn else None), daemon=True).start()


if __name__ == "__main__":
    main()
