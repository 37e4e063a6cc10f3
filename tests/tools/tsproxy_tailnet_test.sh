#!/usr/bin/env bash
# tsproxy_tailnet: tsproxy --control-url against a real headscale with two Go tailscaled peers
# (tests/support/tailnet.sh), issue 7's integration checks at the CLI level:
#   - it registers with a pre-auth key and shows up in `headscale nodes list -o json` online,
#     with the chosen hostname and the IPs tsproxy logs;
#   - `tsproxy status --json` lists the self node and both Go peers with their MagicDNS names,
#     IPs and online state; the text form names them too;
#   - MagicDNS fails closed: a name outside the tailnet gets SOCKS reply 04;
#   - it survives a headscale restart (a new map stream, the same IPs, control "connected");
#   - it keeps its identity across its own restart (same IPs, still 3 nodes in headscale) and
#     its state file is 0600;
#   - a bad auth key is reported with headscale's words and exit 1 under --up-timeout;
#   - nothing is left afterwards.
# Usage (root): bash tsproxy_tailnet_test.sh PATH/TO/tsproxy    ctest: -L integration.
set -euo pipefail

# shellcheck source=tsproxy_test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tsproxy_test_lib.sh"
tsp_init tsproxy_tailnet 220 "$@"

TN=$T/tailnet
tailnet() { bash "$support/tailnet.sh" "$@"; }
trap 'st=$?; tailnet down "$TN" >/dev/null 2>&1; tsp__on_exit $st' EXIT

log "starting headscale and two Go peers"
tailnet up "$TN" >"$T/tailnet-up.log" 2>&1 || {
  cat "$T/tailnet-up.log"
  echo "tsproxy_tailnet: the test tailnet did not come up (see above)"
  exit 1
}
# shellcheck disable=SC1091
source "$TN/env"
printf '%s' "$AUTHKEY" >"$T/authkey"
hs() { "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" "$@"; }

## node_field NAME JQ-ish: the headscale node whose given name is NAME, as JSON (python).
hs_node() {
  hs nodes list -o json 2>/dev/null | python3 -c '
import json, sys
name = sys.argv[1]
nodes = json.load(sys.stdin) or []
for n in nodes:
    if n.get("given_name") == name or n.get("name") == name:
        print(json.dumps(n)); break' "$1"
}

STATE=$T/state
export TSP_START_WAIT_S=60
start_tsproxy() {
  tsp_start main --control-url "$HEADSCALE_URL" --authkey-file "$T/authkey" \
    --hostname tsproxy-it --state-dir "$STATE" --credential-file "$T/cred" --log-level debug
}

## status_json: tsproxy status --json of the running instance.
status_json() { tsp_status main --json; }

## py EXPR-SCRIPT: run python on status JSON from stdin.
self_ips() { status_json | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["tailnet"]["self"]["addresses"]))'; }

check start start_tsproxy

registered_online() {
  local n
  for _ in $(seq 1 40); do
    n=$(hs_node tsproxy-it)
    if [[ -n $n ]] && python3 -c 'import json,sys; n=json.loads(sys.argv[1]); sys.exit(0 if n.get("online") else 1)' "$n"; then
      echo "headscale: $n" | cut -c1-300
      return 0
    fi
    sleep 0.5
  done
  echo "tsproxy-it is not online in headscale: $(hs nodes list -o json)"
  return 1
}
check registered_online registered_online

ips_match_headscale() {
  local mine theirs
  mine=$(self_ips)
  theirs=$(hs_node tsproxy-it | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["ip_addresses"])))')
  [[ $(tr ' ' '\n' <<<"$mine" | sort | tr '\n' ' ' | sed 's/ $//') == "$theirs" ]] || {
    echo "tsproxy says '$mine', headscale says '$theirs'"
    return 1
  }
  grep -q "tailnet: up as tsproxy-it.$TAILNET_DOMAIN" "$T/tsp-main.err" || {
    echo "no 'tailnet: up as' log line"
    return 1
  }
  echo "self $mine"
}
check ips_match_headscale ips_match_headscale

