// Sweeps: grid expansion, job files, the local worker pool, and the CSV that
// records failing points next to good ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/sweep.hpp"
#include "tlm/common/config.hpp"

namespace pnm::sweep {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("pnmsim_sweep_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

fs::path write_grid(const fs::path& dir, const std::string& body) {
  const fs::path p = dir / "grid.yaml";
  std::ofstream(p) << body;
  return p;
}

// Workload axes (run.*) become pnmsim run flags; run.model and run.tokens
// replace the grid's own model and tokens; an unknown run axis is refused.
TEST(Sweep, RunAxesVaryTheWorkloadFlags) {
  const fs::path d = scratch("run_axes");
  const Grid g = load_grid(write_grid(d, R"(sweep:
  config: sim/configs/hbf_gen1.yaml
  model: llama2-7b
  tokens: 2
  grid:
    run.model: [llama2-70b]
    run.batch: [1, 4]
    run.context: [1024]
    chip.flash.timing.t_read_us: [2]
)").string());
  const auto pts = expand(g, "/x/pnmsim", (d / "out").string());
  ASSERT_EQ(pts.size(), 2u);
  const std::string& c = pts[1].command;
  EXPECT_NE(c.find(" --model 'llama2-70b' --batch '4' --context '1024' --set 'chip.flash.timing.t_read_us=2'"),
            std::string::npos) << c;
  EXPECT_EQ(c.find("llama2-7b"), std::string::npos) << "the run.model axis replaces the grid's model: " << c;
  EXPECT_NE(c.find("--tokens 2"), std::string::npos) << c;
  try {
    load_grid(write_grid(d, "sweep:\n  config: c.yaml\n  model: tiny\n  grid:\n    run.bacth: [1]\n").string());
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("run.bacth"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("run.batch"), std::string::npos) << e.what();
  }
}

// A grid is checked before it is expanded: a product past a million points
// (here 2^21) and a value that would split a jobs.txt line are refused.
TEST(Sweep, HugeGridsAndControlCharactersAreRefused) {
  const fs::path d = scratch("huge");
  std::string body = "sweep:\n  config: c.yaml\n  model: tiny\n  grid:\n";
  for (int k = 0; k < 21; ++k) body += "    chip.a" + std::to_string(k) + ": [1, 2]\n";
  const auto refused = [&](const std::string& text, const std::string& want) {
    try {
      load_grid(write_grid(d, text).string());
      ADD_FAILURE() << "expected a ConfigError for " << want;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  refused(body, "more than 1000000 points");
  refused("sweep:\n  config: c.yaml\n  model: tiny\n  grid:\n    chip.x: [\"1\\n2\"]\n", "control character");
  // 2^19 points is allowed (and not expanded here).
  std::string ok = "sweep:\n  config: c.yaml\n  model: tiny\n  grid:\n";
  for (int k = 0; k < 19; ++k) ok += "    chip.a" + std::to_string(k) + ": [1, 2]\n";
  EXPECT_EQ(load_grid(write_grid(d, ok).string()).axes.size(), 19u);
}

TEST(Sweep, GridExpandsToTheCartesianProductLastAxisFastest) {
  const fs::path d = scratch("expand");
  const Grid g = load_grid(write_grid(d, R"(sweep:
  config: sim/configs/hbf_gen1.yaml
  model: llama2-7b
  tokens: 2
  args: [--mve, tlm]
  grid:
    chip.flash.geometry.channels: [4, 8]
    chip.flash.timing.t_read_us: [1, 2, 5]
)").string());
  ASSERT_EQ(g.axes.size(), 2u);
  const auto pts = expand(g, "/x/pnmsim", (d / "out").string());
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].values, (std::vector<std::string>{"4", "1"}));
  EXPECT_EQ(pts[1].values, (std::vector<std::string>{"4", "2"}));
  EXPECT_EQ(pts[5].values, (std::vector<std::string>{"8", "5"}));
  EXPECT_NE(pts[4].command.find("--set 'chip.flash.timing.t_read_us=2'"), std::string::npos) << pts[4].command;
  EXPECT_NE(pts[4].command.find("--tokens 2 '--mve' 'tlm'"), std::string::npos) << pts[4].command;
  write_job_files(pts, (d / "out").string());
  const std::string jobs = slurp(d / "out" / "jobs.txt");
  EXPECT_EQ(std::count(jobs.begin(), jobs.end(), '\n'), 6);
  EXPECT_NE(slurp(d / "out" / "slurm.sh").find("#SBATCH --array=1-6"), std::string::npos);
}

TEST(Sweep, FailingPointIsRecordedAndOthersFinish) {
  const fs::path d = scratch("run");
  const Grid g = load_grid(write_grid(d, R"(sweep:
  config: c.yaml
  model: tiny
  grid:
    x: [1, 2, 3]
)").string());
  auto pts = expand(g, "unused", (d / "out").string());
  fs::create_directories(d / "out" / "points");
  // Stand-ins for pnmsim: point 1 fails with a message, the others succeed.
  for (auto& p : pts) {
    const fs::path base = d / "out" / "points" / std::to_string(p.index);
    if (p.index == 1) {
      p.command = "(echo 'pnmsim: chip.flash.x = 2: out of range' > " + base.string() + ".log; exit 2; ); echo $? > " +
                  base.string() + ".rc";
    } else {
      p.command = "(echo '{\"report\": {\"tokens_per_s\": {\"value\": " + std::to_string(10 * (p.index + 1)) +
                  ", \"unit\": \"tokens/s\"}}}' > " + base.string() + ".json); echo $? > " + base.string() + ".rc";
    }
  }
  EXPECT_EQ(run_local(pts, 2, false), 0u) << "the wrapper shells succeed; the point's status is in .rc";
  const std::string csv = slurp(gather(g, pts, (d / "out").string()));
  std::printf("%s", csv.c_str());
  EXPECT_NE(csv.find("point,x,status,tokens_per_s,energy_per_token_j,error"), std::string::npos);
  EXPECT_NE(csv.find("0,1,ok,10,,"), std::string::npos);
  EXPECT_NE(csv.find("1,2,failed,,,pnmsim: chip.flash.x = 2: out of range"), std::string::npos);
  EXPECT_NE(csv.find("2,3,ok,30,,"), std::string::npos);
}

TEST(Sweep, BadGridNamesTheKey) {
  const fs::path d = scratch("bad");
  try {
    load_grid(write_grid(d, "sweep:\n  config: c.yaml\n  model: tiny\n  grid:\n    x: []\n").string());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("grid.x"), std::string::npos) << e.what();
  }
  try {
    load_grid(write_grid(d, "sweep:\n  config: c.yaml\n  model: tiny\n  grdi: {x: [1]}\n").string());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("grid"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pnm::sweep
