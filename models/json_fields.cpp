#include "models/json_fields.hpp"

#include <algorithm>
#include <climits>
#include <functional>
#include <cmath>
#include <set>
#include <vector>

#include "models/error.hpp"
#include "models/input_file.hpp"

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
  if (v.is_number_unsigned() && v.get<unsigned long>() > static_cast<unsigned long>(LONG_MAX)) {
    fail(key, "is " + v.dump() + ", must be in " + std::to_string(min) + ".." + std::to_string(max));
  }
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

void JsonFields::only(std::initializer_list<const char*> known) const {
  for (const auto& item : object_.items()) {
    const bool listed = std::any_of(known.begin(), known.end(), [&](const char* k) { return item.key() == k; });
    if (!listed) fail(item.key(), "unknown key; did you mean \"" + nearest_name(item.key(), known) + "\"?");
  }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  // Levenshtein distance, one row at a time.
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

std::string nearest_name(const std::string& word, std::initializer_list<const char*> known) {
  std::string best;
  std::size_t best_distance = SIZE_MAX;
  for (const char* candidate : known) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

namespace {

// Follows the parser through the document: where it is (for messages), how deep, and which
// keys each open object has had so far.
class StrictJsonChecker {
 public:
  explicit StrictJsonChecker(const std::string& file) : file_(file) {}

  bool operator()(int /*depth*/, nlohmann::json::parse_event_t event, const nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        count_element();
        frames_.push_back({event == Event::object_start, {}, {}, -1});
        if (frames_.size() > static_cast<std::size_t>(kMaxJsonDepth)) {
          throw InputError(file_, where(), "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        }
        break;
      case Event::key: {
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) throw InputError(file_, where(), "key given twice");
        break;
      }
      case Event::object_end:
      case Event::array_end:
        frames_.pop_back();
        break;
      case Event::value:
        count_element();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;  // the current key of an object
    long index;       // the current element of an array
  };

  void count_element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }

  std::string where() const {
    std::string path;
    for (const Frame& f : frames_) {
      if (f.object && !f.key.empty()) path += (path.empty() ? "" : ".") + f.key;
      if (!f.object && f.index >= 0) path += "[" + std::to_string(f.index) + "]";
    }
    return path.empty() ? "(top level)" : path;
  }

  const std::string& file_;
  std::vector<Frame> frames_;
};

}  // namespace

nlohmann::json parse_json_text(const std::string& text, const std::string& file) {
  StrictJsonChecker checker(file);
  try {
    return nlohmann::json::parse(text, std::ref(checker));
  } catch (const nlohmann::json::exception& e) {
    // Parse errors, and numbers beyond double range such as 1e999 (out_of_range).
    throw InputError(file, "(file)", std::string("is not valid JSON: ") + e.what());
  }
}

nlohmann::json read_json_file(const std::string& path) { return parse_json_text(read_input_file(path), path); }

}  // namespace mosaic
