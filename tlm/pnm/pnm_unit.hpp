// One processing-near-memory (PNM) unit: the controller side of flash
// channel c. A job queue, a flash controller that reads the pages of queued
// jobs ahead of the MVE into a read-ahead buffer, the MVE (any mve::Engine),
// an activation SRAM and result write-back. The contract with the other
// blocks is tlm/chip/CHIP.md; the registers are regmap.yaml block `pnm`.
//
// Sockets and ports
//   tgt_socket    LOCAL offsets of the unit's 4 MiB window:
//                   [0, 0x100)                       registers (pnm::regs::pnm), 32-bit
//                   [ACT_SRAM_OFFSET, +act_sram_bytes) activation SRAM, plain memory (DMI)
//                 anything else: TLM_ADDRESS_ERROR_RESPONSE. Zero delay is
//                 annotated (the TSV link in front of the unit models the trip).
//   init_socket   result write-back: per activation vector v < JOB_VECS, one
//                 WRITE of rows_c int32 (host byte order) to CHIP address
//                 JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c, back to back. A
//                 timing-only unit writes zeros (the TSV and memory time is
//                 real, the values are not). Any error response sets
//                 STATUS.ERROR with ERR_CODE WRITEBACK.
//   flash_socket  to the channel's flash::FlashChannel::tgt_socket. Single-page
//                 reads with a FlashExtension, issue time in the annotated delay.
//   idle_o        high when every pushed job is done (JOBS_DONE == JOBS_PUSHED).
//   error_o       STATUS.ERROR.
//   Both outputs must be bound (sc_signal<bool>); one SC_METHOD writes them.
//
// Jobs (CTRL.PUSH copies the staged JOB_* registers). Checked at PUSH, first
// failing check names the code; a failing job is dropped (not counted in
// JOBS_PUSHED), STATUS.ERROR is set and later jobs run normally:
//   JOB_ROWS == 0 -> ROWS_ZERO; JOB_COLS == 0 or > mve max_cols -> COLS_RANGE;
//   JOB_VECS == 0 or > the engine's vectors -> VECS_RANGE;
//   JOB_ACT_OFF + JOB_VECS * JOB_COLS > act_sram_bytes -> ACT_RANGE;
//   JOB_FLASH not page aligned, or JOB_FLASH + the channel's reservation
//   (ceil(ROWS / C) * COLS bytes rounded up to pages) beyond the channel
//   -> FLASH_RANGE; JOBS_PUSHED - JOBS_DONE == queue_depth -> QUEUE_FULL.
// A job with rows_c == 0 counts as pushed and done at once. ERR_CODE keeps
// the first error until CTRL.CLEAR_ERR.
//
// Timing (analytic, busy-until times; no process or event per page):
//   flash   page k (in queue order across jobs) issues at
//           max(previous issue, job push time, slot free, oldest of
//           flash_queue_depth outstanding reads completed) and is ready at the
//           channel's annotated completion time. The read-ahead buffer holds
//           max(2, readahead_bytes / page) pages; a page holds its slot from
//           issue until the MVE has consumed it. ACT_EPOCH gates only the MVE.
//   MVE     a job starts at max(MVE free, push, the time ACT_EPOCH first
//           reached JOB_EPOCH), loads activations (n * B cycles for n =
//           JOB_VECS vectors, B = ceil(cols/lanes)), then streams the stripe's weights one beat per cycle
//           (rows padded to B beats of `lanes` bytes): a beat can't start
//           before the page holding its last byte is ready, and a page's
//           buffer slot frees when the beat holding its last byte is done
//           (so two pages suffice for any row width). The remainder of the
//           engine's cycle count (1 cycle for the golden model and the RTL)
//           follows the last beat. Without stalls a job takes exactly the
//           engine's cycles (mve::job_cycles in timing-only mode) x clk_period.
//           Every weight beat meets all n vectors in the same cycle (lanes x
//           vectors MACs per cycle), so a batch costs no extra weight beats.
//   write-back  issued at the job's MVE end (kernel synchronised there);
//           JOBS_DONE counts the job when the write completes. The MVE goes on
//           with the next job meanwhile.
//   The unit's thread computes ahead of the kernel by at most one global
//   quantum (tlm_global_quantum; zero = up to the next job boundary), then
//   sleeps until the kernel reaches the MVE's time (one wake per quantum,
//   not per page), and synchronises at job boundaries and on PUSH /
//   ACT_EPOCH writes. Simulated times do not depend on when it wakes.
//   Counters (PAGES_READ, RETRIES, stats) count reads when they are issued,
//   which may be ahead of sc_time_stamp() by the look-ahead.
//
// Stream mode (cfg.stream, chip.sim.mode: stream): the same controller and
// MVE, simulated batch by batch instead of page by page. A batch is up to
// kMaxBatch pages of one job (on one die without independent plane reads),
// within flash_queue_depth and the runs of buffer slot frees whose junctions
// lie within one page transfer of the batch's issue line (batch_pages). Its
// pages are taken to issue, complete and be consumed
// evenly spaced (TimeRuns: first and last time per batch): the first and the
// last page's issue times follow the rules above (the controller queue's
// completions in issue order), one FlashOp::ReadBatch transaction books the
// batch and returns its first and last completion, and the MVE consumes it
// in the batch's exact beat count: first page at max(MVE, ready_first) + m,
// last at max(MVE + beats x clk, ready_last + m), m the mean per page, which
// is exact for evenly spaced arrivals; the batch's buffer slots free on the
// line between. When the channel refuses a batch (a fault hook or stuck die,
// pages that may need read-retry, unprogrammed pages) those pages are read
// one by one as page reads, each at its own issue time, their completions
// kept in page mode's heap (read-retries finish them out of order), so a
// run where every page needs read-retry is simulated as in page mode. One
// trace span per batch. Token ids and values are those of page mode; the times
// agree within 1% on the proof grid (scripts/stream_proof.py).
//
// Placement (cfg.placement, tlm/chip/CHIP.md "Placement"): controller is
// all of the above. logic_die is the same unit; the chip puts a TsvWeightPath
// between flash_socket and the channel, so a page is ready when it has also
// crossed the TSV link. in_die: no page crosses the bus; when a job starts
// (the MVE rule above), InDieArray books its reads, activations, in-die
// compute and partial sums, and the job ends when the last partial reached
// the controller (then write-back as above). A functional unit reads the
// stripe with transport_dbg and computes its int32 results with its engine
// (exact integer sums, equal to the reduced in-die partials).
//
// ACT_EPOCH: the gate compares with the largest value written so far (epochs
// only grow), effective from the write's annotated time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <boost/circular_buffer.hpp>

