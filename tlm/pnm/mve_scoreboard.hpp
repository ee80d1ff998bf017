// Compares two MVE engines job by job (after Ibex's cosim checker): the
// reference (golden) result against the result under test (usually RTL).
//
// Mismatches are collected with enough context to open the waveform at the
// failing cycle: job id, row (and activation vector when the job has more
// than one), expected vs actual, simulated time of the job,
// and the RTL cycle and waveform time at which the row left the engine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tlm/pnm/mve_engine.hpp"

namespace pnm::mve {

struct Mismatch {
  uint64_t job_id = 0;
  int64_t row = -1;          // -1: a job-level field
  int64_t vector = -1;       // activation vector of a result; -1 when the job has one
  std::string field;         // "status", "results" (count), "cycles" or "result"
  int64_t expected = 0;
  int64_t actual = 0;
  uint64_t sim_time_ps = 0;  // simulated time the job was issued
  uint64_t rtl_cycle = 0;    // cycle of the engine under test (0 if unknown)
  uint64_t wave_time_ps = 0; // where to look in the waveform (0 if unknown)
};

std::string to_string(const Mismatch& m);

class Scoreboard {
 public:
  // Maps a cycle of the engine under test to its waveform time.
  using WaveTimeFn = std::function<uint64_t(uint64_t cycle)>;

  explicit Scoreboard(std::string name, bool compare_cycles = true, std::size_t keep = 32);

  // Compares one job and returns the number of mismatches it added.
  std::size_t compare(const Job& job, const Result& expected, const Result& actual,
                      const WaveTimeFn& wave_time = {});

  uint64_t jobs() const { return jobs_; }
  uint64_t mismatches() const { return mismatches_; }
  bool ok() const { return mismatches_ == 0; }
  const std::vector<Mismatch>& recorded() const { return recorded_; }  // the first `keep`
  // One line per recorded mismatch, the first one first, and a summary line.
  std::string report() const;

 private:
  void add(Mismatch m);

  std::string name_;
  bool compare_cycles_;
  std::size_t keep_;
  uint64_t jobs_ = 0;
  uint64_t mismatches_ = 0;
  std::vector<Mismatch> recorded_;
};

}  // namespace pnm::mve
