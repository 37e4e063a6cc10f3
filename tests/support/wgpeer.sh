# shellcheck shell=bash
# tests/support/wgpeer.sh: a real WireGuard peer for integration tests (dependencies.md §6).
#
# A wireguard-go peer runs in a fresh network namespace, reached from the root namespace over a
# veth pair, with a Python HTTP server (and optionally a TCP echo and a sink/source) on its tunnel
# addresses. Our node, running in the root namespace with its own userspace WireGuard, is the
# "client"; a second wireguard-go can play that client too (wgclient_up: the Go reference path).
#
# Source it, then:
#   wgpeer_up [options]       stand up the peer (see wgpeer_usage); installs an EXIT trap
#   wgpeer_client_config F    write a wg-quick file for the client side (tsproxy --wg-config F)
#   wgclient_up [options]     Go verification client: wireguard-go in the root netns, TUN moved
#                             into its own netns; run tools there with wgclient_exec
#   wgpeer_restart            kill -9 the peer's wireguard-go and start it again, same config
#   wgpeer_down [status]      tear everything down (idempotent; the trap calls it)
#   also: wgpeer_exec CMD (in the peer netns), wgpeer_add_client KEY IPS [PSKFILE] [KEEPALIVE],
#   wgpeer_wait_handshake IF [S], wgpeer_handshake_age IF, wgclient_down, wgpeer_env (KEY=VALUE
#   lines), wgpeer_leftovers SUFFIX (empty = clean), wgpeer_reap_stale, wgpeer_install_trap.
# Variables (exported, so child processes see them): WGPEER_SUFFIX, _DIR, _NS, _IF, _SOCK, _PID,
#   _PORT, _ENDPOINT (veth ip:port), _ENDPOINT6, _PUBKEY, _PRIVKEY_FILE, _TUN_IP4/_IP6,
#   _TUN_CIDR4/6, _TUN_NET4/6, _MTU, _CLIENT_IP4/_IP6, _CLIENT_PUBKEY, _CLIENT_PRIVKEY_FILE,
#   _CLIENT_ALLOWED_IPS, _PSK_FILE, _KEEPALIVE, _VETH_ROOT/_PEER(_IP4/_IP6), _HTTP_PORT, _HTTP_DIR,
#   _HTTP_FILE, _HTTP_PATH, _HTTP_SIZE, _HTTP_SHA256, _HTTP_URL, _HTTP_URL6, _ECHO_PORT,
#   _SINK_PORT, _SOURCE_PORT, _SOURCE_BYTES; after wgclient_up WGCLIENT_NS, _IF, _SOCK, _PID,
#   _CONF, _ENDPOINT, _LISTEN_PORT, _TUN_IP4/_IP6.
# Or run it as a script:  bash wgpeer.sh run [wgpeer_up options] [--with-client] -- CMD ARGS...
# brings the peer up, writes $WGPEER_CLIENT_CONF, runs CMD with every WGPEER_* variable in its
# environment, tears down and exits with CMD's status. `bash wgpeer.sh help` lists the rest.
#
# Cleanup: wgpeer_up installs `trap 'wgpeer__on_exit $?' EXIT` (chaining an EXIT trap the caller
# set before, at top level only: in a subshell bash still lists the parent's inactive traps) plus
# INT/TERM/HUP traps that turn signals into an exit, unless --no-trap is given; then the caller
# must `trap wgpeer_down EXIT` itself. A trap set by the caller *after* wgpeer_up replaces ours:
# call `wgpeer_down $?` from it. A run whose owner died without cleaning up (SIGKILL) is
# removed by wgpeer_reap_stale, which wgpeer_up calls first. Every name carries the run suffix:
#   netns wgpeer-S and wgcli-S, veth vrS (root) / vpS (peer), interfaces wgpS / wgcS, UAPI sockets
#   /var/run/wireguard/wgpS.sock and wgcS.sock, state file /run/tsnode-wgpeer/S.state.
# Addresses: veth 10.201.X.Y/30 (+ fd00:201:0:I::/64), tunnel 10.99.N.0/24 + fd00:99:N::/64, with
# X, Y, I, N derived from the suffix and checked for collisions under a lock.
#
# Requires root, wireguard-go, wg, iproute2, python3, flock (tools/setup installs them).

WGPEER_LIB=${BASH_SOURCE[0]}
WGPEER_STATE_ROOT=${WGPEER_STATE_ROOT:-/run/tsnode-wgpeer}
WGPEER_UAPI_DIR=/var/run/wireguard

# --------------------------------------------------------------------------------------------
# small helpers

## wgpeer__log MSG...: a progress line on stderr.
wgpeer__log() { printf 'wgpeer: %s\n' "$*" >&2; }

## wgpeer__die MSG...: report an error and return 1 (callers `|| return 1`).
wgpeer__die() {
  printf 'wgpeer: error: %s\n' "$*" >&2
  return 1
}

## wgpeer__wait_for TRIES DELAY CMD...: run CMD until it succeeds, at most TRIES times.
wgpeer__wait_for() {
  local tries=$1 delay=$2 i
  shift 2
  for ((i = 0; i < tries; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep "$delay"
  done
  return 1
}

## wgpeer__starttime PID: the process start time (clock ticks since boot), empty if gone.
wgpeer__starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) } # fields after "(comm) "; starttime is field 22 overall, 20 here
  set -- $stat
  echo "${20:-}"
}

## wgpeer__cmdline PID: the command line of PID with spaces for NULs, empty if gone.
wgpeer__cmdline() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" || true; }

## wgpeer__state_set KEY VALUE: record KEY=VALUE in this run's state file (last one wins).
wgpeer__state_set() {
  local f=$WGPEER_STATE_ROOT/$WGPEER_SUFFIX.state
  [[ -f $f ]] || return 0
  grep -v "^$1=" "$f" >"$f.tmp" 2>/dev/null || true
  printf '%s=%s\n' "$1" "$2" >>"$f.tmp"
  mv -f "$f.tmp" "$f"
}

## wgpeer__state_get SUFFIX KEY: print KEY's value from SUFFIX's state file.
wgpeer__state_get() {
  sed -n "s/^$2=//p" "$WGPEER_STATE_ROOT/$1.state" 2>/dev/null | tail -n 1
}

