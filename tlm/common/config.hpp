// Config reading helpers: a thin, validating layer over yaml-cpp.
//
// Two layers (STYLE.md "Config and stats"): a block's loader walks the parsed
// YAML with a ConfigReader and fills a resolved, validated struct with named
// defaults; modules only ever see the struct.
//
//   pnm::ConfigReader r = pnm::ConfigReader::from_file(path, "flash", "flash channel");
//   cfg.channels   = r.integer("channels", pnm::Range<int64_t>{1, 1024});
//   cfg.seed       = r.integer_or("seed", kDefaultSeed, {0, INT64_MAX});
//   cfg.t_read_ps  = r.duration_ps("t_read", {1e3, 1e10});   // t_read_ns / _us / _ms ...
//   pnm::ConfigReader t = r.child("timing");                   // nested map
//   ...
//   t.finish();  r.finish();   // unknown (never read) keys -> ConfigError
//
// Every error is a pnm::ConfigError whose message names the file, the full key
// path (e.g. `flash.timing.t_read_us`), the component and the allowed range:
//   sim/configs/flash/x.yaml: flash.timing.t_read_us = -3: out of range
//   [0.001, 10000] us (component: flash channel)
//
// Units: a physical quantity's key carries its unit as a suffix. Quantities
// read with duration_ps() accept any one of the suffixes _ps, _ns, _us, _ms, _s
// (exactly one may be present); all other quantities name their unit in the
// key the loader asks for (`io_rate_mts`, `energy_read_pj_per_page`). A key
// given without its unit (`t_read: 3`) is unknown and is rejected with a hint
// naming the accepted spellings.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace pnm {

/// The one exception type for bad configuration.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Inclusive allowed range of a numeric key.
template <typename T>
struct Range {
  T min = std::numeric_limits<T>::lowest();
  T max = std::numeric_limits<T>::max();
  bool contains(T v) const { return v >= min && v <= max; }
};

/// Reads one YAML map. Tracks which keys were read so finish() can reject the
/// rest. Children share the file name and extend the key path. Copyable; a
/// copy shares the "keys read" bookkeeping with its original.
class ConfigReader {
 public:
  /// `file` is only used in messages; `path` is the key path of `node`
  /// ("flash"); `component` names the block ("flash channel").
  ConfigReader(YAML::Node node, std::string file, std::string path, std::string component);

  /// Parses `file`. If `root_key` is non-empty and the document is a map that
  /// has that key, reads below it, and any other top-level key is an error
  /// (a mis-indented section); otherwise reads the whole document. Every map
  /// in the file must give each key once and use no YAML merge key (`<<`).
  static ConfigReader from_file(const std::string& file, const std::string& root_key,
                                const std::string& component);
  /// The same, after applying `key=value` overrides (see apply_overrides).
  static ConfigReader from_file(const std::string& file, const std::string& root_key,
                                const std::string& component, const std::vector<std::string>& overrides);
  /// One section of a file that documents several blocks' sections side by
  /// side (sim/configs/logic/default.yaml: logic and noc); the other top-level
  /// sections are left alone. from_file() instead refuses any key beside
  /// `root_key`.
  static ConfigReader section_from_file(const std::string& file, const std::string& root_key,
                                        const std::string& component);
  /// Parses YAML text (tests, embedded defaults); `label` stands in for a file name.
  static ConfigReader from_string(const std::string& text, const std::string& label,
                                  const std::string& root_key, const std::string& component);

  bool has(const std::string& key) const;

  /// Integers (YAML ints only; 1.5 or "abc" are errors).
  int64_t integer(const std::string& key, Range<int64_t> range) const;
  int64_t integer_or(const std::string& key, int64_t def, Range<int64_t> range) const;
  /// Reals (ints accepted).
  double real(const std::string& key, Range<double> range) const;
  double real_or(const std::string& key, double def, Range<double> range) const;
  bool boolean(const std::string& key) const;
  bool boolean_or(const std::string& key, bool def) const;
  /// Any string (a name, a file path).
  std::string text(const std::string& key) const;
  std::string text_or(const std::string& key, const std::string& def) const;
  /// A string from a fixed set of choices.
  std::string choice(const std::string& key, const std::vector<std::string>& allowed) const;
  std::string choice_or(const std::string& key, const std::string& def,
                        const std::vector<std::string>& allowed) const;

  /// A duration given as `<base>_ps|_ns|_us|_ms|_s` (exactly one). Returned in
  /// picoseconds (rounded to nearest); `range_ps` is checked after conversion
  /// and reported in the unit the user wrote.
  uint64_t duration_ps(const std::string& base, Range<double> range_ps) const;
  uint64_t duration_ps_or(const std::string& base, uint64_t def_ps, Range<double> range_ps) const;

  /// A nested map. `required` = false returns an empty reader when absent.
  ConfigReader child(const std::string& key, bool required = true) const;

  /// Throws ConfigError for every key of this map that no accessor read.
  /// Call once per map after reading it (children separately).
  void finish() const;

  /// Throws a ConfigError about `key` with `what` appended (for cross-field
  /// checks done by loaders, e.g. "must be a multiple of codeword_bytes").
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

  const std::string& file() const { return file_; }
  /// The underlying map (read-only; for merging presets and the like).
  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  const std::string& component() const { return component_; }

 private:
  std::string key_path(const std::string& key) const;
  const YAML::Node get(const std::string& key) const;  // marks as read; may be undefined
  std::string where(const std::string& key) const;

  YAML::Node node_;
  std::string file_, path_, component_;
  std::shared_ptr<std::set<std::string>> read_;
};

/// Applies command-line overrides `a.b.c=value` to a parsed document: the
/// dotted path runs from the document root, missing maps are created, and the
/// value is parsed as YAML (so 5 is a number). The block loaders then check
/// the result like any other key (unknown keys and ranges included). Throws
/// ConfigError naming the override when it is malformed or a path crosses a
/// non-map value.
/// Throws ConfigError naming the file and key path for a duplicate key, a
/// YAML merge key (`<<`) or a non-scalar key anywhere in `doc` (yaml-cpp
/// accepts all three). from_file() and from_string() call it.
void check_document(const YAML::Node& doc, const std::string& file);

void apply_overrides(YAML::Node& doc, const std::vector<std::string>& overrides, const std::string& file);

}  // namespace pnm
