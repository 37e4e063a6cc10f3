#!/usr/bin/env bash
# tsproxy_peer_restart: tsproxy and a wireguard-go peer that goes away and comes back (issue 6,
# "Done when"), with tests/support/wgpeer.sh.
#   - the peer initiates: tsproxy has a ListenPort and no Endpoint for the peer (so it cannot
#     send anything first); the peer is told tsproxy's address (the root-netns veth address)
#     and `ping` from the peer's netns to tsproxy's overlay IPv4 is answered by lwIP; the
#     peer's log shows that it sent the handshake initiation and never received one;
#   - with a configured Endpoint, a proxied fetch works; then the peer's wireguard-go is killed
#     (kill -9) and started again with the same key (twice): new connections through the same
#     tsproxy process succeed within 20 s each time (WireGuard's own timers: the data sent
#     into the dead session gets no answer, so tsproxy re-handshakes after ~15 s);
#   - nothing is left afterwards.
# Usage (root): bash tsproxy_peer_restart_test.sh PATH/TO/tsproxy   ctest TIMEOUT 150.
set -euo pipefail

# shellcheck source=tsproxy_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tsproxy_test_lib.sh"
tsp_init tsproxy_peer_restart 140 "$@"
# shellcheck source=../support/wgpeer.sh
source "$support/wgpeer.sh"

## udp_free_port: an unused UDP port (bound then released).
udp_free_port() {
  python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("0.0.0.0",0)); print(s.getsockname()[1])'
}

