# shellcheck shell=bash
# tests/tools/tsproxy_test_lib.sh: what the tsproxy integration tests share (sourced by
# tests/tools/tsproxy_*_test.sh). The peer comes from tests/support/wgpeer.sh.
#
#   tsp_init NAME DEADLINE_S "$@"   re-exec the test under `timeout` (SIGTERM to the process
#                                   group at the deadline, so the traps still tear down; SIGKILL
#                                   15 s later: keep DEADLINE_S + 15 below ctest's TIMEOUT, and
#                                   give any inner `timeout` --foreground, or its command stays
#                                   out of the group), check the tsproxy binary
#                                   ($1), make $T, set up counters, fd 3 and the EXIT trap;
#                                   call it first, before wgpeer_up (whose trap chains ours)
#   check NAME CMD...               run CMD with its output in $T/NAME.log, count it, print
#                                   PASS/FAIL with its duration and the log's last line
#   tsp_start TAG ARGS...           start `tsproxy ARGS` (stdout/stderr in $T/tsp-TAG.out/.err),
#                                   wait for its proxy lines; sets TSP_PID, TSP_PORT, TSP_CRED,
#                                   TSP_URL (ALL_PROXY's value), TSP_HTTP_URL; waits at
#                                   most TSP_START_WAIT_S seconds (default 10)
#   tsp_stop TAG [MAX_S] [SIG]      SIGTERM (or SIG) it, wait at most MAX_S (default 15), print
#                                   and return its exit status (124 when it did not exit: then
#                                   SIGKILL)
#   tsp_status TAG [--json]         `tsproxy status` against TAG's --status-socket
#   tsp_fds PID / tsp_rss_kib PID   open fds / VmRSS in KiB
#   tsp_free_port                   a TCP port free on 127.0.0.1 right now
#   tsp_leftovers                   print what of this run is left (tsproxy processes, the
#                                   peer's netns/links/processes); empty = clean
#   summary                         print "NAME: N passed, M failed" (once; the trap calls it)
# Every tsproxy started here is killed by the EXIT trap, also on failure or a signal. $T is
# removed at the end unless something failed or TSP_KEEP_LOGS=1.

## tsp_init NAME DEADLINE ARGS...: see above.
tsp_init() {
  name=$1
  local deadline=$2 var
  shift 2
  var=TSP_DEADLINE_${name^^}
  if [[ -z ${!var:-} ]]; then
    export "$var=$deadline"
    exec timeout -k 15 "$deadline" bash "$0" "$@"
  fi
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  support=$here/../support
  bin=${1:-${TSPROXY:-}}
  [[ -x $bin ]] || {
    echo "$name: usage: $0 PATH/TO/tsproxy (got '$bin')" >&2
    exit 2
  }
  bin=$(readlink -f "$bin")
  T=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
  pass=0
  fail=0
  failed=()
  summary_done=0
  declare -gA TSP_PIDS=() TSP_STATUS_SOCK=()
  TSP_EXTRA_PIDS=() # other background helpers the trap kills
  TSP_ALL_PIDS=()   # every tsproxy started, also one whose tag was reused
  exec 3>&1         # the summary goes here even when a trap fires inside a redirected check
  trap 'tsp__on_exit $?' EXIT
  tsp_t0=$SECONDS
}

