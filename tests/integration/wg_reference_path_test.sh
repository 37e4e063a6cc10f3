#!/usr/bin/env bash
# wg_reference_path: the Go reference path of dependencies.md §6, wireguard-go <-> wireguard-go,
# built with tests/support/wgpeer.sh. A peer in its own netns serves HTTP/echo on its tunnel
# addresses; a second wireguard-go (UDP socket in the root netns, TUN in a client netns) is the
# client. Checks: an 8 MiB download over IPv4 and IPv6 is byte-exact, ping both ways of IP, TCP
# echo, `wg show` handshakes and endpoints, the generated wg-quick file, recovery after a kill -9
# of the peer, cleanup on failure (exit 1 in a subshell), reaping after SIGKILL of an owner, and
# that teardown leaves no netns, veth, process or UAPI socket behind.
# Usage (root): bash wg_reference_path_test.sh    ctest: -L integration, TIMEOUT 120.
set -euo pipefail

# A deadline below ctest's TIMEOUT: `timeout` sends SIGTERM, our traps tear everything down.
if [[ -z ${WG_REF_DEADLINE:-} ]]; then
  WG_REF_DEADLINE=105 exec timeout -k 5 105 bash "$0" "$@"
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib=$here/../support/wgpeer.sh
name=wg_reference_path
T=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
pass=0
fail=0
failed=()
summary_done=0
sub_pid="" # the owner of the sigkill_reap sub-run while it lives

exec 3>&1 # the summary goes here even when a trap fires inside a redirected check

