#!/usr/bin/env bash
# ctest `format`: every C/C++ file tsnode owns is formatted by .clang-format (style.md §5.20).
# Usage: check_format.sh CLANG_FORMAT SOURCE_DIR
set -euo pipefail
cf=$1
cd "$2"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard \
    '*.cpp' '*.hpp' '*.h' '*.c' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
else
  mapfile -t files < <(find . -path ./build -prune -o -path ./third_party -prune -o \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.c' \) -print)
fi
echo "checking ${#files[@]} files with $("$cf" --version)"
if ! "$cf" --dry-run -Werror "${files[@]}"; then
  echo "format: run '$cf -i' on the files above (or: tools/format)" >&2
  exit 1
fi
echo "format: clean"
