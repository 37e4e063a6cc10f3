#!/usr/bin/env bash
# wg_interop: tsnode's WireGuard core against a real wireguard-go peer (issue #3), through
# wg_interop_probe (interop_probe.cpp) and tests/support/wgpeer.sh, with a preshared key:
#   1. initiator: ICMPv4 and ICMPv6 echoes through the tunnel are answered;
#   2. responder: the restarted peer, told our UDP address, pings us and gets replies;
#   3. recovery: the peer is killed and restarted with the same key mid-flow, and the session
#      comes back without restarting our side (new handshake after KEEPALIVE + REKEY_TIMEOUT).
# Usage (root): bash interop_test.sh PROBE    ctest: -L integration.
set -euo pipefail

if [[ -z ${WG_INTEROP_DEADLINE:-} ]]; then
  WG_INTEROP_DEADLINE=1 exec timeout -k 5 150 bash "$0" "$@"
fi

probe=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../support/wgpeer.sh
source "$here/../support/wgpeer.sh"

wgpeer_up --psk >/dev/null
T=$WGPEER_DIR/interop
mkdir -p "$T"

echo "== 1. tsnode initiates"
"$probe" initiate

echo "== 2. tsnode responds"
wgpeer_restart
port=$((40000 + RANDOM % 20000))
"$probe" serve "$port" 12 &
serve_pid=$!
sleep 0.5
wg set "$WGPEER_IF" peer "$WGPEER_CLIENT_PUBKEY" endpoint "$WGPEER_VETH_ROOT_IP4:$port"
wgpeer_exec ping -c 3 -i 0.3 -W 3 "$WGPEER_CLIENT_IP4"
wgpeer_exec ping -6 -c 3 -i 0.3 -W 3 "$WGPEER_CLIENT_IP6"
wait "$serve_pid"

echo "== 3. the peer restarts mid-flow"
wgpeer_restart
"$probe" recover "$T" &
recover_pid=$!
for _ in $(seq 200); do
  [[ -e $T/ready ]] && break
  sleep 0.1
done
[[ -e $T/ready ]] || { echo "no session before the restart" >&2; exit 1; }
wgpeer_restart
touch "$T/restarted"
wait "$recover_pid"
echo "wg_interop: passed"
