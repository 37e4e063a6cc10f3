#!/usr/bin/env bash
# tests/support/tailnet.sh: a local test tailnet on loopback (tailscale-protocol.md §11):
# headscale (plain HTTP, embedded DERP + STUN, MagicDNS, allow-all policy, offline) and two Go
# tailscaled peers in userspace-networking mode, peer1 offering a TCP service.
#
# usage: tailnet.sh up DIR                 start everything, write DIR/env, wait until both peers
#                                          are online (DIR is created if missing)
#        tailnet.sh down DIR               stop what `up` started (SIGTERM, SIGKILL after 10 s),
#                                          remove what it created; idempotent
#        tailnet.sh restart-headscale DIR  stop headscale and start it again: same port, keys,
#                                          database; waits until both peers are online again
#        tailnet.sh stop-headscale DIR / start-headscale DIR   the two halves of the above
#        tailnet.sh env DIR                print DIR/env
#        tailnet.sh leftovers DIR          print the processes of DIR still alive (empty = none)
#        tailnet.sh headscale DIR ARGS...  run the headscale CLI against this tailnet
#
# DIR/env (shell-sourceable, every value quoted):
#   HEADSCALE_URL (http://127.0.0.1:PORT: /key, /ts2021, /derp all on it), HEADSCALE_PORT,
#   HEADSCALE_BIN, HEADSCALE_CONFIG (CLI: "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" nodes list -o json),
#   HEADSCALE_VERSION, HEADSCALE_USER, HEADSCALE_USER_ID, AUTHKEY (reusable pre-auth key),
#   TAILNET_DOMAIN (MagicDNS base domain), DERP_REGION_ID, DERP_URL, STUN_ADDR,
#   TAILSCALE_BIN, TAILSCALED_BIN, DERPER_BIN, TAILSCALE_VERSION,
#   PEERn_NAME (MagicDNS FQDN, no trailing dot), PEERn_HOSTNAME, PEERn_IP4, PEERn_IP6,
#   PEERn_SOCKET (tailscaled's socket: "$TAILSCALE_BIN" --socket "$PEERn_SOCKET" status),
#   PEERn_SOCKS5 (127.0.0.1:PORT, tailscaled's --socks5-server), PEERn_NODE_KEY, PEERn_WG_PORT,
#   SERVICE_PORT (peer1's tailnet TCP service: http://$PEER1_NAME:$SERVICE_PORT/),
#   SERVICE_BODY (the exact page body, no trailing newline), SERVICE_SHA256, SERVICE_BACKEND_PORT.
# The service is `tailscale serve --tcp` on peer1 only, in front of a Python HTTP server on
# 127.0.0.1:SERVICE_BACKEND_PORT, so peer2's address on SERVICE_PORT does NOT reach it
# (userspace tailscaled forwards other inbound TCP to the host's 127.0.0.1:<same port>).
#
# Bounds: `up` gives up after TAILNET_UP_TIMEOUT seconds (default 100), prints the tails of
# every log and stops what it started (DIR and its logs are kept for `down`).
# Binaries: tests/support/go_peers.sh (tools/setup installs them; HEADSCALE_BIN, TAILSCALED_BIN,
# TAILSCALE_BIN override). TAILNET_KEEP=1 makes `down` keep DIR (logs, state).
# Traffic stays on 127.0.0.1: the peers' port mappers are disabled, nothing fetches a DERP map,
# and (as root) the peers' captive-portal probe resolves names through 127.0.0.1 (isolate_dns).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=go_peers.sh
. "$here/go_peers.sh"

TAILNET_DOMAIN=tsnode.test
DERP_REGION_ID=999
HS_USER=tsnode

log() { printf 'tailnet: %s\n' "$*" >&2; }
die() {
  printf 'tailnet: error: %s\n' "$*" >&2
  exit 1
}

# --------------------------------------------------------------------------------------------
# processes: DIR/pids/NAME holds "PID STARTTIME"; only a process with both is ours

## starttime PID: field 22 of /proc/PID/stat (empty if gone).
starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo "${20:-}"
}

