"""The fault-injecting relay (scripts/origins/relay.py): the pure parts (fate from the draw, the sliding
window of --throttle, the "rounds" of a log) and real runs on 127.0.0.1 in front of an echo server in
this process. Every socket has a timeout, every wait a deadline."""
from __future__ import annotations

import importlib.util
import json
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Iterator

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
RELAY = os.path.join(ROOT, "scripts", "origins", "relay.py")

_spec = importlib.util.spec_from_file_location("relay", RELAY)
assert _spec is not None and _spec.loader is not None
relay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(relay)

RECORD = bytes([0x16, 0x03, 0x01, 0x00, 0x05]) + b"hello"   # a fake TLS record: header + 5 bytes
TIMEOUT = 3.0


# --- pure parts ------------------------------------------------------------------------------------

def test_fate_from_the_draw() -> None:
    assert relay.decide_fate(0.0, 0.0, 0.0) == "forwarded"
    assert relay.decide_fate(0.19, 0.2, 0.3) == "reset"
    assert relay.decide_fate(0.2, 0.2, 0.3) == "stalled"      # the reset share is a strict bound
    assert relay.decide_fate(0.49, 0.2, 0.3) == "stalled"
    assert relay.decide_fate(0.5, 0.2, 0.3) == "forwarded"
    assert relay.decide_fate(0.999, 1.0, 0.0) == "reset"
    assert relay.decide_fate(0.999, 0.0, 1.0) == "stalled"


def test_fate_sequence_is_one_draw_per_connection_of_the_seeded_generator() -> None:
    rng = random.Random(7)
    draws = [rng.random() for _ in range(50)]
    expected = [relay.decide_fate(u, 0.3, 0.2) for u in draws]
    assert relay.fate_sequence(7, 50, 0.3, 0.2) == expected
    assert relay.fate_sequence(7, 50, 0.3, 0.2) == relay.fate_sequence(7, 50, 0.3, 0.2)
    assert relay.fate_sequence(7, 50, 0.3, 0.2) != relay.fate_sequence(8, 50, 0.3, 0.2)
    assert set(relay.fate_sequence(7, 50, 0.3, 0.2)) == {"reset", "stalled", "forwarded"}


def test_sliding_window_counts_every_accepted_connection() -> None:
    window = relay.SlidingWindow(2)
    assert window.admit(0.0)
    assert window.admit(0.1)
    assert not window.admit(0.2)      # a third within one second
    assert not window.admit(1.05)     # 0.1 and 0.2 (rejected, but accepted and counted) are still inside
    assert window.admit(1.25)         # only 1.05 is left inside (0.2 is exactly 1.05 s old: out)
    assert relay.SlidingWindow(None).admit(0.0)
    zero = relay.SlidingWindow(0)
    assert not zero.admit(0.0) and not zero.admit(5.0)


def test_rounds_is_the_longest_chain_of_sequential_connections() -> None:
    assert relay.rounds([]) == 0
    assert relay.rounds([(0.0, 1.0)]) == 1
    assert relay.rounds([(0.0, 1.0), (1.0, 2.0), (2.5, 3.0)]) == 3          # end == start chains
    assert relay.rounds([(0.0, 1.0), (0.1, 1.0), (0.2, 1.0)]) == 1          # concurrent
    # two chains: 0-1 then 1.5-2 (2 rounds) and 0-3 alone (1); the long one after both: 3.
    assert relay.rounds([(0.0, 3.0), (0.0, 1.0), (1.5, 2.0), (3.0, 4.0)]) == 3
    # order of the lines does not matter
    assert relay.rounds([(2.0, 3.0), (0.0, 1.0), (1.0, 2.0)]) == 3
    # zero-length connections at one instant chain in log order instead of looping
    assert relay.rounds([(1.0, 1.0), (1.0, 1.0)]) == 2


