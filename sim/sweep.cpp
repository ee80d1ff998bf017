#include "sim/sweep.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tlm/common/config.hpp"

namespace pnm::sweep {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMaxPoints = 1'000'000;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_text(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string last_line(const std::string& text) {
  std::string last, line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

// Grid axes named run.<flag> vary a pnmsim run flag (the workload) instead
// of a config key: run.batch -> --batch, and so on.
const std::vector<std::pair<std::string, std::string>>& run_axes() {
  static const std::vector<std::pair<std::string, std::string>> axes = {
      {"run.model", "--model"},   {"run.tokens", "--tokens"},         {"run.batch", "--batch"},
      {"run.context", "--context"}, {"run.prompt_ids", "--prompt-ids"}, {"run.prefill_chunk", "--prefill-chunk"}};
  return axes;
}

// The run flag of an axis, or "" for a config key.
std::string run_flag(const std::string& key) {
  for (const auto& [k, flag] : run_axes()) {
    if (k == key) return flag;
  }
  return "";
}

bool has_axis(const Grid& g, const std::string& key) {
  for (const auto& a : g.axes) {
    if (a.key == key) return true;
  }
  return false;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return out + "\"";
}

}  // namespace

Grid load_grid(const std::string& path) {
  const ConfigReader r = ConfigReader::from_file(path, "sweep", "sweep");
  Grid g;
  g.source = path;
  // The base config as written, or relative to the grid file; pnmsim run
  // also looks in the source tree.
  g.config = r.text("config");
  if (const fs::path beside = fs::path(path).parent_path() / g.config; !fs::exists(g.config) && fs::exists(beside)) {
    g.config = beside.string();
  }
  g.model = r.text("model");
  g.tokens = static_cast<int>(r.integer_or("tokens", 1, {1, 1 << 20}));
  const YAML::Node root = r.node();
  if (root["args"]) {
    if (!root["args"].IsSequence()) r.fail("args", "must be a list of strings");
    for (const auto& a : root["args"]) {
      if (!a.IsScalar()) r.fail("args", "must be a list of strings");
      g.args.push_back(a.Scalar());
    }
  }
  const YAML::Node grid = root["grid"];
  if (!grid || !grid.IsMap() || grid.size() == 0) r.fail("grid", "must be a non-empty map of key: [values]");
  for (const auto& kv : grid) {
    Axis a;
    a.key = kv.first.Scalar();
    if (a.key.rfind("run.", 0) == 0 && run_flag(a.key).empty()) {
      std::string allowed;
      for (const auto& [k, flag] : run_axes()) allowed += (allowed.empty() ? "" : ", ") + k;
      r.fail("grid." + a.key, "unknown run axis (allowed: " + allowed + ", or a chip.* config key)");
    }
    if (!kv.second.IsSequence() || kv.second.size() == 0) {
      r.fail("grid." + a.key, "must be a non-empty list of values");
    }
    for (const auto& v : kv.second) {
      if (!v.IsScalar()) r.fail("grid." + a.key, "values must be scalars (numbers or strings)");
      // One point is one line of jobs.txt: a control character would split it.
      for (unsigned char ch : v.Scalar()) {
        if (ch < 0x20 || ch == 0x7F) r.fail("grid." + a.key, "a value holds a control character (newline, tab, ...)");
      }
      a.values.push_back(v.Scalar());
    }
    g.axes.push_back(std::move(a));
  }
  // The product, checked before anything is expanded (64 axes of 2 values
  // would overflow; a million points is more than a sweep here should be).
  uint64_t points = 1;
  for (const auto& a : g.axes) {
    if (points > kMaxPoints / a.values.size()) {
      r.fail("grid", "more than " + std::to_string(kMaxPoints) + " points (allowed: at most " +
                         std::to_string(kMaxPoints) + "; split the sweep)");
    }
    points *= a.values.size();
  }
  const YAML::Node metrics = root["metrics"];
  if (metrics) {
    if (!metrics.IsMap()) r.fail("metrics", "must be a map of column: stats.path");
    for (const auto& kv : metrics) {
      if (!kv.second.IsScalar()) r.fail("metrics", "each metric maps a column name to a stats path");
      g.metrics.emplace_back(kv.first.Scalar(), kv.second.Scalar());
    }
  } else {
    g.metrics = {{"tokens_per_s", "report.tokens_per_s"}, {"energy_per_token_j", "report.energy_per_token"}};
  }
  // Keys read by hand above, so finish() does not call them unknown.
  for (const char* k : {"args", "grid", "metrics"}) (void)r.has(k);
  r.finish();
  return g;
}

std::vector<Point> expand(const Grid& g, const std::string& exe, const std::string& out_dir) {
  const fs::path out = fs::absolute(out_dir);
  size_t n = 1;
  for (const auto& a : g.axes) n *= a.values.size();
  std::vector<Point> pts(n);
  for (size_t i = 0; i < n; ++i) {
    Point& p = pts[i];
    p.index = static_cast<unsigned>(i);
    size_t rest = i;
    p.values.resize(g.axes.size());
    for (size_t k = g.axes.size(); k-- > 0;) {
      p.values[k] = g.axes[k].values[rest % g.axes[k].values.size()];
      rest /= g.axes[k].values.size();
    }
    const fs::path base = out / "points" / std::to_string(i);
    const std::string config = fs::exists(g.config) ? fs::absolute(g.config).string() : g.config;
    // One list of arguments: the shell command (flags bare, values quoted)
    // and run_args (what sweep --dry-run checks) are both built from it.
    std::string cmd = quote(exe) + " run";
    auto add = [&](const std::string& flag, const std::string& value, bool quoted = true) {
      p.run_args.insert(p.run_args.end(), {flag, value});
      cmd += " " + flag + " " + (quoted ? quote(value) : value);
    };
    add("--config", config);
    if (!has_axis(g, "run.model")) add("--model", g.model);
    if (!has_axis(g, "run.tokens")) add("--tokens", std::to_string(g.tokens), false);
    for (const auto& a : g.args) {
      p.run_args.push_back(a);
      cmd += " " + quote(a);
    }
    for (size_t k = 0; k < g.axes.size(); ++k) {
      const std::string flag = run_flag(g.axes[k].key);
      if (flag.empty()) {
        add("--set", g.axes[k].key + "=" + p.values[k]);
      } else {
        add(flag, p.values[k]);
      }
    }
    cmd += " --quiet --stats " + quote(base.string() + ".json");
    // The line exits with the run's status (for the worker pool, GNU parallel
    // and Slurm), after recording it for gather().
    p.command = "(" + cmd + " > " + quote(base.string() + ".log") + " 2>&1; rc=$?; echo $rc > " +
                quote(base.string() + ".rc") + "; exit $rc)";
  }
  return pts;
}

void write_job_files(const std::vector<Point>& points, const std::string& out_dir) {
  const fs::path out = fs::absolute(out_dir);
  fs::create_directories(out / "points");
  {
    std::ofstream jobs(out / "jobs.txt");
    for (const auto& p : points) jobs << p.command << "\n";
    if (!jobs) throw std::runtime_error("sweep: cannot write " + (out / "jobs.txt").string());
  }
  std::ofstream slurm(out / "slurm.sh");
  slurm << "#!/bin/bash\n"
        << "# One array task per line of jobs.txt. Submit: sbatch " << (out / "slurm.sh").string() << "\n"
        << "# Gather afterwards: pnmsim sweep --grid <grid.yaml> --out " << out.string() << " --gather-only\n"
        << "#SBATCH --job-name=pnmsim-sweep\n"
        << "#SBATCH --array=1-" << points.size() << "\n"
        << "#SBATCH --cpus-per-task=1\n"
        << "#SBATCH --output=" << (out / "points" / "slurm-%a.out").string() << "\n"
        << "set -euo pipefail\n"
        << "sed -n \"${SLURM_ARRAY_TASK_ID}p\" " << quote((out / "jobs.txt").string()) << " | bash\n";
  if (!slurm) throw std::runtime_error("sweep: cannot write " + (out / "slurm.sh").string());
  fs::permissions(out / "slurm.sh", fs::perms::owner_exec, fs::perm_options::add);
}

unsigned run_local(const std::vector<Point>& points, unsigned workers, bool progress) {
  progress = progress && isatty(STDERR_FILENO);  // no carriage-return noise in logs
  std::atomic<size_t> next{0}, done{0};
  std::atomic<unsigned> failed{0};
  std::mutex io;
  auto worker = [&] {
    for (size_t i; (i = next++) < points.size();) {
      const int rc = std::system(("bash -c " + quote(points[i].command)).c_str());
      if (rc != 0) ++failed;
      const size_t d = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(io);
        std::fprintf(stderr, "\rsweep: %zu/%zu points", d, points.size());
        if (d == points.size()) std::fprintf(stderr, "\n");
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < std::max(1u, workers); ++w) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return failed;
}

std::string gather(const Grid& g, const std::vector<Point>& points, const std::string& out_dir) {
  const fs::path out = fs::absolute(out_dir);
  const fs::path csv = out / "results.csv";
  std::ofstream f(csv);
  f << "point";
  for (const auto& a : g.axes) f << "," << csv_field(a.key);
  f << ",status";
  for (const auto& m : g.metrics) f << "," << csv_field(m.first);
  f << ",error\n";
  for (const auto& p : points) {
    const fs::path base = out / "points" / std::to_string(p.index);
    std::string status = "ok", error;
    nlohmann::json stats;
    const std::string rc = read_text(base.string() + ".rc");
    if (rc.empty()) {
      status = "not_run";
    } else if (std::atoi(rc.c_str()) != 0) {
      status = "failed";
      error = last_line(read_text(base.string() + ".log"));
      if (error.empty()) error = "exit status " + last_line(rc);
    } else {
      try {
        stats = nlohmann::json::parse(read_text(base.string() + ".json"));
      } catch (const std::exception& e) {
        status = "failed";
        error = std::string("stats unreadable: ") + e.what();
      }
    }
    f << p.index;
    for (const auto& v : p.values) f << "," << csv_field(v);
    f << "," << status;
    for (const auto& m : g.metrics) {
      std::string cell;
      if (status == "ok") {
        const nlohmann::json* node = &stats;
        std::istringstream path(m.second);
        for (std::string part; node && std::getline(path, part, '.');) {
          node = node->contains(part) ? &(*node)[part] : nullptr;
        }
        if (node && node->is_object() && node->contains("value")) node = &(*node)["value"];
        if (node && node->is_number()) cell = fmt::format("{}", node->get<double>());
      }
      f << "," << cell;
    }
    f << "," << csv_field(error) << "\n";
  }
  if (!f) throw std::runtime_error("sweep: cannot write " + csv.string());
  return csv.string();
}

}  // namespace pnm::sweep
