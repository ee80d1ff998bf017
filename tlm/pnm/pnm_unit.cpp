#include "tlm/pnm/pnm_unit.hpp"

#include "tlm/common/fast_div.hpp"
#include "tlm/common/sim_time.hpp"
#include "tlm/common/trace.hpp"
#include "tlm/common/zero_data_extension.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include <tlm_utils/tlm_quantumkeeper.h>

namespace pnm::pnmu {

namespace {
namespace R = regs::pnm;
using Err = regs::pnm::err;
constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

}  // namespace

PnmUnit::PnmUnit(sc_core::sc_module_name name, const PnmConfig& cfg, unsigned channel,
                 unsigned channels, const pnm::flash::FlashConfig& flash,
                 std::unique_ptr<pnm::mve::Engine> engine)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      init_socket("init_socket"),
      flash_socket("flash_socket"),
      idle_o("idle_o"),
      error_o("error_o"),
      cfg_(cfg),
      channel_(channel),
      channels_(channels),
      flash_(flash),
      engine_(std::move(engine)),
      regs_(std::string(this->name()) + ".regs", R::REGISTERS),
      clk_ps_(cfg.mve.clk_period_ps),
      page_(flash.page_size_bytes) {
  const std::string me = this->name();
  if (!engine_) throw std::invalid_argument(me + ": no engine");
  if (engine_->advances_time())
    throw std::invalid_argument(me + ": engine '" + std::string(engine_->kind()) +
                                "' advances SystemC time itself; the PNM unit needs a fast-path "
                                "engine (tlm, rtl or shadow from mve::make_engine)");
  if (channels == 0 || channels > regs::addr::PNM_COUNT || channel >= channels)
    throw std::invalid_argument(me + ": channel " + std::to_string(channel) + " of " +
                                std::to_string(channels) + " (allowed: channel < channels <= " +
                                std::to_string(regs::addr::PNM_COUNT) + ")");
  if (cfg.act_sram_bytes == 0 || cfg.act_sram_bytes > regs::addr::ACT_SRAM_MAX_BYTES)
    throw std::invalid_argument(me + ": act_sram_bytes " + std::to_string(cfg.act_sram_bytes) +
                                " outside [1, ACT_SRAM_MAX_BYTES]");
  if (cfg.queue_depth == 0 || cfg.flash_queue_depth == 0 || clk_ps_ == 0 || page_ == 0)
    throw std::invalid_argument(me + ": queue_depth, flash_queue_depth, mve clock and page size "
                                     "must be positive");
  sram_.assign(cfg.act_sram_bytes, 0);
  slots_ = static_cast<uint32_t>(
      std::min<uint64_t>(std::max<uint64_t>(2, cfg.readahead_bytes / page_), 1u << 30));
  if (cfg_.stream) {
    slot_runs_.push(slots_, 0, 0);
  } else {
    slot_free_ps_.assign(slots_, 0);
  }
  scratch_.assign(page_, 0);
  if (cfg_.placement == Placement::InDie) in_die_ = std::make_unique<InDieArray>(flash, cfg_.in_die);
  epochs_.emplace_back(0, 0);  // ACT_EPOCH resets to 0 at time 0

  // Built once: `push_ev_ | epoch_ev_` in each wait builds (allocates) a
  // list every time the thread sleeps.
  wake_events_ |= push_ev_;
  wake_events_ |= epoch_ev_;
  tgt_socket.register_b_transport(this, &PnmUnit::b_transport);
  tgt_socket.register_transport_dbg(this, &PnmUnit::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &PnmUnit::get_direct_mem_ptr);
  wire_registers();

  SC_HAS_PROCESS(PnmUnit);
  SC_THREAD(thread);
  SC_METHOD(update_outputs);
  sensitive << out_ev_;
}

PnmUnit::~PnmUnit() { fgp_.clear_extension(&fext_); }

// ---------------------------------------------------------------------------
// Registers and the target socket
// ---------------------------------------------------------------------------

void PnmUnit::wire_registers() {
  uint32_t params = regs::set<R::PARAMS::CHANNEL>(0, channel_);
  params = regs::set<R::PARAMS::CHANNELS>(params, channels_ - 1);
  params = regs::set<R::PARAMS::QUEUE_DEPTH>(params, std::min(cfg_.queue_depth, 255u));
  params = regs::set<R::PARAMS::VECTORS>(params, std::min(engine_->params().vectors, 256u) - 1);
  regs_.set(R::PARAMS::OFFSET, params);
  regs_.on_read(R::STATUS::OFFSET, [this]() { return status(); });
  regs_.on_read(R::JOBS_PUSHED::OFFSET, [this]() { return static_cast<uint32_t>(n_.jobs_pushed); });
  regs_.on_read(R::JOBS_DONE::OFFSET, [this]() { return static_cast<uint32_t>(n_.jobs_done); });
  regs_.on_read(R::PAGES_READ::OFFSET, [this]() { return static_cast<uint32_t>(n_.pages_read); });
  regs_.on_read(R::RETRIES::OFFSET, [this]() { return static_cast<uint32_t>(n_.retries); });
  regs_.on_read(R::UNCORRECTABLE::OFFSET,
                [this]() { return static_cast<uint32_t>(n_.uncorrectable_pages); });
  regs_.on_write(R::CTRL::OFFSET, [this](uint32_t v) {
    if (regs::get<R::CTRL::CLEAR_ERR>(v)) {
      error_ = false;
      err_code_ = 0;
      out_ev_.notify(sc_core::SC_ZERO_TIME);
    }
    if (regs::get<R::CTRL::PUSH>(v)) push();
  });
  regs_.on_write(R::ACT_EPOCH::OFFSET, [this](uint32_t v) { write_epoch(v); });
}

uint32_t PnmUnit::status() const {
  uint32_t s = regs::set<R::STATUS::BUSY>(0, jobs_.empty() ? 0 : 1);
  s = regs::set<R::STATUS::FULL>(s, jobs_.size() >= cfg_.queue_depth ? 1 : 0);
  s = regs::set<R::STATUS::ERROR>(s, error_ ? 1 : 0);
  return regs::set<R::STATUS::ERR_CODE>(s, err_code_);
}

uint64_t PnmUnit::reg_time_ps() const {
  return to_ps(sc_core::sc_time_stamp() + (delay_ ? *delay_ : sc_core::SC_ZERO_TIME));
}

void PnmUnit::set_error(Err code) {
  if (!error_) err_code_ = static_cast<uint32_t>(code);
  error_ = true;
  out_ev_.notify(sc_core::SC_ZERO_TIME);
}

void PnmUnit::write_epoch(uint32_t v) {
  if (v > epochs_.back().first) {
    epochs_.emplace_back(v, std::max(reg_time_ps(), epochs_.back().second));
    epoch_ev_.notify(sc_core::SC_ZERO_TIME);
  }
}

bool PnmUnit::gate_time(uint32_t epoch, uint64_t& t) const {
  // epochs_ is increasing in value and time: the first record >= epoch.
  auto it = std::lower_bound(epochs_.begin(), epochs_.end(), epoch,
                             [](const auto& rec, uint32_t e) { return rec.first < e; });
  if (it == epochs_.end()) return false;
  t = it->second;
  return true;
}

void PnmUnit::push() {
  Job j;
  j.flash = (uint64_t{regs_.value(R::JOB_FLASH_HI::OFFSET)} << 32) | regs_.value(R::JOB_FLASH_LO::OFFSET);
  j.dst = (uint64_t{regs_.value(R::JOB_DST_HI::OFFSET)} << 32) | regs_.value(R::JOB_DST_LO::OFFSET);
  j.rows = regs::get<R::JOB_ROWS::VALUE>(regs_.value(R::JOB_ROWS::OFFSET));
  j.cols = regs::get<R::JOB_COLS::VALUE>(regs_.value(R::JOB_COLS::OFFSET));
  j.act_off = regs_.value(R::JOB_ACT_OFF::OFFSET);
  j.epoch = regs_.value(R::JOB_EPOCH::OFFSET);
  j.vecs = regs::get<R::JOB_VECS::VALUE>(regs_.value(R::JOB_VECS::OFFSET));
  j.dst_stride = regs_.value(R::JOB_DST_STRIDE::OFFSET);
  j.push_ps = reg_time_ps();

  if (j.rows == 0) return set_error(Err::ROWS_ZERO), void(++n_.jobs_rejected);
  if (j.cols == 0 || j.cols > engine_->params().max_cols)
    return set_error(Err::COLS_RANGE), void(++n_.jobs_rejected);
  if (j.vecs == 0 || j.vecs > engine_->params().vectors)
    return set_error(Err::VECS_RANGE), void(++n_.jobs_rejected);
  if (uint64_t{j.act_off} + uint64_t{j.vecs} * j.cols > cfg_.act_sram_bytes)
    return set_error(Err::ACT_RANGE), void(++n_.jobs_rejected);
  const uint64_t reserve = reserved_bytes(j.rows, j.cols, channels_, page_);
  if (j.flash % page_ != 0 || j.flash > flash_.bytes_per_channel() ||
      reserve > flash_.bytes_per_channel() - j.flash)
    return set_error(Err::FLASH_RANGE), void(++n_.jobs_rejected);
  if (jobs_.size() >= cfg_.queue_depth) return set_error(Err::QUEUE_FULL), void(++n_.jobs_rejected);

  n_.first_push_ps = std::min(n_.first_push_ps, j.push_ps);
  ++n_.jobs_pushed;
  j.rows_c = rows_of_channel(j.rows, channel_, channels_);
  j.r0_c = first_row_of_channel(j.rows, channel_, channels_);
  if (j.rows_c == 0) {  // nothing of this matrix lives here: done at once
    ++n_.jobs_done;
    ++n_.jobs_empty;
    n_.last_done_ps = std::max(n_.last_done_ps, j.push_ps);
    done_ev_.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  j.bytes = uint64_t{j.rows_c} * j.cols;
  j.pages = static_cast<uint32_t>((j.bytes + page_ - 1) / page_);
  if (!cfg_.stream) j.ready_ps.assign(j.pages, 0);
  j.seq = next_seq_++;
  const bool was_idle = jobs_.empty();
  jobs_.push_back(std::move(j));
  push_ev_.notify(sc_core::SC_ZERO_TIME);
  if (was_idle) out_ev_.notify(sc_core::SC_ZERO_TIME);
}

tlm::tlm_response_status PnmUnit::sram_access(tlm::tlm_generic_payload& p) {
  const uint64_t addr = p.get_address();
  const uint64_t len = p.get_data_length();
  constexpr uint64_t base = regs::addr::ACT_SRAM_OFFSET;
  if (addr < base || addr - base > sram_.size() || len > sram_.size() - (addr - base))
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (p.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (p.get_streaming_width() != 0 && p.get_streaming_width() < len)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  if (len != 0 && p.get_data_ptr() == nullptr) return tlm::TLM_GENERIC_ERROR_RESPONSE;
  uint8_t* mem = sram_.data() + (addr - base);
  if (p.is_write()) {
    // Zeros onto an SRAM of zeros change nothing (a timing-only vector
    // unit's broadcasts: 7% of a 70B stream-mode decode was this copy).
    if (sram_zero_ && p.get_extension<pnm::ZeroDataExtension>()) return tlm::TLM_OK_RESPONSE;
    std::memcpy(mem, p.get_data_ptr(), len);
    sram_zero_ = false;
  } else if (p.is_read()) {
    std::memcpy(p.get_data_ptr(), mem, len);
  }
  return tlm::TLM_OK_RESPONSE;
}

void PnmUnit::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const uint64_t addr = p.get_address();
  if (addr < regs::addr::ACT_SRAM_OFFSET) {
    // The bank answers unmapped offsets below 0x100 and everything up to the
    // SRAM with TLM_ADDRESS_ERROR_RESPONSE.
    delay_ = &delay;
    regs_.transport(p);
    delay_ = nullptr;
    return;
  }
  p.set_response_status(sram_access(p));
  if (p.is_response_ok()) p.set_dmi_allowed(true);
}

unsigned PnmUnit::transport_dbg(tlm::tlm_generic_payload& p) {
  if (p.get_address() < regs::addr::ACT_SRAM_OFFSET) return regs_.debug(p);
  p.set_response_status(sram_access(p));
  return p.is_response_ok() ? p.get_data_length() : 0;
}

bool PnmUnit::get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  constexpr uint64_t base = regs::addr::ACT_SRAM_OFFSET;
  const uint64_t addr = p.get_address();
  if (addr < base || addr - base >= sram_.size()) {
    // Deny, and describe the hole: [0, SRAM) holds the registers.
    dmi.set_start_address(addr < base ? 0 : base + sram_.size());
    dmi.set_end_address(addr < base ? base - 1 : std::numeric_limits<uint64_t>::max());
    return false;
  }
  sram_zero_ = false;  // a DMI initiator writes where sram_access cannot see
  dmi.set_dmi_ptr(sram_.data());
  dmi.set_start_address(base);
  dmi.set_end_address(base + sram_.size() - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(sc_core::SC_ZERO_TIME);
  dmi.set_write_latency(sc_core::SC_ZERO_TIME);
  return true;
}

void PnmUnit::update_outputs() {
  idle_o.write(jobs_.empty());
  error_o.write(error_);
}

// ---------------------------------------------------------------------------
// The controller: one thread, analytic timing
// ---------------------------------------------------------------------------

void PnmUnit::thread() {
  // Stream mode computes a job to its end before it syncs: its times do not
  // depend on when the thread wakes (see the header), and a batch is many
  // quanta long, so a wake per quantum would cost more than the batches.
  quantum_ps_ = cfg_.stream ? 0 : to_ps(tlm_utils::tlm_quantumkeeper::get_global_quantum());
  for (;;) {
    const uint64_t now = to_ps(sc_core::sc_time_stamp());
    uint64_t wake = kNever;
    while (step(now, wake)) {
    }
    if (wake == kNever) {
      sc_core::wait(wake_events_);
    } else {
      sc_core::wait(pnm::ps_time(wake - now), wake_events_);
    }
  }
}

// One pass over everything that can be done at kernel time `now`. Returns
// true when something changed (call again); `wake` gets the earliest kernel
// time at which a blocked activity can go on.
bool PnmUnit::step(uint64_t now, uint64_t& wake) {
  wake = kNever;
  bool progress = false;
  // 1. Write-back and retirement, in order, at the kernel time they happen.
  while (!jobs_.empty()) {
    Job& f = jobs_.front();
    if (f.state == JobState::Computed) {
      if (f.end_ps > now) {
        wake = std::min(wake, f.end_ps);
        break;
      }
      write_back(f, now);
      progress = true;
    }
    if (f.state == JobState::WritingBack) {
      if (f.wb_done_ps > now) {
        wake = std::min(wake, f.wb_done_ps);
        break;
      }
      retire(f);
      if (reading_ == &f) reading_ = nullptr;
      jobs_.pop_front();
      progress = true;
      continue;
    }
    break;
  }
  // ACT_EPOCH records older than every job still to start can go: a gate at
  // or before the job's push time gives the same start time.
  if (epochs_.size() > 64) {
    const uint64_t horizon = jobs_.empty() ? now : std::min(now, jobs_.front().push_ps);
    size_t k = 0;
    while (k + 1 < epochs_.size() && epochs_[k + 1].second <= horizon) ++k;
    if (k > 32) epochs_.erase(epochs_.begin(), epochs_.begin() + static_cast<std::ptrdiff_t>(k));
  }
  // 2. The MVE, as far as activations and the look-ahead allow; it pulls the
  //    page reads it needs.
  uint64_t mve_wake = kNever;
  if (advance_mve(now, mve_wake)) progress = true;
  wake = std::min(wake, mve_wake);
  // 3. Read ahead: every page a free buffer slot allows.
  while (issue(now)) progress = true;
  return progress;
}

bool PnmUnit::advance_mve(uint64_t now, uint64_t& wake) {
  const pnm::mve::Params& mp = engine_->params();
  bool progress = false;
  for (Job& j : jobs_) {
    if (j.state == JobState::Computed || j.state == JobState::WritingBack) continue;
    const uint64_t row_ps = pnm::mve::beats_per_row(mp, j.cols) * clk_ps_;
    if (j.state == JobState::Queued) {
      uint64_t gate = 0;
      if (!gate_time(j.epoch, gate)) return progress;  // wait for ACT_EPOCH
      const uint64_t ready = std::max(mve_free_ps_, j.push_ps);
      j.start_ps = std::max(ready, gate);
      n_.mve_wait_act_ps += j.start_ps - ready;
      if (cfg_.functional) {
        const auto first = sram_.begin() + j.act_off;
        j.act.assign(first, first + static_cast<std::ptrdiff_t>(uint64_t{j.vecs} * j.cols));
      }
      j.t_ps = j.start_ps + j.vecs * row_ps;  // activation load: n x B beats
      j.state = JobState::Running;
      progress = true;
      if (in_die_) {
        run_in_die(j);
        continue;
      }
    }
    // Weight beats per row (rows padded to whole beats of `lanes` bytes).
    const uint64_t beats_row = pnm::mve::beats_per_row(mp, j.cols);
    // Page mode divides by both once a page: exact multiply-and-correct
    // instead of two 64-bit divisions.
    const pnm::Divisor cols_d(j.cols), lanes_d(mp.lanes);
    while (j.page_cursor < j.pages) {
      if (quantum_ps_ != 0 && j.t_ps > now + quantum_ps_) {
        // Sync like a quantum keeper: sleep until the kernel has caught up
        // with the MVE, then compute the next quantum. (Waking one quantum
        // *before* the MVE, as this did, resumed after every page: ~100 k
        // thread switches per unit and token, half the wall time of a
        // timing-only decode.) The computed times do not depend on when the
        // thread wakes: slot frees and page issues stay >= the kernel time.
        wake = j.t_ps;
        return progress;
      }
      while (j.pages_issued <= j.page_cursor) {
        if (!issue(now)) {
          // Cannot happen with >= 2 slots: page k's slot is freed by page
          // k - 2, which frees after the first beat of page k - 1 (stream
          // mode: a batch frees all its slots when consumed).
          throw std::logic_error(std::string(name()) + ": read-ahead deadlock");
        }
      }
      if (cfg_.stream) {
        consume_batch(j, beats_row);
        progress = true;
        continue;
      }
      const uint32_t pc = j.page_cursor;
      if (j.ready_ps[pc] > j.t_ps) {
        n_.mve_wait_flash_ps += j.ready_ps[pc] - j.t_ps;
        j.t_ps = j.ready_ps[pc];
      }
      const uint64_t end = std::min<uint64_t>(uint64_t{pc} * page_ + page_, j.bytes);
      // beats_before(end), with one division; beats_before(begin) is the
      // previous page's.
      const uint64_t row = cols_d.div(end), col = end - row * j.cols;
      const uint64_t col_beats = lanes_d.div(col);
      const uint64_t bb_end = row * beats_row + col_beats;
      const uint64_t beats = bb_end - j.beats_before_cursor;  // beats ending in this page
      j.beats_before_cursor = bb_end;
      // A beat that straddles into this page was the last use of the
      // previous page: that page frees after this page's first beat.
      if (j.pages_freed < pc && beats > 0) {
        free_slot(j.t_ps + clk_ps_);
        ++j.pages_freed;
      }
      j.t_ps += beats * clk_ps_;
      // This page frees now if its last byte ends a beat (or the stripe):
      // beats_before(end) > beats_before(end - 1) exactly when end's column
      // is a multiple of the lanes (0 included).
      if (end == j.bytes || col == col_beats * mp.lanes) {
        free_slot(j.t_ps);
        ++j.pages_freed;
      }
      j.rows_done = static_cast<uint32_t>(row);
      ++j.page_cursor;
      progress = true;
    }
    finish_job(j);
    progress = true;
  }
  return progress;
}

// Runs the engine on the job's tile and activation snapshot (functional
// units); `cycles` gets the engine's count when it succeeds. An engine that
// fails (a shadow mismatch, an RTL that does not finish) fails the job with
// ERR_CODE MVE; the message is kept for the report. Nothing may escape the
// SC_THREAD.
void PnmUnit::run_engine(Job& j, uint64_t& cycles) {
  pnm::mve::Job mj;
  mj.id = j.seq;
  mj.rows = j.rows_c;
  mj.cols = j.cols;
  mj.vectors = j.vecs;
  mj.act = j.act.data();
  mj.weights = j.tile.data();
  mj.issue_time_ps = j.start_ps;
  try {
    pnm::mve::Result r = engine_->run(mj);
    if (r.status != pnm::mve::Err::NONE && r.status != pnm::mve::Err::STRB) {
      j.mve_error = true;
      if (engine_error_.empty()) {
        engine_error_ = "job " + std::to_string(j.seq) + ": MVE rejected it (err " +
                        std::to_string(static_cast<unsigned>(r.status)) + ")";
      }
    } else {
      j.out = std::move(r.out);
      cycles = r.cycles;
    }
  } catch (const std::exception& e) {
    j.mve_error = true;
    if (engine_error_.empty()) engine_error_ = "job " + std::to_string(j.seq) + ": " + e.what();
  }
  j.tile = {};
  j.act = {};
}

void PnmUnit::finish_job(Job& j) {
  const pnm::mve::Params& mp = engine_->params();
  uint64_t cycles = pnm::mve::job_cycles(mp, j.rows_c, j.cols, false, j.vecs);
  if (cfg_.functional) run_engine(j, cycles);
  // The row stream took B * rows_c cycles after the n x B-beat activation
  // load; the rest of the engine's count follows the last row.
  const uint64_t b = pnm::mve::beats_per_row(mp, j.cols);
  const uint64_t streamed = b * (uint64_t{j.rows_c} + j.vecs);
  j.end_ps = j.t_ps + (cycles > streamed ? cycles - streamed : 0) * clk_ps_;
  mve_free_ps_ = j.end_ps;
  n_.mve_cycles += cycles;
  n_.mve_busy_ps += cycles * clk_ps_;
  n_.rows += j.rows_c;
  n_.macs += j.bytes * j.vecs;
  j.ready_ps = {};
  j.state = JobState::Computed;
}

// Placement in_die: the whole job on the in-die units (InDieArray); the
// engine computes the values (functional) from the stripe read with
// transport_dbg, as one job, which equals the sum of the in-die partials.
void PnmUnit::run_in_die(Job& j) {
  InDieJob ij;
  ij.flash = j.flash;
  ij.bytes = j.bytes;
  ij.cols = j.cols;
  ij.vecs = j.vecs;
  ij.push_ps = j.push_ps;
  ij.start_ps = j.start_ps;
  j.end_ps = std::max(in_die_->run(ij), j.start_ps);
  if (cfg_.functional) {
    j.tile.assign(j.bytes, 0);
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(j.flash);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(j.tile.data()));
    gp.set_data_length(static_cast<unsigned>(j.bytes));
    gp.set_streaming_width(static_cast<unsigned>(j.bytes));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (flash_socket->transport_dbg(gp) != j.bytes) {
      j.flash_error = true;
      ++n_.flash_errors;
    }
    uint64_t cycles = 0;  // the in-die units' time is in_die_'s
    run_engine(j, cycles);
  }
  n_.pages_read += j.pages;
  n_.bytes_read += j.bytes;
  n_.rows += j.rows_c;
  n_.macs += j.bytes * j.vecs;
  mve_free_ps_ = j.end_ps;
  j.t_ps = j.end_ps;
  j.page_cursor = j.pages;
  j.state = JobState::Computed;
}

void PnmUnit::free_slot(uint64_t t_ps) {
  // More free slots than slots is a bookkeeping bug; a full ring would
  // silently overwrite its oldest entry instead.
  if (slot_free_ps_.full()) throw std::logic_error(std::string(name()) + ": buffer slot freed twice");
  slot_free_ps_.push_back(t_ps);
}

PnmUnit::Job* PnmUnit::job_to_read() {
  if (free_slots() == 0) return nullptr;
  // The job being read, kept across calls: a deque lookup is a map walk (a
  // Job fills a deque node of its own), and the job stays in the deque (its
  // reference valid) until retired, long after its last page is issued.
  if (reading_ && reading_->pages_issued != reading_->pages) return reading_;
  if (jobs_.empty()) return nullptr;
  // Else the first one (in order) with pages left.
  const uint64_t base = jobs_.front().seq;
  if (issue_seq_ < base) issue_seq_ = base;
  for (; issue_seq_ - base < jobs_.size(); ++issue_seq_) {
    Job& j = jobs_[issue_seq_ - base];
    if (j.pages_issued != j.pages) return reading_ = &j;
  }
  return nullptr;
}

// Issue time of the next page: after the previous issue (`last`), the job's
// push, a free controller queue entry (`ctrl`) and a free buffer slot.
// `stall` receives the time it waits for the slot alone.
uint64_t PnmUnit::issue_time(const Job& j, uint64_t slot, uint64_t ctrl, uint64_t now,
                             uint64_t last, uint64_t& stall) {
  const uint64_t other = std::max({last, ctrl, j.push_ps});
  uint64_t issue = std::max(other, slot);
  stall = slot > other ? slot - other : 0;
  if (issue < now) {
    ++n_.late_issues;
    issue = now;
  }
  return issue;
}

// Counts `pages` reads issued evenly from issue_first to issue_last and
// completing evenly from done_first to done_last (one page: first == last).
// Busy = the union of the reads' [issue, done]; issues never go backwards.
// When the issues are further apart than a read takes, the intervals of a
// batch do not touch.
void PnmUnit::note_read(uint64_t issue_first, uint64_t issue_last, uint64_t done_first,
                        uint64_t done_last, uint64_t pages, uint64_t bytes) {
  n_.pages_read += pages;
  n_.bytes_read += bytes;
  const uint64_t lat = (done_first - issue_first + done_last - issue_last) / 2;
  if (pages > 1 && pnm::div_floor(issue_last - issue_first, pages - 1) >= lat) {
    const uint64_t overlap =
        flash_covered_ps_ > issue_first ? std::min(flash_covered_ps_, done_first) - issue_first : 0;
    n_.flash_busy_ps += pages * lat - std::min(overlap, lat);
  } else {
    const uint64_t from = std::max(issue_first, flash_covered_ps_);
    if (done_last > from) n_.flash_busy_ps += done_last - from;
  }
  flash_covered_ps_ = std::max(flash_covered_ps_, done_last);
}

// One page read as one TLM transaction; returns its completion time.
uint64_t PnmUnit::read_page(Job& j, uint32_t m, uint64_t issue, uint64_t now) {
  const uint32_t len = static_cast<uint32_t>(std::min<uint64_t>(page_, j.bytes - uint64_t{m} * page_));
  uint8_t* dst = scratch_.data();
  if (cfg_.functional) {
    if (j.tile.empty()) j.tile.assign(j.bytes, 0);
    dst = reinterpret_cast<uint8_t*>(j.tile.data()) + uint64_t{m} * page_;
  }
  pnm::flash::prepare_read(fgp_, fext_, j.flash + uint64_t{m} * page_, dst, len);
  fext_.want_data = cfg_.functional;  // timing only: the channel need not produce the bytes
  sc_core::sc_time d = pnm::ps_time(issue - now);
  flash_socket->b_transport(fgp_, d);
  uint64_t done = now + to_ps(d);
  if (fext_.done_ps > done) done = fext_.done_ps;
  if (fgp_.get_response_status() != tlm::TLM_OK_RESPONSE) {
    if (fext_.status == pnm::flash::FlashStatus::Uncorrectable) {
      if (!j.uncorrectable) j.bad_addr = j.flash + uint64_t{m} * page_;
      j.uncorrectable = true;
    } else {
      j.flash_error = true;
      ++n_.flash_errors;
    }
  }
  n_.retries += fext_.retries;
  n_.uncorrectable_pages += fext_.uncorrectable_pages;
  note_read(issue, issue, done, done, 1, len);
  if (auto* t = pnm::trace::active()) {
    t->complete("flash", "read", t->track("flash channel", channel_), issue, done - issue,
                "{\"page\": " + std::to_string(m) + ", \"job\": " + std::to_string(j.seq) + "}");
  }
  return done;
}

bool PnmUnit::issue_next(uint64_t now) {
  Job* jp = job_to_read();
  if (!jp) return false;
  Job& j = *jp;
  const uint64_t slot = slot_free_ps_.front();
  slot_free_ps_.pop_front();
  uint64_t ctrl = 0;
  if (inflight_.size() >= cfg_.flash_queue_depth) {
    ctrl = inflight_.top();
    inflight_.pop();
  }
  uint64_t stall = 0;
  const uint64_t issue = issue_time(j, slot, ctrl, now, last_issue_ps_, stall);
  n_.stall_buffer_full_ps += stall;
  const uint64_t done = read_page(j, j.pages_issued, issue, now);
  j.ready_ps[j.pages_issued] = done;
  inflight_.push(done);
  last_issue_ps_ = issue;
  ++j.pages_issued;
  return true;
}

bool PnmUnit::issue_batch(uint64_t now) {
  Job* jp = job_to_read();
  if (!jp) return false;
  Job& j = *jp;
  const uint32_t m = j.pages_issued;
  // Without independent plane reads a batch stays on one die (its array
  // serialises the reads); with them it may span rounds of planes and dies.
  const uint64_t planes = flash_.planes_per_die;
  const uint64_t die_left = planes - pnm::mod_floor(pnm::div_floor(j.flash, page_) + m, planes);
  const uint64_t q = cfg_.flash_queue_depth;
  if (j.batch_refused_until > m) {
    // After a refusal, page by page until the refused pages are read, as
    // issue_next reads them: the controller queue frees at the earliest
    // completion in flight (page reads' completions are kept in inflight_,
    // a heap, as in page mode: read-retries finish them out of order).
    uint64_t ctrl = 0;
    if (inflight_runs_.size() + inflight_.size() >= q) {
      if (!inflight_.empty() && (inflight_runs_.empty() || inflight_.top() <= inflight_runs_.at(0))) {
        ctrl = inflight_.top();
        inflight_.pop();
      } else {
        ctrl = inflight_runs_.at(0);
        inflight_runs_.pop(1);
      }
    }
    uint64_t stall = 0;
    const uint64_t issue = issue_time(j, slot_runs_.at(0), ctrl, now, last_issue_ps_, stall);
    read_refused_page(j, issue, stall, now);
    return true;
  }
  const uint32_t cap = static_cast<uint32_t>(std::min<uint64_t>(
      {j.pages - m, flash_.independent_plane_reads ? kMaxBatch : die_left, q, kMaxBatch}));
  // Page reads' completions still in flight join the batches', after them
  // (those were issued earlier), earliest first.
  for (; !inflight_.empty(); inflight_.pop()) inflight_runs_.push(1, inflight_.top(), inflight_.top());
  // Issue times by issue_next's rules; the controller queue's completions
  // leave in issue order. Page i waits for a completion once c0 + i >= q;
  // n <= q, so never for one of its own batch.
  const uint64_t c0 = inflight_runs_.size();
  const auto waits = [&](uint64_t pages) { return c0 + pages > q ? c0 + pages - q : 0; };
  uint64_t stall_f = 0, stall_l = 0;
  const uint64_t iss_f = issue_time(j, slot_runs_.at(0), waits(1) ? inflight_runs_.at(waits(1) - 1) : 0,
                                    now, last_issue_ps_, stall_f);
  // Page i's issue time (i >= 1), after page 0's.
  const auto issue_at = [&](uint64_t i, uint64_t& stall) {
    const uint64_t w = waits(i + 1);
    return issue_time(j, slot_runs_.at(i), w ? inflight_runs_.at(w - 1) : 0, now, iss_f, stall);
  };
  const uint32_t n = batch_pages(cap, iss_f, issue_at);
  uint64_t iss_l = n == 1 ? iss_f : issue_at(n - 1, stall_l);

  uint32_t booked = 0;
  uint64_t d_f = 0, d_l = 0;
  {
    const uint64_t len = std::min<uint64_t>(uint64_t{n} * page_, j.bytes - uint64_t{m} * page_);
    uint8_t* dst = nullptr;
    if (cfg_.functional) {
      if (j.tile.empty()) j.tile.assign(j.bytes, 0);
      dst = reinterpret_cast<uint8_t*>(j.tile.data()) + uint64_t{m} * page_;
    } else {
      if (scratch_.size() < len) scratch_.resize(len);  // never written (want_data false)
      dst = scratch_.data();
    }
    pnm::flash::prepare_read(fgp_, fext_, j.flash + uint64_t{m} * page_, dst,
                             static_cast<uint32_t>(len));
    fext_.op = pnm::flash::FlashOp::ReadBatch;
    fext_.want_data = cfg_.functional;
    fext_.batch_issue_first_ps = iss_f;
    fext_.batch_issue_last_ps = iss_l;
    sc_core::sc_time d = pnm::ps_time(iss_f - now);
    flash_socket->b_transport(fgp_, d);
    if (fgp_.get_response_status() != tlm::TLM_OK_RESPONSE) {
      // A malformed batch is a controller bug, not a flash outcome.
      throw std::logic_error(std::string(name()) + ": ReadBatch rejected (" +
                             fgp_.get_response_string() + ")");
    }
    if (fext_.status == pnm::flash::FlashStatus::Ok) {
      booked = fext_.pages;
      d_f = fext_.batch_done_first_ps;
      d_l = fext_.done_ps;
    } else {
      // Try batches again only after a while: the cause (faults, RBER) lasts.
      j.batch_refused_until = m + std::max<uint32_t>(n, kRefusedPages);
    }
  }
  if (booked) {
    // The channel may book a prefix (to its next break): the rest is issued
    // by the next call, its issue times computed again.
    if (booked < n) {
      iss_l = TimeRun{n, iss_f, iss_l}.at(booked - 1);
      stall_l = TimeRun{n, stall_f, stall_l}.at(booked - 1);
    }
    const uint64_t bytes = std::min<uint64_t>(uint64_t{booked} * page_, j.bytes - uint64_t{m} * page_);
    n_.stall_buffer_full_ps += (stall_f + stall_l) * booked / 2;
    slot_runs_.pop(booked);
    inflight_runs_.pop(waits(booked));
    last_issue_ps_ = iss_l;
    note_read(iss_f, iss_l, d_f, d_l, booked, bytes);
    ++n_.read_batches;
    j.ready_runs.push(booked, d_f, d_l);
    inflight_runs_.push(booked, d_f, d_l);
    if (auto* t = pnm::trace::active()) {
      t->complete("flash", "read x" + std::to_string(booked), t->track("flash channel", channel_),
                  iss_f, d_l - iss_f,
                  "{\"first_page\": " + std::to_string(m) + ", \"pages\": " + std::to_string(booked) +
                      ", \"job\": " + std::to_string(j.seq) + "}");
    }
    j.pages_issued += booked;
    return true;
  }
  // Refused just now: the first page as a page read at its exact issue
  // time; the rest of the batch follows one call at a time (above).
  inflight_runs_.pop(waits(1));
  read_refused_page(j, iss_f, stall_f, now);
  return true;
}

// Stream mode: the pages of the next batch (at most cap). The batch's pages
// are booked as issued evenly from its first page's issue time to its last's.
// Its buffer slots free in runs (one per consumed batch), each on its own
// line; a batch takes the first run, and the runs after it while every page
// at a junction of two runs issues within one page transfer of the batch's
// line (the tolerance the channel keeps for its units' readiness; between
// junctions both are lines, so the junctions bound the deviation). Without
// this, a partial batch (a job's tail) would split a run of slots for good:
// the slots come round again in the same runs, and the batches after it would
// stay as short as those runs.
template <class IssueAt>
uint32_t PnmUnit::batch_pages(uint32_t cap, uint64_t iss_f, const IssueAt& issue_at) {
  uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(cap, slot_runs_.front().n));
  const int64_t tol = static_cast<int64_t>(flash_.xfer_ps(page_));
  uint64_t stall = 0;
  junctions_.clear();  // the first page of each run the batch spans after its first
  for (size_t k = 1; k < slot_runs_.runs() && n < cap; ++k) {
    const uint32_t n2 = static_cast<uint32_t>(std::min<uint64_t>(cap, n + slot_runs_.run(k).n));
    junctions_.push_back(n);
    const TimeRun line{n2, iss_f, issue_at(n2 - 1, stall)};
    bool straight = true;
    for (const uint32_t b : junctions_) {
      for (const uint32_t i : {b - 1, b}) {
        if (i == 0) continue;
        const int64_t dev = static_cast<int64_t>(issue_at(i, stall)) - static_cast<int64_t>(line.at(i));
        straight = straight && dev <= tol && -dev <= tol;
      }
    }
    if (!straight) break;
    n = n2;
  }
  return n;
}