## summary: print the counts (once).
summary() {
  ((summary_done)) && return 0
  summary_done=1
  if ((${#failed[@]})); then echo "$name: failed: ${failed[*]}" >&3; fi
  echo "$name: $pass passed, $fail failed" >&3
}

## tsp__kill PID: if PID is a child of this shell: SIGTERM, wait up to 3 s, SIGKILL; reap.
tsp__kill() {
  local p=$1 i stat
  # only our own children: a pid reaped earlier may belong to someone else by now
  stat=$(cat "/proc/$p/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  set -- $stat
  [[ ${2:-} == "$$" ]] || return 0
  kill -TERM "$p" 2>/dev/null || return 0
  for ((i = 0; i < 60; i++)); do
    [[ -d /proc/$p ]] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

## tsp__on_exit STATUS: kill every tsproxy and helper we started, summarise, keep logs on failure.
tsp__on_exit() {
  local st=$1 tag p
  set +e
  for p in "${TSP_ALL_PIDS[@]}" "${TSP_EXTRA_PIDS[@]}"; do tsp__kill "$p"; done
  summary
  if ((st != 0 || fail != 0)) || [[ ${TSP_KEEP_LOGS:-0} == 1 ]]; then
    echo "$name: exit status $st; logs in $T" >&3
  else
    rm -rf "$T"
  fi
}

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
    printf '%s: PASS %-24s (%d.%02d s) %s\n' "$name" "$n" $((ms / 1000)) $((ms % 1000 / 10)) \
      "$(tail -n 1 "$T/$n.log")"
  else
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    fail=$((fail + 1))
    failed+=("$n")
    printf '%s: FAIL %-24s (%d.%02d s); last lines of %s:\n' "$name" "$n" $((ms / 1000)) \
      $((ms % 1000 / 10)) "$T/$n.log"
    tail -n 20 "$T/$n.log" | sed 's/^/    /'
  fi
}

## tsp_start TAG ARGS...: start tsproxy; wait (10 s) for its proxy lines. Adds --status-socket
## $T/status-TAG.sock unless ARGS has one.
tsp_start() {
  local tag=$1 i out line sock=""
  shift
  [[ " $* " == *" --status-socket "* ]] || {
    sock=$T/status-$tag.sock
    set -- "$@" --status-socket "$sock"
  }
  local a prev=""
  for a in "$@"; do
    [[ $prev != --status-socket ]] || sock=$a
    prev=$a
  done
  TSP_STATUS_SOCK[$tag]=$sock
  if [[ -n ${TSP_PIDS[$tag]:-} ]] && [[ -d /proc/${TSP_PIDS[$tag]} ]]; then
    echo "tsproxy $tag is still running (pid ${TSP_PIDS[$tag]}): tsp_stop it first"
    return 1
  fi
  out=$T/tsp-$tag.out
  rm -f "$out" # before the fork: the wait below must never see the previous run's lines
  echo "---- $(date +%T.%N) tsproxy $*" >>"$T/tsp-$tag.err"
  # A background job of a non-interactive bash starts with SIGINT ignored, and an ignored signal
  # never reaches tsproxy's sigwait: restore the default first (exec keeps the pid).
  python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$bin" "$@" </dev/null >"$out" 2>>"$T/tsp-$tag.err" 3>&- &
  TSP_PID=$!
  TSP_PIDS[$tag]=$TSP_PID
  TSP_ALL_PIDS+=("$TSP_PID")
  TSP_PORT="" TSP_CRED="" TSP_URL="" TSP_HTTP_URL=""
  # TSP_START_WAIT_S: how long to wait for the proxy lines (default 10 s; joining a tailnet
  # takes a registration and a first netmap).
  for ((i = 0; i < ${TSP_START_WAIT_S:-10} * 20; i++)); do
    if grep -q '^ALL_PROXY=\|^SOCKS5/HTTP proxy on unix:' "$out" 2>/dev/null; then break; fi
    if [[ ! -d /proc/$TSP_PID ]] || grep -q '^State:.*Z' "/proc/$TSP_PID/status" 2>/dev/null; then
      echo "tsproxy $tag exited early:"
      cat "$T/tsp-$tag.err"
      wait "$TSP_PID"
      TSP_PIDS[$tag]=""
      return 1
    fi
    sleep 0.05
  done
  # let the buffered lines land too
  sleep 0.05
  line=$(grep '^ALL_PROXY=' "$out" || true)
  if [[ -n $line ]]; then
    TSP_URL=${line#ALL_PROXY=}
    TSP_HTTP_URL=$(sed -n 's/^HTTP_PROXY=//p' "$out")
    TSP_CRED=$(sed -E 's|^socks5h://tsnet:([^@]*)@.*|\1|' <<<"$TSP_URL")
    TSP_PORT=${TSP_URL##*:}
    TSP_PORT=${TSP_PORT%%/*}
  else
    line=$(grep '^SOCKS5/HTTP proxy on unix:' "$out" || true)
    [[ -n $line ]] || {
      echo "tsproxy $tag printed no proxy line in 10 s"
      cat "$T/tsp-$tag.err"
      return 1
    }
    TSP_CRED=${line##* }
  fi
  echo "tsproxy $tag pid $TSP_PID: ${TSP_URL:-$line}"
}

## tsp_stop TAG [MAX_S] [SIGNAL]: SIGTERM (or SIGNAL) TAG's tsproxy; print and return its exit
## status.
tsp_stop() {
  local tag=$1 max=${2:-15} sig=${3:-TERM} pid st=0 i
  pid=${TSP_PIDS[$tag]:-}
  [[ -n $pid ]] || {
    echo "tsproxy $tag is not running"
    return 1
  }
  kill -"$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < max * 20; i++)); do
    [[ -d /proc/$pid ]] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || break
    sleep 0.05
  done
  if [[ -d /proc/$pid ]] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
    echo "tsproxy $tag did not exit within $max s of SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    TSP_PIDS[$tag]=""
    return 124
  fi
  wait "$pid" || st=$?
  TSP_PIDS[$tag]=""
  echo "tsproxy $tag exited with status $st"
  return "$st"
}

## tsp_status TAG [--json]: `tsproxy status` for TAG.
tsp_status() {
  local tag=$1
  shift
  timeout --foreground 10 "$bin" status "$@" --status-socket "${TSP_STATUS_SOCK[$tag]}"
}

## tsp_fds PID: the number of open file descriptors of PID.
tsp_fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

## tsp_rss_kib PID: VmRSS of PID in KiB.
tsp_rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

## tsp_free_port: an unused TCP port on 127.0.0.1 (bound then released).
tsp_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

## socks CMD...: tests/support/socks5_client.py against $TSP_PORT with $TSP_CRED.
socks() {
  timeout --foreground 600 python3 "$support/socks5_client.py" --proxy "127.0.0.1:$TSP_PORT" \
    --password "$TSP_CRED" "$@"
}

## tsp_leftovers: print what this run left behind (empty output = clean).
tsp_leftovers() {
  local p
  for p in $(pgrep -x tsproxy || true); do
    [[ $(readlink -f "/proc/$p/exe" 2>/dev/null) != "$bin" ]] \
      || [[ $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) != *"$T/"* ]] \
      || echo "process: $p $(tr '\0' ' ' <"/proc/$p/cmdline")"
  done
  [[ -z ${WGPEER_SUFFIX:-} ]] || wgpeer_leftovers "$WGPEER_SUFFIX"
}

## teardown_clean: stop what is running, tear the peer down, then nothing of the run is left.
teardown_clean() {
  local tag s=${WGPEER_SUFFIX:-} left
  for tag in "${!TSP_PIDS[@]}"; do
    [[ -z ${TSP_PIDS[$tag]} ]] || tsp_stop "$tag" || true
  done
  for p in "${TSP_EXTRA_PIDS[@]}"; do tsp__kill "$p"; done
  TSP_EXTRA_PIDS=()
  wgpeer_down
  left=$(tsp_leftovers)
  if [[ -n $s ]]; then
    left+=$(pgrep -a -f "wireguard-go -f wg[pc]$s\$" || true)
    left+=$(ip netns list | grep -E -- "-$s( |\$)" || true)
    left+=$(ip -o link show | grep -E -- "(vr|vp|wgp|wgc)$s[:@]" || true)
  fi
  if [[ -n $left ]]; then
    echo "left behind: $left"
    return 1
  fi
  echo "run ${s:-?}: no tsproxy, netns, veth, wireguard-go or service left"
}