## wgpeer__kill_pids PID...: SIGTERM, wait up to 3 s, then SIGKILL, wait up to 2 s; reap children.
wgpeer__kill_pids() {
  local p i alive
  [[ $# -gt 0 ]] || return 0
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do
    alive=0
    for p in "$@"; do
      # a zombie child counts as gone; `wait` below reaps it
      if [[ -d /proc/$p ]] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
        alive=1
        ((i == 60)) && kill -KILL "$p" 2>/dev/null
      fi
    done
    ((alive)) || break
    sleep 0.05
  done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

## wgpeer__wait_sock IFNAME: wait (max 5 s) until wireguard-go's UAPI socket answers.
wgpeer__wait_sock() {
  wgpeer__wait_for 100 0.05 wg show "$1" public-key
}

# --------------------------------------------------------------------------------------------
# the service that runs on the peer's tunnel addresses

## wgpeer__write_service FILE: write the Python service (http | echo | sink | source).
wgpeer__write_service() {
  cat >"$1" <<'PY'
"""wgpeer service: tiny TCP servers bound to given addresses (tests/support/wgpeer.sh).

usage: wgpeer_svc.py TAG MODE PORT ADDR[,ADDR...] [ARG]
  http   ARG = directory to serve (threaded http.server)
  echo   echo every byte back
  sink   read and discard until EOF, then reply "<bytes received>\n" and close
  source send ARG bytes (0 = until the client closes) of a fixed pattern, then close
"""
import functools, http.server, signal, socket, socketserver, sys, threading

tag, mode, port, addrs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
arg = sys.argv[5] if len(sys.argv) > 5 else ""
CHUNK = 256 * 1024


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(CHUNK)
            if not data:
                return
            self.request.sendall(data)


class Sink(socketserver.BaseRequestHandler):
    def handle(self):
        total = 0
        while True:
            data = self.request.recv(CHUNK)
            if not data:
                break
            total += len(data)
        self.request.sendall(b"%d\n" % total)


class Source(socketserver.BaseRequestHandler):
    def handle(self):
        left = int(arg or "0")
        block = bytes(range(256)) * (CHUNK // 256)
        try:
            while True:
                n = CHUNK if left == 0 else min(CHUNK, left)
                self.request.sendall(block[:n])
                if left:
                    left -= n
                    if left == 0:
                        return
        except OSError:
            return


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def server_for(addr):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if mode == "http":
        base, handler = http.server.ThreadingHTTPServer, functools.partial(Quiet, directory=arg)
    else:
        base = socketserver.ThreadingTCPServer
        handler = {"echo": Echo, "sink": Sink, "source": Source}[mode]
    def server_bind(self):  # no reverse-DNS lookup of the address (HTTPServer does one)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = addr, port

    cls = type("Server", (base,), {"address_family": family, "allow_reuse_address": True,
                                   "daemon_threads": True, "request_queue_size": 512,
                                   "server_bind": server_bind})
    return cls((addr, port), handler)


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
servers = [server_for(a) for a in addrs if a]
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("%s: %s listening on port %d at %s" % (tag, mode, port, ",".join(addrs)), flush=True)
threading.Event().wait()
PY
}

## wgpeer__start_service MODE PORT [ARG]: start one service in the peer netns, wait until listening.
wgpeer__start_service() {
  local mode=$1 port=$2 arg=${3:-} addrs=$WGPEER_TUN_IP4 want=1 pid
  if [[ -n $WGPEER_TUN_IP6 ]]; then
    addrs+=",$WGPEER_TUN_IP6"
    want=2
  fi
  ip netns exec "$WGPEER_NS" python3 "$WGPEER_DIR/wgpeer_svc.py" "wgpeer-$WGPEER_SUFFIX" \
    "$mode" "$port" "$addrs" ${arg:+"$arg"} </dev/null >"$WGPEER_DIR/svc-$mode.log" 2>&1 &
  pid=$!
  WGPEER__SVC_PIDS+=("$pid")
  wgpeer__wait_for 200 0.05 wgpeer__listening "$port" "$want" \
    || wgpeer__die "$mode service on port $port did not start (see $WGPEER_DIR/svc-$mode.log)"
}

## wgpeer__listening PORT COUNT: true once COUNT TCP listeners on PORT exist in the peer netns.
wgpeer__listening() {
  local n
  n=$(ip netns exec "$WGPEER_NS" ss -Hltn "sport = :$1" 2>/dev/null | wc -l)
  ((n >= $2))
}

# --------------------------------------------------------------------------------------------
# the peer

## wgpeer_usage: print wgpeer_up's options.
wgpeer_usage() {
  cat <<'EOF'
wgpeer_up [options]
  --suffix S              run suffix, [a-z0-9]{1,10} (default: 6 random hex digits)
  --dir DIR               where keys, configs and logs go (default: a fresh mktemp dir, removed
                          by wgpeer_down unless the run failed or WGPEER_KEEP_LOGS=1)
  --port P                the peer's WireGuard UDP listen port (default 51820)
  --tun4 CIDR             peer tunnel IPv4 (default 10.99.N.2/24)
  --tun6 CIDR|none        peer tunnel IPv6 (default fd00:99:N::2/64)
  --client-ip4 IP         client tunnel IPv4 (default 10.99.N.1)
  --client-ip6 IP         client tunnel IPv6 (default fd00:99:N::1)
  --mtu M                 tunnel MTU (default 1420)
  --client-pubkey KEY     the client's public key (default: generate a client key pair and
                          export WGPEER_CLIENT_PRIVKEY_FILE)
  --client-allowed-ips L  what the peer routes to the client (default client-ip4/32,client-ip6/128)
  --psk                   generate a preshared key (WGPEER_PSK_FILE), used on both sides
  --psk-file F            use this preshared key file
  --keepalive N           client-side PersistentKeepalive (config file and wgclient_up)
  --peer-keepalive N      the peer's persistent keepalive toward the client
  --http-port P           HTTP port on the tunnel addresses (default 8080)
  --http-size SIZE        size of the generated file blob.bin (head -c syntax; default 1M)
  --echo                  also start a TCP echo server (--echo-port, default 7007)
  --sink                  also start a TCP sink (--sink-port, default 9000) and source
                          (--source-port, default 9001; --source-bytes N, default 0 = endless)
  --log-level L           wireguard-go LOG_LEVEL: verbose (default), error, silent
  --no-trap               do not install the EXIT/INT/TERM/HUP traps
EOF
}

## wgpeer__reset_vars: clear every WGPEER_* / WGCLIENT_* variable of a previous run (or one
## inherited from a parent process) in this shell.
wgpeer__reset_vars() {
  local v
  for v in $(compgen -v WGCLIENT_); do unset "$v"; done
  for v in $(compgen -v WGPEER_); do
    case $v in
      WGPEER_LIB | WGPEER_STATE_ROOT | WGPEER_UAPI_DIR | WGPEER_KEEP_LOGS | WGPEER_NO_REAP) ;;
      WGPEER__TRAP_PID | WGPEER__PREV_EXIT_TRAP) ;; # this shell's trap bookkeeping
      *) unset "$v" ;;
    esac
  done
  WGPEER__SVC_PIDS=()
}

