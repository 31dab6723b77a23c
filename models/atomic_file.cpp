#include "models/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "models/error.hpp"
#include "models/signal_cleanup.hpp"

namespace mosaic {

namespace {

namespace fs = std::filesystem;

constexpr const char* kTempInfix = ".tmp.";

// Unique per process, so two tools writing the same target never share a temporary.
std::string temporary_name(const std::string& path) { return path + kTempInfix + std::to_string(::getpid()); }

bool process_is_gone(long pid) { return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

// "<name>.tmp.<pid>" files of the same target whose process no longer runs.
void remove_stale_temporaries(const fs::path& target) {
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = target.filename().string() + kTempInfix;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    // "<pid>" or "<pid>.<suffix>" (the VCD's pipe, "<pid>.fifo.vcd").
    const std::string digits = name.substr(prefix.size(), name.find('.', prefix.size()) - prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    if (process_is_gone(std::atol(digits.c_str()))) fs::remove(it->path(), error);
  }
}

void write_all(int fd, const std::string& text, const AtomicOutput& out) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      out.fail(std::strerror(saved));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void write_text_atomic(const std::string& path, const std::string& text) {
  AtomicOutput out(path);
  const int fd = ::open(out.temp_path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) out.fail(std::strerror(errno));
  write_all(fd, text, out);
  if (::close(fd) != 0) out.fail(std::strerror(errno));
  out.commit();
}

AtomicOutput::AtomicOutput(std::string path) : path_(std::move(path)), temp_path_(temporary_name(path_)) {
  std::error_code error;
  const auto status = fs::status(path_, error);
  if (fs::is_directory(status)) fail("it is a folder");
  // Renaming onto a device or a pipe (/dev/null, /dev/full) would replace it with a file.
  if (fs::exists(status) && !fs::is_regular_file(status)) fail("it exists and is not a regular file");
  const fs::path parent = fs::path(path_).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, error);
    if (error) fail("cannot create folder " + parent.string() + ": " + error.message());
  }
  remove_stale_temporaries(path_);
  signal_slot_ = remove_on_signal(temp_path_);
  const int fd = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(std::strerror(errno));
  ::close(fd);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) std::remove(temp_path_.c_str());
  forget_path(signal_slot_);
}

void AtomicOutput::fail(const std::string& reason) const {
  throw InputError(path_, "(output)", "cannot be written: " + reason);
}

void AtomicOutput::commit() {
  // Data first, then the name: after a crash the target holds the old or the new content.
  const int fd = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(std::strerror(errno));
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    fail(std::strerror(saved));
  }
  ::close(fd);
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) fail(std::strerror(errno));
  committed_ = true;
  forget_path(signal_slot_);
  signal_slot_ = -1;
  const fs::path parent = fs::path(path_).parent_path();
  const int folder = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    ::fsync(folder);  // makes the rename durable; some file systems refuse fsync on folders
    ::close(folder);
  }
}

}  // namespace mosaic
