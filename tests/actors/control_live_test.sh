#!/usr/bin/env bash
# control_live: the control actor (actors/control.hpp) as a node of a REAL headscale tailnet
# (tests/support/tailnet.sh: headscale v0.29 + two Go tailscaled peers on loopback), driven by
# control_probe, which prints each published netmap and each control_status change as JSON lines.
# Checks: it registers with the pre-auth key and headscale lists it online under the chosen
# hostname; its netmap holds peer1 and peer2 with their MagicDNS names and IPs; when headscale
# stops it notices and backs off, and when headscale comes back the map stream reconnects with
# the same IPs; `headscale nodes expire` makes it rotate its node key (same node, same IPs); after
# its own restart it keeps its identity (same node key and IPs, still exactly 3 nodes in
# headscale); a map stream silent for longer than the keep-alive timeout (headscale stopped with
# SIGSTOP) is dropped and reconnected; `headscale nodes delete` makes it register again (same
# node key) at its next reconnect (headscale keeps a deleted node's stream open, so this runs with
# the watchdog step's 6 s keep-alive timeout); a corrupt state file is refused with a clear error and exit code 2, and is left
# untouched; a bad auth key ends in state "failed" with headscale's words (HTTP 200 with Error);
# without an auth key it shows the AuthURL and waits until `headscale auth register` approves it.
# Usage: bash control_live_test.sh PATH/TO/control_probe   ctest: -L integration, TIMEOUT 240.
set -uo pipefail

if [[ -z ${CONTROL_LIVE_DEADLINE:-} ]]; then
  CONTROL_LIVE_DEADLINE=220 exec timeout -k 10 220 bash "$0" "$@"
fi

probe=${1:?usage: control_live_test.sh PATH/TO/control_probe}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tailnet=$here/../support/tailnet.sh
# shellcheck source=../support/checks.sh
source "$here/../support/checks.sh"
name=control_live
T=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
NET=$T/net
STATE=$T/state
HOST=tsnode-live
pass=0
fail=0
failed=()
probe_pid=
run=0
exec 3>&1

stop_probe() {
  [[ -n $probe_pid ]] || return 0
  kill -TERM "$probe_pid" 2>/dev/null
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$probe_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$probe_pid" 2>/dev/null
  wait "$probe_pid" 2>/dev/null
  local st=$?
  probe_pid=
  return $st
}

on_exit() {
  local st=$1
  trap - EXIT
  [[ -n ${hs_pid:-} ]] && kill -CONT "$hs_pid" 2>/dev/null
  stop_probe
  bash "$tailnet" down "$NET" >"$T/down.log" 2>&1 || cat "$T/down.log"
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


## start_probe [ARGS]: control_probe in the background (our state, host and auth key, then
## ARGS); its output in $T/run<N>.{out,err}.
start_probe() {
  run=$((run + 1))
  OUT=$T/run$run.out
  ERR=$T/run$run.err
  "$probe" --server "$HEADSCALE_URL" --state "$STATE" --hostname "$HOST" --authkey "$AUTHKEY" \
    --debug "$@" >"$OUT" 2>"$ERR" 3>&- &
  probe_pid=$!
}

now_ms() { date +%s%3N; }

## query WHAT [ARGS]: facts from the probe's JSON lines in $OUT (python below).
query() {
  python3 - "$OUT" "$@" <<'PY'
import json, os, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
what, args = sys.argv[2], sys.argv[3:]
maps = [l["netmap"] for l in lines if "netmap" in l]
stats = [l["status"] for l in lines if "status" in l]
e = os.environ
if what == "netmaps":  # how many netmaps so far
    print(len(maps))
elif what == "status":  # the latest state and map_streams
    s = stats[-1] if stats else {}
    print(s.get("state", ""), s.get("map_streams", 0))
elif what == "seen_state":  # whether a state was ever reported
    print("yes" if any(s["state"] == args[0] for s in stats) else "no")
elif what == "good":  # the latest netmap (after the first N) has both peers as in DIR/env
    skip = int(args[0]) if args else 0
    if len(maps) <= skip:
        sys.exit(1)
    m = maps[-1]
    by = {p["name"]: p for p in m["peers"]}
    for k in ("PEER1", "PEER2"):
        p = by.get(e[k + "_NAME"])
        if not p or p["addresses"] != [e[k + "_IP4"], e[k + "_IP6"]]:
            sys.exit(1)
    if m["self"]["name"] != e["HOST"] + "." + e["TAILNET_DOMAIN"] or m["domain"] != e["TAILNET_DOMAIN"]:
        sys.exit(1)
elif what == "self":  # name, addresses, node key of the latest netmap
    m = maps[-1]["self"]
    print(m["name"], " ".join(m["addresses"]), m["node_key"])
elif what == "home_derp":  # our home region as the server reports it
    print(maps[-1]["self"]["home_derp"])
elif what == "auth_url":
    print([s["auth_url"] for s in stats if s["auth_url"]][-1])
elif what == "last_error":
    print(stats[-1]["last_error"])
elif what == "peers":
    print(" ".join(f'{p["name"]}={"/".join(p["addresses"])}' for p in maps[-1]["peers"]))
PY
}

## wait_for SECONDS CMD...: poll CMD every 0.1 s.
wait_for() {
  local end=$(($(now_ms) + $1 * 1000))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(now_ms) < end)) || return 1
    kill -0 "$probe_pid" 2>/dev/null || { echo "control_probe exited"; tail -5 "$ERR"; return 1; }
    sleep 0.1
  done
}

