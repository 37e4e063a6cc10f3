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
echo "tsproxy_cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
