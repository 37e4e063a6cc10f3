# shellcheck shell=bash
# tests/support/checks.sh: the counted checks of the tailnet script tests (sourced).
#   check NAME CMD...   run CMD with its output in $T/NAME.log, count it in pass/fail (failed
#                       names in the array `failed`), print PASS/FAIL with the duration and the
#                       log's last line, or its last 30 lines on failure. Needs $name and $T.
#   report              print the failed names and the counts on fd 3.

## check NAME CMD...: see above.
check() {
  local n=$1 t0=$SECONDS
  shift
  if "$@" >"$T/$n.log" 2>&1; then
    pass=$((pass + 1))
    printf '%s: PASS %-22s (%d s) %s\n' "$name" "$n" $((SECONDS - t0)) "$(tail -n 1 "$T/$n.log")"
  else
    fail=$((fail + 1))
    failed+=("$n")
    printf '%s: FAIL %-22s (%d s); last lines of %s:\n' "$name" "$n" $((SECONDS - t0)) "$T/$n.log"
    tail -n 30 "$T/$n.log" | sed 's/^/    /'
  fi
}

## report: the failed names and the counts, on fd 3.
report() {
  ((${#failed[@]})) && echo "$name: failed: ${failed[*]}" >&3
  echo "$name: $pass passed, $fail failed" >&3
}
