#include "tlm/common/config.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <ios>
#include <sstream>

namespace pnm {
namespace {

struct Unit {
  const char* suffix;
  double ps;
};
constexpr Unit kTimeUnits[] = {{"_ps", 1.0}, {"_ns", 1e3}, {"_us", 1e6}, {"_ms", 1e9}, {"_s", 1e12}};

std::string fmt_num(double v) {
  if (v == std::numeric_limits<double>::max()) return "inf";
  if (v == std::numeric_limits<double>::lowest()) return "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}
std::string fmt_num(int64_t v) {
  if (v == std::numeric_limits<int64_t>::max()) return "inf";
  if (v == std::numeric_limits<int64_t>::min()) return "-inf";
  return std::to_string(v);
}
template <typename T>
std::string fmt_range(const Range<T>& r) {
  return "[" + fmt_num(r.min) + ", " + fmt_num(r.max) + "]";
}

std::string scalar_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  if (n.IsSequence()) return "<sequence>";
  if (n.IsMap()) return "<map>";
  return "<null>";
}

std::string join_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// Walks a parsed document; every map must have scalar keys, each given once,
// and no YAML merge key (`<<`): yaml-cpp keeps duplicates and leaves `<<` as a
// plain key, so either would otherwise be half-read or ignored. `budget`
// bounds the walk (aliases can repeat a subtree many times).
void check_node(const YAML::Node& n, const std::string& file, const std::string& path, int depth,
                size_t& budget) {
  if (depth > 64) throw ConfigError(file + ": " + path + ": nested more than 64 levels deep");
  if (budget == 0) throw ConfigError(file + ": document too large (more than 1000000 nodes, aliases included)");
  --budget;
  if (n.IsSequence()) {
    size_t i = 0;
    for (const auto& item : n) check_node(item, file, path + "[" + std::to_string(i++) + "]", depth + 1, budget);
    return;
  }
  if (!n.IsMap()) return;
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      throw ConfigError(file + ": " + (path.empty() ? std::string("<root>") : path) +
                        ": a map key must be a plain name, not a " + (kv.first.IsMap() ? "map" : "sequence"));
    }
    const std::string k = kv.first.Scalar();
    const std::string at = join_key(path, k);
    if (k == "<<") {
      throw ConfigError(file + ": " + at + ": YAML merge keys (<<) are not supported; write the keys out");
    }
    if (!seen.insert(k).second) {
      throw ConfigError(file + ": " + at + ": duplicate key (given more than once in the same map; give it once)");
    }
    check_node(kv.second, file, at, depth + 1, budget);
  }
}

// A file with a root section (`chip:`) holds nothing beside it: a
// mis-indented `cpu:` or a top-level `include:` would be silently ignored.
void check_only_root(const YAML::Node& doc, const std::string& file, const std::string& root_key,
                     const std::string& component) {
  for (const auto& kv : doc) {
    const std::string k = kv.first.Scalar();
    if (k == root_key) continue;
    throw ConfigError(file + ": " + k + ": key outside the '" + root_key + "' section (the file holds only " +
                      root_key + ":; indent it under " + root_key + ": or remove it) (component: " + component +
                      ")");
  }
}

}  // namespace

void check_document(const YAML::Node& doc, const std::string& file) {
  size_t budget = 1000000;
  check_node(doc, file, "", 0, budget);
}

// Keys read (or asked for) per map, shared between copies of one reader.
// Stored as "r:<key>" for keys that were looked up, so finish() can also name
// the spellings a loader would have accepted.
ConfigReader::ConfigReader(YAML::Node node, std::string file, std::string path,
                           std::string component)
    : node_(std::move(node)),
      file_(std::move(file)),
      path_(std::move(path)),
      component_(std::move(component)),
      read_(std::make_shared<std::set<std::string>>()) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap())
    throw ConfigError(file_ + ": " + (path_.empty() ? std::string("<root>") : path_) +
                      " must be a map (component: " + component_ + ")");
}

namespace {
// Loads one YAML file, naming it on every failure. A directory is refused
// first: yaml-cpp would open it and fail with "basic_filebuf::underflow"
// (issue 15 corpus: --set chip.flash.preset=<a directory>).
YAML::Node load_yaml_file(const std::string& file, const std::string& component) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw ConfigError(file + ": is a directory, not a YAML file (component: " + component + ")");
  }
  try {
    return YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw ConfigError(file + ": cannot open file (component: " + component + ")");
  } catch (const YAML::Exception& e) {
    throw ConfigError(file + ": YAML syntax error: " + e.what() + " (component: " + component + ")");
  } catch (const std::ios_base::failure& e) {
    throw ConfigError(file + ": cannot read file: " + e.what() + " (component: " + component + ")");
  }
}
}  // namespace

