// A progress bar with ETA on stderr, for runs longer than a second. Silent
// when stderr is not a terminal (CI logs, pipes) or when disabled.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace pnm {

class Progress {
 public:
  Progress(std::string label, double total, bool enabled = true)
      : label_(std::move(label)), total_(total), enabled_(enabled && isatty(STDERR_FILENO)) {}
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(double done) {
    if (!enabled_) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    if (elapsed < 1.0 || elapsed - last_ < 0.1) return;  // quiet for short runs; ~10 redraws/s
    last_ = elapsed;
    const double frac = total_ > 0 ? std::min(1.0, done / total_) : 0.0;
    const int width = 30, filled = static_cast<int>(frac * width);
    const double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    std::fprintf(stderr, "\r%s [%s%s] %5.1f%%  %.0f/%.0f  elapsed %.1fs  ETA %.1fs ", label_.c_str(),
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), 100 * frac, done,
                 total_, elapsed, eta);
    shown_ = true;
  }
  void finish() {
    if (shown_) std::fprintf(stderr, "\n");
    shown_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  double total_;
  bool enabled_;
  Clock::time_point start_ = Clock::now();
  double last_ = 0;
  bool shown_ = false;
};

}  // namespace pnm