peers_in_status() {
  local js
  for _ in $(seq 1 20); do
    js=$(status_json)
    if python3 - "$js" <<PY; then
import json, sys
j = json.loads(sys.argv[1])
t = j["tailnet"]
want = {"$PEER1_NAME": ["$PEER1_IP4", "$PEER1_IP6"], "$PEER2_NAME": ["$PEER2_IP4", "$PEER2_IP6"]}
got = {p["name"]: p for p in t["peers"]}
ok = True
for name, ips in want.items():
    p = got.get(name)
    if p is None or p["addresses"] != ips or p["online"] is not True:
        ok = False
assert j["mode"] == "tailnet" and j["control"]["state"] == "connected"
assert t["self"]["name"] == "tsproxy-it.$TAILNET_DOMAIN" and t["domain"] == "$TAILNET_DOMAIN"
print("peers:", {n: (p["addresses"], p["online"]) for n, p in got.items()})
sys.exit(0 if ok and len(got) == 2 else 1)
PY
      tsp_status main | grep -F "$PEER1_NAME" | grep -q online || {
        echo "text status lacks $PEER1_NAME online"
        return 1
      }
      return 0
    fi
    sleep 0.5
  done
  echo "status: $js"
  return 1
}
check peers_in_status peers_in_status

# MagicDNS fails closed for names outside the tailnet (design.md "Failure and bad input").
check magicdns_fails_closed socks --expect 4 reply "nosuch.example.com:80"
check magicdns_unknown_peer socks --expect 4 reply "peer9.$TAILNET_DOMAIN:80"

## map_streams: how many map streams the control actor opened.
map_streams() { status_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["control"]["map_streams"])'; }

survives_headscale_restart() {
  local before ips_before t0 now state
  before=$(map_streams)
  ips_before=$(self_ips)
  t0=$SECONDS
  tailnet restart-headscale "$TN" >"$T/restart.log" 2>&1 || {
    cat "$T/restart.log"
    return 1
  }
  for _ in $(seq 1 120); do
    now=$(map_streams)
    state=$(status_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["control"]["state"])')
    if ((now > before)) && [[ $state == connected ]]; then
      [[ $(self_ips) == "$ips_before" ]] || {
        echo "IPs changed: $ips_before -> $(self_ips)"
        return 1
      }
      registered_online >/dev/null || return 1
      echo "map stream $before -> $now, connected again $((SECONDS - t0)) s after the restart began"
      return 0
    fi
    sleep 0.5
  done
  echo "no new map stream after the restart (streams $before -> $now, state $state)"
  return 1
}
check survives_headscale_restart survives_headscale_restart

keeps_identity_across_restart() {
  local ips_before mode
  ips_before=$(self_ips)
  tsp_stop main 15 || return 1
  mode=$(stat -c %a "$STATE/tsnode-state")
  [[ $mode == 600 ]] || {
    echo "state file mode $mode, want 600"
    return 1
  }
  start_tsproxy || return 1
  [[ $(self_ips) == "$ips_before" ]] || {
    echo "IPs changed across a restart: $ips_before -> $(self_ips)"
    return 1
  }
  local count
  count=$(hs nodes list -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin) or []))')
  [[ $count == 3 ]] || {
    echo "headscale has $count nodes, want 3 (no second node for tsproxy)"
    return 1
  }
  grep -q "existing identity" "$T/tsp-main.err" || {
    echo "no 'existing identity' log line"
    return 1
  }
  echo "same IPs ($ips_before), 3 nodes, state 0600"
}
check keeps_identity_across_restart keeps_identity_across_restart

bad_authkey_is_reported() {
  local out rc=0
  out=$(timeout --foreground 40 "$bin" --control-url "$HEADSCALE_URL" --authkey "not-a-key" \
    --hostname bad --state-dir "$T/state-bad" --up-timeout 15 \
    --status-socket "$T/bad.sock" 2>&1 </dev/null) || rc=$?
  [[ $rc == 1 ]] || {
    echo "exit $rc, want 1; output:"
    echo "$out" | tail -n 20
    return 1
  }
  grep -qi "no network map" <<<"$out" && grep -qi "auth\|key" <<<"$out" || {
    echo "the error does not say what went wrong:"
    echo "$out" | tail -n 20
    return 1
  }
  echo "$out" | grep -i "cannot start" | tail -n 1
}
check bad_authkey_is_reported bad_authkey_is_reported

nothing_left() {
  tsp_stop main 15 || return 1
  tailnet down "$TN" || return 1
  local left
  left=$(tsp_leftovers; tailnet leftovers "$TN" 2>/dev/null || true)
  [[ -z $left ]] || {
    echo "left behind: $left"
    return 1
  }
  echo "clean"
}
check nothing_left nothing_left
summary
((fail == 0))
