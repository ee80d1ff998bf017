#include "tlm/pnm/mve_scoreboard.hpp"

#include <sstream>

namespace pnm::mve {

std::string to_string(const Mismatch& m) {
  std::ostringstream os;
  os << "job " << m.job_id;
  if (m.row >= 0) os << " row " << m.row;
  if (m.vector >= 0) os << " vector " << m.vector;
  os << ": " << m.field << " expected " << m.expected << " actual " << m.actual
     << " (job issued at " << m.sim_time_ps << " ps";
  if (m.rtl_cycle != 0) {
    os << "; RTL cycle " << m.rtl_cycle << ", waveform time " << m.wave_time_ps << " ps";
  }
  os << ")";
  return os.str();
}

Scoreboard::Scoreboard(std::string name, bool compare_cycles, std::size_t keep)
    : name_(std::move(name)), compare_cycles_(compare_cycles), keep_(keep) {}

void Scoreboard::add(Mismatch m) {
  ++mismatches_;
  if (recorded_.size() < keep_) recorded_.push_back(std::move(m));
}

std::size_t Scoreboard::compare(const Job& job, const Result& expected, const Result& actual,
                                const WaveTimeFn& wave_time) {
  ++jobs_;
  const uint64_t before = mismatches_;
  auto job_level = [&](const char* field, int64_t e, int64_t a) {
    Mismatch m;
    m.job_id = job.id;
    m.field = field;
    m.expected = e;
    m.actual = a;
    m.sim_time_ps = job.issue_time_ps;
    m.rtl_cycle = actual.start_cycle;
    if (wave_time && m.rtl_cycle) m.wave_time_ps = wave_time(m.rtl_cycle);
    add(std::move(m));
  };

  if (expected.status != actual.status) {
    job_level("status", static_cast<int64_t>(expected.status), static_cast<int64_t>(actual.status));
  }
  if (expected.out.size() != actual.out.size()) {
    job_level("results", static_cast<int64_t>(expected.out.size()),
              static_cast<int64_t>(actual.out.size()));
  }
  if (compare_cycles_ && expected.cycles != actual.cycles) {
    job_level("cycles", static_cast<int64_t>(expected.cycles), static_cast<int64_t>(actual.cycles));
  }
  // out[row * vecs + v]: all of a row's results leave in one beat.
  const std::size_t vecs = job.vectors == 0 ? 1 : job.vectors;
  const std::size_t n = std::min(expected.out.size(), actual.out.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (expected.out[k] == actual.out[k]) continue;
    const std::size_t r = k / vecs;
    Mismatch m;
    m.job_id = job.id;
    m.row = static_cast<int64_t>(r);
    if (vecs > 1) m.vector = static_cast<int64_t>(k % vecs);
    m.field = "result";
    m.expected = expected.out[k];
    m.actual = actual.out[k];
    m.sim_time_ps = job.issue_time_ps;
    if (r < actual.row_cycle.size()) m.rtl_cycle = actual.row_cycle[r];
    if (wave_time && m.rtl_cycle) m.wave_time_ps = wave_time(m.rtl_cycle);
    add(std::move(m));
  }
  return static_cast<std::size_t>(mismatches_ - before);
}

std::string Scoreboard::report() const {
  std::ostringstream os;
  for (const auto& m : recorded_) os << name_ << ": " << to_string(m) << "\n";
  os << name_ << ": " << jobs_ << " jobs compared, " << mismatches_ << " mismatches";
  if (mismatches_ > recorded_.size()) os << " (first " << recorded_.size() << " shown)";
  return os.str();
}

}  // namespace pnm::mve
