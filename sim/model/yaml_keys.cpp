#include "sim/model/yaml_keys.hpp"

#include <climits>

#include "sim/model/error.hpp"

namespace pnm::model {

YAML::Node load_yaml_file(const std::string& path, const std::string& what) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ModelError(ErrorKind::Io, path + ": cannot open " + what + " file");
  } catch (const YAML::Exception& e) {
    throw ModelError(ErrorKind::Config, path + ": YAML parse error: " + e.what());
  }
}

YAML::Node load_yaml_text(const std::string& text, const std::string& source_name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ModelError(ErrorKind::Config, source_name + ": YAML parse error: " + e.what());
  }
}

void config_error(const std::string& src, const std::string& key, const std::string& msg) {
  throw ModelError(ErrorKind::Config, src + ": key '" + key + "': " + msg);
}

int32_t read_int(const YAML::Node& node, const std::string& src, const std::string& key, const char* name) {
  const YAML::Node n = node[name];
  if (!n) config_error(src, key, "missing (required, integer in [1, 2147483647])");
  if (!n.IsScalar()) config_error(src, key, "must be an integer in [1, 2147483647]");
  long long v = 0;
  try {
    v = n.as<long long>();
  } catch (const YAML::Exception&) {
    config_error(src, key,
                 "must be an integer in [1, 2147483647], got '" + n.Scalar() + "' (line " +
                     std::to_string(n.Mark().line + 1) + ")");
  }
  if (v < 1 || v > INT32_MAX) {
    config_error(src, key,
                 "must be in [1, 2147483647], got " + std::to_string(v) + " (line " +
                     std::to_string(n.Mark().line + 1) + ")");
  }
  return int32_t(v);
}

void check_keys(const YAML::Node& node, const std::string& src, const std::string& where,
                const std::set<std::string>& known) {
  std::string allowed;
  for (const std::string& k : known) allowed += (allowed.empty() ? "" : ", ") + k;
  if (!node.IsMap()) {
    throw ModelError(ErrorKind::Config, src + ": " + (where.empty() ? std::string("top level") : where) +
                                            ": expected a mapping of keys (" + allowed + ")");
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) config_error(src, where.empty() ? "<root>" : where, "a key must be a plain name");
    const std::string k = kv.first.as<std::string>();
    const std::string full = where.empty() ? k : where + "." + k;
    // yaml-cpp keeps both copies of a repeated key and reads one: refuse it.
    if (!seen.insert(k).second) config_error(src, full, "duplicate key (given more than once; give it once)");
    if (k == "<<") config_error(src, full, "YAML merge keys (<<) are not supported; write the keys out");
    if (!known.count(k)) config_error(src, full, "unknown key (allowed: " + allowed + ")");
  }
}

void check_text(const YAML::Node& node, const std::string& src, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const YAML::Node n = node[k];
    if (n && !n.IsScalar() && !n.IsNull()) {
      config_error(src, k, std::string("must be a text string, got a ") + (n.IsMap() ? "map" : "list") + " (line " +
                               std::to_string(n.Mark().line + 1) + ")");
    }
  }
}

}  // namespace pnm::model
