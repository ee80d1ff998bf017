#include "tlm/pnm/mve_target.hpp"

#include "tlm/common/sim_time.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pnm::mve {

namespace {
namespace R = regs::mve;

class CommandRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
}  // namespace

MveTarget::MveTarget(sc_core::sc_module_name name, const MveConfig& cfg,
                     std::unique_ptr<Engine> engine)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      cfg_(cfg),
      engine_(std::move(engine)),
      regs_(std::string(this->name()) + ".regs", R::REGISTERS),
      clk_(sc_core::sc_time(static_cast<double>(cfg.clk_period_ps), sc_core::SC_PS)) {
  if (!engine_) throw std::invalid_argument(std::string(this->name()) + ": no engine");
  const uint64_t act_bytes = uint64_t{engine_->params().vectors} * engine_->params().max_cols;
  if (act_bytes > TargetMap::ACT_SIZE) {
    throw std::invalid_argument(std::string(this->name()) + ": vectors " +
                                std::to_string(engine_->params().vectors) + " x max_cols " +
                                std::to_string(engine_->params().max_cols) + " = " + std::to_string(act_bytes) +
                                " bytes exceed the ACT window (" + std::to_string(TargetMap::ACT_SIZE) + ")");
  }
  act_.assign(act_bytes, 0);
  tgt_socket.register_b_transport(this, &MveTarget::b_transport);
  tgt_socket.register_transport_dbg(this, &MveTarget::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &MveTarget::get_direct_mem_ptr);
  wire_registers();
}

void MveTarget::wire_registers() {
  const Params& p = engine_->params();
  regs_.set(R::PARAMS::OFFSET, regs::set<R::PARAMS::MAX_COLS>(
                                   regs::set<R::PARAMS::LANES>(0, p.lanes), p.max_cols));
  regs_.set(R::PARAMS2::OFFSET, regs::set<R::PARAMS2::VECTORS>(0, p.vectors));
  // Like the RTL: ROWS/COLS/VECS keep only their field, and a write while a
  // job waits for weights is ignored (the bank has already stored it: restore).
  regs_.on_write(R::ROWS::OFFSET, [this](uint32_t v) {
    if (!busy_) rows_ = regs::get<R::ROWS::VALUE>(v);
    regs_.set(R::ROWS::OFFSET, rows_);
  });
  regs_.on_write(R::COLS::OFFSET, [this](uint32_t v) {
    if (!busy_) cols_ = regs::get<R::COLS::VALUE>(v);
    regs_.set(R::COLS::OFFSET, cols_);
  });
  regs_.on_write(R::VECS::OFFSET, [this](uint32_t v) {
    if (!busy_) vecs_ = regs::get<R::VECS::VALUE>(v);
    regs_.set(R::VECS::OFFSET, vecs_);
  });
  regs_.on_write(R::CTRL::OFFSET, [this](uint32_t v) { start(v); });
  regs_.on_read(R::STATUS::OFFSET, [this]() {
    return regs::set<R::STATUS::BUSY>(regs_.value(R::STATUS::OFFSET), busy_ ? 1 : 0);
  });
}

uint64_t MveTarget::now_ps(const sc_core::sc_time& delay) const {
  return to_ps(sc_core::sc_time_stamp() + delay);
}

void MveTarget::start(uint32_t ctrl) {
  if (!regs::get<R::CTRL::START>(ctrl)) return;
  if (busy_) throw CommandRefused("START while a job waits for weights");
  Job job;
  job.id = next_id_++;
  job.rows = regs_.value(R::ROWS::OFFSET);
  job.cols = regs_.value(R::COLS::OFFSET);
  job.vectors = regs_.value(R::VECS::OFFSET);
  job.skip_act = regs::get<R::CTRL::SKIP_ACT>(ctrl) != 0;
  job.act = act_.data();
  job.issue_time_ps = now_ps(delay_ ? *delay_ : sc_core::SC_ZERO_TIME);
  regs_.set(R::STATUS::OFFSET, 0);
  regs_.set(R::ROWS_DONE::OFFSET, 0);

  if (check_job(engine_->params(), job, act_cols_, act_vecs_) != Err::NONE) {
    // Rejected at START: the engine sees it too (no weights), so a shadow
    // pair compares the rejection.
    sc_core::sc_time none = sc_core::SC_ZERO_TIME;
    finish_job(run_engine(job, delay_ ? *delay_ : none), job.vectors);
    return;
  }
  pending_ = job;
  weights_.clear();
  weights_.reserve(uint64_t{job.rows} * job.cols);
  busy_ = true;
}

