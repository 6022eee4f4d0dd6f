#!/usr/bin/env python3
"""ONE nginx process listening on N consecutive 127.0.0.1 ports, modern TLS (scripts/bench scale rows).

Configured like origin.py's nginx-modern (same PKI from scripts/pki, RSA + ECDSA certificates,
session tickets off) but TLS 1.2 + 1.3 with ECDHE AEAD suites only, worker_processes 2 and room
for many connections. Expected suites: EXPECTED below.

  bench_nginx.py start N [--dir DIR]   prints {"kind","host","ports":[first,last],"pid","dir"}
  bench_nginx.py stop PID
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any, Optional

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))
sys.path.insert(0, os.path.join(ROOT, "scripts", "origins"))
import origin  # noqa: E402  (need, kill_group, AUTODIR_MARK)
import tlsprobe  # noqa: E402

HOST = "127.0.0.1"
CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
           "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
# OpenSSL's default TLS 1.3 suites (nginx sets none) + the six suites above.
EXPECTED = {
    "TLSv1.2": ["0xC02B", "0xC02C", "0xC02F", "0xC030", "0xCCA8", "0xCCA9"],
    "TLSv1.3": ["0x1301", "0x1302", "0x1303"],
}


def port_free(p: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # like nginx: a port whose earlier connections are still in TIME_WAIT can be listened on again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, p))
            return True
        except OSError:
            return False


def find_block(n: int, start: int = 20000, stop: int = 32768) -> int:
    """First run of n consecutive free ports in [start, stop) — below Linux's ephemeral range, so
    no client socket takes one of them as its source port during the run."""
    p = start
    while p + n <= stop:
        bad = next((q for q in range(p, p + n) if not port_free(q)), None)
        if bad is None:
            return p
        p = bad + 1
    raise RuntimeError("no %d consecutive free ports in %d-%d" % (n, start, stop))


def config(d: str, first: int, n: int, any_address: bool = False) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    os.makedirs(os.path.join(d, "nginx-tmp"), exist_ok=True)
    temps = "".join("  %s_temp_path %s;\n" % (t, os.path.join(d, "nginx-tmp", t))
                    for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # any_address: every loopback address (127.0.0.0/8), so targets can be spread over several addresses
    listens = "".join("    listen %s%d ssl;\n" % ("" if any_address else HOST + ":", p) for p in range(first, first + n))
    return """%sdaemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile %d;
pid %s/nginx.pid;
error_log %s/nginx-error.log warn;
events { worker_connections %d; }
http {
  access_log off;
%s  server {
%s    server_name localhost;
    ssl_certificate %s/rsa-fullchain.pem;
    ssl_certificate_key %s/rsa.key;
    ssl_certificate %s/ecdsa-fullchain.pem;
    ssl_certificate_key %s/ecdsa.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers %s;
    ssl_prefer_server_ciphers off;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_session_tickets off;
    location / { return 200 "ok\\n"; }
  }
}
""" % (user, max(16384, 4 * n + 8192), d, d, max(4096, n + 4096), temps, listens, d, d, d, d, CIPHERS)


def raise_nofile(n: int) -> None:
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, n))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def start(n: int, directory: Optional[str] = None, any_address: bool = False) -> dict[str, Any]:
    nginx = origin.need("nginx")
    auto = directory is None
    if directory is None:
        directory = tempfile.mkdtemp(prefix="tlsmatrix-bench-nginx-")
        open(os.path.join(directory, origin.AUTODIR_MARK), "w").close()
    d = os.path.abspath(directory)
    r = subprocess.run([os.path.join(ROOT, "scripts", "pki"), d], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError("scripts/pki failed: " + r.stderr.strip())
    raise_nofile(4 * n + 8192)
    last_err = ""
    for _ in range(4):
        first = find_block(n)
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(config(d, first, n, any_address))
        log = os.path.join(d, "nginx.log")
        with open(log, "w") as lf:
            proc = subprocess.Popen([nginx, "-p", d, "-e", os.path.join(d, "nginx-error.log"), "-c", conf],
                                    cwd=d, stdin=subprocess.DEVNULL, stdout=lf, stderr=subprocess.STDOUT,
                                    start_new_session=True, close_fds=True)
        deadline = time.time() + 20
        up = False
        while time.time() < deadline and proc.poll() is None:
            if tlsprobe.responds(HOST, first, timeout=1.0) and tlsprobe.responds(HOST, first + n - 1, timeout=1.0):
                up = True
                break
            time.sleep(0.1)
        if up:
            proc.returncode = 0
            return {"kind": "nginx-scale", "host": HOST, "ports": [first, first + n - 1], "count": n,
                    "pid": proc.pid, "dir": d, "expected": EXPECTED}
        origin.kill_group(proc.pid)
        last_err = origin.read_log(log) + origin.read_log(os.path.join(d, "nginx-error.log"))
        if "in use" not in last_err:
            break
    if auto:
        shutil.rmtree(d, ignore_errors=True)
    raise RuntimeError("nginx (%d ports) did not come up: %s" % (n, last_err.strip()[-1500:]))


def stop(pid: int) -> None:
    origin.stop(pid)


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) >= 2 and a[0] == "start":
        d = a[3] if len(a) == 4 and a[2] == "--dir" else None
        print(json.dumps(start(int(a[1]), d)), flush=True)
    elif len(a) == 2 and a[0] == "stop":
        stop(int(a[1]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
