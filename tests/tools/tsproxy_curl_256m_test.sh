#!/usr/bin/env bash
# tsproxy_curl_256m: the integration test of issue 5: through the real netstack and WireGuard to
# a wireguard-go peer in a namespace, curl downloads a 256 MiB file via socks5h (a --host name),
# and its sha256 must match the file on the peer.
# Usage (root): bash tsproxy_curl_256m_test.sh PATH/TO/tsproxy
set -euo pipefail

# shellcheck source=tsproxy_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tsproxy_test_lib.sh"
tsp_init tsproxy_curl_256m 200 "$@"
# shellcheck source=../support/wgpeer.sh
source "$support/wgpeer.sh"

wgpeer_up --http-size 256M --log-level error >/dev/null
wgpeer_client_config "$T/client.conf"
tsp_start main --wg-config "$T/client.conf" --host "web=$WGPEER_TUN_IP4"

download_256m() {
  local t0 t1 got
  t0=$EPOCHREALTIME
  curl -sS --max-time 150 -x "$TSP_URL" "http://web:$WGPEER_HTTP_PORT/$(basename "$WGPEER_HTTP_PATH")" \
    -o "$T/blob.bin"
  t1=$EPOCHREALTIME
  got=$(sha256sum "$T/blob.bin" | cut -d' ' -f1)
  echo "size $(stat -c %s "$T/blob.bin") B, sha256 $got, want $WGPEER_HTTP_SHA256"
  awk -v b="$(stat -c %s "$T/blob.bin")" -v a="$t0" -v z="$t1" \
    'BEGIN { printf "curl through tsproxy: %.1f MB/s\n", b / (z - a) / 1e6 }'
  rm -f "$T/blob.bin"
  [[ $got == "$WGPEER_HTTP_SHA256" ]]
}
stops_cleanly() { tsp_stop main; }
check curl_256m_sha256 download_256m
check tsproxy_exits_0 stops_cleanly
summary
((fail == 0))
