#pragma once
/// @file
/// Constant-time comparison of secrets (credentials, MACs).

#include "crypto/bytes.hpp"

namespace tsnode::crypto {

/// Returns whether `a` and `b` hold the same bytes. The time taken depends only on the lengths
/// (which are not secret), never on where the first difference is.
bool ct_equal(byte_view a, byte_view b) noexcept;

/// Returns whether all bytes of `x` are zero, in time that depends only on its length.
bool ct_is_zero(byte_view x) noexcept;

} // namespace tsnode::crypto
