// One flash channel as plain C++ (no SystemC): analytic timing, wear,
// reliability and energy. The TLM target (flash_channel.hpp) wraps it; unit
// tests drive it directly.
//
// Timing model. All times are integer picoseconds. Each operation arrives with
// an issue time and is scheduled first-come-first-served in call order against
// "busy until" timestamps:
//   - per die (or per plane when independent_plane_reads) the array,
//   - per plane the page register (a normal read holds it until its data is
//     out) and the cache register (a cache read holds it until its data is out),
//   - one channel bus, kept as a short list of reserved intervals so a command
//     can use a gap before a later, already reserved data transfer.
// No events, no threads: one operation costs O(planes + reserved intervals).
//
// Phases, with c = t_cmd_addr (per plane), x(b) = b*8/(bus_width*io_rate),
// and s = c if cmd_on_data_bus else 0:
//   read:      cmd (n*c, on the bus if cmd_on_data_bus) -> tR (all n planes
//              at once) -> n data-outs on the bus, the first preceded by a
//              free n*s bus slot (left for a command to some die: controllers
//              send short commands before long data-outs, so a data-out
//              never blocks a waiting command for a whole transfer)
//              -> ECC decode (t_decode, pipelined, off the bus).
//              Single read from idle: c + tR + s + x(bytes) + t_decode.
//              Back-to-back reads of one plane: c + tR + s + x(page) each.
//              n-plane read of one die: n*c + tR + n*s + n*x(page) per op.
//   cache read: as read, but after tR the page moves to the cache register
//              (t_cache_copy, waiting for the previous data-out of that plane)
//              and the array is free for the next read, whose command (ONFI
//              31h) uses the slot. Steady state per page and plane:
//              t_cache_copy + max(c + tR, s + x(page)).
//   program:   cmd -> n data-ins -> tPROG. erase: cmd -> tBERS.
//   read-retry: a page whose worst codeword has more than t errors is read
//              again as a single-plane read issued when the failed attempt
//              has been decoded: another cmd + tR + transfer + decode each,
//              up to max_read_retries; then it is uncorrectable.
// Operations must arrive with non-decreasing issue times per channel for the
// bus gap search to be exact (bus intervals that end before the current
// issue time are forgotten).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tlm/common/fast_div.hpp"
#include "tlm/common/interval_schedule.hpp"
#include "tlm/common/stats.hpp"
#include "tlm/flash/flash_config.hpp"
#include "tlm/flash/flash_reliability.hpp"
#include "tlm/flash/flash_types.hpp"

namespace pnm::flash {

/// Fault-injection hook: return a bit-error count to force for this codeword
/// and attempt, or nullopt to draw it from the RBER model.
using FaultHook = std::function<std::optional<uint32_t>(const FaultSite&)>;

struct OpRequest {
  FlashOp op = FlashOp::Read;  ///< Read, CacheRead, Program or Erase
  PageAddr addr;               ///< first page; planes addr.plane .. addr.plane+planes-1
  uint32_t planes = 1;
  uint32_t bytes = 0;          ///< bytes transferred per plane (read/program)
  uint64_t issue_ps = 0;
};

struct OpResult {
  FlashStatus status = FlashStatus::Ok;
  // done_ps between the array times, which the model writes one at a time:
  // side by side, a copy of the pair is one 16-byte load of two 8-byte
  // stores, which stalls on store forwarding (every page read paid it).
  uint64_t array_start_ps = 0;  ///< first attempt
  uint64_t done_ps = 0;         ///< data delivered and decoded / array op finished
  uint64_t array_end_ps = 0;
  uint32_t retries = 0;         ///< max over pages
  uint32_t corrected_bits = 0;  ///< sum over pages
  uint32_t uncorrectable_pages = 0;
};

/// Wear state of one block (what a test or a wear-levelling policy can see).
struct BlockWear {
  uint32_t pe_cycles = 0;
  uint64_t reads_since_erase = 0;
  bool page_programmed = false;  ///< of the page asked about
};

class ChannelModel {
 public:
  ChannelModel(const FlashConfig& cfg, uint32_t channel);

