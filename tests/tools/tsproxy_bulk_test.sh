#!/usr/bin/env bash
# tsproxy_bulk: bulk transfers and dial failures through tsproxy over WireGuard (issue 4's
# integration list, with tsproxy as the client). tests/support/tcp_services.py runs in the
# wireguard-go peer's netns on its tunnel address; tests/support/socks5_client.py drives it.
#   - 256 MiB download (source pattern verified) and 256 MiB upload (the sink's sha256), with
#     the upload ending in a half-close (shutdown(SHUT_WR), then the digest is still read);
#   - half-close through the echo service: all bytes back, then EOF;
#   - a refused port gets SOCKS reply 05; a black-holed address inside AllowedIPs (.99 of the
#     tunnel subnet: routed to the peer, answered by nobody) gets 06 after --dial-timeout 2 s
#     (measured);
#   - through tests/support/impair_relay at 2% loss and 20 ms delay each way (tsproxy's Endpoint
#     is the relay): the round trip is >= 40 ms, the 32 MiB download stays byte-exact, and so
#     does an upload of TSP_LOSSY_UPLOAD_MIB (default 4) MiB: lwIP is the TCP sender there and
#     recovers from a loss only by a retransmission timeout (no SACK-in, and Linux's dupacks
#     carry changing windows, so lwIP's fast retransmit does not fire): ~0.1 MB/s, a 32 MiB
#     upload would take minutes; the relay's drop counters are printed;
#   - for context, the Go reference path (wireguard-go client, Linux TCP) moves 64 MiB each way
#     to the same services; throughput is printed for every transfer; nothing is left afterwards.
# Usage (root): bash tsproxy_bulk_test.sh PATH/TO/tsproxy PATH/TO/impair_relay
#   ctest TIMEOUT 420.
set -euo pipefail

# shellcheck source=tsproxy_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tsproxy_test_lib.sh"
tsp_init tsproxy_bulk 400 "$@"
relay_bin=${2:-${IMPAIR_RELAY:-}}
[[ -x $relay_bin ]] || {
  echo "$name: usage: $0 PATH/TO/tsproxy PATH/TO/impair_relay (got '$relay_bin')" >&2
  exit 2
}
# shellcheck source=../support/wgpeer.sh
source "$support/wgpeer.sh"

BIG=$((256 << 20))
LOSSY=$((32 << 20))
LOSSY_UP=$((${TSP_LOSSY_UPLOAD_MIB:-4} << 20))
REF=$((64 << 20))
ECHO_PORT=7100 SINK_PORT=9100 SOURCE_PORT=9101
relay_pid=""

## start_services: tcp_services.py on the peer's tunnel IPv4 (killed by the trap).
start_services() {
  local ready=$T/services.ready
  rm -f "$ready"
  wgpeer_exec python3 "$support/tcp_services.py" --bind "$WGPEER_TUN_IP4" --echo "$ECHO_PORT" \
    --sink "$SINK_PORT" --source "$SOURCE_PORT" --ready "$ready" \
    </dev/null >"$T/services.log" 2>&1 3>&- &
  TSP_EXTRA_PIDS+=($!)
  for _ in $(seq 100); do
    [[ -e $ready ]] && break
    sleep 0.05
  done
  [[ -e $ready ]] || { cat "$T/services.log"; return 1; }
  wgpeer_exec ss -Hltn | grep "$WGPEER_TUN_IP4"
}

## record WHAT LINE: keep a measured number for the final listing, and print it.
record() {
  echo "$1: $2" >>"$T/numbers"
  echo "$2"
}

download() { # download TAG BYTES
  local out
  out=$(socks download "$WGPEER_TUN_IP4:$SOURCE_PORT" "$2") || { echo "$out"; return 1; }
  record "$1 download" "$out"
}

upload() { # upload TAG BYTES [socks5_client options]
  local out tag=$1 n=$2
  shift 2
  out=$(socks "$@" upload "$WGPEER_TUN_IP4:$SINK_PORT" "$n") || { echo "$out"; return 1; }
  record "$tag upload" "$out"
}

## reference: the Go reference path (wireguard-go client in its own netns, Linux TCP, no
## proxy) to the same services, for context.
reference() {
  local out
  wgclient_up --own-key || return 1
  out=$(wgclient_exec timeout --foreground 120 python3 "$support/socks5_client.py" --direct \
    download "$WGPEER_TUN_IP4:$SOURCE_PORT" "$REF") || { echo "$out"; return 1; }
  record "Go reference path download" "$out"
  out=$(wgclient_exec timeout --foreground 120 python3 "$support/socks5_client.py" --direct \
    upload "$WGPEER_TUN_IP4:$SINK_PORT" "$REF") || { echo "$out"; return 1; }
  record "Go reference path upload" "$out"
  wgclient_down
}

