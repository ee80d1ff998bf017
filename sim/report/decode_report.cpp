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

DecodeReport summarize(const chip::ChipConfig& cfg, const model::ModelShape* shape, const chip::RunLog& s,
                       const chip::LoadReport& load, const Stats& before, const Stats& mid, const Stats& after,
                       const GpuConfig& gpu, double wall_s) {
  DecodeReport r;
  r.channels = cfg.channels();
  r.timing_only = load.timing_only;
  r.wall_s = wall_s;
  const chip::RunSpec& spec = s.spec();
  r.batch = spec.batch;
  r.prompt_tokens = static_cast<uint32_t>(spec.prompt.size());
  r.context = spec.start_pos + r.prompt_tokens;
  for (uint32_t b = 0; b < r.batch; ++b) r.token_ids.push_back(s.generated(b));
  r.tokens = r.token_ids.empty() ? 0 : static_cast<int>(r.token_ids[0].size());
  uint64_t prefill_end = 0, prefill_start = 0, decode_end = 0;
  for (const chip::StepRecord& st : s.steps()) {
    if (st.prefill) {
      ++r.prefill_steps;
      prefill_end = st.end_ps;
    } else {
      ++r.decode_steps;
    }
    decode_end = std::max(decode_end, st.end_ps);
  }
  if (!s.steps().empty()) prefill_start = s.steps().front().start_ps;
  r.ttft_s = (prefill_end - prefill_start) * 1e-12;
  r.prefill_tokens_per_s = r.ttft_s > 0 ? double(r.prompt_tokens) * r.batch / r.ttft_s : 0;
  // The decode phase, or the prefill when no decode step ran.
  const bool decoded = r.decode_steps > 0;
  const Delta d{decoded ? mid : before, after};
  r.decode_s = decoded ? (decode_end - prefill_end) * 1e-12 : r.ttft_s;
  const double per_seq = decoded ? double(r.tokens - 1) : 1;  // tokens per sequence in the phase
  const double n = std::max(1.0, per_seq * r.batch), C = r.channels;  // tokens generated in the phase
  r.token_s = r.decode_s / std::max(1.0, per_seq);
  r.tokens_per_s = r.decode_s > 0 ? per_seq / r.decode_s : 0;
  r.aggregate_tokens_per_s = r.tokens_per_s * r.batch;

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
    // Placement in_die: the units' sensing and bus traffic are the flash
    // side's (their MACs are e_mve's); their compute is the engines' time.
    bus += d(p + ".in_die.time.bus_busy") * 1e-9;
    array += d(p + ".in_die.time.array_busy") * 1e-9;
    if (const double units = after.has(p + ".in_die.units") ? after.value(p + ".in_die.units") : 0; units > 0)
      mve += d(p + ".in_die.time.unit_busy") * 1e-9 / units;
    r.e_flash += (d(p + ".in_die.energy.read") + d(p + ".in_die.energy.bus")) * 1e-12;
    r.flash_reads += d(p + ".in_die.pages");
    r.e_tsv += (d(t + ".down.energy") + d(t + ".up.energy")) * 1e-12;
    r.tsv_bytes_per_token += d(t + ".down.bytes") + d(t + ".up.bytes");
    r.flash_reads += d(f + ".read.pages");
    r.retries += d(f + ".ecc.retries");
    r.uncorrectable += d(f + ".ecc.uncorrectable_pages");
    r.max_pe = std::max(r.max_pe, after.has(f + ".wear.max_pe_cycles") ? after.value(f + ".wear.max_pe_cycles") : 0);
  }
  // Busy times per step (a token of every sequence), energy per generated token.
  const double ns = std::max(1.0, per_seq);
  r.flash_bus_s = bus / C / ns;
  r.flash_array_s = array / C / ns;
  r.mve_s = mve / C / ns;
  r.tsv_s = tsv / C / ns;
  r.vu_s = d("chip.logic.vu.busy_time") * 1e-12 / ns;
  r.vu_stream_s = d("chip.logic.vu.stream_bound_time") * 1e-12 / ns;
  r.cpu_s = d("chip.cpu.busy_time_ps") * 1e-12 / ns;
  r.cpu_mmio_s = d("chip.cpu.mmio.time_ps") * 1e-12 / ns;
  r.weight_bytes_per_token = bytes / n;
  r.tsv_bytes_per_token /= n;
  r.vu_operand_bytes_per_token = d("chip.logic.vu.dmi_bytes") / n;
  // The bandwidth the weights must cross (CHIP.md, "Placement"): the bus;
  // for logic_die also the TSV link; for in_die the arrays (every plane of
  // every die sensing a page per tR).
  double weight_path_bps = cfg.flash.bus_bytes_per_s();
  if (cfg.pnm.placement == pnmu::Placement::LogicDie) {
    weight_path_bps = std::min(weight_path_bps, cfg.logic.tsv.width_bits / 8.0 * cfg.logic.tsv.data_rate_mts * 1e6);
  } else if (cfg.pnm.placement == pnmu::Placement::InDie && cfg.flash.t_read_ps > 0) {
    weight_path_bps = double(cfg.flash.dies_per_channel()) * cfg.flash.planes_per_die * cfg.flash.page_size_bytes /
                      (double(cfg.flash.t_read_ps) * 1e-12);
  }
  r.roofline_gbps = weight_path_bps * C / 1e9;
  r.achieved_gbps = r.decode_s > 0 ? bytes / r.decode_s / 1e9 : 0;
  r.efficiency = r.roofline_gbps > 0 ? r.achieved_gbps / r.roofline_gbps : 0;
  r.e_flash /= n;
  r.e_tsv /= n;
  // Memory energy: transactions the memory counted, plus the vector unit's
  // DMI traffic, which bypasses the memory's counters.
  r.e_mem = (d("chip.logic.memory.energy.total") +
             d("chip.logic.vu.dmi_bytes") * 8.0 * cfg.logic.memory.energy_pj_per_bit) * 1e-12 / n;
  r.e_vu = d("chip.logic.vu.energy") * 1e-12 / n;
  r.e_mve = macs *
            (cfg.pnm.placement == pnmu::Placement::InDie ? cfg.pnm.in_die.energy_pj_per_mac
                                                         : cfg.pnm.mve.energy_pj_per_mac) *
            1e-12 / n;
  r.e_total = r.e_flash + r.e_tsv + r.e_mem + r.e_vu + r.e_mve;
  r.flash_reads /= n;
  r.load_s = load.load_time_ps * 1e-12;
  r.pages_programmed = double(load.pages_programmed);
  r.kv_bytes_per_token = double(load.kv.bytes_per_token);
  r.kv_bytes = r.kv_bytes_per_token * r.batch * (r.context + std::max(0, r.tokens - 1));
  r.memory_bytes = double(load.kv.capacity_bytes);
  r.kv_capacity_bytes = load.kv.capacity_bytes > load.kv.other_bytes
                            ? double(load.kv.capacity_bytes - load.kv.other_bytes)
                            : 0.0;
  r.max_batch = double(load.kv.max_seqs);
  const double gib = 1024.0 * 1024.0 * 1024.0;
  r.tokens_per_s_per_kv_gib = r.kv_bytes > 0 ? r.aggregate_tokens_per_s / (r.kv_bytes / gib) : 0;
  r.tokens_per_s_per_mem_gib = r.memory_bytes > 0 ? r.aggregate_tokens_per_s / (r.memory_bytes / gib) : 0;
  if (shape != nullptr) {
    r.gpu = gpu;
    r.gpu_est = gpu_roofline(gpu, *shape, int(r.batch), std::max(1, int(r.context) + r.tokens - 1));
  }
  return r;
}

