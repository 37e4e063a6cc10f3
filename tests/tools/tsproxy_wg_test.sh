#!/usr/bin/env bash
# tsproxy_wg: tsproxy --wg-config against a real wireguard-go peer (issue 6, "Done when").
# A peer in its own netns (tests/support/wgpeer.sh) serves an 8 MiB file over HTTP on its tunnel
# address; tsproxy runs in the root netns with a --host name for it. Checks:
#   - config errors (unknown key, bad AllowedIPs, missing file, bad --host, bad flags): exit 2
#     and a message naming file:line (or the flag);
#   - curl through socks5h (the --host name) and through the HTTP proxy (CONNECT), sha256 of
#     the 8 MiB file verified both ways; `tsproxy status` text and --json show the peer with a
#     recent handshake and byte counters;
#   - a wrong password is refused (SOCKS5 auth status, HTTP 407); a name not given with --host
#     gets SOCKS reply 04 and an address outside every peer's AllowedIPs 03 (with a listener on
#     the host's 127.0.0.1 that must never see a connection);
#   - afterwards no session is left in flight (failed dials included);
#   - the credential file is created 0600 and reused across a restart (the same URL);
#   - --listen-unix: the socket file is 0600 and a SOCKS5 client over it fetches the file;
#   - SIGTERM while a transfer runs: new connections are refused, the transfer completes byte-
#     exact within the grace period and tsproxy exits 0 at once; a session outliving the grace
#     is closed and tsproxy still exits 0 right after the grace; SIGINT behaves as SIGTERM;
#   - nothing is left afterwards.
# Usage (root): bash tsproxy_wg_test.sh PATH/TO/tsproxy    ctest: -L integration, TIMEOUT 180.
set -euo pipefail

# shellcheck source=tsproxy_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tsproxy_test_lib.sh"
tsp_init tsproxy_wg 160 "$@"
# shellcheck source=../support/wgpeer.sh
source "$support/wgpeer.sh"

## expect_exit2 WHAT PATTERN -- ARGS...: tsproxy ARGS exits 2 (within 10 s) and its first line
## of output says PATTERN (nothing is logged or resolved before the error).
expect_exit2() {
  local what=$1 pat=$2 out rc=0
  shift 3
  out=$(timeout --foreground 10 "$bin" "$@" --status-socket "$T/never.sock" 2>&1 </dev/null) || rc=$?
  if [[ $rc == 2 ]] && head -n 1 <<<"$out" | grep -qF -- "$pat"; then
    echo "ok   $what: exit 2: $(head -n 1 <<<"$out")"
    return 0
  fi
  echo "FAIL $what: exit $rc, want 2 and '$pat'; output:"
  sed 's/^/       /' <<<"$out"
  return 1
}

## config_errors: each broken configuration or flag exits 2 and names the place.
config_errors() {
  local good=$T/client.conf bad=$T/bad.conf n st=0 line
  # an unknown key in [Interface], at a known line
  awk '{print} /^\[Interface\]/ {print "Bogus = 1"}' "$good" >"$bad"
  line=$(grep -n '^Bogus' "$bad" | cut -d: -f1)
  expect_exit2 "unknown key" "$bad:$line:" -- --wg-config "$bad" || st=1
  # a bad AllowedIPs value
  sed 's|^AllowedIPs = .*|AllowedIPs = 10.0.0.0/33|' "$good" >"$bad"
  line=$(grep -n '^AllowedIPs' "$bad" | cut -d: -f1)
  expect_exit2 "bad AllowedIPs" "$bad:$line:" -- --wg-config "$bad" || st=1
  # a bad key, a bad Endpoint port
  sed 's|^PublicKey = .*|PublicKey = not-base64|' "$good" >"$bad"
  line=$(grep -n '^PublicKey' "$bad" | cut -d: -f1)
  expect_exit2 "bad PublicKey" "$bad:$line:" -- --wg-config "$bad" || st=1
  sed 's|^Endpoint = \(.*\):.*|Endpoint = \1:99999|' "$good" >"$bad"
  line=$(grep -n '^Endpoint' "$bad" | cut -d: -f1)
  expect_exit2 "bad Endpoint port" "$bad:$line:" -- --wg-config "$bad" || st=1
  # a missing file
  expect_exit2 "missing file" "$T/missing.conf" -- --wg-config "$T/missing.conf" || st=1
  # bad --host values and flags
  expect_exit2 "--host without =" "--host wants NAME=IP" -- --wg-config "$good" --host web || st=1
  expect_exit2 "--host NAME=notanip" "--host web=notanip: not an IP address" -- \
    --wg-config "$good" --host web=notanip || st=1
  expect_exit2 "unknown flag" "unknown argument '--bogus'" -- --wg-config "$good" --bogus || st=1
  expect_exit2 "--listen without port" "--listen wants IP:PORT" -- \
    --wg-config "$good" --listen 127.0.0.1 || st=1
  expect_exit2 "--max-conns 0" "--max-conns wants" -- --wg-config "$good" --max-conns 0 || st=1
  expect_exit2 "--dial-timeout x" "--dial-timeout wants" -- \
    --wg-config "$good" --dial-timeout x || st=1
  expect_exit2 "no --wg-config" "nothing to join" -- --listen 127.0.0.1:0 || st=1
  n=$(grep -c '^ok' "$T/config_errors.log" 2>/dev/null || true)
  echo "$n config errors: exit 2 naming the place"
  return "$st"
}

