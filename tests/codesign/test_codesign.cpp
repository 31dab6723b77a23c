// tools/codesign, the co-design suite on Snakemake (tools/workflow): the small tier's real
// training, mapping and SystemC runs of five networks on the bundled SHD-format sample, killed
// and resumed; committed records taken as done; the full tier's plan; bad tier files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "models/network.hpp"
#include "tests/command.hpp"

namespace fs = std::filesystem;

namespace {

using mosaic::test_support::read_text;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

class CodesignSuite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("codesign_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    // A suite still running in the background (a failed assertion): stop it first.
    for (const char* run : {"whole", "killed"})
      if (fs::exists(dir_ / run / ".codesign.pid"))
        ::kill(std::stoi(mosaic::test_support::read_text(dir_ / run / ".codesign.pid")), SIGTERM);
    for (int i = 0; i < 100 && (fs::exists(dir_ / "whole" / ".codesign.pid") || fs::exists(dir_ / "killed" / ".codesign.pid")); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Snakemake's "Job stats" table of a run or dry run: rule -> jobs.
std::map<std::string, int> job_stats(const std::string& output) {
  std::map<std::string, int> jobs;
  const auto start = output.find("Job stats:");
  if (start == std::string::npos) return jobs;
  std::istringstream lines(output.substr(start));
  std::string line;
  const std::regex row(R"(^(\w+)\s+(\d+)(\s+\d+\s+\d+)?\s*$)");
  std::smatch m;
  while (std::getline(lines, line))
    if (std::regex_match(line, m, row)) jobs[m[1]] = std::stoi(m[2]);
  return jobs;
}

std::string small_tier(const fs::path& out, const std::string& more = "") {
  return "tools/codesign --tier small --cores 2 --out " + quoted(out) + " " + more;
}

TEST_F(CodesignSuite, SmallTierKilledMidRunResumesToTheSameResultsAndCommittedRecordsCountAsDone) {
  // An uninterrupted run, in the background beside the interrupted one (2 cores: together they
  // take about as long as one after the other, and the test's wall time halves on a shared machine).
  const fs::path whole = dir_ / "whole";
  std::system(("(" + small_tier(whole) + " > " + quoted(dir_ / "whole.log") + " 2>&1; echo $? > " +
               quoted(dir_ / "whole.status") + ") &")
                  .c_str());
  // The interrupted run: the engine is killed (SIGKILL, so its lock stays behind) in the middle
  // of its first training, once mosaic-train has written a per-epoch checkpoint; the wrapper then
  // ends the jobs it started, and the next run clears the lock and resumes from the checkpoint.
  const fs::path killed = dir_ / "killed";
  std::system(("(" + small_tier(killed) + " > " + quoted(dir_ / "killed.log") + " 2>&1; echo $? > " +
               quoted(dir_ / "killed.status") + ") &")
                  .c_str());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(30);  // a loaded machine
  auto checkpoint = [&] {
    std::error_code error;
    for (fs::recursive_directory_iterator f(killed, error), end; !error && f != end; f.increment(error))
      if (f->path().extension() == ".ckpt") return true;
    return false;
  };
  while (!checkpoint() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(checkpoint()) << read_text(dir_ / "killed.log");
  const pid_t engine = std::stoi(read_text(killed / ".codesign.engine.pid"));
  ASSERT_EQ(::kill(engine, SIGKILL), 0);
  while (!fs::exists(dir_ / "killed.status") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_NE(read_text(dir_ / "killed.status"), "0\n");
  // No job of the killed run is left running (the bracket keeps pgrep's own shell out).
  const auto left = run_command("pgrep -af '[" + killed.string().substr(0, 1) + "]" + killed.string().substr(1) + "/'");
  EXPECT_NE(left.exit_code, 0) << left.output;
  const auto resumed = run_command(small_tier(killed));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("clearing the lock"), std::string::npos) << resumed.output;

  // The uninterrupted run gives the same records and table.
  while (!fs::exists(dir_ / "whole.status") && std::chrono::steady_clock::now() < deadline + std::chrono::minutes(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string output = read_text(dir_ / "whole.log");
  ASSERT_EQ(read_text(dir_ / "whole.status"), "0\n") << output;
  for (const auto& f : fs::directory_iterator(whole / "runs"))
    EXPECT_EQ(read_text(f.path()), read_text(killed / "runs" / f.path().filename())) << f.path();
  EXPECT_EQ(read_text(whole / "results.json"), read_text(killed / "results.json"));

  const auto results = nlohmann::json::parse(read_text(whole / "results.json"));
  EXPECT_TRUE(results["passed"].get<bool>());
  ASSERT_EQ(results["runs"].size(), 5u);
  for (const auto& guard : results["guards"]) EXPECT_TRUE(guard["passed"].get<bool>()) << guard.dump();
  // The figures rule drew the figures (no --no-rewire run in the small tier: (d) is skipped, saying
  // why), and the report computed the claims.
  for (const char* f : {"a_accuracy_vs_memory.svg", "b_accuracy_vs_p3.svg", "c_router_sizes_at_init.svg"})
    EXPECT_TRUE(fs::exists(whole / "figures" / f)) << f << output;
  EXPECT_NE(read_text(whole / "figures" / "index.md").find("(d) rewiring on and off: skipped"), std::string::npos);
  EXPECT_TRUE(results["claims"]["sim_equals_reference"]["passed"].get<bool>());
  EXPECT_TRUE(results["claims"]["iso_accuracy"]["computed"].get<bool>());
  EXPECT_EQ(results["claims"]["capacity_growth"]["networks"].size(), 3u);
  // The recorded figures were checked too, not only the structural guards.
  bool checked_expected = false;
  for (const auto& guard : results["guards"])
    checked_expected = checked_expected || guard["name"].get<std::string>().rfind("expected-accuracy/", 0) == 0;
  EXPECT_TRUE(checked_expected) << output;
  for (const auto& r : results["runs"]) {
    EXPECT_EQ(r["sim_samples"].get<long>(), 300) << r.dump();  // 60 recordings x 5 channel subsets
    const auto record = nlohmann::json::parse(read_text(whole / "runs" / (r["name"].get<std::string>() + ".json")));
    EXPECT_EQ(record["format"], "mosaic-codesign-record");
    EXPECT_EQ(record["seed"].get<long>(), 42);
    EXPECT_TRUE(record["sim_equals_reference"].get<bool>());
    EXPECT_EQ(record["config_digest"].get<std::string>().size(), 64u);
    EXPECT_NE(record["command"].get<std::string>().find("--seed 42"), std::string::npos);
    EXPECT_TRUE(record["needed_capacity"].is_object());
  }
  // The trained network itself carries the data and the seed.
  bool found_network = false;
  for (const auto& f : fs::recursive_directory_iterator(whole / "ra-default"))
    if (f.path().filename() == "ra-default.json") {
      const mosaic::Network net = mosaic::read_network(f.path().string());
      EXPECT_EQ(net.provenance["seed"].get<long>(), 42);
      EXPECT_EQ(net.provenance["data"]["train"].get<std::string>(), "traces/shd_sample.h5");
      found_network = true;
    }
  EXPECT_TRUE(found_network);
  // The baseline was pruned to at most the synapse count of the default routing-aware network
  // (on the sample, to exactly that count).
  EXPECT_EQ(results["runs"][1]["name"], "ra-default");
  EXPECT_EQ(results["runs"][3]["name"], "baseline");
  EXPECT_EQ(results["runs"][3]["live_synapses"], results["runs"][1]["live_synapses"]);
  bool memory_claim_checked = false;
  for (const auto& guard : results["guards"])
    memory_claim_checked = memory_claim_checked || guard["name"] == "baseline-needs-more-memory/baseline/ra-default";
  EXPECT_TRUE(memory_claim_checked);

  // Run again: nothing is trained, the table is the same.
  const std::string first = read_text(whole / "results.json");
  const auto again = run_command(small_tier(whole));
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_FALSE(std::regex_search(again.output, std::regex(R"(codesign: \S+: training)"))) << again.output;  // no train job
  EXPECT_EQ(read_text(whole / "results.json"), first);

  // A fresh clone: the records committed (older than every tool), no intermediates. The dry run
  // plans no job of any run, only the report.
  const fs::path records = dir_ / "committed";
  fs::copy(whole / "runs", records);
  for (const auto& f : fs::directory_iterator(records))
    fs::last_write_time(f.path(), fs::file_time_type::clock::now() - std::chrono::hours(24 * 365 * 20));
  const fs::path fresh = dir_ / "fresh";
  const auto planned = run_command(small_tier(fresh, "--dry-run --records " + quoted(records)));
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  auto jobs = job_stats(planned.output);
  EXPECT_EQ(jobs["report"], 1) << planned.output;
  for (const char* step : {"train", "map", "simulate", "record"}) EXPECT_EQ(jobs.count(step), 0u) << planned.output;
  // ... until a run's config changes: that run, and only it, is planned again.
  std::string tier = read_text("tools/workflow/tiers/small.yaml");
  const std::string from = "profile: \"1:1.0,3:0.3\"", to = "profile: \"1:1.0,3:0.2\"";
  ASSERT_NE(tier.find(from), std::string::npos);
  tier.replace(tier.find(from), from.size(), to);
  std::ofstream(dir_ / "changed.yaml") << tier;
  const auto replanned = run_command("tools/codesign --tier " + quoted(dir_ / "changed.yaml") + " --out " +
                                     quoted(fresh) + " --dry-run --records " + quoted(records));
  ASSERT_EQ(replanned.exit_code, 0) << replanned.output;
  jobs = job_stats(replanned.output);
  for (const char* step : {"train", "map", "simulate", "record", "report"}) EXPECT_EQ(jobs[step], 1) << step << replanned.output;
  EXPECT_NE(replanned.output.find("ra-p3-0.3.json: made with another config"), std::string::npos) << replanned.output;
}

TEST_F(CodesignSuite, FullTierDryRunPlansEveryJobItsTierFileDescribes) {
  // The count of runs, straight from the YAML: each entry is the product of its vary lists
  // times its seeds (the tier's when it names none).
  const auto counted = run_command(
      "python3 -c \"import yaml; d = yaml.safe_load(open('tools/workflow/tiers/full.yaml')); import math; "
      "print(sum(math.prod(len(v) for v in e.get('vary', {}).values()) * len(e.get('seeds', d['seeds'])) "
      "for e in d['runs']))\"");
  ASSERT_EQ(counted.exit_code, 0) << counted.output;
  const int runs = std::stoi(counted.output);
  EXPECT_GE(runs, 12 * 2 + 3 * 2 + 2);  // the grid over 2 seeds, 3 baseline strengths, dense

  const auto planned = run_command("tools/codesign --tier full --dry-run --out " + quoted(dir_ / "out") +
                                   " --records " + quoted(dir_ / "records"));
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  const auto jobs = job_stats(planned.output);
  for (const char* step : {"train", "map", "simulate", "record"}) EXPECT_EQ(jobs.at(step), runs) << step;
  const bool corpus_missing =
      !fs::exists("build/corpus/shd_like_train.h5") || !fs::exists("build/corpus/shd_like_test.h5");
  EXPECT_EQ(jobs.count("corpus"), corpus_missing ? 1u : 0u);
  const bool figures = run_command(tool_path("mosaic-codesign-report") + " --help").output.find("--figures") !=
                       std::string::npos;
  EXPECT_EQ(jobs.at("total"), 4 * runs + 2 + (corpus_missing ? 1 : 0) + (figures ? 1 : 0)) << planned.output;
  EXPECT_FALSE(fs::exists(dir_ / "records" / "dense.json"));  // a dry run writes nothing
}

// --only plans the named runs' chains (names or patterns) and no report; a pattern that names no
// run of the tier is bad input before any job.
TEST_F(CodesignSuite, OnlyPlansTheNamedRunsAndNoReport) {
  const std::string where = " --dry-run --out " + quoted(dir_ / "out") + " --records " + quoted(dir_ / "records");
  const std::string only = " --only 'ra-p1-0.5-*-s42,dense-s43'";
  const auto planned = run_command("tools/codesign --tier full" + only + where);
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  EXPECT_NE(planned.output.find("--only: 5 run(s): ra-p1-0.5-p3-0-s42 ra-p1-0.5-p3-0.1-s42 ra-p1-0.5-p3-0.2-s42 "
                                "ra-p1-0.5-p3-0.3-s42 dense-s43"),
            std::string::npos)
      << planned.output;
  const auto jobs = job_stats(planned.output);
  for (const char* step : {"train", "map", "simulate", "record"}) EXPECT_EQ(jobs.at(step), 5) << step;
  EXPECT_EQ(jobs.count("report"), 0u) << planned.output;
  EXPECT_EQ(jobs.count("figures"), 0u) << planned.output;

  // The plan is those runs': one of them already recorded leaves four chains to plan.
  const auto digests = run_command("python3 tools/workflow/suite.py digests tools/workflow/tiers/full.yaml");
  ASSERT_EQ(digests.exit_code, 0) << digests.output;
  std::istringstream lines(digests.output);
  std::string config_digest;
  for (std::string name, config, made_with; lines >> name >> config >> made_with;)
    if (name == "dense-s43") config_digest = config;
  ASSERT_FALSE(config_digest.empty()) << digests.output;
  fs::create_directories(dir_ / "records");
  std::ofstream(dir_ / "records" / "dense-s43.json")
      << nlohmann::json{{"format", "mosaic-codesign-record"}, {"config_digest", config_digest},
                        {"sources_digest", std::string(64, '0')}}.dump();
  const auto rest = run_command("tools/codesign --tier full" + only + where);
  ASSERT_EQ(rest.exit_code, 0) << rest.output;
  EXPECT_EQ(job_stats(rest.output)["train"], 4) << rest.output;

  const auto unknown = run_command("tools/codesign --tier full --only 'baseline-*,bogus-run'" + where);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("--only: no run of the tier matches 'bogus-run'"), std::string::npos)
      << unknown.output;
  EXPECT_EQ(unknown.output.find("Building DAG"), std::string::npos) << unknown.output;
}

// A tier run over several sittings (`sources: recorded`, as the full tier) keeps a committed record
// made with other tool sources as done, says so, and redoes it on --refresh-sources; a tier
// without it (the small tier) redoes such a record, as its digest covers the sources.
TEST_F(CodesignSuite, ARecordOfOtherToolSourcesIsDoneOnlyInATierThatRecordsSources) {
  const std::string small = read_text("tools/workflow/tiers/small.yaml");
  const fs::path recorded_tier = dir_ / "recorded.yaml";
  std::ofstream(recorded_tier) << small << "sources: recorded\n";
  const auto digests = run_command("python3 tools/workflow/suite.py digests " + quoted(recorded_tier));
  ASSERT_EQ(digests.exit_code, 0) << digests.output;
  std::map<std::string, std::string> digest, sources;  // per run: config digest, sources digest
  std::istringstream lines(digests.output);
  for (std::string name, config, made_with; lines >> name >> config >> made_with;) {
    digest[name] = config;
    sources[name] = made_with;
  }
  ASSERT_EQ(digest.size(), 5u) << digests.output;
  const auto runs = static_cast<int>(digest.size());

  const fs::path records = dir_ / "records";
  fs::create_directories(records);
  auto write_record = [&](const std::string& sources) {
    std::ofstream(records / "ra-p1-0.5.json")
        << nlohmann::json{{"format", "mosaic-codesign-record"}, {"config_digest", digest.at("ra-p1-0.5")},
                          {"sources_digest", sources}}.dump();
  };
  auto plan = [&](const fs::path& tier, const std::string& more) {
    const auto r = run_command("tools/codesign --tier " + quoted(tier) + " --dry-run --out " + quoted(dir_ / "out") +
                               " --records " + quoted(records) + " " + more);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r;
  };
  const std::string older_note = "1 record(s) in " + records.string() + " were made with other tool sources";

  write_record(std::string(64, '0'));
  const auto kept = plan(recorded_tier, "");
  EXPECT_EQ(job_stats(kept.output)["train"], runs - 1) << kept.output;
  EXPECT_NE(kept.output.find(older_note), std::string::npos) << kept.output;
  const auto refreshed = plan(recorded_tier, "--refresh-sources");
  EXPECT_EQ(job_stats(refreshed.output)["train"], runs) << refreshed.output;
  EXPECT_NE(refreshed.output.find("ra-p1-0.5.json: made with other tool sources: redoing it"), std::string::npos)
      << refreshed.output;

  write_record(sources.at("ra-p1-0.5"));  // made with these very sources: nothing to say
  const auto current = plan(recorded_tier, "");
  EXPECT_EQ(job_stats(current.output)["train"], runs - 1) << current.output;
  EXPECT_EQ(current.output.find("other tool sources"), std::string::npos) << current.output;

  // The small tier's digests cover the sources, so the recorded tier's digest is another config.
  const auto redone = plan("tools/workflow/tiers/small.yaml", "");
  EXPECT_EQ(job_stats(redone.output)["train"], runs) << redone.output;
  EXPECT_NE(redone.output.find("made with another config or tool sources: redoing it"), std::string::npos)
      << redone.output;
}

TEST_F(CodesignSuite, ABadTierFileStopsBeforeAnyJobWithOneLineNamingFileAndKey) {
  const std::string good = read_text("tools/workflow/tiers/small.yaml");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    EXPECT_NE(text.find(from), std::string::npos) << from;
    if (text.find(from) != std::string::npos) text.replace(text.find(from), from.size(), to);
    return text;
  };
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"unknown-mode", with("mode: dense", "mode: sparse"), "runs[4].mode"},
      {"bad-profile", with("\"1:0.5\"", "\"1:0.5,3\""), "runs[0].profile"},
      {"missing-data", with("train: traces/shd_sample.h5", "train: traces/no_such_file.h5"), "data.train"},
      {"not-yaml", with("seeds: [42]", "seeds: [42"), "line"},
      {"unknown-key", with("seeds: [42]", "seed: [42]"), "seed"},
  };
  for (const auto& [name, text, key] : cases) {
    const fs::path file = dir_ / (name + ".yaml");
    std::ofstream(file) << text;
    const auto result = run_command("tools/codesign --tier " + quoted(file) + " --out " + quoted(dir_ / name));
    EXPECT_EQ(result.exit_code, 2) << name << ": " << result.output;
    EXPECT_NE(result.output.find(file.string() + ": " + key), std::string::npos) << name << ": " << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << name << ": " << result.output;
    EXPECT_FALSE(fs::exists(dir_ / name)) << name;  // stopped before Snakemake made anything
  }
  const auto unknown = run_command("tools/codesign --tier huge");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("--tier"), std::string::npos) << unknown.output;
}

TEST_F(CodesignSuite, ABrokenRunFileIsBadInputNamingTheFile) {
  std::ofstream(dir_ / "x.json") << "{\"format\": \"mosaic-net\"";
  auto result = run_command(tool_path("mosaic-codesign-report") + " --dir '" + dir_.string() + "' --runs x");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("x.json"), std::string::npos) << result.output;
  // A record that is not one: named by file and field.
  std::ofstream(dir_ / "y.json") << "{\"format\": \"mosaic-net\"}";
  result = run_command(tool_path("mosaic-codesign-report") + " --records '" + dir_.string() + "' --runs y");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("y.json: format"), std::string::npos) << result.output;
}