  /// Runs one operation. `status` (may be null) receives one PageStatus per
  /// plane for reads. Validates physical ranges (AddressError) and program
  /// on a programmed page (NotErased); such operations take no time.
  OpResult execute(const OpRequest& req, PageStatus* status = nullptr);
  // execute() for a request known to pass its checks: FlashChannel's socket
  // makes the same ones (address range, planes, shape) before it calls this.
  OpResult execute_valid(const OpRequest& req, PageStatus* status = nullptr);

  /// A batch of n single-page reads of consecutive pages from `first`
  /// (column 0; units f = die * planes + plane in address order, wrapping to
  /// the next page index), issued evenly spaced from issue_first to
  /// issue_last; a full page each over the bus except the last (`last_bytes`).
  /// Booked in O(1) as a fluid: the times of page i lie on the line between
  /// the first and the last page's, which are read_attempt()'s for a read
  /// that waits for its unit (plane, or die without independent_plane_reads)
  /// and a work-conserving bus (the batch's data-outs go as one block into
  /// the earliest gap, as Bus::reserve places page reads; with
  /// cmd_on_data_bus a command takes the guard slot before a data-out, as
  /// under saturation in page mode). Without independent plane reads a batch
  /// stays within one die (n <= planes - plane), whose array serialises the
  /// reads. A batch longer than a round of units is one fluid only while the
  /// bus binds (its pages at least (c + tR + s + x) / units apart); when the
  /// units bind it is booked to the round's end. The line is kept within one
  /// page transfer of the first round's unit readiness (free and issued):
  /// the channel books only the prefix up to the first unit off the line
  /// (planes another job's batch left busy, say), and, where the block would
  /// pass over a bus gap that page reads would use for its first pages, only
  /// the pages that fit that gap. `booked` returns the pages
  /// booked; the caller issues the rest again. done_first/done_last receive
  /// the booked pages' first and last completion. Counters, energy and wear
  /// (read disturb, booked per block in bulk) are as for the reads; ECC by
  /// expectation: codewords and decode energy exactly, corrected bits as
  /// RBER x bits. Returns false and changes nothing when that would not be
  /// the page-level outcome in distribution: a fault hook or stuck die is
  /// set, a page may be unprogrammed (not preprogrammed, or any erase so
  /// far), or the probability that any codeword of the batch needs a
  /// read-retry exceeds kBatchRetryBound (RBER bounded above by the worst
  /// P/E count, reads since erase and retention age so far).
  static constexpr double kBatchRetryBound = 1e-12;
  struct Batch {
    uint64_t issue_first = 0, issue_last = 0;  ///< in
    uint64_t done_first = 0, done_last = 0;    ///< out
    uint32_t booked = 0;                       ///< out: pages booked (a prefix)
  };
  bool read_batch(const PageAddr& first, uint32_t n, uint32_t last_bytes, Batch& b);

  void set_fault_hook(FaultHook hook) { fault_ = std::move(hook); }
  /// Fault injection: a stuck-busy die. Reads of `die` issued at or after
  /// `from_ps` complete `delay_ps` later than modelled (the die's ready/busy
  /// line stays low; a watchdog above must catch it). Counted in
  /// counters().stuck_reads. With no stuck die, reads pay one empty() check.
  void add_stuck_die(uint32_t die, uint64_t from_ps, uint64_t delay_ps) {
    stuck_.push_back(StuckDie{die, from_ps, delay_ps});
  }
  /// Counts a request the TLM wrapper rejected before it reached the model.
  void count_rejected(FlashStatus s);

  BlockWear wear(const PageAddr& a) const;
  const FlashConfig& config() const { return cfg_; }
  const AddressMap& address_map() const { return map_; }
  uint32_t channel() const { return channel_; }

