#!/usr/bin/env python3
"""TCP services for integration tests, run inside a test's network namespace.

  echo   PORT   echo every byte back; half-close is passed on (EOF -> shutdown(SHUT_WR))
  sink   PORT   read until EOF, then reply "<sha256 hex> <bytes>\\n" and close
  source PORT   read a decimal byte count and a newline, then send that many bytes of the
                pattern "8-byte little-endian word k at byte offset 8k" and close

Usage: tcp_services.py --bind ADDR [--echo PORT] [--sink PORT] [--source PORT] [--ready FILE]
Binding "::" serves IPv4 and IPv6. --ready FILE is written once every port listens.
"""
import argparse
import array
import hashlib
import socket
import sys
import threading

CHUNK = 1 << 20


def pattern(offset, length):
    """Returns `length` bytes of the pattern starting at byte `offset` (a multiple of 8)."""
    first = offset // 8
    words = (length + 7) // 8
    return array.array("Q", range(first, first + words)).tobytes()[:length]


def serve_echo(conn):
    while True:
        data = conn.recv(CHUNK)
        if not data:
            conn.shutdown(socket.SHUT_WR)
            return
        conn.sendall(data)


def serve_sink(conn):
    h = hashlib.sha256()
    total = 0
    while True:
        data = conn.recv(CHUNK)
        if not data:
            break
        h.update(data)
        total += len(data)
    conn.sendall(f"{h.hexdigest()} {total}\n".encode())


def serve_source(conn):
    line = b""
    while not line.endswith(b"\n"):
        data = conn.recv(64)
        if not data:
            return
        line += data
        if len(line) > 32:
            return
    n = int(line.strip() or b"0")
    sent = 0
    while sent < n:
        k = min(CHUNK, n - sent)
        conn.sendall(pattern(sent, k))
        sent += k


def listen(bind, port, handler):
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((bind, port))
    s.listen(256)

    def accept_loop():
        while True:
            conn, _ = s.accept()

            def run(c=conn):
                try:
                    with c:
                        handler(c)
                except OSError:
                    pass

            threading.Thread(target=run, daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bind", default="::")
    ap.add_argument("--echo", type=int)
    ap.add_argument("--sink", type=int)
    ap.add_argument("--source", type=int)
    ap.add_argument("--ready")
    a = ap.parse_args()
    for port, handler in ((a.echo, serve_echo), (a.sink, serve_sink), (a.source, serve_source)):
        if port:
            listen(a.bind, port, handler)
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