## half_close_echo: 4 MiB to the echo service, shutdown(SHUT_WR), all 4 MiB back, then EOF.
half_close_echo() {
  socks echo "$WGPEER_TUN_IP4:$ECHO_PORT" $((4 << 20))
}

## refused: nothing listens on the port: the peer's kernel answers RST -> SOCKS reply 05, fast.
refused() {
  socks --expect 5 --max-s 2 reply "$WGPEER_TUN_IP4:1"
}

## black_hole: .99 of the tunnel subnet is routed to the peer, which answers nothing there:
## reply 06 (TTL expired = timeout) after --dial-timeout 2 s.
black_hole() {
  local ip=${WGPEER_TUN_NET4%.*/*}.99 out
  out=$(socks --expect 6 --min-s 1.9 --max-s 3.0 reply "$ip:80") || { echo "$out"; return 1; }
  record "dial timeout (2 s configured)" "$out"
}

## start_relay: impair_relay toward the peer at 2% loss, 20 ms delay each way; sets relay_port.
start_relay() {
  local i
  "$relay_bin" --listen 127.0.0.1:0 --target "$WGPEER_ENDPOINT" --loss 2 --delay 20 --seed 5 \
    </dev/null >"$T/relay.out" 2>&1 3>&- &
  relay_pid=$!
  TSP_EXTRA_PIDS+=("$relay_pid")
  for ((i = 0; i < 100; i++)); do
    relay_port=$(sed -n 's/^impair_relay: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$T/relay.out")
    [[ -n $relay_port ]] && break
    sleep 0.05
  done
  [[ -n $relay_port ]] || { cat "$T/relay.out"; return 1; }
  head -n 1 "$T/relay.out"
}

## lossy_setup: stop the direct tsproxy, start the relay and a tsproxy whose Endpoint is it.
lossy_setup() {
  tsp_stop main || return 1
  start_relay || return 1
  wgpeer_client_config "$T/relay.conf" --endpoint "127.0.0.1:$relay_port"
  tsp_start lossy --wg-config "$T/relay.conf" --dial-timeout 10 --log-level warn
}

## lossy_rtt: through the relay the round trip is at least 40 ms (the relay is in the path).
lossy_rtt() {
  local t
  t=$(python3 - "$TSP_PORT" "$TSP_CRED" "$WGPEER_TUN_IP4" "$ECHO_PORT" "$support" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[5])
import socks5_client as s5
s, rep = s5.connect(sys.argv[3], int(sys.argv[4]), proxy="127.0.0.1:" + sys.argv[1],
                    password=sys.argv[2], timeout=20)
assert rep == 0, rep
best = 1e9
for _ in range(10):
    t = time.monotonic(); s.sendall(b"x"); assert s.recv(1) == b"x"
    best = min(best, time.monotonic() - t)
print(int(best * 1000))
PY
  ) || return 1
  echo "min echo round trip through the relay: $t ms"
  ((t >= 39))
}

## stop_relay: SIGTERM the relay; print its counters.
stop_relay() {
  local st=0 fwd dropped
  kill -TERM "$relay_pid"
  wait "$relay_pid" || st=$?
  relay_pid=""
  cat "$T/relay.out"
  fwd=$(sed -n 's/^impair_relay: totals .*\bforwarded=\([0-9]*\).*/\1/p' "$T/relay.out" | tail -n 1)
  dropped=$(sed -n 's/^impair_relay: totals .*\bdropped=\([0-9]*\).*/\1/p' "$T/relay.out" | tail -n 1)
  record "relay (2% loss, 20 ms each way)" "forwarded ${fwd:-?}, dropped ${dropped:-?} (exit $st)"
  ((st == 0 && ${dropped:-0} > 0))
}

wgpeer_up --dir "$T/peer" --http-size 64K >"$T/up.log" 2>&1 || { cat "$T/up.log"; exit 1; }
wgpeer_client_config "$T/client.conf"
log "run $WGPEER_SUFFIX: peer $WGPEER_ENDPOINT tunnel $WGPEER_TUN_IP4, logs in $T"

check services start_services
check start tsp_start main --wg-config "$T/client.conf" --dial-timeout 2 --log-level warn
check download_256MiB download direct $BIG
check upload_256MiB_half_close upload direct $BIG
check half_close_echo half_close_echo
check refused_05 refused
check black_hole_06 black_hole
check lossy_setup lossy_setup
check lossy_rtt lossy_rtt
check lossy_download_32MiB download "2% loss 20 ms" $LOSSY
check lossy_upload upload "2% loss 20 ms" $LOSSY_UP --timeout 240
check lossy_stop_relay stop_relay
check stop tsp_stop lossy
check reference reference
check teardown_clean teardown_clean
log "numbers:"
sed "s/^/$name:   /" "$T/numbers" 2>/dev/null || true
log "total $((SECONDS - tsp_t0)) s"
summary
((fail == 0))
