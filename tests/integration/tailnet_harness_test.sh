#!/usr/bin/env bash
# tailnet_harness: the local test tailnet of tests/support/tailnet.sh works as advertised.
# Brings it up (headscale v0.29.2 + two Go tailscaled v1.102.3 in userspace-networking mode, all
# on 127.0.0.1), then checks: DIR/env holds every documented variable; `headscale nodes list -o
# json` shows peer1 and peer2 online with their MagicDNS FQDNs, addresses and node keys; peer2
# reaches peer1's service through the tailnet by MagicDNS name, IPv4 and IPv6 (tailscaled's SOCKS5
# server on peer2 + curl --socks5-hostname), byte-exact; the same port on peer2 is not served
# (the service is peer1's own); after `tailnet.sh restart-headscale` both peers are online again
# and the service still answers; `tailnet.sh down` leaves no process and no file behind.
# Usage: bash tailnet_harness_test.sh    ctest: -L integration, TIMEOUT 180. Needs no root.
set -uo pipefail

# A deadline below ctest's TIMEOUT: `timeout` signals the whole process group (the tailnet's
# daemons included), and the EXIT trap runs `tailnet.sh down`.
if [[ -z ${TAILNET_HARNESS_DEADLINE:-} ]]; then
  TAILNET_HARNESS_DEADLINE=160 exec timeout -k 10 160 bash "$0" "$@"
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tailnet=$here/../support/tailnet.sh
# shellcheck source=../support/checks.sh
source "$here/../support/checks.sh"
name=tailnet_harness
T=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
NET=$T/net
pass=0
fail=0
failed=()
down_done=0
exec 3>&1

on_exit() {
  local st=$1
  trap - EXIT
  ((down_done)) || bash "$tailnet" down "$NET" >"$T/down-trap.log" 2>&1 || cat "$T/down-trap.log"
  report
  if ((st != 0 || fail != 0)); then
    echo "$name: logs in $T" >&3
    exit $((st != 0 ? st : 1))
  fi
  rm -rf "$T"
}
trap 'on_exit $?' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT


# ---------------------------------------------------------------------------------------------
t_up() {
  local t0=$SECONDS
  bash "$tailnet" up "$NET" || return 1
  echo "tailnet.sh up took $((SECONDS - t0)) s"
}