  struct Counters {
    uint64_t read_ops = 0, read_pages = 0, read_bytes = 0, cache_read_ops = 0,
             multi_plane_ops = 0, array_reads = 0, erased_page_reads = 0;
    uint64_t program_ops = 0, program_pages = 0, program_bytes = 0;
    uint64_t erase_ops = 0, erase_blocks = 0, erases_beyond_endurance = 0;
    uint64_t codewords_decoded = 0, corrected_bits = 0, retries = 0, retried_pages = 0,
             uncorrectable_pages = 0;
    uint64_t not_erased_errors = 0, address_errors = 0, bad_requests = 0;
    uint64_t stuck_reads = 0;  ///< reads delayed by an injected stuck-busy die
    uint64_t bus_busy_ps = 0, array_busy_ps = 0, last_done_ps = 0;
    uint64_t read_latency_sum_ps = 0, read_latency_max_ps = 0;
    uint32_t max_pe_cycles = 0;
    uint64_t max_reads_since_erase = 0;
    double energy_read_pj = 0, energy_program_pj = 0, energy_erase_pj = 0,
           energy_transfer_pj = 0, energy_ecc_pj = 0;
  };
  const Counters& counters() const {
    flush_batch_wear();
    return n_;
  }
  /// Copies counters into `stats` under `prefix` (e.g. "flash.ch0").
  void report(pnm::Stats& stats, const std::string& prefix) const;

 private:
  struct Block {
    uint32_t pe = 0;
    uint64_t reads = 0;
    double origin_h = 0;  ///< retention clock origin (hours of sim time)
    bool has_data = false;
    /// Every page programmed since the block was made (preprogrammed, no
    /// erase since): programmed() then needs no load of the bitmap, a second
    /// heap line that missed the cache on most page reads.
    bool all_programmed = false;
    std::vector<uint64_t> programmed;  ///< one bit per page
  };
  // The channel bus: data-outs (and commands with cmd_on_data_bus).
  using Bus = pnm::IntervalSchedule;

  Block& block(const PageAddr& a) const;
  /// Applies the reads booked by read_batch to their blocks (lazily, so the
  /// const observers flush too: blocks_, the pending wear and n_ are mutable).
  void flush_batch_wear() const;
  bool programmed(const Block& b, uint32_t page) const {
    return b.all_programmed || ((b.programmed[page >> 6] >> (page & 63)) & 1u);
  }
  uint64_t& arr_free(uint32_t die, uint32_t plane) {
    return arr_free_[cfg_.independent_plane_reads ? die * cfg_.planes_per_die + plane : die];
  }
  // Returns the array start; its end goes to *array_end (the caller's
  // OpResult field: a returned pair would be copied into it as one 16-byte
  // load of two 8-byte stores, which stalls on store forwarding).
  uint64_t read_attempt(const PageAddr& a, uint32_t n, uint32_t bytes, bool cache, uint64_t issue,
                        uint64_t prune, uint64_t* done, uint64_t* array_end);
  /// Energy and counters of `pages` array reads moving `bytes` in all.
  void book_array_reads(uint64_t pages, uint64_t bytes);
  /// Draws errors for one attempt; returns true when ECC corrects all codewords.
  bool decode(const PageAddr& a, uint32_t attempt, double rber, uint32_t bytes, PageStatus& st);
  /// decode()'s draws for 0 < lambda <= kSparseErrorsUpTo, over `cws`
  /// codewords: hit(k, errors) for each one with errors.
  template <class Hit>
  void draw_sparse(double lambda, uint32_t cws, Hit&& hit);
  OpResult read(const OpRequest& r, PageStatus* status);
  // Every operation's last step: the bus and completion counters.
  void finish(const OpResult& res) {
    n_.bus_busy_ps = bus_.busy_ps;
    n_.last_done_ps = std::max(n_.last_done_ps, res.done_ps);
  }
  OpResult program(const OpRequest& r);
  OpResult erase(const OpRequest& r);

