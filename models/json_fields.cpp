#include "models/json_fields.hpp"

#include <cmath>
#include <fstream>

#include "models/error.hpp"

namespace mosaic {

JsonFields::JsonFields(const nlohmann::json& object, std::string file, std::string path)
    : object_(object), file_(std::move(file)), path_(std::move(path)) {
  if (!object_.is_object()) throw InputError(file_, path_.empty() ? "(top level)" : path_, "must be a JSON object");
}

std::string JsonFields::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void JsonFields::fail(const std::string& key, const std::string& problem) const {
  throw InputError(file_, path_of(key), problem);
}

const nlohmann::json& JsonFields::value(const std::string& key) const {
  auto it = object_.find(key);
  if (it == object_.end()) fail(key, "missing");
  return *it;
}

long JsonFields::integer(const std::string& key, long min, long max) const {
  const auto& v = value(key);
  if (!v.is_number_integer()) fail(key, "must be an integer");
  const long x = v.get<long>();
  if (x < min || x > max) {
    fail(key, "is " + std::to_string(x) + ", must be in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return x;
}

double JsonFields::number(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_number()) fail(key, "must be a number");
  const double x = v.get<double>();
  if (!std::isfinite(x)) fail(key, "must be finite");
  return x;
}

std::string JsonFields::string(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_string()) fail(key, "must be a string");
  return v.get<std::string>();
}

bool JsonFields::boolean(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_boolean()) fail(key, "must be true or false");
  return v.get<bool>();
}

const nlohmann::json& JsonFields::array(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_array()) fail(key, "must be an array");
  return v;
}

JsonFields JsonFields::object(const std::string& key) const {
  return JsonFields(value(key), file_, path_of(key));
}

long JsonFields::integer_or(const std::string& key, long min, long max, long fallback) const {
  return has(key) ? integer(key, min, max) : fallback;
}

double JsonFields::number_or(const std::string& key, double fallback) const {
  return has(key) ? number(key) : fallback;
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "(file)", "cannot be opened");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, "(file)", std::string("is not valid JSON: ") + e.what());
  }
}

}  // namespace mosaic
