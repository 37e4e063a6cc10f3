#!/usr/bin/env bash
# tsproxy_endpoint_name: an Endpoint given as a host name is resolved at start (issue 6). The
# name is `localhost`, pointing at tests/support/impair_relay (no impairment) on 127.0.0.1,
# which forwards to the wireguard-go peer: the handshake and a fetch through the proxy must work.
# Usage (root): bash tsproxy_endpoint_name_test.sh PATH/TO/tsproxy PATH/TO/impair_relay
set -euo pipefail

relay_bin=${2:?usage: tsproxy_endpoint_name_test.sh TSPROXY IMPAIR_RELAY}
# shellcheck source=tsproxy_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tsproxy_test_lib.sh"
tsp_init tsproxy_endpoint_name 80 "$@"
# shellcheck source=../support/wgpeer.sh
source "$support/wgpeer.sh"

wgpeer_up --log-level error >/dev/null
"$relay_bin" --listen 127.0.0.1:0 --target "$WGPEER_ENDPOINT" >"$T/relay.out" 2>&1 &
TSP_EXTRA_PIDS+=($!)
for _ in $(seq 50); do grep -q 'listening on' "$T/relay.out" && break; sleep 0.1; done
relay_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/relay.out")
wgpeer_client_config "$T/client.conf" --endpoint "localhost:$relay_port"
tsp_start main --wg-config "$T/client.conf" --host "web=$WGPEER_TUN_IP4"

resolved_in_log() { grep -E "resolved endpoint localhost to 127\.0\.0\.1:$relay_port" "$T/tsp-main.err"; }
fetch_by_name() {
  curl -sS --max-time 20 -x "$TSP_URL" "http://web:$WGPEER_HTTP_PORT/hello.txt" |
    grep -x 'hello through wireguard'
}
stops_cleanly() { tsp_stop main; }
check resolved_at_start resolved_in_log
check fetch_through_named_endpoint fetch_by_name
check tsproxy_exits_0 stops_cleanly
summary
((fail == 0))
