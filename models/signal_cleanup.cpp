#include "models/signal_cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <new>

namespace mosaic {

namespace {

constexpr int kPathSlots = 64;
constexpr int kPidSlots = 256;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Fixed storage: the handler and the guard may only read memory and make system calls. It is
// mapped shared, so the guard process sees the registrations the tool makes after the fork.
struct Registry {
  char paths[kPathSlots][4096];
  std::atomic<bool> path_used[kPathSlots];
  std::atomic<pid_t> pids[kPidSlots];
};
Registry* g_registry = nullptr;
int g_guard_pipe = -1;  // write end; the guard reads end-of-file when the tool has gone
std::mutex g_mutex;     // registration only, never taken by the handler

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

// Kills the registered children and removes the registered paths: async-signal-safe.
void clean_up(Registry& registry) {
  for (auto& pid : registry.pids) {
    const pid_t p = pid.load();
    if (p > 0) ::kill(p, SIGKILL);
  }
  for (int i = 0; i < kPathSlots; ++i) {
    if (!registry.path_used[i].load()) continue;
    if (::unlink(registry.paths[i]) != 0 && (errno == EISDIR || errno == EPERM)) remove_folder(registry.paths[i]);
  }
}

void on_signal(int signal) {
  if (g_registry != nullptr) clean_up(*g_registry);
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

// The guard: a small child that outlives the tool only to clean up after it. SIGKILL cannot
// be caught, so a tool killed that way cannot remove its temporaries itself; the guard waits
// for end-of-file on a pipe whose only writer is the tool, which comes when the tool ends
// however it ends, and then removes what is still registered (nothing, after a clean run).
// Forked from a possibly multi-threaded process, it only makes system calls.
void start_guard(Registry& registry) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid == 0) {
    // Keep no descriptor of the tool open (pipes a caller reads to their end, files), and
    // outlive the signals sent to the tool's whole process group, such as Ctrl-C.
    for (int fd = 0; fd < 1024; ++fd)
      if (fd != fds[0]) ::close(fd);
    for (int s : kSignals) ::signal(s, SIG_IGN);
    ::prctl(PR_SET_NAME, kGuardName);
    char byte;
    while (::read(fds[0], &byte, 1) != 0 && errno == EINTR) {}
    clean_up(registry);
    ::_exit(0);
  }
  ::close(fds[0]);
  g_guard_pipe = fds[1];
}

void install_locked() {
  if (g_registry != nullptr) return;
  void* memory = ::mmap(nullptr, sizeof(Registry), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;
  g_registry = new (memory) Registry();
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
  start_guard(*g_registry);
}

}  // namespace

int remove_on_signal(const std::string& path) {
  if (path.size() >= sizeof g_registry->paths[0]) return -1;
  std::lock_guard<std::mutex> lock(g_mutex);
  install_locked();
  if (g_registry == nullptr) return -1;
  for (int i = 0; i < kPathSlots; ++i) {
    if (g_registry->path_used[i].load()) continue;
    std::memcpy(g_registry->paths[i], path.c_str(), path.size() + 1);
    g_registry->path_used[i].store(true);
    return i;
  }
  return -1;
}

void forget_path(int slot) {
  if (g_registry != nullptr && slot >= 0 && slot < kPathSlots) g_registry->path_used[slot].store(false);
}

int kill_on_signal(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_mutex);
  install_locked();
  if (g_registry == nullptr) return -1;
  for (int i = 0; i < kPidSlots; ++i) {
    if (g_registry->pids[i].load() != 0) continue;
    g_registry->pids[i].store(pid);
    return i;
  }
  return -1;
}

void forget_pid(int slot) {
  if (g_registry != nullptr && slot >= 0 && slot < kPidSlots) g_registry->pids[slot].store(0);
}

void reset_signal_cleanup_in_child() {
  for (int s : kSignals) {
    struct sigaction old {};
    ::sigaction(s, nullptr, &old);
    if (old.sa_handler == on_signal) ::signal(s, SIG_DFL);
  }
  // The registry is shared with the parent and its guard: the child lets go of it (a later
  // registration in the child makes the child's own registry and guard), and of the pipe, so
  // that the parent's guard sees the parent's end, not the child's.
  if (g_registry != nullptr) ::munmap(g_registry, sizeof(Registry));
  g_registry = nullptr;
  if (g_guard_pipe >= 0) ::close(g_guard_pipe);
  g_guard_pipe = -1;
}

}  // namespace mosaic
