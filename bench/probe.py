#!/usr/bin/env python3
"""bench/probe.py: connection-level measurements for bench/run.

Every mode talks to a TCP service on the WireGuard peer, either through a SOCKS5 proxy
(--socks HOST:PORT, optional --user/--password, RFC 1928/1929, CONNECT with an IPv4 literal) or
directly (no --socks: the Go reference path, run inside the client netns). Results go to stdout
as KEY=VALUE lines.

  latency    N sequential connections to TARGET (a service that sends first, e.g. wgpeer's
             source): time from connect() to the proxy until the first payload byte arrives,
             i.e. TCP connect + SOCKS greeting/auth/CONNECT + overlay connect + first byte.
             Prints p50_ms, p99_ms, mean_ms, max_ms, ok, failed.
  concurrent N connections opened at once; each reads TARGET until EOF and checks it got
             --expect bytes. Prints ok, failed, wall_s (first connect to last EOF).
  stats      percentiles of the samples a latency run appended to --raw FILE (no --target).
  idle       open N connections to an echo TARGET, send one byte and wait for its echo on each
             (so every overlay connection is established end to end), print "ready" and hold them
             until stdin closes or --hold seconds pass. Prints ok, failed, open_s.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import threading
import time


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("EOF after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def socks_connect(s, host, port, user, password):
    """Performs the SOCKS5 handshake on connected socket s; raises on any failure."""
    if user is not None:
        s.sendall(b"\x05\x01\x02")
    else:
        s.sendall(b"\x05\x01\x00")
    ver, method = recv_exact(s, 2)
    if ver != 5 or method == 0xFF:
        raise ConnectionError("SOCKS greeting refused (%d, %d)" % (ver, method))
    if method == 2:
        u, p = user.encode(), (password or "").encode()
        s.sendall(b"\x01" + bytes([len(u)]) + u + bytes([len(p)]) + p)
        if recv_exact(s, 2)[1] != 0:
            raise ConnectionError("SOCKS auth failed")
    addr = ipaddress.ip_address(host)
    if addr.version == 4:
        req = b"\x05\x01\x00\x01" + addr.packed
    else:
        req = b"\x05\x01\x00\x04" + addr.packed
    s.sendall(req + struct.pack("!H", port))
    head = recv_exact(s, 4)
    if head[1] != 0:
        raise ConnectionError("SOCKS CONNECT reply %d" % head[1])
    atyp = head[3]
    if atyp == 1:
        recv_exact(s, 4 + 2)
    elif atyp == 4:
        recv_exact(s, 16 + 2)
    elif atyp == 3:
        recv_exact(s, recv_exact(s, 1)[0] + 2)
    else:
        raise ConnectionError("SOCKS reply with ATYP %d" % atyp)


def open_conn(a, timeout):
    """A connected socket to the target: through the proxy when --socks is given."""
    th, tp = a.target.rsplit(":", 1)
    if a.socks:
        ph, pp = a.socks.rsplit(":", 1)
        s = socket.create_connection((ph, int(pp)), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        socks_connect(s, th, int(tp), a.user, a.password)
    else:
        s = socket.create_connection((th, int(tp)), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def pct(sorted_vals, p):
    if not sorted_vals:
        return float("nan")
    k = min(len(sorted_vals) - 1, max(0, int(round(p / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def mode_latency(a):
    times, failed, deadline = [], 0, time.monotonic() + a.max_time
    for _ in range(a.count):
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        try:
            s = open_conn(a, a.timeout)
            try:
                if not s.recv(1):
                    raise ConnectionError("EOF before the first byte")
                times.append((time.perf_counter() - t0) * 1000.0)
            finally:
                s.close()
        except OSError as e:
            failed += 1
            if failed <= 3:
                print("# latency: %s" % e, file=sys.stderr)
    if a.raw:
        with open(a.raw, "a") as f:
            f.writelines("%.4f\n" % t for t in times)
    times.sort()
    print("ok=%d" % len(times))
    print("failed=%d" % failed)
    print_stats(times)


def print_stats(times):
    print("p50_ms=%.3f" % pct(times, 50))
    print("p99_ms=%.3f" % pct(times, 99))
    print("mean_ms=%.3f" % (sum(times) / len(times) if times else float("nan")))
    print("max_ms=%.3f" % (times[-1] if times else float("nan")))


def mode_stats(a):
    with open(a.raw) as f:
        times = sorted(float(line) for line in f if line.strip())
    print("ok=%d" % len(times))
    print_stats(times)


def mode_concurrent(a):
    results = [None] * a.count
    start = threading.Barrier(a.count + 1)

    def one(i):
        try:
            start.wait()
            s = open_conn(a, a.timeout)
            got = 0
            with s:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    got += len(b)
            results[i] = got == a.expect if a.expect >= 0 else got > 0
            if not results[i] and i < 3:
                print("# concurrent: got %d bytes" % got, file=sys.stderr)
        except (OSError, threading.BrokenBarrierError) as e:
            results[i] = False
            print("# concurrent: %s" % e, file=sys.stderr)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(a.count)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join(max(0.1, a.max_time - (time.perf_counter() - t0)))
    wall = time.perf_counter() - t0
    ok = sum(1 for r in results if r)
    print("ok=%d" % ok)
    print("failed=%d" % (a.count - ok))
    print("wall_s=%.3f" % wall)


def mode_idle(a):
    conns, failed = [], 0
    t0 = time.perf_counter()
    for _ in range(a.count):
        try:
            s = open_conn(a, a.timeout)
            s.sendall(b"x")
            if recv_exact(s, 1) != b"x":
                raise ConnectionError("bad echo")
            conns.append(s)
        except OSError as e:
            failed += 1
            if failed <= 3:
                print("# idle: %s" % e, file=sys.stderr)
    print("ok=%d" % len(conns))
    print("failed=%d" % failed)
    print("open_s=%.3f" % (time.perf_counter() - t0))
    print("ready", flush=True)
    # hold until stdin closes (the caller measured RSS) or --hold passes
    end = time.monotonic() + a.hold
    while time.monotonic() < end:
        r, _, _ = select.select([sys.stdin], [], [], max(0.0, end - time.monotonic()))
        if r and not os.read(sys.stdin.fileno(), 4096):
            break
    for s in conns:
        s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["latency", "concurrent", "idle", "stats"])
    ap.add_argument("--target", help="IP:PORT of the service on the peer")
    ap.add_argument("--raw", help="latency: append every sample (ms) here; stats: read them")
    ap.add_argument("--socks", help="HOST:PORT of the SOCKS5 proxy (none: connect directly)")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--expect", type=int, default=-1, help="concurrent: bytes each must read")
    ap.add_argument("--timeout", type=float, default=20.0, help="per-socket timeout (s)")
    ap.add_argument("--max-time", type=float, default=120.0, help="bound for the whole mode (s)")
    ap.add_argument("--hold", type=float, default=60.0, help="idle: hold at most this long (s)")
    a = ap.parse_args()
    if a.mode == "stats" and not a.raw or a.mode != "stats" and not a.target:
        ap.error("stats needs --raw; the other modes need --target")
    modes = {"latency": mode_latency, "concurrent": mode_concurrent, "idle": mode_idle,
             "stats": mode_stats}
    modes[a.mode](a)


if __name__ == "__main__":
    main()
