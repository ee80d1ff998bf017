#include "tlm/chip/model_loader.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "sim/model/error.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "firmware/decode/decode.h"
#include "tlm/flash/flash_extension.hpp"

namespace pnm::chip {

namespace {

constexpr uint64_t kAlign = 4096;
uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

struct Layout {
  LoadedModel m;
  uint64_t flash_end = 0;
};

uint64_t logic_start(const Region& at) { return at.logic == 0 ? regs::addr::LOGIC_MEM_BASE : at.logic; }

// Limits of the registers and the firmware that a shape must meet before any
// layout is attempted (a huge n_layers must be refused, not laid out): the
// JOB_COLS and JOB_ROWS fields, FW_MAX_LAYERS and FW_MAX_SEQ_LEN (decode.h).
void check_limits(const model::ModelShape& s, const Workload& w) {
  const auto fail = [&](const std::string& what) {
    throw model::ModelError(model::ErrorKind::TooLarge, "model shape: " + what);
  };
  constexpr uint32_t kCols = regs::pnm::JOB_COLS::VALUE::MASK, kRows = regs::pnm::JOB_ROWS::VALUE::MASK;
  if (uint32_t(s.dim) > kCols || uint32_t(s.hidden_dim) > kCols) {
    fail(fmt::format("dim {} / hidden_dim {} exceed the 16-bit JOB_COLS register: allowed 1..{}", s.dim,
                     s.hidden_dim, kCols));
  }
  if (uint32_t(s.vocab_size) > kRows) {
    fail(fmt::format("vocab_size {} exceeds the 24-bit JOB_ROWS register: allowed 1..{}", s.vocab_size, kRows));
  }
  if (uint32_t(s.n_layers) > FW_MAX_LAYERS) {
    fail(fmt::format("n_layers {} exceeds the firmware's {}: allowed 1..{}", s.n_layers, FW_MAX_LAYERS, FW_MAX_LAYERS));
  }
  if (uint32_t(s.seq_len) > FW_MAX_SEQ_LEN) {
    fail(fmt::format("seq_len {} exceeds the firmware's {} positions: allowed 1..{}", s.seq_len, FW_MAX_SEQ_LEN,
                     FW_MAX_SEQ_LEN));
  }
  if (w.max_slots == 0 || w.max_slots > FW_MAX_SLOTS || w.n_seqs == 0) {
    fail(fmt::format("workload of {} slots and {} sequences: allowed 1..{} slots, >= 1 sequence", w.max_slots,
                     w.n_seqs, FW_MAX_SLOTS));
  }
}

// The one place addresses are decided; plan(), load_model() and load_shape()
// all use it. rank: the chip's rank r (interchip_config.hpp): pipeline stage
// r / tp, tensor-parallel rank j = r % tp. Its flash holds its stage's
// layers only, and of every matrix rows [a_j, a_j + R_j) (the striping rule
// over TP ranks), striped over its channels as a matrix of R_j rows. Stage
// 0 alone holds the embedding, the last stage alone the classifier; the K/V
// caches hold the stage's layers.
Layout make_layout(const ChipConfig& cfg, const model::ModelShape& s, const Workload& w, const Region& at,
                   unsigned rank) {
  const interchip::InterchipConfig& ic = cfg.interchip;
  const unsigned tp = ic.tp, pp = ic.pp, stage = ic.stage_of(rank), j = ic.tp_rank_of(rank);
  // Before any layout: a stage of no layers would size its caches at zero.
  interchip::check_pipeline_split(cfg.source, pp, s.n_layers);
  Layout L;
  L.m.shape = s;
  Region pos{at.flash, logic_start(at)};
  uint64_t& logic = pos.logic;
  auto alloc = [&](uint64_t bytes) { return place_buffer(pos, bytes); };
  auto matrix = [&](uint32_t rows, uint32_t cols) { return place_matrix(cfg, pos, rows, cols, j); };

  pnm_model_desc_t& d = L.m.desc;
  const uint32_t dim = uint32_t(s.dim), hidden = uint32_t(s.hidden_dim), vocab = uint32_t(s.vocab_size);
  const uint32_t kv_dim = uint32_t(s.kv_dim());
  d.magic = PNM_MODEL_DESC_MAGIC;
  d.version = PNM_MODEL_DESC_VERSION;
  d.dim = dim;
  d.hidden_dim = hidden;
  d.model_layers = uint32_t(s.n_layers);
  d.n_layers = d.model_layers / pp;  // check_pipeline_split refuses a remainder
  d.pp_stages = pp > 1 ? pp : 0;
  d.pp_stage = stage;
  d.layer_first = stage * d.n_layers;
  const bool embeds = stage == 0, classifies = stage + 1 == pp;
  d.n_heads = uint32_t(s.n_heads);
  d.n_kv_heads = uint32_t(s.n_kv_heads);
  d.vocab_size = vocab;
  d.seq_len = uint32_t(s.seq_len);
  d.n_channels = cfg.channels();
  d.tp_ranks = tp > 1 ? tp : 0;
  L.m.desc_addr = alloc(sizeof(pnm_model_desc_t));  // the first allocation
  d.layers = alloc(sizeof(pnm_layer_desc_t) * d.n_layers);
  if (!s.latent && embeds) d.token_embedding = alloc(uint64_t{vocab} * dim * 4);
  d.rms_final = alloc(uint64_t{dim} * 4);
  L.m.layers.resize(d.n_layers);
  for (auto& l : L.m.layers) {
    l.rms_att = alloc(uint64_t{dim} * 4);
    l.rms_ffn = alloc(uint64_t{dim} * 4);
    l.wq = matrix(dim, dim);
    l.wk = matrix(kv_dim, dim);
    l.wv = matrix(kv_dim, dim);
    l.wo = matrix(dim, dim);
    l.w1 = matrix(hidden, dim);
    l.w2 = matrix(dim, hidden);
    l.w3 = matrix(hidden, dim);
  }
  if (!s.latent && classifies) d.cls = matrix(vocab, dim);
  // One work area per slot, laid out like slot 0's and slot_stride apart.
  d.max_slots = w.max_slots;
  const uint64_t area0 = logic;
  d.x = alloc(uint64_t{dim} * 4);
  d.xb = alloc(uint64_t{dim} * 4);
  d.xb2 = alloc(uint64_t{dim} * 4);
  d.q = alloc(uint64_t{dim} * 4);
  d.hb = alloc(uint64_t{hidden} * 4);
  d.hb2 = alloc(uint64_t{hidden} * 4);
  if (!s.latent) d.logits = alloc(uint64_t{vocab} * 4);
  d.partials = alloc(uint64_t{std::max({dim, hidden, vocab})} * 4);
  d.slot_stride = logic - area0;
  logic += d.slot_stride * (uint64_t{w.max_slots} - 1);
  const uint64_t other = logic - regs::addr::LOGIC_MEM_BASE;  // with the stacks placed before this one
  // One K/V cache per sequence.
  d.n_seqs = w.n_seqs;
  d.kv_len = w.kv_len == 0 ? d.seq_len : w.kv_len;
  const uint64_t cache = uint64_t{d.n_layers} * d.kv_len * kv_dim * 4;
  d.seq_stride = align_up(cache, kAlign);
  d.k_cache = alloc(d.seq_stride * d.n_seqs);
  d.v_cache = alloc(d.seq_stride * d.n_seqs);

  L.flash_end = pos.flash;
  LoadReport& r = L.m.report;
  r.end = pos;
  r.flash_bytes_per_channel = L.flash_end;
  r.flash_capacity_per_channel = cfg.flash.bytes_per_channel();
  r.logic_bytes = logic - regs::addr::LOGIC_MEM_BASE;
  r.workload = w;
  r.workload.kv_len = d.kv_len;
  KvCapacity& kv = r.kv;
  kv.bytes_per_token = s.kv_bytes_per_token() / pp;  // this stage's layers
  kv.bytes_per_seq = 2 * d.seq_stride;
  kv.kv_bytes = kv.bytes_per_seq * d.n_seqs;
  kv.other_bytes = other;
  kv.capacity_bytes = cfg.logic.memory.size_bytes;
  kv.max_seqs = kv.capacity_bytes > other ? (kv.capacity_bytes - other) / kv.bytes_per_seq : 0;
  return L;
}

void check(const ChipConfig& cfg, const Layout& L) {
  const model::ModelShape& s = L.m.shape;
  const LoadReport& r = L.m.report;
  interchip::check_tensor_split(cfg.source, cfg.interchip.tp, s.n_heads, s.kv_dim(), s.hidden_dim, s.vocab_size);
  if (r.flash_bytes_per_channel > r.flash_capacity_per_channel) {
    throw model::ModelError(
        model::ErrorKind::TooLarge,
        "model needs " + std::to_string(r.flash_bytes_per_channel) + " bytes of flash per channel (x " +
            std::to_string(cfg.channels()) + " channels), a channel of " + cfg.flash.name + " holds " +
            std::to_string(r.flash_capacity_per_channel) + ": too large by " +
            std::to_string(r.flash_bytes_per_channel - r.flash_capacity_per_channel) + " bytes per channel");
  }
  const uint64_t widest = uint64_t(std::max(s.dim, s.hidden_dim));
  if (widest > cfg.pnm.mve.params.max_cols) {
    throw ConfigError(cfg.source + ": chip.pnm.mve.max_cols = " + std::to_string(cfg.pnm.mve.params.max_cols) +
                      " is shorter than the model's longest row (" + std::to_string(widest) +
                      " columns): allowed >= " + std::to_string(widest));
  }
  if (widest > cfg.pnm.act_sram_bytes) {
    throw ConfigError(cfg.source + ": chip.pnm.act_sram_bytes = " + std::to_string(cfg.pnm.act_sram_bytes) +
                      " cannot hold the model's widest activation vector (" + std::to_string(widest) +
                      " bytes): allowed >= " + std::to_string(widest));
  }
  const Workload& w = r.workload;
  const KvCapacity& kv = r.kv;
  if (!kv.fits() || r.logic_bytes > cfg.logic.memory.size_bytes) {
    const uint64_t avail = kv.capacity_bytes > kv.other_bytes ? kv.capacity_bytes - kv.other_bytes : 0;
    throw model::ModelError(
        model::ErrorKind::TooLarge,
        fmt::format("KV cache does not fit logic memory: {} sequences x {} positions x {} bytes per token "
                    "need {} bytes ({:.2f} GiB); chip.logic.memory.size_bytes = {} leaves {} bytes ({:.2f} GiB) "
                    "after {} bytes of weights' side data and work areas; at {} positions at most {} "
                    "sequences fit",
                    w.n_seqs, w.kv_len, kv.bytes_per_token, kv.kv_bytes, double(kv.kv_bytes) / (1 << 30),
                    kv.capacity_bytes, avail, double(avail) / (1 << 30), kv.other_bytes, w.kv_len, kv.max_seqs));
  }
  const uint64_t act_need = uint64_t{w.max_slots} * widest;
  if (act_need > cfg.pnm.act_sram_bytes) {
    throw ConfigError(cfg.source + ": chip.pnm.act_sram_bytes = " + std::to_string(cfg.pnm.act_sram_bytes) +
                      " cannot hold the activation vectors of " + std::to_string(w.max_slots) +
                      " slots (batch or prompt chunk) x the widest row (" + std::to_string(widest) +
                      " bytes): allowed >= " + std::to_string(act_need));
  }
  const unsigned V = cfg.pnm.mve.params.vectors;
  const uint64_t groups = (w.max_slots + V - 1) / V;
  if (cfg.pnm.queue_depth < FW_MAX_JOBS_IN_FLIGHT * groups) {
    throw ConfigError(cfg.source + ": chip.pnm.queue_depth = " + std::to_string(cfg.pnm.queue_depth) +
                      " cannot queue the firmware's 3 jobs for each of " + std::to_string(groups) +
                      " groups of chip.pnm.mve.vectors = " + std::to_string(V) + " slots: allowed >= " +
                      std::to_string(FW_MAX_JOBS_IN_FLIGHT * groups));
  }
  // Limits the firmware would otherwise hit mid-run (exit 1): BOS is token 1,
  // and every vector-unit operand must fit logic.vector_unit.max_elements.
  if (!s.latent && s.vocab_size < 2) {
    throw model::ModelError(model::ErrorKind::BadShape,
                            "vocab_size = " + std::to_string(s.vocab_size) +
                                ": every sequence starts at BOS token 1, so allowed vocab_size >= 2");
  }
  const uint64_t attn = uint64_t{L.m.desc.kv_len} * uint64_t(s.kv_dim());
  const uint64_t vu_need = std::max({uint64_t(s.dim), uint64_t(s.hidden_dim), uint64_t(s.vocab_size), attn});
  if (vu_need > cfg.logic.vu.max_elements) {
    throw ConfigError(cfg.source + ": chip.logic.vector_unit.max_elements = " +
                      std::to_string(cfg.logic.vu.max_elements) +
                      " is smaller than the model's longest vector-unit operand (" + std::to_string(vu_need) +
                      " elements: max of dim, hidden_dim, vocab_size and " + std::to_string(L.m.desc.kv_len) +
                      " positions x kv_dim " + std::to_string(s.kv_dim()) + " for attention): allowed >= " +
                      std::to_string(vu_need));
  }
  if (L.m.desc.slot_stride > 0xFFFFFFFFu) {
    throw model::ModelError(model::ErrorKind::TooLarge,
                            "a slot's work area (" + std::to_string(L.m.desc.slot_stride) +
                                " bytes) exceeds the 32-bit JOB_DST_STRIDE register");
  }
}

}  // namespace

pnm_matrix_desc_t place_matrix(const ChipConfig& cfg, Region& at, uint32_t rows, uint32_t cols, unsigned tp_rank) {
  pnm_matrix_desc_t d{};
  d.rows = rows;
  d.cols = cols;
  d.flash_addr = at.flash;
  at.flash += pnmu::reserved_bytes(interchip::rank_rows(rows, tp_rank, cfg.interchip.tp), cols, cfg.channels(),
                                   static_cast<uint32_t>(cfg.flash.page_size_bytes));
  d.row_scales = place_buffer(at, uint64_t{rows} * 4);
  return d;
}

uint64_t place_buffer(Region& at, uint64_t bytes) {
  if (at.logic == 0) at.logic = regs::addr::LOGIC_MEM_BASE;
  const uint64_t a = at.logic;
  at.logic = align_up(at.logic + std::max<uint64_t>(bytes, 1), kAlign);
  return a;
}

void write_logic(Chip& chip, uint64_t addr, const void* data, uint64_t len) {
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address(addr - regs::addr::LOGIC_MEM_BASE);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(const_cast<void*>(data)));
  gp.set_data_length(static_cast<unsigned>(len));
  gp.set_streaming_width(static_cast<unsigned>(len));
  if (chip.memory().tgt_socket.get_base_export()->transport_dbg(gp) != len) {
    throw std::runtime_error(fmt::format("model loader: backdoor write of {} bytes at 0x{:x} into logic memory failed",
                                         len, addr));
  }
}