ConfigReader ConfigReader::from_file(const std::string& file, const std::string& root_key,
                                     const std::string& component) {
  return from_file(file, root_key, component, {});
}

ConfigReader ConfigReader::from_file(const std::string& file, const std::string& root_key,
                                     const std::string& component, const std::vector<std::string>& overrides) {
  YAML::Node doc = load_yaml_file(file, component);
  check_document(doc, file);
  const bool rooted = !root_key.empty() && doc.IsMap() && static_cast<bool>(static_cast<const YAML::Node&>(doc)[root_key]);
  if (rooted) {
    // An override outside the root section would land beside it and be ignored.
    for (const std::string& o : overrides) {
      const size_t eq = o.find('=');
      if (eq == std::string::npos || eq == 0) continue;  // apply_overrides names the malformed one
      const std::string key = o.substr(0, eq);
      const std::string first = key.substr(0, key.find('.'));
      if (first != root_key) {
        throw ConfigError(file + ": override '" + o + "': unknown key '" + key + "' (every key starts with '" +
                          root_key + ".', e.g. " + root_key + "." + key.substr(key.find('.') + 1) + ")");
      }
    }
  }
  apply_overrides(doc, overrides, file);
  if (rooted) {
    check_only_root(doc, file, root_key, component);
    const YAML::Node& cdoc = doc;
    return ConfigReader(cdoc[root_key], file, root_key, component);
  }
  return ConfigReader(doc, file, root_key, component);
}

ConfigReader ConfigReader::section_from_file(const std::string& file, const std::string& root_key,
                                             const std::string& component) {
  YAML::Node doc = load_yaml_file(file, component);
  check_document(doc, file);
  const YAML::Node& cdoc = doc;
  if (!doc.IsMap() || !cdoc[root_key]) throw ConfigError(file + ": " + root_key + ": required section missing (component: " + component + ")");
  return ConfigReader(cdoc[root_key], file, root_key, component);
}

void apply_overrides(YAML::Node& doc, const std::vector<std::string>& overrides, const std::string& file) {
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError(file + ": override '" + o + "' is not key=value (e.g. chip.flash.timing.t_read_us=5)");
    }
    const std::string key = o.substr(0, eq);
    YAML::Node value;
    try {
      value = YAML::Load(o.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      throw ConfigError(file + ": override '" + o + "': value is not valid YAML: " + e.what());
    }
    YAML::Node node = doc;  // handles share the document; reset() moves a handle
    size_t start = 0;
    for (;;) {
      const size_t dot = key.find('.', start);
      const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (part.empty()) throw ConfigError(file + ": override '" + o + "': empty key component");
      if (node.IsDefined() && !node.IsMap() && !node.IsNull()) {
        throw ConfigError(file + ": override '" + o + "': " + key.substr(0, start ? start - 1 : 0) +
                          " is not a map");
      }
      if (dot == std::string::npos) {
        node[part] = value;
        break;
      }
      YAML::Node next = node[part];
      node.reset(next);
      start = dot + 1;
    }
  }
}

ConfigReader ConfigReader::from_string(const std::string& text, const std::string& label,
                                       const std::string& root_key, const std::string& component) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(label + ": YAML syntax error: " + e.what() + " (component: " + component + ")");
  }
  check_document(doc, label);
  if (!root_key.empty() && doc.IsMap() && doc[root_key]) {
    check_only_root(doc, label, root_key, component);
    const YAML::Node& cdoc = doc;
    return ConfigReader(cdoc[root_key], label, root_key, component);
  }
  return ConfigReader(doc, label, root_key, component);
}

std::string ConfigReader::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

std::string ConfigReader::where(const std::string& key) const {
  return file_ + ": " + key_path(key);
}

void ConfigReader::fail(const std::string& key, const std::string& what) const {
  throw ConfigError(where(key) + ": " + what + " (component: " + component_ + ")");
}

bool ConfigReader::has(const std::string& key) const {
  read_->insert("r:" + key);
  if (!node_.IsMap()) return false;
  const YAML::Node& n = node_;
  return static_cast<bool>(n[key]);
}

const YAML::Node ConfigReader::get(const std::string& key) const {
  read_->insert("r:" + key);
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& n = node_;
  return n[key];
}

int64_t ConfigReader::integer(const std::string& key, Range<int64_t> range) const {
  const YAML::Node n = get(key);
  if (!n) fail(key, "required key missing; allowed range " + fmt_range(range));
  int64_t v = 0;
  try {
    v = n.as<int64_t>();
  } catch (const YAML::Exception&) {
    fail(key, "'" + scalar_text(n) + "' is not an integer; allowed range " + fmt_range(range));
  }
  if (!range.contains(v))
    fail(key, "= " + fmt_num(v) + ": out of range " + fmt_range(range));
  return v;
}

