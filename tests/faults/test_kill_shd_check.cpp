// Fault test (issue 11): the child process that checks a user's SHD file (models/shd.cpp,
// ShdCheck::Everything) dies with its parent when the parent is killed with SIGKILL, instead of
// reading on for nobody.
#include <gtest/gtest.h>
#include <sys/prctl.h>

#include "tests/faults/fault_support.hpp"

using namespace mosaic::faults;

namespace {

// The children of `pid` as /proc lists them (cheap enough to poll in a tight loop).
std::vector<pid_t> direct_children(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t child; in >> child;) out.push_back(child);
  return out;
}

// Whether `pid` has `file` open.
bool has_open(pid_t pid, const fs::path& file) {
  std::error_code error;
  for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", error), end; !error && it != end;
       it.increment(error)) {
    std::error_code ignored;
    if (fs::read_symlink(it->path(), ignored) == file) return true;
  }
  return false;
}

char state_of(pid_t pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 ? stat[close + 2] : '?';
}

// Made the subreaper of orphans for its lifetime: a killed tool's children are reparented to
// this test process, so that they can be waited for, and their process group (the tool's) is
// not orphaned, which would end a stopped member with SIGHUP whatever the code under test does.
class Subreaper {
 public:
  Subreaper() { ok_ = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }
  ~Subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

}  // namespace

TEST(Faults, ShdCheckingChildDiesWithItsKilledParent) {
  const fs::path dir = fresh_dir("shd_check");
  // Long enough (about 45 MB) that its check, a fraction of a second, is seen running.
  const fs::path input = dir / "long.h5";
  const auto made = run_command(tool_path("mosaic-sim-bench-input") + " --from traces/shd_sample.h5 --recordings 3000 --out " +
                                input.string());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const Subreaper subreaper;
  ASSERT_TRUE(subreaper.ok()) << "PR_SET_CHILD_SUBREAPER refused";
  const std::vector<std::string> args = {tool_path("mosaic-sim"), "--net", source("traces/default_net.json"), "--input",
                                         input.string(), "--recordings", "1"};
  bool tested = false;
  for (int attempt = 0; attempt < 5 && !tested; ++attempt) {
    pid_t checker = -1;
    {
      Process p(args, dir, dir / "log", {"TMPDIR=" + dir.string(), "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1"});
      // mosaic-sim's only child while it loads its input is the checking one (no output is
      // registered yet, so no cleanup guard runs). It is stopped once it has opened the input,
      // past its set-up (a child stopped before it asks to die with its parent could not
      // ask), so that it cannot finish on its own and only its parent's death can end it.
      while (checker < 0 && !p.finished()) {
        for (pid_t child : direct_children(p.pid()))
          if (has_open(child, input)) {
            checker = child;
            ::kill(checker, SIGSTOP);
          }
      }
      for (int i = 0; i < 100 && checker > 0 && state_of(checker) != 'T' && state_of(checker) != 'Z'; ++i) ::usleep(1000);
      if (checker < 0 || state_of(checker) != 'T') continue;  // the check ended before it was stopped: again
      tested = true;
      p.kill9();  // the tool alone; then waits up to 10 s for its group to end
      int status = 0;
      pid_t reaped = 0;
      for (int i = 0; i < 200 && (reaped = ::waitpid(checker, &status, WNOHANG)) == 0; ++i) ::usleep(50000);
      EXPECT_EQ(reaped, checker) << "the checking child outlived its killed parent (state " << state_of(checker) << ")";
      if (reaped == checker) {
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
      }
    }  // the tool's group is killed here in any case
    // A checking child left to this process (and killed above) is reaped; another one's is not ours.
    if (checker > 0)
      while (::waitpid(checker, nullptr, 0) < 0 && errno == EINTR) {
      }
  }
  EXPECT_TRUE(tested) << "the check always ended before the test could stop it";
  fs::remove_all(dir);
}
