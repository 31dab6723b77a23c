#pragma once
// The HDF5 helpers shared by our HDF5 readers and writers (SHD files, NIR graphs): an owning
// identifier, checked calls, quiet error stacks, common types, and the checks every user's
// HDF5 file passes before libhdf5 follows anything stored in it (libhdf5 trusts the file:
// a damaged length or address can make it allocate without bound or crash).
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "models/error.hpp"

namespace mosaic::h5 {

// Owns one HDF5 identifier and releases it with the matching H5?close function.
class Id {
 public:
  using Closer = herr_t (*)(hid_t);
  Id() = default;
  Id(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Id() { release(); }
  Id(Id&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Id& operator=(Id&& other) noexcept {
    if (this != &other) {
      release();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  void release() {
    if (id_ >= 0 && closer_ != nullptr) closer_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// HDF5 failures that are not the input's fault (out of memory, disk full on write):
// std::runtime_error naming the call.
void check(herr_t status, const char* what);
Id checked_id(hid_t id, Id::Closer closer, const char* what);

// HDF5 prints its whole error stack to stderr by default; we report errors ourselves.
void silence_errors();

// Variable-length UTF-8 strings (h5py's string_dtype()).
Id vlen_string_type();
// Creation properties without object timestamps, so the same content gives the same bytes.
Id untimed_creation_plist(hid_t plist_class);
Id create_group(hid_t parent, const char* name);

// The memory of vlen reads: HDF5 allocates each element's array through this manager, which
// records every block (so all are freed on every path, a failed read included) and refuses
// any single block larger than `limit` bytes, so that a corrupt length on file ends the read
// with an error instead of a huge allocation.
class VlenMemory {
 public:
  explicit VlenMemory(std::size_t limit);
  ~VlenMemory();
  VlenMemory(const VlenMemory&) = delete;
  VlenMemory& operator=(const VlenMemory&) = delete;

  hid_t transfer() const { return transfer_.get(); }

 private:
  static void* allocate(std::size_t size, void* self);
  static void release(void* block, void* self);

  std::size_t limit_;
  Id transfer_;
  std::unordered_set<void*> blocks_;
};

// A user's HDF5 file opened read-only. Opening refuses (InputError naming the file, field
// "(file)") a missing path, a folder, and a file that is not HDF5. Every size read from the
// file is bounded by the file's byte count; failures are InputErrors naming the dataset.
class InputFile {
 public:
  explicit InputFile(std::string path);

  const std::string& path() const { return path_; }
  hid_t get() const { return file_.get(); }
  std::size_t size() const { return size_; }
  InputError error(const std::string& field, const std::string& problem) const {
    return InputError(path_, field, problem);
  }

  // True if "a/b/c" exists below `parent` (the file's root by default). H5Lexists fails
  // rather than answering "no" when a parent group is missing, so every level is checked.
  bool exists(const std::string& name, hid_t parent = H5I_INVALID_HID) const;
  Id open_dataset(const std::string& name) const;  // field = name
  // Rows of a one-dimensional dataset, at most the file's byte count (every row takes a byte).
  std::size_t rows_of(const Id& dataset, const std::string& field) const;
  // `count` strings, stored variable-length (h5py's str) or fixed-length (numpy's bytes_).
  std::vector<std::string> read_strings(const Id& dataset, std::size_t count, const std::string& field) const;
  // The lengths of a vlen dataset's `rows` arrays, read from the raw dataset bytes without
  // following them into the heap; every length and heap address is checked against the
  // file's size first. Only contiguous, unfiltered datasets can be read this way; others
  // give {}. Errors name the row as "<row_name> <index>".
  std::vector<std::uint32_t> stored_vlen_lengths(const Id& dataset, std::size_t rows, const std::string& field,
                                                 const char* row_name = "row") const;

 private:
  std::string path_;
  Id file_;
  std::size_t size_ = 0;
};

// Runs `read` (which opens and reads the file at `path` completely) in a forked child, so
// that a damaged file which still crashes libhdf5 ends in an InputError naming the file
// instead of a crash; the child's InputError comes back through a pipe. A CPU-time limit
// (2 s + 1 s per 4 MB) turns a libhdf5 loop on a damaged heap into the same InputError, and
// the child dies with its parent. Where no child can be made, nothing is isolated (and `read`
// is not run: the caller reads the file anyway).
void read_in_child(const std::string& path, const std::function<void()>& read);

// Builds an HDF5 file in memory (the core driver, no backing store) with `fill`, and writes
// it to `path` with the checked atomic writer: a full disk is then an InputError naming the
// output, and libhdf5 never holds a half-written file open at exit.
void write_file_atomic(const std::string& path, const std::function<void(hid_t file)>& fill);

}  // namespace mosaic::h5
