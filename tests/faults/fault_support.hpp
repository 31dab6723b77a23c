#pragma once
// What the fault tests share (tests/faults/): tools started in the background and killed with
// SIGKILL at seeded points, the processes they leave, the files they leave.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/command.hpp"

namespace mosaic::faults {

namespace fs = std::filesystem;
using test_support::read_text;
using test_support::run_command;
using test_support::tool_path;

// The seed of every kill point of the fault tests: a failure replays the same kills.
constexpr unsigned kKillSeed = 20261202;

inline fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("mosaic_faults_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// One tool started in the background (its own process group, output into `log`).
class Process {
 public:
  Process(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log,
          const std::vector<std::string>& env = {}) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      if (chdir(cwd.c_str()) != 0) _exit(127);
      FILE* out = std::freopen(log.c_str(), "w", stdout);
      if (out == nullptr || dup2(fileno(stdout), 2) < 0) _exit(127);
      for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    setpgid(pid_, pid_);
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);  // whatever of the group is left: the test must not leave processes behind
      wait();
    }
  }
  pid_t pid() const { return pid_; }
  // Exit status, or -signal when killed.
  int wait() {
    if (status_ == kRunning) {
      int status = 0;
      waitpid(pid_, &status, 0);
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    return status_;
  }
  bool finished() {
    if (status_ != kRunning) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return true;
  }
  // SIGKILL to the tool alone, as `kill -9 PID` does: its workers and its guard process (which
  // removes its temporaries, models/signal_cleanup.hpp) are not signalled. Waits up to 10 s
  // for them to end on their own, as they should when their parent dies.
  void kill9() {
    if (!finished()) ::kill(pid_, SIGKILL);
    wait();
    for (int i = 0; i < 200 && group_alive(); ++i) ::usleep(50000);
  }
  // Whether a process of the tool's group (workers, guard) still runs.
  bool group_alive() const;

 private:
  static constexpr int kRunning = 1000;
  pid_t pid_ = -1;
  int status_ = kRunning;
};

// One process as /proc/<pid>/stat describes it: "pid (comm) state ppid pgrp ...".
struct ProcStat {
  pid_t pid = 0;
  std::string comm;
  char state = 0;
  int ppid = 0, pgrp = 0;
};

inline std::vector<ProcStat> all_processes() {
  std::vector<ProcStat> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_text(entry.path() / "stat");
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    ProcStat p;
    p.pid = std::stoi(name);
    p.comm = stat.substr(open + 1, close - open - 1);
    if (std::sscanf(stat.c_str() + close + 1, " %c %d %d", &p.state, &p.ppid, &p.pgrp) == 3) out.push_back(p);
  }
  return out;
}

// Children of `parent` but its cleanup guard (models/signal_cleanup.hpp): mosaic-sim's workers.
inline std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  for (const ProcStat& p : all_processes())
    if (p.ppid == parent && p.comm != "mosaic-guard") children.push_back(p.pid);
  return children;
}

// Processes of the process group `group` that are not zombies.
inline std::vector<pid_t> group_members(pid_t group) {
  std::vector<pid_t> members;
  for (const ProcStat& p : all_processes())
    if (p.pgrp == group && p.state != 'Z') members.push_back(p.pid);
  return members;
}

inline bool Process::group_alive() const { return !group_members(pid_).empty(); }

// A process is gone when /proc has no entry for it, or only a zombie's.
inline bool alive(pid_t pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

inline void sleep_seconds(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

inline std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

// A VCD without its "$date ... $end" header, which SystemC fills with the wall-clock time.
inline std::string vcd_body(const std::string& vcd) {
  const auto date = vcd.find("$date");
  const auto end = date == std::string::npos ? std::string::npos : vcd.find("$end", date);
  return end == std::string::npos ? vcd : vcd.substr(0, date) + vcd.substr(end + 4);
}

inline std::string source(const std::string& relative) { return fs::absolute(relative).string(); }

// A small SHD-layout training file cut from the bundled sample (made once per test program).
inline const fs::path& small_shd() {
  static const fs::path path = [] {
    const fs::path p = fresh_dir("data") / "small.h5";
    const auto r = run_command(tool_path("mosaic-sim-bench-input") + " --from traces/shd_sample.h5 --out " +
                               p.string() + " --recordings 12");
    if (r.exit_code != 0) throw std::runtime_error("mosaic-sim-bench-input failed: " + r.output);
    return p;
  }();
  return path;
}

inline std::vector<std::string> train_args(const fs::path& data) {
  return {tool_path("mosaic-train"), "--data", data.string(), "--arch", "2x2x20", "--c-min", "4", "--bins", "20",
          "--epochs", "2", "--batch", "16", "--train-eval-samples", "32", "--threads", "1", "--no-progress",
          "--out", "net.json"};
}

}  // namespace mosaic::faults
