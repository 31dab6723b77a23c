// SHD input: files in the real layout written straight through the HDF5 C API (not through
// write_shd) are read back exactly; write_shd round trips; binning matches a hand-computed
// example; every kind of bad file is refused with the field named.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "models/error.hpp"
#include "models/network.hpp"
#include "models/shd.hpp"

namespace mosaic {
namespace {

namespace fs = std::filesystem;

// Closes an HDF5 identifier at the end of a scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) { EXPECT_GE(id, 0); }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// What a fixture file holds; written in the real SHD layout by write_raw_shd.
struct RawShd {
  std::vector<std::vector<float>> times;  // stored as float16 unless float32_times
  std::vector<std::vector<uint16_t>> units;
  std::vector<int> labels;
  std::vector<int> speakers;                // empty: no /extra/speaker
  std::vector<std::string> keys;            // fixed-length strings, as numpy bytes_ arrays
  std::vector<std::string> gender;          // fixed-length strings
  std::vector<int> age;                     // uint8 on file
  std::vector<double> body_height;          // float64 on file
  bool float32_times = false;
  std::vector<std::string> omitted;         // datasets to leave out, e.g. "spikes/units"
  std::vector<int> units_rows_override;     // not used when empty
};

// IEEE binary16 built by hand, the way the published files were written by h5py.
hid_t make_float16_type() {
  const hid_t type = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(type, 15, 10, 5, 0, 10);
  H5Tset_precision(type, 16);
  H5Tset_size(type, 2);
  H5Tset_ebias(type, 15);
  return type;
}

bool omitted(const RawShd& raw, const std::string& name) {
  return std::find(raw.omitted.begin(), raw.omitted.end(), name) != raw.omitted.end();
}

void write_plain(hid_t parent, const char* name, hid_t file_type, hid_t memory_type, std::size_t rows,
                 const void* data) {
  const hsize_t dims = rows;
  Handle space(H5Screate_simple(1, &dims, nullptr), H5Sclose);
  Handle dataset(H5Dcreate2(parent, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (rows > 0) {
    ASSERT_GE(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0) << name;
  }
}

void write_fixed_strings(hid_t parent, const char* name, const std::vector<std::string>& strings) {
  std::size_t width = 1;
  for (const std::string& s : strings) width = std::max(width, s.size());
  std::vector<char> buffer(strings.size() * width, '\0');
  for (std::size_t i = 0; i < strings.size(); ++i) std::copy(strings[i].begin(), strings[i].end(), &buffer[i * width]);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  write_plain(parent, name, type, type, strings.size(), buffer.data());
}

void write_raw_shd(const std::string& path, const RawShd& raw) {
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  Handle spikes(H5Gcreate2(file, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);

  if (!omitted(raw, "spikes/times")) {
    std::vector<hvl_t> rows;
    for (const auto& t : raw.times) rows.push_back(hvl_t{t.size(), const_cast<float*>(t.data())});
    Handle half(make_float16_type(), H5Tclose);
    Handle file_type(H5Tvlen_create(raw.float32_times ? H5T_IEEE_F32LE : hid_t(half)), H5Tclose);
    Handle memory_type(H5Tvlen_create(H5T_NATIVE_FLOAT), H5Tclose);  // HDF5 converts to float16
    write_plain(spikes, "times", file_type, memory_type, rows.size(), rows.data());
  }
  if (!omitted(raw, "spikes/units")) {
    std::vector<hvl_t> rows;
    for (const auto& u : raw.units) rows.push_back(hvl_t{u.size(), const_cast<uint16_t*>(u.data())});
    Handle file_type(H5Tvlen_create(H5T_STD_U16LE), H5Tclose);
    Handle memory_type(H5Tvlen_create(H5T_NATIVE_UINT16), H5Tclose);
    write_plain(spikes, "units", file_type, memory_type, rows.size(), rows.data());
  }
  if (!omitted(raw, "labels")) {
    write_plain(file, "labels", H5T_STD_U16LE, H5T_NATIVE_INT, raw.labels.size(), raw.labels.data());
  }
  Handle extra(H5Gcreate2(file, "extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!raw.speakers.empty()) {
    write_plain(extra, "speaker", H5T_STD_U16LE, H5T_NATIVE_INT, raw.speakers.size(), raw.speakers.data());
  }
  if (!raw.keys.empty()) write_fixed_strings(extra, "keys", raw.keys);
  if (!raw.gender.empty() || !raw.age.empty() || !raw.body_height.empty()) {
    Handle meta(H5Gcreate2(extra, "meta_info", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!raw.gender.empty()) write_fixed_strings(meta, "gender", raw.gender);
    if (!raw.age.empty()) write_plain(meta, "age", H5T_STD_U8LE, H5T_NATIVE_INT, raw.age.size(), raw.age.data());
    if (!raw.body_height.empty()) {
      write_plain(meta, "body_height", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, raw.body_height.size(),
                  raw.body_height.data());
    }
  }
}

// Three samples; every time is exactly representable in float16.
RawShd small_raw_shd() {
  RawShd raw;
  raw.times = {{0.0f, 0.015625f, 0.5f, 1.25f}, {}, {0.0999755859375f, 0.75f, 1.169921875f}};
  raw.units = {{0, 699, 3, 350}, {}, {12, 12, 1}};
  raw.labels = {0, 19, 7};
  raw.speakers = {4, 5, 11};
  raw.keys = {"zero", "one"};
  return raw;
}

class ShdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("mosaic_shd_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// Runs `body`, which must throw InputError, and returns it.
InputError expect_input_error(const std::function<void()>& body) {
  try {
    body();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError thrown";
  return InputError("", "", "");
}

TEST_F(ShdTest, ReadsFixtureInRealLayoutExactly) {
  RawShd raw = small_raw_shd();
  raw.gender = {"female", "male"};  // text: ShdExtra keeps only numbers, so it stays empty
  raw.age = {25, 31};
  raw.body_height = {180.0, 165.4};
  const std::string path = file("real.h5");
  write_raw_shd(path, raw);

  ShdReader reader(path);
  ASSERT_EQ(reader.size(), 3u);
  EXPECT_EQ(reader.labels(), (std::vector<int>{0, 19, 7}));
  EXPECT_EQ(reader.speakers(), (std::vector<int>{4, 5, 11}));
  EXPECT_EQ(reader.extra().keys, (std::vector<std::string>{"zero", "one"}));
  EXPECT_TRUE(reader.extra().gender.empty());
  EXPECT_EQ(reader.extra().age, (std::vector<int>{25, 31}));
  EXPECT_EQ(reader.extra().body_height, (std::vector<int>{180, 165}));
  for (std::size_t i = 0; i < 3; ++i) {
    const ShdSample sample = reader.read(i);
    EXPECT_EQ(sample.times, raw.times[i]) << "sample " << i;
    EXPECT_EQ(sample.units, raw.units[i]) << "sample " << i;
    EXPECT_EQ(sample.label, raw.labels[i]);
    EXPECT_EQ(sample.speaker, raw.speakers[i]);
  }
  EXPECT_NO_THROW(reader.validate_all());
  EXPECT_THROW(reader.read(3), std::out_of_range);
}

// The reader widens float16 bits itself (fast path); it must agree with HDF5's own
// conversion on every finite non-negative float16 value, subnormals included.
TEST_F(ShdTest, Float16TimesAgreeWithHdf5ConversionForEveryValue) {
  std::vector<uint16_t> bits;
  for (uint32_t b = 0; b < 0x7c00u; ++b) bits.push_back(static_cast<uint16_t>(b));
  const std::vector<uint16_t> units(bits.size(), 1);
  const std::string path = file("all_halves.h5");
  {
    Handle h5(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    Handle spikes(H5Gcreate2(h5, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    Handle half(make_float16_type(), H5Tclose);
    Handle times_type(H5Tvlen_create(half), H5Tclose);
    hvl_t time_row{bits.size(), const_cast<uint16_t*>(bits.data())};
    write_plain(spikes, "times", times_type, times_type, 1, &time_row);
    Handle units_type(H5Tvlen_create(H5T_STD_U16LE), H5Tclose);
    hvl_t unit_row{units.size(), const_cast<uint16_t*>(units.data())};
    write_plain(spikes, "units", units_type, units_type, 1, &unit_row);
    const int label = 0;
    write_plain(h5, "labels", H5T_STD_U16LE, H5T_NATIVE_INT, 1, &label);
  }
  std::vector<float> expected(bits.size());  // H5Tconvert works in place: room for the floats
  std::memcpy(expected.data(), bits.data(), bits.size() * sizeof(uint16_t));
  {
    Handle half(make_float16_type(), H5Tclose);
    ASSERT_GE(H5Tconvert(half, H5T_NATIVE_FLOAT, bits.size(), expected.data(), nullptr, H5P_DEFAULT), 0);
  }
  EXPECT_EQ(expected[0x3c00], 1.0f);
  EXPECT_EQ(expected[0x0001], std::ldexp(1.0f, -24));

  ShdReader reader(path);
  const ShdSample sample = reader.read(0);
  ASSERT_EQ(sample.times.size(), expected.size());
  for (std::size_t b = 0; b < expected.size(); ++b) {
    ASSERT_EQ(sample.times[b], expected[b]) << "float16 bits 0x" << std::hex << b;
  }
}

TEST_F(ShdTest, ReadsFloat32TimesAndFileWithoutExtra) {
  RawShd raw = small_raw_shd();
  raw.times[0][1] = 0.1f;  // not a float16 value: float32 on file keeps it
  raw.float32_times = true;
  raw.speakers.clear();
  raw.keys.clear();
  const std::string path = file("float32.h5");
  write_raw_shd(path, raw);

  ShdReader reader(path);
  EXPECT_TRUE(reader.speakers().empty());
  EXPECT_TRUE(reader.extra().keys.empty());
  const ShdSample sample = reader.read(0);
  EXPECT_EQ(sample.times, raw.times[0]);
  EXPECT_EQ(sample.speaker, -1);
}

TEST_F(ShdTest, WriteShdRoundTripRoundsTimesToFloat16) {
  std::vector<ShdSample> samples(2);
  samples[0].times = {0.0f, 0.015625f, 0.1f, 0.2f, 1.17f};
  samples[0].units = {5, 42, 0, 699, 42};
  samples[0].label = 12;
  samples[0].speaker = 3;
  samples[1].label = 0;  // a sample without spikes
  samples[1].speaker = 0;
  ShdExtra extra;
  extra.keys = {"zero", "fünf"};
  extra.gender = {0, 1};
  extra.age = {30, 41};
  extra.body_height = {172, 190};
  const std::string path = file("round_trip.h5");
  write_shd(path, samples, extra);

  ShdReader reader(path);
  ASSERT_EQ(reader.size(), 2u);
  const ShdSample first = reader.read(0);
  // float16 neighbours: 0.1 -> 0.0999755859375, 0.2 -> 0.199951171875, 1.17 -> 1.169921875.
  EXPECT_EQ(first.times, (std::vector<float>{0.0f, 0.015625f, 0.0999755859375f, 0.199951171875f, 1.169921875f}));
  EXPECT_EQ(first.units, samples[0].units);
  EXPECT_EQ(first.label, 12);
  EXPECT_EQ(first.speaker, 3);
  const ShdSample second = reader.read(1);
  EXPECT_TRUE(second.times.empty());
  EXPECT_EQ(second.speaker, 0);
  EXPECT_EQ(reader.extra().keys, extra.keys);
  EXPECT_EQ(reader.extra().gender, extra.gender);
  EXPECT_EQ(reader.extra().age, extra.age);
  EXPECT_EQ(reader.extra().body_height, extra.body_height);
  // Atomic: nothing but the target is left in the folder.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);

  // The writer keeps the layout's promise: unsorted times are the caller's error.
  std::swap(samples[0].times[1], samples[0].times[2]);
  EXPECT_THROW(write_shd(file("unsorted.h5"), samples, extra), std::invalid_argument);
}

TEST_F(ShdTest, SameSamplesGiveByteIdenticalFiles) {
  std::vector<ShdSample> samples(1);
  samples[0].times = {0.0f, 0.5f};
  samples[0].units = {1, 2};
  samples[0].speaker = 4;
  ShdExtra extra;
  extra.keys = {"zero"};
  write_shd(file("a.h5"), samples, extra);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // object timestamps have 1 s resolution
  write_shd(file("b.h5"), samples, extra);
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(file("a.h5")), bytes(file("b.h5")));
}

TEST_F(ShdTest, WrittenTimesAreFloat16AndUnitsUint16OnFile) {
  std::vector<ShdSample> samples(1);
  samples[0].times = {1e-7f, 0.1f, 0.25f, 1.17f, 65504.0f};
  samples[0].units = {7, 7, 7, 7, 7};
  write_shd(file("types.h5"), samples, {});

  Handle h5(H5Fopen(file("types.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Handle times(H5Dopen2(h5, "spikes/times", H5P_DEFAULT), H5Dclose);
  Handle times_type(H5Dget_type(times), H5Tclose);
  ASSERT_EQ(H5Tget_class(times_type), H5T_VLEN);
  Handle time_element(H5Tget_super(times_type), H5Tclose);
  EXPECT_EQ(H5Tget_class(time_element), H5T_FLOAT);
  EXPECT_EQ(H5Tget_size(time_element), 2u);
  EXPECT_EQ(H5Tget_precision(time_element), 16u);
  EXPECT_EQ(H5Tget_offset(time_element), 0);
  EXPECT_EQ(H5Tget_order(time_element), H5T_ORDER_LE);
  EXPECT_EQ(H5Tget_ebias(time_element), 15u);
  std::size_t sign = 0, exponent_pos = 0, exponent_size = 0, mantissa_pos = 0, mantissa_size = 0;
  H5Tget_fields(time_element, &sign, &exponent_pos, &exponent_size, &mantissa_pos, &mantissa_size);
  EXPECT_EQ(sign, 15u);
  EXPECT_EQ(exponent_pos, 10u);
  EXPECT_EQ(exponent_size, 5u);
  EXPECT_EQ(mantissa_pos, 0u);
  EXPECT_EQ(mantissa_size, 10u);
  EXPECT_EQ(H5Tget_norm(time_element), H5T_NORM_IMPLIED);

  // The stored bits, read without any conversion, are the IEEE binary16 encodings
  // (numpy.float16(x).view(numpy.uint16)): a subnormal, 0.1, 0.25, 1.17, the largest half.
  Handle space(H5Dget_space(times), H5Sclose);
  hvl_t row{0, nullptr};
  ASSERT_GE(H5Dread(times, times_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &row), 0);
  const auto* bits = static_cast<const uint16_t*>(row.p);
  EXPECT_EQ(std::vector<uint16_t>(bits, bits + row.len),
            (std::vector<uint16_t>{0x0002, 0x2e66, 0x3400, 0x3cae, 0x7bff}));
  H5Dvlen_reclaim(times_type, space, H5P_DEFAULT, &row);

  Handle units(H5Dopen2(h5, "spikes/units", H5P_DEFAULT), H5Dclose);
  Handle units_type(H5Dget_type(units), H5Tclose);
  Handle unit_element(H5Tget_super(units_type), H5Tclose);
  EXPECT_TRUE(H5Tequal(unit_element, H5T_STD_U16LE) > 0);
  Handle labels(H5Dopen2(h5, "labels", H5P_DEFAULT), H5Dclose);
  Handle labels_type(H5Dget_type(labels), H5Tclose);
  EXPECT_TRUE(H5Tequal(labels_type, H5T_STD_U16LE) > 0);
  EXPECT_EQ(H5Lexists(h5, "extra", H5P_DEFAULT), 0);  // no speakers, keys or meta given
}

TEST_F(ShdTest, StreamsManySamplesAcrossChunks) {
  constexpr std::size_t kSamples = 2300;
  std::vector<ShdSample> samples(kSamples);
  for (std::size_t i = 0; i < kSamples; ++i) {
    const std::size_t spikes = i % 7;
    for (std::size_t e = 0; e < spikes; ++e) {
      samples[i].times.push_back(0.125f * static_cast<float>(e));
      samples[i].units.push_back(static_cast<uint16_t>((i + e) % 700));
    }
    samples[i].label = static_cast<int>(i % 20);
    samples[i].speaker = static_cast<int>(i % 12);
  }
  const std::string path = file("many.h5");
  write_shd(path, samples, {});

  ShdReader reader(path);
  ASSERT_EQ(reader.size(), kSamples);
  EXPECT_NO_THROW(reader.validate_all());
  // Out of order, across chunk borders and back.
  for (std::size_t i : {kSamples - 1, std::size_t{0}, std::size_t{255}, std::size_t{256}, std::size_t{1000},
                        std::size_t{2047}, std::size_t{3}}) {
    const ShdSample sample = reader.read(i);
    EXPECT_EQ(sample.times, samples[i].times) << "sample " << i;
    EXPECT_EQ(sample.units, samples[i].units) << "sample " << i;
    EXPECT_EQ(sample.label, samples[i].label);
    EXPECT_EQ(sample.speaker, samples[i].speaker);
  }
}

TEST_F(ShdTest, MissingFileAndNonHdf5FileAreRefused) {
  const InputError missing = expect_input_error([&] { ShdReader reader(file("absent.h5")); });
  EXPECT_EQ(missing.field(), "(file)");
  EXPECT_EQ(missing.file(), file("absent.h5"));

  std::ofstream(file("text.h5")) << "not an HDF5 file\n";
  const InputError not_hdf5 = expect_input_error([&] { ShdReader reader(file("text.h5")); });
  EXPECT_EQ(not_hdf5.field(), "(file)");
  EXPECT_NE(std::string(not_hdf5.what()).find("not an HDF5 file"), std::string::npos);
}

TEST_F(ShdTest, MissingDatasetsAreNamed) {
  for (const std::string name : {"spikes/times", "spikes/units", "labels"}) {
    RawShd raw = small_raw_shd();
    raw.omitted = {name};
    const std::string path = file("missing.h5");
    write_raw_shd(path, raw);
    const InputError error = expect_input_error([&] { ShdReader reader(path); });
    EXPECT_EQ(error.field(), name);
    EXPECT_NE(std::string(error.what()).find("missing dataset"), std::string::npos);
  }
}

TEST_F(ShdTest, TimesAndUnitsOfDifferentLengthNameTheSample) {
  RawShd raw = small_raw_shd();
  raw.units[2].pop_back();
  write_raw_shd(file("lengths.h5"), raw);
  // Found from the stored lengths when the file is opened, before any sample is read.
  const InputError error = expect_input_error([&] { ShdReader reader(file("lengths.h5"), 700, 20, ShdCheck::Layout); });
  EXPECT_EQ(error.field(), "spikes/units");
  EXPECT_NE(std::string(error.what()).find("sample 2"), std::string::npos) << error.what();
}

TEST_F(ShdTest, DisagreeingRowCountsAreRefused) {
  RawShd fewer_labels = small_raw_shd();
  fewer_labels.labels.pop_back();
  write_raw_shd(file("labels.h5"), fewer_labels);
  EXPECT_EQ(expect_input_error([&] { ShdReader reader(file("labels.h5")); }).field(), "labels");

  RawShd fewer_units = small_raw_shd();
  fewer_units.units.pop_back();
  write_raw_shd(file("units.h5"), fewer_units);
  EXPECT_EQ(expect_input_error([&] { ShdReader reader(file("units.h5")); }).field(), "spikes/units");

  RawShd fewer_speakers = small_raw_shd();
  fewer_speakers.speakers.pop_back();
  write_raw_shd(file("speakers.h5"), fewer_speakers);
  EXPECT_EQ(expect_input_error([&] { ShdReader reader(file("speakers.h5")); }).field(), "extra/speaker");
}

TEST_F(ShdTest, UnitOutsideChannelRangeNamesTheSample) {
  RawShd raw = small_raw_shd();
  raw.units[2][1] = 700;
  write_raw_shd(file("unit.h5"), raw);
  ShdReader reader(file("unit.h5"), 700, 20, ShdCheck::Layout);
  EXPECT_NO_THROW(reader.read(0));
  const InputError error = expect_input_error([&] { reader.validate_all(); });
  EXPECT_EQ(error.field(), "spikes/units");
  EXPECT_NE(std::string(error.what()).find("sample 2: unit 700 outside 0..699"), std::string::npos) << error.what();
  // Opening with ShdCheck::Everything (the default) reads every sample first, in a child
  // process, and reports the same error.
  const InputError at_open = expect_input_error([&] { ShdReader everything(file("unit.h5")); });
  EXPECT_EQ(std::string(at_open.what()), std::string(error.what()));

  // The same file is fine for a reader that expects more channels.
  ShdReader wide(file("unit.h5"), 701);
  EXPECT_NO_THROW(wide.validate_all());
}

TEST_F(ShdTest, NegativeAndNonFiniteTimesNameTheSample) {
  const float bad_times[] = {-0.5f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()};
  for (float bad : bad_times) {
    RawShd raw = small_raw_shd();
    raw.times[2][1] = bad;
    raw.float32_times = std::isnan(bad);  // keep the NaN bit pattern clear of any float16 conversion
    const std::string path = file("time.h5");
    write_raw_shd(path, raw);
    ShdReader reader(path, 700, 20, ShdCheck::Layout);
    const InputError error = expect_input_error([&] { reader.validate_all(); });
    EXPECT_EQ(error.field(), "spikes/times") << bad;
    EXPECT_NE(std::string(error.what()).find("sample 2"), std::string::npos) << error.what();
  }
}

// SHD times are sorted ascending within a sample (models/SPEC.md section 4.1); equal times are
// fine (several channels fire in one instant), a time before its predecessor is refused.
TEST_F(ShdTest, UnsortedTimesNameTheFileTheSampleAndTheField) {
  RawShd raw = small_raw_shd();
  raw.times[2] = {0.75f, 0.0999755859375f, 1.169921875f};
  write_raw_shd(file("unsorted.h5"), raw);
  ShdReader reader(file("unsorted.h5"), 700, 20, ShdCheck::Layout);
  EXPECT_NO_THROW(reader.read(0));
  const InputError error = expect_input_error([&] { reader.validate_all(); });
  EXPECT_EQ(error.field(), "spikes/times");
  const std::string what = error.what();
  EXPECT_NE(what.find(file("unsorted.h5")), std::string::npos) << what;
  EXPECT_NE(what.find("sample 2: spike 1 at 0.099975586 s comes before spike 0 at 0.75 s"), std::string::npos) << what;
  EXPECT_EQ(expect_input_error([&] { ShdReader everything(file("unsorted.h5")); }).what(), what);

  RawShd ties = small_raw_shd();
  ties.times[0] = {0.25f, 0.25f, 0.25f, 0.5f};
  write_raw_shd(file("ties.h5"), ties);
  ShdReader tied(file("ties.h5"));
  EXPECT_NO_THROW(tied.validate_all());
}

TEST_F(ShdTest, LabelOutsideClassRangeNamesTheSample) {
  RawShd raw = small_raw_shd();
  raw.labels[1] = 20;
  write_raw_shd(file("label.h5"), raw);
  const InputError error = expect_input_error([&] { ShdReader reader(file("label.h5")); });
  EXPECT_EQ(error.field(), "labels");
  EXPECT_NE(std::string(error.what()).find("sample 1: label 20 outside 0..19"), std::string::npos) << error.what();
  EXPECT_NO_THROW(ShdReader(file("label.h5"), 700, 21));
}

TEST_F(ShdTest, EmptyFileIsRefused) {
  write_raw_shd(file("empty_raw.h5"), RawShd{});
  EXPECT_EQ(expect_input_error([&] { ShdReader reader(file("empty_raw.h5")); }).field(), "spikes/times");
  write_shd(file("empty.h5"), {}, {});
  EXPECT_EQ(expect_input_error([&] { ShdReader reader(file("empty.h5")); }).field(), "spikes/times");
}

// Hand-computed: 4 bins over 1 s (0.25 s each), k = 2 subsets, n_inp = 3 reduced channels,
// so subset 0 uses SHD channels 0, 2, 4 and subset 1 uses 1, 3, 5; channels 6 and 7 fall out.
ShdSample hand_sample() {
  ShdSample sample;
  sample.label = 9;
  // time  channel  -> subset, reduced channel, bin
  sample.times = {0.0f, 0.1f, 0.1f, 0.2f, 0.25f, 0.3f, 0.5f, 0.74f, 0.75f, 0.99f, 1.0f, 1.2f};
  sample.units = {0,    2,    2,    3,    1,     6,    4,    5,     2,     0,     1,    4};
  //              s0j0b0 s0j1b0 dup s1j1b0 s1j0b1 s0j3:out s0j2b2 s1j2b2 s0j1b3 s0j0b3 s1:late s0:late
  return sample;
}

BinSpec hand_spec() {
  BinSpec spec;
  spec.bins = 4;
  spec.t_max_s = 1.0;
  spec.n_inp = 3;
  spec.interleave_k = 2;
  spec.shd_channels = 8;
  return spec;
}

TEST(ShdBinning, SubsetZeroMatchesHandComputation) {
  BinStats stats;
  const BinnedSample binned = bin_sample(hand_sample(), hand_spec(), 0, &stats);
  EXPECT_EQ(binned.active, (std::vector<std::vector<int>>{{0, 1}, {}, {2}, {0, 1}}));
  EXPECT_EQ(binned.label, 9);
  EXPECT_EQ(binned.subset, 0);
  EXPECT_EQ(stats.events, 8);
  EXPECT_EQ(stats.dropped_channel, 1);
  EXPECT_EQ(stats.dropped_late, 1);
}

TEST(ShdBinning, AllSubsetsStackInOrderAndCountEveryEvent) {
  BinStats stats;
  const std::vector<BinnedSample> subsets = bin_all_subsets(hand_sample(), hand_spec(), &stats);
  ASSERT_EQ(subsets.size(), 2u);
  EXPECT_EQ(subsets[0].subset, 0);
  EXPECT_EQ(subsets[1].subset, 1);
  EXPECT_EQ(subsets[1].active, (std::vector<std::vector<int>>{{1}, {0}, {2}, {}}));
  EXPECT_EQ(subsets[1].label, 9);
  EXPECT_EQ(stats.events, 12);  // every spike belongs to exactly one subset
  EXPECT_EQ(stats.dropped_channel, 1);
  EXPECT_EQ(stats.dropped_late, 2);
}

TEST(ShdBinning, DefaultSpecReducesSevenHundredChannelsByFive) {
  InputSpec input;  // 700 channels, 100 bins over 1.4 s, n_inp 160, k 5
  const BinSpec spec = bin_spec(input);
  EXPECT_EQ(spec.bins, 100);
  EXPECT_EQ(spec.t_max_s, 1.4);
  EXPECT_EQ(spec.n_inp, 160);
  EXPECT_EQ(spec.interleave_k, 5);
  EXPECT_EQ(spec.shd_channels, 700);

  ShdSample sample;
  sample.times = {0.0f, 0.014f, 1.3999f, 1.5f};
  sample.units = {699, 5, 0, 3};
  BinStats stats;
  const std::vector<BinnedSample> subsets = bin_all_subsets(sample, spec, &stats);
  ASSERT_EQ(subsets.size(), 5u);
  EXPECT_EQ(subsets[4].active[0], (std::vector<int>{139}));  // 699 = 4 + 139 * 5
  // 0.014f is just above 0.014 (one bin width): bin 1. 1.3999 s lands in the last bin.
  EXPECT_EQ(subsets[0].active[1], (std::vector<int>{1}));
  EXPECT_EQ(subsets[0].active[99], (std::vector<int>{0}));
  EXPECT_EQ(stats.dropped_late, 1);
  EXPECT_EQ(stats.dropped_channel, 0);
  for (const BinnedSample& binned : subsets) EXPECT_EQ(binned.active.size(), 100u);
}

TEST(ShdBinning, InvalidSubsetIsRefused) {
  EXPECT_THROW(bin_sample(hand_sample(), hand_spec(), 2), std::invalid_argument);
  EXPECT_THROW(bin_sample(hand_sample(), hand_spec(), -1), std::invalid_argument);
}

// bin = floor(t / (t_max / bins)) (models/SPEC.md section 4.2), at the default 100 bins over
// 1.4 s: events at the middle of bin b and just after it belong to bin b (rounding would move
// them to b + 1). Then through a real SHD file, whose float16 times move an event by up to
// 0.07 of a bin: events three quarters into bin b still land in bin b.
TEST_F(ShdTest, BinningFloorsAtTheHalfBin) {
  const BinSpec spec = bin_spec(InputSpec{});
  ASSERT_EQ(spec.bins, 100);
  ASSERT_EQ(spec.t_max_s, 1.4);
  const double width = 1.4 / 100;
  auto events_at = [&](double fraction_of_bin, uint16_t channel, ShdSample& sample) {
    for (int b = 0; b < 99; ++b) {
      sample.times.push_back(static_cast<float>((b + fraction_of_bin) * width));
      sample.units.push_back(channel);
    }
  };
  ShdSample halves;
  events_at(0.5, 0, halves);   // the middle: reduced channel 0 of subset 0
  events_at(0.51, 5, halves);  // just after it: reduced channel 1
  std::vector<std::vector<int>> expected(100, std::vector<int>{0, 1});
  expected[99].clear();
  EXPECT_EQ(bin_sample(halves, spec, 0).active, expected);

  ShdSample late_in_bin;
  events_at(0.75, 5, late_in_bin);
  write_shd(file("late_in_bin.h5"), {late_in_bin}, {});
  ShdReader reader(file("late_in_bin.h5"));
  std::vector<std::vector<int>> expected_from_file(100, std::vector<int>{1});
  expected_from_file[99].clear();
  EXPECT_EQ(bin_sample(reader.read(0), spec, 0).active, expected_from_file);
}

}  // namespace
}  // namespace mosaic