#include "tlm/common/register_bank.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/common/min_queue.hpp"
#include "tlm/common/time_runs.hpp"
#include "tlm/flash/flash_config.hpp"
#include "tlm/flash/flash_extension.hpp"
#include "tlm/pnm/in_die_array.hpp"
#include "tlm/pnm/mve_engine.hpp"
#include "tlm/pnm/pnm_config.hpp"

namespace pnm::pnmu {

// Rows of an R-row matrix that channel c of C holds, and its first row
// (tlm/chip/CHIP.md, "Weight layout").
inline uint32_t rows_of_channel(uint32_t rows, unsigned c, unsigned channels) {
  return rows / channels + (c < rows % channels ? 1u : 0u);
}
inline uint32_t first_row_of_channel(uint32_t rows, unsigned c, unsigned channels) {
  return c * (rows / channels) + (c < rows % channels ? c : rows % channels);
}
// Bytes each channel reserves in flash for an R x K matrix striped over C.
inline uint64_t reserved_bytes(uint32_t rows, uint32_t cols, unsigned channels, uint32_t page) {
  const uint64_t b = uint64_t{(rows + channels - 1) / channels} * cols;
  return (b + page - 1) / page * page;
}

// Plain counters (report() names and units them).
struct PnmCounters {
  uint64_t jobs_pushed = 0, jobs_done = 0, jobs_rejected = 0, jobs_empty = 0;
  uint64_t rows = 0, macs = 0;
  uint64_t pages_read = 0, bytes_read = 0;
  uint64_t retries = 0, uncorrectable_pages = 0, flash_errors = 0;
  uint64_t flash_busy_ps = 0;         // time with at least one page read in flight
  uint64_t stall_buffer_full_ps = 0;  // reads held back only by a full read-ahead buffer
  uint64_t mve_busy_ps = 0, mve_cycles = 0;
  uint64_t mve_wait_act_ps = 0;       // MVE idle with a job waiting for its ACT_EPOCH
  uint64_t mve_wait_flash_ps = 0;     // MVE stalled on a page not yet read
  uint64_t writeback_bytes = 0, writeback_errors = 0;
  uint64_t first_push_ps = UINT64_MAX, last_done_ps = 0;
  uint64_t read_batches = 0;          // stream mode: ReadBatch transactions booked
  uint64_t late_issues = 0;           // reads issued later than computed (should stay 0)
};

class PnmUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<PnmUnit> tgt_socket;
  tlm_utils::simple_initiator_socket<PnmUnit> init_socket;
  tlm_utils::simple_initiator_socket<PnmUnit> flash_socket;
  sc_core::sc_out<bool> idle_o;
  sc_core::sc_out<bool> error_o;

