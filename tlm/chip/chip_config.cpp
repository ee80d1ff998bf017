#include "tlm/chip/chip_config.hpp"

#include <fmt/format.h>

#include "tlm/common/pnm_regs.hpp"

namespace pnm::chip {

const char* FaultSpec::kind_name(Kind k) {
  switch (k) {
    case Kind::UncorrectablePage: return "uncorrectable_page";
    case Kind::BitFlips: return "bit_flips";
    case Kind::StuckDie: return "stuck_die";
    case Kind::TsvError: return "tsv_error";
  }
  return "?";
}

std::string FaultSpec::describe() const {
  switch (kind) {
    case Kind::UncorrectablePage:
    case Kind::BitFlips:
      return fmt::format("'{}' ({}, channel {} die {} plane {} block {} page {}{})", name, kind_name(kind), channel,
                         page.die, page.plane, page.block, page.page,
                         kind == Kind::BitFlips ? fmt::format(", {} bits per codeword", bits) : std::string());
    case Kind::StuckDie: return fmt::format("'{}' (stuck_die, channel {} die {})", name, channel, die);
    case Kind::TsvError:
      return fmt::format("'{}' (tsv_error, TSV link {} {})", name, channel,
                         down && up ? "both directions" : down ? "down" : "up");
  }
  return name;
}

namespace {

FaultSpec load_fault(const ConfigReader& e, const std::string& name, const ChipConfig& c) {
  const flash::FlashConfig& f = c.flash;
  FaultSpec s;
  s.name = name;
  const std::string kind = e.choice("kind", {"uncorrectable_page", "bit_flips", "stuck_die", "tsv_error"});
  s.channel = static_cast<unsigned>(e.integer("channel", {0, int64_t(c.channels()) - 1}));
  auto page_address = [&] {
    if (e.has("flash_address")) {
      for (const char* k : {"die", "plane", "block", "page"}) {
        if (e.has(k)) e.fail(k, "given with flash_address: give either flash_address or die/plane/block/page");
      }
      const uint64_t a = static_cast<uint64_t>(
          e.integer("flash_address", {0, int64_t(std::min<uint64_t>(f.bytes_per_channel() - 1, INT64_MAX))}));
      s.page = flash::AddressMap(f).decode(a);
      s.page.column = 0;
    } else {
      s.page.die = static_cast<uint32_t>(e.integer("die", {0, int64_t(f.dies_per_channel()) - 1}));
      s.page.plane = static_cast<uint32_t>(e.integer_or("plane", 0, {0, int64_t(f.planes_per_die) - 1}));
      s.page.block = static_cast<uint32_t>(e.integer("block", {0, int64_t(f.blocks_per_plane) - 1}));
      s.page.page = static_cast<uint32_t>(e.integer("page", {0, int64_t(f.pages_per_block) - 1}));
    }
  };
  if (kind == "uncorrectable_page") {
    s.kind = FaultSpec::Kind::UncorrectablePage;
    page_address();
  } else if (kind == "bit_flips") {
    s.kind = FaultSpec::Kind::BitFlips;
    page_address();
    s.bits = static_cast<uint32_t>(e.integer("bits", {1, 1'000'000}));
  } else if (kind == "stuck_die") {
    s.kind = FaultSpec::Kind::StuckDie;
    s.die = static_cast<uint32_t>(e.integer("die", {0, int64_t(f.dies_per_channel()) - 1}));
    s.from_ps = e.duration_ps_or("from", 0, {0, 3.6e18});
    s.delay_ps = e.duration_ps_or("delay", 86'400'000'000'000'000ull, {1, 3.6e18});  // 24 h; at most 1000 h
  } else {
    s.kind = FaultSpec::Kind::TsvError;
    const std::string d = e.choice_or("direction", "both", {"down", "up", "both"});
    s.down = d != "up";
    s.up = d != "down";
    s.after_transfers = static_cast<uint64_t>(e.integer_or("after_transfers", 0, {0, INT64_MAX}));
    s.from_ps = e.duration_ps_or("from", 0, {0, 3.6e18});
  }
  e.finish();
  return s;
}

}  // namespace

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
  // 1 us .. 9.2e18 ps (about 106 days, just under the largest simulated time, 2^63 ps)
  c.watchdog_ps = r.duration_ps_or("watchdog", ChipConfig::kDefaultWatchdogPs, {1e6, 9.2e18});
  {
    // sim.mode: how the flash reads are simulated (tlm/pnm/pnm_unit.hpp,
    // "Stream mode"); page is the reference, stream is proven against it
    // (scripts/stream_proof.py, ctest chip.stream_vs_page; sim/bench/results/stream_vs_page.csv).
    const ConfigReader sr = r.child("sim", false);
    c.sim_mode = sr.choice_or("mode", c.sim_mode, {"page", "stream"});
    sr.finish();
    c.pnm.stream = c.sim_mode == "stream";
  }
  c.interchip = interchip::load_interchip_config(r.child("interchip", false));
  const ConfigReader fr = r.child("faults", false);
  if (fr.node().IsMap()) {
    for (const auto& kv : fr.node()) {
      const std::string name = kv.first.as<std::string>();
      c.faults.push_back(load_fault(fr.child(name), name, c));
    }
  }
  fr.finish();
  r.finish();

  if (c.flash.channels > regs::addr::PNM_COUNT) {
    r.fail("flash.geometry.channels", std::to_string(c.flash.channels) +
                                          " channels, but the address map has PNM windows for at most " +
                                          std::to_string(regs::addr::PNM_COUNT) + " (allowed: 1 .. " +
                                          std::to_string(regs::addr::PNM_COUNT) + ")");
  }
  if (c.pnm.placement == pnmu::Placement::InDie) {
    const unsigned u = c.pnm.in_die.units_per_die, planes = c.flash.planes_per_die;
    if (u > planes || planes % u != 0) {
      r.fail("pnm.in_die.units_per_die",
             "= " + std::to_string(u) + " does not fit the geometry: placement in_die needs units_per_die to divide "
             "flash.geometry.planes_per_die (" + std::to_string(planes) + "): allowed 1 .. " + std::to_string(planes) +
             ", a divisor of it");
    }
    for (const FaultSpec& f : c.faults) {
      if (f.kind != FaultSpec::Kind::TsvError) {
        // The in-die units sense pages themselves (InDieArray): no page read
        // reaches the flash channel model's ECC or its stuck-die hook.
        r.fail("faults." + f.name, std::string("kind ") + FaultSpec::kind_name(f.kind) +
                                       " acts on the controller's page reads, which placement in_die does not make: "
                                       "allowed with pnm.placement controller or logic_die (tsv_error with any)");
      }
    }
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