## wgpeer__allocate: pick a free veth /30 and tunnel subnet for the suffix (under the lock).
wgpeer__allocate() {
  local h i o3 o4 tries
  h=$(printf '%s' "$WGPEER_SUFFIX" | cksum | cut -d' ' -f1)
  for ((tries = 0; tries < 16384; tries++)); do
    i=$(((h + tries) % 16384))
    o3=$((i >> 6))
    o4=$(((i & 63) * 4))
    # skip a /30 any root-netns interface already uses (another run, or the host)
    if [[ -z $(ip -4 -o addr show to "10.201.$o3.$o4/30" 2>/dev/null) ]] \
      && ! ip -4 route show "10.201.$o3.$o4/30" 2>/dev/null | grep -q .; then
      WGPEER__INDEX=$i
      WGPEER_VETH_ROOT_IP4=10.201.$o3.$((o4 + 1))
      WGPEER_VETH_PEER_IP4=10.201.$o3.$((o4 + 2))
      WGPEER_VETH_ROOT_IP6=fd00:201:0:$(printf '%x' "$i")::1
      WGPEER_VETH_PEER_IP6=fd00:201:0:$(printf '%x' "$i")::2
      WGPEER__NET=$((i % 250 + 1))
      return 0
    fi
  done
  wgpeer__die "no free 10.201.0.0/16 /30 left"
}

## wgpeer__write_peer_conf: write $WGPEER_DIR/peer.wg, the peer's `wg setconf` file.
wgpeer__write_peer_conf() {
  {
    printf '[Interface]\nPrivateKey = %s\nListenPort = %s\n' \
      "$(cat "$WGPEER_PRIVKEY_FILE")" "$WGPEER_PORT"
    wgpeer__peer_section "$WGPEER_CLIENT_PUBKEY" "$WGPEER_CLIENT_ALLOWED_IPS" \
      "${WGPEER_PSK_FILE:-}" "${WGPEER_PEER_KEEPALIVE:-}"
  } >"$WGPEER_DIR/peer.wg"
}

## wgpeer__peer_section PUBKEY ALLOWED [PSKFILE] [KEEPALIVE]: one [Peer] section of peer.wg.
wgpeer__peer_section() {
  printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = %s\n' "$1" "$2"
  [[ -z ${3:-} ]] || printf 'PresharedKey = %s\n' "$(cat "$3")"
  [[ -z ${4:-} ]] || printf 'PersistentKeepalive = %s\n' "$4"
}

## wgpeer__start_wg: start the peer's wireguard-go in its netns and configure its interface.
wgpeer__start_wg() {
  rm -f "$WGPEER_SOCK"
  LOG_LEVEL=$WGPEER_LOG_LEVEL ip netns exec "$WGPEER_NS" wireguard-go -f "$WGPEER_IF" \
    </dev/null >>"$WGPEER_DIR/wg-peer.log" 2>&1 &
  WGPEER_PID=$!
  wgpeer__state_set peer_pid "$WGPEER_PID"
  wgpeer__wait_sock "$WGPEER_IF" || wgpeer__die "wireguard-go $WGPEER_IF did not start" || return 1
  wg setconf "$WGPEER_IF" "$WGPEER_DIR/peer.wg" || return 1
  ip -n "$WGPEER_NS" addr add "$WGPEER_TUN_CIDR4" dev "$WGPEER_IF" || return 1
  if [[ -n $WGPEER_TUN_IP6 ]]; then
    ip -n "$WGPEER_NS" addr add "$WGPEER_TUN_CIDR6" dev "$WGPEER_IF" nodad || return 1
  fi
  ip -n "$WGPEER_NS" link set "$WGPEER_IF" mtu "$WGPEER_MTU" up
}

