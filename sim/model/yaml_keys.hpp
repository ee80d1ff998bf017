#pragma once
// The checks every model-side YAML file gets (shape presets, PHOTON shapes):
// each key known or rejected, each number in range, each error naming the
// file, the key and what is allowed.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <string>

namespace pnm::model {

// A YAML document from a file or from text; ModelError(Io) when the file
// cannot be opened ("cannot open <what> file"), ModelError(Config) on a parse error.
YAML::Node load_yaml_file(const std::string& path, const std::string& what);
YAML::Node load_yaml_text(const std::string& text, const std::string& source_name);

// Throws ModelError(Config, "<src>: key '<key>': <msg>").
[[noreturn]] void config_error(const std::string& src, const std::string& key, const std::string& msg);

// node[key] as an integer in [1, 2^31 - 1]; `key` is named in errors as given
// (e.g. "levels[1].chunk").
int32_t read_int(const YAML::Node& node, const std::string& src, const std::string& key, const char* name);
inline int32_t read_int(const YAML::Node& node, const std::string& src, const char* key) {
  return read_int(node, src, key, key);
}

// `node` must be a map whose keys are all in `known` (each once, no merge
// keys); `where` prefixes the key names in errors ("" at the top level).
void check_keys(const YAML::Node& node, const std::string& src, const std::string& where,
                const std::set<std::string>& known);

// Free-text keys (name, source, notes) must be text when present.
void check_text(const YAML::Node& node, const std::string& src, std::initializer_list<const char*> keys);

}  // namespace pnm::model
