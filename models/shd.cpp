#include "models/shd.hpp"

#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "models/error.hpp"
#include "models/hdf5.hpp"
#include "models/input_file.hpp"

namespace mosaic {

namespace {

// Samples read per hyperslab: large enough to amortise HDF5's per-read cost, small enough
// that a chunk of real SHD samples (10^3 to 10^4 spikes each) stays at a few megabytes.
constexpr std::size_t kSamplesPerChunk = 256;

constexpr const char* kTimes = "spikes/times";
constexpr const char* kUnits = "spikes/units";
constexpr const char* kLabels = "labels";
constexpr const char* kSpeaker = "extra/speaker";
constexpr const char* kKeys = "extra/keys";

using H5Id = h5::Id;
using h5::check;
using h5::checked_id;

// IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits, bias 15), built from a float32
// type of the wanted byte order: HDF5 1.10 has no predefined half type. The fields are set
// while the type is still 32 bits wide, so shrinking it afterwards only drops unused bits.
H5Id make_half_type(hid_t float32_type) {
  H5Id type = checked_id(H5Tcopy(float32_type), H5Tclose, "H5Tcopy float");
  check(H5Tset_fields(type.get(), 15, 10, 5, 0, 10), "H5Tset_fields half");
  check(H5Tset_precision(type.get(), 16), "H5Tset_precision half");
  check(H5Tset_size(type.get(), 2), "H5Tset_size half");
  check(H5Tset_ebias(type.get(), 15), "H5Tset_ebias half");
  return type;
}

H5Id make_vlen_type(hid_t element_type) {
  return checked_id(H5Tvlen_create(element_type), H5Tclose, "H5Tvlen_create");
}

// float -> binary16 bits, rounding to nearest with ties to even (as numpy does), so files
// we write hold the same values a Python tool would have written.
uint16_t float_to_half_bits(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) return sign | 0x7e00u;   // NaN stays NaN
  if (magnitude >= 0x47800000u) return sign | 0x7c00u;  // >= 2^16 (or inf): infinity
  if (magnitude < 0x38800000u) {
    // Below 2^-14, the smallest normal half: subnormal in units of 2^-24 (exact scaling,
    // nearbyint rounds ties to even; 1024 units carries into the smallest normal).
    const float units = std::nearbyint(std::fabs(value) * 16777216.0f);
    return sign | static_cast<uint16_t>(units);
  }
  const uint32_t exponent = (magnitude >> 23) - 127 + 15;
  const uint32_t mantissa = magnitude & 0x7fffffu;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  const uint32_t dropped = mantissa & 0x1fffu;
  if (dropped > 0x1000u || (dropped == 0x1000u && (half & 1u) != 0)) ++half;  // a carry rounds into the exponent
  return sign | static_cast<uint16_t>(half);
}

// binary16 bits -> float; exact, since every half value is a float value.
float half_bits_to_float(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1fu;
  const uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa units of 2^-24
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
  }
  const uint32_t float_exponent = exponent == 0x1fu ? 0xffu : exponent - 15 + 127;  // 31: inf or NaN
  const uint32_t bits = sign | (float_exponent << 23) | (mantissa << 13);
  float value = 0.0f;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// True for IEEE binary16 in either byte order, the type of /spikes/times in the published files.
bool is_ieee_half(hid_t type) {
  if (H5Tget_class(type) != H5T_FLOAT || H5Tget_size(type) != 2 || H5Tget_precision(type) != 16 ||
      H5Tget_offset(type) != 0 || H5Tget_ebias(type) != 15 || H5Tget_norm(type) != H5T_NORM_IMPLIED) {
    return false;
  }
  std::size_t sign = 0, exponent_pos = 0, exponent_size = 0, mantissa_pos = 0, mantissa_size = 0;
  if (H5Tget_fields(type, &sign, &exponent_pos, &exponent_size, &mantissa_pos, &mantissa_size) < 0) return false;
  return sign == 15 && exponent_pos == 10 && exponent_size == 5 && mantissa_pos == 0 && mantissa_size == 10;
}

bool is_numeric_class(H5T_class_t type_class) { return type_class == H5T_INTEGER || type_class == H5T_FLOAT; }

}  // namespace