t_env() {
  # shellcheck source=/dev/null
  . "$NET/env" || return 1
  local k missing=()
  for k in HEADSCALE_URL HEADSCALE_PORT HEADSCALE_BIN HEADSCALE_CONFIG AUTHKEY TAILNET_DOMAIN \
    DERP_REGION_ID STUN_ADDR TAILSCALE_BIN PEER1_NAME PEER1_IP4 PEER1_IP6 PEER1_SOCKET \
    PEER1_SOCKS5 PEER1_NODE_KEY PEER2_NAME PEER2_IP4 PEER2_IP6 PEER2_SOCKET PEER2_SOCKS5 \
    PEER2_NODE_KEY SERVICE_PORT SERVICE_BODY SERVICE_SHA256; do
    [[ -n ${!k:-} ]] || missing+=("$k")
  done
  ((${#missing[@]} == 0)) || {
    echo "empty in $NET/env: ${missing[*]}"
    return 1
  }
  [[ $TAILNET_DOMAIN == tsnode.test && $PEER1_NAME == peer1.tsnode.test &&
    $PEER2_NAME == peer2.tsnode.test ]] || {
    echo "unexpected names: $TAILNET_DOMAIN $PEER1_NAME $PEER2_NAME"
    return 1
  }
  [[ $AUTHKEY == hskey-auth-* ]] || echo "note: pre-auth key is not hskey-auth-…: $AUTHKEY"
  # /key answers with the Noise key (what the C++ client fetches first)
  curl -fsS --max-time 5 "$HEADSCALE_URL/key?v=113" | grep -q '"publicKey":"mkey:[0-9a-f]\{64\}"' ||
    { echo "no Noise key from $HEADSCALE_URL/key?v=113"; return 1; }
  echo "$PEER1_NAME $PEER1_IP4 $PEER1_IP6, $PEER2_NAME $PEER2_IP4 $PEER2_IP6"
}

## nodes_ok: headscale's view of both peers, against DIR/env.
nodes_ok() {
  "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" nodes list -o json >"$T/nodes.json" || return 1
  python3 - "$T/nodes.json" <<'EOF'
import json, os, sys
nodes = json.load(open(sys.argv[1]))
e = os.environ
by = {n.get("given_name"): n for n in nodes}
assert len(nodes) == 2, f"{len(nodes)} nodes: {sorted(by)}"
for p in ("PEER1", "PEER2"):
    host = e[p + "_HOSTNAME"]
    n = by.get(host)
    assert n, f"{host} not in nodes list: {sorted(by)}"
    assert n.get("online") is True, f"{host} not online: {n.get('online')}"
    assert n.get("name") == host, f"{host}: name {n.get('name')}"
    fqdn = f"{n['given_name']}.{e['TAILNET_DOMAIN']}"
    assert fqdn == e[p + "_NAME"], f"{fqdn} != {e[p + '_NAME']}"
    ips = set(n.get("ip_addresses") or [])
    assert {e[p + "_IP4"], e[p + "_IP6"]} <= ips, f"{host}: {ips}"
    assert n.get("node_key") == e[p + "_NODE_KEY"], f"{host}: node_key {n.get('node_key')}"
    print(f"{host}: online, {fqdn}, {sorted(ips)}, {n['node_key'][:16]}…")
EOF
}

## fetch SOCKS HOSTPORT: curl http://HOSTPORT/ through tailscaled's SOCKS5 server SOCKS.
fetch() { curl -fsS --max-time 15 --socks5-hostname "$1" "http://$2/"; }

## via_socks TARGET: peer2 fetches peer1's page at TARGET (host:port), byte-exact.
via_socks() {
  local got
  got=$(fetch "$PEER2_SOCKS5" "$1" | sha256sum | cut -d' ' -f1) || return 1
  [[ $got == "$SERVICE_SHA256" ]] || {
    echo "sha256 $got, want $SERVICE_SHA256"
    return 1
  }
  echo "peer2 -> $1: $(fetch "$PEER2_SOCKS5" "$1")"
}

## not_on_peer2: peer1 cannot reach SERVICE_PORT on peer2 (the service is peer1's own).
not_on_peer2() {
  if fetch "$PEER1_SOCKS5" "$PEER2_NAME:$SERVICE_PORT"; then
    echo "peer2:$SERVICE_PORT answered; the service should be peer1's only"
    return 1
  fi
  # ... while peer1 itself can reach peer2 (the tailnet works both ways)
  "$TAILSCALE_BIN" --socket "$PEER1_SOCKET" ping --c 5 --timeout 5s "$PEER2_IP4" || return 1
  echo "peer2:$SERVICE_PORT refused; peer1 pings peer2"
}

t_restart() {
  local t0=$SECONDS
  bash "$tailnet" restart-headscale "$NET" || return 1
  nodes_ok || return 1
  via_socks "$PEER1_NAME:$SERVICE_PORT" || return 1
  echo "restart-headscale + peers back online in $((SECONDS - t0)) s"
}

t_down() {
  local f pid st pids=() left=""
  for f in "$NET"/pids/*; do
    read -r pid st <"$f" && pids+=("$pid:$st")
  done
  ((${#pids[@]} >= 4)) || {
    echo "only ${#pids[@]} recorded processes"
    return 1
  }
  down_done=1
  bash "$tailnet" down "$NET" || return 1
  for f in "${pids[@]}"; do
    pid=${f%%:*}
    [[ -d /proc/$pid ]] || continue
    grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && continue
    left+=" $pid($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))"
  done
  [[ -z $left ]] || {
    echo "still running after down:$left"
    return 1
  }
  # nothing of ours anywhere: no process mentions the directory, and it is gone
  if pgrep -f -- "$NET" >/dev/null; then
    echo "processes still mention $NET: $(pgrep -af -- "$NET")"
    return 1
  fi
  [[ ! -e $NET ]] || {
    echo "$NET still exists: $(ls -A "$NET")"
    return 1
  }
  echo "${#pids[@]} processes stopped, $NET removed"
}

check up t_up
if ((fail == 0)); then
  # shellcheck source=/dev/null
  . "$NET/env"
  export HEADSCALE_BIN HEADSCALE_CONFIG TAILNET_DOMAIN PEER1_NAME PEER1_HOSTNAME PEER1_IP4 \
    PEER1_IP6 PEER1_NODE_KEY PEER2_NAME PEER2_HOSTNAME PEER2_IP4 PEER2_IP6 PEER2_NODE_KEY
  check env t_env
  check nodes_online nodes_ok
  check peer2_to_peer1_dns via_socks "$PEER1_NAME:$SERVICE_PORT"
  check peer2_to_peer1_ip4 via_socks "$PEER1_IP4:$SERVICE_PORT"
  check peer2_to_peer1_ip6 via_socks "[$PEER1_IP6]:$SERVICE_PORT"
  check service_is_peer1s not_on_peer2
  check restart_headscale t_restart
  check down t_down
fi
((fail == 0))