namespace {

void write_descriptors(Chip& chip, const LoadedModel& m) {
  write_logic(chip, m.desc_addr, &m.desc, sizeof m.desc);
  write_logic(chip, m.desc.layers, m.layers.data(), m.layers.size() * sizeof(pnm_layer_desc_t));
}

}  // namespace

// Programs the chip's rank's stripes of one matrix; returns the latest completion time.
uint64_t program_matrix(Chip& chip, const pnm_matrix_desc_t& d, const model::QMatrix& q, LoadReport& r) {
  const unsigned C = chip.channels(), tp = chip.config().interchip.tp;
  const unsigned j = chip.config().interchip.tp_rank_of(chip.rank());
  const uint64_t page = chip.config().flash.page_size_bytes;
  // The TP rank's rows, as the firmware's jobs ask for them (JOB_ROWS = R_j).
  const uint32_t rows = interchip::rank_rows(d.rows, j, tp);
  const uint32_t first = interchip::rank_first_row(d.rows, j, tp);
  std::vector<uint8_t> buf(page);
  uint64_t done = 0;
  for (unsigned c = 0; c < C; ++c) {
    // The unit's own striping rule (CHIP.md): the loader and the PNM unit must agree.
    const uint64_t bytes = uint64_t{pnmu::rows_of_channel(rows, c, C)} * d.cols;
    const auto* src =
        reinterpret_cast<const uint8_t*>(q.row(int32_t(first + pnmu::first_row_of_channel(rows, c, C))));
    for (uint64_t off = 0; off < bytes; off += page) {
      const uint64_t n = std::min(page, bytes - off);
      std::memcpy(buf.data(), src + off, n);
      std::memset(buf.data() + n, 0, page - n);
      tlm::tlm_generic_payload gp;
      flash::FlashExtension ext;
      flash::prepare_program(gp, ext, d.flash_addr + off, buf.data(), static_cast<uint32_t>(page));
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      chip.flash(c).tgt_socket.get_base_export()->b_transport(gp, delay);
      gp.clear_extension(&ext);
      if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) {
        throw std::runtime_error("model loader: programming channel " + std::to_string(c) + " at flash address " +
                                 std::to_string(d.flash_addr + off) + " failed: " + gp.get_response_string() +
                                 " (is the flash preprogrammed? a functional load needs "
                                 "flash.storage.preprogrammed: false)");
      }
      done = std::max<uint64_t>(done, static_cast<uint64_t>(delay / sc_core::sc_time(1, sc_core::SC_PS)));
      ++r.pages_programmed;
    }
  }
  return done;
}

