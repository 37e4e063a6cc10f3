#include "actors/netstack.hpp"

#include <caf/all.hpp>

namespace tsnode {

namespace {

std::optional<netstack::endpoint_address> parse_target(const std::string& ip, std::uint16_t port) {
  auto a = netstack::ip_address::parse(ip);
  if (!a)
    return std::nullopt;
  return netstack::endpoint_address{*a, port};
}

} // namespace

netstack_bridge_actor::behavior_type
netstack_bridge(netstack_bridge_actor::stateful_pointer<netstack_state> self, engine::engine* eng,
                engine::overlay* net) {
  self->state.eng = eng;
  self->state.net = net;
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // 0.17 sends nothing for a destroyed promise: fail every pending one (caf-asio.md §6).
    for (auto& [id, rp] : self->state.dials)
      rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    for (auto& [id, rp] : self->state.splices)
      rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    for (auto& [id, rp] : self->state.statuses)
      rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    for (auto& [id, rp] : self->state.associates)
      rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    for (auto& [id, relay] : self->state.relays)
      self->state.eng->post([relay = relay] { relay->stop(); });
    self->state.relays.clear();
    self->state.associates.clear();
    self->state.dials.clear();
    self->state.splices.clear();
    self->state.statuses.clear();
    self->quit(msg.reason);
  });
  return {
    [self](dial_atom, const std::string& ip, std::uint16_t port,
           caf::timespan timeout) -> caf::result<dial_result> {
      auto to = parse_target(ip, port);
      if (!to)
        return caf::make_error(netstack::netstack_errc::bad_address);
      auto rp = self->make_response_promise<dial_result>();
      auto id = self->state.next_request++;
      self->state.dials.emplace(id, rp);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
      self->state.eng->post([net = self->state.net, hdl = netstack_bridge_actor{self}, id, to, ms] {
        net->dial(*to, ms, [hdl, id](engine::dial_outcome o) {
          if (auto* d = std::get_if<engine::dialed>(&o))
            caf::anon_send(hdl, dialed_atom_v, id,
                           dial_result{d->id, d->local.ip.to_string(), d->local.port});
          else
            caf::anon_send(hdl, dialed_atom_v, id,
                           caf::make_error(std::get<netstack::netstack_errc>(o)));
        });
      });
      return rp;
    },
    [self](dialed_atom, std::uint64_t id, const dial_result& r) {
      if (auto i = self->state.dials.find(id); i != self->state.dials.end()) {
        i->second.deliver(r);
        self->state.dials.erase(i);
      }
    },
    [self](dialed_atom, std::uint64_t id, const caf::error& e) {
      if (auto i = self->state.dials.find(id); i != self->state.dials.end()) {
        i->second.deliver(e);
        self->state.dials.erase(i);
      }
    },
    [self](splice_atom, std::uint64_t conn, const fd_handle& fd,
           const std::vector<std::uint8_t>& leftover) -> caf::result<splice_summary> {
      auto rp = self->make_response_promise<splice_summary>();
      auto id = self->state.next_request++;
      self->state.splices.emplace(id, rp);
      self->state.eng->post([net = self->state.net, hdl = netstack_bridge_actor{self}, id, conn, fd,
                             leftover] {
        int raw = fd->take();
        bool ok = net->splice_with(conn, raw, leftover, [hdl, id](const engine::splice_result& r) {
          caf::anon_send(
            hdl, spliced_atom_v, id,
            splice_summary{r.to_overlay, r.to_host, r.overlay_error.has_value() || r.host_error});
        });
        if (!ok) // unknown or already closed connection: the fd was closed by splice_with
          caf::anon_send(hdl, spliced_atom_v, id, splice_summary{0, 0, true});
      });
      return rp;
    },
    [self](spliced_atom, std::uint64_t id, const splice_summary& s) {
      if (auto i = self->state.splices.find(id); i != self->state.splices.end()) {
        i->second.deliver(s);
        self->state.splices.erase(i);
      }
    },
    [self](udp_associate_atom, const std::string& client_ip,
           std::uint16_t requested_port) -> caf::result<udp_relay_info> {
      auto client = proxy::ip_address::parse(client_ip);
      if (!client)
        return caf::make_error(netstack::netstack_errc::bad_address);
      auto rp = self->make_response_promise<udp_relay_info>();
      auto id = self->state.next_request++;
      self->state.associates.emplace(id, rp);
      self->state.eng->post([eng = self->state.eng, net = self->state.net,
                             hdl = netstack_bridge_actor{self}, id, c = *client, requested_port] {
        std::shared_ptr<engine::udp_relay> relay;
        try {
          // RFC 1928 §7 relays whole datagrams: the overlay MTU less IPv6 and UDP headers.
          std::size_t mtu = net->stack().config().mtu;
          relay = std::make_shared<engine::udp_relay>(eng->io(), *net, c, requested_port,
                                                      mtu > 48 ? mtu - 48 : 0);
          relay->start();
        } catch (const std::exception&) {
          relay.reset();
        }
        caf::anon_send(hdl, udp_associate_atom_v, id, relay);
      });
      return rp;
    },
    [self](udp_associate_atom, std::uint64_t id, const udp_relay_ptr& relay) {
      auto i = self->state.associates.find(id);
      if (i == self->state.associates.end()) {
        if (relay) // nobody waits any more: stop it where it lives
          self->state.eng->post([relay] { relay->stop(); });
        return;
      }
      if (!relay) {
        i->second.deliver(caf::make_error(netstack::netstack_errc::in_use));
      } else {
        self->state.relays.emplace(id, relay);
        // address()/port() only read the bound socket's name (getsockname).
        i->second.deliver(udp_relay_info{id, relay->address().to_string(), relay->port()});
      }
      self->state.associates.erase(i);
    },
    [self](udp_release_atom, std::uint64_t id) {
      auto i = self->state.relays.find(id);
      if (i == self->state.relays.end())
        return;
      self->state.eng->post([relay = std::move(i->second)] { relay->stop(); });
      self->state.relays.erase(i);
    },
    [self](close_atom, std::uint64_t conn) {
      self->state.eng->post([net = self->state.net, conn] { net->close(conn); });
    },
    [self](status_atom) -> caf::result<netstack_status> {
      auto rp = self->make_response_promise<netstack_status>();
      auto id = self->state.next_request++;
      self->state.statuses.emplace(id, rp);
      // The counters live on the engine thread: read them there.
      self->state.eng->post([net = self->state.net, hdl = netstack_bridge_actor{self}, id] {
        auto& s = net->stats();
        caf::anon_send(hdl, status_atom_v, id,
                       netstack_status{s.dials, s.dial_failures, s.splices_active, s.splices_done,
                                       s.bytes_to_overlay, s.bytes_to_host});
      });
      return rp;
    },
    [self](status_atom, std::uint64_t id, const netstack_status& s) {
      if (auto i = self->state.statuses.find(id); i != self->state.statuses.end()) {
        i->second.deliver(s);
        self->state.statuses.erase(i);
      }
    },
  };
}

} // namespace tsnode
