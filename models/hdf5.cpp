#include "models/hdf5.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#if defined(__SANITIZE_ADDRESS__)
#define MOSAIC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOSAIC_ASAN 1
#endif
#endif
#ifdef MOSAIC_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#include "models/atomic_file.hpp"
#include "models/input_file.hpp"
#include "models/signal_cleanup.hpp"

namespace mosaic::h5 {

void check(herr_t status, const char* what) {
  if (status < 0) throw std::runtime_error(fmt::format("HDF5 call failed: {}", what));
}

Id checked_id(hid_t id, Id::Closer closer, const char* what) {
  if (id < 0) throw std::runtime_error(fmt::format("HDF5 call failed: {}", what));
  return Id(id, closer);
}

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Id vlen_string_type() {
  Id type = checked_id(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy string");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size variable");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return type;
}

Id untimed_creation_plist(hid_t plist_class) {
  Id plist = checked_id(H5Pcreate(plist_class), H5Pclose, "H5Pcreate");
  check(H5Pset_obj_track_times(plist.get(), 0), "H5Pset_obj_track_times");
  return plist;
}

Id create_group(hid_t parent, const char* name) {
  Id creation = untimed_creation_plist(H5P_GROUP_CREATE);
  return checked_id(H5Gcreate2(parent, name, H5P_DEFAULT, creation.get(), H5P_DEFAULT), H5Gclose, name);
}

// VlenMemory --------------------------------------------------------------------------

VlenMemory::VlenMemory(std::size_t limit)
    : limit_(limit), transfer_(checked_id(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "H5Pcreate xfer")) {
  check(H5Pset_vlen_mem_manager(transfer_.get(), &VlenMemory::allocate, this, &VlenMemory::release, this),
        "H5Pset_vlen_mem_manager");
}

VlenMemory::~VlenMemory() {
  for (void* block : blocks_) std::free(block);
}

void* VlenMemory::allocate(std::size_t size, void* self) {
  auto* memory = static_cast<VlenMemory*>(self);
  if (size > memory->limit_) return nullptr;
  void* block = std::malloc(size == 0 ? 1 : size);
  if (block != nullptr) memory->blocks_.insert(block);
  return block;
}

void VlenMemory::release(void* block, void* self) {
  if (block == nullptr) return;
  static_cast<VlenMemory*>(self)->blocks_.erase(block);
  std::free(block);
}

// InputFile ---------------------------------------------------------------------------

InputFile::InputFile(std::string path) : path_(std::move(path)) {
  silence_errors();
  check_input_file(path_);
  std::error_code ignored;
  size_ = static_cast<std::size_t>(std::filesystem::file_size(path_, ignored));
  if (H5Fis_hdf5(path_.c_str()) <= 0) throw error("(file)", "is not an HDF5 file");
  const hid_t id = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw error("(file)", "cannot be opened as an HDF5 file");
  file_ = Id(id, H5Fclose);
}

bool InputFile::exists(const std::string& name, hid_t parent) const {
  const hid_t base = parent == H5I_INVALID_HID ? file_.get() : parent;
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = name.find('/', end + 1);
    const std::string prefix = name.substr(0, end);
    if (H5Lexists(base, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

Id InputFile::open_dataset(const std::string& name) const {
  if (!exists(name)) throw error(name, "missing dataset");
  const hid_t id = H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT);
  if (id < 0) throw error(name, "is not a dataset");
  return Id(id, H5Dclose);
}

std::size_t InputFile::rows_of(const Id& dataset, const std::string& field) const {
  Id space = checked_id(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != 1) throw error(field, fmt::format("expected a one-dimensional dataset, found rank {}", rank));
  hsize_t rows = 0;
  check(H5Sget_simple_extent_dims(space.get(), &rows, nullptr), "H5Sget_simple_extent_dims");
  // Every row takes at least a byte on file: a larger count is a damaged dataspace.
  if (rows > size_) throw error(field, fmt::format("claims {} rows, more than the file's {} bytes hold", rows, size_));
  return static_cast<std::size_t>(rows);
}

std::vector<std::string> InputFile::read_strings(const Id& dataset, std::size_t count, const std::string& field) const {
  Id file_type = checked_id(H5Dget_type(dataset.get()), H5Tclose, "H5Dget_type");
  if (H5Tget_class(file_type.get()) != H5T_STRING) throw error(field, "expected strings");
  std::vector<std::string> strings;
  if (count == 0) return strings;
  if (count > size_) throw error(field, fmt::format("claims {} strings, more than the file's {} bytes hold", count, size_));
  strings.reserve(count);

  Id memory_type = checked_id(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy string");
  // The character set comes from the file: a damaged one is the input's fault.
  const H5T_cset_t cset = H5Tget_cset(file_type.get());
  if (cset < 0 || H5Tset_cset(memory_type.get(), cset) < 0) throw error(field, "has a damaged string type (character set)");
  if (H5Tis_variable_str(file_type.get()) > 0) {
    stored_vlen_lengths(dataset, count, field, "string");  // checks lengths and addresses before the read follows them
    check(H5Tset_size(memory_type.get(), H5T_VARIABLE), "H5Tset_size variable");
    Id memory_space = checked_id(H5Screate_simple(1, std::array<hsize_t, 1>{count}.data(), nullptr), H5Sclose,
                                 "H5Screate_simple");
    std::vector<char*> pointers(count, nullptr);
    VlenMemory memory(size_ + 1);
    if (H5Dread(dataset.get(), memory_type.get(), memory_space.get(), H5S_ALL, memory.transfer(), pointers.data()) < 0) {
      throw error(field, "cannot be read as strings");
    }
    for (const char* text : pointers) strings.emplace_back(text != nullptr ? text : "");
  } else {
    // One byte more than on file and null-terminated: HDF5 converts any padding to nulls.
    const std::size_t width = H5Tget_size(file_type.get()) + 1;
    if (width > size_) throw error(field, fmt::format("strings of {} bytes in a file of {} bytes", width, size_));
    check(H5Tset_size(memory_type.get(), width), "H5Tset_size fixed");
    check(H5Tset_strpad(memory_type.get(), H5T_STR_NULLTERM), "H5Tset_strpad");
    std::vector<char> buffer(count * width, '\0');
    if (H5Dread(dataset.get(), memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) {
      throw error(field, "cannot be read as strings");
    }
    for (std::size_t i = 0; i < count; ++i) {
      const char* text = buffer.data() + i * width;
      strings.emplace_back(text, strnlen(text, width));
    }
  }
  return strings;
}

// On file each vlen element is a 4-byte length and a global heap id (an address of
// sizeof_addr bytes and a 4-byte index), little-endian (HDF5 file format, "Variable-length
// data").
std::vector<std::uint32_t> InputFile::stored_vlen_lengths(const Id& dataset, std::size_t rows, const std::string& field,
                                                          const char* row_name) const {
  Id creation = checked_id(H5Dget_create_plist(dataset.get()), H5Pclose, "H5Dget_create_plist");
  if (H5Pget_layout(creation.get()) != H5D_CONTIGUOUS || H5Pget_nfilters(creation.get()) != 0) return {};
  const haddr_t offset = H5Dget_offset(dataset.get());
  if (offset == HADDR_UNDEF) return {};
  Id file_creation = checked_id(H5Fget_create_plist(file_.get()), H5Pclose, "H5Fget_create_plist");
  std::size_t sizeof_addr = 0, sizeof_size = 0;
  hsize_t userblock = 0;
  check(H5Pget_sizes(file_creation.get(), &sizeof_addr, &sizeof_size), "H5Pget_sizes");
  check(H5Pget_userblock(file_creation.get(), &userblock), "H5Pget_userblock");
  const std::size_t element = 4 + sizeof_addr + 4;
  const hsize_t storage = H5Dget_storage_size(dataset.get());
  if (storage != rows * element) {
    throw error(field, fmt::format("stores {} bytes for {} rows of {} bytes (damaged file)", storage, rows, element));
  }
  const std::size_t start = static_cast<std::size_t>(offset + userblock);
  if (start > size_ || rows * element > size_ - start) {
    throw error(field, fmt::format("its data at byte {} ({} bytes) lies beyond the end of the file ({} bytes)", start,
                                   rows * element, size_));
  }
  std::ifstream in(path_, std::ios::binary);
  std::vector<unsigned char> bytes(rows * element);
  in.seekg(static_cast<std::streamoff>(start));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw error(field, "its data cannot be read");
  auto little_endian = [&](std::size_t at, std::size_t size) {
    std::uint64_t value = 0;
    for (std::size_t b = 0; b < size && b < 8; ++b) value |= static_cast<std::uint64_t>(bytes[at + b]) << (8 * b);
    return value;
  };
  std::vector<std::uint32_t> lengths(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    lengths[i] = static_cast<std::uint32_t>(little_endian(i * element, 4));
    const std::uint64_t heap_address = little_endian(i * element + 4, sizeof_addr);
    if (lengths[i] > size_) {
      throw error(field, fmt::format("{} {}: length {} exceeds the file's {} bytes (damaged file)", row_name, i, lengths[i], size_));
    }
    if (lengths[i] > 0 && heap_address + userblock >= size_) {
      throw error(field, fmt::format("{} {}: data address {} beyond the end of the file (damaged file)", row_name, i, heap_address));
    }
  }
  return lengths;
}

// Isolation and writing ------------------------------------------------------------------

void read_in_child(const std::string& path, const std::function<void()>& read) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  // A damaged global heap can also send libhdf5 into an endless loop (fuzzing found H5HG_read
  // spinning in its cache): the child gets a CPU-time limit far above what reading takes (about
  // 0.03 s per MB), and SIGXCPU ends it as a crash would.
  std::error_code size_error;
  const auto file_bytes = std::filesystem::file_size(path, size_error);
  const rlim_t cpu_seconds = 2 + (size_error ? 0 : file_bytes / (4u << 20));
  const pid_t parent = getpid();
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    close(fds[0]);
    // The child dies with the tool that started it (a killed tool leaves no reader behind); the
    // parent may have died before the request took effect, hence the check after it. It lets
    // go of the parent's cleanup registrations, so that a Ctrl-C reaching the whole process
    // group runs the parent's cleanup once, in the parent.
    reset_signal_cleanup_in_child();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(3);
    // A crash here is what this child exists to contain: the default actions end it, where a
    // sanitizer's or fuzzer's handlers inherited from the parent would report it as the
    // parent's own failure.
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXCPU}) ::signal(s, SIG_DFL);
#ifdef MOSAIC_ASAN
    __sanitizer_set_death_callback(nullptr);
#endif
    const struct rlimit limit = {cpu_seconds, cpu_seconds + 1};
    setrlimit(RLIMIT_CPU, &limit);
    int code = 0;
    std::string message;
    try {
      read();
    } catch (const InputError& e) {
      code = 2;
      message = e.field() + '\n' + e.problem();
    } catch (const std::exception& e) {
      code = 3;
      message = e.what();
    }
    for (std::size_t done = 0; done < message.size();) {
      const ssize_t n = write(fds[1], message.data() + done, message.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    _exit(code);
  }
  close(fds[1]);
  std::string message;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) message.append(buffer, static_cast<std::size_t>(n));
    else if (errno != EINTR) break;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)) {
    throw InputError(path, "(file)", fmt::format("is damaged: reading it did not end within {} s of CPU time "
                                                 "(the HDF5 library loops on it)", cpu_seconds));
  }
  if (WIFSIGNALED(status)) {
    throw InputError(path, "(file)", fmt::format("is damaged: reading it crashed the HDF5 library (signal {}, {})",
                                                 WTERMSIG(status), strsignal(WTERMSIG(status))));
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  if (code == 2) {
    const std::size_t split = message.find('\n');
    throw InputError(path, message.substr(0, split), split == std::string::npos ? "" : message.substr(split + 1));
  }
  if (code != 0) throw std::runtime_error(fmt::format("reading {} failed: {}", path, message));
}

void write_file_atomic(const std::string& path, const std::function<void(hid_t file)>& fill) {
  silence_errors();
  std::string image;
  {
    Id access = checked_id(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate fapl");
    check(H5Pset_fapl_core(access.get(), 1 << 20, 0), "H5Pset_fapl_core");
    Id file = checked_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose, "H5Fcreate");
    fill(file.get());
    check(H5Fflush(file.get(), H5F_SCOPE_LOCAL), "H5Fflush");
    const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
    if (size < 0) throw std::runtime_error("HDF5 call failed: H5Fget_file_image");
    image.resize(static_cast<std::size_t>(size));
    if (H5Fget_file_image(file.get(), image.data(), image.size()) != size) {
      throw std::runtime_error("HDF5 call failed: H5Fget_file_image");
    }
  }
  write_text_atomic(path, image);
}

}  // namespace mosaic::h5
