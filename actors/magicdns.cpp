#include "actors/magicdns.hpp"

#include <caf/all.hpp>

#include "messages/errors.hpp"
#include "netstack/ip.hpp"

namespace tsnode {

resolver_actor::behavior_type
magicdns_resolver(resolver_actor::stateful_pointer<magicdns_state> self, peer_tracker_actor tracker,
                  caf::timespan wait) {
  return {
    [self, tracker, wait](resolve_atom, const std::string& name) -> caf::result<resolve_result> {
      // An IP literal needs no netmap (clients send literals as names: anchors.md §4.3).
      if (auto ip = netstack::ip_address::parse(name))
        return resolve_result{ip->to_string(), {ip->to_string()}};
      auto rp = self->make_response_promise<resolve_result>();
      self->request(tracker, wait, lookup_name_atom_v, name)
        .then(
          [rp](const tailnet_node& n) mutable {
            if (n.addresses.empty())
              rp.deliver(caf::make_error(resolve_errc::no_such_host));
            else
              rp.deliver(resolve_result{n.name, n.addresses});
          },
          [rp](caf::error& e) mutable {
            if (e == tailnet_errc::no_such_peer)
              rp.deliver(caf::make_error(resolve_errc::no_such_host));
            else if (e == caf::sec::request_timeout || e == tailnet_errc::not_ready)
              rp.deliver(caf::make_error(resolve_errc::not_ready));
            else
              rp.deliver(std::move(e));
          });
      return rp;
    },
  };
}

} // namespace tsnode
