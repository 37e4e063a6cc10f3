/* tsnode.h: the C API of tsnode, shaped like libtailscale's tailscale.h so that its users can
 * switch: a node is an int handle, every call returns 0 on success and -1 on error, and
 * tsnode_errmsg() tells why. Thread-safe: any function may be called from any thread. No C++
 * exception and no abort crosses this interface; a bad handle or a NULL argument is an error
 * (-1), never a crash.
 *
 *   tsnode ts = tsnode_new();
 *   tsnode_set_wg_config(ts, "wg0.conf");      // static WireGuard mode
 *   if (tsnode_up(ts) != 0) { char m[256]; tsnode_errmsg(ts, m, sizeof m); ... }
 *   int fd;
 *   tsnode_dial(ts, "tcp", "10.99.0.2:8080", &fd);   // a connected socket: read/write/close
 *   tsnode_close(ts);
 *
 * Logs go to stderr at the level TSNODE_LOG_LEVEL names (trace ... off; default warn), never
 * to stdout.
 *
 * Link: pkg-config --cflags --libs tsnode, or CMake find_package(tsnode) and tsnode::tsnode.
 */
#ifndef TSNODE_H
#define TSNODE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A node handle. C programs spell it `tsnode` (as libtailscale's `typedef int tailscale;`);
 *  C++ spells it `tsnode_t`, since `tsnode` is the library's C++ namespace. */
typedef int tsnode_t;
#ifndef __cplusplus
typedef int tsnode;
#endif

/** A connection returned by tsnode_dial: a socket file descriptor the caller owns. */
typedef int tsnode_conn;

/** Creates a node that is not up yet. Returns its handle (> 0), or -1 when out of memory. */
tsnode_t tsnode_new(void);

/** Selects static WireGuard mode: the wg-quick file at `path` ([Interface] Address and
 *  PrivateKey, one [Peer] per peer) is read by tsnode_up. Returns 0, or -1. */
int tsnode_set_wg_config(tsnode_t sd, const char* path);

/** Adds a name the node's resolver answers in WireGuard mode (a MagicDNS stand-in), e.g.
 *  ("web", "10.99.0.2"); may be called several times. tsnode-specific. Returns 0, or -1. */
int tsnode_add_host(tsnode_t sd, const char* name, const char* ip);

/** Tailnet mode settings (libtailscale's tailscale_set_*), used when no WireGuard config is
 *  set: the identity directory (keys, 0600; default $XDG_CONFIG_HOME/tsnode-<program>), the
 *  node's name (default the program's), the auth key (none: tsnode_up waits for the login URL
 *  it logs to be approved), the control server (default https://controlplane.tailscale.com).
 *  Return 0, or -1. */
int tsnode_set_dir(tsnode_t sd, const char* dir);
int tsnode_set_hostname(tsnode_t sd, const char* hostname);
int tsnode_set_authkey(tsnode_t sd, const char* authkey);
int tsnode_set_control_url(tsnode_t sd, const char* control_url);

/** Brings the node up; blocks until it runs or fails. Settings are fixed afterwards.
 *  Returns 0, or -1 (see tsnode_errmsg). */
int tsnode_up(tsnode_t sd);

/** Starts the loopback SOCKS5/HTTP proxy (once; later calls return the same one). Writes its
 *  address "127.0.0.1:PORT" (NUL-terminated) to `addr_out` (`addrlen` bytes; 64 are plenty)
 *  and its credential, 32 hex digits + NUL, to `cred_out`, which must hold 33 bytes. The user
 *  name is "tsnet": ALL_PROXY=socks5h://tsnet:<cred>@<addr>. Returns 0, or -1. */
int tsnode_loopback(tsnode_t sd, char* addr_out, size_t addrlen, char* cred_out);

/** Connects to `addr` ("host:port" or "[v6]:port") in the overlay; `network` is "tcp", "tcp4"
 *  or "tcp6". Names are resolved by the node (never by the host's DNS). On success `*conn_out`
 *  is a connected stream socket (one end of a socketpair spliced with the overlay
 *  connection) that the caller reads, writes and closes; on error it is -1.
 *  Returns 0, or -1. */
int tsnode_dial(tsnode_t sd, const char* network, const char* addr, tsnode_conn* conn_out);

/** Stops the node (loopback proxy included) and frees the handle, which is invalid after
 *  (a second close returns -1). Connections already dialed end with EOF. Returns 0, or -1. */
int tsnode_close(tsnode_t sd);

/** Writes the last error of `sd` (NUL-terminated, "" when none) to `buf` of `buflen` bytes.
 *  Returns 0; -1 when `buf` is NULL or `buflen` is 0, when the message had to be truncated,
 *  or when `sd` is not an open handle (then `buf` says so). */
int tsnode_errmsg(tsnode_t sd, char* buf, size_t buflen);

#ifdef __cplusplus
}
#endif

#endif /* TSNODE_H */
