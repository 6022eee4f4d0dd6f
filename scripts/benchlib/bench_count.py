#!/usr/bin/env python3
"""Count the TCP connections a process makes to given 127.0.0.1 ports (scripts/bench).

Two methods with one interface:
  Tcpdump  captures the client SYNs (SYN set, ACK clear) sent to the ports on `lo` and counts distinct
           (source port, destination port, initial sequence number), so a retransmitted SYN is one
           connection. The tool talks to the origin directly.
  Relay    a counting TCP relay (bench_relay.py) in front of each port; the tool is pointed at the
           relay's port and every accepted connection is counted. Used where capture on lo does not
           work (e.g. gVisor); adds a hop of latency.
Usage:  c.begin([ports]); run the tool against c.target(port); n = c.end()
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Iterable, Optional, Union

LIB = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"


def _port_filter(wanted: Iterable[int]) -> str:
    ports = sorted(set(wanted))
    if len(ports) == 1:
        return "dst port %d" % ports[0]
    if ports[-1] - ports[0] + 1 == len(ports):
        return "dst portrange %d-%d" % (ports[0], ports[-1])
    return "(" + " or ".join("dst port %d" % p for p in ports) + ")"


def read_pcap_syns(path: str) -> list[tuple[str, int, int, int]]:
    """-> list of (src, sport, dport, seq) for IPv4/TCP packets in a pcap file (Ethernet or raw/Linux SLL)."""
    out: list[tuple[str, int, int, int]] = []
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return out
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("not a pcap file (pcapng?)")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        pkt = data[off + 16: off + 16 + incl]
        off += 16 + incl
        if linktype == 1:      # Ethernet
            if len(pkt) < 14 or pkt[12:14] != b"\x08\x00":
                continue
            ip = pkt[14:]
        elif linktype == 113:  # Linux cooked
            if len(pkt) < 16 or pkt[14:16] != b"\x08\x00":
                continue
            ip = pkt[16:]
        elif linktype in (12, 101):  # raw IP
            ip = pkt
        else:
            continue
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 0x0F) * 4
        tcp = ip[ihl:]
        if len(tcp) < 14:
            continue
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        flags = tcp[13]
        if flags & 0x02 and not flags & 0x10:
            out.append((socket.inet_ntoa(ip[12:16]), sport, dport, seq))
    return out


class Tcpdump:
    method = "tcpdump"
    description = ("client SYN packets (SYN set, ACK clear) captured with tcpdump on lo, filtered by destination "
                   "port; distinct (source port, destination port, ISN) = one connection attempt")

    def __init__(self, workdir: str) -> None:
        self.workdir = workdir
        self.proc: Optional[subprocess.Popen[bytes]] = None

    def begin(self, ports: Iterable[int]) -> None:
        self.ports = list(ports)
        # tcpdump drops privileges to its own user before opening the file unless told -Z root
        self.pcap = os.path.join(tempfile.mkdtemp(prefix="bench-cap-", dir=self.workdir), "syn.pcap")
        self.errpath = self.pcap + ".err"
        flt = "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and " + _port_filter(self.ports)
        self.err = open(self.errpath, "w")
        self.proc = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-Z", "root", "-s", "96", "-B", "32768", "-U", "--immediate-mode",
                                      "-w", self.pcap, flt],
                                     stdout=subprocess.DEVNULL, stderr=self.err, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("tcpdump exited: " + self._errtext())
            if "listening on" in self._errtext():
                return
            time.sleep(0.02)
        self._kill()
        raise RuntimeError("tcpdump did not start listening within 15 s")

    def target(self, port: int) -> int:
        return port

    def _errtext(self) -> str:
        try:
            with open(self.errpath) as f:
                return f.read()
        except OSError:
            return ""

    def _kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def end(self) -> dict[str, Any]:
        time.sleep(0.3)  # let tcpdump read what the kernel already queued
        assert self.proc is not None, "end() before begin()"
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._kill()
        self.err.close()
        text = self._errtext()
        dropped = 0
        for line in text.splitlines():
            if "dropped by kernel" in line:
                try:
                    dropped = int(line.split()[0])
                except ValueError:
                    pass
        syns = read_pcap_syns(self.pcap)
        distinct = {(s, sp, dp, seq) for (s, sp, dp, seq) in syns}
        shutil.rmtree(os.path.dirname(self.pcap), ignore_errors=True)
        return {"connections": len(distinct), "synPackets": len(syns), "dropped": dropped}


class Relay:
    method = "relay"
    description = ("connections accepted by a counting TCP relay (scripts/benchlib/bench_relay.py, python asyncio) put "
                   "in front of each origin port; every tool was pointed at the relay")

    def __init__(self, workdir: str) -> None:
        self.workdir = workdir
        self.proc: Optional[subprocess.Popen[str]] = None

    def begin(self, ports: Iterable[int]) -> None:
        self.ports = list(ports)
        fd, pf = tempfile.mkstemp(prefix="bench-relay-", suffix=".ports", dir=self.workdir)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(str(p) for p in self.ports))
        self.proc = subprocess.Popen([sys.executable, os.path.join(LIB, "bench_relay.py"), "--ports-file", pf],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True)
        assert self.proc.stdout is not None  # stdout=PIPE
        line = self.proc.stdout.readline()
        os.unlink(pf)
        if not line:
            raise RuntimeError("relay did not start")
        self.map: dict[int, int] = {int(k): v for k, v in json.loads(line)["ready"].items()}

    def target(self, port: int) -> int:
        return self.map[port]

    def stop(self, settle: float = 0.1) -> str:
        """Waits `settle` s for closes still in flight, stops the relay (SIGTERM, SIGKILL after 20 s) and returns
        what it printed."""
        time.sleep(settle)
        assert self.proc is not None, "end() before begin()"
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, _ = self.proc.communicate()
        return out

    def end(self) -> dict[str, Any]:
        out = self.stop()
        n = None
        for line in out.splitlines():
            try:
                n = json.loads(line)["accepted"]
            except (ValueError, KeyError):
                pass
        return {"connections": n, "synPackets": None, "dropped": 0}


# what scripts/benchlib/bench.py counts connections with
Counter = Union[Tcpdump, Relay]


def self_test(counter: Counter, n: int = 5) -> tuple[bool, dict[str, Any]]:
    """Open n connections to a local listener while counting; True when exactly n were counted."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, 0))
    srv.listen(64)
    port = srv.getsockname()[1]
    stop = threading.Event()

    def accept_loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
                c.close()
            except OSError:
                pass
    t = threading.Thread(target=accept_loop, daemon=True)
    t.start()
    try:
        counter.begin([port])
        for _ in range(n):
            with socket.create_connection((HOST, counter.target(port)), timeout=2) as s:
                s.recv(1)
        r = counter.end()
        return r["connections"] == n, r
    except Exception as e:  # noqa: BLE001 - any failure means: do not use this method
        return False, {"error": str(e)}
    finally:
        stop.set()
        t.join()
        srv.close()


def choose(workdir: str, wanted: str = "auto") -> tuple[Counter, str]:
    """-> (counter, note). wanted: auto | tcpdump | relay."""
    if wanted in ("auto", "tcpdump"):
        dump = Tcpdump(workdir)
        ok, r = self_test(dump)
        if ok:
            return dump, "tcpdump self-test: 5 of 5 test connections counted"
        if wanted == "tcpdump":
            raise RuntimeError("tcpdump on lo does not work here: %s" % r)
        note = "tcpdump on lo failed its self-test (%s); fell back to the relay" % r
    else:
        note = "relay requested (--count relay)"
    c = Relay(workdir)
    ok, r = self_test(c)
    if not ok:
        raise RuntimeError("relay self-test failed: %s" % r)
    return c, note