## wgpeer_up [options]: stand up the peer netns, veth, wireguard-go and services; export WGPEER_*.
wgpeer_up() {
  local suffix="" dir="" port=51820 tun4="" tun6="" cip4="" cip6="" mtu=1420 cpub="" callowed=""
  local psk=0 pskfile="" keepalive="" peer_keepalive="" http_port=8080 http_size=1M
  local echo=0 echo_port=7007 sink=0 sink_port=9000 source_port=9001 source_bytes=0
  local log_level=verbose trap=1 lockfd n owner
  while [[ $# -gt 0 ]]; do
    case $1 in
      --suffix) suffix=$2 && shift ;;
      --dir) dir=$2 && shift ;;
      --port) port=$2 && shift ;;
      --tun4) tun4=$2 && shift ;;
      --tun6) tun6=$2 && shift ;;
      --client-ip4) cip4=$2 && shift ;;
      --client-ip6) cip6=$2 && shift ;;
      --mtu) mtu=$2 && shift ;;
      --client-pubkey) cpub=$2 && shift ;;
      --client-allowed-ips) callowed=$2 && shift ;;
      --psk) psk=1 ;;
      --psk-file) pskfile=$2 && shift ;;
      --keepalive) keepalive=$2 && shift ;;
      --peer-keepalive) peer_keepalive=$2 && shift ;;
      --http-port) http_port=$2 && shift ;;
      --http-size) http_size=$2 && shift ;;
      --echo) echo=1 ;;
      --echo-port) echo_port=$2 && shift ;;
      --sink) sink=1 ;;
      --sink-port) sink_port=$2 && shift ;;
      --source-port) source_port=$2 && shift ;;
      --source-bytes) source_bytes=$2 && shift ;;
      --log-level) log_level=$2 && shift ;;
      --no-trap) trap=0 ;;
      -h | --help) wgpeer_usage && return 0 ;;
      *) wgpeer__die "wgpeer_up: unknown option '$1'" || return 2 ;;
    esac
    shift
  done
  if [[ -n ${WGPEER_SUFFIX:-} && -f $WGPEER_STATE_ROOT/${WGPEER_SUFFIX}.state
    && $(wgpeer__state_get "$WGPEER_SUFFIX" owner) == "$BASHPID "* ]]; then
    wgpeer__die "wgpeer_up: run $WGPEER_SUFFIX is still up in this shell (wgpeer_down first)"
    return 1
  fi
  [[ $EUID -eq 0 ]] || wgpeer__die "wgpeer_up must run as root" || return 1
  local tool
  for tool in wireguard-go wg ip python3 flock ss; do
    command -v "$tool" >/dev/null || wgpeer__die "$tool not found (run: bash tools/setup --no-build)" \
      || return 1
  done
  wgpeer__reset_vars
  [[ ${WGPEER_NO_REAP:-0} == 1 ]] || wgpeer_reap_stale
  if [[ -z $suffix ]]; then
    suffix=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
  fi
  [[ $suffix =~ ^[a-z0-9]{1,10}$ ]] || wgpeer__die "bad suffix '$suffix' ([a-z0-9]{1,10})" || return 1

  export WGPEER_SUFFIX=$suffix
  export WGPEER_NS=wgpeer-$suffix WGPEER_IF=wgp$suffix
  export WGPEER_VETH_ROOT=vr$suffix WGPEER_VETH_PEER=vp$suffix
  export WGPEER_SOCK=$WGPEER_UAPI_DIR/wgp$suffix.sock
  export WGPEER_PORT=$port WGPEER_MTU=$mtu WGPEER_LOG_LEVEL=$log_level
  if [[ -n $dir ]]; then
    mkdir -p "$dir"
    WGPEER__OWN_DIR=0
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/wgpeer.$suffix.XXXXXX")
    WGPEER__OWN_DIR=1
  fi
  export WGPEER_DIR=$dir

  # Claim the suffix and the addresses atomically: parallel runs serialise on the lock.
  mkdir -p "$WGPEER_STATE_ROOT"
  exec {lockfd}>"$WGPEER_STATE_ROOT/lock"
  if ! flock -w 20 "$lockfd"; then
    exec {lockfd}>&-
    wgpeer__die "could not take $WGPEER_STATE_ROOT/lock" || return 1
  fi
  if [[ -e $WGPEER_STATE_ROOT/$suffix.state || -e /run/netns/$WGPEER_NS ]] \
    || ip link show "$WGPEER_VETH_ROOT" >/dev/null 2>&1; then
    exec {lockfd}>&-
    wgpeer__die "suffix $suffix is in use by another run" || return 1
  fi
  owner=$BASHPID
  printf 'owner=%s %s\ndir=%s\nown_dir=%s\n' "$owner" "$(wgpeer__starttime "$owner")" \
    "$dir" "$WGPEER__OWN_DIR" >"$WGPEER_STATE_ROOT/$suffix.state"
  if ((trap)); then wgpeer_install_trap; fi
  if ! wgpeer__allocate || ! wgpeer__make_netns; then
    exec {lockfd}>&-
    return 1
  fi
  exec {lockfd}>&-

  n=$WGPEER__NET
  tun4=${tun4:-10.99.$n.2/24}
  [[ -n $tun6 ]] || tun6=fd00:99:$n::2/64
  [[ $tun6 != none ]] || tun6=""
  export WGPEER_TUN_CIDR4=$tun4 WGPEER_TUN_IP4=${tun4%/*}
  export WGPEER_TUN_NET4
  WGPEER_TUN_NET4=$(python3 -c 'import ipaddress,sys; print(ipaddress.ip_interface(sys.argv[1]).network)' "$tun4")
  export WGPEER_TUN_CIDR6=$tun6 WGPEER_TUN_IP6=${tun6%/*} WGPEER_TUN_NET6=""
  if [[ -n $tun6 ]]; then
    WGPEER_TUN_NET6=$(python3 -c 'import ipaddress,sys; print(ipaddress.ip_interface(sys.argv[1]).network)' "$tun6")
  fi
  export WGPEER_CLIENT_IP4=${cip4:-${WGPEER_TUN_NET4%.*/*}.1}
  export WGPEER_CLIENT_IP6=""
  if [[ -n $tun6 ]]; then WGPEER_CLIENT_IP6=${cip6:-${WGPEER_TUN_NET6%::/*}::1}; fi
  if [[ -z $callowed ]]; then
    callowed=$WGPEER_CLIENT_IP4/32
    [[ -z $WGPEER_CLIENT_IP6 ]] || callowed+=", $WGPEER_CLIENT_IP6/128"
  fi
  export WGPEER_CLIENT_ALLOWED_IPS=${callowed//,/, }
  WGPEER_CLIENT_ALLOWED_IPS=${WGPEER_CLIENT_ALLOWED_IPS//,  /, }
  export WGPEER_ENDPOINT=$WGPEER_VETH_PEER_IP4:$port
  export WGPEER_ENDPOINT6=[$WGPEER_VETH_PEER_IP6]:$port
  export WGPEER_VETH_ROOT_IP4 WGPEER_VETH_PEER_IP4 WGPEER_VETH_ROOT_IP6 WGPEER_VETH_PEER_IP6
  export WGPEER_KEEPALIVE=$keepalive WGPEER_PEER_KEEPALIVE=$peer_keepalive

  # keys (0600: umask in a subshell)
  export WGPEER_PRIVKEY_FILE=$dir/peer.key WGPEER_PUBKEY
  (umask 077 && wg genkey >"$WGPEER_PRIVKEY_FILE") || return 1
  WGPEER_PUBKEY=$(wg pubkey <"$WGPEER_PRIVKEY_FILE")
  export WGPEER_CLIENT_PRIVKEY_FILE="" WGPEER_CLIENT_PUBKEY=$cpub
  if [[ -z $cpub ]]; then
    WGPEER_CLIENT_PRIVKEY_FILE=$dir/client.key
    (umask 077 && wg genkey >"$WGPEER_CLIENT_PRIVKEY_FILE") || return 1
    WGPEER_CLIENT_PUBKEY=$(wg pubkey <"$WGPEER_CLIENT_PRIVKEY_FILE")
  fi
  export WGPEER_PSK_FILE=$pskfile
  if ((psk)) && [[ -z $pskfile ]]; then
    WGPEER_PSK_FILE=$dir/psk.key
    (umask 077 && wg genpsk >"$WGPEER_PSK_FILE") || return 1
  fi

  (umask 077 && wgpeer__write_peer_conf) || return 1
  wgpeer__start_wg || return 1

  # services on the tunnel addresses
  export WGPEER_HTTP_PORT=$http_port WGPEER_HTTP_DIR=$dir/www WGPEER_HTTP_FILE=blob.bin
  export WGPEER_HTTP_PATH=$dir/www/blob.bin WGPEER_HTTP_SIZE WGPEER_HTTP_SHA256
  mkdir -p "$WGPEER_HTTP_DIR"
  echo "hello through wireguard" >"$WGPEER_HTTP_DIR/hello.txt"
  head -c "$http_size" /dev/urandom >"$WGPEER_HTTP_PATH" || return 1
  WGPEER_HTTP_SIZE=$(stat -c %s "$WGPEER_HTTP_PATH")
  WGPEER_HTTP_SHA256=$(sha256sum "$WGPEER_HTTP_PATH" | cut -d' ' -f1)
  echo "$WGPEER_HTTP_SHA256  $WGPEER_HTTP_FILE" >"$WGPEER_HTTP_PATH.sha256"
  export WGPEER_HTTP_URL=http://$WGPEER_TUN_IP4:$http_port/$WGPEER_HTTP_FILE WGPEER_HTTP_URL6=""
  [[ -z $WGPEER_TUN_IP6 ]] || WGPEER_HTTP_URL6=http://[$WGPEER_TUN_IP6]:$http_port/$WGPEER_HTTP_FILE
  wgpeer__write_service "$dir/wgpeer_svc.py"
  wgpeer__start_service http "$http_port" "$WGPEER_HTTP_DIR" || return 1
  export WGPEER_ECHO_PORT="" WGPEER_SINK_PORT="" WGPEER_SOURCE_PORT="" WGPEER_SOURCE_BYTES=""
  if ((echo)); then
    WGPEER_ECHO_PORT=$echo_port
    wgpeer__start_service echo "$echo_port" || return 1
  fi
  if ((sink)); then
    WGPEER_SINK_PORT=$sink_port WGPEER_SOURCE_PORT=$source_port WGPEER_SOURCE_BYTES=$source_bytes
    wgpeer__start_service sink "$sink_port" || return 1
    wgpeer__start_service source "$source_port" "$source_bytes" || return 1
  fi
  wgpeer__log "peer $WGPEER_IF up in $WGPEER_NS at $WGPEER_ENDPOINT, tunnel $WGPEER_TUN_IP4" \
    "${WGPEER_TUN_IP6:+$WGPEER_TUN_IP6 }(logs: $dir)"
}

## wgpeer__make_netns: create the peer netns and the veth pair with its addresses.
wgpeer__make_netns() {
  ip netns add "$WGPEER_NS" || return 1
  ip -n "$WGPEER_NS" link set lo up || return 1
  ip link add "$WGPEER_VETH_ROOT" type veth peer name "$WGPEER_VETH_PEER" netns "$WGPEER_NS" \
    || return 1
  ip addr add "$WGPEER_VETH_ROOT_IP4/30" dev "$WGPEER_VETH_ROOT" || return 1
  ip addr add "$WGPEER_VETH_ROOT_IP6/64" dev "$WGPEER_VETH_ROOT" nodad || return 1
  ip link set "$WGPEER_VETH_ROOT" up || return 1
  ip -n "$WGPEER_NS" addr add "$WGPEER_VETH_PEER_IP4/30" dev "$WGPEER_VETH_PEER" || return 1
  ip -n "$WGPEER_NS" addr add "$WGPEER_VETH_PEER_IP6/64" dev "$WGPEER_VETH_PEER" nodad || return 1
  ip -n "$WGPEER_NS" link set "$WGPEER_VETH_PEER" up
}

## wgpeer_exec CMD...: run CMD inside the peer netns.
wgpeer_exec() { ip netns exec "$WGPEER_NS" "$@"; }

## wgpeer_add_client PUBKEY ALLOWED_IPS [PSKFILE] [KEEPALIVE]: let one more client talk to the
## peer (kept across wgpeer_restart).
wgpeer_add_client() {
  local args=(peer "$1" allowed-ips "${2// /}")
  [[ -z ${3:-} ]] || args+=(preshared-key "$3")
  [[ -z ${4:-} ]] || args+=(persistent-keepalive "$4")
  wgpeer__peer_section "$@" >>"$WGPEER_DIR/peer.wg"
  wg set "$WGPEER_IF" "${args[@]}"
}

## wgpeer_restart: kill -9 the peer's wireguard-go and start it again with the same key and
## config (sessions are lost; a client re-handshakes when its own timers say so).
wgpeer_restart() {
  local i
  kill -KILL "$WGPEER_PID" 2>/dev/null || true
  wait "$WGPEER_PID" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    [[ -d /proc/$WGPEER_PID ]] || break
    sleep 0.05
  done
  # the TUN disappears with its process; wait for that before reusing the name
  wgpeer__wait_for 100 0.05 wgpeer__link_gone || wgpeer__die "$WGPEER_IF did not go away" || return 1
  wgpeer__start_wg || return 1
  wgpeer__log "peer $WGPEER_IF restarted (pid $WGPEER_PID)"
}

## wgpeer__link_gone: true once the peer's TUN is gone from its netns.
wgpeer__link_gone() { ! ip -n "$WGPEER_NS" link show "$WGPEER_IF" >/dev/null 2>&1; }

## wgpeer_handshake_age IFNAME: seconds since IFNAME's most recent handshake, or nothing if none.
wgpeer_handshake_age() {
  local t latest=0
  for t in $(wg show "$1" latest-handshakes 2>/dev/null | cut -f2); do
    ((t > latest)) && latest=$t
  done
  ((latest > 0)) && echo $(($(date +%s) - latest))
  return 0
}

## wgpeer_wait_handshake IFNAME [TIMEOUT_S]: wait until IFNAME reports a handshake (default 10 s).
wgpeer_wait_handshake() {
  local i
  for ((i = 0; i < ${2:-10} * 10; i++)); do
    [[ -n $(wgpeer_handshake_age "$1") ]] && return 0
    sleep 0.1
  done
  return 1
}

## wgpeer_client_config FILE [--endpoint HOST:PORT] [--private-key-file F] [--address LIST]
##   [--allowed-ips LIST] [--keepalive N] [--listen-port P]: write a wg-quick file for the client.
wgpeer_client_config() {
  local file=$1 endpoint=$WGPEER_ENDPOINT keyfile=${WGPEER_CLIENT_PRIVKEY_FILE:-} address=""
  local allowed="" keepalive=${WGPEER_KEEPALIVE:-} listen=""
  shift
  while [[ $# -gt 0 ]]; do
    case $1 in
      --endpoint) endpoint=$2 && shift ;;
      --private-key-file) keyfile=$2 && shift ;;
      --address) address=$2 && shift ;;
      --allowed-ips) allowed=$2 && shift ;;
      --keepalive) keepalive=$2 && shift ;;
      --listen-port) listen=$2 && shift ;;
      *) wgpeer__die "wgpeer_client_config: unknown option '$1'" || return 2 ;;
    esac
    shift
  done
  [[ -n $keyfile ]] || wgpeer__die "wgpeer_client_config: no client private key" \
    "(wgpeer_up was given --client-pubkey: pass --private-key-file)" || return 1
  if [[ -z $address ]]; then
    address=$WGPEER_CLIENT_IP4/32
    [[ -z $WGPEER_CLIENT_IP6 ]] || address+=", $WGPEER_CLIENT_IP6/128"
  fi
  if [[ -z $allowed ]]; then
    allowed=$WGPEER_TUN_NET4
    [[ -z $WGPEER_TUN_NET6 ]] || allowed+=", $WGPEER_TUN_NET6"
  fi
  (
    umask 077
    {
      echo "# wg-quick config for the client of wgpeer run $WGPEER_SUFFIX (tests/support/wgpeer.sh)"
      echo "[Interface]"
      echo "PrivateKey = $(cat "$keyfile")"
      echo "Address = $address"
      echo "MTU = $WGPEER_MTU"
      [[ -z $listen ]] || echo "ListenPort = $listen"
      echo
      echo "[Peer]"
      echo "PublicKey = $WGPEER_PUBKEY"
      [[ -z ${WGPEER_PSK_FILE:-} ]] || echo "PresharedKey = $(cat "$WGPEER_PSK_FILE")"
      echo "Endpoint = $endpoint"
      echo "AllowedIPs = $allowed"
      [[ -z $keepalive ]] || echo "PersistentKeepalive = $keepalive"
    } >"$file"
  )
}

# --------------------------------------------------------------------------------------------
# the Go verification client (wireguard-go in the root netns, TUN in netns wgcli-S)

## wgclient_up [--endpoint HOST:PORT] [--config FILE] [--own-key] [--keepalive N]: start the
## client from a wg-quick file (default: one written by wgpeer_client_config). --own-key makes a
## fresh key at the .3 / ::3 tunnel addresses and registers it with the peer, so the Go client
## can run beside our node (which then uses the default client key).
wgclient_up() {
  local endpoint=$WGPEER_ENDPOINT config="" own=0 keepalive=${WGPEER_KEEPALIVE:-} a mtu addrs routes
  while [[ $# -gt 0 ]]; do
    case $1 in
      --endpoint) endpoint=$2 && shift ;;
      --config) config=$2 && shift ;;
      --own-key) own=1 ;;
      --keepalive) keepalive=$2 && shift ;;
      *) wgpeer__die "wgclient_up: unknown option '$1'" || return 2 ;;
    esac
    shift
  done
  [[ -n ${WGPEER_SUFFIX:-} ]] || wgpeer__die "wgclient_up: run wgpeer_up first" || return 1
  [[ -z $(wgpeer__state_get "$WGPEER_SUFFIX" client_pid) ]] \
    || wgpeer__die "wgclient_up: the client is already up" || return 1
  export WGCLIENT_NS=wgcli-$WGPEER_SUFFIX WGCLIENT_IF=wgc$WGPEER_SUFFIX
  export WGCLIENT_SOCK=$WGPEER_UAPI_DIR/wgc$WGPEER_SUFFIX.sock WGCLIENT_ENDPOINT=$endpoint
  export WGCLIENT_CONF=$config WGCLIENT_TUN_IP4="" WGCLIENT_TUN_IP6=""
  if [[ -z $config ]]; then
    WGCLIENT_CONF=$WGPEER_DIR/wgclient.conf
    if ((own)); then
      local key=$WGPEER_DIR/wgclient.key allowed
      (umask 077 && wg genkey >"$key") || return 1
      WGCLIENT_TUN_IP4=${WGPEER_TUN_NET4%.*/*}.3
      allowed=$WGCLIENT_TUN_IP4/32 a=$WGCLIENT_TUN_IP4/32
      if [[ -n $WGPEER_CLIENT_IP6 ]]; then
        WGCLIENT_TUN_IP6=${WGPEER_TUN_NET6%::/*}::3
        allowed+=",$WGCLIENT_TUN_IP6/128" a+=", $WGCLIENT_TUN_IP6/128"
      fi
      wgpeer_add_client "$(wg pubkey <"$key")" "$allowed" "${WGPEER_PSK_FILE:-}" \
        "${WGPEER_PEER_KEEPALIVE:-}" || return 1
      wgpeer_client_config "$WGCLIENT_CONF" --endpoint "$endpoint" --private-key-file "$key" \
        --address "$a" --keepalive "$keepalive" || return 1
    else
      wgpeer_client_config "$WGCLIENT_CONF" --endpoint "$endpoint" --keepalive "$keepalive" \
        || return 1
    fi
  fi
  # wg-quick's own split: Address/MTU/... are for ip(8), the rest is for `wg setconf`
  addrs=$(sed -n 's/^[[:space:]]*Address[[:space:]]*=[[:space:]]*//p' "$WGCLIENT_CONF" | tr ',' ' ')
  mtu=$(sed -n 's/^[[:space:]]*MTU[[:space:]]*=[[:space:]]*//p' "$WGCLIENT_CONF")
  routes=$(sed -n 's/^[[:space:]]*AllowedIPs[[:space:]]*=[[:space:]]*//p' "$WGCLIENT_CONF" | tr ',' ' ')
  (umask 077 && grep -Eiv '^[[:space:]]*(Address|MTU|DNS|Table|SaveConfig|(Pre|Post)(Up|Down))[[:space:]]*=' \
    "$WGCLIENT_CONF" >"$WGPEER_DIR/wgclient.wg") || return 1
  for a in $addrs; do
    if [[ $a == *:* ]]; then WGCLIENT_TUN_IP6=${a%/*}; else WGCLIENT_TUN_IP4=${a%/*}; fi
  done

  ip netns add "$WGCLIENT_NS" || return 1
  ip -n "$WGCLIENT_NS" link set lo up || return 1
  rm -f "$WGCLIENT_SOCK"
  LOG_LEVEL=$WGPEER_LOG_LEVEL wireguard-go -f "$WGCLIENT_IF" </dev/null \
    >>"$WGPEER_DIR/wg-client.log" 2>&1 &
  export WGCLIENT_PID=$!
  wgpeer__state_set client_pid "$WGCLIENT_PID"
  wgpeer__wait_sock "$WGCLIENT_IF" || wgpeer__die "wireguard-go $WGCLIENT_IF did not start" \
    || return 1
  wg setconf "$WGCLIENT_IF" "$WGPEER_DIR/wgclient.wg" || return 1
  export WGCLIENT_LISTEN_PORT
  WGCLIENT_LISTEN_PORT=$(wg show "$WGCLIENT_IF" listen-port)
  # the UDP socket stays in the root netns; only the TUN moves
  ip link set "$WGCLIENT_IF" netns "$WGCLIENT_NS" || return 1
  for a in $addrs; do
    if [[ $a == *:* ]]; then
      ip -n "$WGCLIENT_NS" addr add "$a" dev "$WGCLIENT_IF" nodad || return 1
    else
      ip -n "$WGCLIENT_NS" addr add "$a" dev "$WGCLIENT_IF" || return 1
    fi
  done
  ip -n "$WGCLIENT_NS" link set "$WGCLIENT_IF" mtu "${mtu:-1420}" up || return 1
  for a in $routes; do
    ip -n "$WGCLIENT_NS" route replace "$a" dev "$WGCLIENT_IF" || return 1
  done
  wgpeer__log "client $WGCLIENT_IF up (netns $WGCLIENT_NS, udp :$WGCLIENT_LISTEN_PORT ->" \
    "$endpoint)"
}

## wgclient_exec CMD...: run CMD inside the client netns (curl, ping, ...).
wgclient_exec() { ip netns exec "$WGCLIENT_NS" "$@"; }

## wgclient_down: stop the Go client and remove its netns and UAPI socket (idempotent).
wgclient_down() {
  local s=${WGPEER_SUFFIX:-}
  [[ -n $s ]] || return 0
  wgpeer__teardown_client "$s"
  unset WGCLIENT_PID WGCLIENT_NS WGCLIENT_IF WGCLIENT_SOCK
}

## wgpeer__teardown_client SUFFIX: the client part of a teardown, also for a dead run's leftovers.
wgpeer__teardown_client() {
  local s=$1 pid
  pid=$(wgpeer__state_get "$s" client_pid)
  if [[ -n $pid && $(wgpeer__cmdline "$pid") == *"wireguard-go -f wgc$s "* ]]; then
    wgpeer__kill_pids "$pid"
  fi
  if [[ -e /run/netns/wgcli-$s ]]; then
    local p
    p=$(ip netns pids "wgcli-$s" 2>/dev/null | tr '\n' ' ')
    # shellcheck disable=SC2086
    [[ -z $p ]] || wgpeer__kill_pids $p
    ip netns del "wgcli-$s" 2>/dev/null || true
  fi
  rm -f "$WGPEER_UAPI_DIR/wgc$s.sock"
  wgpeer__state_set_for "$s" client_pid ""
}

## wgpeer__state_set_for SUFFIX KEY VALUE: wgpeer__state_set for any run.
wgpeer__state_set_for() {
  local WGPEER_SUFFIX=$1
  wgpeer__state_set "$2" "$3"
}

# --------------------------------------------------------------------------------------------
# teardown

## wgpeer__teardown SUFFIX: remove every process, netns, veth and socket of run SUFFIX.
wgpeer__teardown() {
  local s=$1 pid p
  wgpeer__teardown_client "$s"
  if [[ -e /run/netns/wgpeer-$s ]]; then
    # every process in the peer netns is ours: wireguard-go and the services
    p=$(ip netns pids "wgpeer-$s" 2>/dev/null | tr '\n' ' ')
    # shellcheck disable=SC2086
    [[ -z $p ]] || wgpeer__kill_pids $p
  fi
  pid=$(wgpeer__state_get "$s" peer_pid)
  if [[ -n $pid && $(wgpeer__cmdline "$pid") == *"wireguard-go -f wgp$s "* ]]; then
    wgpeer__kill_pids "$pid"
  fi
  ip link del "vr$s" 2>/dev/null || true # deletes both ends
  ip netns del "wgpeer-$s" 2>/dev/null || true
  rm -f "$WGPEER_UAPI_DIR/wgp$s.sock"
}

## wgpeer_down [STATUS]: tear down the client and the peer of this shell's run (idempotent).
## A non-zero STATUS (the trap passes $?) keeps the run directory and prints where it is.
wgpeer_down() {
  local status=${1:-0} s=${WGPEER_SUFFIX:-} dir own
  [[ -n $s ]] || return 0
  [[ -f $WGPEER_STATE_ROOT/$s.state ]] || return 0
  dir=$(wgpeer__state_get "$s" dir)
  own=$(wgpeer__state_get "$s" own_dir)
  wgpeer__teardown "$s"
  local p
  for p in "${WGPEER__SVC_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -z ${WGPEER_PID:-} ]] || wait "$WGPEER_PID" 2>/dev/null || true
  WGPEER__SVC_PIDS=()
  unset WGCLIENT_PID
  rm -f "$WGPEER_STATE_ROOT/$s.state"
  if [[ $status != 0 || ${WGPEER_KEEP_LOGS:-0} == 1 ]]; then
    [[ -z $dir ]] || wgpeer__log "run $s torn down; logs kept in $dir"
  elif [[ $own == 1 && -n $dir ]]; then
    rm -rf "$dir"
  fi
  return 0
}

## wgpeer__on_exit STATUS: the EXIT trap: tear down, then run the caller's earlier EXIT trap.
wgpeer__on_exit() {
  local status=$1
  set +e
  if [[ ${WGPEER__TRAP_PID:-} == "$BASHPID" ]]; then
    wgpeer_down "$status"
  fi
  if [[ -n ${WGPEER__PREV_EXIT_TRAP:-} ]]; then
    wgpeer__return "$status" # so that `$?` in the chained trap is the exit status
    eval "$WGPEER__PREV_EXIT_TRAP"
  fi
  return "$status"
}

## wgpeer__return STATUS: return STATUS (sets `$?`).
wgpeer__return() { return "$1"; }

## wgpeer_install_trap: install the EXIT trap (chaining the caller's) and INT/TERM/HUP -> exit, in
## this (sub)shell; a no-op when already installed here.
wgpeer_install_trap() {
  local prev sig code
  [[ ${WGPEER__TRAP_PID:-} != "$BASHPID" ]] || return 0
  prev=$(trap -p EXIT)
  WGPEER__PREV_EXIT_TRAP=""
  # In a subshell, `trap -p` still shows the parent's (inactive) traps: chain only at top level.
  if [[ -n $prev && $prev != *wgpeer__on_exit* && $BASHPID == "$$" ]]; then
    eval "set -- $prev"
    WGPEER__PREV_EXIT_TRAP=$3
  fi
  trap 'wgpeer__on_exit $?' EXIT
  for sig in INT:130 TERM:143 HUP:129; do
    code=${sig#*:}
    sig=${sig%:*}
    [[ -n $(trap -p "$sig") && $BASHPID == "$$" ]] || trap "exit $code" "$sig"
  done
  WGPEER__TRAP_PID=$BASHPID
}

## wgpeer_reap_stale: tear down runs whose owner process is gone (e.g. killed by SIGKILL).
wgpeer_reap_stale() {
  local f s owner pid start
  [[ -d $WGPEER_STATE_ROOT ]] || return 0
  for f in "$WGPEER_STATE_ROOT"/*.state; do
    [[ -f $f ]] || continue
    s=$(basename "$f" .state)
    owner=$(wgpeer__state_get "$s" owner)
    pid=${owner% *}
    start=${owner#* }
    if [[ -n $pid && -d /proc/$pid && $(wgpeer__starttime "$pid") == "$start" ]]; then
      continue # its owner is alive
    fi
    wgpeer__log "reaping stale run $s (owner $pid is gone)"
    wgpeer__teardown "$s"
    rm -f "$f"
  done
}

## wgpeer_leftovers SUFFIX: print whatever of run SUFFIX still exists; empty output = clean.
wgpeer_leftovers() {
  local s=$1 p
  { ip netns list 2>/dev/null | grep -E -- "^wg(peer|cli)-$s( |\$)" | sed 's/^/netns: /'; } || true
  { ip -o link show 2>/dev/null | grep -E -- "^[0-9]+: (vr|vp|wgp|wgc)$s[:@]" | cut -d: -f2 \
    | sed 's/^ */link: /'; } || true
  for p in "$WGPEER_UAPI_DIR"/wg[pc]"$s".sock; do
    [[ ! -e $p ]] || echo "socket: $p"
  done
  for p in /proc/[0-9]*; do
    case $(wgpeer__cmdline "${p#/proc/}") in
      *"wireguard-go -f wg"[pc]"$s "* | *"wgpeer_svc.py wgpeer-$s "*)
        echo "process: ${p#/proc/} $(wgpeer__cmdline "${p#/proc/}")"
        ;;
    esac
  done
  [[ ! -e $WGPEER_STATE_ROOT/$s.state ]] || echo "state: $WGPEER_STATE_ROOT/$s.state"
  return 0
}

## wgpeer_env: print every exported WGPEER_* / WGCLIENT_* variable as KEY=VALUE lines.
wgpeer_env() {
  local v
  for v in $(compgen -e | grep -E '^(WGPEER|WGCLIENT)_' | sort); do
    printf '%s=%s\n' "$v" "${!v}"
  done
}

# --------------------------------------------------------------------------------------------
# as a script

## wgpeer__main SUBCOMMAND ...: `run`, `reap`, `leftovers SUFFIX`, `help`.
wgpeer__main() {
  set -euo pipefail
  case ${1:-help} in
    run)
      shift
      local up=() with_client=0 st=0
      while [[ $# -gt 0 && $1 != -- ]]; do
        if [[ $1 == --with-client ]]; then with_client=1; else up+=("$1"); fi
        shift
      done
      [[ ${1:-} == -- ]] && shift
      [[ $# -gt 0 ]] || wgpeer__die "run: no command after --" || exit 2
      wgpeer_up "${up[@]}"
      export WGPEER_CLIENT_CONF=""
      if [[ -n $WGPEER_CLIENT_PRIVKEY_FILE ]]; then
        WGPEER_CLIENT_CONF=$WGPEER_DIR/client.conf
        wgpeer_client_config "$WGPEER_CLIENT_CONF"
      fi
      if ((with_client)); then wgclient_up --own-key; fi
      "$@" || st=$?
      exit "$st"
      ;;
    reap) wgpeer_reap_stale ;;
    leftovers) wgpeer_leftovers "$2" ;;
    *)
      sed -n '2,/^$/p' "$WGPEER_LIB" | sed 's/^# \{0,1\}//'
      wgpeer_usage
      ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  wgpeer__main "$@"
fi
