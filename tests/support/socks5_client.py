#!/usr/bin/env python3
"""A small SOCKS5 client (RFC 1928 + RFC 1929 user/password) for integration tests.

Talks to a proxy on TCP (--proxy HOST:PORT) or on a Unix socket (--unix PATH), then streams.
Works with tests/support/tcp_services.py on the far side (echo / sink / source).

Commands (each prints one result line on stdout; exit 0 = the check held, 1 = it did not,
2 = a bad command line):
  reply   HOST:PORT           negotiate, CONNECT, print "reply N (NAME) after S s"; with
                              --expect N exit 0 only when the reply code is N (and, with
                              --min-s/--max-s, when the reply came within that window)
  auth                        negotiate only; print the RFC 1929 status ("auth status N")
                              with --expect N as above (0 = accepted)
  download HOST:PORT BYTES    ask a tcp_services "source" for BYTES bytes, verify the pattern
  upload   HOST:PORT BYTES    send BYTES bytes of the pattern to a "sink", shutdown(SHUT_WR),
                              read its "<sha256> <bytes>" reply and compare (the half-close)
  echo     HOST:PORT BYTES    send BYTES random bytes to an "echo" while reading them back;
                              then shutdown(SHUT_WR) and require EOF after the last byte
  http     HOST:PORT PATH SHA256
                              GET PATH (HTTP/1.0) and compare the body's sha256
  loop     HOST:PORT COUNT    COUNT sequential echo round trips of --size bytes, one connection
                              each; with --parallel P, P connections at a time (threads)

Options: --proxy HOST:PORT | --unix PATH | --direct (no proxy, for reference numbers of
download/upload/echo/http/loop), --user U (default tsnet), --password P (or
--password-file F), --timeout S (per socket operation, default 30), --size N (loop; default 64).

As a library: `import socks5_client; s, rep = socks5_client.connect(...)`.
"""
import argparse
import array
import hashlib
import os
import socket
import struct
import sys
import threading
import time

REPLY_NAMES = {
    0: "succeeded", 1: "general failure", 2: "not allowed by ruleset", 3: "network unreachable",
    4: "host unreachable", 5: "connection refused", 6: "TTL expired", 7: "command not supported",
    8: "address type not supported",
}
CHUNK = 1 << 20


class Socks5Error(Exception):
    """The proxy refused: `stage` is "method", "auth" or "reply", `code` its byte."""

    def __init__(self, stage, code, msg):
        super().__init__(msg)
        self.stage, self.code = stage, code


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise EOFError(f"proxy closed after {len(buf)} of {n} bytes")
        buf += d
    return bytes(buf)


