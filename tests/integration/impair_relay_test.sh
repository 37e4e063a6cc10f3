#!/usr/bin/env bash
# impair_relay: tests/support/impair_relay between the Go client (wireguard-go in the root netns)
# and a wireguard-go peer in its own netns (tests/support/wgpeer.sh):
#   client UDP -> 127.0.0.1:<relay> -> relay -> peer veth address:port (and back).
# At 2% loss and 20 ms delay each way an HTTP download stays byte-exact and the relay counts
# drops; with jitter + reordering it stays byte-exact and the relay counts reordered datagrams; a
# rate limit bounds the throughput. Each relay must exit 0 on SIGTERM and print its counters.
# Usage (root): bash impair_relay_test.sh PATH/TO/impair_relay   (or IMPAIR_RELAY=... in the env)
set -euo pipefail

deadline=135
if [[ -z ${IMPAIR_RELAY_DEADLINE:-} ]]; then
  IMPAIR_RELAY_DEADLINE=$deadline exec timeout -k 5 "$deadline" bash "$0" "$@"
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib=$here/../support/wgpeer.sh
relay_bin=${1:-${IMPAIR_RELAY:-}}
name=impair_relay
[[ -x $relay_bin ]] || {
  echo "$name: usage: $0 PATH/TO/impair_relay (got '$relay_bin')" >&2
  exit 2
}
T=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
pass=0
fail=0
failed=()
summary_done=0
relay_pid=""
relay_port=""

exec 3>&1 # the summary goes here even when a trap fires inside a redirected check