  FlashConfig cfg_;
  uint32_t channel_;
  AddressMap map_;
  SplitMix64 rng_;
  // draw_sparse's exponential clock: the hazard left before the next
  // codeword with errors (negative: not drawn yet).
  double err_clock_ = -1.0;
  std::vector<uint32_t> drawn_;  // decode() with a fault hook: each codeword's drawn errors
  FaultHook fault_;
  struct StuckDie {
    uint32_t die;
    uint64_t from_ps, delay_ps;
  };
  std::vector<StuckDie> stuck_;
  Bus bus_;
  std::vector<uint64_t> arr_free_, reg_free_, cache_free_;
  // read_batch's register free times of the units its last round used, as
  // the line they lie on (unit f + k holds out_first + dist * (i0 + k) /
  // den), newest last; execute() applies them to reg_free_ first.
  struct UnitLine {
    uint32_t f = 0, count = 0, i0 = 0;
    uint64_t out_first = 0, dist = 0;
    pnm::Divisor den;
    uint64_t at(uint32_t unit, uint32_t units, bool& hit) const {
      const uint32_t k = unit >= f ? unit - f : unit + units - f;
      hit = k < count;
      return hit ? out_first + den.div(dist * (i0 + k)) : 0;
    }
  };
  static constexpr size_t kMaxUnitLines = 8;
  std::vector<UnitLine> unit_lines_;
  // reg_free_[f] with the lines applied. Inline: read_batch asks it about
  // twenty units per batch.
  uint64_t reg_free(uint32_t f) const {
    for (auto it = unit_lines_.rbegin(); it != unit_lines_.rend(); ++it) {
      bool hit = false;
      const uint64_t v = it->at(f, units_, hit);
      if (hit) return v;
    }
    return reg_free_[f];
  }
  // cfg_.xfer_ps, whose __int128 division every read would pay, for a page.
  uint64_t xfer_ps(uint64_t bytes) const {
    return bytes == cfg_.page_size_bytes ? xfer_page_ps_ : cfg_.xfer_ps(bytes);
  }
  uint32_t units_ = 0;  // dies x planes: the flat units f = die * planes + plane
  uint64_t xfer_page_ps_ = 0;
  uint32_t page_codewords_ = 0;  // ECC codewords of a whole page
  void apply_line(const UnitLine& l);
  bool units_on_one_line(uint32_t f0, uint32_t m, uint64_t issue_span) const;
  static bool within_line(int64_t dev_last, uint32_t m, uint64_t tol);
  uint64_t arr_free_max_ = 0;  // at least every arr_free_ entry
  mutable std::unordered_map<uint64_t, Block> blocks_;
  mutable std::vector<std::pair<uint64_t, Block*>> block_cache_;  // per unit (block()'s)
  // read() keeps the last P/E count's rber_pe_term (wall time only).
  uint32_t pe_term_pe_ = UINT32_MAX;
  double pe_term_ = 0;
  std::vector<uint64_t> done_scratch_;
  // read_batch's reads not yet applied to blocks_: per block index, a
  // difference array over the flat units (die * planes + plane).
  mutable std::unordered_map<uint32_t, std::vector<int64_t>> batch_wear_;
  mutable uint64_t batch_wear_bound_ = 0;
  // The block read_batch last booked wear on, and its entry (a batch's rounds
  // mostly stay in one block: one hash look-up per block, not per round).
  mutable uint32_t wear_blk_ = 0;
  mutable std::vector<int64_t>* wear_diff_ = nullptr;  // most reads any block got from pending batches
  double batch_corrected_frac_ = 0;
  double lgamma_t2_ = 0;           // lgamma(t + 2) for the retry bound
  // read_batch's retry check holds up to these (pe, reads per block, time).
  static constexpr uint64_t kBatchCodewords = 1u << 20;
  uint32_t retry_ok_pe_ = UINT32_MAX;
  uint64_t retry_ok_reads_ = 0, retry_ok_ps_ = 0;
  mutable Counters n_;
};

}  // namespace pnm::flash
