#!/usr/bin/env python3
"""A TCP relay for tests: listens on HOST:PORT (PORT 0 = ephemeral), forwards every connection to TO_HOST:TO_PORT.

    relay.py --listen 127.0.0.2:0 --to 127.0.0.1:8443
    relay.py --listen 127.0.0.1:0 --to 127.0.0.1:8443 --hold /tmp/dir
    relay.py --listen 127.0.0.1:0 --to 127.0.0.1:8443 --latency-ms 50 --reset-share 0.2 --seed 7 --log /tmp/relay.jsonl
    relay.py --summarize /tmp/relay.jsonl
    relay.py --listen 127.0.0.1:0 --to 127.0.0.1:8443 --capture /tmp/handshakes.jsonl
prints `LISTENING <port>` once bound, then serves until killed. Loopback addresses only.
With --max-suites it plays a hello-intolerant middlebox: a TLS ClientHello offering more cipher
suites than that is answered by closing the connection (no alert); smaller ones pass through.
With --hold DIR it holds every connection (accepted, nothing forwarded) until DIR/go exists, and
creates DIR/accepted when the first one arrives: a test can act while a client's first connection
is open and before the client goes on.

Network faults (the test kernels have no netem):
  --latency-ms MS   adds MS of one-way delay in each direction (a round trip costs 2*MS more); bytes
                    keep their order, and a FIN or RST from one side reaches the other MS later.
  --reset-share F, --stall-share G, --seed N
                    connection k (accept order, from 0) takes the k-th draw u of random.Random(N):
                    u < F: reset (the ClientHello is read, nothing forwarded, the client gets a TCP RST);
                    else u < F+G: stalled (the ClientHello is read, then nothing is sent or forwarded
                    until the client closes, at most 120 s); else forwarded.
  --throttle N      a connection that would be more than N accepted within the last second is reset
                    after its ClientHello ("throttled"), whatever its draw.
  --log FILE        one JSON line per ended connection: {"index", "fate", "start", "end"} (time.monotonic()).
  --capture FILE    a passive capture of every forwarded connection: one JSON line per ended connection with what
                    the plaintext part of its handshake shows (capture_summary: version, suite, group, whether a
                    HelloRetryRequest came, the DH group size, plaintext alerts of either side). Not with --latency-ms.
  --summarize FILE  prints {"connections", "forwarded", "reset", "stalled", "throttled", "rounds"} for such a
                    log; rounds is the longest chain of connections each starting after the previous ended.
"""
from __future__ import annotations

import argparse
import collections
import ipaddress
import json
import math
import os
import queue
import random
import socket
import struct
import sys
import threading
import time
from typing import Callable, Iterable, Optional

HELLO_LIMIT = 20 * 1024      # bytes of a ClientHello read before a reset or stall
HELLO_TIMEOUT = 10.0         # seconds to wait for it
STALL_LIMIT = 120.0          # seconds a stalled connection waits for the client to close
THROTTLE_SPAN = 1.0          # the sliding window of --throttle, seconds
FATES = ("forwarded", "reset", "stalled", "throttled", "held")


# --- pure parts ------------------------------------------------------------------------------------

def decide_fate(u: float, reset_share: float, stall_share: float) -> str:
    """The fate of a connection whose draw is u (in [0, 1)): reset, stalled or forwarded."""
    if u < reset_share:
        return "reset"
    if u < reset_share + stall_share:
        return "stalled"
    return "forwarded"


def fate_sequence(seed: int, count: int, reset_share: float, stall_share: float) -> list[str]:
    """The fates of the first `count` connections for a seed (throttling aside), as the relay draws them."""
    rng = random.Random(seed)
    return [decide_fate(rng.random(), reset_share, stall_share) for _ in range(count)]


class SlidingWindow:
    """Accept times within the last `span` seconds. `admit(now)` records a connection accepted at `now`
    (every one counts, admitted or not) and says whether it is within the limit: False when it would be
    more than `limit` connections accepted within the window."""

    def __init__(self, limit: Optional[int], span: float = THROTTLE_SPAN) -> None:
        self.limit = limit
        self.span = span
        self.times: collections.deque[float] = collections.deque()

    def admit(self, now: float) -> bool:
        while self.times and now - self.times[0] >= self.span:
            self.times.popleft()
        within = self.limit is None or len(self.times) < self.limit
        self.times.append(now)
        return within