// Stream mode: the next page of j as a page read issued at `issue` (the
// controller queue entry it waited for already taken).
void PnmUnit::read_refused_page(Job& j, uint64_t issue, uint64_t stall, uint64_t now) {
  n_.stall_buffer_full_ps += stall;
  slot_runs_.pop(1);
  last_issue_ps_ = issue;
  const uint64_t done = read_page(j, j.pages_issued, issue, now);
  j.ready_runs.push(1, done, done);
  inflight_.push(done);
  j.pages_issued += 1;
}

// Stream mode: the MVE consumes the next issued batch of job j (see the
// header: exact for evenly spaced arrivals and a constant time per page).
void PnmUnit::consume_batch(Job& j, uint64_t beats_row) {
  const pnm::mve::Params& mp = engine_->params();
  const TimeRun r = j.ready_runs.front();
  j.ready_runs.pop(r.n);
  const auto beats_before = [&](uint64_t x) {
    const uint64_t row = pnm::div_floor(x, j.cols);
    return row * beats_row + pnm::div_floor(x - row * j.cols, mp.lanes);
  };
  const uint64_t begin = uint64_t{j.page_cursor} * page_;
  const uint64_t end = std::min<uint64_t>(begin + r.n * page_, j.bytes);
  // Beats ending in the batch; the stripe's last beat ends with it.
  const uint64_t beats = (end == j.bytes ? uint64_t{j.rows_c} * beats_row : beats_before(end)) -
                         beats_before(begin);
  const uint64_t total = beats * clk_ps_, per_page = pnm::div_floor(total, r.n);
  const uint64_t start = std::max(j.t_ps, r.first);
  const uint64_t first = start + per_page;
  const uint64_t last = std::max(start + total, r.last + per_page);
  n_.mve_wait_flash_ps += last - (j.t_ps + total);
  slot_runs_.push(r.n, first, last);
  j.t_ps = last;
  j.page_cursor += static_cast<uint32_t>(r.n);
  j.pages_freed = j.page_cursor;
  j.rows_done = static_cast<uint32_t>(pnm::div_floor(end, j.cols));
}

