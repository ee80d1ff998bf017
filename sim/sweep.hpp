// Design-space sweeps: a grid of config overrides becomes a list of
// `pnmsim run` commands (one per point), runnable by the built-in worker
// pool, GNU parallel or a Slurm array; each point writes its stats JSON and
// the results gather into one CSV.
//
//   sweep:
//     config: sim/configs/hbf_gen1.yaml     # base chip config
//     model: llama2-7b                       # as for pnmsim run --model
//     tokens: 1
//     args: [--mve, tlm]                     # optional extra run arguments
//     grid:                                  # cartesian product, in this order
//       chip.flash.geometry.channels: [4, 8, 16]
//       chip.flash.timing.t_read_us: [1, 2, 5]
//       run.batch: [1, 4, 16]                # run.* axes vary the workload flags:
//                                            # run.model, run.tokens, run.batch, run.context,
//                                            # run.prompt_ids, run.prefill_chunk
//     metrics:                               # CSV columns from each point's stats JSON
//       tokens_per_s: report.tokens_per_s
//       energy_per_token_j: report.energy_per_token
//
// Output directory: jobs.txt (one shell command per line), slurm.sh (array
// job over jobs.txt), points/<i>.json and .log, results.csv. A failing point
// is recorded in the CSV (status and the last line of its log); the others
// still run.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pnm::sweep {

struct Axis {
  std::string key;                  // dotted config path (--set key=value), or run.<flag> (--flag value)
  std::vector<std::string> values;  // as written in the YAML
};

struct Grid {
  std::string source;
  std::string config, model;
  int tokens = 1;
  std::vector<std::string> args;
  std::vector<Axis> axes;
  std::vector<std::pair<std::string, std::string>> metrics;  // column, stats path
};

struct Point {
  unsigned index = 0;
  std::vector<std::string> values;  // one per axis
  std::vector<std::string> run_args;  // the arguments after `pnmsim run`, without --quiet and --stats
  std::string command;              // the shell command that runs it
};

Grid load_grid(const std::string& path);

// The cartesian product of the axes; the last axis varies fastest.
std::vector<Point> expand(const Grid& g, const std::string& pnmsim_exe, const std::string& out_dir);

// Writes jobs.txt and slurm.sh into out_dir (created if needed).
void write_job_files(const std::vector<Point>& points, const std::string& out_dir);

// Runs the points on `workers` threads (each a child process), then gathers.
// Returns the number of failed points.
unsigned run_local(const std::vector<Point>& points, unsigned workers, bool progress);

// Reads points/<i>.json for every point and writes results.csv; returns the CSV path.
std::string gather(const Grid& g, const std::vector<Point>& points, const std::string& out_dir);

}  // namespace pnm::sweep