struct ShdReader::Impl {
  std::string path;
  int num_channels = 0;
  int num_classes = 0;

  std::unique_ptr<h5::InputFile> file;
  H5Id times;
  H5Id units;
  // Times arrive either as raw binary16 bits, widened here (HDF5's own float16 conversion
  // is a generic bit-by-bit routine, about 50 times slower), or, for any other float type on
  // file, as native floats converted by HDF5.
  bool times_are_half = false;
  H5Id times_memory_type;
  H5Id units_memory_type;  // vlen of native int: out-of-range ids stay visible, never wrap
  std::size_t sample_count = 0;
  std::size_t file_size = 0;  // bounds every size read from the file
  std::vector<int> labels;
  std::vector<int> speakers;
  ShdExtra extra;

  // The cached chunk: samples [chunk_begin, chunk_begin + chunk_times.size()).
  std::size_t chunk_begin = 0;
  std::vector<std::vector<float>> chunk_times;
  std::vector<std::vector<int>> chunk_units;

  InputError error(const std::string& field, const std::string& problem) const {
    return InputError(path, field, problem);
  }

  void open_file();
  void check_vlen_storage() const;
  std::vector<uint32_t> stored_lengths(const H5Id& dataset, const std::string& name) const;
  bool exists(const std::string& name) const;
  H5Id open_dataset(const std::string& name) const;
  std::size_t rows_of(const H5Id& dataset, const std::string& name) const;
  H5T_class_t type_class_of(const H5Id& dataset) const;
  H5T_class_t vlen_element_class_of(const H5Id& dataset, const std::string& name) const;
  std::vector<int> read_integers(const H5Id& dataset, const std::string& name) const;
  std::vector<std::string> read_strings(const H5Id& dataset, const std::string& name) const;
  void read_labels_and_speakers();
  void read_extra();
  void load_chunk(std::size_t begin);
  void choose_times_memory_type();
  template <typename Element, typename Value, typename Convert>
  void read_vlen_rows(const H5Id& dataset, const H5Id& memory_type, const char* name, std::size_t begin,
                      std::size_t count, std::vector<std::vector<Value>>& rows, Convert convert) const;
  ShdSample checked_sample(std::size_t index) const;
};

void ShdReader::Impl::open_file() {
  file = std::make_unique<h5::InputFile>(path);
  file_size = file->size();
}

bool ShdReader::Impl::exists(const std::string& name) const { return file->exists(name); }

H5Id ShdReader::Impl::open_dataset(const std::string& name) const { return file->open_dataset(name); }

std::size_t ShdReader::Impl::rows_of(const H5Id& dataset, const std::string& name) const {
  return file->rows_of(dataset, name);
}

H5T_class_t ShdReader::Impl::type_class_of(const H5Id& dataset) const {
  H5Id type = checked_id(H5Dget_type(dataset.get()), H5Tclose, "H5Dget_type");
  return H5Tget_class(type.get());
}

H5T_class_t ShdReader::Impl::vlen_element_class_of(const H5Id& dataset, const std::string& name) const {
  H5Id type = checked_id(H5Dget_type(dataset.get()), H5Tclose, "H5Dget_type");
  if (H5Tget_class(type.get()) != H5T_VLEN) throw error(name, "expected variable-length arrays (one per sample)");
  H5Id element = checked_id(H5Tget_super(type.get()), H5Tclose, "H5Tget_super");
  return H5Tget_class(element.get());
}

