#!/usr/bin/env python3
"""SOCKS5 UDP ASSOCIATE checks against a proxy (RFC 1928 §7), for integration tests.

Usage: socks5_udp.py --proxy HOST:PORT --password CRED --target IP:PORT [--outside IP:PORT]

The target must echo UDP datagrams. Checks, each printed as ok/FAIL:
  - ASSOCIATE succeeds (reply 00) and names a loopback relay address;
  - three datagrams to the target come back byte-exact, wrapped with the target as source;
  - a fragment (FRAG != 0) is dropped; a datagram from another local port is dropped;
  - a datagram to --outside (no peer's AllowedIPs) is dropped (never sent from the host);
  - after the TCP control connection closes, the relay answers no more.
Exit status 0 when every check passed.
"""
import argparse
import ipaddress
import socket
import struct
import sys


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError("proxy closed")
        b += c
    return b


def header(ip, port, frag=0):
    a = ipaddress.ip_address(ip)
    atyp = 1 if a.version == 4 else 4
    return b"\x00\x00" + bytes([frag, atyp]) + a.packed + struct.pack(">H", port)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--outside")
    a = ap.parse_args()
    phost, pport = a.proxy.rsplit(":", 1)
    thost, tport = a.target.rsplit(":", 1)
    tport = int(tport)
    failed = 0

    def check(ok, what):
        nonlocal failed
        print(("ok   " if ok else "FAIL ") + what)
        failed += 0 if ok else 1

    tcp = socket.create_connection((phost, int(pport)), timeout=10)
    tcp.sendall(b"\x05\x01\x02")
    check(recv_exact(tcp, 2) == b"\x05\x02", "greeting selects user/password")
    pw = a.password.encode()
    tcp.sendall(b"\x01\x05tsnet" + bytes([len(pw)]) + pw)
    check(recv_exact(tcp, 2) == b"\x01\x00", "auth accepted")
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(3)
    my_port = udp.getsockname()[1]
    tcp.sendall(b"\x05\x03\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack(">H", my_port))
    rep = recv_exact(tcp, 4)
    check(rep[1] == 0, f"ASSOCIATE reply 00 (got {rep[1]:02x})")
    if rep[1] != 0:
        return 1
    if rep[3] == 1:
        relay_ip = socket.inet_ntoa(recv_exact(tcp, 4))
    else:
        relay_ip = str(ipaddress.ip_address(recv_exact(tcp, 16)))
    relay_port = struct.unpack(">H", recv_exact(tcp, 2))[0]
    check(ipaddress.ip_address(relay_ip).is_loopback, f"relay on loopback ({relay_ip}:{relay_port})")
    relay = (relay_ip, relay_port)

    for i in range(3):
        payload = f"datagram {i} ".encode() * (i * 20 + 1)
        udp.sendto(header(thost, tport) + payload, relay)
        try:
            data, src = udp.recvfrom(65536)
        except socket.timeout:
            check(False, f"echo {i} came back")
            continue
        want = header(thost, tport) + payload
        check(src == relay and data == want, f"echo {i} byte-exact, {len(payload)} B, from {thost}:{tport}")

    def silent(sock, what):
        try:
            sock.recvfrom(65536)
            check(False, what)
        except socket.timeout:
            check(True, what)

    udp.settimeout(1.5)
    udp.sendto(header(thost, tport, frag=1) + b"fragment", relay)
    silent(udp, "a fragment (FRAG=1) is dropped")
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind(("127.0.0.1", 0))
    other.settimeout(1.5)
    other.sendto(header(thost, tport) + b"stranger", relay)
    silent(other, "a datagram from another local port is dropped")
    if a.outside:
        oh, op = a.outside.rsplit(":", 1)
        udp.sendto(header(oh, int(op)) + b"outside", relay)
        silent(udp, "a datagram to an address outside every peer is dropped")
    tcp.close()
    import time
    time.sleep(0.5)
    udp.sendto(header(thost, tport) + b"after close", relay)
    silent(udp, "after the TCP connection closed, the relay answers no more")
    print(f"socks5_udp: {10 - failed if a.outside else 9 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