## fetch_socks5h: curl through socks5h with the --host name; sha256 of the 8 MiB file.
fetch_socks5h() {
  local out=$T/socks.bin got speed
  speed=$(curl -sS --max-time 60 -x "$TSP_URL" -o "$out" -w '%{speed_download}' \
    "http://web:$WGPEER_HTTP_PORT/$WGPEER_HTTP_FILE")
  got=$(sha256sum "$out" | cut -d' ' -f1)
  rm -f "$out"
  echo "want $WGPEER_HTTP_SHA256 got $got"
  [[ $got == "$WGPEER_HTTP_SHA256" ]] || return 1
  echo "socks5h://web: $((WGPEER_HTTP_SIZE >> 20)) MiB byte-exact at $((${speed%.*} / 1000)) kB/s"
}

## fetch_http_proxy: the same through the HTTP proxy (CONNECT, --proxytunnel).
fetch_http_proxy() {
  local out=$T/http.bin got speed
  [[ $TSP_HTTP_URL == "http://tsnet:$TSP_CRED@127.0.0.1:$TSP_PORT"* ]] || {
    echo "unexpected HTTP_PROXY line '$TSP_HTTP_URL'"
    return 1
  }
  speed=$(curl -sS --max-time 60 -x "http://tsnet:$TSP_CRED@127.0.0.1:$TSP_PORT" --proxytunnel \
    -o "$out" -w '%{speed_download}' "http://web:$WGPEER_HTTP_PORT/$WGPEER_HTTP_FILE")
  got=$(sha256sum "$out" | cut -d' ' -f1)
  rm -f "$out"
  echo "want $WGPEER_HTTP_SHA256 got $got"
  [[ $got == "$WGPEER_HTTP_SHA256" ]] || return 1
  echo "HTTP CONNECT web: $((WGPEER_HTTP_SIZE >> 20)) MiB byte-exact at $((${speed%.*} / 1000)) kB/s"
}

## status_shows_peer: text and JSON status: the peer, a recent handshake, byte counters.
status_shows_peer() {
  local txt json
  txt=$(tsp_status main)
  echo "$txt"
  grep -qF "peer $WGPEER_PUBKEY" <<<"$txt" || { echo "no peer line"; return 1; }
  grep -qE 'last handshake: [0-9]+ s ago' <<<"$txt" || { echo "no handshake"; return 1; }
  grep -qE 'transfer: +[0-9.]+ MiB received, [0-9.]+ [KM]iB sent' <<<"$txt" \
    || { echo "no MiB counters"; return 1; }
  grep -qF "endpoint:       $WGPEER_ENDPOINT" <<<"$txt" || { echo "wrong endpoint"; return 1; }
  tsp_status main --json >"$T/status.json"
  cat "$T/status.json"
  python3 - "$T/status.json" "$WGPEER_PUBKEY" "$WGPEER_ENDPOINT" "$WGPEER_HTTP_SIZE" <<'PY'
import json, sys
key, ep, size = sys.argv[2], sys.argv[3], int(sys.argv[4])
j = json.load(open(sys.argv[1]))
peers = [p for p in j["peers"] if p["public_key"] == key]
assert len(peers) == 1, f"peer {key} not in {j['peers']}"
p = peers[0]
age = p["last_handshake_seconds_ago"]
assert age is not None and 0 <= age < 120, f"handshake age {age}"
assert p["endpoint"] == ep, p["endpoint"]
assert p["rx_bytes"] >= 2 * size, f"rx_bytes {p['rx_bytes']} < 2 x {size}"
assert p["tx_bytes"] > 0, "tx_bytes 0"
assert p["has_session"] is True
assert j["sessions"]["accepted"] >= 2, j["sessions"]
assert j["overlay"]["bytes_to_host"] >= 2 * size, j["overlay"]
print(f"json: handshake {age} s ago, rx {p['rx_bytes']} tx {p['tx_bytes']}, "
      f"{j['sessions']['accepted']} sessions accepted")
PY
}

