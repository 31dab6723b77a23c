#pragma once
// The 20 SHD classes in SHD's label order: 0-9 English zero..nine, 10-19 German null..neun.
#include <string>
#include <vector>

namespace mosaic::cochlea {

const std::vector<std::string>& shd_words();

// "7", "seven" or "sieben" -> label; anything else throws InputError(file, field, ...).
int parse_label(const std::string& text, const std::string& file, const std::string& field);

}  // namespace mosaic::cochlea
