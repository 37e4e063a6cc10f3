#!/usr/bin/env bash
# bench/profile_tsproxy.sh: where tsproxy spends its CPU during a bulk download.
#
# Stands up the bench peer (tests/support/wgpeer.sh), starts tsproxy from build/release against
# it, and runs `perf record` on the tsproxy process while curl downloads the file through the
# SOCKS5 proxy N times. Prints the download speeds, the top self-time symbols and, with -g, the
# call graph summary; the raw perf.data stays in the kept run directory.
#
# usage: sudo bench/profile_tsproxy.sh [--size 256M] [--downloads 2] [--streams 1] [--callgraph]
#                                      [--delay-ms N] [--tsproxy BIN]
#   --callgraph   record DWARF call graphs (bigger, slower); default is a flat profile
#   --streams N   parallel downloads per round (default 1)
#   --delay-ms N  route WireGuard through impair_relay with N ms added round trip
#   --tsproxy BIN profile this tsproxy binary instead of build/release's (a candidate build)
#   --system-wireguard-go  use the wireguard-go on PATH for the peer, not the pinned one
#                 bench/run installs into ~/.cache/tsnode/bin (used when present)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=256M downloads=2 streams=1 callgraph=0 delay_ms=0 system_wggo=0 tsproxy_bin=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size=$2 && shift ;;
    --downloads) downloads=$2 && shift ;;
    --streams) streams=$2 && shift ;;
    --callgraph) callgraph=1 ;;
    --delay-ms) delay_ms=$2 && shift ;;
    --tsproxy) tsproxy_bin=$2 && shift ;;
    --system-wireguard-go) system_wggo=1 ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' && exit 0 ;;
    *) echo "profile_tsproxy: unknown option '$1'" >&2 && exit 2 ;;
  esac
  shift
done
[[ $EUID -eq 0 ]] || { echo "profile_tsproxy: run as root" >&2; exit 1; }
command -v perf >/dev/null || { echo "profile_tsproxy: perf not found" >&2; exit 1; }

RUN=$(mktemp -d "${TMPDIR:-/tmp}/tsnode-profile.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  echo "profile_tsproxy: run directory (perf.data, logs): $RUN" >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cp "${tsproxy_bin:-$ROOT/build/release/tools/tsproxy/tsproxy}" "$RUN/tsproxy" \
  && cp "$ROOT/build/release/tests/support/impair_relay" "$RUN/" \
  || { echo "profile_tsproxy: build tsproxy and impair_relay first (release preset)" >&2; exit 1; }
wggo=${TSNODE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tsnode}/bin/wireguard-go-0.0.20231211
if ((!system_wggo)) && [[ -x $wggo ]]; then
  mkdir -p "$RUN/wgbin" && ln -s "$wggo" "$RUN/wgbin/wireguard-go"
  export PATH=$RUN/wgbin:$PATH
fi
echo "peer: $(command -v wireguard-go) -> $(readlink -f "$(command -v wireguard-go)")"
# shellcheck source=../tests/support/wgpeer.sh
source "$ROOT/tests/support/wgpeer.sh"
wgpeer_up --http-size "$size" --log-level error --tun6 none >&2 || exit 1
ep=$WGPEER_ENDPOINT
if [[ $delay_ms != 0 ]]; then
  half=$(awk "BEGIN { print $delay_ms / 2 }")
  "$RUN/impair_relay" --target "$WGPEER_ENDPOINT" --delay "$half" >"$RUN/relay.out" 2>&1 &
  PIDS+=($!)
  sleep 0.3
  ep=127.0.0.1:$(sed -n 's/^impair_relay: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$RUN/relay.out")
fi
wgpeer_client_config "$RUN/ts.conf" --endpoint "$ep"
"$RUN/tsproxy" --wg-config "$RUN/ts.conf" --status-socket "$RUN/st.sock" --log-level warn \
  </dev/null >"$RUN/ts.out" 2>"$RUN/ts.log" &
TS=$!
PIDS+=("$TS")
for _ in $(seq 100); do grep -q '^ALL_PROXY=' "$RUN/ts.out" && break; sleep 0.1; done
proxy=$(sed -n 's/^ALL_PROXY=//p' "$RUN/ts.out")
[[ -n $proxy ]] || { echo "profile_tsproxy: tsproxy did not start" >&2; exit 1; }
for _ in $(seq 15); do
  [[ $(curl -sS -o /dev/null --max-time 1 --proxy "$proxy" -w '%{http_code}' \
    "http://$WGPEER_TUN_IP4:$WGPEER_HTTP_PORT/hello.txt") == 200 ]] && break
done

rec=(-F 2999)
((callgraph)) && rec+=(--call-graph dwarf,16384)
perf record "${rec[@]}" -o "$RUN/perf.data" -p "$TS" >"$RUN/perf-record.log" 2>&1 &
PERF=$!
events=""
for sc in sendmsg sendmmsg recvmmsg recvmsg read write readv writev epoll_wait futex; do
  events+=${events:+,}syscalls:sys_enter_$sc
done
perf stat -e "$events" -o "$RUN/perf-stat.txt" -p "$TS" >/dev/null 2>&1 &
STAT=$!
sleep 0.5
c0=$(awk '{print $14 + $15}' "/proc/$TS/stat")
for ((i = 0; i < downloads; i++)); do
  cpids=()
  for ((j = 0; j < streams; j++)); do
    curl -sS -o /dev/null --max-time 60 --proxy "$proxy" \
      -w "download $i.$j: %{size_download} bytes in %{time_total} s = %{speed_download} B/s\n" \
      "$WGPEER_HTTP_URL" &
    cpids+=($!)
  done
  wait "${cpids[@]}"
done
c1=$(awk '{print $14 + $15}' "/proc/$TS/stat")
kill -INT "$PERF" "$STAT"
wait "$PERF" "$STAT"
echo "tsproxy CPU during the downloads: $(awk "BEGIN { print ($c1 - $c0) / $(getconf CLK_TCK) }") s"
echo "peer transfer (rx from tsproxy = ACKs, tx = data):"
wg show "$WGPEER_IF" transfer
echo
echo "== tsproxy syscalls during the downloads (perf stat) =="
grep -E 'syscalls:|elapsed' "$RUN/perf-stat.txt" | sed 's/ \{2,\}/ /g'
echo
echo "== shares by DSO =="
perf report -i "$RUN/perf.data" --no-children --sort dso --stdio 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | sed 's/ \{2,\}/ /g' | head -8
echo
echo "== top self-time symbols (perf report --no-children) =="
perf report -i "$RUN/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | sed 's/ \{2,\}/ /g' | head -40
if ((callgraph)); then
  echo
  echo "== with children (inclusive) =="
  perf report -i "$RUN/perf.data" --children --sort symbol --stdio -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | sed 's/ \{2,\}/ /g' | head -40
fi
exit 0