void add_to_stats(const DecodeReport& r, Stats& s) {
  s.set("report.tokens", uint64_t(r.tokens), "tokens", "generated per sequence");
  s.set("report.batch", uint64_t(r.batch), "sequences");
  s.set("report.context", uint64_t(r.context), "positions", "KV rows before the first decode step");
  s.set("report.prompt_tokens", uint64_t(r.prompt_tokens), "tokens", "per sequence, run as prefill");
  s.set("report.prefill.steps", uint64_t(r.prefill_steps), "steps");
  s.set("report.prefill.time_to_first_token", r.ttft_s * 1e6, "us");
  s.set("report.prefill.tokens_per_s", r.prefill_tokens_per_s, "tokens/s", "prompt tokens of all sequences");
  s.set("report.decode.steps", uint64_t(r.decode_steps), "steps");
  s.set("report.tokens_per_s", r.tokens_per_s, "tokens/s", "simulated, per sequence, decode phase");
  s.set("report.aggregate_tokens_per_s", r.aggregate_tokens_per_s, "tokens/s", "all sequences");
  s.set("report.time_per_token", r.token_s * 1e6, "us", "per decode step");
  s.set("report.kv.bytes_per_token", r.kv_bytes_per_token, "B", "K and V, fp32, all layers");
  s.set("report.tsv_bytes_per_token", r.tsv_bytes_per_token, "B", "both directions, all links, per generated token");
  s.set("report.vu_operand_bytes_per_token", r.vu_operand_bytes_per_token, "B",
        "vector unit memory traffic (K/V reads, vectors) per generated token");
  s.set("report.kv.bytes_in_use", r.kv_bytes, "B");
  s.set("report.kv.capacity", r.kv_capacity_bytes, "B", "logic memory left for the KV cache");
  s.set("report.kv.max_batch", r.max_batch, "sequences", "that fit at this context");
  s.set("report.tokens_per_s_per_kv_gib", r.tokens_per_s_per_kv_gib, "tokens/s/GiB", "aggregate / KV cache in use");
  s.set("report.tokens_per_s_per_memory_gib", r.tokens_per_s_per_mem_gib, "tokens/s/GiB",
        "aggregate / logic memory size");
  s.set("report.busy_per_token.flash_array", r.flash_array_s * 1e6, "us", "mean over channels");
  s.set("report.busy_per_token.flash_transfer", r.flash_bus_s * 1e6, "us", "mean over channels");
  s.set("report.busy_per_token.mve", r.mve_s * 1e6, "us", "mean over PNM units");
  s.set("report.busy_per_token.vector_unit", r.vu_s * 1e6, "us");
  s.set("report.busy_per_token.vector_unit_memory_bound", r.vu_stream_s * 1e6, "us",
        "of vector_unit: operand (K/V) bytes / memory bandwidth beyond the lanes' cycles");
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
  if (!r.timing_only) {
    for (size_t b = 0; b < r.token_ids.size() && b < 4; ++b) {
      const auto& ids = r.token_ids[b];
      std::string toks;
      for (size_t i = 0; i < ids.size() && i < 32; ++i) toks += fmt::format("{} ", ids[i]);
      if (ids.size() > 32) toks += fmt::format("... ({} more; all in --stats)", ids.size() - 32);
      line(r.batch > 1 ? fmt::format("tokens (sequence {})", b) : std::string("tokens"), toks);
    }
    if (r.token_ids.size() > 4) line("", fmt::format("... {} more sequences (all in --stats)", r.token_ids.size() - 4));
  }
  line("workload", fmt::format("batch {}, context {}, prompt {} tokens ({} prefill steps), {} tokens generated",
                               r.batch, r.context, r.prompt_tokens, r.prefill_steps, r.tokens));
  line("time to first token (prefill)", fmt::format("{} ({:.1f} prompt tokens/s)", si(r.ttft_s, "s"),
                                                    r.prefill_tokens_per_s));
  line("simulated tokens/s", r.batch > 1 ? fmt::format("{:.1f} per sequence, {:.1f} aggregate", r.tokens_per_s,
                                                       r.aggregate_tokens_per_s)
                                         : fmt::format("{:.1f}", r.tokens_per_s));
  line("time per token", si(r.token_s, "s"));
  o += "  busy time per decode step (blocks overlap):\n";
  line("  flash array reads (sum of tR, per ch.)", si(r.flash_array_s, "s"));
  line("  flash channel transfer", si(r.flash_bus_s, "s"));
  line("  MVE (mean per PNM unit)", si(r.mve_s, "s"));
  line("  vector unit", r.vu_stream_s > 0 ? fmt::format("{} (memory-bound {})", si(r.vu_s, "s"), si(r.vu_stream_s, "s"))
                                          : si(r.vu_s, "s"));
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
  line("KV cache", fmt::format("{:.0f} B per token, {:.0f} B in use; {:.2f} GiB free for it: max batch {:.0f} at "
                               "this context", r.kv_bytes_per_token, r.kv_bytes, r.kv_capacity_bytes / (1 << 30),
                               r.max_batch));
  line("tokens/s per GiB", fmt::format("{:.4g} of KV cache in use, {:.4g} of logic memory", r.tokens_per_s_per_kv_gib,
                                       r.tokens_per_s_per_mem_gib));
  line("load phase", r.timing_only ? std::string("preprogrammed image (timing only)")
                                   : fmt::format("{:.0f} pages programmed in {}", r.pages_programmed,
                                                 si(r.load_s, "s")));
  if (r.gpu.name.empty()) {
    // no baseline for this workload
  } else if (r.gpu_est.fits) {
    line("GPU baseline (" + r.gpu.name + ")",
         fmt::format("{:.1f} tokens/s, {} per token; chip / GPU = {:.3f}x", r.gpu_est.tokens_per_s,
                     si(r.gpu_est.energy_j_per_token, "J"), r.aggregate_tokens_per_s / r.gpu_est.tokens_per_s));
  } else {
    line("GPU baseline (" + r.gpu.name + ")",
         fmt::format("does not fit: needs {:.1f} GB of {:.0f} GB", r.gpu_est.bytes_needed / 1e9, r.gpu.mem_capacity_gb));
  }
  line("wall time", fmt::format("{:.3f} s ({:.3f} s per step)", r.wall_s,
                                r.wall_s / std::max(1u, r.prefill_steps + r.decode_steps)));
  return o;
}

}  // namespace pnm::report