// Any integer width and sign on file; HDF5 converts to int, saturating values that do not
// fit, which the range checks then refuse.
std::vector<int> ShdReader::Impl::read_integers(const H5Id& dataset, const std::string& name) const {
  if (type_class_of(dataset) != H5T_INTEGER) throw error(name, "expected integers");
  std::vector<int> values(rows_of(dataset, name));
  if (!values.empty() &&
      H5Dread(dataset.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    throw error(name, "cannot be read as integers");
  }
  return values;
}

// Strings stored either as variable-length (h5py's str) or fixed-length (numpy's bytes_).
std::vector<std::string> ShdReader::Impl::read_strings(const H5Id& dataset, const std::string& name) const {
  return file->read_strings(dataset, rows_of(dataset, name), name);
}

void ShdReader::Impl::read_labels_and_speakers() {
  H5Id labels_dataset = open_dataset(kLabels);
  const std::size_t label_rows = rows_of(labels_dataset, kLabels);
  if (label_rows != sample_count) {
    throw error(kLabels, fmt::format("has {} rows but {} has {}", label_rows, kTimes, sample_count));
  }
  labels = read_integers(labels_dataset, kLabels);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      throw error(kLabels, fmt::format("sample {}: label {} outside 0..{}", i, labels[i], num_classes - 1));
    }
  }
  if (!exists(kSpeaker)) return;
  H5Id speaker_dataset = open_dataset(kSpeaker);
  const std::size_t speaker_rows = rows_of(speaker_dataset, kSpeaker);
  if (speaker_rows != sample_count) {
    throw error(kSpeaker, fmt::format("has {} rows but {} has {}", speaker_rows, kTimes, sample_count));
  }
  speakers = read_integers(speaker_dataset, kSpeaker);
  for (std::size_t i = 0; i < speakers.size(); ++i) {
    if (speakers[i] < 0) throw error(kSpeaker, fmt::format("sample {}: negative speaker {}", i, speakers[i]));
  }
}

// extra/keys and extra/meta_info serve reports only: absent is fine. ShdExtra holds the
// speaker facts as integers, so numbers are read (floats rounded to the nearest integer) and
// a field stored as text (the published files may hold gender as words) is left empty.
void ShdReader::Impl::read_extra() {
  if (exists(kKeys)) {
    H5Id keys_dataset = open_dataset(kKeys);
    extra.keys = read_strings(keys_dataset, kKeys);
  }
  const std::pair<const char*, std::vector<int>*> meta_fields[] = {
      {"extra/meta_info/gender", &extra.gender},
      {"extra/meta_info/age", &extra.age},
      {"extra/meta_info/body_height", &extra.body_height},
  };
  for (const auto& [name, values] : meta_fields) {
    if (!exists(name)) continue;
    H5Id dataset = open_dataset(name);
    if (!is_numeric_class(type_class_of(dataset))) continue;
    std::vector<double> numbers(rows_of(dataset, name));
    if (!numbers.empty() &&
        H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, numbers.data()) < 0) {
      throw error(name, "cannot be read as numbers");
    }
    values->clear();
    for (double number : numbers) {
      if (!std::isfinite(number) || std::fabs(number) > 1e9) throw error(name, fmt::format("value {} is not usable", number));
      values->push_back(static_cast<int>(std::lround(number)));
    }
  }
}

void ShdReader::Impl::choose_times_memory_type() {
  H5Id file_type = checked_id(H5Dget_type(times.get()), H5Tclose, "H5Dget_type");
  H5Id element = checked_id(H5Tget_super(file_type.get()), H5Tclose, "H5Tget_super");
  times_are_half = is_ieee_half(element.get());
  if (!times_are_half) {
    times_memory_type = make_vlen_type(H5T_NATIVE_FLOAT);
    return;
  }
  // The file's own half type in native byte order: HDF5 at most swaps bytes.
  H5Id native_half = checked_id(H5Tcopy(element.get()), H5Tclose, "H5Tcopy half");
  check(H5Tset_order(native_half.get(), H5Tget_order(H5T_NATIVE_FLOAT)), "H5Tset_order");
  times_memory_type = make_vlen_type(native_half.get());
}

// The lengths of the spike arrays, read without following them into the heap (models/hdf5.hpp).
std::vector<uint32_t> ShdReader::Impl::stored_lengths(const H5Id& dataset, const std::string& name) const {
  return file->stored_vlen_lengths(dataset, rows_of(dataset, name), name, "sample");
}