## nodes_ok COUNT: headscale lists COUNT nodes, ours online with our name, IPs and node key.
nodes_ok() {
  "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" nodes list -o json >"$T/nodes.json" || return 1
  read -r SELF_NAME SELF_IP4 SELF_IP6 SELF_KEY < <(query self)
  SELF_NAME=$SELF_NAME SELF_IP4=$SELF_IP4 SELF_IP6=$SELF_IP6 SELF_KEY=$SELF_KEY \
    python3 - "$T/nodes.json" "$1" <<'PY'
import json, os, sys
nodes = json.load(open(sys.argv[1]))
e = os.environ
names = sorted(n.get("given_name") for n in nodes)
assert len(nodes) == int(sys.argv[2]), f"{len(nodes)} nodes: {names}"
n = [n for n in nodes if n.get("given_name") == e["HOST"]]
assert len(n) == 1, f"{e['HOST']} not listed once: {names}"
n = n[0]
assert n.get("online") is True, f"not online: {n.get('online')}"
assert f"{n['given_name']}.{e['TAILNET_DOMAIN']}" == e["SELF_NAME"], n["given_name"]
assert sorted(n["ip_addresses"]) == sorted([e["SELF_IP4"], e["SELF_IP6"]]), n["ip_addresses"]
assert n["node_key"] == e["SELF_KEY"], n["node_key"]
print(f"headscale: {len(nodes)} nodes, {n['given_name']} online {n['ip_addresses']}")
PY
}

state_is() { [[ $(query status) == "$1 "* ]]; }
connected() { state_is connected; }
home_derp_is() { [[ $(query home_derp) == "$1" ]]; }
streams_at_least() {
  local s
  local n; read -r s n < <(query status)
  [[ $s == connected && $n -ge $1 ]]
}

# ---------------------------------------------------------------------------------------------
t_up() { bash "$tailnet" up "$NET"; }

t_register() {
  local t0 ip4 ip6 key
  t0=$(now_ms)
  start_probe
  wait_for 30 query good || { tail -20 "$ERR"; return 1; }
  REG_MS=$(($(now_ms) - t0))
  wait_for 10 connected || return 1
  grep -q "control: registered as $HOST.$TAILNET_DOMAIN" "$ERR" || { echo "no 'registered as' log"; return 1; }
  grep -q "control: map stream up" "$ERR" || { echo "no 'map stream up' log"; return 1; }
  wait_for 10 home_derp_is "$DERP_REGION_ID" || { echo "home DERP $(query home_derp)"; return 1; }
  grep -q "control: home DERP region $DERP_REGION_ID" "$ERR" || return 1
  read -r FIRST_NAME FIRST_IP4 FIRST_IP6 FIRST_KEY < <(query self)
  [[ $FIRST_IP4 == 100.* && $FIRST_IP6 == fd7a:* ]] || { echo "addresses: $FIRST_IP4 $FIRST_IP6"; return 1; }
  echo "$(query peers)"
  echo "registered as $FIRST_NAME $FIRST_IP4 $FIRST_IP6, home DERP $DERP_REGION_ID; netmap with both peers after $REG_MS ms"
}

t_headscale_lists() { nodes_ok 3; }

