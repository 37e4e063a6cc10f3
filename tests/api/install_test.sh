#!/usr/bin/env bash
# api_install: the installable package, end to end (issue 8, "Tests").
#   1. cmake --install the build tree into a temporary prefix: static libraries, headers,
#      tsnodeConfig.cmake and tsnode.pc;
#   2. build tools/examples (copied out of the repository, so only the prefix is visible) with
#      CMake find_package(tsnode), and embed_c.c / embed_sync.cpp with
#      cc/c++ $(pkg-config --cflags --libs tsnode);
#   3. against a wireguard-go peer in a network namespace (tests/support/wgpeer.sh), each
#      program fetches a 1 MiB file from the peer's web server through the overlay (embed_c
#      through tsnode_dial), sha256 checked; curl fetches it again through the loopback proxy
#      address and credential the program printed (tsnode_loopback); end of input stops the
#      program, which exits 0.
# Nothing is left afterwards (prefix, builds, netns, processes).
# Usage (root): bash install_test.sh BUILD_DIR SOURCE_DIR ["EXTRA COMPILER FLAGS"]
set -euo pipefail

name=api_install
if [[ -z ${API_INSTALL_DEADLINE:-} ]]; then
  # SIGTERM to the whole test at the deadline (so the traps tear down), SIGKILL 15 s later.
  export API_INSTALL_DEADLINE=390
  exec timeout -k 15 "$API_INSTALL_DEADLINE" bash "$0" "$@"
fi
build=$(readlink -f "${1:?usage: $0 BUILD_DIR SOURCE_DIR [FLAGS]}")
src=$(readlink -f "${2:?usage: $0 BUILD_DIR SOURCE_DIR [FLAGS]}")
flags=${3:-}
support=$src/tests/support
T=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
pass=0
fail=0
failed=()
PIDS=()
exec 3>&1

on_exit() {
  local st=$1 p
  set +e
  for p in "${PIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null && sleep 0.2 && kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if ((${#failed[@]})); then echo "$name: failed: ${failed[*]}" >&3; fi
  echo "$name: $pass passed, $fail failed" >&3
  if ((st != 0 || fail != 0)) || [[ ${API_INSTALL_KEEP:-0} == 1 ]]; then
    echo "$name: exit status $st; logs in $T" >&3
  else
    rm -rf "$T"
  fi
}
trap 'on_exit $?' EXIT

## check NAME CMD...: run CMD with its output in $T/NAME.log; PASS/FAIL with the duration.
check() {
  local n=$1 t0 ms
  shift
  t0=${EPOCHREALTIME/./}
  if "$@" >"$T/$n.log" 2>&1; then
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    pass=$((pass + 1))
    printf '%s: PASS %-26s (%d.%02d s) %s\n' "$name" "$n" $((ms / 1000)) $((ms % 1000 / 10)) \
      "$(tail -n 1 "$T/$n.log")"
  else
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    fail=$((fail + 1))
    failed+=("$n")
    printf '%s: FAIL %-26s (%d.%02d s); last lines of %s:\n' "$name" "$n" $((ms / 1000)) \
      $((ms % 1000 / 10)) "$T/$n.log"
    tail -n 25 "$T/$n.log" | sed 's/^/    /'
  fi
}

prefix=$T/prefix
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig

## install: cmake --install into the prefix; the package's files are there.
install_package() {
  cmake --install "$build" --prefix "$prefix"
  local f
  for f in include/tsnode.h include/tsnode/api/sync_node.hpp include/tsnode/actors/node.hpp \
    include/tsnode/api/tsnode.hpp include/tsnode/messages/netstack_actor.hpp \
    include/tsnode/messages/resolver_actor.hpp include/tsnode/messages/peer_tracker_actor.hpp \
    lib/libtsnode_api.a lib/libtsnode_actors.a lib/libtsnode_lwip.a \
    lib/cmake/tsnode/tsnodeConfig.cmake lib/cmake/tsnode/tsnodeConfigVersion.cmake \
    lib/pkgconfig/tsnode.pc; do
    [[ -f $prefix/$f ]] || {
      echo "missing $prefix/$f"
      return 1
    }
  done
  pkg-config --modversion tsnode
  echo "installed $(find "$prefix" -type f | wc -l) files, $(du -sh "$prefix" | cut -f1)"
}

## build_cmake: tools/examples, copied out of the tree, against find_package(tsnode).
build_cmake() {
  mkdir -p "$T/src"
  cp -r "$src/tools/examples" "$T/src/examples"
  cmake -S "$T/src/examples" -B "$T/build-cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags"
  cmake --build "$T/build-cmake" -j2
  ls -l "$T/build-cmake"/embed_actor "$T/build-cmake"/embed_sync "$T/build-cmake"/embed_c
}

