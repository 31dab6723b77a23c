#!/usr/bin/env python3
"""The co-design suite's tier files: reading, checking, expanding into runs, and run digests.

One module for the Snakefile (which builds the jobs from it) and for tools/codesign (which checks
a tier before Snakemake starts, so a bad config stops before any job with one line naming the
file and key, exit 2). tools/README.md describes the tier format and the record logic.

A run's digest is the SHA-256 of everything its result depends on: its mosaic-train, mosaic-map
and mosaic-sim arguments, the content of its data files (or, for files the corpus rule makes, the
recipe: tools/make-corpus and its sources), the sources the tools are built from, and the digests
of the runs it takes a figure from (the baseline's synapse target). The run's committed record
carries it; a record whose digest is the run's current one is done, whatever the file times say.

A tier with `sources: recorded` (the full tier: hours of runs, committed over several sittings
while the code moves on) leaves the tool sources out of the digest: each record carries the
sources' digest it was made with instead, a record made with other sources still counts as done,
tools/codesign says how many there are, and `--refresh-sources` redoes them.

Command line (used by tools/codesign and by the rules):
  suite.py check TIER.yaml [--records DIR]   validate; print "runs N", "stale RECORD" and
                                             "older-sources RECORD" lines
  suite.py digests TIER.yaml                 print "RUN CONFIG_DIGEST SOURCES_DIGEST" per run
  suite.py field FILE KEY                    print one top-level number of a JSON file
"""
import hashlib
import itertools
import json
import os
import re
import sys

import yaml

REPO = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODES = ("routing-aware", "baseline", "dense")
RECORD_FORMAT = "mosaic-codesign-record"
# The keys of an import run (no training: mosaic-nir import, then map and simulate).
IMPORT_KEYS = {"name", "import", "arch", "dt_ms", "test", "args"}

# The sources each step's tool is built from (directories of the repository, without tests,
# benchmarks and docs). A change in one of them changes the digest of every run using the step.
STEP_SOURCES = {
    "train": ["models", "trainer"],
    "import": ["models", "mapping", "tools/nir"],
    "map": ["models", "mapping"],
    "sim": ["models", "mapping", "sim"],
    # The record's content comes from record.{hpp,cpp} alone; the report's table, claims and
    # figures (main.cpp) are recomputed from the records every time and change no record.
    "record": ["models", "tools/codesign-report/record.hpp", "tools/codesign-report/record.cpp"],
}
# Drawing code in the folders above that no tool's result depends on (models/plot: the shared
# SVG chart writer): a new chart style does not redo the runs.
NOT_RESULT_SOURCES = {"models/plot.hpp", "models/plot.cpp"}
CORPUS_SOURCES = ["tools/make-corpus", "tools/cochlea"]
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".txt", ".py", "make-corpus")


class ConfigError(Exception):
    """A bad tier file: str() is the one line to print (file: key: problem)."""

    def __init__(self, path, key, problem):
        super().__init__(f"{path}: {key}: {problem}")


def _sources_digest(paths):
    h = hashlib.sha256()
    files = []
    for p in paths:
        full = os.path.join(REPO, p)
        if os.path.isfile(full):
            files.append(p)
            continue
        for root, dirs, names in os.walk(full):
            dirs.sort()
            for n in sorted(names):
                rel = os.path.relpath(os.path.join(root, n), REPO)
                if n.endswith(SOURCE_SUFFIXES) and not n.startswith(("bench_", "test_")) and rel not in NOT_RESULT_SOURCES:
                    files.append(rel)
    for f in sorted(files):
        h.update(f.encode() + b"\0")
        with open(os.path.join(REPO, f), "rb") as fh:
            text = fh.read()
        if f.endswith((".cpp", ".hpp", ".h")):
            text = _code_only(text)
        h.update(hashlib.sha256(text).digest())
    return h.hexdigest()


_TOKENS = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|//[^\n]*|/\*.*?\*/|\s+', re.S)


