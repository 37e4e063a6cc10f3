# shellcheck shell=bash
# tests/support/go_peers.sh: the pinned Go programs of the tailnet tests and where they live.
# Sourced by tools/setup (which installs them) and tests/support/tailnet.sh (which runs them).
#
# The binaries sit in a version-named cache directory, like bench/run's wireproxy and
# wireguard-go: ${TSNODE_CACHE_DIR:-~/.cache/tsnode}/bin/<name>-<version>, so a second
# tools/setup builds nothing and a version bump here installs side by side.
# HEADSCALE_BIN, TAILSCALED_BIN, TAILSCALE_BIN and DERPER_BIN in the environment override them.

HEADSCALE_MODULE=github.com/juanfont/headscale
HEADSCALE_VERSION=v0.29.2
TAILSCALE_MODULE=tailscale.com
TAILSCALE_VERSION=v1.102.3 # capability version 142

TSNODE_GO_CACHE_DIR=${TSNODE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tsnode}
HEADSCALE_BIN=${HEADSCALE_BIN:-$TSNODE_GO_CACHE_DIR/bin/headscale-$HEADSCALE_VERSION}
TAILSCALED_BIN=${TAILSCALED_BIN:-$TSNODE_GO_CACHE_DIR/bin/tailscaled-$TAILSCALE_VERSION}
TAILSCALE_BIN=${TAILSCALE_BIN:-$TSNODE_GO_CACHE_DIR/bin/tailscale-$TAILSCALE_VERSION}
DERPER_BIN=${DERPER_BIN:-$TSNODE_GO_CACHE_DIR/bin/derper-$TAILSCALE_VERSION}
