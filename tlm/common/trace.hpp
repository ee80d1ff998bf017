// Transaction timeline in the Chrome / Perfetto trace-event JSON format
// (open in ui.perfetto.dev or chrome://tracing). Off unless opened; blocks
// ask for the active writer and record complete events ("ph": "X") with
// simulated start and duration in picoseconds, one track per block instance:
//
//   if (auto* t = pnm::trace::active()) t->complete("flash", "read", t->track("flash", c), start_ps, dur_ps);
//
// Events stream to the file as they come, so a long run holds none in
// memory; past max_events the writer counts and drops them (the file says
// how many). Timestamps share SystemC's simulated timebase.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace pnm::trace {

class Writer {
 public:
  Writer(const std::string& path, uint64_t max_events);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // A track (Perfetto thread) per (group, index), named "<group> <index>",
  // or per (group, name) for blocks that know their instance name.
  uint32_t track(const std::string& group, uint32_t index);
  uint32_t track(const std::string& group, const std::string& name);
  void complete(const char* category, const std::string& name, uint32_t track, uint64_t start_ps,
                uint64_t dur_ps, const std::string& args_json = "");

  /// Writes the closing record and closes the file; throws std::runtime_error
  /// naming the file if any write, the flush or the close failed (a full
  /// disk). The destructor calls it and swallows the error.
  void finish();

  uint64_t events() const { return events_; }
  uint64_t dropped() const { return dropped_; }

 private:
  std::string path_;
  std::FILE* f_;
  uint64_t max_events_;
  uint64_t events_ = 0, dropped_ = 0;
  uint32_t add_track(const std::string& group, const std::string& name);

  std::map<std::pair<std::string, uint32_t>, uint32_t> tracks_;
  std::map<std::pair<std::string, std::string>, uint32_t> named_tracks_;
  std::map<std::string, uint32_t> groups_;
  std::vector<uint32_t> pid_of_;  // indexed by track
};

// The process-wide writer, or nullptr when tracing is off.
Writer* active();
// Opens (replacing any open writer) or closes the process-wide writer;
// close() throws std::runtime_error naming the file when it could not be written.
void open(const std::string& path, uint64_t max_events = 2'000'000);
void close();

}  // namespace pnm::trace
