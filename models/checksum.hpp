#pragma once
// FNV-1a, 64 bit (offset basis 14695981039346656037, prime 1099511628211): a fast hash for
// content digests and checkpoint checksums. It detects accidental corruption (flipped bits,
// truncation), not deliberate tampering.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mosaic {

constexpr std::uint64_t kFnv1aBasis = 14695981039346656037ull;

inline std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t hash = kFnv1aBasis) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

// 16 lower-case hex digits.
std::string hex64(std::uint64_t value);

}  // namespace mosaic
