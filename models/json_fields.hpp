#pragma once
// Checked access to the fields of a JSON object read from a user's file: every failure is an
// InputError naming the file and the full field path ("arch.rows", "recurrent[3]").
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

namespace mosaic {

class JsonFields {
 public:
  // `object` must outlive this view. Throws when it is not a JSON object.
  JsonFields(const nlohmann::json& object, std::string file, std::string path);

  bool has(const std::string& key) const { return object_.contains(key); }
  std::string path_of(const std::string& key) const;  // "arch.rows"
  const std::string& file() const { return file_; }

  const nlohmann::json& value(const std::string& key) const;  // any type, must be present
  long integer(const std::string& key, long min, long max) const;
  double number(const std::string& key) const;  // finite
  std::string string(const std::string& key) const;
  bool boolean(const std::string& key) const;
  const nlohmann::json& array(const std::string& key) const;
  JsonFields object(const std::string& key) const;

  // The same with a default when the key is absent.
  long integer_or(const std::string& key, long min, long max, long fallback) const;
  double number_or(const std::string& key, double fallback) const;

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

  // Refuses any key not in `known`, naming the nearest known one: a misspelt optional key
  // ("tick_cyles") would otherwise be ignored silently and its default used.
  void only(std::initializer_list<const char*> known) const;

 private:
  const nlohmann::json& object_;
  std::string file_;
  std::string path_;
};

// Deepest nesting of objects and arrays a JSON input may have: our formats need a handful of
// levels, and the limit keeps hostile input (10^5 brackets) from exhausting the stack in
// code that walks the tree recursively.
constexpr int kMaxJsonDepth = 64;

// Parses JSON text from `file` strictly: malformed text, numbers out of double range
// (1e999), an object with the same key twice (which would silently keep the last) and
// nesting deeper than kMaxJsonDepth are InputErrors naming the file and the place.
nlohmann::json parse_json_text(const std::string& text, const std::string& file);

// Reads and parses a JSON file (parse_json_text); a missing, unreadable or non-regular file
// (a folder) is an InputError naming it.
nlohmann::json read_json_file(const std::string& path);

// Levenshtein distance: the one measure of "did you mean" messages (JSON keys, command-line options).
std::size_t edit_distance(const std::string& a, const std::string& b);
// The entry of `known` nearest to `word` by edit distance (for "did you mean" messages).
std::string nearest_name(const std::string& word, std::initializer_list<const char*> known);

}  // namespace mosaic
