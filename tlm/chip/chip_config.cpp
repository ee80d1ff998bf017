#include "tlm/chip/chip_config.hpp"

#include "tlm/common/pnm_regs.hpp"

namespace pnm::chip {

ChipConfig load_chip_config(const std::string& path, const std::vector<std::string>& overrides) {
  ChipConfig c = load_chip_config(ConfigReader::from_file(path, "chip", "chip", overrides));
  c.source = path;
  return c;
}

ChipConfig load_chip_config(const ConfigReader& r) {
  ChipConfig c;
  c.source = r.file();
  c.name = r.text_or("name", "chip");
  c.flash = flash::load_config(r.child("flash"));
  c.pnm = pnmu::load_pnm_config(r.child("pnm"));
  c.logic = logic::load_logic_config(r.child("logic"));
  c.noc = noc::load_noc_config(r.child("noc", false));
  c.cpu = cpu::load_cpu_config(r.child("cpu", false));
  r.finish();

  if (c.flash.channels > regs::addr::PNM_COUNT) {
    r.fail("flash.geometry.channels", std::to_string(c.flash.channels) +
                                          " channels, but the address map has PNM windows for at most " +
                                          std::to_string(regs::addr::PNM_COUNT) + " (allowed: 1 .. " +
                                          std::to_string(regs::addr::PNM_COUNT) + ")");
  }
  // The activation SRAM's own limits are checked by the PNM loader; only
  // checks that need two blocks' sections live here.
  if (c.pnm.readahead_bytes != 0 && c.pnm.readahead_bytes < 2ull * c.flash.page_size_bytes) {
    r.fail("pnm.readahead_bytes", "= " + std::to_string(c.pnm.readahead_bytes) +
                                      " is less than two flash pages (the double buffer): allowed 0 (= two "
                                      "pages) or >= " + std::to_string(2ull * c.flash.page_size_bytes));
  }
  return c;
}

}  // namespace pnm::chip