## summary: print the counts (once) and the log dir when something failed.
summary() {
  ((summary_done)) && return 0
  summary_done=1
  if ((${#failed[@]})); then echo "$name: failed: ${failed[*]}" >&3; fi
  echo "$name: $pass passed, $fail failed" >&3
}

## on_exit STATUS: the test's EXIT trap (wgpeer.sh chains it after its own teardown).
on_exit() {
  local st=$1
  if [[ -n $sub_pid ]]; then # interrupted inside sigkill_reap: finish its job
    kill -KILL "$sub_pid" 2>/dev/null || true
    wait "$sub_pid" 2>/dev/null || true
    wgpeer_reap_stale
  fi
  summary
  if ((st != 0 || fail != 0)); then
    echo "$name: exit status $st; logs in $T" >&3
  else
    rm -rf "$T"
  fi
}
trap 'on_exit $?' EXIT

## log MSG...: a progress line.
log() { printf '%s: %s\n' "$name" "$*"; }

## check NAME CMD...: run CMD (output in $T/NAME.log), count it; on failure show the log's tail.
check() {
  local n=$1 t0 ms
  shift
  t0=${EPOCHREALTIME/./}
  if "$@" >"$T/$n.log" 2>&1; then
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    pass=$((pass + 1))
    printf '%s: PASS %-22s (%d.%02d s) %s\n' "$name" "$n" $((ms / 1000)) $((ms % 1000 / 10)) \
      "$(tail -n 1 "$T/$n.log")"
  else
    fail=$((fail + 1))
    failed+=("$n")
    echo "$name: FAIL $n; last lines of $T/$n.log:"
    tail -n 15 "$T/$n.log" | sed 's/^/    /'
  fi
}

## fetch_blob URL: download the peer's generated file in the client netns and compare sha256.
fetch_blob() {
  local out=$T/blob.$RANDOM got speed
  speed=$(wgclient_exec curl -gsS --max-time 30 -o "$out" -w '%{speed_download}' "$1")
  got=$(sha256sum "$out" | cut -d' ' -f1)
  rm -f "$out"
  echo "want $WGPEER_HTTP_SHA256"
  echo "got  $got"
  [[ $got == "$WGPEER_HTTP_SHA256" ]] || return 1
  echo "$((WGPEER_HTTP_SIZE >> 20)) MiB byte-exact at $((${speed%.*} / 1000000)) MB/s"
}

## ping_peer ADDR: three pings from the client netns to the peer's tunnel address.
ping_peer() {
  wgclient_exec ping -c 3 -i 0.2 -W 2 "$1"
}

## echo_roundtrip: 1 MiB of random bytes through the peer's TCP echo server, compared.
echo_roundtrip() {
  wgclient_exec timeout 20 python3 - "$WGPEER_TUN_IP4" "$WGPEER_ECHO_PORT" <<'PY'
import os, socket, sys, threading
data = os.urandom(1 << 20)
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=15)
threading.Thread(target=lambda: (s.sendall(data), s.shutdown(socket.SHUT_WR)), daemon=True).start()
got = bytearray()
while len(got) < len(data):
    chunk = s.recv(65536)
    if not chunk:
        break
    got += chunk
assert bytes(got) == data, "echo mismatch: %d of %d bytes" % (len(got), len(data))
print("1 MiB echoed byte-exact")
PY
}

## handshakes: both interfaces report a handshake; the peer saw the client at the root veth end.
handshakes() {
  local age_p age_c ep
  age_p=$(wgpeer_handshake_age "$WGPEER_IF")
  age_c=$(wgpeer_handshake_age "$WGCLIENT_IF")
  ep=$(wg show "$WGPEER_IF" endpoints | cut -f2)
  wg show "$WGPEER_IF"
  wg show "$WGCLIENT_IF"
  [[ -n $age_p && -n $age_c ]] || return 1
  [[ $ep == "$WGPEER_VETH_ROOT_IP4:$WGCLIENT_LISTEN_PORT" ]] || return 1
  echo "handshakes ${age_p}s / ${age_c}s ago; peer sees the client at $ep"
}

## client_config: the wg-quick file has every field tsproxy --wg-config needs, and its key matches.
client_config() {
  local f=$WGPEER_DIR/client.conf key
  wgpeer_client_config "$f" --keepalive 25
  cat "$f"
  [[ $(stat -c %a "$f") == 600 ]] || return 1
  grep -qx '\[Interface\]' "$f" && grep -qx '\[Peer\]' "$f" || return 1
  grep -qx "Address = $WGPEER_CLIENT_IP4/32, $WGPEER_CLIENT_IP6/128" "$f" || return 1
  grep -qx "MTU = 1420" "$f" || return 1
  grep -qx "PublicKey = $WGPEER_PUBKEY" "$f" || return 1
  grep -qx "PresharedKey = $(cat "$WGPEER_PSK_FILE")" "$f" || return 1
  grep -qx "Endpoint = $WGPEER_ENDPOINT" "$f" || return 1
  grep -qx "AllowedIPs = $WGPEER_TUN_NET4, $WGPEER_TUN_NET6" "$f" || return 1
  grep -qx "PersistentKeepalive = 25" "$f" || return 1
  key=$(sed -n 's/^PrivateKey = //p' "$f")
  [[ $(wg pubkey <<<"$key") == "$WGPEER_CLIENT_PUBKEY" ]] || return 1
  echo "wg-quick file complete; its key is the one the peer accepts"
}

## restart_recovers: kill -9 the peer's wireguard-go, restart it, and fetch again (the client
## re-handshakes once its own timers notice the silence: about 15 s).
restart_recovers() {
  local before after t0
  before=$(wg show "$WGPEER_IF" latest-handshakes | cut -f2)
  wgpeer_restart
  t0=$SECONDS
  wgclient_exec curl -gsS --connect-timeout 40 --max-time 45 -o /dev/null \
    "http://$WGPEER_TUN_IP4:$WGPEER_HTTP_PORT/hello.txt"
  after=$(wg show "$WGPEER_IF" latest-handshakes | cut -f2)
  echo "handshake before $before, after $after"
  ((after > 0)) || return 1
  fetch_blob "$WGPEER_HTTP_URL"
  echo "recovered $((SECONDS - t0)) s after kill -9 + restart"
}

## assert_clean SUFFIX: nothing of run SUFFIX is left (checked with raw commands, and with
## wgpeer_leftovers).
assert_clean() {
  local s=$1 left=""
  left+=$(ip netns list | grep -E "^wg(peer|cli)-$s( |\$)" || true)
  left+=$(ip -o link show | grep -E ": (vr|vp|wgp|wgc)$s[:@]" || true)
  left+=$(pgrep -a -f "wireguard-go -f wg[pc]$s\$" || true)
  left+=$(pgrep -a -f "wgpeer_svc.py wgpeer-$s " || true)
  left+=$(ls "/var/run/wireguard/wgp$s.sock" "/var/run/wireguard/wgc$s.sock" 2>/dev/null || true)
  left+=$(wgpeer_leftovers "$s")
  if [[ -n $left ]]; then
    echo "left behind by run $s:"
    echo "$left"
    return 1
  fi
  echo "run $s: no netns, veth, process, UAPI socket or state left"
}

## failure_cleanup: a script (set -e) brings a peer and a client up, then a command fails mid-way;
## the trap wgpeer.sh installed must remove everything.
failure_cleanup() {
  local s=${S}f st=0
  bash -s "$lib" "$s" "$T" <<'SH' || st=$?
set -euo pipefail
source "$1"
wgpeer_up --suffix "$2" --dir "$3/sub-$2" --http-size 64K
wgclient_up
wgclient_exec curl -sS --max-time 10 "http://$WGPEER_TUN_IP4:$WGPEER_HTTP_PORT/hello.txt"
wgpeer_leftovers "$2" >"$3/sub-$2.up"
false # the failure mid-way
echo "not reached"
SH
  echo "script exit status $st; while up it had:"
  cat "$T/sub-$s.up"
  ((st == 1)) || return 1
  grep -q "^netns: wgpeer-$s" "$T/sub-$s.up" && grep -q "wireguard-go -f wgc$s" "$T/sub-$s.up" \
    || return 1
  assert_clean "$s"
}

## sigkill_reap: the owner of a run dies by SIGKILL (no trap runs); wgpeer_reap_stale removes it.
sigkill_reap() {
  local s=${S}k pid i
  bash -c 'set -euo pipefail
    source "$1"
    wgpeer_up --suffix "$2" --dir "$3/sub-$2" --http-size 64K --no-trap
    wgclient_up
    touch "$3/sub-$2.ready"
    exec sleep 60 # keeps the owner PID (and its start time) alive until killed
  ' _ "$lib" "$s" "$T" &
  pid=$!
  sub_pid=$pid
  for ((i = 0; i < 200; i++)); do
    [[ -e $T/sub-$s.ready ]] && break
    sleep 0.05
  done
  [[ -e $T/sub-$s.ready ]] || return 1 # on_exit kills it and reaps
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  sub_pid=""
  echo "after SIGKILL of the owner:"
  wgpeer_leftovers "$s" | tee "$T/sub-$s.left"
  grep -q "wireguard-go -f wgp$s" "$T/sub-$s.left" || return 1
  wgpeer_reap_stale
  assert_clean "$s"
}

## teardown_clean: wgpeer_down of the main run leaves nothing behind.
teardown_clean() {
  wgpeer_down
  assert_clean "$S"
}

# shellcheck source=../support/wgpeer.sh
source "$lib"
S=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
log "run $S, logs in $T"
t_start=$SECONDS
wgpeer_up --suffix "$S" --dir "$T/peer" --http-size 8M --echo --psk >"$T/up.log" 2>&1 \
  || { cat "$T/up.log"; exit 1; }
wgclient_up >>"$T/up.log" 2>&1 || { cat "$T/up.log"; exit 1; }
log "peer $WGPEER_ENDPOINT ($WGPEER_TUN_IP4, $WGPEER_TUN_IP6), Go client in $WGCLIENT_NS, up in" \
  "$((SECONDS - t_start)) s"

check http_ipv4_8MiB fetch_blob "$WGPEER_HTTP_URL"
check http_ipv6_8MiB fetch_blob "$WGPEER_HTTP_URL6"
check ping_ipv4 ping_peer "$WGPEER_TUN_IP4"
check ping_ipv6 ping_peer "$WGPEER_TUN_IP6"
check tcp_echo echo_roundtrip
check handshakes handshakes
check client_config client_config
check failure_cleanup failure_cleanup
check sigkill_reap sigkill_reap
check still_up_after_subruns fetch_blob "$WGPEER_HTTP_URL"
check peer_restart restart_recovers
check teardown_clean teardown_clean
log "total $((SECONDS - t_start)) s"
summary
((fail == 0))