def test_summarize_counts_fates_and_rounds() -> None:
    lines = [json.dumps({"index": 0, "fate": "forwarded", "start": 0.0, "end": 1.0}), "",
             json.dumps({"index": 1, "fate": "reset", "start": 1.5, "end": 1.6}),
             json.dumps({"index": 2, "fate": "throttled", "start": 1.5, "end": 1.7}),
             json.dumps({"index": 3, "fate": "held", "start": 2.0, "end": 2.5})]
    assert relay.summarize(lines) == {"connections": 4, "forwarded": 2, "reset": 1, "stalled": 0, "throttled": 1,
                                      "rounds": 3}
    with pytest.raises(ValueError):
        relay.summarize(["{\"fate\": \"forwarded\"}"])
    with pytest.raises(ValueError):
        relay.summarize([json.dumps({"index": 0, "fate": "lost", "start": 0, "end": 1})])


@pytest.mark.parametrize("arguments", [
    ["--listen", "10.0.0.1:0", "--to", "127.0.0.1:9"],
    ["--listen", "127.0.0.1:0", "--to", "192.168.1.1:443"],
    ["--listen", "localhost:0", "--to", "127.0.0.1:9"],
    ["--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--reset-share", "1.5"],
    ["--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--reset-share", "0.6", "--stall-share", "0.6"],
    ["--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--latency-ms", "-1"],
    ["--listen", "127.0.0.1:0", "--to", "127.0.0.1:9", "--throttle", "x"],
    ["--to", "127.0.0.1:9"],
    ["--summarize", os.devnull, "--seed", "3"],
])
def test_bad_arguments_exit_2(arguments: list[str]) -> None:
    run = subprocess.run([sys.executable, RELAY, *arguments], capture_output=True, text=True, timeout=10)
    assert run.returncode == 2
    assert "relay.py: error:" in run.stderr


def test_summarize_command(tmp_path) -> None:
    log = tmp_path / "relay.jsonl"
    log.write_text("".join(json.dumps({"index": k, "fate": "forwarded", "start": float(k), "end": k + 0.5}) + "\n"
                           for k in range(3)))
    run = subprocess.run([sys.executable, RELAY, "--summarize", str(log)], capture_output=True, text=True, timeout=10)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"connections": 3, "forwarded": 3, "reset": 0, "stalled": 0, "throttled": 0,
                                      "rounds": 3}


# --- real runs -------------------------------------------------------------------------------------

class Echo:
    """A TCP echo server on 127.0.0.1: echoes until the client's FIN, then closes. With `reset_after_echo`
    it aborts (RST) right after the first echo instead."""

    def __init__(self, reset_after_echo: bool = False) -> None:
        self.reset_after_echo = reset_after_echo
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            threading.Thread(target=self.echo, args=(conn,), daemon=True).start()

    def echo(self, conn: socket.socket) -> None:
        conn.settimeout(TIMEOUT)
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)
                if self.reset_after_echo:
                    time.sleep(0.02)
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopping = True
        self.thread.join(timeout=1.0)
        self.server.close()


class Relay:
    def __init__(self, target_port: int, *arguments: str) -> None:
        self.process = subprocess.Popen([sys.executable, RELAY, "--listen", "127.0.0.1:0", "--to",
                                         f"127.0.0.1:{target_port}", *arguments],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self._first_line()
        assert line.startswith("LISTENING "), line
        self.port = int(line.split()[1])

    def _first_line(self) -> str:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=5.0)
        if not result:
            self.process.kill()
            raise AssertionError("relay.py did not print LISTENING within 5 s")
        return result[0]

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def echo() -> Iterator[Echo]:
    server = Echo()
    yield server
    server.stop()


def recv_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def wait_for_lines(path: str, count: int, timeout: float = 3.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        lines = []
        if os.path.exists(path):
            with open(path, encoding="utf-8") as file:
                lines = [json.loads(line) for line in file if line.strip()]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.01)


def exchange(conn: socket.socket) -> bytes:
    conn.sendall(RECORD)
    return recv_exact(conn, len(RECORD))


def test_reset_share_1_resets_after_the_client_hello(echo: Echo, tmp_path) -> None:
    log = str(tmp_path / "relay.jsonl")
    relay_process = Relay(echo.port, "--reset-share", "1", "--log", log)
    try:
        with relay_process.connect() as conn:
            conn.sendall(RECORD)
            with pytest.raises(ConnectionResetError):
                if not conn.recv(100):
                    raise AssertionError("a FIN, not a RST")
        lines = wait_for_lines(log, 1)
        assert [(line["index"], line["fate"]) for line in lines] == [(0, "reset")]
        assert lines[0]["end"] >= lines[0]["start"]
    finally:
        relay_process.stop()