## build_pkgconfig: the C program and the sync example with pkg-config alone.
build_pkgconfig() {
  mkdir -p "$T/build-pc"
  echo "cflags: $(pkg-config --cflags tsnode)"
  echo "libs: $(pkg-config --libs tsnode)"
  # shellcheck disable=SC2046,SC2086
  cc -std=c11 -Wall -Werror $flags -o "$T/build-pc/embed_c" "$T/src/examples/embed_c.c" \
    $(pkg-config --cflags --libs tsnode)
  # shellcheck disable=SC2046,SC2086
  c++ -std=c++20 -Wall $flags -o "$T/build-pc/embed_sync" "$T/src/examples/embed_sync.cpp" \
    $(pkg-config --cflags --libs tsnode)
  ls -l "$T/build-pc"
}

## body FILE: the body of the HTTP reply in FILE (after the first blank line).
body() { python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); i=d.find(b"\r\n\r\n"); sys.stdout.buffer.write(d[i+4:] if i>=0 else b"")' "$1"; }

## run_example TAG BINARY: fetch through the overlay, then curl through its loopback proxy.
run_example() {
  local tag=$1 bin=$2 out=$T/$1.out err=$T/$1.err fifo=$T/$1.in pid i line url sum st=0
  mkfifo "$fifo"
  "$bin" "$T/client.conf" "web:$WGPEER_HTTP_PORT" "/$WGPEER_HTTP_FILE" \
    "web=$WGPEER_TUN_IP4" <"$fifo" >"$out" 2>"$err" &
  pid=$!
  PIDS+=("$pid")
  exec 4>"$fifo" # holds its input open until we are done
  for ((i = 0; i < 600; i++)); do
    grep -q '^ALL_PROXY=' "$err" 2>/dev/null && break
    [[ -d /proc/$pid ]] || break
    sleep 0.05
  done
  line=$(grep '^ALL_PROXY=' "$err" || true)
  if [[ -z $line ]]; then
    echo "$tag printed no ALL_PROXY line within 30 s:"
    cat "$err"
    exec 4>&-
    return 1
  fi
  head -n 1 "$out"
  grep -q '^HTTP/1.[01] 200' "$out" || {
    echo "$tag: no 200 reply"
    exec 4>&-
    return 1
  }
  sum=$(body "$out" | sha256sum | cut -d' ' -f1)
  if [[ $sum != "$WGPEER_HTTP_SHA256" ]]; then
    echo "$tag: fetched body sha256 $sum, want $WGPEER_HTTP_SHA256 ($(body "$out" | wc -c) bytes)"
    exec 4>&-
    return 1
  fi
  echo "$tag: fetched $(body "$out" | wc -c) bytes through the overlay, sha256 ok"
  grep -v '^ALL_PROXY=' "$err" || true
  url=${line#ALL_PROXY=}
  sum=$(timeout --foreground 30 curl -sS --fail -x "$url" "http://web:$WGPEER_HTTP_PORT/$WGPEER_HTTP_FILE" \
    | sha256sum | cut -d' ' -f1)
  if [[ $sum != "$WGPEER_HTTP_SHA256" ]]; then
    echo "$tag: curl through $url: sha256 $sum"
    exec 4>&-
    return 1
  fi
  echo "$tag: curl -x ${url%%:*}://tsnet:<credential>@${url##*@} fetched it too, sha256 ok"
  # a wrong credential is refused
  if timeout --foreground 10 curl -sS --fail -x "socks5h://tsnet:wrong@${url##*@}" \
    "http://web:$WGPEER_HTTP_PORT/$WGPEER_HTTP_FILE" -o /dev/null 2>"$T/$tag.curl-bad"; then
    echo "$tag: a wrong credential was accepted"
    exec 4>&-
    return 1
  fi
  exec 4>&- # end of input: the program stops and exits
  for ((i = 0; i < 200; i++)); do
    [[ -d /proc/$pid ]] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || break
    sleep 0.05
  done
  wait "$pid" || st=$?
  if ((st != 0)); then
    echo "$tag exited with status $st after end of input"
    return 1
  fi
  echo "$tag stopped at end of input, exit 0"
}

## leftovers: nothing of the run remains.
leftovers() {
  local p left=""
  for p in "${PIDS[@]}"; do
    [[ ! -d /proc/$p ]] || left+=" process $p"
  done
  left+=$(wgpeer_leftovers "$WGPEER_SUFFIX")
  if [[ -n $left ]]; then
    echo "left behind: $left"
    return 1
  fi
  echo "no example process, netns, veth or wireguard-go left"
}

check install install_package
check build_cmake build_cmake
check build_pkgconfig build_pkgconfig
((fail == 0)) || exit 1

# shellcheck source=../support/wgpeer.sh
source "$support/wgpeer.sh"
wgpeer_up --log-level error >"$T/wgpeer.log" 2>&1 || {
  cat "$T/wgpeer.log"
  exit 1
}
wgpeer_client_config "$T/client.conf"

check c_pkgconfig run_example c_pkgconfig "$T/build-pc/embed_c"
check c_cmake run_example c_cmake "$T/build-cmake/embed_c"
check sync_pkgconfig run_example sync_pkgconfig "$T/build-pc/embed_sync"
check actor_cmake run_example actor_cmake "$T/build-cmake/embed_actor"
wgpeer_down
check clean leftovers
((fail == 0))
