#pragma once
/// @file
/// Value types that cross mailboxes, with their 0.17-style inspect() (style.md §5.5).

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tsnode {

/// A connected overlay TCP connection, ready to be spliced.
struct dial_result {
  std::uint64_t conn_id = 0;
  std::string local_ip; ///< the node's side of the connection: SOCKS5 BND.ADDR
  std::uint16_t local_port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dial_result& x) {
  return f(caf::meta::type_name("dial_result"), x.conn_id, x.local_ip, x.local_port);
}

/// How a splice ended and what it moved.
struct splice_summary {
  std::uint64_t to_overlay = 0;
  std::uint64_t to_host = 0;
  bool failed = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, splice_summary& x) {
  return f(caf::meta::type_name("splice_summary"), x.to_overlay, x.to_host, x.failed);
}

/// The addresses a name resolves to (IP literals resolve to themselves).
struct resolve_result {
  std::string name;                   ///< canonical: lowercase FQDN without trailing dot
  std::vector<std::string> addresses; ///< IPv4 first, then IPv6
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resolve_result& x) {
  return f(caf::meta::type_name("resolve_result"), x.name, x.addresses);
}

/// A SOCKS5 UDP ASSOCIATE relay, ready: where the client sends its datagrams.
struct udp_relay_info {
  std::uint64_t relay_id = 0;
  std::string relay_ip; ///< loopback: BND.ADDR of the ASSOCIATE reply
  std::uint16_t relay_port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_relay_info& x) {
  return f(caf::meta::type_name("udp_relay_info"), x.relay_id, x.relay_ip, x.relay_port);
}

/// Counters of the netstack side, for `status`.
struct netstack_status {
  std::uint64_t dials = 0, dial_failures = 0;
  std::uint64_t splices_active = 0, splices_done = 0;
  std::uint64_t bytes_to_overlay = 0, bytes_to_host = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, netstack_status& x) {
  return f(caf::meta::type_name("netstack_status"), x.dials, x.dial_failures, x.splices_active,
           x.splices_done, x.bytes_to_overlay, x.bytes_to_host);
}

} // namespace tsnode
