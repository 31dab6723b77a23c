#include "tools/cochlea/shd_words.hpp"

#include <algorithm>
#include <cctype>

#include "models/error.hpp"

namespace mosaic::cochlea {

const std::vector<std::string>& shd_words() {
  static const std::vector<std::string> words = {
      "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
      "null", "eins", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun"};
  return words;
}

int parse_label(const std::string& text, const std::string& file, const std::string& field) {
  const bool numeric = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  if (numeric && text.size() <= 2) {
    const int label = std::stoi(text);
    if (label < static_cast<int>(shd_words().size())) return label;
  }
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto& words = shd_words();
  if (lower == "f\xc3\xbcnf") lower = "fuenf";  // UTF-8 spelling of five in German
  const auto match = std::find(words.begin(), words.end(), lower);
  if (match != words.end()) return static_cast<int>(match - words.begin());
  throw InputError(file, field, "label '" + text + "' is neither 0-19 nor one of the 20 SHD words");
}

}  // namespace mosaic::cochlea