## json_field EXPR: evaluate EXPR on the status JSON `j` (python), print it.
json_field() {
  tsp_status "$tag" --json | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

## peer_initiates: tsproxy with ListenPort and no Endpoint; the peer learns our address and
## its ping to our overlay address is answered by lwIP.
peer_initiates() {
  local conf=$T/listen.conf port hs tx
  port=$(udp_free_port)
  wgpeer_client_config "$conf" --listen-port "$port"
  sed -i '/^Endpoint = /d' "$conf"
  cat "$conf" | grep -v PrivateKey
  tag=listen
  tsp_start listen --wg-config "$conf" || return 1
  grep -q "learnt when it calls" "$T/tsp-listen.err" || { echo "no endpoint note"; return 1; }
  ss -Hlun "sport = :$port" | grep -q . || { echo "tsproxy does not listen on udp :$port"; return 1; }
  sleep 0.5
  hs=$(json_field 'j["peers"][0]["last_handshake_seconds_ago"]')
  tx=$(json_field 'j["peers"][0]["tx_bytes"]')
  echo "before the peer calls: last handshake '$hs', tx_bytes $tx"
  [[ $hs == None && $tx == 0 ]] || return 1
  : >"$T/peer-log-mark"
  wc -l <"$WGPEER_DIR/wg-peer.log" >"$T/peer-log-mark"
  wg set "$WGPEER_IF" peer "$WGPEER_CLIENT_PUBKEY" endpoint "$WGPEER_VETH_ROOT_IP4:$port"
  wgpeer_exec ping -c 3 -i 0.3 -W 3 "$WGPEER_CLIENT_IP4" || return 1
  # the peer initiated, tsproxy responded (wireguard-go's verbose log)
  local log
  log=$(tail -n +"$(($(cat "$T/peer-log-mark") + 1))" "$WGPEER_DIR/wg-peer.log")
  grep -E 'handshake' <<<"$log" | head -n 5
  grep -q 'Sending handshake initiation' <<<"$log" || { echo "peer did not initiate"; return 1; }
  grep -q 'Received handshake response' <<<"$log" || { echo "no response from tsproxy"; return 1; }
  if grep -q 'Received handshake initiation' <<<"$log"; then
    echo "tsproxy initiated a handshake"
    return 1
  fi
  hs=$(json_field 'j["peers"][0]["last_handshake_seconds_ago"]')
  echo "tsproxy: handshake $hs s ago, endpoint $(json_field 'j["peers"][0]["endpoint"]')"
  [[ $hs != None ]] || return 1
  # the same session also carries a proxied connection, in the other direction
  local cred=$TSP_CRED
  curl -sS --max-time 20 -x "$TSP_URL" -o /dev/null -w 'proxied fetch: HTTP %{http_code}\n' \
    "http://$WGPEER_TUN_IP4:$WGPEER_HTTP_PORT/hello.txt" || return 1
  tsp_stop listen || return 1
  echo "the peer initiated to tsproxy's ListenPort $port; ping $WGPEER_CLIENT_IP4 answered by lwIP"
}

## fetch_ok: one proxied fetch of the 1 MiB file with a short timeout, byte-exact.
fetch_ok() {
  local got
  got=$(curl -sS --max-time "${1:-5}" --connect-timeout "${1:-5}" -x "$TSP_URL" \
    "http://$WGPEER_TUN_IP4:$WGPEER_HTTP_PORT/$WGPEER_HTTP_FILE" 2>/dev/null \
    | sha256sum | cut -d' ' -f1)
  [[ $got == "$WGPEER_HTTP_SHA256" ]]
}

## start_main: tsproxy with the peer's Endpoint configured; one fetch works.
start_main() {
  # the peer forgets the previous tsproxy's session (same key) first
  wgpeer_restart || return 1
  tag=main
  tsp_start main --wg-config "$T/client.conf" || return 1
  main_pid=$TSP_PID
  fetch_ok 20 || return 1
  echo "tsproxy pid $main_pid: proxied fetch byte-exact"
}

## recovers N: kill -9 the peer, start it again with the same key; new connections through the
## same tsproxy succeed within 20 s. Prints the recovery time (first working connection) and
## when tsproxy logged the new handshake.
recovers() {
  local n=$1 t0 ms ok=0 attempts=0 st=0 hs_before hs_after
  fetch_ok 10 || { echo "no working connection before the restart"; return 1; }
  hs_before=$(grep -c 'handshake completed' "$T/tsp-main.err" || true)
  wgpeer_restart || return 1
  t0=${EPOCHREALTIME/./}
  while (((${EPOCHREALTIME/./} - t0) / 1000 < 30000)); do
    attempts=$((attempts + 1))
    if fetch_ok 2; then
      ok=1
      break
    fi
    sleep 0.1
  done
  ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
  hs_after=$(grep -c 'handshake completed' "$T/tsp-main.err" || true)
  [[ $TSP_PID == "$main_pid" && -d /proc/$main_pid ]] || { echo "tsproxy was restarted?"; st=1; }
  echo "tsproxy logged $((hs_after - hs_before)) new handshake(s):"
  grep 'handshake completed' "$T/tsp-main.err" | tail -n $((hs_after - hs_before))
  if ((ok)); then
    echo "restart $n: new connections work again after $ms ms ($attempts attempts of <= 2 s)," \
      "same tsproxy"
  else
    echo "restart $n: still failing after $ms ms"
    st=1
  fi
  echo "$ms" >>"$T/recovery_ms"
  ((st == 0 && ms <= 20000 && hs_after > hs_before))
}

wgpeer_up --dir "$T/peer" --http-size 1M >"$T/up.log" 2>&1 || { cat "$T/up.log"; exit 1; }
wgpeer_client_config "$T/client.conf"
log "run $WGPEER_SUFFIX: peer $WGPEER_ENDPOINT tunnel $WGPEER_TUN_IP4, logs in $T"
tag=""
main_pid=""

check peer_initiates peer_initiates
check start_main start_main
check restart_1_recovers recovers 1
check restart_2_recovers recovers 2
check stop_main tsp_stop main
check teardown_clean teardown_clean
log "recovery times (ms): $(tr '\n' ' ' <"$T/recovery_ms" 2>/dev/null)"
log "total $((SECONDS - tsp_t0)) s"
summary
((fail == 0))
