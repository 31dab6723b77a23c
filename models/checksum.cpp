#include "models/checksum.hpp"

#include <cstdio>

namespace mosaic {

std::string hex64(std::uint64_t value) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(value));
  return out;
}

}  // namespace mosaic
