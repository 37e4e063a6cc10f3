#!/usr/bin/env bash
# tsproxy's command line: --help, --version, --self-check, and exit status 2 on bad arguments.
# Usage: tsproxy_cli_test.sh PATH_TO_TSPROXY
set -uo pipefail
bin=$1
pass=0 fail=0
check() { # check NAME EXPECTED_RC GREP_PATTERN -- CMD...
  local name=$1 want=$2 pat=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" = "$want" ] && grep -q -- "$pat" <<<"$out"; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name (rc=$rc, want $want, pattern '$pat')"; echo "$out" | sed 's/^/     /'
  fi
}
check "--help prints usage, exit 0" 0 "^USAGE" -- "$bin" --help
check "--version, exit 0" 0 "^tsproxy [0-9]" -- "$bin" --version
check "--self-check passes every check" 0 "all checks passed" -- "$bin" --self-check
check "unknown flag: exit 2, names it" 2 "unknown argument '--nope'" -- "$bin" --nope
check "no arguments: usage on stderr, exit 2" 2 "USAGE" -- "$bin"
check "--wg-config with --control-url: exit 2" 2 "exclude each other" -- \
  "$bin" --wg-config /nonexistent --control-url http://127.0.0.1:9
check "--login-server wants a URL: exit 2" 2 "wants an http:// or https:// URL" -- \
  "$bin" --login-server ftp://example
check "--authkey without a tailnet: exit 2" 2 "need --control-url" -- \
  "$bin" --wg-config /nonexistent --authkey tskey-x
check "--host in tailnet mode: exit 2" 2 "MagicDNS" -- \
  "$bin" --control-url http://127.0.0.1:9 --host a=1.2.3.4
check "--authkey with --authkey-file: exit 2" 2 "exclude each other" -- \
  "$bin" --control-url http://127.0.0.1:9 --authkey k --authkey-file /f
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check "an unreadable --authkey-file: exit 2, names it" 2 "$tmp/missing" -- \
  "$bin" --control-url http://127.0.0.1:9 --authkey-file "$tmp/missing" --state-dir "$tmp/s"
# A corrupt state file is an error naming the file, never a new identity (issue 7).
mkdir -m 700 "$tmp/corrupt"
printf 'format=tsnode-state-1\nmachine_key=privkey:zz\n' >"$tmp/corrupt/tsnode-state"
chmod 600 "$tmp/corrupt/tsnode-state"
check "a corrupt state file: exit 1, names the file" 1 "$tmp/corrupt/tsnode-state" -- \
  timeout 20 "$bin" --control-url http://127.0.0.1:9 --authkey k --state-dir "$tmp/corrupt" \
  --status-socket "$tmp/st.sock"
if grep -q 'machine_key=privkey:zz' "$tmp/corrupt/tsnode-state"; then
  pass=$((pass + 1)); echo "ok   the corrupt state file is left as it was"
else
  fail=$((fail + 1)); echo "FAIL the corrupt state file was replaced"
fi
echo "tsproxy_cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
