#include "sim/sample_log.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include "models/error.hpp"
#include "models/signal_cleanup.hpp"

namespace mosaic::sim {

namespace {

// Folders "mosaic-sim-<pid>-..." in `base` whose process no longer exists.
void remove_stale_folders(const std::filesystem::path& base) {
  std::error_code error;
  for (std::filesystem::directory_iterator it(base, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    const std::string prefix = "mosaic-sim-";
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::size_t dash = name.find('-', prefix.size());
    if (dash == std::string::npos) continue;
    const std::string digits = name.substr(prefix.size(), dash - prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t owner = static_cast<pid_t>(std::atol(digits.c_str()));
    std::error_code ignored;
    if (::kill(owner, 0) != 0 && errno == ESRCH) std::filesystem::remove_all(it->path(), ignored);
  }
}

SampleResult parse_line(const std::string& line, const std::string& path) {
  try {
    return sample_from_json(nlohmann::json::parse(line));
  } catch (const nlohmann::json::exception& e) {
    // The run's own file: damage here is not the user's input.
    throw std::runtime_error(fmt::format("{}: a sample line cannot be read back: {}", path, e.what()));
  }
}

}  // namespace

RunFolder::RunFolder() {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::filesystem::path base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  remove_stale_folders(base);
  std::string name = (base / fmt::format("mosaic-sim-{}-XXXXXX", ::getpid())).string();
  if (!mkdtemp(name.data()))
    throw InputError(base.string(), "(TMPDIR)", std::string("cannot create the run's folder: ") + std::strerror(errno));
  path_ = name;
  slot_ = remove_on_signal(path_.string());
}

RunFolder::~RunFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  forget_path(slot_);
}

SampleWriter::SampleWriter(std::string path) : path_(std::move(path)), file_(std::fopen(path_.c_str(), "we")) {
  if (file_ == nullptr) fail();
}

SampleWriter::~SampleWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void SampleWriter::fail() const {
  throw InputError(path_, "(TMPDIR)", std::string("the run's sample file cannot be written: ") + std::strerror(errno));
}

void SampleWriter::write(const SampleResult& r) {
  const std::string line = sample_to_json(r).dump() + '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) fail();
}

void SampleWriter::close() {
  const bool failed = std::fflush(file_) != 0 || std::ferror(file_) != 0;
  const int saved = errno;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed) errno = saved;
  if (failed || close_failed) fail();
}

SampleLog::SampleLog(std::shared_ptr<const RunFolder> folder, std::vector<std::string> files)
    : folder_(std::move(folder)), files_(std::move(files)) {}

void SampleLog::for_each(const std::function<void(const SampleResult&)>& visit) const {
  // A merge of the files' heads: each file is in increasing position order.
  struct Source {
    std::ifstream in;
    std::optional<SampleResult> head;
  };
  std::vector<Source> sources(files_.size());
  const auto advance = [&](std::size_t i) {
    std::string line;
    sources[i].head.reset();
    if (std::getline(sources[i].in, line)) sources[i].head = parse_line(line, files_[i]);
  };
  for (std::size_t i = 0; i < files_.size(); ++i) {
    sources[i].in.open(files_[i]);
    if (!sources[i].in) throw std::runtime_error(files_[i] + ": the run's sample file cannot be opened");
    advance(i);
  }
  for (;;) {
    std::size_t next = sources.size();
    for (std::size_t i = 0; i < sources.size(); ++i)
      if (sources[i].head && (next == sources.size() || sources[i].head->index < sources[next].head->index)) next = i;
    if (next == sources.size()) return;
    visit(*sources[next].head);
    advance(next);
  }
}

void sort_sample_file(const std::string& path) {
  std::vector<std::pair<int, std::string>> lines;
  {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.emplace_back(parse_line(line, path).index, line);
  }
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::ofstream out(path, std::ios::trunc);
  for (const auto& [index, line] : lines) out << line << '\n';
  out.close();
  if (!out) throw InputError(path, "(TMPDIR)", "the run's sample file cannot be written");
}

}  // namespace mosaic::sim