int64_t ConfigReader::integer_or(const std::string& key, int64_t def, Range<int64_t> range) const {
  return get(key) ? integer(key, range) : def;
}

double ConfigReader::real(const std::string& key, Range<double> range) const {
  const YAML::Node n = get(key);
  if (!n) fail(key, "required key missing; allowed range " + fmt_range(range));
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    fail(key, "'" + scalar_text(n) + "' is not a number; allowed range " + fmt_range(range));
  }
  if (!std::isfinite(v) || !range.contains(v))
    fail(key, "= " + fmt_num(v) + ": out of range " + fmt_range(range));
  return v;
}

double ConfigReader::real_or(const std::string& key, double def, Range<double> range) const {
  return get(key) ? real(key, range) : def;
}

bool ConfigReader::boolean(const std::string& key) const {
  const YAML::Node n = get(key);
  if (!n) fail(key, "required key missing; allowed values true, false");
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    fail(key, "'" + scalar_text(n) + "' is not a boolean; allowed values true, false");
  }
}

bool ConfigReader::boolean_or(const std::string& key, bool def) const {
  return get(key) ? boolean(key) : def;
}

std::string ConfigReader::text(const std::string& key) const {
  const YAML::Node n = get(key);
  if (!n) fail(key, "required key missing");
  if (!n.IsScalar()) fail(key, "must be a string");
  return n.Scalar();
}

std::string ConfigReader::text_or(const std::string& key, const std::string& def) const {
  return get(key) ? text(key) : def;
}

std::string ConfigReader::choice(const std::string& key, const std::vector<std::string>& allowed) const {
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  const YAML::Node n = get(key);
  if (!n) fail(key, "required key missing; allowed values " + list);
  if (!n.IsScalar()) fail(key, "must be one of " + list);
  const std::string v = n.Scalar();
  for (const auto& a : allowed)
    if (a == v) return v;
  fail(key, "= '" + v + "': allowed values " + list);
}

std::string ConfigReader::choice_or(const std::string& key, const std::string& def,
                                    const std::vector<std::string>& allowed) const {
  return get(key) ? choice(key, allowed) : def;
}

uint64_t ConfigReader::duration_ps_or(const std::string& base, uint64_t def_ps,
                                      Range<double> range_ps) const {
  const Unit* found = nullptr;
  for (const auto& u : kTimeUnits) {
    if (get(base + u.suffix)) {
      if (found)
        fail(base + u.suffix, std::string("given twice, also as ") + base + found->suffix);
      found = &u;
    }
  }
  if (!found) return def_ps;
  const std::string key = base + found->suffix;
  const Range<double> in_unit{range_ps.min / found->ps,
                              range_ps.max == std::numeric_limits<double>::max()
                                  ? range_ps.max
                                  : range_ps.max / found->ps};
  const double v = real(key, in_unit);
  return static_cast<uint64_t>(std::llround(v * found->ps));
}

uint64_t ConfigReader::duration_ps(const std::string& base, Range<double> range_ps) const {
  bool any = false;
  for (const auto& u : kTimeUnits) any = any || static_cast<bool>(get(base + u.suffix));
  if (!any) {
    const YAML::Node bare = get(base);  // present without a unit: say so
    const Range<double> ns{range_ps.min / 1e3, range_ps.max == std::numeric_limits<double>::max()
                                                   ? range_ps.max
                                                   : range_ps.max / 1e3};
    fail(base + "_ns", std::string(bare ? "given without a unit as '" + base + "'" : "required key missing") +
                           "; write it as " + base + "_ps|_ns|_us|_ms|_s, allowed range " +
                           fmt_range(ns) + " ns");
  }
  return duration_ps_or(base, 0, range_ps);
}

ConfigReader ConfigReader::child(const std::string& key, bool required) const {
  const YAML::Node n = get(key);
  if (!n) {
    if (required) fail(key, "required section missing");
    return ConfigReader(YAML::Node(YAML::NodeType::Null), file_, key_path(key), component_);
  }
  if (!n.IsMap()) fail(key, "must be a map");
  return ConfigReader(n, file_, key_path(key), component_);
}

void ConfigReader::finish() const {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string k = kv.first.Scalar();
    if (read_->count("r:" + k)) continue;
    // Suggest spellings the loader asked for that start with this key: the
    // usual mistake is a missing unit suffix (`t_read` for `t_read_us`).
    std::string hint, allowed;
    for (const auto& r : *read_) {
      const std::string asked = r.substr(2);
      allowed += (allowed.empty() ? "" : ", ") + asked;
      if (asked.rfind(k + "_", 0) == 0) hint += (hint.empty() ? "" : ", ") + asked;
    }
    if (!hint.empty())
      fail(k, "unknown key (missing unit?); did you mean one of: " + hint);
    fail(k, "unknown key; allowed keys: " + allowed);
  }
}

}  // namespace pnm