void MveTarget::finish_job(const Result& r, uint32_t vectors) {
  ++stats_.jobs;
  uint32_t status = regs::set<R::STATUS::DONE>(0, 1);
  if (r.status != Err::NONE) {
    status = regs::set<R::STATUS::ERROR>(status, 1);
    status = regs::set<R::STATUS::ERR_CODE>(status, static_cast<uint32_t>(r.status));
  }
  if (r.status != Err::NONE && r.status != Err::STRB) {
    ++stats_.rejected;
  }
  regs_.set(R::STATUS::OFFSET, status);
  regs_.set(R::CYCLES::OFFSET, static_cast<uint32_t>(r.cycles));
  // ROWS_DONE counts result beats: one per row, carrying all n vectors.
  regs_.set(R::ROWS_DONE::OFFSET, static_cast<uint32_t>(vectors == 0 ? 0 : r.out.size() / vectors));
  results_ = r.out;
  stats_.cycles += r.cycles;
}

void MveTarget::write_weights(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!busy_) {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const uint64_t need = uint64_t{pending_.rows} * pending_.cols - weights_.size();
  if (p.get_data_length() > need) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const auto* src = reinterpret_cast<const int8_t*>(p.get_data_ptr());
  weights_.insert(weights_.end(), src, src + p.get_data_length());
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  if (p.get_data_length() < need) return;

  busy_ = false;
  pending_.weights = weights_.data();
  const Result r = run_engine(pending_, delay);
  if ((r.status == Err::NONE || r.status == Err::STRB) && !pending_.skip_act) {
    act_cols_ = pending_.cols;
    act_vecs_ = pending_.vectors;
  }
  if (r.status == Err::NONE || r.status == Err::STRB) {
    stats_.macs += uint64_t{pending_.rows} * pending_.cols * pending_.vectors;
  }
  finish_job(r, pending_.vectors);
}

Result MveTarget::run_engine(const Job& job, sc_core::sc_time& delay) {
  if (!engine_->advances_time()) {
    Result r = engine_->run(job);
    delay += clk_ * static_cast<double>(r.cycles);
    return r;
  }
  sc_core::wait(delay);
  delay = sc_core::SC_ZERO_TIME;
  return engine_->run(job);
}

bool MveTarget::access_buffer(tlm::tlm_generic_payload& p) {
  const uint64_t addr = p.get_address();
  const uint64_t len = p.get_data_length();
  unsigned char* data = p.get_data_ptr();
  // memcpy with a null pointer is undefined even for 0 bytes (results_ is
  // empty before the first job; a 0-length payload may carry no data).
  auto copy = [len](unsigned char* to, const unsigned char* from) {
    if (len != 0) std::memcpy(to, from, len);
  };
  if (addr >= TargetMap::ACT_BASE && addr - TargetMap::ACT_BASE + len <= act_.size()) {
    auto* mem = reinterpret_cast<unsigned char*>(act_.data()) + (addr - TargetMap::ACT_BASE);
    if (p.is_write()) copy(mem, data);
    if (p.is_read()) copy(data, mem);
    return true;
  }
  if (addr >= TargetMap::RES_BASE && p.is_read() &&
      addr - TargetMap::RES_BASE + len <= std::min<uint64_t>(results_.size() * sizeof(int32_t), TargetMap::RES_SIZE)) {
    copy(data, reinterpret_cast<const unsigned char*>(results_.data()) + (addr - TargetMap::RES_BASE));
    return true;
  }
  return false;
}

void MveTarget::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const uint64_t addr = p.get_address();
  if (p.get_byte_enable_ptr() != nullptr) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (addr < TargetMap::REG_BASE + TargetMap::REG_SIZE) {
    // Callbacks that refuse (START while busy) throw; the bank turns that
    // into TLM_GENERIC_ERROR_RESPONSE.
    delay_ = &delay;
    regs_.transport(p);
    delay_ = nullptr;
    delay += clk_;
    return;
  }
  if (addr >= TargetMap::W_BASE && addr < TargetMap::W_BASE + TargetMap::W_SIZE) {
    if (!p.is_write()) {
      p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    write_weights(p, delay);
    return;
  }
  if (access_buffer(p)) {
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    if (p.get_address() >= TargetMap::ACT_BASE && p.get_address() < TargetMap::W_BASE) {
      p.set_dmi_allowed(true);
    }
    return;
  }
  const bool in_results = addr >= TargetMap::RES_BASE && addr < TargetMap::RES_BASE + TargetMap::RES_SIZE;
  p.set_response_status(in_results && p.is_write() ? tlm::TLM_COMMAND_ERROR_RESPONSE
                                                   : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

unsigned MveTarget::transport_dbg(tlm::tlm_generic_payload& p) {
  if (p.get_address() < TargetMap::REG_BASE + TargetMap::REG_SIZE) return regs_.debug(p);
  if (access_buffer(p)) {
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return p.get_data_length();
  }
  p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  return 0;
}

bool MveTarget::get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  const uint64_t addr = p.get_address();
  if (addr < TargetMap::ACT_BASE || addr >= TargetMap::ACT_BASE + act_.size()) return false;
  dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(act_.data()));
  dmi.set_start_address(TargetMap::ACT_BASE);
  dmi.set_end_address(TargetMap::ACT_BASE + act_.size() - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(sc_core::SC_ZERO_TIME);
  dmi.set_write_latency(sc_core::SC_ZERO_TIME);
  return true;
}

}  // namespace pnm::mve