def open_proxy(proxy=None, unix=None, timeout=30.0):
    """Returns a socket connected to the proxy (TCP HOST:PORT or a Unix socket path)."""
    if unix:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(unix)
        return s
    host, port = split_hostport(proxy)
    s = socket.create_connection((host, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def split_hostport(hp):
    host, _, port = hp.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def negotiate(s, user, password):
    """Method selection and RFC 1929 auth. Raises Socks5Error when refused."""
    if user is None:
        s.sendall(b"\x05\x01\x00")
    else:
        s.sendall(b"\x05\x01\x02")
    ver, method = recv_exact(s, 2)
    if ver != 5:
        raise Socks5Error("method", ver, f"not a SOCKS5 answer (version {ver})")
    if method == 0xFF:
        raise Socks5Error("method", method, "no acceptable method")
    if method == 0x02:
        u, p = user.encode(), password.encode()
        s.sendall(bytes([1, len(u)]) + u + bytes([len(p)]) + p)
        try:
            _, status = recv_exact(s, 2)
        except (EOFError, ConnectionResetError):
            raise Socks5Error("auth", -1, "proxy closed during auth")
        if status != 0:
            raise Socks5Error("auth", status, f"auth refused (status {status})")


def request(s, host, port):
    """Sends CONNECT host:port, returns the reply code (0 = connected) after reading the reply."""
    try:
        raw = socket.inet_pton(socket.AF_INET, host)
        addr = b"\x01" + raw
    except OSError:
        try:
            raw = socket.inet_pton(socket.AF_INET6, host)
            addr = b"\x04" + raw
        except OSError:
            h = host.encode()
            addr = b"\x03" + bytes([len(h)]) + h
    s.sendall(b"\x05\x01\x00" + addr + struct.pack(">H", port))
    ver, rep, _, atyp = recv_exact(s, 4)
    if ver != 5:
        raise Socks5Error("reply", -1, f"bad reply version {ver}")
    if atyp == 1:
        recv_exact(s, 4 + 2)
    elif atyp == 4:
        recv_exact(s, 16 + 2)
    elif atyp == 3:
        recv_exact(s, recv_exact(s, 1)[0] + 2)
    return rep


def connect(host, port, proxy=None, unix=None, user="tsnet", password="", timeout=30.0):
    """Returns (socket, reply code); the socket is ready for streaming when the code is 0."""
    s = open_proxy(proxy, unix, timeout)
    try:
        negotiate(s, user, password)
        rep = request(s, host, port)
    except BaseException:
        s.close()
        raise
    return s, rep


def pattern(offset, length):
    """tcp_services.py's source pattern: 8-byte little-endian word k at byte offset 8k."""
    head = offset % 8
    first = (offset - head) // 8
    words = (head + length + 7) // 8
    return array.array("Q", range(first, first + words)).tobytes()[head:head + length]


def mbps(nbytes, seconds):
    return nbytes / max(seconds, 1e-9) / 1e6


class Conn:
    """Command-line options bound into a connect()."""

    def __init__(self, a):
        self.a = a
        self.password = a.password
        if a.password_file:
            with open(a.password_file) as f:
                self.password = f.readline().strip()

    def __call__(self, target):
        host, port = split_hostport(target)
        if self.a.direct:  # no proxy: a reference measurement of the same path
            s = socket.create_connection((host, port), timeout=self.a.timeout)
            return s
        s, rep = connect(host, port, self.a.proxy, self.a.unix, self.a.user, self.password,
                         self.a.timeout)
        if rep != 0:
            s.close()
            raise Socks5Error("reply", rep, f"CONNECT {target}: reply {rep} "
                              f"({REPLY_NAMES.get(rep, '?')})")
        return s


def cmd_reply(a, conn):
    host, port = split_hostport(a.target)
    t0 = time.monotonic()
    try:
        s, rep = connect(host, port, a.proxy, a.unix, a.user, conn.password, a.timeout)
        s.close()
    except Socks5Error as e:
        print(f"refused at {e.stage}: {e}")
        return 1
    dt = time.monotonic() - t0
    print(f"reply {rep} ({REPLY_NAMES.get(rep, '?')}) after {dt:.3f} s")
    ok = a.expect is None or rep == a.expect
    if a.min_s is not None and dt < a.min_s:
        ok = False
    if a.max_s is not None and dt > a.max_s:
        ok = False
    return 0 if ok else 1


def cmd_auth(a, conn):
    s = open_proxy(a.proxy, a.unix, a.timeout)
    status = 0
    try:
        negotiate(s, a.user, conn.password)
    except Socks5Error as e:
        status = e.code
    # after a refusal the proxy must close the connection
    closed = ""
    if status != 0:
        try:
            closed = " (then closed)" if s.recv(1) == b"" else " (not closed!)"
        except OSError as e:
            closed = f" (then {e.__class__.__name__})"
    s.close()
    print(f"auth status {status}{closed}")
    return 0 if a.expect is None or status == a.expect else 1


def cmd_download(a, conn):
    n = a.bytes
    s = conn(a.target)
    t0 = time.monotonic()
    s.sendall(b"%d\n" % n)
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    got = 0
    while got < n:
        fill = 0
        want = min(CHUNK, n - got)
        while fill < want:
            k = s.recv_into(view[fill:want])
            if k == 0:
                print(f"download: EOF after {got + fill} of {n} bytes")
                return 1
            fill += k
        if view[:fill] != pattern(got, fill):
            exp = pattern(got, fill)
            i = next(i for i in range(fill) if buf[i] != exp[i])
            print(f"download: mismatch at byte {got + i}")
            return 1
        got += fill
    extra = s.recv(1)
    dt = time.monotonic() - t0
    s.close()
    if extra:
        print("download: more bytes than asked for")
        return 1
    print(f"download {n} bytes byte-exact in {dt:.2f} s: {mbps(n, dt):.1f} MB/s")
    return 0


def cmd_upload(a, conn):
    n = a.bytes
    s = conn(a.target)
    h = hashlib.sha256()
    t0 = time.monotonic()
    sent = 0
    while sent < n:
        k = min(CHUNK, n - sent)
        block = pattern(sent, k)
        h.update(block)
        s.sendall(block)
        sent += k
    s.shutdown(socket.SHUT_WR)  # half-close: the sink answers only after our EOF
    t_sent = time.monotonic()
    line = b""
    while not line.endswith(b"\n"):
        d = s.recv(256)
        if not d:
            break
        line += d
    dt = time.monotonic() - t0
    s.close()
    want = f"{h.hexdigest()} {n}"
    got = line.decode(errors="replace").strip()
    if got != want:
        print(f"upload: sink replied '{got}', want '{want}'")
        return 1
    print(f"upload {n} bytes verified by the sink's sha256 in {dt:.2f} s "
          f"(digest {time.monotonic() - t_sent:.2f} s after SHUT_WR): {mbps(n, dt):.1f} MB/s")
    return 0


def echo_once(s, data):
    """Sends data while reading it back; then half-closes and requires a clean EOF."""
    err = []

    def writer():
        try:
            for i in range(0, len(data), 65536):
                s.sendall(data[i:i + 65536])
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    back = bytearray()
    while True:
        d = s.recv(CHUNK)
        if not d:
            break
        back += d
    t.join()
    if err:
        raise err[0]
    return bytes(back)


def cmd_echo(a, conn):
    data = os.urandom(a.bytes)
    s = conn(a.target)
    t0 = time.monotonic()
    back = echo_once(s, data)
    dt = time.monotonic() - t0
    s.close()
    if back != data:
        print(f"echo: got {len(back)} bytes back, want {len(data)} (equal prefix: "
              f"{back == data[:len(back)]})")
        return 1
    print(f"echo {len(data)} bytes byte-exact, EOF after the half-close, in {dt:.2f} s")
    return 0


def cmd_http(a, conn):
    s = conn(a.target)
    t0 = time.monotonic()
    s.sendall(f"GET {a.path} HTTP/1.0\r\nHost: {a.target}\r\n\r\n".encode())
    raw = bytearray()
    while True:
        d = s.recv(CHUNK)
        if not d:
            break
        raw += d
    dt = time.monotonic() - t0
    s.close()
    head, _, body = bytes(raw).partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].decode(errors="replace")
    digest = hashlib.sha256(body).hexdigest()
    print(f"http {status}: {len(body)} bytes, sha256 {digest} in {dt:.2f} s")
    return 0 if digest == a.sha256 else 1


def cmd_loop(a, conn):
    size = a.size
    failures = []
    lat = []
    lock = threading.Lock()
    counter = iter(range(a.count))

    def one():
        data = os.urandom(size)
        t = time.monotonic()
        s = conn(a.target)
        try:
            back = echo_once(s, data)
        finally:
            s.close()
        if back != data:
            raise ValueError(f"{len(back)} bytes back of {len(data)}, differing")
        return time.monotonic() - t

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            try:
                dt = one()
                with lock:
                    lat.append(dt)
            except Exception as e:  # noqa: BLE001 - every failure is counted and reported
                with lock:
                    failures.append(f"#{i}: {e.__class__.__name__}: {e}")

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(max(1, a.parallel))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t0
    lat.sort()
    p50 = lat[len(lat) // 2] * 1000 if lat else 0
    p99 = lat[min(len(lat) - 1, len(lat) * 99 // 100)] * 1000 if lat else 0
    for f in failures[:5]:
        print(f"loop: {f}")
    print(f"loop: {len(lat)}/{a.count} connections byte-exact ({size} B each, {a.parallel} at a "
          f"time) in {dt:.2f} s, {len(lat) / max(dt, 1e-9):.0f}/s, p50 {p50:.1f} ms p99 {p99:.1f} ms")
    return 0 if not failures and len(lat) == a.count else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--proxy", help="HOST:PORT of the SOCKS5 proxy")
    g.add_argument("--unix", help="the proxy's Unix socket")
    g.add_argument("--direct", action="store_true",
                   help="no proxy: connect straight to the target (reference numbers)")
    ap.add_argument("--user", default="tsnet")
    ap.add_argument("--password", default="")
    ap.add_argument("--password-file")
    ap.add_argument("--no-auth", action="store_true", help="offer only method 00")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--parallel", type=int, default=1)
    ap.add_argument("--expect", type=int)
    ap.add_argument("--min-s", type=float)
    ap.add_argument("--max-s", type=float)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("reply")
    p.add_argument("target")
    sub.add_parser("auth")
    for name in ("download", "upload", "echo"):
        p = sub.add_parser(name)
        p.add_argument("target")
        p.add_argument("bytes", type=int)
    p = sub.add_parser("http")
    p.add_argument("target")
    p.add_argument("path")
    p.add_argument("sha256")
    p = sub.add_parser("loop")
    p.add_argument("target")
    p.add_argument("count", type=int)
    a = ap.parse_args()
    if a.no_auth:
        a.user = None
    conn = Conn(a)
    fn = {"reply": cmd_reply, "auth": cmd_auth, "download": cmd_download, "upload": cmd_upload,
          "echo": cmd_echo, "http": cmd_http, "loop": cmd_loop}[a.cmd]
    try:
        return fn(a, conn)
    except (Socks5Error, OSError, EOFError) as e:
        print(f"{a.cmd}: {e.__class__.__name__}: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