  // engine: from mve::make_engine(cfg.mve) normally; tests may pass another.
  // Throws std::invalid_argument for a null engine, an engine that advances
  // SystemC time itself (pin-level), channel >= channels, or channels > 256.
  PnmUnit(sc_core::sc_module_name name, const PnmConfig& cfg, unsigned channel, unsigned channels,
          const pnm::flash::FlashConfig& flash, std::unique_ptr<pnm::mve::Engine> engine);
  PnmUnit(const PnmUnit&) = delete;
  PnmUnit& operator=(const PnmUnit&) = delete;
  ~PnmUnit() override;

  void report(pnm::Stats& stats, const std::string& prefix) const;
  // The first engine failure (ERR_CODE MVE), with its message; empty if none.
  const std::string& engine_error() const { return engine_error_; }
  // The channel-local flash byte address of the first page read that stayed
  // uncorrectable (of the first job retired with ERR_CODE UNCORRECTABLE);
  // meaningful when has_uncorrectable_addr().
  bool has_uncorrectable_addr() const { return has_bad_addr_; }
  uint64_t uncorrectable_addr() const { return bad_addr_; }

  const PnmCounters& counters() const { return n_; }
  const PnmConfig& config() const { return cfg_; }
  pnm::mve::Engine& engine() { return *engine_; }
  unsigned channel() const { return channel_; }
  unsigned channels() const { return channels_; }
  uint32_t buffer_pages() const { return slots_; }
  // JOBS_DONE == JOBS_PUSHED, immediately (idle_o follows two deltas later).
  bool idle() const { return jobs_.empty(); }
  uint32_t status() const;  // the STATUS register value
  // Notified (delta) whenever JOBS_DONE grows: for testbenches and an IRQ line.
  const sc_core::sc_event& job_done_event() const { return done_ev_; }

 private:
  enum class JobState { Queued, Running, Computed, WritingBack };
  struct Job {
    uint64_t seq = 0;
    uint64_t flash = 0, dst = 0;
    uint32_t rows = 0, cols = 0, act_off = 0, epoch = 0;
    uint32_t vecs = 1;        // activation vectors (JOB_VECS)
    uint64_t dst_stride = 0;  // bytes between vectors' result arrays
    uint32_t rows_c = 0, r0_c = 0;
    uint64_t bytes = 0;  // rows_c * cols
    uint32_t pages = 0;
    uint64_t push_ps = 0;
    JobState state = JobState::Queued;
    // flash
    uint32_t pages_issued = 0;
    uint32_t batch_refused_until = 0;  // stream mode: pages before it go one by one
    std::vector<uint64_t> ready_ps;  // page mode
    TimeRuns ready_runs;             // stream mode: ready times of issued, unconsumed pages
    bool uncorrectable = false, flash_error = false;
    uint64_t bad_addr = 0;  // flash address of the first uncorrectable page read
    std::vector<int8_t> tile;  // functional: rows_c x cols weights
    std::vector<int8_t> act;   // functional: activation snapshot (vecs x cols) at MVE start
    // MVE cursor
    uint64_t start_ps = 0, t_ps = 0, end_ps = 0;
    uint32_t page_cursor = 0, rows_done = 0, pages_freed = 0;
    uint64_t beats_before_cursor = 0;  // weight beats ending before page_cursor's first byte
    std::vector<int32_t> out;  // the engine's order: out[r * vecs + v]
    uint64_t wb_done_ps = 0;
    bool mve_error = false;
  };

  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  tlm::tlm_response_status sram_access(tlm::tlm_generic_payload& p);

  void wire_registers();
  void push();
  void write_epoch(uint32_t v);
  void set_error(regs::pnm::err code);
  uint64_t reg_time_ps() const;  // sc_time_stamp + the annotated delay of the current access