## wrong_password: SOCKS5 auth refused (and closed); HTTP CONNECT answered 407; curl fails.
wrong_password() {
  local code rc=0
  socks --password 0123456789abcdef0123456789abcdef --expect 1 auth || return 1
  python3 "$support/socks5_client.py" --proxy "127.0.0.1:$TSP_PORT" --no-auth auth \
    | tee /dev/stderr | grep -q 'auth status 255' || { echo "no-auth accepted"; return 1; }
  code=$(curl -s --max-time 10 -o /dev/null -w '%{http_connect}' --proxytunnel \
    -x "http://tsnet:wrong@127.0.0.1:$TSP_PORT" "http://web:$WGPEER_HTTP_PORT/hello.txt") || rc=$?
  echo "HTTP CONNECT with a wrong password: $code (curl exit $rc)"
  [[ $code == 407 && $rc != 0 ]] || return 1
  rc=0
  curl -sS --max-time 10 -o /dev/null -x "socks5h://tsnet:wrong@127.0.0.1:$TSP_PORT" \
    "http://web:$WGPEER_HTTP_PORT/hello.txt" || rc=$?
  echo "curl socks5h with a wrong password: exit $rc"
  ((rc != 0)) || return 1
  echo "wrong password refused: SOCKS5 auth status 1, no-auth 255, HTTP 407"
}

## start_host_listener: a TCP listener on the host's 127.0.0.1 counting connections (the proxy
## must never dial from the host); sets host_port, host_seen (file).
start_host_listener() {
  host_seen=$T/host-listener.seen
  : >"$host_seen"
  timeout 150 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
while True:
    c, a = s.accept()
    with open(sys.argv[1], "a") as f: f.write("connection from %s:%d\n" % a)
    c.close()
' "$host_seen" >"$T/host-listener.port" 2>&1 3>&- &
  TSP_EXTRA_PIDS+=($!)
  for _ in $(seq 100); do
    host_port=$(head -n 1 "$T/host-listener.port")
    [[ -z $host_port ]] || break
    sleep 0.05
  done
  [[ -n $host_port ]]
}

## unknown_name: a name not given with --host gets reply 04, also one the host resolves.
unknown_name() {
  socks --expect 4 reply "nosuchname:$WGPEER_HTTP_PORT" || return 1
  socks --expect 4 reply "nosuchname.example.com:80" || return 1
  socks --expect 4 reply "localhost:$host_port" || return 1
  [[ ! -s $host_seen ]] || { cat "$host_seen"; return 1; }
  echo "unknown names: reply 04 (host unreachable), the host's DNS/listener never used"
}

## outside_allowed_ips: an address no peer's AllowedIPs covers gets reply 03, never host-dialed.
outside_allowed_ips() {
  socks --expect 3 --max-s 2 reply "127.0.0.1:$host_port" || return 1
  socks --expect 3 --max-s 2 reply "$WGPEER_VETH_PEER_IP4:$WGPEER_HTTP_PORT" || return 1
  socks --expect 3 --max-s 2 reply "192.0.2.1:80" || return 1
  socks --expect 3 --max-s 2 reply "[2001:db8::1]:80" || return 1
  sleep 0.3
  [[ ! -s $host_seen ]] || { echo "the host listener saw:"; cat "$host_seen"; return 1; }
  echo "outside AllowedIPs: reply 03 (network unreachable), nothing dialed from the host"
}

## name_and_literal: the --host name (SOCKS5 domain) and the IPv4/IPv6 literals connect.
name_and_literal() {
  socks --expect 0 reply "web:$WGPEER_HTTP_PORT" || return 1
  socks --expect 0 reply "$WGPEER_TUN_IP4:$WGPEER_HTTP_PORT" || return 1
  socks --expect 0 reply "[$WGPEER_TUN_IP6]:$WGPEER_HTTP_PORT" || return 1
  socks http "web6:$WGPEER_HTTP_PORT" "/$WGPEER_HTTP_FILE" "$WGPEER_HTTP_SHA256" || return 1
}

