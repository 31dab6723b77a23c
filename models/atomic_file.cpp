#include "models/atomic_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mosaic {

namespace {
// Unique per process, so two tools writing the same target never share a temporary.
std::string temporary_name(const std::string& path) {
  return path + ".tmp." + std::to_string(::getpid());
}
}  // namespace

void write_text_atomic(const std::string& path, const std::string& text) {
  AtomicOutput out(path);
  {
    std::ofstream file(out.temp_path(), std::ios::binary | std::ios::trunc);
    if (!file) throw std::runtime_error("cannot write " + out.temp_path());
    file << text;
    file.flush();
    if (!file) throw std::runtime_error("write failed for " + out.temp_path());
  }
  out.commit();
}

AtomicOutput::AtomicOutput(std::string path) : path_(std::move(path)), temp_path_(temporary_name(path_)) {
  const auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) std::remove(temp_path_.c_str());
}

void AtomicOutput::commit() {
  std::filesystem::rename(temp_path_, path_);
  committed_ = true;
}

}  // namespace mosaic
