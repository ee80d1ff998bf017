#include "tlm/common/trace.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace pnm::trace {

namespace {
std::unique_ptr<Writer>& instance() {
  static std::unique_ptr<Writer> w;
  return w;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

Writer::Writer(const std::string& path, uint64_t max_events) : path_(path), max_events_(max_events) {
  f_ = std::fopen(path.c_str(), "w");
  if (!f_) throw std::runtime_error("trace: cannot write " + path + ": " + std::strerror(errno));
  std::fputs("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n", f_);
}

void Writer::finish() {
  if (!f_) return;
  std::fprintf(f_,
               "{\"name\": \"pnmsim trace end\", \"ph\": \"i\", \"s\": \"g\", \"ts\": 0, \"pid\": 0, \"tid\": 0, "
               "\"args\": {\"events\": %llu, \"dropped\": %llu}}\n]}\n",
               static_cast<unsigned long long>(events_), static_cast<unsigned long long>(dropped_));
  // Writes are buffered: a full disk shows at the flush or the close, and
  // ferror() keeps any earlier fprintf failure.
  errno = 0;
  const bool flushed = std::fflush(f_) == 0 && !std::ferror(f_);
  const int flush_errno = errno;
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!flushed || !closed) {
    const int e = flush_errno ? flush_errno : errno;
    throw std::runtime_error("trace: cannot write " + path_ + (e ? std::string(": ") + std::strerror(e) : "") +
                             " (the timeline is incomplete)");
  }
}

Writer::~Writer() {
  try {
    finish();
  } catch (const std::exception&) {
    // close() reports it; a writer dropped during unwinding cannot.
  }
}

uint32_t Writer::track(const std::string& group, uint32_t index) {
  const auto key = std::make_pair(group, index);
  if (auto it = tracks_.find(key); it != tracks_.end()) return it->second;
  const uint32_t tid = add_track(group, group + " " + std::to_string(index));
  tracks_.emplace(key, tid);
  return tid;
}

uint32_t Writer::track(const std::string& group, const std::string& name) {
  const auto key = std::make_pair(group, name);
  if (auto it = named_tracks_.find(key); it != named_tracks_.end()) return it->second;
  const uint32_t tid = add_track(group, name);
  named_tracks_.emplace(key, tid);
  return tid;
}

uint32_t Writer::add_track(const std::string& group, const std::string& name) {
  auto g = groups_.find(group);
  if (g == groups_.end()) {
    g = groups_.emplace(group, static_cast<uint32_t>(groups_.size() + 1)).first;
    std::fprintf(f_, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %u, \"args\": {\"name\": \"%s\"}},\n",
                 g->second, escape(group).c_str());
  }
  const uint32_t tid = static_cast<uint32_t>(pid_of_.size() ? pid_of_.size() : 1);
  pid_of_.resize(tid + 1);
  pid_of_[tid] = g->second;
  std::fprintf(f_,
               "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %u, \"tid\": %u, \"args\": {\"name\": \"%s\"}},\n",
               g->second, tid, escape(name).c_str());
  return tid;
}

void Writer::complete(const char* category, const std::string& name, uint32_t track, uint64_t start_ps,
                      uint64_t dur_ps, const std::string& args_json) {
  if (events_ >= max_events_) {
    ++dropped_;
    return;
  }
  ++events_;
  const uint32_t pid = track < pid_of_.size() ? pid_of_[track] : 0;
  std::fprintf(f_,
               "{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"ts\": %.6f, \"dur\": %.6f, \"pid\": %u, "
               "\"tid\": %u%s%s},\n",
               escape(name).c_str(), category, static_cast<double>(start_ps) * 1e-6,
               static_cast<double>(dur_ps) * 1e-6, pid, track, args_json.empty() ? "" : ", \"args\": ",
               args_json.c_str());
}

Writer* active() { return instance().get(); }

void open(const std::string& path, uint64_t max_events) {
  instance().reset();
  instance() = std::make_unique<Writer>(path, max_events);
}

void close() {
  if (!instance()) return;
  std::unique_ptr<Writer> w = std::move(instance());
  w->finish();
}

}  // namespace pnm::trace
