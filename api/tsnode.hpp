#pragma once
/// @file
/// The public C++ header set for applications that run their own CAF 0.17 actor_system
/// (README "Embedding", way 1). Include this one header; everything else installed under
/// include/tsnode/ is there because these headers need it.
///
/// - tsnode::node_config, tsnode::node (actors/node.hpp): spawns the node inside the
///   application's actor_system (no second actor system; one engine thread) and hands out typed
///   handles: resolver(), netstack(); loopback() starts the SOCKS5/HTTP proxy.
/// - tsnode::api::node_config_from_wg_quick (api/wg_config.hpp): a wg-quick file to a config.
/// - The typed actor interfaces an application may talk to, and spawn mocks of in its tests:
///   resolver_actor, netstack_actor, peer_tracker_actor (tailnet mode), listener_actor.
/// - Their messages: the `tsnode` type-ID block (messages/type_ids.hpp). Register it in the
///   application's config: `add_message_types<caf::id_block::tsnode>()`.
///
/// Applications without actors use tsnode::sync_node (api/sync_node.hpp); C uses tsnode.h.

#include "actors/listener.hpp"
#include "actors/node.hpp"
#include "api/wg_config.hpp"
#include "messages/errors.hpp"
#include "messages/netstack_actor.hpp"
#include "messages/peer_tracker_actor.hpp"
#include "messages/resolver_actor.hpp"
#include "messages/type_ids.hpp"
