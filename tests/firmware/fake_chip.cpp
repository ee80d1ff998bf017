#include "fake_chip.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "firmware/hal/pnm_regs.h"
#include "sim/model/numerics.hpp"

namespace pnm::test {

namespace {

std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

[[noreturn]] void fault(const std::string& what, uint64_t addr) {
  throw std::runtime_error("fake chip: " + what + " at " + hex(addr));
}

uint32_t f2u(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float u2f(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

constexpr uint64_t kVuBase = PNM_ADDR_VU_BASE, kIrqBase = PNM_ADDR_IRQ_BASE;
constexpr uint64_t kBcBase = PNM_ADDR_PNM_BCAST_BASE, kPnmBase = PNM_ADDR_PNM_BASE;
constexpr uint64_t kLogic = PNM_ADDR_LOGIC_MEM_BASE;

}  // namespace

// ------------------------------------------------------------------ layout --

uint64_t FakeChip::alloc(uint64_t bytes, uint64_t align) {
  logic_top_ = (logic_top_ + align - 1) / align * align;
  const uint64_t off = logic_top_;
  logic_top_ += bytes;
  logic_.resize(logic_top_, 0);
  return kLogic + off;
}

uint64_t FakeChip::place_f32(const std::vector<float>& v) {
  const uint64_t a = alloc(v.size() * 4);
  std::memcpy(logic_ptr(a, v.size() * 4), v.data(), v.size() * 4);
  return a;
}

pnm_matrix_desc_t FakeChip::place_matrix(const model::QMatrix& m) {
  pnm_matrix_desc_t d{};
  d.rows = uint32_t(m.rows);
  d.cols = uint32_t(m.cols);
  d.row_scales = place_f32(m.scale);
  const uint64_t C = opt_.channels, R = uint64_t(m.rows), K = uint64_t(m.cols);
  const uint64_t per_ch = (R + C - 1) / C * K;
  const uint64_t reserve = (per_ch + opt_.page_bytes - 1) / opt_.page_bytes * opt_.page_bytes;
  d.flash_addr = flash_top_;
  flash_top_ += std::max<uint64_t>(reserve, opt_.page_bytes);
  for (uint64_t c = 0; c < C; ++c) {
    Unit& u = units_[c];
    u.flash.resize(flash_top_, 0);
    const uint64_t rows_c = R / C + (c < R % C ? 1 : 0);
    const uint64_t r0_c = c * (R / C) + std::min(c, R % C);
    std::memcpy(u.flash.data() + d.flash_addr, m.row(int32_t(r0_c)), rows_c * K);
  }
  return d;
}

FakeChip::FakeChip(const model::QuantizedModel& qm, const FakeChipOptions& opt) : opt_(opt) {
  if (opt_.channels == 0 || opt_.channels > 256) throw std::invalid_argument("channels");
  units_.resize(opt_.channels);
  for (Unit& u : units_) u.act.assign(opt_.act_sram_bytes, 0);
  const model::ModelShape& s = qm.shape;
  const uint32_t L = uint32_t(s.n_layers), dim = uint32_t(s.dim), hid = uint32_t(s.hidden_dim);
  const uint32_t voc = uint32_t(s.vocab_size), kv = uint32_t(s.kv_dim());

  desc_.magic = PNM_MODEL_DESC_MAGIC;
  desc_.version = PNM_MODEL_DESC_VERSION;
  desc_.dim = dim;
  desc_.hidden_dim = hid;
  desc_.n_layers = L;
  desc_.model_layers = L;  // no pipeline: every layer on this chip
  desc_.n_heads = uint32_t(s.n_heads);
  desc_.n_kv_heads = uint32_t(s.n_kv_heads);
  desc_.vocab_size = voc;
  desc_.seq_len = uint32_t(s.seq_len);
  desc_.n_channels = opt_.channels;
  desc_.max_slots = 1;
  desc_.n_seqs = 1;
  desc_.kv_len = uint32_t(s.seq_len);
  // Descriptor and layer table first (model_desc.h).
  const uint64_t desc_addr = alloc(sizeof(pnm_model_desc_t), 8);
  desc_.layers = alloc(sizeof(pnm_layer_desc_t) * L, 8);
  (void)desc_addr;
  desc_.token_embedding = place_f32(qm.token_embedding);
  desc_.rms_final = place_f32(qm.rms_final);
  layers_.resize(L);
  for (uint32_t l = 0; l < L; ++l) {
    pnm_layer_desc_t& ld = layers_[l];
    ld.rms_att = place_f32(std::vector<float>(qm.rms_att.begin() + int64_t(l) * dim,
                                              qm.rms_att.begin() + int64_t(l + 1) * dim));
    ld.rms_ffn = place_f32(std::vector<float>(qm.rms_ffn.begin() + int64_t(l) * dim,
                                              qm.rms_ffn.begin() + int64_t(l + 1) * dim));
    const model::QLayer& ql = qm.layers[l];
    ld.wq = place_matrix(ql.wq);
    ld.wk = place_matrix(ql.wk);
    ld.wv = place_matrix(ql.wv);
    ld.wo = place_matrix(ql.wo);
    ld.w1 = place_matrix(ql.w1);
    ld.w2 = place_matrix(ql.w2);
    ld.w3 = place_matrix(ql.w3);
  }
  desc_.cls = place_matrix(qm.cls);
  const uint64_t cache = uint64_t(L) * uint64_t(s.seq_len) * kv * 4;
  desc_.k_cache = alloc(cache);
  desc_.v_cache = alloc(cache);
  desc_.seq_stride = cache;
  desc_.x = alloc(dim * 4);
  desc_.xb = alloc(dim * 4);
  desc_.xb2 = alloc(dim * 4);
  desc_.q = alloc(dim * 4);
  desc_.hb = alloc(hid * 4);
  desc_.hb2 = alloc(hid * 4);
  desc_.logits = alloc(voc * 4);
  desc_.partials = alloc(uint64_t(std::max({dim, hid, voc})) * 4);
  desc_.slot_stride = desc_.partials + uint64_t(std::max({dim, hid, voc})) * 4 - desc_.x;
  std::memcpy(logic_ptr(desc_addr, sizeof desc_), &desc_, sizeof desc_);
  std::memcpy(logic_ptr(desc_.layers, sizeof(pnm_layer_desc_t) * L), layers_.data(),
              sizeof(pnm_layer_desc_t) * L);
}

std::vector<float> FakeChip::read_f32(uint64_t addr, size_t n) const {
  std::vector<float> v(n);
  std::memcpy(v.data(), logic_ptr(addr, n * 4), n * 4);
  return v;
}

// ----------------------------------------------------------------- memory --

uint8_t* FakeChip::logic_ptr(uint64_t addr, uint64_t n) {
  if (addr < kLogic || addr - kLogic > logic_.size() || logic_.size() - (addr - kLogic) < n) {
    return nullptr;
  }
  return logic_.data() + (addr - kLogic);
}
const uint8_t* FakeChip::logic_ptr(uint64_t addr, uint64_t n) const {
  return const_cast<FakeChip*>(this)->logic_ptr(addr, n);
}

bool FakeChip::mem_read(uint64_t addr, void* dst, uint64_t n) const {
  if (const uint8_t* p = logic_ptr(addr, n)) {
    std::memcpy(dst, p, n);
    return true;
  }
  if (addr >= kPnmBase && addr < kPnmBase + uint64_t(opt_.channels) * PNM_ADDR_PNM_SIZE) {
    const unsigned u = unsigned((addr - kPnmBase) / PNM_ADDR_PNM_SIZE);
    const uint64_t off = (addr - kPnmBase) % PNM_ADDR_PNM_SIZE;
    if (off >= PNM_ACT_SRAM_OFFSET && off - PNM_ACT_SRAM_OFFSET + n <= opt_.act_sram_bytes) {
      std::memcpy(dst, units_[u].act.data() + (off - PNM_ACT_SRAM_OFFSET), n);
      return true;
    }
  }
  return false;
}

bool FakeChip::mem_write(uint64_t addr, const void* src, uint64_t n) {
  if (uint8_t* p = logic_ptr(addr, n)) {
    std::memcpy(p, src, n);
    return true;
  }
  const auto act_write = [&](Unit& u, uint64_t off) {
    if (off < PNM_ACT_SRAM_OFFSET || off - PNM_ACT_SRAM_OFFSET + n > opt_.act_sram_bytes) return false;
    std::memcpy(u.act.data() + (off - PNM_ACT_SRAM_OFFSET), src, n);
    return true;
  };
  if (addr >= kBcBase && addr < kBcBase + PNM_ADDR_PNM_BCAST_SIZE) {
    for (Unit& u : units_) {
      if (!act_write(u, addr - kBcBase)) return false;
    }
    return true;
  }
  if (addr >= kPnmBase && addr < kPnmBase + uint64_t(opt_.channels) * PNM_ADDR_PNM_SIZE) {
    return act_write(units_[(addr - kPnmBase) / PNM_ADDR_PNM_SIZE], (addr - kPnmBase) % PNM_ADDR_PNM_SIZE);
  }
  return false;
}

// --------------------------------------------------------------- host ops --

pnm_hal_host_ops_t FakeChip::ops() {
  pnm_hal_host_ops_t o{};
  o.ctx = this;
  o.read32 = [](void* c, uint64_t a) { return static_cast<FakeChip*>(c)->read32(a); };
  o.write32 = [](void* c, uint64_t a, uint32_t v) { static_cast<FakeChip*>(c)->write32(a, v); };
  o.wait_irq = [](void* c, uint32_t m) { static_cast<FakeChip*>(c)->wait_irq(m); };
  return o;
}

uint32_t FakeChip::irq_status() const {
  uint32_t st = 0;
  bool idle = true, err = false;
  for (const Unit& u : units_) {
    idle = idle && u.queue.empty();
    err = err || u.status_err != 0;
  }
  if (idle) st |= PNM_IRQ_STATUS_PNM_IDLE_MASK;
  if (!vu_busy_) st |= PNM_IRQ_STATUS_VU_IDLE_MASK;
  if (err) st |= PNM_IRQ_STATUS_PNM_ERROR_MASK;
  return st;
}

uint32_t FakeChip::read32(uint64_t addr) {
  ++counters.reads;
  if ((addr & 3) != 0) fault("unaligned read", addr);
  if (addr >= kVuBase && addr < kVuBase + PNM_ADDR_VU_SIZE) {
    const uint32_t off = uint32_t(addr - kVuBase);
    switch (off) {
      case PNM_VU_CTRL_OFFSET: return 0;
      case PNM_VU_STATUS_OFFSET:
        return (vu_busy_ ? PNM_VU_STATUS_BUSY_MASK : 0) | (vu_done_ ? PNM_VU_STATUS_DONE_MASK : 0) |
               (vu_err_ ? PNM_VU_STATUS_ERROR_MASK : 0) | (vu_err_ << PNM_VU_STATUS_ERR_CODE_LSB);
      case PNM_VU_RESULT_OFFSET:
        if (vu_busy_) fault("RESULT read while the VU is busy", addr);
        return vu_result_;
      case PNM_VU_CYCLES_OFFSET: return 0;
      default:
        if (off <= PNM_VU_FARG_OFFSET) return vu_regs_[off / 4];
        fault("read of an unmapped VU register", addr);
    }
  }
  if (addr >= kIrqBase && addr < kIrqBase + PNM_ADDR_IRQ_SIZE) {
    const uint32_t off = uint32_t(addr - kIrqBase);
    if (off == PNM_IRQ_STATUS_OFFSET) return irq_status();
    if (off == PNM_IRQ_ENABLE_OFFSET) return irq_enable_;
    fault("read of an unmapped IRQ register", addr);
  }
  if (addr >= kBcBase && addr < kBcBase + PNM_ADDR_PNM_BCAST_SIZE) {
    fault("read of the write-only PNM_BCAST window", addr);
  }
  if (addr >= kPnmBase && addr < kPnmBase + PNM_ADDR_PNM_SIZE * PNM_ADDR_PNM_COUNT) {
    const uint64_t u = (addr - kPnmBase) / PNM_ADDR_PNM_SIZE;
    const uint32_t off = uint32_t((addr - kPnmBase) % PNM_ADDR_PNM_SIZE);
    if (u >= opt_.channels) fault("access to a PNM window past the channel count", addr);
    if (off >= PNM_ACT_SRAM_OFFSET) {
      uint32_t v;
      if (!mem_read(addr, &v, 4)) fault("read past the activation SRAM", addr);
      return v;
    }
    return pnm_reg_read(unsigned(u), off);
  }
  if (addr >= kLogic) fault("firmware dereferenced LOGIC_MEM (it must only pass addresses)", addr);
  fault("read of an unmapped address", addr);
}

void FakeChip::write32(uint64_t addr, uint32_t v) {
  ++counters.writes;
  if ((addr & 3) != 0) fault("unaligned write", addr);
  if (addr >= kVuBase && addr < kVuBase + PNM_ADDR_VU_SIZE) {
    const uint32_t off = uint32_t(addr - kVuBase);
    if (vu_busy_) fault("VU register write while an operation runs", addr);
    if (off == PNM_VU_CTRL_OFFSET) {
      if (v & PNM_VU_CTRL_START_MASK) {
        vu_busy_ = true;  // BUSY rises in the START write itself
        vu_done_ = false;
        vu_err_ = 0;
      }
      return;
    }
    if (off >= PNM_VU_OP_OFFSET && off <= PNM_VU_FARG_OFFSET) {
      vu_regs_[off / 4] = v;
      return;
    }
    fault("write to a read-only or unmapped VU register", addr);
  }
  if (addr >= kIrqBase && addr < kIrqBase + PNM_ADDR_IRQ_SIZE) {
    if (addr - kIrqBase == PNM_IRQ_ENABLE_OFFSET) {
      irq_enable_ = v;
      return;
    }
    fault("write to a read-only or unmapped IRQ register", addr);
  }
  if (addr >= kBcBase && addr < kBcBase + PNM_ADDR_PNM_BCAST_SIZE) {
    const uint32_t off = uint32_t(addr - kBcBase);
    if (off >= PNM_ACT_SRAM_OFFSET) {
      if (!mem_write(addr, &v, 4)) fault("write past the activation SRAM", addr);
      return;
    }
    for (unsigned u = 0; u < opt_.channels; ++u) pnm_reg_write(u, off, v);
    if (off == PNM_PNM_CTRL_OFFSET && (v & PNM_PNM_CTRL_PUSH_MASK)) ++job_index_;
    return;
  }
  if (addr >= kPnmBase && addr < kPnmBase + PNM_ADDR_PNM_SIZE * PNM_ADDR_PNM_COUNT) {
    const uint64_t u = (addr - kPnmBase) / PNM_ADDR_PNM_SIZE;
    const uint32_t off = uint32_t((addr - kPnmBase) % PNM_ADDR_PNM_SIZE);
    if (u >= opt_.channels) fault("access to a PNM window past the channel count", addr);
    if (off >= PNM_ACT_SRAM_OFFSET) {
      if (!mem_write(addr, &v, 4)) fault("write past the activation SRAM", addr);
      return;
    }
    pnm_reg_write(unsigned(u), off, v);
    if (off == PNM_PNM_CTRL_OFFSET && (v & PNM_PNM_CTRL_PUSH_MASK)) ++job_index_;
    return;
  }
  if (addr >= kLogic) fault("firmware dereferenced LOGIC_MEM (it must only pass addresses)", addr);
  fault("write to an unmapped address", addr);
}

void FakeChip::wait_irq(uint32_t mask) {
  ++counters.waits;
  if (mask != irq_enable_) {
    throw std::runtime_error("fake chip: wait_irq mask " + hex(mask) + " != IRQ.ENABLE " +
                             hex(irq_enable_) + " (the HAL must write ENABLE first)");
  }
  run_vu();
  run_jobs();
  if ((irq_status() & irq_enable_) == 0) {
    throw std::runtime_error("fake chip: the firmware would hang: waiting for IRQ " +
                             hex(irq_enable_) + " but STATUS stays " + hex(irq_status()));
  }
}

// -------------------------------------------------------------------- PNM --

uint32_t FakeChip::pnm_reg_read(unsigned ui, uint32_t off) const {
  const Unit& u = units_[ui];
  switch (off) {
    case PNM_PNM_CTRL_OFFSET: return 0;
    case PNM_PNM_STATUS_OFFSET:
      return (u.queue.empty() ? 0 : PNM_PNM_STATUS_BUSY_MASK) |
             (u.queue.size() >= opt_.queue_depth ? PNM_PNM_STATUS_FULL_MASK : 0) |
             (u.status_err ? PNM_PNM_STATUS_ERROR_MASK : 0) |
             (u.status_err << PNM_PNM_STATUS_ERR_CODE_LSB);
    case PNM_PNM_ACT_EPOCH_OFFSET: return u.act_epoch;
    case PNM_PNM_JOBS_PUSHED_OFFSET: return u.jobs_pushed;
    case PNM_PNM_JOBS_DONE_OFFSET: return u.jobs_done;
    case PNM_PNM_PAGES_READ_OFFSET:
    case PNM_PNM_RETRIES_OFFSET:
    case PNM_PNM_UNCORRECTABLE_OFFSET: return 0;
    case PNM_PNM_PARAMS_OFFSET:
      return (ui << PNM_PNM_PARAMS_CHANNEL_LSB) | ((opt_.channels - 1) << PNM_PNM_PARAMS_CHANNELS_LSB) |
             (opt_.queue_depth << PNM_PNM_PARAMS_QUEUE_DEPTH_LSB) |
             ((opt_.vectors - 1) << PNM_PNM_PARAMS_VECTORS_LSB);
    default:
      if (is_job_reg(off)) return u.job_regs[off / 4];
      fault("read of an unmapped PNM register", kPnmBase + uint64_t(ui) * PNM_ADDR_PNM_SIZE + off);
  }
}

bool FakeChip::is_job_reg(uint32_t off) {
  return (off >= PNM_PNM_JOB_FLASH_LO_OFFSET && off <= PNM_PNM_JOB_DST_HI_OFFSET) || off == PNM_PNM_JOB_VECS_OFFSET ||
         off == PNM_PNM_JOB_DST_STRIDE_OFFSET;
}

void FakeChip::pnm_reg_write(unsigned ui, uint32_t off, uint32_t v) {
  Unit& u = units_[ui];
  if (is_job_reg(off)) {
    u.job_regs[off / 4] = v;
    return;
  }
  if (off == PNM_PNM_ACT_EPOCH_OFFSET) {
    u.act_epoch = v;
    return;
  }
  if (off == PNM_PNM_CTRL_OFFSET) {
    if (v & PNM_PNM_CTRL_CLEAR_ERR_MASK) u.status_err = 0;
    if (v & PNM_PNM_CTRL_PUSH_MASK) {
      const uint32_t* r = u.job_regs;
      Job j;
      j.flash = uint64_t(r[PNM_PNM_JOB_FLASH_LO_OFFSET / 4]) |
                (uint64_t(r[PNM_PNM_JOB_FLASH_HI_OFFSET / 4]) << 32);
      j.rows = r[PNM_PNM_JOB_ROWS_OFFSET / 4] & PNM_PNM_JOB_ROWS_VALUE_MASK;
      j.cols = r[PNM_PNM_JOB_COLS_OFFSET / 4] & PNM_PNM_JOB_COLS_VALUE_MASK;
      j.act_off = r[PNM_PNM_JOB_ACT_OFF_OFFSET / 4];
      j.epoch = r[PNM_PNM_JOB_EPOCH_OFFSET / 4];
      j.dst = uint64_t(r[PNM_PNM_JOB_DST_LO_OFFSET / 4]) | (uint64_t(r[PNM_PNM_JOB_DST_HI_OFFSET / 4]) << 32);
      j.vecs = r[PNM_PNM_JOB_VECS_OFFSET / 4] & PNM_PNM_JOB_VECS_VALUE_MASK;
      j.dst_stride = r[PNM_PNM_JOB_DST_STRIDE_OFFSET / 4];
      j.fail = int64_t(job_index_) == faults.pnm_job_index && ui == faults.pnm_fail_unit;
      if (u.queue.size() >= opt_.queue_depth) {
        if (!u.status_err) u.status_err = PNM_PNM_ERR_QUEUE_FULL;
      } else if (j.rows == 0) {
        if (!u.status_err) u.status_err = PNM_PNM_ERR_ROWS_ZERO;
      } else if (j.vecs == 0 || j.vecs > opt_.vectors) {
        if (!u.status_err) u.status_err = PNM_PNM_ERR_VECS_RANGE;
      } else {
        u.queue.push_back(j);
        ++u.jobs_pushed;
        if (ui == 0) ++counters.jobs;
      }
    }
    return;
  }
  fault("write to a read-only or unmapped PNM register", kPnmBase + uint64_t(ui) * PNM_ADDR_PNM_SIZE + off);
}

void FakeChip::run_jobs() {
  const uint64_t C = opt_.channels;
  for (uint64_t c = 0; c < C; ++c) {
    Unit& u = units_[c];
    while (!u.queue.empty() && u.queue.front().epoch <= u.act_epoch) {
      const Job j = u.queue.front();
      u.queue.pop_front();
      ++u.jobs_done;
      const uint64_t R = j.rows, K = j.cols;
      const uint64_t rows_c = R / C + (c < R % C ? 1 : 0);
      const uint64_t r0_c = c * (R / C) + std::min(c, R % C);
      if (j.fail) {
        if (!u.status_err) u.status_err = faults.pnm_err_code;
        continue;
      }
      if (uint64_t(j.act_off) + uint64_t(j.vecs) * K > u.act.size()) {
        if (!u.status_err) u.status_err = PNM_PNM_ERR_ACT_RANGE;
        continue;
      }
      if (j.flash + rows_c * K > u.flash.size()) {
        if (!u.status_err) u.status_err = PNM_PNM_ERR_FLASH_RANGE;
        continue;
      }
      bool wrote = true;
      for (uint32_t v = 0; v < j.vecs && wrote; ++v) {
        const int8_t* act = reinterpret_cast<const int8_t*>(u.act.data() + j.act_off + uint64_t(v) * K);
        std::vector<int32_t> acc(rows_c);
        for (uint64_t i = 0; i < rows_c; ++i) {
          const int8_t* w = reinterpret_cast<const int8_t*>(u.flash.data() + j.flash + i * K);
          int32_t s = 0;
          for (uint64_t k = 0; k < K; ++k) s += int32_t(w[k]) * int32_t(act[k]);
          acc[i] = s;
        }
        wrote = rows_c == 0 || mem_write(j.dst + v * j.dst_stride + 4 * r0_c, acc.data(), rows_c * 4);
      }
      if (!wrote && !u.status_err) u.status_err = PNM_PNM_ERR_WRITEBACK;
    }
  }
}

// --------------------------------------------------------------------- VU --

void FakeChip::run_vu() {
  if (!vu_busy_) return;
  const uint64_t idx = counters.vu_ops++;
  const auto reg = [&](uint32_t off) { return vu_regs_[off / 4]; };
  const auto reg64 = [&](uint32_t off_lo) {
    return uint64_t(reg(off_lo)) | (uint64_t(reg(off_lo + 4)) << 32);
  };
  const uint32_t op = reg(PNM_VU_OP_OFFSET) & 0xFF, n = reg(PNM_VU_LEN_OFFSET);
  const uint64_t s0 = reg64(PNM_VU_SRC0_LO_OFFSET), s1 = reg64(PNM_VU_SRC1_LO_OFFSET);
  const uint64_t s2 = reg64(PNM_VU_SRC2_LO_OFFSET), dst = reg64(PNM_VU_DST_LO_OFFSET);
  const uint32_t a0 = reg(PNM_VU_ARG0_OFFSET), a1 = reg(PNM_VU_ARG1_OFFSET);
  const uint32_t a2 = reg(PNM_VU_ARG2_OFFSET), a3 = reg(PNM_VU_ARG3_OFFSET);
  vu_busy_ = false;
  uint32_t err = 0;
  const auto rd = [&](uint64_t a, uint64_t count) {
    std::vector<float> v(count);
    if (!mem_read(a, v.data(), count * 4)) err = PNM_VU_ERR_ADDRESS;
    return v;
  };
  const auto wr = [&](uint64_t a, const void* p, uint64_t bytes) {
    if (!mem_write(a, p, bytes)) err = PNM_VU_ERR_ADDRESS;
  };
  if (int64_t(idx) == faults.vu_op_index) {
    err = faults.vu_err_code;
  } else if (n == 0 && op != PNM_VU_OP_ATTENTION) {
    err = PNM_VU_ERR_BAD_LEN;
  } else {
    switch (op) {
      case PNM_VU_OP_COPY: {
        std::vector<float> v = rd(s0, n);
        if (!err) wr(dst, v.data(), uint64_t(n) * 4);
        break;
      }
      case PNM_VU_OP_RMSNORM: {
        std::vector<float> x = rd(s0, n), w = rd(s1, n), o(n);
        if (err) break;
        model::rmsnorm(o.data(), x.data(), w.data(), int32_t(n));
        wr(dst, o.data(), uint64_t(n) * 4);
        break;
      }
      case PNM_VU_OP_QUANTIZE: {
        std::vector<float> x = rd(s0, n);
        std::vector<int8_t> q(n);
        if (err) break;
        vu_result_ = f2u(model::quantize_vector(x.data(), n, q.data()));
        wr(dst, q.data(), n);
        break;
      }
      case PNM_VU_OP_DEQUANT: {
        std::vector<int32_t> acc(n);
        if (!mem_read(s0, acc.data(), uint64_t(n) * 4)) err = PNM_VU_ERR_ADDRESS;
        std::vector<float> sc = rd(s1, n), o(n);
        if (err) break;
        const float xs = u2f(reg(PNM_VU_FARG_OFFSET));
        for (uint32_t r = 0; r < n; ++r) o[r] = float(acc[r]) * (sc[r] * xs);
        wr(dst, o.data(), uint64_t(n) * 4);
        break;
      }
      case PNM_VU_OP_ROPE: {
        const uint32_t dim = n, kv_dim = a1, hd = a2;
        if (hd == 0 || hd % 2 || dim % hd || kv_dim % hd || kv_dim > dim) {
          err = PNM_VU_ERR_BAD_ARG;
          break;
        }
        std::vector<float> q = rd(dst, dim), k = rd(s0, kv_dim);
        if (err) break;
        model::rope(q.data(), k.data(), int32_t(a0), int32_t(dim), int32_t(kv_dim), int32_t(hd));
        wr(dst, q.data(), uint64_t(dim) * 4);
        wr(s0, k.data(), uint64_t(kv_dim) * 4);
        break;
      }
      case PNM_VU_OP_ATTENTION: {
        const uint32_t pos = a0, nh = a1, nkv = a2, hd = a3;
        if (nh == 0 || nkv == 0 || nh % nkv || hd == 0) {
          err = PNM_VU_ERR_BAD_ARG;
          break;
        }
        const uint64_t kvd = uint64_t(nkv) * hd;
        std::vector<float> q = rd(s0, uint64_t(nh) * hd), k = rd(s1, (pos + 1) * kvd),
                           v = rd(s2, (pos + 1) * kvd), o(uint64_t(nh) * hd), att(pos + 1);
        if (err) break;
        model::attention(o.data(), q.data(), k.data(), v.data(), att.data(), int32_t(pos),
                         int32_t(nh), int32_t(nkv), int32_t(hd));
        wr(dst, o.data(), o.size() * 4);
        break;
      }
      case PNM_VU_OP_ADD:
      case PNM_VU_OP_SILU_MUL: {
        std::vector<float> a = rd(s0, n), b = rd(s1, n), o(n);
        if (err) break;
        for (uint32_t i = 0; i < n; ++i) {
          o[i] = op == PNM_VU_OP_ADD ? a[i] + b[i] : model::silu_mul(a[i], b[i]);
        }
        wr(dst, o.data(), uint64_t(n) * 4);
        break;
      }
      case PNM_VU_OP_ARGMAX: {
        std::vector<float> x = rd(s0, n);
        if (err) break;
        vu_result_ = uint32_t(model::argmax(x.data(), int32_t(n)));
        break;
      }
      default:
        err = PNM_VU_ERR_BAD_OP;
    }
  }
  vu_err_ = err;
  vu_done_ = err == 0;
}

}  // namespace pnm::test