// The shell tools' --help: printed cleanly (no shell error from text the shell expanded, as a
// backquoted word once was) and naming every option the script's parser accepts.
TEST(ShellToolHelp, NamesEveryAcceptedOptionAndRunsNoShellCode) {
  const std::regex accepted(R"(^\s+((--[a-z-]+)(\|--?[a-z-]+)*)\)\s)");
  for (const std::string tool : {"tools/codesign", "tools/make-corpus", "tools/slurm-local", "tools/test"}) {
    const auto help = run_command(tool + " --help");
    EXPECT_EQ(help.exit_code, 0) << tool << ": " << help.output;
    EXPECT_EQ(help.output.find("command not found"), std::string::npos) << tool << ": " << help.output;
    EXPECT_EQ(help.output.find(tool + ": line"), std::string::npos) << tool << ": " << help.output;
    std::istringstream script(read_text(tool));
    std::string line;
    int options = 0;
    std::smatch m;
    while (std::getline(script, line)) {
      if (!std::regex_search(line, m, accepted)) continue;
      std::istringstream alternatives(m[1].str());
      std::string option;
      while (std::getline(alternatives, option, '|')) {
        if (option.rfind("--", 0) != 0 || option == "--help") continue;
        ++options;
        EXPECT_NE(help.output.find(option), std::string::npos) << tool << " --help does not name " << option;
      }
    }
    EXPECT_GT(options, 0) << tool << ": no option found in the script's parser";
  }
}

}  // namespace