def rounds(spans: Iterable[tuple[float, float]]) -> int:
    """The longest chain of connections each of which started after (or when) the previous one ended:
    depth(c) = 1 + max depth of the connections d with d.end <= c.start; the answer is the largest depth
    (0 for none). Connections are taken in (start, end, position) order and d counts for c only when it
    comes first, so zero-length connections at one instant chain in log order instead of looping."""
    items = [(float(start), float(end), position) for position, (start, end) in enumerate(spans)]
    by_start = sorted(items)
    by_end = sorted(items, key=lambda item: (item[1], item[0], item[2]))
    depth: dict[int, int] = {}
    best_ended = 0   # the largest depth among the connections taken from by_end so far
    taken = 0
    for start, _end, position in by_start:
        while taken < len(by_end) and by_end[taken][1] <= start and by_end[taken][2] in depth:
            best_ended = max(best_ended, depth[by_end[taken][2]])
            taken += 1
        depth[position] = best_ended + 1
    return max(depth.values(), default=0)


def summarize(lines: Iterable[str]) -> dict[str, int]:
    """The --summarize object for the lines of a log (blank lines skipped; "held" connections, which were
    forwarded after the hold, count as forwarded). Raises ValueError on a line that is not a log entry."""
    counts = {"forwarded": 0, "reset": 0, "stalled": 0, "throttled": 0}
    spans: list[tuple[float, float]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            fate, start, end = entry["fate"], float(entry["start"]), float(entry["end"])
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"line {number}: not a relay log entry ({error}): {line.strip()[:200]}") from None
        if fate not in FATES:
            raise ValueError(f"line {number}: unknown fate {fate!r}")
        counts["forwarded" if fate == "held" else fate] += 1
        spans.append((start, end))
    return {"connections": len(spans), **counts, "rounds": rounds(spans)}


# --- passive handshake capture (--capture) ---------------------------------------------------------

# RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
# every RFC 7919 ffdhe prime starts and ends with 64 one bits, then these 64 bits of e
FFDHE_PREFIX = bytes.fromhex("FFFFFFFFFFFFFFFFADF85458A2BB4A9A")
VERSION_NAMES = {0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}


