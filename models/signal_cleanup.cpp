#include "models/signal_cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace mosaic {

namespace {

constexpr int kPathSlots = 64;
constexpr int kPidSlots = 256;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Fixed storage: the handler may only read memory and make system calls.
char g_paths[kPathSlots][4096];
std::atomic<bool> g_path_used[kPathSlots];
std::atomic<pid_t> g_pids[kPidSlots];
std::mutex g_mutex;  // registration only, never taken by the handler
bool g_installed = false;

// Removes the files of a folder (one level, as our temporary folders are), then the folder.
void remove_folder(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  char buffer[4096];
  for (long n; (n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer)) > 0;) {
    for (long at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) ::unlinkat(fd, entry->d_name, 0);
      at += entry->d_reclen;
    }
  }
  ::close(fd);
  ::rmdir(path);
}

void on_signal(int signal) {
  for (auto& pid : g_pids) {
    const pid_t p = pid.load();
    if (p > 0) ::kill(p, SIGKILL);
  }
  for (int i = 0; i < kPathSlots; ++i) {
    if (!g_path_used[i].load()) continue;
    if (::unlink(g_paths[i]) != 0 && (errno == EISDIR || errno == EPERM)) remove_folder(g_paths[i]);
  }
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

void install_locked() {
  if (g_installed) return;
  g_installed = true;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int s : kSignals) sigaddset(&action.sa_mask, s);
  for (int s : kSignals) {
    struct sigaction old {};
    ::sigaction(s, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;  // e.g. nohup: an ignored signal stays ignored
    ::sigaction(s, &action, nullptr);
  }
}

}  // namespace

int remove_on_signal(const std::string& path) {
  if (path.size() >= sizeof g_paths[0]) return -1;
  std::lock_guard<std::mutex> lock(g_mutex);
  install_locked();
  for (int i = 0; i < kPathSlots; ++i) {
    if (g_path_used[i].load()) continue;
    std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
    g_path_used[i].store(true);
    return i;
  }
  return -1;
}

void forget_path(int slot) {
  if (slot >= 0 && slot < kPathSlots) g_path_used[slot].store(false);
}

int kill_on_signal(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_mutex);
  install_locked();
  for (int i = 0; i < kPidSlots; ++i) {
    if (g_pids[i].load() != 0) continue;
    g_pids[i].store(pid);
    return i;
  }
  return -1;
}

void forget_pid(int slot) {
  if (slot >= 0 && slot < kPidSlots) g_pids[slot].store(0);
}

void reset_signal_cleanup_in_child() {
  for (auto& used : g_path_used) used.store(false);
  for (auto& pid : g_pids) pid.store(0);
  for (int s : kSignals) {
    struct sigaction old {};
    ::sigaction(s, nullptr, &old);
    if (old.sa_handler == on_signal) ::signal(s, SIG_DFL);
  }
  g_installed = false;
}

}  // namespace mosaic
