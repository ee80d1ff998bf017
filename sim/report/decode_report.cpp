#include "sim/report/decode_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace pnm::report {

namespace {

// A stat's growth during the decode (0 when a block does not report it).
struct Delta {
  const Stats& a;
  const Stats& b;
  double operator()(const std::string& key) const {
    const double vb = b.has(key) ? b.value(key) : 0.0;
    const double va = a.has(key) ? a.value(key) : 0.0;
    return vb - va;
  }
};

std::string si(double v, const char* unit) {
  const char* prefixes[] = {"", "m", "u", "n", "p"};
  int i = 0;
  while (v != 0 && std::abs(v) < 1 && i < 4) {
    v *= 1e3;
    ++i;
  }
  return fmt::format("{:.3f} {}{}", v, prefixes[i], unit);
}

}  // namespace

DecodeReport summarize(const chip::ChipConfig& cfg, const model::ModelShape& shape, const chip::DecodeSession& s,
                       const chip::LoadReport& load, const Stats& before, const Stats& after, const GpuConfig& gpu,
                       double wall_s) {
  const Delta d{before, after};
  DecodeReport r;
  r.channels = cfg.channels();
  r.timing_only = load.timing_only;
  r.wall_s = wall_s;
  for (const auto& t : s.tokens()) r.token_ids.push_back(t.output);
  r.tokens = static_cast<int>(s.tokens().size());
  if (!s.tokens().empty()) r.decode_s = (s.tokens().back().end_ps - s.tokens().front().start_ps) * 1e-12;
  const double n = std::max(1, r.tokens), C = r.channels;
  r.token_s = r.decode_s / n;
  r.tokens_per_s = r.decode_s > 0 ? n / r.decode_s : 0;

  double bus = 0, array = 0, mve = 0, tsv = 0, bytes = 0, macs = 0;
  for (unsigned c = 0; c < r.channels; ++c) {
    const std::string f = "chip.flash.ch" + std::to_string(c), p = "chip.pnm.ch" + std::to_string(c),
                      t = "chip.tsv.ch" + std::to_string(c);
    const double bus_c = d(f + ".time.bus_busy") * 1e-9;
    r.channel_util.push_back(r.decode_s > 0 ? bus_c / r.decode_s : 0);
    bus += bus_c;
    array += d(f + ".time.array_busy") * 1e-9;
    mve += d(p + ".mve.busy") * 1e-9;
    tsv += (d(t + ".down.busy_time") + d(t + ".up.busy_time")) * 1e-12;
    bytes += d(p + ".flash.bytes_read");
    macs += d(p + ".macs");
    r.e_flash += d(f + ".energy.total") * 1e-12;
    r.e_tsv += (d(t + ".down.energy") + d(t + ".up.energy")) * 1e-12;
    r.flash_reads += d(f + ".read.pages");
    r.retries += d(f + ".ecc.retries");
    r.uncorrectable += d(f + ".ecc.uncorrectable_pages");
    r.max_pe = std::max(r.max_pe, after.has(f + ".wear.max_pe_cycles") ? after.value(f + ".wear.max_pe_cycles") : 0);
  }
  r.flash_bus_s = bus / C / n;
  r.flash_array_s = array / C / n;
  r.mve_s = mve / C / n;
  r.tsv_s = tsv / C / n;
  r.vu_s = d("chip.logic.vu.busy_time") * 1e-12 / n;
  r.cpu_s = d("chip.cpu.busy_time_ps") * 1e-12 / n;
  r.cpu_mmio_s = d("chip.cpu.mmio.time_ps") * 1e-12 / n;
  r.weight_bytes_per_token = bytes / n;
  r.roofline_gbps = cfg.flash.bus_bytes_per_s() * C / 1e9;
  r.achieved_gbps = r.token_s > 0 ? r.weight_bytes_per_token / r.token_s / 1e9 : 0;
  r.efficiency = r.roofline_gbps > 0 ? r.achieved_gbps / r.roofline_gbps : 0;
  r.e_flash /= n;
  r.e_tsv /= n;
  // Memory energy: transactions the memory counted, plus the vector unit's
  // DMI traffic, which bypasses the memory's counters.
  r.e_mem = (d("chip.logic.memory.energy.total") +
             d("chip.logic.vu.dmi_bytes") * 8.0 * cfg.logic.memory.energy_pj_per_bit) * 1e-12 / n;
  r.e_vu = d("chip.logic.vu.energy") * 1e-12 / n;
  r.e_mve = macs * cfg.pnm.mve.energy_pj_per_mac * 1e-12 / n;
  r.e_total = r.e_flash + r.e_tsv + r.e_mem + r.e_vu + r.e_mve;
  r.flash_reads /= n;
  r.load_s = load.load_time_ps * 1e-12;
  r.pages_programmed = double(load.pages_programmed);
  r.kv_bytes = double(r.tokens) * 2.0 * shape.n_layers * shape.kv_dim() * 4;
  r.gpu = gpu;
  r.gpu_est = gpu_roofline(gpu, shape, 1, std::max(1, r.tokens));
  return r;
}