def _code_only(text):
    """C++ source without its comments and with whitespace collapsed: a comment or layout change
    (a citation, a reflowed paragraph) does not make the tools' results new, a code change does."""
    def keep(m):
        t = m.group(0)
        if t.startswith((b"//", b"/*")) or t.isspace():
            return b" "
        return t
    return re.sub(rb" +", b" ", _TOKENS.sub(keep, text)).strip()


def _steps_digest(steps):
    """One digest of the tool sources a run's steps are built from (a record's sources_digest)."""
    return hashlib.sha256(json.dumps(steps, sort_keys=True).encode()).hexdigest()


def _file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Run:
    """One train -> map -> simulate chain of the tier, or (an import run) import -> map -> simulate:
    a NIR graph brought in by mosaic-nir import, no training (tools/nir/README.md)."""

    def __init__(self, name, mode, profile, seed, epochs, args, target_of, graph=None, test=None):
        self.name, self.mode, self.profile, self.seed = name, mode, profile, seed
        self.epochs, self.args, self.target_of = epochs, args, target_of
        self.graph = graph  # import runs: the NIR graph (repository-relative or absolute)
        self.test = test    # import runs: their SHD-layout test file, else the tier's
        self.digest = self.sources_digest = ""

    @property
    def imported(self):
        return self.graph is not None

    def import_args(self):
        """mosaic-nir's arguments, without --out (self.args holds --arch, --dt-ms and the entry's args)."""
        return ["import", self.graph] + self.args

    def test_file(self, tier):
        return self.test if self.test is not None else tier.data["test"]

    def sim_args(self, tier):
        # An imported network has no training run whose reference pass scored it: mosaic-sim runs
        # the reference pass beside the simulation, and the record takes its accuracy from there.
        return tier.sim_args + (["--reference"] if self.imported else [])

    def train_args(self, tier):
        """mosaic-train's arguments, without --out, --threads and --resume (repository-relative data)."""
        a = ["--data", tier.data["train"], "--test", tier.data["test"], "--mode", self.mode,
             "--epochs", str(self.epochs), "--seed", str(self.seed)]
        if self.profile:
            a += ["--profile", self.profile]
        for key, value in tier.train.items():
            a += ["--" + key.replace("_", "-"), str(value)]
        return a + ["--no-progress"] + self.args