void PnmUnit::write_back(Job& j, uint64_t now) {
  j.state = JobState::WritingBack;
  j.wb_done_ps = now;
  if (j.mve_error) return;
  // One write per vector, back to back; a timing-only unit sends zeros so the
  // TSV link and the memory still see (and time) the traffic.
  if (wb_col_.size() < j.rows_c) wb_col_.resize(j.rows_c, 0);
  int32_t* col = wb_col_.data();
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  for (uint32_t v = 0; v < j.vecs; ++v) {
    if (cfg_.functional) {
      for (uint32_t r = 0; r < j.rows_c; ++r) col[r] = j.out[uint64_t{r} * j.vecs + v];
    }
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(j.dst + v * j.dst_stride + 4 * uint64_t{j.r0_c});
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(col));
    gp.set_data_length(static_cast<unsigned>(uint64_t{j.rows_c} * sizeof(int32_t)));
    gp.set_streaming_width(gp.get_data_length());
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    init_socket->b_transport(gp, d);
    if (gp.is_response_ok()) {
      n_.writeback_bytes += gp.get_data_length();
    } else {
      ++n_.writeback_errors;
      set_error(Err::WRITEBACK);
      break;
    }
  }
  j.wb_done_ps = now + to_ps(d);
}

void PnmUnit::retire(Job& j) {
  if (j.uncorrectable) {
    set_error(Err::UNCORRECTABLE);
    if (!has_bad_addr_) {
      has_bad_addr_ = true;
      bad_addr_ = j.bad_addr;
    }
  }
  if (j.flash_error) set_error(Err::FLASH_RANGE);
  if (j.mve_error) set_error(Err::MVE);
  ++n_.jobs_done;
  n_.last_done_ps = std::max(n_.last_done_ps, j.wb_done_ps);
  if (auto* t = pnm::trace::active(); t && j.rows_c > 0 && j.end_ps >= j.start_ps) {
    t->complete("mve", "job " + std::to_string(j.seq), t->track("MVE", channel_), j.start_ps,
                j.end_ps - j.start_ps,
                "{\"rows\": " + std::to_string(j.rows_c) + ", \"cols\": " + std::to_string(j.cols) + "}");
  }
  done_ev_.notify(sc_core::SC_ZERO_TIME);
  if (jobs_.size() == 1) out_ev_.notify(sc_core::SC_ZERO_TIME);  // becomes idle
}

