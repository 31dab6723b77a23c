#pragma once
// What an interrupted tool must not leave behind. On SIGINT, SIGTERM or SIGHUP the process
// kills the child processes registered here (mosaic-sim's workers), removes the registered
// files and folders (temporaries of outputs being written, a workers' folder), and then dies
// of the signal as it would have. SIGKILL cannot be caught: the first registration starts a
// guard process that waits for the tool to end, however it ends, and then kills and removes
// what is still registered; children also use PR_SET_PDEATHSIG, and the next run removes what
// a killed guard left (see models/atomic_file.hpp).
#include <sys/types.h>

#include <string>

namespace mosaic {

// The guard's process name (ps, /proc/<pid>/comm).
constexpr const char* kGuardName = "mosaic-guard";

// Registers `path` (a file, or a folder of files) for removal on a signal; returns a slot
// for forget_path, or -1 when every slot is taken (then nothing is removed on a signal).
int remove_on_signal(const std::string& path);
void forget_path(int slot);

int kill_on_signal(pid_t pid);
void forget_pid(int slot);

// In a child right after fork: forget the parent's registrations and restore the default
// handlers, so a signal to the child never removes the parent's files.
void reset_signal_cleanup_in_child();

}  // namespace mosaic
