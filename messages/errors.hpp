#pragma once
/// @file
/// Error enums that cross mailboxes, registered with CAF (style.md §5.12). Categories are at
/// most 10 characters (0.17 atoms).

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <string_view>

#include "netstack/errors.hpp"

namespace tsnode {

/// Why a name did not resolve.
enum class resolve_errc : std::uint8_t {
  no_such_host = 1, ///< not a tailnet name (fails closed: never asked of host DNS)
  not_ready,        ///< no netmap yet and the wait ran out
};

/// Returns a short English description of `x`.
std::string_view to_string(resolve_errc x) noexcept;

/// Why the peer tracker could not answer.
enum class tailnet_errc : std::uint8_t {
  no_such_peer = 1, ///< no node of the netmap has that name, address or key
  not_ready,        ///< no netmap yet and the wait ran out
};

/// Returns a short English description of `x`.
std::string_view to_string(tailnet_errc x) noexcept;

} // namespace tsnode

CAF_ERROR_CODE_ENUM(tsnode::resolve_errc, "resolve")
CAF_ERROR_CODE_ENUM(tsnode::tailnet_errc, "tailnet")
CAF_ERROR_CODE_ENUM(tsnode::netstack::netstack_errc, "netstack")