// ---------------------------------------------------------------------------

void PnmUnit::report(pnm::Stats& s, const std::string& p) const {
  const auto ns = [](uint64_t v) { return static_cast<double>(v) * 1e-3; };
  s.set(p + ".jobs.pushed", n_.jobs_pushed, "jobs");
  s.set(p + ".jobs.done", n_.jobs_done, "jobs");
  s.set(p + ".jobs.rejected", n_.jobs_rejected, "jobs", "refused at PUSH (ERROR set)");
  s.set(p + ".jobs.empty", n_.jobs_empty, "jobs", "rows_c == 0: done at once");
  s.set(p + ".rows", n_.rows, "rows");
  s.set(p + ".macs", n_.macs, "MACs");
  s.set(p + ".flash.pages_read", n_.pages_read, "pages");
  s.set(p + ".flash.bytes_read", n_.bytes_read, "B");
  s.set(p + ".flash.busy", ns(n_.flash_busy_ps), "ns", "time with a page read in flight");
  s.set(p + ".flash.stall_buffer_full", ns(n_.stall_buffer_full_ps), "ns",
        "reads held back only by a full read-ahead buffer");
  if (cfg_.stream) s.set(p + ".flash.read_batches", n_.read_batches, "transactions", "stream mode: ReadBatch transactions booked");
  s.set(p + ".flash.errors", n_.flash_errors, "reads", "error responses other than uncorrectable");
  s.set(p + ".ecc.retries", n_.retries, "steps");
  s.set(p + ".ecc.uncorrectable_pages", n_.uncorrectable_pages, "pages");
  s.set(p + ".mve.busy", ns(n_.mve_busy_ps), "ns", "engine cycles x clk_period");
  s.set(p + ".mve.cycles", n_.mve_cycles, "cycles");
  s.set(p + ".mve.wait_act", ns(n_.mve_wait_act_ps), "ns", "MVE idle, next job waits for ACT_EPOCH");
  s.set(p + ".mve.wait_flash", ns(n_.mve_wait_flash_ps), "ns", "MVE stalled on a page not yet read");
  s.set(p + ".writeback.bytes", n_.writeback_bytes, "B");
  s.set(p + ".writeback.errors", n_.writeback_errors, "writes");
  s.set(p + ".readahead.pages", uint64_t{slots_}, "pages", "read-ahead buffer");
  s.set(p + ".time.first_push", ns(n_.first_push_ps == UINT64_MAX ? 0 : n_.first_push_ps), "ns");
  s.set(p + ".time.last_done", ns(n_.last_done_ps), "ns");
  if (in_die_) in_die_->report(s, p + ".in_die");
}

}  // namespace pnm::pnmu
