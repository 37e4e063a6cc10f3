#!/usr/bin/env bash
# api_tailnet: the C API joins a real headscale tailnet (tests/support/tailnet.sh): tsnode_up
# with a control URL and an auth key registers the node (online in `headscale nodes list`),
# tsnode_loopback serves a proxy whose MagicDNS fails closed (SOCKS reply 04), a dial of a name
# outside the tailnet is refused with a message, tsnode_close returns 0, and a second run with
# the same directory keeps the node's identity (the same IPs, no second node).
# Usage (root): tailnet_test.sh PATH/TO/c_tailnet_probe          ctest: -L integration.
set -uo pipefail
[[ -n ${API_TAILNET_DEADLINE:-} ]] || API_TAILNET_DEADLINE=1 exec timeout -k 10 170 bash "$0" "$@"
probe=$(readlink -f "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
support=$here/../support
T=$(mktemp -d /tmp/api_tailnet.XXXXXX)
pass=0 fail=0 probe_pid=""
cleanup() {
  [[ -z $probe_pid ]] || kill "$probe_pid" 2>/dev/null
  exec 7>&- 2>/dev/null
  bash "$support/tailnet.sh" down "$T/tn" >/dev/null 2>&1
  if ((fail == 0)); then rm -rf "$T"; else echo "api_tailnet: logs in $T"; fi
}
trap cleanup EXIT
ok() { pass=$((pass + 1)); echo "api_tailnet: PASS $*"; }
bad() { fail=$((fail + 1)); echo "api_tailnet: FAIL $*"; }

bash "$support/tailnet.sh" up "$T/tn" >"$T/up.log" 2>&1 || {
  cat "$T/up.log"
  echo "api_tailnet: the test tailnet did not come up"
  exit 1
}
# shellcheck disable=SC1091
source "$T/tn/env"
printf '%s\n' "$AUTHKEY" >"$T/key"
hs() { "$HEADSCALE_BIN" -c "$HEADSCALE_CONFIG" "$@"; }
node_ips() { # the sorted IPs headscale lists for given name $1 with online state, or nothing
  hs nodes list -o json | python3 -c '
import json, sys
for n in json.load(sys.stdin) or []:
    if n.get("given_name") == sys.argv[1]:
        print(("online " if n.get("online") else "offline ") + " ".join(sorted(n["ip_addresses"])))' "$1"
}

## run_probe TAG: start the probe (stdin held open on fd 7), wait for UP.
run_probe() {
  mkfifo "$T/in-$1"
  "$probe" "$HEADSCALE_URL" "$T/key" "$T/state" c-embed <"$T/in-$1" >"$T/out-$1" 2>"$T/err-$1" &
  probe_pid=$!
  exec 7>"$T/in-$1"
  for _ in $(seq 1 120); do
    grep -q '^UP$' "$T/out-$1" && return 0
    kill -0 "$probe_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "probe $1 did not come up:"
  cat "$T/out-$1" "$T/err-$1" | tail -n 20
  return 1
}
## stop_probe TAG: close its stdin; it must print CLOSED and exit 0.
stop_probe() {
  exec 7>&-
  local rc=0
  wait "$probe_pid" || rc=$?
  probe_pid=""
  [[ $rc == 0 ]] && grep -q '^CLOSED$' "$T/out-$1"
}

if run_probe first; then ok "tsnode_up joined: $(grep '^LOOPBACK' "$T/out-first" | cut -d' ' -f2)"; else bad "tsnode_up"; exit 1; fi
state=""
for _ in $(seq 1 20); do
  state=$(node_ips c-embed)
  [[ $state == online* ]] && break
  sleep 0.5
done
if [[ $state == online* ]]; then ok "headscale lists c-embed: $state"; else bad "c-embed not online in headscale: '$state'"; fi
if grep -q '^NOSUCH .*no such host' "$T/out-first"; then ok "tsnode_dial of a non-tailnet name: $(grep '^NOSUCH' "$T/out-first")"; else bad "dial message: $(grep '^NOSUCH' "$T/out-first")"; fi
read -r _ addr cred < <(grep '^LOOPBACK' "$T/out-first")
if python3 "$support/socks5_client.py" --proxy "$addr" --password "$cred" --expect 4 reply \
  "nosuch.$TAILNET_DOMAIN:80" >"$T/socks.log" 2>&1; then
  ok "loopback: unknown MagicDNS name gets reply 04"
else
  bad "loopback reply: $(cat "$T/socks.log")"
fi
if [[ $(stat -c %a "$T/state/tsnode-state") == 600 ]]; then ok "state file 0600"; else bad "state file mode $(stat -c %a "$T/state/tsnode-state")"; fi
if stop_probe first; then ok "tsnode_close returned 0"; else bad "tsnode_close: $(tail -n 5 "$T/err-first")"; fi
if run_probe second; then
  again=$(node_ips c-embed)
  count=$(hs nodes list -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin) or []))')
  if [[ ${again#* } == "${state#* }" && $count == 3 ]]; then ok "same identity after a restart: ${again#* }, 3 nodes"; else bad "identity: '$state' then '$again', $count nodes"; fi
  stop_probe second || bad "second close"
else
  bad "second tsnode_up"
fi
echo "api_tailnet: $pass passed, $fail failed"
((fail == 0))
