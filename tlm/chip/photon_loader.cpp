#include "tlm/chip/photon_loader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/model/error.hpp"
#include "tlm/common/pnm_regs.hpp"

namespace pnm::chip {

namespace {

// The stacks' workloads: a decoder runs R_l prefix slots per sequence; an
// encoder below L runs a prompt's level-l positions (in chunks of at most
// FW_MAX_SLOTS), encoder L one position per sequence per update.
struct StackPlan {
  model::ModelShape shape;
  Workload work;
};

// Slots one step can run on this chip: the firmware's work areas, the PNM
// queue (3 jobs per group of the MVE's vectors) and the activation SRAM
// (one vector of the widest row per slot).
uint64_t slot_cap(const ChipConfig& cfg, uint64_t widest) {
  const uint64_t queue = uint64_t(cfg.pnm.queue_depth / FW_MAX_JOBS_IN_FLIGHT) * cfg.pnm.mve.params.vectors;
  return std::max<uint64_t>(1, std::min({uint64_t(FW_MAX_SLOTS), queue, cfg.pnm.act_sram_bytes / std::max<uint64_t>(1, widest)}));
}

uint64_t widest_row(const model::ModelShape& s) { return uint64_t(std::max(s.dim, s.hidden_dim)); }

// Sequences one program runs together: every decoder's R_l prefix slots per
// sequence, the coarsest encoder's one, and the chunkers' and converters'
// vectors must fit at once. A larger batch takes several programs per token.
uint32_t group_of(const ChipConfig& cfg, const model::PhotonShape& s, uint32_t n_seqs) {
  uint64_t g = n_seqs;
  for (int l = 1; l <= s.levels_n(); ++l) {
    const model::PhotonLevel& lv = s.levels[size_t(l - 1)];
    g = std::min(g, slot_cap(cfg, widest_row(s.decoder(l))) / uint64_t(lv.ratio));
    g = std::min(g, slot_cap(cfg, widest_row(s.encoder(l))));
    g = std::min(g, slot_cap(cfg, uint64_t(lv.chunk) * uint64_t(s.dim(l - 1))));
  }
  return uint32_t(std::max<uint64_t>(g, 1));
}

std::vector<StackPlan> stack_plans(const ChipConfig& cfg, const model::PhotonShape& s, const PhotonWorkload& w,
                                   uint32_t group, bool enc) {
  std::vector<StackPlan> out;
  const int L = s.levels_n();
  for (int l = 1; l <= L; ++l) {
    StackPlan p;
    if (enc) {
      const uint32_t prefill = uint32_t(w.prefill_len / s.tokens_per(l));
      const uint32_t positions = l == L ? std::max(w.coarse_len, prefill) : std::max<uint32_t>(prefill, 1);
      p.shape = s.encoder(l, int32_t(positions));
      // A prompt's positions run in chunks of what the chip can take at once.
      const uint64_t chunk = std::min<uint64_t>(std::max<uint32_t>(prefill, 1), slot_cap(cfg, widest_row(p.shape)));
      p.work = Workload{uint32_t(std::max<uint64_t>(chunk, l == L ? group : 1)), w.n_seqs, positions};
    } else {
      p.shape = s.decoder(l);
      p.work = Workload{group * uint32_t(s.levels[size_t(l - 1)].ratio), w.n_seqs, 0};
    }
    out.push_back(p);
  }
  return out;
}

// The layout without writing: every stack, then the PHOTON pieces. The
// stacks' own checks (model_loader's plan) run on the way.
struct PhotonLayout {
  LoadedPhoton m;
  std::vector<StackPlan> enc, dec;
};

PhotonLayout make_layout(const ChipConfig& cfg, const model::PhotonShape& s, const PhotonWorkload& w) {
  s.validate("model");
  if (w.n_seqs == 0) throw ConfigError("PHOTON workload: batch 0: allowed >= 1 sequence");
  if (cfg.interchip.chips > 1) {
    throw ConfigError(fmt::format("{}: chip.interchip.chips = {}: a PHOTON model runs on one chip (allowed: 1)",
                                  cfg.source, cfg.interchip.chips));
  }
  const int L = s.levels_n();
  if (w.prefill_len % s.tokens_per(L) != 0) {
    throw ConfigError(fmt::format("PHOTON workload: prompt of {} tokens is not a multiple of P_L = {} (the "
                                  "chunk sizes' product): allowed lengths k * {}",
                                  w.prefill_len, s.tokens_per(L), s.tokens_per(L)));
  }
  PhotonLayout out;
  LoadedPhoton& m = out.m;
  m.shape = s;
  m.work = w;
  const uint32_t group = group_of(cfg, s, w.n_seqs);
  out.enc = stack_plans(cfg, s, w, group, true);
  out.dec = stack_plans(cfg, s, w, group, false);
  Region at;
  m.desc_addr = place_buffer(at, sizeof(pnm_photon_desc_t));
  auto place_stack = [&](const StackPlan& p) {
    LoadedModel lm;
    lm.report = plan(cfg, p.shape, p.work, at);
    at = lm.report.end;
    return lm;
  };
  for (int l = 0; l < L; ++l) {
    m.dec.push_back(place_stack(out.dec[size_t(l)]));
    m.enc.push_back(place_stack(out.enc[size_t(l)]));
  }
  pnm_photon_desc_t& d = m.desc;
  d.magic = PNM_PHOTON_DESC_MAGIC;
  d.version = PNM_PHOTON_DESC_VERSION;
  d.n_levels = uint32_t(L);
  d.n_seqs = w.n_seqs;
  d.prefill_len = w.prefill_len;
  d.group = group;
  uint64_t widest_rows = 1, widest_cols = 1, vectors = group;
  for (int l = 1; l <= L; ++l) {
    const model::PhotonLevel& lv = s.levels[size_t(l - 1)];
    pnm_photon_level_t& pl = d.level[l - 1];
    pl.chunk = uint32_t(lv.chunk);
    pl.ratio = uint32_t(lv.ratio);
    pl.dim_in = uint32_t(s.dim(l - 1));
    pl.dim = uint32_t(lv.dim);
    pl.chunker = place_matrix(cfg, at, pl.dim, pl.chunk * pl.dim_in);
    pl.converter = place_matrix(cfg, at, pl.ratio * pl.dim_in, pl.dim);
    pl.hist = place_buffer(at, 4ull * w.n_seqs * pl.chunk * pl.dim_in);
    pl.conv = place_buffer(at, 4ull * group * pl.ratio * pl.dim_in);
    pl.stream = place_buffer(at, 4ull * std::max<uint64_t>(1, w.prefill_len / s.tokens_per(l)) * pl.dim);
    widest_rows = std::max<uint64_t>({widest_rows, pl.chunker.rows, pl.converter.rows});
    widest_cols = std::max<uint64_t>({widest_cols, pl.chunker.cols, pl.converter.cols});
    vectors = std::max<uint64_t>(vectors, out.enc[size_t(l - 1)].work.max_slots);
  }
  d.top = place_buffer(at, 4ull * w.n_seqs * uint32_t(s.dim(L)));
  d.scratch_stride = uint32_t((4 * widest_rows + 63) / 64 * 64);
  d.scratch = place_buffer(at, vectors * d.scratch_stride);
  d.stream0 = place_buffer(at, 4ull * std::max<uint32_t>(1, w.prefill_len) * uint32_t(s.embed_dim));

  // Totals and the checks of the PHOTON pieces.
  LoadReport& r = m.report;
  r.end = at;
  r.flash_bytes_per_channel = at.flash;
  r.flash_capacity_per_channel = cfg.flash.bytes_per_channel();
  r.logic_bytes = at.logic - regs::addr::LOGIC_MEM_BASE;
  r.workload = Workload{uint32_t(vectors), w.n_seqs, w.coarse_len};
  for (const auto* v : {&m.enc, &m.dec}) {
    for (const LoadedModel& lm : *v) r.kv.kv_bytes += lm.report.kv.kv_bytes;
  }
  r.kv.bytes_per_token = s.encoder(L).kv_bytes_per_token() / uint64_t(s.tokens_per(L));
  r.kv.capacity_bytes = cfg.logic.memory.size_bytes;
  r.kv.other_bytes = r.logic_bytes - r.kv.kv_bytes;
  if (r.flash_bytes_per_channel > r.flash_capacity_per_channel) {
    throw model::ModelError(model::ErrorKind::TooLarge,
                            fmt::format("PHOTON model needs {} bytes of flash per channel, a channel holds {}",
                                        r.flash_bytes_per_channel, r.flash_capacity_per_channel));
  }
  if (widest_cols > cfg.pnm.mve.params.max_cols) {
    throw ConfigError(fmt::format("{}: chip.pnm.mve.max_cols = {} is shorter than the PHOTON chunker/converter "
                                  "rows ({} columns): allowed >= {}",
                                  cfg.source, cfg.pnm.mve.params.max_cols, widest_cols, widest_cols));
  }
  if (vectors * widest_cols > cfg.pnm.act_sram_bytes) {
    throw ConfigError(fmt::format("{}: chip.pnm.act_sram_bytes = {} cannot hold {} activation vectors of the "
                                  "PHOTON chunker ({} bytes): allowed >= {}",
                                  cfg.source, cfg.pnm.act_sram_bytes, vectors, widest_cols, vectors * widest_cols));
  }
  if (widest_rows > cfg.logic.vu.max_elements) {
    throw ConfigError(fmt::format("{}: chip.logic.vector_unit.max_elements = {} is smaller than the PHOTON "
                                  "converter's {} outputs: allowed >= {}",
                                  cfg.source, cfg.logic.vu.max_elements, widest_rows, widest_rows));
  }
  return out;
}

// A config whose logic memory is large enough for any layout: the stacks
// are laid out and checked against it, and the whole workload is then
// checked against the real memory (capacity).
ChipConfig unbounded_memory(const ChipConfig& cfg) {
  ChipConfig big = cfg;
  big.logic.memory.size_bytes = ~uint64_t{0} >> 2;
  return big;
}

// Bytes one more sequence costs (its caches, work areas, buffers): the
// layout at 2 sequences minus the layout at 1 (on the unbounded config, so
// only the byte counts matter); then the workload against the real memory.
void capacity(const ChipConfig& big, const model::PhotonShape& s, PhotonLayout& lay) {
  LoadReport& r = lay.m.report;
  PhotonWorkload one = lay.m.work;
  one.n_seqs = 1;
  PhotonWorkload two = one;
  two.n_seqs = 2;
  const uint64_t b1 = make_layout(big, s, one).m.report.logic_bytes;
  const uint64_t b2 = make_layout(big, s, two).m.report.logic_bytes;
  const uint64_t per_seq = std::max<uint64_t>(1, b2 - b1), fixed = b1 > per_seq ? b1 - per_seq : 0;
  r.kv.bytes_per_seq = per_seq;
  r.kv.max_seqs = r.kv.capacity_bytes > fixed ? (r.kv.capacity_bytes - fixed) / per_seq : 0;
  if (r.logic_bytes > r.kv.capacity_bytes) {
    throw model::ModelError(
        model::ErrorKind::TooLarge,
        fmt::format("KV cache does not fit logic memory: PHOTON with {} sequences and {} coarse positions needs "
                    "{} bytes ({:.2f} GiB: {} of caches); chip.logic.memory.size_bytes = {}; at these lengths at "
                    "most {} sequences fit",
                    lay.m.work.n_seqs, lay.m.work.coarse_len, r.logic_bytes, double(r.logic_bytes) / (1 << 30),
                    r.kv.kv_bytes, r.kv.capacity_bytes, r.kv.max_seqs));
  }
}

PhotonLayout checked_layout(const ChipConfig& cfg, const model::PhotonShape& s, const PhotonWorkload& w) {
  const ChipConfig big = unbounded_memory(cfg);
  PhotonLayout lay = make_layout(big, s, w);
  lay.m.report.kv.capacity_bytes = cfg.logic.memory.size_bytes;
  capacity(big, s, lay);
  return lay;
}

void write_photon_desc(Chip& chip, const LoadedPhoton& m) { write_logic(chip, m.desc_addr, &m.desc, sizeof m.desc); }

}  // namespace

fw_photon_t LoadedPhoton::fw() const {
  fw_photon_t f{};
  f.p = &desc;
  for (size_t l = 0; l < enc.size(); ++l) {
    f.enc[l] = fw_stack_t{&enc[l].desc, enc[l].layers.data()};
    f.dec[l] = fw_stack_t{&dec[l].desc, dec[l].layers.data()};
  }
  return f;
}

LoadReport plan_photon(const ChipConfig& cfg, const model::PhotonShape& shape, const PhotonWorkload& w) {
  return checked_layout(cfg, shape, w).m.report;
}

LoadedPhoton load_photon(Chip& chip, const model::PhotonWeights& weights, const PhotonWorkload& w) {
  const ChipConfig& cfg = chip.config();
  PhotonLayout lay = checked_layout(cfg, weights.shape, w);
  LoadedPhoton& m = lay.m;
  const int L = weights.shape.levels_n();
  for (int l = 0; l < L; ++l) {
    // The weights were drawn for stacks of at least these many positions.
    if (weights.enc[size_t(l)].shape.seq_len < lay.enc[size_t(l)].shape.seq_len) {
      throw std::invalid_argument(fmt::format("load_photon: encoder {} weights sized for {} positions, the workload "
                                              "needs {}",
                                              l + 1, weights.enc[size_t(l)].shape.seq_len,
                                              lay.enc[size_t(l)].shape.seq_len));
    }
  }
  uint64_t done = 0;
  // Load each stack where the plan put it: the plan's regions are rebuilt in the same order.
  Region at;
  place_buffer(at, sizeof(pnm_photon_desc_t));
  for (int l = 0; l < L; ++l) {
    for (int which = 0; which < 2; ++which) {
      const model::QuantizedModel& q = which == 0 ? weights.dec[size_t(l)] : weights.enc[size_t(l)];
      const StackPlan& p = which == 0 ? lay.dec[size_t(l)] : lay.enc[size_t(l)];
      model::QuantizedModel sized = q;
      sized.shape.seq_len = p.shape.seq_len;
      LoadedModel lm = load_model(chip, sized, p.work, at);
      at = lm.report.end;
      done = std::max(done, lm.report.load_time_ps);
      m.report.pages_programmed += lm.report.pages_programmed;
      (which == 0 ? m.dec : m.enc)[size_t(l)] = std::move(lm);
    }
  }
  for (int l = 0; l < L; ++l) {
    const pnm_photon_level_t& pl = m.desc.level[l];
    for (const auto& [d, q] : {std::pair{&pl.chunker, &weights.chunker[size_t(l)]},
                               std::pair{&pl.converter, &weights.converter[size_t(l)]}}) {
      write_logic(chip, d->row_scales, q->scale.data(), q->scale.size() * 4);
      done = std::max(done, program_matrix(chip, *d, *q, m.report));
    }
  }
  m.report.load_time_ps = done;
  write_photon_desc(chip, m);
  return std::move(lay.m);
}

LoadedPhoton load_photon_shape(Chip& chip, const model::PhotonShape& shape, const PhotonWorkload& w) {
  PhotonLayout lay = checked_layout(chip.config(), shape, w);
  LoadedPhoton& m = lay.m;
  Region at;
  place_buffer(at, sizeof(pnm_photon_desc_t));
  for (size_t l = 0; l < lay.enc.size(); ++l) {
    m.dec[l] = load_shape(chip, lay.dec[l].shape, lay.dec[l].work, at);
    at = m.dec[l].report.end;
    m.enc[l] = load_shape(chip, lay.enc[l].shape, lay.enc[l].work, at);
    at = m.enc[l].report.end;
  }
  m.report.timing_only = true;
  write_photon_desc(chip, m);
  return std::move(lay.m);
}

}  // namespace pnm::chip
