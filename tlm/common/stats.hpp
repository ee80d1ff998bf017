// Named statistics with units, following the module hierarchy, serialized to
// JSON with a deterministic key order.
//
// Modules keep their own plain counters (cheap to bump on the hot path) and
// copy them into a Stats object when asked (`report(Stats&, prefix)`), so the
// hot path never touches a map or a string.
//
//   pnm::Stats s;
//   s.set("flash.ch0.reads", 1000, "pages");
//   s.set("flash.ch0.energy.read", 3.2e6, "pJ", "array sensing energy");
//   s.add("flash.total.reads", 1000, "pages");
//   std::string j = s.dump();  // nested objects; sorted keys; byte-stable
//
// A name is a dot-separated path; each component becomes one JSON object
// level, and the leaf holds {"value": v, "unit": "...", "desc": "..."}
// ("desc" only when given). Integer-valued stats stay integers in JSON.
// A path cannot be both a leaf and a group (ConfigError-free: std::logic_error).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace pnm {

class Stats {
 public:
  using Value = std::variant<uint64_t, int64_t, double>;
  struct Entry {
    Value value;
    std::string unit;
    std::string desc;
  };

  /// Sets (or overwrites) one stat.
  void set(const std::string& name, Value value, const std::string& unit,
           const std::string& desc = "");
  /// Adds to a stat (creates it at 0 first). Unsigned + unsigned stays
  /// unsigned; anything mixed with a double becomes a double.
  void add(const std::string& name, Value value, const std::string& unit,
           const std::string& desc = "");

  bool has(const std::string& name) const { return entries_.count(name) != 0; }
  const Entry& at(const std::string& name) const { return entries_.at(name); }
  /// The value as a double (for tests and derived figures).
  double value(const std::string& name) const;
  const std::map<std::string, Entry>& entries() const { return entries_; }

  /// Nested JSON (std::map-ordered, so the order is deterministic).
  nlohmann::json to_json() const;
  /// to_json().dump(indent) with a trailing newline.
  std::string dump(int indent = 2) const;
  /// Writes dump() to a file; throws std::runtime_error on I/O failure.
  void write(const std::string& path, int indent = 2) const;

 private:
  std::map<std::string, Entry> entries_;
};

}  // namespace pnm