t_headscale_restart() {
  local before t0 ip4 ip6 key
  bash "$tailnet" stop-headscale "$NET" || return 1
  wait_for 20 state_is reconnecting || { echo "did not notice headscale stopping"; return 1; }
  grep -q "control: reconnecting in" "$ERR" || { echo "no 'reconnecting in' log"; return 1; }
  before=$(query netmaps)
  t0=$(now_ms)
  bash "$tailnet" start-headscale "$NET" || return 1
  local hs_ms=$(($(now_ms) - t0))
  wait_for 60 streams_at_least 2 || { tail -20 "$ERR"; return 1; }
  wait_for 10 query good "$before" || return 1
  local rc_ms=$(($(now_ms) - t0))
  read -r _ ip4 ip6 key < <(query self)
  [[ $ip4 == "$FIRST_IP4" && $ip6 == "$FIRST_IP6" && $key == "$FIRST_KEY" ]] ||
    { echo "after the restart: $ip4 $ip6 $key"; return 1; }
  grep "reconnecting in" "$ERR" | tail -3
  echo "map stream back $rc_ms ms after starting headscale (start-headscale itself: $hs_ms ms), same IPs"
}

t_own_restart() {
  stop_probe || { echo "control_probe exit status $?"; return 1; }
  local t0 ip4 ip6 key
  t0=$(now_ms)
  start_probe
  wait_for 30 query good || { tail -20 "$ERR"; return 1; }
  local ms=$(($(now_ms) - t0))
  grep -q "existing identity" "$ERR" || { echo "no 'existing identity'"; return 1; }
  read -r _ ip4 ip6 key < <(query self)
  [[ $ip4 == "$FIRST_IP4" && $ip6 == "$FIRST_IP6" && $key == "$FIRST_KEY" ]] ||
    { echo "after our restart: $ip4 $ip6 $key, before $FIRST_IP4 $FIRST_IP6 $FIRST_KEY"; return 1; }
  wait_for 10 connected || return 1
  nodes_ok 3 || return 1
  echo "same identity after a restart ($ms ms to the netmap): $key"
}

t_corrupt_state() {
  stop_probe || return 1
  local f=$STATE/tsnode-state st
  [[ $(stat -c %a "$f") == 600 && $(stat -c %a "$STATE") == 700 ]] ||
    { echo "modes: $(stat -c %a "$STATE") $(stat -c %a "$f")"; return 1; }
  sed -i 's/^machine_key=privkey:\(.\{20\}\).*/machine_key=privkey:\1/' "$f"
  local sum
  sum=$(sha256sum <"$f")
  timeout 20 "$probe" --server "$HEADSCALE_URL" --state "$STATE" --hostname "$HOST" \
    --authkey "$AUTHKEY" >"$T/corrupt.out" 2>"$T/corrupt.err" 3>&-
  st=$?
  cat "$T/corrupt.err"
  ((st == 2)) || { echo "exit status $st, want 2"; return 1; }
  grep -q "is corrupt (line .*: machine_key: not a key" "$T/corrupt.err" || return 1
  grep -q "refusing to make a new identity" "$T/corrupt.err" || return 1
  [[ $(sha256sum <"$f") == "$sum" && ! -s $T/corrupt.out ]] || { echo "state file touched"; return 1; }
  "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" nodes list -o json | python3 -c \
    'import json,sys; n=json.load(sys.stdin); assert len(n)==3, len(n)' || return 1
  echo "corrupt state refused, exit 2, file untouched, still 3 nodes"
}

t_key_expiry() {
  local id t0 ip4 ip6 key
  id=$(python3 -c 'import json,sys; print([n["id"] for n in json.load(open(sys.argv[1])) if n["given_name"] == sys.argv[2]][0])' "$T/nodes.json" "$HOST") || return 1
  local streams
  read -r _ streams < <(query status)
  t0=$(now_ms)
  "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" nodes expire -i "$id" --force || return 1
  wait_for 30 grep -q "expired; registering the new key" "$ERR" || { echo "no rotation"; return 1; }
  wait_for 30 streams_at_least $((streams + 1)) || return 1
  wait_for 10 query good || return 1
  read -r _ ip4 ip6 key < <(query self)
  [[ $key != "$FIRST_KEY" && $ip4 == "$FIRST_IP4" && $ip6 == "$FIRST_IP6" ]] ||
    { echo "after the expiry: $ip4 $ip6 $key (old key $FIRST_KEY)"; return 1; }
  ! grep -q old_node_key "$STATE/tsnode-state" || { echo "old_node_key left in the state file"; return 1; }
  nodes_ok 3 || return 1
  echo "node key rotated $FIRST_KEY -> $key, back on the map stream after $(($(now_ms) - t0)) ms"
  FIRST_KEY=$key
}