def suite_kinds() -> dict[int, str]:
    """IANA code -> key exchange family ("ECDHE", "DHE", other) from Data/cipher-suites.json's IANA names."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "Data", "cipher-suites.json")
    kinds: dict[int, str] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for s in json.load(f)["suites"]:
                name = s.get("iana") or ""
                kind = "ECDHE" if name.startswith("TLS_ECDHE_") else "DHE" if name.startswith("TLS_DHE_") else "other"
                kinds[int(s["code"], 16)] = kind
    except (OSError, ValueError, KeyError):
        pass
    return kinds


SUITE_KINDS: Optional[dict[int, str]] = None


def suite_kind(code: int) -> str:
    global SUITE_KINDS
    if SUITE_KINDS is None:
        SUITE_KINDS = suite_kinds()
    return SUITE_KINDS.get(code, "other")


def parse_server_hello(body: bytes) -> Optional[dict]:
    """A ServerHello (or HelloRetryRequest) body: version (supported_versions when present), suite, the key_share
    group (ServerHello: the share's group; HRR: the selected group), and whether it is a HelloRetryRequest."""
    try:
        legacy = int.from_bytes(body[0:2], "big")
        random_ = body[2:34]
        at = 34
        at += 1 + body[at]
        suite = int.from_bytes(body[at:at + 2], "big")
        at += 3  # suite, compression
        version, group = legacy, None
        if len(body) >= at + 2:
            end = at + 2 + int.from_bytes(body[at:at + 2], "big")
            at += 2
            while at + 4 <= end:
                ext, n = int.from_bytes(body[at:at + 2], "big"), int.from_bytes(body[at + 2:at + 4], "big")
                data = body[at + 4:at + 4 + n]
                if ext == 0x002B and len(data) >= 2:
                    version = int.from_bytes(data[0:2], "big")
                elif ext == 0x0033 and len(data) >= 2:
                    group = int.from_bytes(data[0:2], "big")
                at += 4 + n
    except IndexError:
        return None
    return {"version": version, "suite": suite, "group": group, "helloRetry": random_ == HRR_RANDOM}


def parse_key_exchange(body: bytes, kind: str) -> dict:
    """A TLS <= 1.2 ServerKeyExchange: the named curve (ECDHE) or the size of the prime (DHE)."""
    try:
        if kind == "ECDHE" and body[0] == 3:
            return {"group": int.from_bytes(body[1:3], "big")}
        if kind == "DHE":
            n = int.from_bytes(body[0:2], "big")
            p = body[2:2 + n].lstrip(b"\x00")
            return {"dhBits": int.from_bytes(p, "big").bit_length(),
                    "ffdhe": p.startswith(FFDHE_PREFIX) and p.endswith(b"\xff" * 8)}
    except IndexError:
        pass
    return {}


class HandshakeTap:
    """One direction of a connection, fed the bytes as they pass: records, the plaintext handshake messages
    reassembled across records, plaintext alerts. Stops at the first encrypted record it cannot read."""

    def __init__(self, server_side: bool) -> None:
        self.server_side = server_side
        self.buffer = b""
        self.handshake = b""
        self.encrypted = False
        self.after_ccs = False
        self.facts: dict = {"helloRetry": False, "alerts": [], "hellos": 0, "certificates": None}
        self.hello: Optional[dict] = None  # the last real ServerHello (not an HRR)

    def feed(self, data: bytes) -> None:
        try:
            self._feed(data)
        except Exception:  # a capture never breaks the relay
            self.encrypted = True

    def _feed(self, data: bytes) -> None:
        if self.buffer is None:
            return
        self.buffer += data
        while len(self.buffer) >= 5:
            kind, n = self.buffer[0], int.from_bytes(self.buffer[3:5], "big")
            if len(self.buffer) < 5 + n:
                break
            payload, self.buffer = self.buffer[5:5 + n], self.buffer[5 + n:]
            if kind == 21 and n == 2:  # a plaintext alert (an encrypted one is longer or has type 23)
                self.facts["alerts"].append({"level": payload[0], "description": payload[1]})
            elif kind == 20:
                hello = self.hello
                if self.server_side and hello is not None and hello["version"] <= 0x0303:
                    self.encrypted = True
                if not self.server_side:
                    self.after_ccs = True
            elif kind == 22 and not self.server_side and self.after_ccs:
                # TLS 1.2's encrypted Finished, or TLS 1.3's second ClientHello after the compatibility CCS:
                # a record of its own either way; only a well-formed ClientHello counts
                if len(payload) >= 6 and payload[0] == 1 and 4 + int.from_bytes(payload[1:4], "big") == len(payload) \
                        and payload[4:6] == b"\x03\x03":
                    self.facts["hellos"] += 1
            elif kind == 22 and not self.encrypted:
                self.handshake += payload
                self._messages()
            if len(self.buffer) > 1 << 20:
                self.buffer = None
                return

    def _messages(self) -> None:
        while len(self.handshake) >= 4 and not self.encrypted:
            kind, n = self.handshake[0], int.from_bytes(self.handshake[1:4], "big")
            if len(self.handshake) < 4 + n:
                return
            body, self.handshake = self.handshake[4:4 + n], self.handshake[4 + n:]
            if not self.server_side:
                if kind == 1:
                    self.facts["hellos"] += 1
                continue
            if kind == 2:
                hello = parse_server_hello(body)
                if hello is None:
                    continue
                if hello["helloRetry"]:
                    self.facts["helloRetry"] = True
                    self.facts["retryGroup"] = hello["group"]
                    continue
                self.hello = hello
                if hello["version"] >= 0x0304:
                    self.encrypted = True  # everything after a TLS 1.3 ServerHello is encrypted
            elif kind == 11 and self.hello is not None:
                count, at = 0, 3
                while at + 3 <= len(body):
                    at += 3 + int.from_bytes(body[at:at + 3], "big")
                    count += 1
                self.facts["certificates"] = count
            elif kind == 12 and self.hello is not None:
                self.facts.update(parse_key_exchange(body, suite_kind(self.hello["suite"])))


def capture_summary(client: HandshakeTap, server: HandshakeTap) -> dict:
    """What one connection's plaintext showed: the JSON line of --capture (without index and times)."""
    hello = server.hello
    out: dict = {"clientHellos": client.facts["hellos"], "serverHello": hello is not None,
                 "helloRetry": server.facts["helloRetry"], "retryGroup": server.facts.get("retryGroup"),
                 "version": VERSION_NAMES.get(hello["version"], "0x%04X" % hello["version"]) if hello else None,
                 "suite": "0x%04X" % hello["suite"] if hello else None,
                 "group": None, "dhBits": server.facts.get("dhBits"), "ffdhe": server.facts.get("ffdhe"),
                 "certificates": server.facts["certificates"],
                 "serverAlerts": server.facts["alerts"], "clientAlerts": client.facts["alerts"]}
    if hello:
        out["group"] = hello["group"] if hello["version"] >= 0x0304 else server.facts.get("group")
    return out


# --- sockets ---------------------------------------------------------------------------------------

def hold(folder: Optional[str]) -> None:
    """Marks that a connection arrived, then waits (at most 120 s) for the test's go."""
    if folder is None:
        return
    open(os.path.join(folder, "accepted"), "a").close()
    for _ in range(12000):
        if os.path.exists(os.path.join(folder, "go")):
            return
        time.sleep(0.01)


def pipe(src: socket.socket, dst: socket.socket, tap: Optional[HandshakeTap] = None) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if tap is not None:
                tap.feed(data)
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


def read_client_hello(conn: socket.socket, limit: int = HELLO_LIMIT, timeout: float = HELLO_TIMEOUT) -> Optional[bytes]:
    """The client's first record (5-byte header + its length, at most `limit` bytes), or None when the
    client closes, fails or takes longer than `timeout` seconds first."""
    deadline = time.monotonic() + timeout
    data = b""
    wanted = 5
    try:
        while len(data) < wanted:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            conn.settimeout(left)
            chunk = conn.recv(wanted - len(data))
            if not chunk:
                return None
            data += chunk
            if len(data) >= 5:
                wanted = min(5 + int.from_bytes(data[3:5], "big"), limit)
        return data
    except OSError:
        return None
    finally:
        try:
            conn.settimeout(None)
        except OSError:
            pass


def abort(conn: socket.socket) -> None:
    """Closes with a TCP RST (SO_LINGER on, 0 s). The read side is shut down first so that a thread
    blocked reading this socket returns and the descriptor's last reference (whose release sends the
    RST) goes at once."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        conn.shutdown(socket.SHUT_RD)
    except OSError:
        pass
    conn.close()


def drain_until_closed(conn: socket.socket, limit: float = STALL_LIMIT) -> None:
    """Reads and discards until the client closes (or fails), at most `limit` seconds."""
    deadline = time.monotonic() + limit
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            conn.settimeout(left)
            if not conn.recv(65536):
                return
    except OSError:
        return


DATA, EOF, RST, GONE = "data", "eof", "rst", "gone"


class DelayedLink:
    """Both directions of one forwarded connection with `delay` seconds added to each: per direction a
    reader thread timestamps what arrives (data, FIN, RST) and a sender delivers each at arrival + delay.
    A FIN becomes shutdown(SHUT_WR) on the other side, an RST an abort() of the other side."""

    def __init__(self, client: socket.socket, upstream: socket.socket, delay: float) -> None:
        self.client, self.upstream, self.delay = client, upstream, delay
        self.lock = threading.Lock()
        self.aborted: set[int] = set()     # id() of the sockets aborted here
        self.read_done: set[int] = set()   # id() of the sockets whose reader has finished

    def reader(self, src: socket.socket, out: queue.Queue) -> None:
        kind = EOF
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                out.put((time.monotonic(), DATA, data))
        except ConnectionResetError:
            kind = RST
        except OSError:
            kind = GONE
        with self.lock:
            if id(src) in self.aborted:
                kind = GONE   # woken by our own abort: the other side is already gone
            self.read_done.add(id(src))
        out.put((time.monotonic(), kind, b""))

    def abort(self, conn: socket.socket) -> None:
        with self.lock:
            if id(conn) in self.aborted:
                return
            self.aborted.add(id(conn))
        abort(conn)

    def sender(self, src: socket.socket, dst: socket.socket, inbox: queue.Queue) -> None:
        delivering = True
        while True:
            arrival, kind, data = inbox.get()
            wait = arrival + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if kind == DATA:
                if not delivering:
                    continue
                try:
                    dst.sendall(data)
                except (ConnectionResetError, BrokenPipeError):
                    # dst's peer reset after its reader had finished (it closed, then got our data): no
                    # reader will see that RST, so it is passed on from here, a delay later.
                    delivering = False
                    with self.lock:
                        unseen = id(dst) in self.read_done and id(dst) not in self.aborted
                    if unseen:
                        time.sleep(self.delay)
                        self.abort(src)
                except OSError:
                    delivering = False
            elif kind == EOF:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            elif kind == RST:
                self.abort(dst)
                return
            else:
                return

    def run(self, first: bytes = b"", first_at: Optional[float] = None) -> None:
        up: queue.Queue = queue.Queue()     # client -> upstream
        down: queue.Queue = queue.Queue()   # upstream -> client
        if first:
            up.put((first_at if first_at is not None else time.monotonic(), DATA, first))
        threads = [threading.Thread(target=self.reader, args=(self.client, up), daemon=True),
                   threading.Thread(target=self.reader, args=(self.upstream, down), daemon=True),
                   threading.Thread(target=self.sender, args=(self.upstream, self.client, down), daemon=True)]
        for thread in threads:
            thread.start()
        self.sender(self.client, self.upstream, up)
        threads[2].join()
        for conn in (self.client, self.upstream):
            with self.lock:
                done = id(conn) in self.aborted
            if not done:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
        for thread in threads[:2]:
            thread.join(timeout=1.0)


class Config:
    """`capture`: called with capture_summary(...) of every forwarded connection when it ends (--capture)."""

    def __init__(self, target: tuple[str, int], max_suites: Optional[int] = None, hold_folder: Optional[str] = None,
                 latency: Optional[float] = None, capture: Optional[Callable[[dict], None]] = None) -> None:
        self.target, self.max_suites, self.hold_folder, self.latency = target, max_suites, hold_folder, latency
        self.capture = capture


class Log:
    """One JSON line per ended connection, written and flushed under a lock (append mode)."""

    def __init__(self, path: Optional[str]) -> None:
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8") if path else None

    def write(self, index: int, fate: str, start: float, end: float) -> None:
        if self.file is None:
            return
        line = json.dumps({"index": index, "fate": fate, "start": start, "end": end})
        with self.lock:
            self.file.write(line + "\n")
            self.file.flush()


def forward(conn: socket.socket, config: Config) -> None:
    """The relay's ordinary path: the --max-suites check, then both directions piped (with --latency-ms, delayed)."""
    first = b""
    first_at = None
    if config.max_suites is not None:
        header = read_exact(conn, 5)
        if header is None:
            conn.close()
            return
        body = read_exact(conn, int.from_bytes(header[3:5], "big")) or b""
        first = header + body
        first_at = time.monotonic()
        count = suite_count(first)
        if count is not None and count > config.max_suites:
            conn.close()
            return
    try:
        upstream = socket.create_connection(config.target, timeout=10)
        upstream.settimeout(None)
        if first and config.latency is None:
            upstream.sendall(first)
    except OSError:
        conn.close()
        return
    if config.latency is not None:
        DelayedLink(conn, upstream, config.latency).run(first, first_at)
        return
    taps = (HandshakeTap(server_side=False), HandshakeTap(server_side=True)) if config.capture else (None, None)
    if first and taps[0] is not None:
        taps[0].feed(first)
    other = threading.Thread(target=pipe, args=(conn, upstream, taps[0]), daemon=True)
    other.start()
    pipe(upstream, conn, taps[1])
    other.join(timeout=5.0)
    conn.close()
    upstream.close()
    if config.capture and taps[0] is not None and taps[1] is not None:
        config.capture(capture_summary(taps[0], taps[1]))


def serve(conn: socket.socket, index: int, fate: str, started: float, config: Config, log: Log) -> None:
    try:
        hold(config.hold_folder)
        if fate in ("reset", "throttled"):
            read_client_hello(conn)
            if config.latency:
                time.sleep(2 * config.latency)   # the RST comes from the far side: a round trip later
            abort(conn)
        elif fate == "stalled":
            read_client_hello(conn)
            drain_until_closed(conn)
            conn.close()
        else:
            forward(conn, config)
    except OSError:
        try:
            conn.close()
        except OSError:
            pass
    finally:
        logged = "held" if fate == "forwarded" and config.hold_folder is not None else fate
        log.write(index, logged, started, time.monotonic())


# --- command line ----------------------------------------------------------------------------------

def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    try:
        loopback = ipaddress.IPv4Address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise argparse.ArgumentTypeError(f"{text}: loopback IPv4 addresses only (127.0.0.0/8, HOST:PORT)")
    try:
        number = int(port)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: the port is not a number") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text}: the port is not in 0...65535")
    return host, number