  void thread();
  void update_outputs();
  bool step(uint64_t now, uint64_t& wake);
  bool advance_mve(uint64_t now, uint64_t& wake);
  bool issue_next(uint64_t now);
  bool issue_batch(uint64_t now);
  template <class IssueAt>
  uint32_t batch_pages(uint32_t cap, uint64_t iss_f, const IssueAt& issue_at);
  bool issue(uint64_t now) {
    if (in_die_) return false;  // placement in_die: the dies read (InDieArray)
    return cfg_.stream ? issue_batch(now) : issue_next(now);
  }
  void run_in_die(Job& j);
  void free_slot(uint64_t t_ps);  // page mode: a buffer slot frees at t_ps
  Job* job_to_read();
  uint64_t issue_time(const Job& j, uint64_t slot, uint64_t ctrl, uint64_t now, uint64_t last,
                      uint64_t& stall);
  uint64_t read_page(Job& j, uint32_t m, uint64_t issue, uint64_t now);
  void note_read(uint64_t issue_first, uint64_t issue_last, uint64_t done_first, uint64_t done_last,
                 uint64_t pages, uint64_t bytes);
  void read_refused_page(Job& j, uint64_t issue, uint64_t stall, uint64_t now);
  void consume_batch(Job& j, uint64_t beats_row);
  uint64_t free_slots() const { return cfg_.stream ? slot_runs_.size() : slot_free_ps_.size(); }
  bool gate_time(uint32_t epoch, uint64_t& t) const;
  void finish_job(Job& j);
  void run_engine(Job& j, uint64_t& cycles);
  void write_back(Job& j, uint64_t now);
  void retire(Job& j);

  PnmConfig cfg_;
  unsigned channel_, channels_;
  std::string engine_error_;
  bool has_bad_addr_ = false;
  uint64_t bad_addr_ = 0;
  pnm::flash::FlashConfig flash_;
  std::unique_ptr<pnm::mve::Engine> engine_;
  RegisterBank regs_;
  std::vector<uint8_t> sram_;
  uint64_t clk_ps_;
  uint32_t page_;
  uint32_t slots_;
  uint64_t quantum_ps_ = 0;

  sc_core::sc_time* delay_ = nullptr;  // of the register access being served
  sc_core::sc_event push_ev_, epoch_ev_, out_ev_, done_ev_;
  sc_core::sc_event_or_list wake_events_;  // push_ev_ | epoch_ev_: what the thread sleeps on

  std::deque<Job> jobs_;  // accepted, not yet done, in order
  uint64_t next_seq_ = 0;
  uint32_t err_code_ = 0;
  bool error_ = false;
  // ACT_EPOCH history: strictly increasing (value, effective time) records.
  std::vector<std::pair<uint32_t, uint64_t>> epochs_;

  // Flash controller.
  // Free times of buffer slots, in consumption order: at most slots_ of
  // them, in a ring (a deque's push and pop walk its node map).
  boost::circular_buffer<uint64_t> slot_free_ps_;
  // Completions of page reads in flight (page mode; stream mode's fallback).
  MinQueue inflight_;
  TimeRuns inflight_runs_, slot_runs_;  // stream mode: completions in flight, slot frees
  std::vector<uint32_t> junctions_;     // batch_pages' scratch
  static constexpr uint32_t kMaxBatch = 1024;
  static constexpr uint32_t kRefusedPages = 256;  // page reads after a refused batch
  uint64_t last_issue_ps_ = 0, flash_covered_ps_ = 0;
  uint64_t issue_seq_ = 0;  // job whose pages are being issued
  bool sram_zero_ = true;  // every SRAM byte is zero (written only with zeros, no DMI granted)
  Job* reading_ = nullptr;  // that job, while in jobs_ (job_to_read)
  tlm::tlm_generic_payload fgp_;
  pnm::flash::FlashExtension fext_;
  std::vector<uint8_t> scratch_;
  // One result column of a write-back, kept across jobs; a timing-only unit
  // never writes into it, so it stays the zeros it sends.
  std::vector<int32_t> wb_col_;

  // MVE.
  uint64_t mve_free_ps_ = 0;

  // Placement in_die: the channel's in-die units (null otherwise).
  std::unique_ptr<InDieArray> in_die_;

  PnmCounters n_;
};

}  // namespace pnm::pnmu