LoadReport plan(const ChipConfig& cfg, const model::ModelShape& shape, const Workload& w, const Region& at) {
  shape.validate("model");
  check_limits(shape, w);
  // Rank 0 holds the most rows and, in a pipeline, the embedding; the last
  // stage's rank 0 the classifier: both must fit. Rank 0's report is the plan.
  const Layout L = make_layout(cfg, shape, w, at, 0);
  check(cfg, L);
  const unsigned last = cfg.interchip.chip_of(cfg.interchip.pp - 1, 0);
  if (last != 0) check(cfg, make_layout(cfg, shape, w, at, last));
  return L.m.report;
}

LoadedModel load_model(Chip& chip, const model::QuantizedModel& qm, const Workload& w, const Region& at) {
  const ChipConfig& cfg = chip.config();
  qm.shape.validate("model");
  check_limits(qm.shape, w);
  Layout L = make_layout(cfg, qm.shape, w, at, chip.rank());
  check(cfg, L);
  if (cfg.flash.storage_mode == flash::StorageMode::TimingOnly) {
    throw ConfigError(cfg.source + ": chip.flash.storage.mode = timing_only keeps no data; a functional "
                      "model needs sparse (allowed here: sparse)");
  }
  LoadedModel& m = L.m;
  const model::ModelShape& s = qm.shape;
  const uint64_t dim = uint64_t(s.dim);

  write_descriptors(chip, m);
  if (!s.latent && m.desc.pp_stage == 0) {
    write_logic(chip, m.desc.token_embedding, qm.token_embedding.data(), qm.token_embedding.size() * 4);
  }
  write_logic(chip, m.desc.rms_final, qm.rms_final.data(), dim * 4);
  uint64_t done = 0;
  auto matrix = [&](const pnm_matrix_desc_t& d, const model::QMatrix& q) {
    write_logic(chip, d.row_scales, q.scale.data(), q.scale.size() * 4);
    done = std::max(done, program_matrix(chip, d, q, m.report));
  };
  for (size_t k = 0; k < m.layers.size(); ++k) {
    const size_t l = m.desc.layer_first + k;  // the model's layer
    const pnm_layer_desc_t& ld = m.layers[k];
    const model::QLayer& ql = qm.layers[l];
    write_logic(chip, ld.rms_att, qm.rms_att.data() + l * dim, dim * 4);
    write_logic(chip, ld.rms_ffn, qm.rms_ffn.data() + l * dim, dim * 4);
    matrix(ld.wq, ql.wq);
    matrix(ld.wk, ql.wk);
    matrix(ld.wv, ql.wv);
    matrix(ld.wo, ql.wo);
    matrix(ld.w1, ql.w1);
    matrix(ld.w2, ql.w2);
    matrix(ld.w3, ql.w3);
  }
  if (!s.latent && m.desc.pp_stage + 1 == cfg.interchip.pp) matrix(m.desc.cls, qm.cls);
  m.report.load_time_ps = done;
  return m;
}

LoadedModel load_shape(Chip& chip, const model::ModelShape& shape, const Workload& w, const Region& at) {
  const ChipConfig& cfg = chip.config();
  shape.validate("model");
  check_limits(shape, w);
  Layout L = make_layout(cfg, shape, w, at, chip.rank());
  check(cfg, L);
  if (!cfg.flash.preprogrammed) {
    throw ConfigError(cfg.source + ": chip.flash.storage.preprogrammed = false, but a timing-only model "
                      "has no weights to program (allowed: true)");
  }
  L.m.report.timing_only = true;
  write_descriptors(chip, L.m);
  return L.m;
}

}  // namespace pnm::chip