def share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text}: a share is in 0...1")
    return value


def milliseconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: not a number") from None
    if not (math.isfinite(value) and 0.0 <= value <= 60000.0):
        raise argparse.ArgumentTypeError(f"{text}: milliseconds in 0...60000")
    return value


def count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text}: must not be negative")
    return value


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    result.add_argument("--listen", type=address, help="HOST:PORT to listen on (loopback; PORT 0 = ephemeral)")
    result.add_argument("--to", type=address, help="HOST:PORT to forward to (loopback)")
    result.add_argument("--max-suites", type=int, default=None)
    result.add_argument("--hold", default=None)
    result.add_argument("--latency-ms", type=milliseconds, default=None)
    result.add_argument("--reset-share", type=share, default=0.0)
    result.add_argument("--stall-share", type=share, default=0.0)
    result.add_argument("--seed", type=int, default=0)
    result.add_argument("--throttle", type=count, default=None)
    result.add_argument("--log", default=None)
    result.add_argument("--summarize", metavar="FILE", default=None)
    result.add_argument("--capture", metavar="FILE", default=None)
    return result


def main(argv: Optional[list[str]] = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    args_parser = parser()
    args = args_parser.parse_args(arguments)
    if args.summarize is not None:
        if len(arguments) != 2 and not (len(arguments) == 1 and arguments[0].startswith("--summarize=")):
            args_parser.error("--summarize FILE takes no other arguments")
        try:
            with open(args.summarize, encoding="utf-8") as file:
                print(json.dumps(summarize(file)), flush=True)
        except (OSError, ValueError) as error:
            print(f"relay.py: {args.summarize}: {error}", file=sys.stderr)
            sys.exit(2)
        return
    if args.listen is None or args.to is None:
        args_parser.error("--listen and --to are required (or --summarize FILE alone)")
    if args.to[1] == 0:
        args_parser.error("--to: the port must not be 0")
    if args.reset_share + args.stall_share > 1.0:
        args_parser.error("--reset-share plus --stall-share must not exceed 1")
    try:
        log = Log(args.log)
    except OSError as error:
        args_parser.error(f"--log {args.log}: {error.strerror}")
    if args.capture is not None and args.latency_ms is not None:
        args_parser.error("--capture does not work with --latency-ms")
    capture = None
    if args.capture is not None:
        try:
            capture_file = open(args.capture, "a", encoding="utf-8")
        except OSError as error:
            args_parser.error(f"--capture {args.capture}: {error.strerror}")
        capture_lock = threading.Lock()
        captured = [0]

        def capture(facts: dict) -> None:
            with capture_lock:
                line = json.dumps(dict(facts, index=captured[0]))
                captured[0] += 1
                capture_file.write(line + "\n")
                capture_file.flush()
    config = Config(args.to, args.max_suites, args.hold, None if args.latency_ms is None else args.latency_ms / 1000.0,
                    capture)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind(args.listen)
    except OSError as error:
        print(f"relay.py: cannot listen on {args.listen[0]}:{args.listen[1]}: {error.strerror}", file=sys.stderr)
        sys.exit(2)
    server.listen(128)
    print(f"LISTENING {server.getsockname()[1]}", flush=True)
    rng = random.Random(args.seed)
    window = SlidingWindow(args.throttle)
    lock = threading.Lock()
    accepted = 0
    while True:
        conn, _ = server.accept()
        started = time.monotonic()
        with lock:
            index = accepted
            accepted += 1
            draw = rng.random()
            within = window.admit(started)
        fate = decide_fate(draw, args.reset_share, args.stall_share) if within else "throttled"
        threading.Thread(target=serve, args=(conn, index, fate, started, config, log), daemon=True).start()


if __name__ == "__main__":
    main()