## alive NAME: true if the process recorded as NAME runs (not a zombie, same start time).
alive() {
  local f=$D/pids/$1 pid st
  [[ -f $f ]] || return 1
  read -r pid st <"$f" || return 1
  [[ -n $pid && -d /proc/$pid ]] || return 1
  grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && return 1
  [[ $(starttime "$pid") == "$st" ]]
}

## pid_of NAME
pid_of() { cut -d' ' -f1 "$D/pids/$1" 2>/dev/null; }

## spawn NAME LOG CMD...: start CMD in the background with stdin /dev/null, output in LOG and
## no other inherited descriptor (a caller's pipe must not stay open), record it as NAME.
spawn() {
  local name=$1 logf=$2 pid
  shift 2
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2 && fd != 255)); then eval "exec $fd>&-" 2>/dev/null; fi
    done
    exec "$@"
  ) </dev/null >>"$logf" 2>&1 &
  pid=$!
  mkdir -p "$D/pids"
  echo "$pid $(starttime "$pid")" >"$D/pids/$name"
}

## stop NAMES...: SIGTERM each live one, wait up to 10 s for all, SIGKILL the rest (2 s more).
stop() {
  local n live=() i
  for n in "$@"; do
    if alive "$n"; then
      kill -TERM "$(pid_of "$n")" 2>/dev/null
      live+=("$n")
    fi
  done
  for ((i = 0; i < 100; i++)); do
    local still=()
    for n in "${live[@]}"; do alive "$n" && still+=("$n"); done
    live=("${still[@]}")
    ((${#live[@]})) || break
    sleep 0.1
  done
  for n in "${live[@]}"; do
    log "$n (pid $(pid_of "$n")) ignored SIGTERM for 10 s: SIGKILL"
    kill -KILL "$(pid_of "$n")" 2>/dev/null
  done
  for ((i = 0; i < 20 && ${#live[@]}; i++)); do
    local still=()
    for n in "${live[@]}"; do alive "$n" && still+=("$n"); done
    live=("${still[@]}")
    sleep 0.1
  done
  for n in "$@"; do alive "$n" || rm -f "$D/pids/$n"; done
  ((${#live[@]} == 0))
}

ALL=(peer2 peer1 service headscale)

## leftovers: the recorded processes still alive, one "NAME PID CMDLINE" line each.
leftovers() {
  local n
  for n in "${ALL[@]}"; do
    alive "$n" && echo "$n $(pid_of "$n") $(tr '\0' ' ' <"/proc/$(pid_of "$n")/cmdline" 2>/dev/null)"
  done
  return 0
}

## dump_logs: the last lines of every log, on stderr.
dump_logs() {
  local f
  for f in "$D"/logs/*.log; do
    [[ -f $f ]] || continue
    printf -- '----- %s (last 25 lines)\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}

# --------------------------------------------------------------------------------------------
# time bounds

## remaining: seconds left before the `up` deadline (at least 1).
remaining() {
  local r=$((DEADLINE - SECONDS))
  ((r > 0)) && echo "$r" || echo 1
}

## wait_until MAX_S WHAT CMD...: run CMD every 0.25 s until it succeeds, at most MAX_S seconds
## (and never past the `up` deadline).
wait_until() {
  local max=$1 what=$2 end
  shift 2
  end=$((SECONDS + max))
  ((end > DEADLINE)) && end=$DEADLINE
  while ((SECONDS < end)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  "$@" >/dev/null 2>&1 && return 0
  log "timed out waiting for $what"
  return 1
}

# --------------------------------------------------------------------------------------------
# headscale

hs() { timeout 20 "$HEADSCALE_BIN" -c "$D/headscale/config.yaml" "$@"; }

## hs_ready: headscale answers /health and its CLI socket.
hs_ready() {
  curl -fsS --max-time 2 "http://127.0.0.1:$HS_PORT/health" >/dev/null &&
    [[ -S $D/headscale/headscale.sock ]] && hs users list -o json >/dev/null
}

write_hs_config() {
  cat >"$D/headscale/config.yaml" <<EOF
# generated by tests/support/tailnet.sh
server_url: http://127.0.0.1:$HS_PORT
listen_addr: 127.0.0.1:$HS_PORT
metrics_listen_addr: ""
grpc_listen_addr: 127.0.0.1:0
grpc_allow_insecure: false
noise:
  private_key_path: $D/headscale/noise_private.key
prefixes:
  v4: 100.64.0.0/10
  v6: fd7a:115c:a1e0::/48
  allocation: sequential
derp:
  server:
    enabled: true
    region_id: $DERP_REGION_ID
    region_code: tsnode
    region_name: tsnode test DERP
    verify_clients: true
    stun_listen_addr: 127.0.0.1:$STUN_PORT
    private_key_path: $D/headscale/derp_server_private.key
    automatically_add_embedded_derp_region: true
    ipv4: 127.0.0.1
  urls: []
  paths: []
  auto_update_enabled: false
  update_frequency: 24h
disable_check_updates: true
node:
  expiry: 0
database:
  type: sqlite
  sqlite:
    path: $D/headscale/db.sqlite
    write_ahead_log: true
log:
  level: info
  format: text
policy:
  mode: file
  path: $D/headscale/policy.json
dns:
  magic_dns: true
  base_domain: $TAILNET_DOMAIN
  override_local_dns: false
  nameservers:
    global: []
  search_domains: []
  extra_records: []
unix_socket: $D/headscale/headscale.sock
unix_socket_permission: "0770"
logtail:
  enabled: false
taildrop:
  enabled: false
EOF
}

## write_policy: allow everything, and tell the Go peers not to probe for captive portals (they
## would look up controlplane.tailscale.com with the host's resolver: traffic off loopback).
write_policy() {
  cat >"$D/headscale/policy.json" <<'EOF'
{
  "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],
  "nodeAttrs": [{"target": ["*"], "attr": ["disable-captive-portal-detection"]}]
}
EOF
}

start_headscale() {
  [[ -f $D/headscale/config.yaml ]] || die "$D/headscale/config.yaml missing (not up?)"
  alive headscale && die "headscale already runs (pid $(pid_of headscale))"
  rm -f "$D/headscale/headscale.sock"
  echo "==== start $(date -u +%FT%TZ)" >>"$D/logs/headscale.log"
  spawn headscale "$D/logs/headscale.log" "$HEADSCALE_BIN" -c "$D/headscale/config.yaml" serve
  if ! wait_until 25 "headscale on 127.0.0.1:$HS_PORT" hs_ready; then
    alive headscale || log "headscale exited"
    return 1
  fi
}

## nodes_online: both peers are online in `headscale nodes list -o json`.
nodes_online() {
  hs nodes list -o json | python3 -c '
import json, sys
nodes = json.load(sys.stdin) or []
on = {n.get("given_name") for n in nodes if n.get("online")}
sys.exit(0 if {"peer1", "peer2"} <= on else 1)'
}

# --------------------------------------------------------------------------------------------
# tailscaled peers

ts() {
  local n=$1
  shift
  "$TAILSCALE_BIN" --socket "$D/$n/tailscaled.sock" "$@"
}

## sees PEER OTHER: PEER's netmap holds OTHER, online, with its tailnet addresses.
sees() {
  ts "$1" status --json | python3 -c '
import json, sys
st = json.load(sys.stdin)
want = sys.argv[1]
ok = st.get("BackendState") == "Running" and any(
    p.get("HostName") == want and p.get("Online") and p.get("TailscaleIPs")
    for p in (st.get("Peer") or {}).values())
sys.exit(0 if ok else 1)' "$2"
}

both_see() { sees peer1 peer2 && sees peer2 peer1; }

## isolate_dns: a prefix that runs a command with /etc/resolv.conf pointing at 127.0.0.1 (a
## private mount namespace; root only). tailscaled's netcheck probes for captive portals at
## controlplane.tailscale.com and login.tailscale.com on every full report, whatever control
## says (the disable-captive-portal-detection attribute only stops the ipnlocal probe), and
## would ask the host's resolver: with this, that lookup stays on loopback and fails at once.
ISOLATE_DNS=()
isolate_dns() {
  local probe
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$D/resolv.conf"
  # shellcheck disable=SC2016
  probe=(unshare --mount --propagation private -- sh -c
    'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$D/resolv.conf")
  if [[ $EUID -eq 0 && -e /etc/resolv.conf ]] && command -v unshare >/dev/null &&
    timeout 5 "${probe[@]}" grep -q '^nameserver 127.0.0.1$' /etc/resolv.conf 2>/dev/null; then
    ISOLATE_DNS=("${probe[@]}")
  else
    log "note: no private mount namespace here (not root?), so the Go peers' captive-portal" \
      "probe may ask the host's DNS resolver"
  fi
}

start_peer() {
  local n=$1 wg=$2 socks=$3
  mkdir -p "$D/$n"
  spawn "$n" "$D/logs/$n.log" "${ISOLATE_DNS[@]}" env TS_DEBUG_USE_DERP_HTTP=1 TS_DISABLE_PORTMAPPER=1 \
    TS_NO_LOGS_NO_SUPPORT=true TS_LOGS_DIR="$D/$n" HOME="$D/$n" \
    "$TAILSCALED_BIN" --tun=userspace-networking --statedir="$D/$n" \
    --state="$D/$n/tailscaled.state" --socket="$D/$n/tailscaled.sock" --port="$wg" \
    --socks5-server="127.0.0.1:$socks" --no-logs-no-support --verbose=1
}

up_peer() {
  local n=$1
  wait_until 20 "$n's tailscaled socket" ts "$n" status --json || return 1
  log "$n: tailscale up"
  if ! timeout "$(remaining)" "$TAILSCALE_BIN" --socket "$D/$n/tailscaled.sock" up \
    --login-server "$HEADSCALE_URL" --auth-key "$AUTHKEY" --hostname "$n" \
    --accept-dns=false --timeout "$(remaining)s" >>"$D/logs/$n-up.log" 2>&1; then
    log "$n: tailscale up failed: $(tail -n 3 "$D/logs/$n-up.log" | tr '\n' ' ')"
    return 1
  fi
}

## peer_json PEER: one line "DNSNAME IP4 IP6 NODEKEY" from `tailscale status --json`.
peer_json() {
  ts "$1" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)["Self"]
ips = s.get("TailscaleIPs") or []
v4 = [a for a in ips if ":" not in a]
v6 = [a for a in ips if ":" in a]
print(s["DNSName"].rstrip("."), v4[0] if v4 else "", v6[0] if v6 else "", s.get("PublicKey", ""))'
}

# --------------------------------------------------------------------------------------------
# commands

## free_ports: "T1 T2 T3 T4 T5 U1 U2 U3": TCP and UDP ports free on 127.0.0.1, all distinct.
free_ports() {
  python3 -c '
import socket
socks, out = [], []
for kind in [socket.SOCK_STREAM] * 5 + [socket.SOCK_DGRAM] * 3:
    while True:
        s = socket.socket(socket.AF_INET, kind)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        if port not in out:
            break
        s.close()
    socks.append(s)
    out.append(port)
print(*out)'
}

write_env() {
  local f=$D/env
  {
    echo "# tests/support/tailnet.sh up $D ($(date -u +%FT%TZ))"
    local k
    for k in HEADSCALE_URL HEADSCALE_PORT HEADSCALE_BIN HEADSCALE_CONFIG HEADSCALE_VERSION \
      HEADSCALE_USER HEADSCALE_USER_ID AUTHKEY TAILNET_DOMAIN DERP_REGION_ID DERP_URL STUN_ADDR \
      TAILSCALE_BIN TAILSCALED_BIN DERPER_BIN TAILSCALE_VERSION \
      PEER1_NAME PEER1_HOSTNAME PEER1_IP4 PEER1_IP6 PEER1_SOCKET PEER1_SOCKS5 PEER1_NODE_KEY \
      PEER1_WG_PORT PEER2_NAME PEER2_HOSTNAME PEER2_IP4 PEER2_IP6 PEER2_SOCKET PEER2_SOCKS5 \
      PEER2_NODE_KEY PEER2_WG_PORT SERVICE_PORT SERVICE_BACKEND_PORT SERVICE_BODY \
      SERVICE_SHA256; do
      printf '%s=%q\n' "$k" "${!k}"
    done
  } >"$f.tmp" && mv -f "$f.tmp" "$f"
}

cmd_up() {
  DEADLINE=$((SECONDS + ${TAILNET_UP_TIMEOUT:-100}))
  local b
  for b in HEADSCALE_BIN TAILSCALED_BIN TAILSCALE_BIN; do
    [[ -x ${!b} ]] || die "${!b} not found: tools/setup builds headscale $HEADSCALE_VERSION and" \
      "tailscale $TAILSCALE_VERSION with Go (see its output; or set $b)"
  done
  for b in python3 curl timeout; do command -v "$b" >/dev/null || die "$b not found"; done
  if [[ -d $D ]]; then
    [[ -z $(leftovers) ]] || die "$D is already up (tailnet.sh down $D first)"
  else
    mkdir -p "$D" || die "cannot create $D"
    touch "$D/.tailnet-created-dir"
  fi
  D=$(cd "$D" && pwd)
  # unix sockets: sun_path holds 107 bytes
  ((${#D} + 25 < 108)) || die "DIR '$D' is too long for the unix sockets inside it"
  rm -rf "$D/headscale" "$D/peer1" "$D/peer2" "$D/service" "$D/pids" "$D/logs" "$D/env" \
    "$D/resolv.conf"
  mkdir -p "$D/headscale" "$D/service" "$D/pids" "$D/logs"
  touch "$D/.tailnet"

  local ports
  ports=$(free_ports) || die "could not pick free ports"
  read -r HS_PORT SERVICE_PORT SERVICE_BACKEND_PORT PEER1_SOCKS PEER2_SOCKS STUN_PORT \
    PEER1_WG_PORT PEER2_WG_PORT <<<"$ports"
  echo "$HS_PORT" >"$D/headscale/port"
  HEADSCALE_PORT=$HS_PORT
  HEADSCALE_URL=http://127.0.0.1:$HS_PORT
  HEADSCALE_CONFIG=$D/headscale/config.yaml
  DERP_URL=$HEADSCALE_URL/derp
  STUN_ADDR=127.0.0.1:$STUN_PORT
  write_hs_config
  write_policy

  log "headscale $HEADSCALE_VERSION on $HEADSCALE_URL (STUN udp $STUN_ADDR)"
  start_headscale || fail_up "headscale did not start"
  hs users create "$HS_USER" >>"$D/logs/cli.log" 2>&1 || fail_up "headscale users create failed"
  HEADSCALE_USER=$HS_USER
  HEADSCALE_USER_ID=$(hs users list -o json 2>>"$D/logs/cli.log" | python3 -c '
import json, sys
print(next(u["id"] for u in json.load(sys.stdin) if u.get("name") == sys.argv[1]))' "$HS_USER") ||
    fail_up "no user id in headscale users list"
  AUTHKEY=$(hs preauthkeys create --user "$HEADSCALE_USER_ID" --reusable --expiration 24h \
    -o json 2>>"$D/logs/cli.log" | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])') ||
    fail_up "headscale preauthkeys create failed"
  [[ -n $AUTHKEY ]] || fail_up "empty pre-auth key"

  # the service: a known page behind 127.0.0.1:SERVICE_BACKEND_PORT
  SERVICE_BODY="tsnode tailnet service on peer1 $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s' "$SERVICE_BODY" >"$D/service/index.html"
  SERVICE_SHA256=$(sha256sum "$D/service/index.html" | cut -d' ' -f1)
  spawn service "$D/logs/service.log" python3 -m http.server --bind 127.0.0.1 \
    --directory "$D/service" "$SERVICE_BACKEND_PORT"

  isolate_dns
  start_peer peer1 "$PEER1_WG_PORT" "$PEER1_SOCKS"
  start_peer peer2 "$PEER2_WG_PORT" "$PEER2_SOCKS"
  up_peer peer1 || fail_up "peer1 did not come up"
  up_peer peer2 || fail_up "peer2 did not come up"
  ts peer1 serve --bg --yes --tcp "$SERVICE_PORT" "tcp://127.0.0.1:$SERVICE_BACKEND_PORT" \
    >>"$D/logs/peer1-serve.log" 2>&1 || fail_up "tailscale serve on peer1 failed"

  wait_until 60 "both peers online in headscale nodes list" nodes_online ||
    fail_up "peers not online"
  wait_until 30 "peer1 and peer2 in each other's netmap" both_see ||
    fail_up "peers do not see each other"
  wait_until 10 "the service on 127.0.0.1:$SERVICE_BACKEND_PORT" \
    curl -fsS --max-time 2 "http://127.0.0.1:$SERVICE_BACKEND_PORT/" || fail_up "service down"

  local n N line name ip4 ip6 key
  for n in peer1 peer2; do
    N=${n^^}
    line=$(peer_json "$n") || fail_up "no status from $n"
    read -r name ip4 ip6 key <<<"$line"
    printf -v "${N}_NAME" %s "$name"
    printf -v "${N}_HOSTNAME" %s "$n"
    printf -v "${N}_IP4" %s "$ip4"
    printf -v "${N}_IP6" %s "$ip6"
    printf -v "${N}_NODE_KEY" %s "$key"
    printf -v "${N}_SOCKET" %s "$D/$n/tailscaled.sock"
  done
  PEER1_SOCKS5=127.0.0.1:$PEER1_SOCKS
  PEER2_SOCKS5=127.0.0.1:$PEER2_SOCKS
  [[ -n $PEER1_IP4 && -n $PEER2_IP4 ]] || fail_up "a peer has no IPv4 tailnet address"
  write_env
  log "up in $((SECONDS - DEADLINE + ${TAILNET_UP_TIMEOUT:-100})) s: $PEER1_NAME $PEER1_IP4," \
    "$PEER2_NAME $PEER2_IP4; env in $D/env"
}

## fail_up MSG: print the logs' tails, stop what we started, exit 1 (DIR stays for `down`).
fail_up() {
  log "up failed: $*"
  dump_logs
  stop "${ALL[@]}" || true
  exit 1
}

cmd_down() {
  [[ -d $D ]] || return 0
  [[ -f $D/.tailnet || -d $D/pids ]] || die "$D was not made by tailnet.sh up"
  local rc=0
  stop "${ALL[@]}" || rc=1
  if [[ -n $(leftovers) ]]; then
    log "still running: $(leftovers | tr '\n' ';')"
    rc=1
  fi
  if [[ ${TAILNET_KEEP:-0} == 1 ]]; then
    log "kept $D (TAILNET_KEEP=1)"
  elif ((rc == 0)); then
    rm -rf "$D/headscale" "$D/peer1" "$D/peer2" "$D/service" "$D/pids" "$D/logs" "$D/env" \
      "$D/env.tmp" "$D/resolv.conf" "$D/.tailnet"
    if [[ -f $D/.tailnet-created-dir ]]; then
      rm -f "$D/.tailnet-created-dir"
      rmdir "$D" 2>/dev/null || log "$D not empty; left in place"
    fi
  fi
  return "$rc"
}

load_port() {
  HS_PORT=$(cat "$D/headscale/port" 2>/dev/null) || die "$D is not a tailnet (no headscale/port)"
}

cmd_start_headscale() {
  DEADLINE=$((SECONDS + ${TAILNET_UP_TIMEOUT:-100}))
  load_port
  start_headscale || {
    dump_logs
    die "headscale did not start again on 127.0.0.1:$HS_PORT"
  }
}

cmd_restart_headscale() {
  DEADLINE=$((SECONDS + ${TAILNET_UP_TIMEOUT:-100}))
  load_port
  stop headscale || die "headscale did not stop"
  start_headscale || {
    dump_logs
    die "headscale did not start again on 127.0.0.1:$HS_PORT"
  }
  wait_until 60 "both peers online again" nodes_online || {
    dump_logs
    die "peers not online after the headscale restart"
  }
  log "headscale restarted on 127.0.0.1:$HS_PORT; both peers online"
}

[[ $# -ge 2 ]] || {
  sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}
cmd=$1
D=${2%/}
shift 2
case $cmd in
  up) cmd_up ;;
  down) cmd_down ;;
  restart-headscale) cmd_restart_headscale ;;
  stop-headscale) stop headscale ;;
  start-headscale) cmd_start_headscale ;;
  env) cat "$D/env" ;;
  leftovers) leftovers ;;
  headscale) exec "$HEADSCALE_BIN" -c "$D/headscale/config.yaml" "$@" ;;
  *) die "unknown command '$cmd' (up, down, restart-headscale, stop-headscale, start-headscale, env, leftovers, headscale)" ;;
esac
