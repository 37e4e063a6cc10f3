#pragma once
/// @file
/// Base64 (RFC 4648 §4, the standard alphabet) for HTTP Basic credentials (RFC 7617 §2).

#include <optional>
#include <string>
#include <string_view>

namespace tsnode::proxy {

/// Returns `bytes` encoded with the standard alphabet and `=` padding.
std::string base64_encode(std::string_view bytes);

/// Returns the decoded bytes, or nullopt on a character outside the alphabet, misplaced or excess
/// padding, a length that cannot be base64, or non-zero trailing bits (RFC 4648 §3.5: rejecting
/// them keeps one encoding per value). Padding may be omitted; whitespace is not allowed.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace tsnode::proxy