// Checks the spike arrays' stored lengths before any H5Dread follows them: a damaged length
// or heap address would otherwise reach libhdf5's heap code, which trusts them.
void ShdReader::Impl::check_vlen_storage() const {
  const std::vector<uint32_t> time_lengths = stored_lengths(times, kTimes);
  const std::vector<uint32_t> unit_lengths = stored_lengths(units, kUnits);
  if (time_lengths.empty() || unit_lengths.empty()) return;
  for (std::size_t i = 0; i < sample_count; ++i) {
    if (time_lengths[i] != unit_lengths[i]) {
      throw error(kUnits, fmt::format("sample {}: {} units for {} times", i, unit_lengths[i], time_lengths[i]));
    }
  }
}

template <typename Element, typename Value, typename Convert>
void ShdReader::Impl::read_vlen_rows(const H5Id& dataset, const H5Id& memory_type, const char* name,
                                     std::size_t begin, std::size_t count,
                                     std::vector<std::vector<Value>>& rows, Convert convert) const {
  H5Id file_space = checked_id(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space");
  const hsize_t start = begin;
  const hsize_t length = count;
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &length, nullptr),
        "H5Sselect_hyperslab");
  H5Id memory_space = checked_id(H5Screate_simple(1, &length, nullptr), H5Sclose, "H5Screate_simple");
  // A sample's array cannot hold more elements than the file has bytes.
  h5::VlenMemory memory(file_size * sizeof(Element) + sizeof(Element));
  std::vector<hvl_t> buffers(count, hvl_t{0, nullptr});
  if (H5Dread(dataset.get(), memory_type.get(), memory_space.get(), file_space.get(), memory.transfer(),
              buffers.data()) < 0) {
    throw error(name, fmt::format("samples {}..{} cannot be read (damaged file?)", begin, begin + count - 1));
  }
  rows.assign(count, {});
  for (std::size_t i = 0; i < count; ++i) {
    const Element* first = static_cast<const Element*>(buffers[i].p);
    rows[i].resize(buffers[i].len);
    std::transform(first, first + buffers[i].len, rows[i].begin(), convert);
  }
}

void ShdReader::Impl::load_chunk(std::size_t begin) {
  const std::size_t count = std::min(kSamplesPerChunk, sample_count - begin);
  // Drop the old chunk first, so that two chunks are never held at once.
  chunk_times.clear();
  chunk_units.clear();
  if (times_are_half) {
    read_vlen_rows<uint16_t>(times, times_memory_type, kTimes, begin, count, chunk_times, half_bits_to_float);
  } else {
    read_vlen_rows<float>(times, times_memory_type, kTimes, begin, count, chunk_times, [](float t) { return t; });
  }
  read_vlen_rows<int>(units, units_memory_type, kUnits, begin, count, chunk_units, [](int unit) { return unit; });
  chunk_begin = begin;
}

ShdSample ShdReader::Impl::checked_sample(std::size_t index) const {
  const std::vector<float>& sample_times = chunk_times[index - chunk_begin];
  const std::vector<int>& sample_units = chunk_units[index - chunk_begin];
  if (sample_times.size() != sample_units.size()) {
    throw error(kUnits, fmt::format("sample {}: {} units for {} times", index, sample_units.size(),
                                    sample_times.size()));
  }
  ShdSample sample;
  sample.times = sample_times;
  for (std::size_t e = 0; e < sample_times.size(); ++e) {
    const float time = sample_times[e];
    if (!std::isfinite(time)) throw error(kTimes, fmt::format("sample {}: spike {} has time {}", index, e, time));
    if (time < 0.0f) throw error(kTimes, fmt::format("sample {}: spike {} has negative time {}", index, e, time));
    // SHD stores each sample's times sorted ascending (models/SPEC.md section 4.1); readers of
    // a sample (the corpus statistics take its last time as its duration) rely on that.
    if (e > 0 && time < sample_times[e - 1]) {
      throw error(kTimes, fmt::format("sample {}: spike {} at {} s comes before spike {} at {} s (times must be sorted "
                                      "ascending)", index, e, time, e - 1, sample_times[e - 1]));
    }
  }
  sample.units.reserve(sample_units.size());
  for (int unit : sample_units) {
    if (unit < 0 || unit >= num_channels) {
      throw error(kUnits, fmt::format("sample {}: unit {} outside 0..{}", index, unit, num_channels - 1));
    }
    sample.units.push_back(static_cast<uint16_t>(unit));
  }
  sample.label = labels[index];
  sample.speaker = speakers.empty() ? -1 : speakers[index];
  return sample;
}