def test_latency_delays_each_direction(echo: Echo) -> None:
    relay_process = Relay(echo.port, "--latency-ms", "50")
    try:
        with relay_process.connect() as conn:
            began = time.monotonic()
            assert exchange(conn) == RECORD
            assert time.monotonic() - began >= 0.1
            closing = time.monotonic()
            conn.shutdown(socket.SHUT_WR)        # FIN: reaches the server 50 ms later, its FIN us 50 ms after
            assert conn.recv(100) == b""
            assert time.monotonic() - closing >= 0.1
    finally:
        relay_process.stop()


def test_latency_passes_a_server_reset_on_as_a_reset() -> None:
    server = Echo(reset_after_echo=True)
    relay_process = Relay(server.port, "--latency-ms", "50")
    try:
        with relay_process.connect() as conn:
            began = time.monotonic()
            assert exchange(conn) == RECORD
            with pytest.raises(ConnectionResetError):
                if not conn.recv(100):
                    raise AssertionError("a FIN, not a RST")
            assert time.monotonic() - began >= 0.1
    finally:
        relay_process.stop()
        server.stop()


def test_throttle_resets_the_third_connection_within_a_second(echo: Echo, tmp_path) -> None:
    log = str(tmp_path / "relay.jsonl")
    relay_process = Relay(echo.port, "--throttle", "2", "--log", log)
    try:
        conns = [relay_process.connect() for _ in range(3)]
        try:
            assert exchange(conns[0]) == RECORD
            assert exchange(conns[1]) == RECORD
            conns[2].sendall(RECORD)
            with pytest.raises(ConnectionResetError):
                if not conns[2].recv(100):
                    raise AssertionError("a FIN, not a RST")
        finally:
            for conn in conns:
                conn.close()
        lines = wait_for_lines(log, 3)
        assert sorted((line["index"], line["fate"]) for line in lines) == [(0, "forwarded"), (1, "forwarded"),
                                                                             (2, "throttled")]
    finally:
        relay_process.stop()


def summary(log: str) -> dict:
    run = subprocess.run([sys.executable, RELAY, "--summarize", log], capture_output=True, text=True, timeout=10)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_log_and_rounds_of_sequential_and_concurrent_connections(echo: Echo, tmp_path) -> None:
    sequential = str(tmp_path / "sequential.jsonl")
    relay_process = Relay(echo.port, "--log", sequential)
    try:
        for k in range(3):
            with relay_process.connect() as conn:
                assert exchange(conn) == RECORD
            assert len(wait_for_lines(sequential, k + 1)) == k + 1   # ended before the next one starts
    finally:
        relay_process.stop()
    lines = wait_for_lines(sequential, 3)
    assert [line["index"] for line in lines] == [0, 1, 2]
    assert all(set(line) == {"index", "fate", "start", "end"} and line["fate"] == "forwarded" for line in lines)
    assert summary(sequential) == {"connections": 3, "forwarded": 3, "reset": 0, "stalled": 0, "throttled": 0,
                                   "rounds": 3}

    concurrent = str(tmp_path / "concurrent.jsonl")
    relay_process = Relay(echo.port, "--log", concurrent)
    try:
        conns = [relay_process.connect() for _ in range(3)]
        for conn in conns:
            assert exchange(conn) == RECORD
        for conn in conns:
            conn.close()
        assert len(wait_for_lines(concurrent, 3)) == 3
    finally:
        relay_process.stop()
    assert summary(concurrent)["rounds"] == 1


def test_stalled_connection_gets_nothing_until_it_closes(echo: Echo, tmp_path) -> None:
    log = str(tmp_path / "relay.jsonl")
    relay_process = Relay(echo.port, "--stall-share", "1", "--log", log)
    try:
        with relay_process.connect() as conn:
            conn.sendall(RECORD)
            conn.settimeout(0.2)
            with pytest.raises(socket.timeout):
                conn.recv(100)
        lines = wait_for_lines(log, 1)
        assert [line["fate"] for line in lines] == ["stalled"]
    finally:
        relay_process.stop()