t_watchdog() {
  stop_probe || return 1
  start_probe --keepalive-timeout 6 --connect-timeout 4
  wait_for 30 query good || return 1
  wait_for 10 connected || return 1
  local t0
  hs_pid=$(cut -d' ' -f1 "$NET/pids/headscale")
  kill -STOP "$hs_pid" || return 1
  t0=$(now_ms)
  wait_for 20 grep -q "reconnecting in .*: no map message for 6.0s" "$ERR" ||
    { kill -CONT "$hs_pid"; echo "the watchdog did not fire"; return 1; }
  local fired=$(($(now_ms) - t0))
  sleep 2
  kill -CONT "$hs_pid"
  hs_pid=
  wait_for 40 streams_at_least 2 || return 1
  wait_for 10 query good 1 || return 1
  grep "reconnecting in" "$ERR" | sed 's/^.*control: //'
  echo "silent stream dropped after $fired ms (timeout 6 s), map stream back after headscale resumed"
}

t_node_deleted() {
  local id t0 ip4 ip6 key before
  "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" nodes list -o json >"$T/nodes.json" || return 1
  id=$(python3 -c 'import json,sys; print([n["id"] for n in json.load(open(sys.argv[1])) if n["given_name"] == sys.argv[2]][0])' "$T/nodes.json" "$HOST") || return 1
  before=$(grep -c "control: registered as" "$ERR")
  t0=$(now_ms)
  "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" nodes delete -i "$id" --force || return 1
  wait_for 60 bash -c '(($(grep -c "control: registered as" "$1") > $2))' _ "$ERR" "$before" ||
    { tail -20 "$ERR"; return 1; }
  wait_for 20 connected || return 1
  wait_for 10 query good || return 1
  read -r _ ip4 ip6 key < <(query self)
  [[ $key == "$FIRST_KEY" ]] || { echo "node key changed: $key"; return 1; }
  nodes_ok 3 || return 1
  grep "reconnecting in" "$ERR" | tail -2 | sed 's/^.*control: //'
  echo "deleted node $id came back as $ip4 $ip6 after $(($(now_ms) - t0)) ms, same node key"
}

t_bad_authkey() {
  local st
  timeout 30 "$probe" --server "$HEADSCALE_URL" --state "$T/state-bad" --hostname tsnode-bad \
    --authkey "hskey-auth-nonsense" >"$T/bad.out" 2>"$T/bad.err" 3>&-
  st=$?
  cat "$T/bad.out"
  ((st == 3)) || { echo "exit status $st, want 3 (failed)"; return 1; }
  OUT=$T/bad.out
  [[ $(query status) == "failed "* ]] || return 1
  query last_error | grep -q "^register: .*auth-key" || return 1
  grep -q "(not retrying)" "$T/bad.err" || return 1
  echo "refused: $(query last_error)"
}

t_interactive() {
  local saved=$STATE host=$HOST url t0
  STATE=$T/state-interactive HOST=tsnode-login
  stop_probe || return 1
  AUTHKEY_SAVED=$AUTHKEY
  AUTHKEY=
  start_probe
  AUTHKEY=$AUTHKEY_SAVED
  STATE=$saved
  wait_for 20 state_is needs_login || { HOST=$host; return 1; }
  url=$(query auth_url)
  [[ $url == "$HEADSCALE_URL"/register/* ]] || { HOST=$host; echo "auth_url $url"; return 1; }
  grep -q "control: to log in, visit $url" "$ERR" || { HOST=$host; return 1; }
  t0=$(now_ms)
  "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" auth register --auth-id "${url##*/}" --user "$HEADSCALE_USER" ||
    { HOST=$host; return 1; }
  export HOST
  wait_for 30 query good || { HOST=$host; return 1; }
  wait_for 10 connected || { HOST=$host; return 1; }
  nodes_ok 4 || { HOST=$host; return 1; }
  HOST=$host
  export HOST
  echo "interactive login: $url approved, netmap after $(($(now_ms) - t0)) ms"
}

check up t_up
if ((fail == 0)); then
  # shellcheck source=/dev/null
  . "$NET/env"
  export HOST HEADSCALE_URL TAILNET_DOMAIN PEER1_NAME PEER1_IP4 PEER1_IP6 PEER2_NAME PEER2_IP4 \
    PEER2_IP6 HEADSCALE_USER
  check register t_register
  ((fail == 0)) && check headscale_lists t_headscale_lists
  ((fail == 0)) && check headscale_restart t_headscale_restart
  ((fail == 0)) && check key_expiry t_key_expiry
  ((fail == 0)) && check own_restart t_own_restart
  ((fail == 0)) && check watchdog t_watchdog
  ((fail == 0)) && check node_deleted t_node_deleted
  check corrupt_state t_corrupt_state
  check bad_authkey t_bad_authkey
  check interactive t_interactive
fi
((fail == 0))
