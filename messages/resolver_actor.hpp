#pragma once
/// @file
/// The typed interface of the resolver actor: MagicDNS names (short, FQDN with or without the
/// trailing dot, any case) and IP literals to addresses. Anything else fails closed with
/// resolve_errc::no_such_host: the host's own DNS is never asked.

#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace tsnode {

using resolver_actor
  = caf::typed_actor<caf::replies_to<resolve_atom, std::string>::with<resolve_result>>;

} // namespace tsnode