## summary: print the counts (once).
summary() {
  ((summary_done)) && return 0
  summary_done=1
  if ((${#failed[@]})); then echo "$name: failed: ${failed[*]}" >&3; fi
  echo "$name: $pass passed, $fail failed" >&3
}

## on_exit STATUS: stop a relay still running, summarise, keep the logs when something failed.
on_exit() {
  local st=$1
  if [[ -n $relay_pid ]]; then
    kill -KILL "$relay_pid" 2>/dev/null || true
    wait "$relay_pid" 2>/dev/null || true
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
    printf '%s: PASS %-18s (%d.%02d s) %s\n' "$name" "$n" $((ms / 1000)) $((ms % 1000 / 10)) \
      "$(tail -n 1 "$T/$n.log")"
  else
    fail=$((fail + 1))
    failed+=("$n")
    echo "$name: FAIL $n; last lines of $T/$n.log:"
    tail -n 15 "$T/$n.log" | sed 's/^/    /'
  fi
}

## start_relay TAG ARGS...: start impair_relay on 127.0.0.1:0 toward the peer, point the Go
## client at it; sets relay_pid, relay_port.
start_relay() {
  local tag=$1 i
  shift
  "$relay_bin" --listen 127.0.0.1:0 --target "$WGPEER_ENDPOINT" "$@" \
    </dev/null >"$T/relay-$tag.out" 2>&1 &
  relay_pid=$!
  for ((i = 0; i < 100; i++)); do
    relay_port=$(sed -n 's/^impair_relay: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' \
      "$T/relay-$tag.out")
    [[ -n $relay_port ]] && break
    sleep 0.05
  done
  head -n 1 "$T/relay-$tag.out"
  [[ -n $relay_port ]] || return 1
  wg set "$WGCLIENT_IF" peer "$WGPEER_PUBKEY" endpoint "127.0.0.1:$relay_port"
}

## stop_relay TAG: SIGTERM the relay (bounded wait), require exit 0 and counters in its output.
stop_relay() {
  local tag=$1 st=0 i
  kill -TERM "$relay_pid"
  for ((i = 0; i < 100; i++)); do
    [[ -d /proc/$relay_pid ]] && ! grep -q '^State:.*Z' "/proc/$relay_pid/status" 2>/dev/null \
      || break
    sleep 0.05
  done
  wait "$relay_pid" || st=$?
  relay_pid=""
  cat "$T/relay-$tag.out"
  echo "relay exit status $st"
  ((st == 0)) && grep -q '^impair_relay: totals ' "$T/relay-$tag.out"
}

## counter TAG DIR KEY: a counter from the relay's final output (DIR: totals, fwd or rev).
counter() {
  sed -n "s/^impair_relay: $2 .*\\b$3=\\([0-9]*\\).*/\\1/p" "$T/relay-$1.out" | tail -n 1
}

## download MAXTIME: fetch the peer's file in the client netns, check its sha256; print MB/s.
download() {
  local out=$T/blob.$RANDOM got speed
  speed=$(wgclient_exec curl -sS --connect-timeout 30 --max-time "$1" -o "$out" \
    -w '%{speed_download}' "$WGPEER_HTTP_URL") || return 1
  got=$(sha256sum "$out" | cut -d' ' -f1)
  rm -f "$out"
  echo "want $WGPEER_HTTP_SHA256 got $got"
  [[ $got == "$WGPEER_HTTP_SHA256" ]] || return 1
  last_speed=$((${speed%.*} / 1000))
}

## through_relay: the peer sees the client at the relay's upstream socket, not at wireguard-go's.
through_relay() {
  local ep
  ep=$(wg show "$WGPEER_IF" endpoints | cut -f2)
  echo "peer sees the client at $ep (Go client listens on :$WGCLIENT_LISTEN_PORT)"
  [[ $ep == "$WGPEER_VETH_ROOT_IP4:"* && $ep != *":$WGCLIENT_LISTEN_PORT" ]]
}

## min_rtt_ms: the smallest of five pings' RTT (ms, integer) from the client netns to the peer.
min_rtt_ms() {
  local line
  line=$(wgclient_exec ping -c 5 -i 0.2 -W 2 "$WGPEER_TUN_IP4" | grep '^rtt' || true)
  echo "$line" >&2
  line=${line#*= }
  echo "${line%%.*}"
}

## lossy: 2% loss and 20 ms delay each way; pings take >= 40 ms, the download stays byte-exact,
## and drops are counted.
lossy() {
  local dropped fwd rtt
  start_relay lossy --loss 2 --delay 20 --seed 7 || return 1
  rtt=$(min_rtt_ms)
  echo "min rtt ${rtt:-?} ms"
  ((${rtt:-0} >= 39 && ${rtt:-0} < 200)) || { stop_relay lossy; return 1; }
  download 90 || { stop_relay lossy; return 1; }
  through_relay || { stop_relay lossy; return 1; }
  stop_relay lossy || return 1
  dropped=$(counter lossy totals dropped)
  fwd=$(counter lossy totals forwarded)
  echo "rtt $rtt ms, $((WGPEER_HTTP_SIZE >> 20)) MiB byte-exact at $last_speed kB/s;" \
    "relay forwarded $fwd, dropped ${dropped:-?}"
  ((${dropped:-0} > 0 && ${fwd:-0} > 0))
}

## reorder: jitter + 5% held back 8 ms; byte-exact, and the relay saw reordering.
reorder() {
  local reordered
  start_relay reorder --jitter 3 --reorder 5 --reorder-delay 8 --seed 11 || return 1
  download 60 || { stop_relay reorder; return 1; }
  stop_relay reorder || return 1
  reordered=$(counter reorder totals reordered)
  echo "byte-exact at $last_speed kB/s; relay reordered ${reordered:-?}"
  ((${reordered:-0} > 0))
}

## rate: 16 Mbit/s each way; byte-exact, and no faster than the limit (+10%).
rate() {
  local limit_kBps=$((16000 / 8))
  start_relay rate --rate 16000 --queue 200 || return 1
  download 60 || { stop_relay rate; return 1; }
  stop_relay rate || return 1
  echo "byte-exact at $last_speed kB/s under a $limit_kBps kB/s limit"
  ((last_speed > 0 && last_speed <= limit_kBps * 11 / 10))
}

## teardown_clean: wgpeer_down leaves nothing of the run behind.
teardown_clean() {
  local s=$WGPEER_SUFFIX left
  wgpeer_down
  left=$(wgpeer_leftovers "$s")
  left+=$(pgrep -a -f "wireguard-go -f wg[pc]$s\$" || true)
  left+=$(ip netns list | grep -E -- "-$s( |\$)" || true)
  if [[ -n $left ]]; then
    echo "left behind: $left"
    return 1
  fi
  echo "run $s: nothing left"
}

# shellcheck source=../support/wgpeer.sh
source "$lib"
t_start=$SECONDS
wgpeer_up --dir "$T/peer" --http-size 4M >"$T/up.log" 2>&1 || { cat "$T/up.log"; exit 1; }
wgclient_up >>"$T/up.log" 2>&1 || { cat "$T/up.log"; exit 1; }
log "run $WGPEER_SUFFIX: peer $WGPEER_ENDPOINT, Go client udp :$WGCLIENT_LISTEN_PORT, logs in $T"

check lossy lossy
check reorder reorder
check rate rate
check teardown_clean teardown_clean
log "total $((SECONDS - t_start)) s"
summary
((fail == 0))