class Tier:
    def __init__(self, path):
        self.path = path
        try:
            with open(path) as fh:
                doc = yaml.safe_load(fh)
        except FileNotFoundError:
            raise ConfigError(path, "-", "no such tier file")
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "-"
            raise ConfigError(path, where, f"not valid YAML ({getattr(e, 'problem', e)})")
        if not isinstance(doc, dict):
            raise ConfigError(path, "-", "the tier file is not a mapping of keys")
        self._doc = doc
        known = {"tier", "data", "corpus", "records", "expected", "tolerance", "train", "map_args",
                 "sim_args", "seeds", "runs", "threads", "memory_mb", "sources"}
        for key in doc:
            if key not in known:
                raise ConfigError(path, key, f"unknown key (known: {', '.join(sorted(known))})")
        self.name = self._string("tier")
        self.data = self._mapping("data", {"train", "test"})
        self.corpus = doc.get("corpus")
        if self.corpus is not None and self.corpus != "tools/make-corpus":
            raise ConfigError(path, "corpus", "the only corpus recipe is tools/make-corpus")
        for key in ("train", "test"):
            f = self.data[key]
            if not isinstance(f, str):
                raise ConfigError(path, f"data.{key}", "is not a file name")
            if not os.path.isfile(os.path.join(REPO, f)) and self.corpus is None:
                raise ConfigError(path, f"data.{key}", f"missing data file {f} (and no corpus recipe makes it)")
        self.sources = doc.get("sources", "current")
        if self.sources not in ("current", "recorded"):
            raise ConfigError(path, "sources", "must be current (in every run's digest) or recorded (in each record)")
        self.records = doc.get("records")
        self.expected = doc.get("expected")
        tol = doc.get("tolerance", {})
        if not isinstance(tol, dict) or set(tol) - {"accuracy", "memory"}:
            raise ConfigError(path, "tolerance", "takes accuracy and memory")
        self.tolerance = {"accuracy": self._number(tol.get("accuracy", 0.02), "tolerance.accuracy"),
                          "memory": self._number(tol.get("memory", 0.05), "tolerance.memory")}
        self.train = doc.get("train", {})
        if not isinstance(self.train, dict) or "epochs" not in self.train:
            raise ConfigError(path, "train", "must be a mapping of mosaic-train options with at least epochs")
        for key, value in self.train.items():
            if key in ("data", "test", "mode", "profile", "seed", "out", "threads", "resume"):
                raise ConfigError(path, f"train.{key}", "is set by the suite, not by the tier")
            if not isinstance(value, (int, float, str)) or isinstance(value, bool):
                raise ConfigError(path, f"train.{key}", "must be a number or a string")
        self.epochs = self._count(self.train.pop("epochs"), "train.epochs")
        self.map_args = self._strings(doc.get("map_args", []), "map_args")
        self.sim_args = self._strings(doc.get("sim_args", []), "sim_args")
        self.threads = {"train": 2, "sim": 2}
        self.threads.update(self._int_mapping("threads"))
        self.memory_mb = {"train": 2000, "map": 2000, "sim": 2000}
        self.memory_mb.update(self._int_mapping("memory_mb"))
        seeds = doc.get("seeds", [42])
        self.seeds = self._seeds(seeds, "seeds")
        self.runs = self._expand(doc.get("runs"))
        self._digest_runs()

    # --- field readers: each names the key it fails on ---
    def _string(self, key):
        v = self._doc.get(key)
        if not isinstance(v, str) or not v:
            raise ConfigError(self.path, key, "must be a non-empty string")
        return v

    def _mapping(self, key, required):
        v = self._doc.get(key)
        if not isinstance(v, dict):
            raise ConfigError(self.path, key, f"must be a mapping with {', '.join(sorted(required))}")
        for r in sorted(required):
            if r not in v:
                raise ConfigError(self.path, f"{key}.{r}", "is missing")
        return v

    def _number(self, v, key):
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
            raise ConfigError(self.path, key, "must be a non-negative number")
        return v

    def _count(self, v, key):
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ConfigError(self.path, key, "must be a non-negative integer")
        return v

    def _strings(self, v, key):
        if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
            raise ConfigError(self.path, key, "must be a list of strings")
        return v

    def _int_mapping(self, key):
        v = self._doc.get(key, {})
        if not isinstance(v, dict):
            raise ConfigError(self.path, key, "must be a mapping of step to integer")
        for k, n in v.items():
            self._count(n, f"{key}.{k}")
        return v

    def _seeds(self, v, key):
        if not isinstance(v, list) or not v:
            raise ConfigError(self.path, key, "must be a non-empty list of integers")
        for i, s in enumerate(v):
            self._count(s, f"{key}[{i}]")
        if len(set(v)) != len(v):
            raise ConfigError(self.path, key, "names a seed twice")
        return v

    def _profile(self, text, key):
        # The syntax mosaic-train takes (trainer/deepr.cpp checks the rest): d:p,d:p with integer
        # d >= 1 and p in [0, 1], each d once.
        if not isinstance(text, str):
            raise ConfigError(self.path, key, f"profile {text!r} is not a string like 1:1.0,3:0.1")
        seen = set()
        for item in text.split(","):
            m = re.fullmatch(r"\s*(\d+)\s*:\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*", item)
            if not m or int(m.group(1)) < 1 or not 0 <= float(m.group(2)) <= 1 or m.group(1) in seen:
                raise ConfigError(self.path, key, f"profile '{text}' is not d:p,... (d >= 1 once each, p in [0, 1]; "
                                  "example 1:1.0,3:0.1)")
            seen.add(m.group(1))
        return text

    def _expand(self, entries):
        if not isinstance(entries, list) or not entries:
            raise ConfigError(self.path, "runs", "must be a non-empty list of runs")
        runs = {}
        for i, e in enumerate(entries):
            where = f"runs[{i}]"
            if not isinstance(e, dict):
                raise ConfigError(self.path, where, "must be a mapping")
            allowed = {"name", "mode", "profile", "vary", "seeds", "epochs", "args", "target_synapses_of"}
            if "import" in e:
                allowed = IMPORT_KEYS
            for k in e:
                if k not in allowed:
                    raise ConfigError(self.path, f"{where}.{k}", f"unknown key (known: {', '.join(sorted(allowed))})")
            if "name" not in e:
                raise ConfigError(self.path, f"{where}.name", "is missing")
            if "import" in e:
                self._import_run(e, where, runs)
                continue
            mode = e.get("mode")
            if mode not in MODES:
                raise ConfigError(self.path, f"{where}.mode", f"unknown mode {mode!r} (known: {', '.join(MODES)})")
            if (mode == "routing-aware") != ("profile" in e):
                raise ConfigError(self.path, f"{where}.profile",
                                  "routing-aware runs need a profile, other modes take none")
            vary = e.get("vary", {})
            if not isinstance(vary, dict) or not all(isinstance(v, list) and v for v in vary.values()):
                raise ConfigError(self.path, f"{where}.vary", "must map names to non-empty lists of values")
            seeds = self._seeds(e.get("seeds", self.seeds), f"{where}.seeds")
            epochs = self._count(e.get("epochs", self.epochs), f"{where}.epochs")
            args = self._strings(e.get("args", []), f"{where}.args")
            target = e.get("target_synapses_of")
            keys = sorted(vary)
            for values in itertools.product(*(vary[k] for k in keys)):
                fill = dict(zip(keys, values))
                for seed in seeds:
                    fill["seed"] = seed
                    try:
                        name = str(e["name"]).format(**fill)
                        profile = str(e["profile"]).format(**fill) if "profile" in e else ""
                        run_args = [a.format(**fill) for a in args]
                    except (KeyError, IndexError, ValueError) as err:
                        raise ConfigError(self.path, where, f"a {{placeholder}} names nothing in vary: {err}")
                    if len(seeds) > 1 and "{seed}" not in str(e["name"]):
                        name += f"-s{seed}"
                    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
                        raise ConfigError(self.path, f"{where}.name", f"run name '{name}' must be letters, digits, . _ -")
                    if name in runs:
                        raise ConfigError(self.path, f"{where}.name", f"run name '{name}' appears twice")
                    if profile:
                        self._profile(profile, f"{where}.profile")
                    t = target.format(**fill) if isinstance(target, str) else target
                    runs[name] = Run(name, mode, profile, seed, epochs, run_args, t)
        for r in runs.values():
            if r.target_of is not None and r.target_of not in runs:
                raise ConfigError(self.path, "runs", f"{r.name}: target_synapses_of names no run: {r.target_of!r}")
        return runs

    def _import_run(self, e, where, runs):
        """An import entry: {name, import: GRAPH.nir, arch: RxCxK, dt_ms: D, [test: FILE.h5], [args]}."""
        name = e["name"]
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
            raise ConfigError(self.path, f"{where}.name", f"run name '{name}' must be letters, digits, . _ -")
        if name in runs:
            raise ConfigError(self.path, f"{where}.name", f"run name '{name}' appears twice")
        for key in ("import", "test"):
            f = e.get(key)
            if f is None and key == "test":
                continue
            if not isinstance(f, str) or not os.path.isfile(os.path.join(REPO, f)):
                raise ConfigError(self.path, f"{where}.{key}", f"missing file {f!r}")
        arch = e.get("arch")
        if not isinstance(arch, str) or not re.fullmatch(r"[1-9][0-9]*x[1-9][0-9]*x[1-9][0-9]*", arch):
            raise ConfigError(self.path, f"{where}.arch", "must be RxCxK, e.g. 5x5x32")
        dt = e.get("dt_ms")
        if not isinstance(dt, (int, float)) or isinstance(dt, bool) or not dt > 0:
            raise ConfigError(self.path, f"{where}.dt_ms", "must be a positive number (ms)")
        args = self._strings(e.get("args", []), f"{where}.args")
        for a in args:
            if a.split("=")[0] in ("--out", "--arch", "--dt-ms"):
                raise ConfigError(self.path, f"{where}.args", f"{a} is set by the suite (arch, dt_ms), not by args")
        runs[name] = Run(name, "imported", "", 0, 0, ["--arch", arch, "--dt-ms", repr(dt)] + args, None,
                         graph=e["import"], test=e.get("test"))

    def _data_digest(self, key):
        f = self.data[key]
        full = os.path.join(REPO, f)
        if self.corpus is not None:  # made by the corpus rule: its recipe decides its content
            return "recipe:" + _sources_digest(CORPUS_SOURCES)
        return "file:" + _file_digest(full)

    def _digest_runs(self):
        steps = {s: _sources_digest(p) for s, p in STEP_SOURCES.items()}
        data = {k: self._data_digest(k) for k in ("train", "test")}
        done = {}

        def digest(run, chain):
            if run.name in done:
                return done[run.name]
            if run.name in chain:
                raise ConfigError(self.path, "runs", f"target_synapses_of makes a cycle through {run.name}")
            if run.imported:
                test = run.test_file(self)
                spec = {"import": run.import_args(), "graph": _file_digest(os.path.join(REPO, run.graph)),
                        "map": self.map_args, "sim": run.sim_args(self),
                        "test": data["test"] if run.test is None else "file:" + _file_digest(os.path.join(REPO, test)),
                        }
                run.sources_digest = _steps_digest({k: steps[k] for k in ("import", "map", "sim", "record")})
                if self.sources == "current":
                    spec["sources"] = {k: steps[k] for k in ("import", "map", "sim", "record")}
                done[run.name] = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
                return done[run.name]
            # (Without the import step's sources: adding that step left trained runs' digests as they were.)
            trained_steps = {k: v for k, v in steps.items() if k != "import"}
            spec = {"train": run.train_args(self), "map": self.map_args, "sim": self.sim_args, "data": data,
                    "threads": self.threads["train"]}
            run.sources_digest = _steps_digest(trained_steps)
            if self.sources == "current":
                spec["sources"] = trained_steps
            if run.target_of is not None:
                spec["target_synapses_of"] = digest(self.runs[run.target_of], chain | {run.name})
            done[run.name] = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
            return done[run.name]

        for r in self.runs.values():
            r.digest = digest(r, frozenset())

    def _record(self, path):
        try:
            with open(path) as fh:
                rec = json.load(fh)
        except (OSError, ValueError):
            return None
        return rec if isinstance(rec, dict) and rec.get("format") == RECORD_FORMAT else None

    def record_valid(self, path, run):
        """A committed record counts as done when it is a record of this run's current digest."""
        rec = self._record(path)
        return rec is not None and rec.get("config_digest") == run.digest

    def record_older_sources(self, path, run):
        """A done record of a `sources: recorded` tier made with other tool sources than these."""
        rec = self._record(path)
        return (self.sources == "recorded" and self.record_valid(path, run)
                and rec.get("sources_digest") != run.sources_digest)


def main(argv):
    if len(argv) >= 3 and argv[0] == "field":
        with open(argv[1]) as fh:
            print(json.load(fh)[argv[2]])
        return 0
    if not ((argv and argv[0] == "check" and len(argv) in (2, 4)) or (argv and argv[0] == "digests" and len(argv) == 2)):
        print("usage: suite.py check TIER.yaml [--records DIR] | suite.py digests TIER.yaml | suite.py field FILE KEY",
              file=sys.stderr)
        return 2
    try:
        tier = Tier(argv[1])
    except ConfigError as e:
        print(f"codesign: error: {e}", file=sys.stderr)
        return 2
    if argv[0] == "digests":
        for r in tier.runs.values():
            print(f"{r.name} {r.digest} {r.sources_digest}")
        return 0
    print(f"runs {len(tier.runs)}")
    if len(argv) == 4:
        for r in tier.runs.values():
            path = os.path.join(argv[3], r.name + ".json")
            if os.path.exists(path) and not tier.record_valid(path, r):
                print(f"stale {path}")
            elif os.path.exists(path) and tier.record_older_sources(path, r):
                print(f"older-sources {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