namespace {

// Opens the file and reads every sample in a forked child (models/hdf5.hpp: a crash inside
// libhdf5 becomes an InputError naming the file).
void read_everything_in_child(const std::string& path, int num_channels, int num_classes) {
  h5::read_in_child(path, [&] {
    ShdReader reader(path, num_channels, num_classes, ShdCheck::Layout);
    reader.validate_all();
  });
}

}  // namespace

ShdReader::ShdReader(const std::string& path, int num_channels, int num_classes, ShdCheck check)
    : path_(path), impl_(std::make_unique<Impl>()) {
  if (num_channels < 1 || num_channels > 65536) throw std::invalid_argument("ShdReader: num_channels outside 1..65536");
  if (num_classes < 1) throw std::invalid_argument("ShdReader: num_classes must be positive");
  h5::silence_errors();
  if (check == ShdCheck::Everything) {
    check_input_file(path);
    read_everything_in_child(path, num_channels, num_classes);
  }
  Impl& impl = *impl_;
  impl.path = path;
  impl.num_channels = num_channels;
  impl.num_classes = num_classes;
  impl.open_file();

  impl.times = impl.open_dataset(kTimes);
  impl.units = impl.open_dataset(kUnits);
  if (impl.vlen_element_class_of(impl.times, kTimes) != H5T_FLOAT) {
    throw impl.error(kTimes, "expected variable-length arrays of floats");
  }
  if (impl.vlen_element_class_of(impl.units, kUnits) != H5T_INTEGER) {
    throw impl.error(kUnits, "expected variable-length arrays of integers");
  }
  impl.sample_count = impl.rows_of(impl.times, kTimes);
  const std::size_t unit_rows = impl.rows_of(impl.units, kUnits);
  if (unit_rows != impl.sample_count) {
    throw impl.error(kUnits, fmt::format("has {} rows but {} has {}", unit_rows, kTimes, impl.sample_count));
  }
  impl.check_vlen_storage();
  impl.read_labels_and_speakers();
  if (impl.sample_count == 0) throw impl.error(kTimes, "the file holds no samples");
  impl.read_extra();

  impl.choose_times_memory_type();
  impl.units_memory_type = make_vlen_type(H5T_NATIVE_INT);
}

ShdReader::~ShdReader() = default;

std::size_t ShdReader::size() const { return impl_->sample_count; }
const std::vector<int>& ShdReader::labels() const { return impl_->labels; }
const std::vector<int>& ShdReader::speakers() const { return impl_->speakers; }
const ShdExtra& ShdReader::extra() const { return impl_->extra; }

ShdSample ShdReader::read(std::size_t index) {
  Impl& impl = *impl_;
  if (index >= impl.sample_count) {
    throw std::out_of_range(fmt::format("ShdReader::read: sample {} of {} in {}", index, impl.sample_count, path_));
  }
  const bool cached = !impl.chunk_times.empty() && index >= impl.chunk_begin &&
                      index < impl.chunk_begin + impl.chunk_times.size();
  if (!cached) impl.load_chunk(index / kSamplesPerChunk * kSamplesPerChunk);
  return impl.checked_sample(index);
}

void ShdReader::validate_all() {
  for (std::size_t i = 0; i < size(); ++i) read(i);
}

