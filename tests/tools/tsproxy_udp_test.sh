#!/usr/bin/env bash
# tsproxy_udp: SOCKS5 UDP ASSOCIATE into the overlay (issue 5) through tsproxy and a real
# wireguard-go peer whose namespace runs a UDP echo on its tunnel address. The checks are in
# tests/support/socks5_udp.py (byte-exact echoes, fragments / strangers / outside addresses
# dropped, the relay ends with its TCP connection).
# Usage (root): bash tsproxy_udp_test.sh PATH/TO/tsproxy    ctest: -L integration.
set -euo pipefail

# shellcheck source=tsproxy_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tsproxy_test_lib.sh"
tsp_init tsproxy_udp 100 "$@"
# shellcheck source=../support/wgpeer.sh
source "$support/wgpeer.sh"

wgpeer_up --log-level error >/dev/null
wgpeer_client_config "$T/client.conf"
# A UDP echo inside the peer's namespace; `timeout` bounds it even if the teardown missed it.
wgpeer_exec timeout 90 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7300))
while True:
    d, a = s.recvfrom(65536)
    s.sendto(d, a)
' "$WGPEER_TUN_IP4" >"$T/udp-echo.log" 2>&1 &
TSP_EXTRA_PIDS+=($!)
tsp_start main --wg-config "$T/client.conf"
check udp_associate python3 "$support/socks5_udp.py" --proxy "127.0.0.1:$TSP_PORT" \
  --password "$TSP_CRED" --target "$WGPEER_TUN_IP4:7300" --outside 192.0.2.7:7300
stops_cleanly() { tsp_stop main; }
check tsproxy_exits_0 stops_cleanly
summary
((fail == 0))