void add_to_stats(const DecodeReport& r, Stats& s) {
  s.set("report.tokens", uint64_t(r.tokens), "tokens");
  s.set("report.tokens_per_s", r.tokens_per_s, "tokens/s", "simulated");
  s.set("report.time_per_token", r.token_s * 1e6, "us");
  s.set("report.busy_per_token.flash_array", r.flash_array_s * 1e6, "us", "mean over channels");
  s.set("report.busy_per_token.flash_transfer", r.flash_bus_s * 1e6, "us", "mean over channels");
  s.set("report.busy_per_token.mve", r.mve_s * 1e6, "us", "mean over PNM units");
  s.set("report.busy_per_token.vector_unit", r.vu_s * 1e6, "us");
  s.set("report.busy_per_token.tsv", r.tsv_s * 1e6, "us", "mean over links, both directions");
  s.set("report.busy_per_token.firmware", r.cpu_s * 1e6, "us", "control CPU busy (MMIO incl.)");
  s.set("report.weight_bytes_per_token", r.weight_bytes_per_token, "B");
  s.set("report.flash_roofline", r.roofline_gbps, "GB/s");
  s.set("report.achieved_weight_bandwidth", r.achieved_gbps, "GB/s");
  s.set("report.efficiency", r.efficiency, "", "achieved / roofline");
  s.set("report.energy_per_token", r.e_total, "J");
  s.set("report.energy_per_token_by.flash", r.e_flash, "J");
  s.set("report.energy_per_token_by.tsv", r.e_tsv, "J");
  s.set("report.energy_per_token_by.logic_memory", r.e_mem, "J");
  s.set("report.energy_per_token_by.vector_unit", r.e_vu, "J");
  s.set("report.energy_per_token_by.mve", r.e_mve, "J");
  s.set("report.flash_page_reads_per_token", r.flash_reads, "pages");
  s.set("report.flash_retries", r.retries, "steps");
  s.set("report.flash_uncorrectable", r.uncorrectable, "pages");
  s.set("report.flash_max_pe_cycles", r.max_pe, "cycles");
  s.set("report.kv_cache", r.kv_bytes, "B");
  s.set("report.load.time", r.load_s * 1e3, "ms");
  s.set("report.load.pages_programmed", r.pages_programmed, "pages");
  s.set("report.gpu.tokens_per_s", r.gpu_est.tokens_per_s, "tokens/s", r.gpu.name + " memory roofline");
  s.set("report.gpu.fits", uint64_t(r.gpu_est.fits), "bool");
  s.set("report.gpu.energy_per_token", r.gpu_est.energy_j_per_token, "J");
}

std::string format(const DecodeReport& r, const std::string& model, const std::string& config) {
  std::string o;
  auto line = [&](const std::string& k, const std::string& v) { o += fmt::format("  {:<40} {}\n", k, v); };
  o += fmt::format("\npnmsim run: model {} on {} ({} channels){}\n", model, config, r.channels,
                   r.timing_only ? ", timing only" : "");
  std::string toks;
  for (size_t i = 0; i < r.token_ids.size() && i < 32; ++i) toks += fmt::format("{} ", r.token_ids[i]);
  if (r.token_ids.size() > 32) toks += "...";
  if (!r.timing_only) line("tokens", toks);
  line("simulated tokens/s", fmt::format("{:.1f}", r.tokens_per_s));
  line("time per token", si(r.token_s, "s"));
  o += "  busy time per token (blocks overlap):\n";
  line("  flash array reads (sum of tR, per ch.)", si(r.flash_array_s, "s"));
  line("  flash channel transfer", si(r.flash_bus_s, "s"));
  line("  MVE (mean per PNM unit)", si(r.mve_s, "s"));
  line("  vector unit", si(r.vu_s, "s"));
  line("  TSV links (mean per link)", si(r.tsv_s, "s"));
  line("  firmware / control CPU", fmt::format("{} (MMIO {})", si(r.cpu_s, "s"), si(r.cpu_mmio_s, "s")));
  std::string util;
  for (size_t c = 0; c < r.channel_util.size() && c < 32; ++c) util += fmt::format("{:.0f}% ", 100 * r.channel_util[c]);
  line("flash bus utilization per channel", util);
  line("weight bandwidth", fmt::format("{:.1f} GB/s of {:.1f} GB/s roofline: efficiency {:.3f}", r.achieved_gbps,
                                       r.roofline_gbps, r.efficiency));
  line("energy per token", si(r.e_total, "J"));
  line("  flash / TSV / logic mem / VU / MVE",
       fmt::format("{} / {} / {} / {} / {}", si(r.e_flash, "J"), si(r.e_tsv, "J"), si(r.e_mem, "J"), si(r.e_vu, "J"),
                   si(r.e_mve, "J")));
  line("flash page reads per token", fmt::format("{:.0f}", r.flash_reads));
  line("flash retries / uncorrectable", fmt::format("{:.0f} / {:.0f}", r.retries, r.uncorrectable));
  line("flash wear (max P/E cycles)", fmt::format("{:.0f}", r.max_pe));
  line("KV cache", fmt::format("{:.0f} B", r.kv_bytes));
  line("load phase", r.timing_only ? std::string("preprogrammed image (timing only)")
                                   : fmt::format("{:.0f} pages programmed in {}", r.pages_programmed,
                                                 si(r.load_s, "s")));
  if (r.gpu_est.fits) {
    line("GPU baseline (" + r.gpu.name + ")",
         fmt::format("{:.1f} tokens/s, {} per token; chip / GPU = {:.3f}x", r.gpu_est.tokens_per_s,
                     si(r.gpu_est.energy_j_per_token, "J"), r.tokens_per_s / r.gpu_est.tokens_per_s));
  } else {
    line("GPU baseline (" + r.gpu.name + ")",
         fmt::format("does not fit: needs {:.1f} GB of {:.0f} GB", r.gpu_est.bytes_needed / 1e9, r.gpu.mem_capacity_gb));
  }
  line("wall time", fmt::format("{:.3f} s ({:.3f} s per token)", r.wall_s, r.wall_s / std::max(1, r.tokens)));
  return o;
}

}  // namespace pnm::report