namespace {

// Writes a one-dimensional dataset of `rows` elements (nothing to write when rows is 0).
void write_dataset(hid_t parent, const char* name, hid_t file_type, hid_t memory_type, std::size_t rows,
                   const void* data) {
  const hsize_t dims = rows;
  H5Id space = checked_id(H5Screate_simple(1, &dims, nullptr), H5Sclose, "H5Screate_simple");
  H5Id creation = h5::untimed_creation_plist(H5P_DATASET_CREATE);
  H5Id dataset = checked_id(H5Dcreate2(parent, name, file_type, space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                            H5Dclose, name);
  if (rows > 0) check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name);
}

// Speakers are all given (>= 0) or all absent (-1); the file has /extra/speaker or not.
bool samples_have_speakers(const std::vector<ShdSample>& samples) {
  const bool any = std::any_of(samples.begin(), samples.end(), [](const ShdSample& s) { return s.speaker != -1; });
  if (!any) return false;
  for (const ShdSample& sample : samples) {
    if (sample.speaker < 0 || sample.speaker > 65535) {
      throw std::invalid_argument("write_shd: speakers must be all -1 or all in 0..65535");
    }
  }
  return true;
}

void check_writable(const std::vector<ShdSample>& samples) {
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].times.size() != samples[i].units.size()) {
      throw std::invalid_argument(fmt::format("write_shd: sample {} has {} times but {} units", i,
                                              samples[i].times.size(), samples[i].units.size()));
    }
    if (!std::is_sorted(samples[i].times.begin(), samples[i].times.end())) {
      throw std::invalid_argument(fmt::format("write_shd: sample {} has unsorted times (models/SPEC.md section 4.1)", i));
    }
    if (samples[i].label < 0 || samples[i].label > 65535) {
      throw std::invalid_argument(fmt::format("write_shd: sample {} label {} outside uint16", i, samples[i].label));
    }
  }
}

}  // namespace

void write_shd(const std::string& path, const std::vector<ShdSample>& samples, const ShdExtra& extra) {
  check_writable(samples);
  const bool with_speakers = samples_have_speakers(samples);
  const bool with_meta = !extra.gender.empty() || !extra.age.empty() || !extra.body_height.empty();

  // Times are rounded to float16 here (ties to even) and written bit for bit.
  std::vector<std::vector<uint16_t>> half_times(samples.size());
  std::vector<hvl_t> time_rows(samples.size());
  std::vector<hvl_t> unit_rows(samples.size());
  std::vector<int> labels(samples.size());
  std::vector<int> speakers;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    half_times[i].reserve(samples[i].times.size());
    for (float time : samples[i].times) half_times[i].push_back(float_to_half_bits(time));
    time_rows[i] = hvl_t{half_times[i].size(), half_times[i].data()};
    // HDF5 only reads through p on writing; the cast is for hvl_t's non-const pointer.
    unit_rows[i] = hvl_t{samples[i].units.size(), const_cast<uint16_t*>(samples[i].units.data())};
    labels[i] = samples[i].label;
    if (with_speakers) speakers.push_back(samples[i].speaker);
  }

  // Built in memory and written with the checked atomic writer (models/hdf5.hpp): libhdf5
  // never holds a half-written file open at exit (which crashed at exit before).
  h5::write_file_atomic(path, [&](hid_t file) {
    H5Id half_on_file = make_half_type(H5T_IEEE_F32LE);
    H5Id half_in_memory = make_half_type(H5T_NATIVE_FLOAT);
    H5Id times_file_type = make_vlen_type(half_on_file.get());
    H5Id times_memory_type = make_vlen_type(half_in_memory.get());
    H5Id units_file_type = make_vlen_type(H5T_STD_U16LE);
    H5Id units_memory_type = make_vlen_type(H5T_NATIVE_UINT16);

    {
      H5Id spikes = h5::create_group(file, "spikes");
      write_dataset(spikes.get(), "times", times_file_type.get(), times_memory_type.get(), samples.size(),
                    time_rows.data());
      write_dataset(spikes.get(), "units", units_file_type.get(), units_memory_type.get(), samples.size(),
                    unit_rows.data());
    }
    write_dataset(file, "labels", H5T_STD_U16LE, H5T_NATIVE_INT, labels.size(), labels.data());

    if (with_speakers || !extra.keys.empty() || with_meta) {
      H5Id extra_group = h5::create_group(file, "extra");
      if (with_speakers) {
        write_dataset(extra_group.get(), "speaker", H5T_STD_U16LE, H5T_NATIVE_INT, speakers.size(), speakers.data());
      }
      if (!extra.keys.empty()) {
        std::vector<const char*> key_pointers;
        for (const std::string& key : extra.keys) key_pointers.push_back(key.c_str());
        H5Id string_type = h5::vlen_string_type();
        write_dataset(extra_group.get(), "keys", string_type.get(), string_type.get(), key_pointers.size(),
                      key_pointers.data());
      }
      if (with_meta) {
        H5Id meta = h5::create_group(extra_group.get(), "meta_info");
        const std::pair<const char*, const std::vector<int>*> meta_fields[] = {
            {"gender", &extra.gender}, {"age", &extra.age}, {"body_height", &extra.body_height}};
        for (const auto& [name, values] : meta_fields) {
          if (values->empty()) continue;
          write_dataset(meta.get(), name, H5T_STD_I32LE, H5T_NATIVE_INT, values->size(), values->data());
        }
      }
    }
  });
}