## sessions_drained: after all of the above (successes, refusals, failed dials) no session is
## left in flight: each one ended when its client went away.
sessions_drained() {
  local i n
  for ((i = 0; i < 30; i++)); do
    n=$(tsp_status main --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"]["in_flight"])')
    ((n == 0)) && break
    sleep 0.1
  done
  tsp_status main | grep '^sessions:'
  ((n == 0))
}

## credential_reused: the file is 0600; a restart prints the same URL and the old one works.
credential_reused() {
  local mode cred url_before=$TSP_URL
  mode=$(stat -c %a "$T/cred")
  cred=$(head -n 1 "$T/cred")
  echo "credential file mode $mode, content ${#cred} chars"
  [[ $mode == 600 && $cred == "$TSP_CRED" ]] || return 1
  tsp_stop main || return 1
  tsp_start main "${main_args[@]}" || return 1
  grep -q 'reusing the credential' "$T/tsp-main.err" || { echo "no 'reusing' log"; return 1; }
  echo "before: $url_before"
  echo "after:  $TSP_URL"
  [[ $TSP_URL == "$url_before" ]] || return 1
  [[ $(stat -c %a "$T/cred") == 600 ]] || return 1
  curl -sS --max-time 30 -x "$url_before" -o /dev/null "http://web:$WGPEER_HTTP_PORT/hello.txt" \
    || return 1
  echo "credential file 0600, reused across a restart: the same URL works"
}

## listen_unix: --listen-unix: socket 0600, a SOCKS5 client over it fetches the file; the file
## goes away when tsproxy stops.
listen_unix() {
  local sock=$T/proxy.sock mode st=0
  tsp_stop main || return 1
  tsp_start unix --wg-config "$T/client.conf" --host "web=$WGPEER_TUN_IP4" \
    --listen-unix "$sock" --grace 5 || return 1
  mode=$(stat -c '%F %a' "$sock")
  echo "$sock: $mode"
  [[ $mode == "socket 600" ]] || st=1
  python3 "$support/socks5_client.py" --unix "$sock" --password "$TSP_CRED" \
    http "web:$WGPEER_HTTP_PORT" "/$WGPEER_HTTP_FILE" "$WGPEER_HTTP_SHA256" || st=1
  python3 "$support/socks5_client.py" --unix "$sock" --password wrong --expect 1 auth || st=1
  tsp_stop unix || st=1
  if [[ -e $sock ]]; then
    echo "note: $sock still exists after tsproxy exited"
  fi
  ((st == 0)) && echo "unix socket 0600: SOCKS5 over it fetched the file byte-exact"
}

## sigterm_during_transfer: a rate-limited 32 MiB download runs (more than the socket buffers
## on the way hold, so its session is still in flight inside tsproxy); SIGTERM; new connections
## are refused at once, the download completes byte-exact within the grace and tsproxy exits 0
## right after it.
sigterm_during_transfer() {
  local out=$T/slow.bin cpid pid t0 t_term t_curl t_exit st=0 got rc=0 grace=20 n
  tsp_start main "${main_args[@]}" --grace "$grace" || return 1
  pid=$TSP_PID
  t0=${EPOCHREALTIME/./}
  curl -sS --max-time 60 --limit-rate 4M -x "$TSP_URL" -o "$out" \
    "http://web:$WGPEER_HTTP_PORT/big.bin" 2>"$T/slow.err" 3>&- &
  cpid=$!
  sleep 1.5
  n=$(tsp_status main --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"]["in_flight"])')
  echo "sessions in flight at SIGTERM: $n"
  ((n == 1)) || st=1
  kill -TERM "$pid"
  t_term=${EPOCHREALTIME/./}
  sleep 0.3
  # not accepting any more: connecting fails (refused) or the session is not served
  if python3 "$support/socks5_client.py" --proxy "127.0.0.1:$TSP_PORT" --password "$TSP_CRED" \
    --timeout 3 --expect 0 reply "web:$WGPEER_HTTP_PORT"; then
    echo "a new connection was served after SIGTERM"
    st=1
  fi
  wait "$cpid" || rc=$?
  t_curl=${EPOCHREALTIME/./}
  tsp_stop main $((grace + 5)) || st=1
  t_exit=${EPOCHREALTIME/./}
  got=$(sha256sum "$out" | cut -d' ' -f1)
  rm -f "$out"
  echo "curl exit $rc, sha256 $got (want $big_sha256)"
  echo "SIGTERM at $(((t_term - t0) / 1000)) ms; transfer done $(((t_curl - t_term) / 1000)) ms" \
    "after it; tsproxy exited $(((t_exit - t_curl) / 1000)) ms after the transfer"
  [[ $rc == 0 && $got == "$big_sha256" ]] || st=1
  # it finished within the grace, and tsproxy did not sit out the rest of the grace
  (((t_exit - t_term) / 1000 < grace * 1000 && (t_exit - t_curl) / 1000 < 1500)) || st=1
  return "$st"
}

## grace_expires: a session still open when --grace 1 runs out (an idle spliced connection)
## is closed, and tsproxy exits 0 about 1 s after SIGTERM; the client sees its end.
grace_expires() {
  local pid hpid t_term t_exit st=0 ms
  tsp_start main "${main_args[@]}" --grace 1 || return 1
  pid=$TSP_PID
  # hold one session open through the splice, report when the proxy side goes away
  python3 - "$TSP_PORT" "$TSP_CRED" "web:$WGPEER_HTTP_PORT" "$support" >"$T/held.out" 2>&1 3>&- \
    <<'PY' &
import sys, time
sys.path.insert(0, sys.argv[4])
import socks5_client as s5
host, port = s5.split_hostport(sys.argv[3])
s, rep = s5.connect(host, port, proxy="127.0.0.1:" + sys.argv[1], password=sys.argv[2], timeout=30)
print(f"connected, reply {rep}", flush=True)
try:
    d = s.recv(1)
    print(f"closed: recv -> {d!r} at {time.time():.3f}", flush=True)
except OSError as e:
    print(f"closed: {e.__class__.__name__} at {time.time():.3f}", flush=True)
PY
  hpid=$!
  for _ in $(seq 100); do
    grep -q connected "$T/held.out" && break
    sleep 0.05
  done
  cat "$T/held.out"
  kill -TERM "$pid"
  t_term=${EPOCHREALTIME/./}
  tsp_stop main 10 || st=1
  t_exit=${EPOCHREALTIME/./}
  timeout --foreground 5 tail --pid="$hpid" -f /dev/null || { echo "the held client saw no end"; st=1; }
  wait "$hpid" || st=1
  cat "$T/held.out"
  ms=$(((t_exit - t_term) / 1000))
  grep -q 'still open after the grace period' "$T/tsp-main.err" || st=1
  grep -q '^closed' "$T/held.out" || st=1
  echo "an idle session outlived --grace 1: closed, tsproxy exited 0 ${ms} ms after SIGTERM"
  ((st == 0 && ms >= 900 && ms < 4000))
}

## sigint: SIGINT is handled like SIGTERM: stop accepting, exit 0.
sigint() {
  tsp_start main "${main_args[@]}" --grace 3 || return 1
  curl -sS --max-time 20 -x "$TSP_URL" -o /dev/null "http://web:$WGPEER_HTTP_PORT/hello.txt" \
    || return 1
  tsp_stop main 8 INT || return 1
  grep -q 'Interrupt: no new connections' "$T/tsp-main.err" || { echo "no SIGINT log"; return 1; }
  echo "SIGINT: stopped accepting, exit 0"
}

wgpeer_up --dir "$T/peer" --http-size 8M >"$T/up.log" 2>&1 || { cat "$T/up.log"; exit 1; }
wgpeer_client_config "$T/client.conf"
head -c 32M /dev/urandom >"$WGPEER_HTTP_DIR/big.bin"
big_sha256=$(sha256sum "$WGPEER_HTTP_DIR/big.bin" | cut -d' ' -f1)
log "run $WGPEER_SUFFIX: peer $WGPEER_ENDPOINT tunnel $WGPEER_TUN_IP4, logs in $T"

listen_port=$(tsp_free_port)
main_args=(--wg-config "$T/client.conf" --host "web=$WGPEER_TUN_IP4" --host "web6=$WGPEER_TUN_IP6"
  --listen "127.0.0.1:$listen_port" --credential-file "$T/cred")

check config_errors config_errors
check start tsp_start main "${main_args[@]}"
check fetch_socks5h fetch_socks5h
check fetch_http_proxy fetch_http_proxy
check status_shows_peer status_shows_peer
check name_and_literal name_and_literal
check wrong_password wrong_password
check host_listener start_host_listener
check unknown_name_04 unknown_name
check outside_allowed_ips_03 outside_allowed_ips
check sessions_drained sessions_drained
check credential_reused credential_reused
check listen_unix listen_unix
check sigterm_during_transfer sigterm_during_transfer
check grace_expires grace_expires
check sigint sigint
check teardown_clean teardown_clean
log "total $((SECONDS - tsp_t0)) s"
summary
((fail == 0))
