#!/usr/bin/env python3
"""Counting TCP relay for scripts/bench (used when packets on lo cannot be captured, and by --latency).

  bench_relay.py [--latency-ms MS] [--spans-file FILE] TARGET_PORT [TARGET_PORT ...]
                                                    (or --ports-file FILE, one target port a line)

Listens on 127.0.0.1 (one new ephemeral port per target), forwards every accepted connection to
127.0.0.1:TARGET_PORT and counts accepted connections. Prints one JSON line
{"ready": {"TARGET": LISTEN, ...}} when listening; on SIGTERM/SIGINT prints
{"accepted": N, "perTarget": {"TARGET": n}, "perTargetRounds": {"TARGET": r}, "latencyMs": MS, "delivery": {...}}
and exits. Standard library only.

--latency-ms MS delays every chunk of bytes by MS milliseconds in each direction (so a request/answer
round trip gets 2 × MS longer), in order, and a close (FIN, or a reset, sent on as a reset) only after the
data before it, MS after the relay saw it. The TCP handshake itself is not delayed: the client's connect()
completes at once (the listening socket is local), so a connection costs one added round trip for its first
request/answer, not two. "delivery" reports how late chunks were written against their due time
(event-loop lag: mean and max milliseconds).

perTargetRounds is the number of "sequential rounds" the connections to a target needed: the longest chain
of connections each accepted after the previous one ended (see sequential_rounds). A connection ends at the
first of: the client's FIN or reset reaching the relay; the origin's FIN or reset being delivered to the
client. --spans-file writes every connection's (target, start, end) in seconds for inspection.
"""
from __future__ import annotations

import asyncio
import heapq
import json
import signal
import socket
import struct
import sys
import time
from typing import Awaitable, Callable, Iterable, Optional

HOST = "127.0.0.1"
# An end observed up to this long after the next connection's start still counts as "before" it: the
# relay's event loop may handle a new connection's accept before the previous connection's close when both
# became ready in the same loop iteration.
ROUND_TOLERANCE_S = 0.001

_EOF = b""   # queued end of stream (FIN)
_RESET = None  # queued reset


def sequential_rounds(spans: Iterable[tuple[float, Optional[float]]], tolerance: float = 0.0) -> int:
    """Longest chain of connections each starting after the previous ended.

    spans: (start, end) per connection; end None = still open (it ends no chain). depth(c) = 1 + the largest
    depth of the connections that ended at or before c started (+ tolerance); the answer is the largest depth,
    0 for no connections. O(n log n): connections in start order, the finished ones in a heap by end time."""
    order = sorted(spans, key=lambda s: s[0])
    ended: list[tuple[float, int]] = []  # (end, depth) of connections not yet known to end before the current start
    best_before = 0
    best = 0
    for start, end in order:
        while ended and ended[0][0] <= start + tolerance:
            best_before = max(best_before, heapq.heappop(ended)[1])
        depth = 1 + best_before
        best = max(best, depth)
        if end is not None:
            heapq.heappush(ended, (max(end, start), depth))
    return best


def parse_argv(argv: list[str]) -> tuple[list[int], float, Optional[str]]:
    """-> (target ports, one-way latency in ms, spans file or None); --opt=value works too.
    Raises ValueError on a bad argument (OSError when --ports-file cannot be read)."""
    args: list[str] = []
    for a in argv:
        args += a.split("=", 1) if a.startswith("--") and "=" in a else [a]
    ports: list[int] = []
    latency_ms = 0.0
    spans_file: Optional[str] = None
    while args:
        a = args.pop(0)
        if a in ("--ports-file", "--latency-ms", "--spans-file"):
            if not args:
                raise ValueError("%s needs a value" % a)
            v = args.pop(0)
            if a == "--ports-file":
                with open(v) as f:
                    ports += [int(x) for x in f.read().split()]
            elif a == "--latency-ms":
                latency_ms = float(v)
                if not 0 <= latency_ms <= 60000:  # also false for nan
                    raise ValueError("--latency-ms must be between 0 and 60000, not %s" % v)
            else:
                spans_file = v
        elif a.startswith("-"):
            raise ValueError("unknown option %s" % a)
        else:
            port = int(a)
            if not 0 < port < 65536:
                raise ValueError("bad port %s" % a)
            ports.append(port)
    return ports, latency_ms, spans_file