BinSpec bin_spec(const InputSpec& input) {
  BinSpec spec;
  spec.bins = input.bins;
  spec.t_max_s = input.t_max_s;
  spec.n_inp = input.n_inp;
  spec.interleave_k = input.interleave_k;
  spec.shd_channels = input.shd_channels;
  return spec;
}

// Events of other subsets are not looked at; BinStats::events counts the events of this
// subset, kept or dropped, so over all k subsets it is the sample's spike count. An event
// that is both late and on an unused channel counts as dropped_channel. Counts are added to
// *stats, so one BinStats can sum a whole file. The sample does not know its index in the
// file: the caller sets BinnedSample::recording.
BinnedSample bin_sample(const ShdSample& sample, const BinSpec& spec, int subset, BinStats* stats) {
  if (spec.bins < 1 || !(spec.t_max_s > 0.0) || !std::isfinite(spec.t_max_s) || spec.n_inp < 1 ||
      spec.interleave_k < 1 || spec.shd_channels < 1) {
    throw std::invalid_argument("bin_sample: bins, t_max_s, n_inp, interleave_k and shd_channels must be positive");
  }
  if (subset < 0 || subset >= spec.interleave_k) {
    throw std::invalid_argument(fmt::format("bin_sample: subset {} outside 0..{}", subset, spec.interleave_k - 1));
  }
  if (sample.times.size() != sample.units.size()) {
    throw std::invalid_argument("bin_sample: times and units differ in length");
  }
  BinnedSample binned;
  binned.active.assign(static_cast<std::size_t>(spec.bins), {});
  binned.label = sample.label;
  binned.subset = subset;

  const double bin_width = spec.t_max_s / spec.bins;
  BinStats counted;
  for (std::size_t e = 0; e < sample.times.size(); ++e) {
    const int channel = sample.units[e];
    if (channel >= spec.shd_channels) {
      throw std::invalid_argument(fmt::format("bin_sample: channel {} outside 0..{}", channel, spec.shd_channels - 1));
    }
    if (channel % spec.interleave_k != subset) continue;
    ++counted.events;
    const int reduced = channel / spec.interleave_k;
    if (reduced >= spec.n_inp) {
      ++counted.dropped_channel;
      continue;
    }
    const double time = sample.times[e];
    if (!std::isfinite(time) || time < 0.0) {
      throw std::invalid_argument(fmt::format("bin_sample: spike {} has time {}", e, time));
    }
    if (time >= spec.t_max_s) {
      ++counted.dropped_late;
      continue;
    }
    // time < t_max, so the exact quotient is below bins; the clamp only undoes rounding.
    const int bin = std::min(static_cast<int>(std::floor(time / bin_width)), spec.bins - 1);
    binned.active[static_cast<std::size_t>(bin)].push_back(reduced);
  }
  for (std::vector<int>& channels : binned.active) {
    std::sort(channels.begin(), channels.end());
    channels.erase(std::unique(channels.begin(), channels.end()), channels.end());
  }
  if (stats != nullptr) {
    stats->events += counted.events;
    stats->dropped_late += counted.dropped_late;
    stats->dropped_channel += counted.dropped_channel;
  }
  return binned;
}

std::vector<BinnedSample> bin_all_subsets(const ShdSample& sample, const BinSpec& spec, BinStats* stats) {
  std::vector<BinnedSample> subsets;
  subsets.reserve(static_cast<std::size_t>(std::max(spec.interleave_k, 0)));
  for (int subset = 0; subset < spec.interleave_k; ++subset) subsets.push_back(bin_sample(sample, spec, subset, stats));
  return subsets;
}

}  // namespace mosaic
