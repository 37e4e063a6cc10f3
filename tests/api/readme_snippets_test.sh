#!/usr/bin/env bash
# readme_embedding: every code block of README.md's "Embedding" section that is marked
# <!-- snippet: FILE NAME --> must equal the lines between "README:begin NAME" and "README:end"
# in tools/examples/FILE (a compiled example), minus their common indentation. So the README's
# code compiles as long as the examples do.
# Usage: bash readme_snippets_test.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: $0 REPO_ROOT}
readme=$root/README.md
fail=0
n=0
## dedent: strip the common leading indentation of stdin's lines.
dedent() { python3 -c 'import sys, textwrap; sys.stdout.write(textwrap.dedent(sys.stdin.read()))'; }
while IFS= read -r marker; do
  file=$(sed -E 's/.*snippet: ([^ ]+) ([^ ]+) -->.*/\1/' <<<"$marker")
  name=$(sed -E 's/.*snippet: ([^ ]+) ([^ ]+) -->.*/\2/' <<<"$marker")
  want=$(awk -v m="$marker" '
    $0 == m { on = 1; next }
    on == 1 && /^```/ { on = 2; next }
    on == 2 && /^```/ { exit }
    on == 2 { print }' "$readme")
  got=$(awk -v n="$name" '
    index($0, "README:begin " n) && $0 ~ ("README:begin " n "( |\\*|$)") { on = 1; next }
    on && /README:end/ { exit }
    on { print }' "$root/tools/examples/$file" | dedent)
  n=$((n + 1))
  if [[ -z $got ]]; then
    echo "FAIL $file $name: no README:begin $name ... README:end region"
    fail=1
  elif [[ $want != "$got" ]]; then
    echo "FAIL $file $name: README.md differs from the example:"
    diff <(echo "$want") <(echo "$got") | sed 's/^/    /' || true
    fail=1
  else
    echo "ok   $file $name ($(wc -l <<<"$got") lines)"
  fi
done < <(grep -E '^<!-- snippet: [^ ]+ [^ ]+ -->$' "$readme")
if ((n < 3)); then
  echo "FAIL: README.md has $n marked Embedding snippets, want at least 3"
  exit 1
fi
exit "$fail"