class Delivery:
    """How late delayed chunks were written (event-loop lag)."""

    def __init__(self) -> None:
        self.n = 0
        self.total = 0.0
        self.max = 0.0

    def add(self, late: float) -> None:
        late = max(late, 0.0)
        self.n += 1
        self.total += late
        self.max = max(self.max, late)

    def json(self) -> dict[str, float]:
        return {"chunks": self.n, "lateMeanMs": round(1000 * self.total / self.n, 3) if self.n else 0.0,
                "lateMaxMs": round(1000 * self.max, 3)}


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as the other side did."""
    try:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
    except (OSError, RuntimeError):
        pass


def _eof(writer: asyncio.StreamWriter) -> None:
    try:
        if writer.can_write_eof():
            writer.write_eof()
    except (OSError, RuntimeError):
        pass


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Undelayed: bytes as they come, then FIN."""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        _eof(writer)


async def delayed_pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float, stats: Delivery,
                       on_read_end: Callable[[], None], on_delivered_end: Callable[[], None]) -> None:
    """Every chunk read at t is written at t + delay, in order; the end of the stream (FIN, or a reset sent on
    as a reset) too. on_read_end runs when the source's end is read, on_delivered_end when it has been passed on."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, Optional[bytes]]] = asyncio.Queue()

    async def deliver() -> None:
        broken = False
        while True:
            due, item = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if item is _RESET:
                _reset(writer)
                break
            if item == _EOF:
                _eof(writer)
                break
            stats.add(loop.time() - due)
            if broken:
                continue
            try:
                writer.write(item)
                await writer.drain()
            except (ConnectionError, OSError, RuntimeError):
                broken = True  # the destination is gone; its reader passes that on the other way
        on_delivered_end()

    sender = asyncio.ensure_future(deliver())
    end: Optional[bytes] = _EOF
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((loop.time() + delay, data))
    except (ConnectionError, OSError):
        end = _RESET
    on_read_end()
    queue.put_nowait((loop.time() + delay, end))
    await sender


async def main(targets: list[int], latency_ms: float = 0.0, spans_file: Optional[str] = None) -> None:
    counts = {t: 0 for t in targets}
    spans: dict[int, list[list[Optional[float]]]] = {t: [] for t in targets}
    delay = latency_ms / 1000.0
    stats = Delivery()
    tasks: set[asyncio.Task[None]] = set()

    def handler_for(target: int) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
            counts[target] += 1
            span: list[Optional[float]] = [time.monotonic(), None]
            spans[target].append(span)

            def ended() -> None:
                if span[1] is None:
                    span[1] = time.monotonic()
            try:
                sreader, swriter = await asyncio.open_connection(HOST, target)
            except OSError:
                if delay > 0:
                    await asyncio.sleep(delay)
                cwriter.close()
                ended()
                return
            for s in (cwriter, swriter):
                sock = s.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if delay > 0:
                t1 = asyncio.ensure_future(delayed_pipe(creader, swriter, delay, stats, ended, lambda: None))
                t2 = asyncio.ensure_future(delayed_pipe(sreader, cwriter, delay, stats, lambda: None, ended))
            else:
                t1 = asyncio.ensure_future(pipe(creader, swriter))
                t2 = asyncio.ensure_future(pipe(sreader, cwriter))
            tasks.update((t1, t2))
            await asyncio.gather(t1, t2, return_exceptions=True)
            tasks.difference_update((t1, t2))
            ended()
            for w in (cwriter, swriter):
                try:
                    w.close()
                except OSError:
                    pass
        return handle

    servers = {}
    for t in targets:
        srv = await asyncio.start_server(handler_for(t), HOST, 0, backlog=1024)
        servers[t] = srv
    ready = {str(t): s.sockets[0].getsockname()[1] for t, s in servers.items()}
    print(json.dumps({"ready": ready}), flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for s in servers.values():
        s.close()
    rounds = {str(t): sequential_rounds([(a, b) for a, b in spans[t] if a is not None], ROUND_TOLERANCE_S)
              for t in targets}
    if spans_file:
        with open(spans_file, "w") as f:
            json.dump({str(t): [[round(a or 0, 6), None if b is None else round(b, 6)] for a, b in spans[t]]
                       for t in targets}, f)
    print(json.dumps({"accepted": sum(counts.values()), "perTarget": {str(k): v for k, v in counts.items()},
                      "perTargetRounds": rounds, "latencyMs": latency_ms, "delivery": stats.json()}),
          flush=True)


if __name__ == "__main__":
    try:
        ports, latency, spans_path = parse_argv(sys.argv[1:])
    except (ValueError, OSError) as e:
        print("bench_relay.py: %s\n\n%s" % (e, __doc__), file=sys.stderr)
        sys.exit(2)
    if not ports:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(ports, latency, spans_path))
