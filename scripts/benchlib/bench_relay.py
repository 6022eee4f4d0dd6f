#!/usr/bin/env python3
"""Counting TCP relay for scripts/bench (used when packets on lo cannot be captured).

  bench_relay.py TARGET_PORT [TARGET_PORT ...]      (or --ports-file FILE, one target port a line)

Listens on 127.0.0.1 (one new ephemeral port per target), forwards every accepted connection to
127.0.0.1:TARGET_PORT and counts accepted connections. Prints one JSON line
{"ready": {"TARGET": LISTEN, ...}} when listening; on SIGTERM/SIGINT prints
{"accepted": N, "perTarget": {"TARGET": n}} and exits. Standard library only.
"""
from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from typing import Awaitable, Callable

HOST = "127.0.0.1"


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
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
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def main(targets: list[int]) -> None:
    counts = {t: 0 for t in targets}
    tasks: set[asyncio.Task[None]] = set()

    def handler_for(target: int) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
            counts[target] += 1
            try:
                sreader, swriter = await asyncio.open_connection(HOST, target)
            except OSError:
                cwriter.close()
                return
            for s in (cwriter, swriter):
                sock = s.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            t1 = asyncio.ensure_future(pipe(creader, swriter))
            t2 = asyncio.ensure_future(pipe(sreader, cwriter))
            tasks.update((t1, t2))
            await asyncio.gather(t1, t2, return_exceptions=True)
            tasks.difference_update((t1, t2))
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
    print(json.dumps({"accepted": sum(counts.values()), "perTarget": {str(k): v for k, v in counts.items()}}),
          flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    ports = []
    while args:
        if args[0] == "--ports-file" and len(args) > 1:
            with open(args[1]) as f:
                ports += [int(x) for x in f.read().split()]
            args = args[2:]
        else:
            ports.append(int(args[0]))
            args = args[1:]
    if not ports:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(ports))
