#include "tlm/logic/logic_config.hpp"

namespace pnm::logic {

LogicConfig load_logic_config(const ConfigReader& r) {
  LogicConfig c;
  c.memory = load_memory_config(r.child("memory", false));
  c.tsv = load_tsv_config(r.child("tsv", false));
  c.vu = load_vu_config(r.child("vector_unit", false));
  r.finish();
  return c;
}

}  // namespace pnm::logic
