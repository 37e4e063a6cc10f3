#pragma once
/// @file
/// The typed interface of the control actor: it dials the control server, registers, keeps the
/// map poll alive (reconnecting with backoff) and sends every netmap change, complete, to the
/// peer tracker it was spawned with. Its settings come at spawn (actors/control).

#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace tsnode {

using control_actor = caf::typed_actor<
  /// Where registration and the map stream stand.
  caf::replies_to<status_atom>::with<control_status>>;

} // namespace tsnode
