#include "sim/vcd_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "models/error.hpp"
#include "models/signal_cleanup.hpp"

namespace mosaic::sim {

namespace {
[[noreturn]] void fail(const std::string& target, const std::string& reason) {
  throw InputError(target, "(output)", "cannot be written: " + reason);
}
}  // namespace

VcdSink::VcdSink(std::string target, std::string data_path)
    : target_(std::move(target)), data_path_(std::move(data_path)), base_(data_path_ + ".fifo"), fifo_(base_ + ".vcd") {
  ::unlink(fifo_.c_str());
  // Registered before it exists: a process killed at any later point leaves no pipe behind.
  signal_slot_ = remove_on_signal(fifo_);
  if (::mkfifo(fifo_.c_str(), 0600) != 0) {
    const int saved = errno;
    forget_path(signal_slot_);
    fail(target_, std::string("cannot create a pipe beside it: ") + std::strerror(saved));
  }
  // Reader first without blocking, then our own writer, then back to blocking reads.
  read_fd_ = ::open(fifo_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (read_fd_ >= 0) keeper_fd_ = ::open(fifo_.c_str(), O_WRONLY | O_CLOEXEC);
  if (read_fd_ < 0 || keeper_fd_ < 0) {
    const int saved = errno;
    if (read_fd_ >= 0) ::close(read_fd_);
    ::unlink(fifo_.c_str());
    forget_path(signal_slot_);
    fail(target_, std::string("cannot open its pipe: ") + std::strerror(saved));
  }
  ::fcntl(read_fd_, F_SETFL, ::fcntl(read_fd_, F_GETFL) & ~O_NONBLOCK);
  copier_ = std::thread([this] { copy(); });
}

void VcdSink::copy() {
  const int out = ::open(data_path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (out < 0) error_ = errno;
  std::vector<char> buffer(1 << 16);
  for (;;) {
    const ssize_t n = ::read(read_fd_, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      if (error_ == 0) error_ = errno;
      break;
    }
    // After a failed write the pipe is still drained, so SystemC never blocks on it.
    for (ssize_t done = 0; error_ == 0 && done < n;) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) error_ = errno;
      else done += w;
    }
  }
  if (out >= 0) {
    if (error_ == 0 && ::fsync(out) != 0) error_ = errno;
    if (::close(out) != 0 && error_ == 0) error_ = errno;
  }
}

void VcdSink::finish() {
  if (finished_) return;
  finished_ = true;
  ::close(keeper_fd_);  // with SystemC's end closed too, the copier reads to the end of the data
  copier_.join();
  ::close(read_fd_);
  ::unlink(fifo_.c_str());
  forget_path(signal_slot_);
  if (error_ != 0) fail(target_, std::strerror(error_));
}

VcdSink::~VcdSink() {
  if (finished_) return;
  try {
    finish();
  } catch (const InputError&) {
    // Destroyed without finish(): the run failed already; the temporary is discarded.
  }
}

}  // namespace mosaic::sim
