#include "tlm/common/stats.hpp"

#include <fstream>
#include <stdexcept>

namespace pnm {
namespace {

double as_double(const Stats::Value& v) {
  return std::visit([](auto x) { return static_cast<double>(x); }, v);
}

nlohmann::json to_json_value(const Stats::Value& v) {
  return std::visit([](auto x) { return nlohmann::json(x); }, v);
}

}  // namespace

void Stats::set(const std::string& name, Value value, const std::string& unit,
                const std::string& desc) {
  if (name.empty() || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string::npos)
    throw std::logic_error("Stats: bad stat name '" + name + "'");
  entries_[name] = Entry{value, unit, desc};
}

void Stats::add(const std::string& name, Value value, const std::string& unit,
                const std::string& desc) {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    set(name, value, unit, desc);
    return;
  }
  Value& cur = it->second.value;
  if (std::holds_alternative<uint64_t>(cur) && std::holds_alternative<uint64_t>(value))
    cur = std::get<uint64_t>(cur) + std::get<uint64_t>(value);
  else if (!std::holds_alternative<double>(cur) && !std::holds_alternative<double>(value))
    cur = static_cast<int64_t>(as_double(cur)) + static_cast<int64_t>(as_double(value));
  else
    cur = as_double(cur) + as_double(value);
}

double Stats::value(const std::string& name) const { return as_double(entries_.at(name).value); }

nlohmann::json Stats::to_json() const {
  nlohmann::json root = nlohmann::json::object();
  for (const auto& [name, e] : entries_) {
    nlohmann::json* node = &root;
    size_t pos = 0;
    for (;;) {
      const size_t dot = name.find('.', pos);
      const std::string part = name.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      if (dot == std::string::npos) {
        if (node->contains(part))
          throw std::logic_error("Stats: '" + name + "' is both a stat and a group");
        nlohmann::json leaf = {{"value", to_json_value(e.value)}, {"unit", e.unit}};
        if (!e.desc.empty()) leaf["desc"] = e.desc;
        (*node)[part] = std::move(leaf);
        break;
      }
      nlohmann::json& next = (*node)[part];
      if (next.is_null()) next = nlohmann::json::object();
      if (next.contains("value") && next.contains("unit") && !next["value"].is_object())
        throw std::logic_error("Stats: '" + name + "' is below a stat");
      node = &next;
      pos = dot + 1;
    }
  }
  return root;
}

std::string Stats::dump(int indent) const { return to_json().dump(indent) + "\n"; }

void Stats::write(const std::string& path, int indent) const {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("Stats: cannot write " + path);
  f << dump(indent);
  if (!f) throw std::runtime_error("Stats: write failed: " + path);
}

}  // namespace pnm
