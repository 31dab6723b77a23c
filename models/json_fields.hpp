#pragma once
// Checked access to the fields of a JSON object read from a user's file: every failure is an
// InputError naming the file and the full field path ("arch.rows", "recurrent[3]").
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

 private:
  const nlohmann::json& object_;
  std::string file_;
  std::string path_;
};

// Parses a JSON file; a missing or malformed file is an InputError naming it.
nlohmann::json read_json_file(const std::string& path);

}  // namespace mosaic
