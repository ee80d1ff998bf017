#include "tlm/flash/flash_channel_model.hpp"

#include "tlm/common/time_runs.hpp"

#include <algorithm>
#include <cmath>

namespace pnm::flash {
namespace {
constexpr double kPsPerHour = 3.6e15;
}

const char* to_string(FlashStatus s) {
  switch (s) {
    case FlashStatus::Ok: return "ok";
    case FlashStatus::Uncorrectable: return "uncorrectable";
    case FlashStatus::NotErased: return "not_erased";
    case FlashStatus::AddressError: return "address_error";
    case FlashStatus::BadRequest: return "bad_request";
    case FlashStatus::Refused: return "refused";
  }
  return "?";
}

ChannelModel::ChannelModel(const FlashConfig& cfg, uint32_t channel)
    : cfg_(cfg),
      channel_(channel),
      map_(cfg),
      rng_(mix64(cfg.seed) ^ mix64(0xF1A5'0000'0000ull + channel)) {
  const size_t planes = size_t(cfg.dies_per_channel()) * cfg.planes_per_die;
  units_ = uint32_t(planes);
  xfer_page_ps_ = cfg.xfer_ps(cfg.page_size_bytes);
  page_codewords_ = (cfg.page_size_bytes + cfg.ecc_codeword_bytes - 1) / cfg.ecc_codeword_bytes;
  arr_free_.assign(cfg.independent_plane_reads ? planes : cfg.dies_per_channel(), 0);
  lgamma_t2_ = std::lgamma(double(cfg.ecc_correctable_bits) + 2.0);
  reg_free_.assign(planes, 0);
  cache_free_.assign(planes, 0);
  block_cache_.assign(planes, {0, nullptr});
}

ChannelModel::Block& ChannelModel::block(const PageAddr& a) const {
  // One remembered block per unit: page reads stream over the units of one
  // block row, so most lookups hit it (map nodes do not move on rehash).
  const uint64_t id = map_.block_id(a);
  auto& slot = block_cache_[size_t(a.die) * cfg_.planes_per_die + a.plane];
  if (slot.second && slot.first == id) return *slot.second;
  auto [it, inserted] = blocks_.try_emplace(id);
  Block& b = it->second;
  if (inserted) {
    b.pe = cfg_.initial_pe_cycles;
    b.origin_h = -cfg_.retention_hours_at_start;
    b.has_data = cfg_.preprogrammed;
    b.all_programmed = cfg_.preprogrammed;
    b.programmed.assign((cfg_.pages_per_block + 63) / 64, cfg_.preprogrammed ? ~uint64_t(0) : 0);
  }
  slot = {id, &b};
  return b;
}

BlockWear ChannelModel::wear(const PageAddr& a) const {
  flush_batch_wear();
  BlockWear w;
  auto it = blocks_.find(map_.block_id(a));
  if (it == blocks_.end()) {
    w.pe_cycles = cfg_.initial_pe_cycles;
    w.page_programmed = cfg_.preprogrammed;
    return w;
  }
  w.pe_cycles = it->second.pe;
  w.reads_since_erase = it->second.reads;
  w.page_programmed = a.page < cfg_.pages_per_block && programmed(it->second, a.page);
  return w;
}

void ChannelModel::apply_line(const UnitLine& l) {
  for (uint32_t k = 0; k < l.count; ++k) {
    reg_free_[(l.f + k) % units_] = l.out_first + l.den.div(l.dist * (l.i0 + k));
  }
}

void ChannelModel::flush_batch_wear() const {
  if (batch_wear_.empty()) return;
  const uint32_t planes = cfg_.planes_per_die;
  for (auto& [blk, diff] : batch_wear_) {
    int64_t reads = 0;
    for (size_t f = 0; f + 1 < diff.size(); ++f) {
      reads += diff[f];
      if (reads == 0) continue;
      PageAddr a;
      a.die = uint32_t(f / planes);
      a.plane = uint32_t(f % planes);
      a.block = blk;
      Block& b = block(a);
      b.reads += uint64_t(reads);
      n_.max_reads_since_erase = std::max(n_.max_reads_since_erase, b.reads);
    }
  }
  batch_wear_.clear();
  wear_diff_ = nullptr;
  batch_wear_bound_ = 0;
}

// True when the readiness read_batch checks for units f0 .. f0 + m - 1 (a
// batch's first round) is, up to rounding, the maximum of two exact lines:
// the issue line, and the one unit line, which sets those units' register
// free times in order without wrapping (unit f0 + i is its index k0 + i),
// with every array free time at or below it, and no product near overflow.
bool ChannelModel::units_on_one_line(uint32_t f0, uint32_t m, uint64_t issue_span) const {
  if (unit_lines_.size() != 1) return false;
  const UnitLine& l = unit_lines_.front();
  const uint32_t k0 = f0 >= l.f ? f0 - l.f : f0 + units_ - l.f;
  if (uint64_t(k0) + m > l.count) return false;
  if (cfg_.independent_plane_reads && arr_free_max_ > l.out_first) return false;
  constexpr uint64_t kExact = uint64_t{1} << 52;  // doubles hold the products exactly
  uint64_t top = 0;
  if (__builtin_mul_overflow(l.dist, uint64_t(l.i0) + k0 + m, &top) || top >= kExact) return false;
  return issue_span < kExact;
}

// For units as units_on_one_line describes: each readiness lies within
// (-2, +1) of the exact maximum g (the unit line's floor; the issue line's
// double product and truncation). g is convex, so its deviation from the
// chord through units 0 and 1 is 0 there, and >= 0 and nondecreasing past
// them; the computed deviation at unit i is within 3 + 3i of g's. So when the
// last unit's deviation is at most tol - 8m - 8, every unit's lies within
// [-tol, tol]: the sampled check would pass everywhere.
bool ChannelModel::within_line(int64_t dev_last, uint32_t m, uint64_t tol) {
  const int64_t slack = 8 * int64_t(m) + 8;
  return int64_t(tol) >= slack && dev_last <= int64_t(tol) - slack;
}

bool ChannelModel::read_batch(const PageAddr& a, uint32_t n, uint32_t last_bytes, Batch& bt) {
  const uint32_t planes = cfg_.planes_per_die;
  const uint32_t units = planes * cfg_.dies_per_channel();
  const uint32_t f0 = a.die * planes + a.plane;
  const uint32_t page = cfg_.page_size_bytes;
  const bool indep = cfg_.independent_plane_reads;
  if (n == 0 || (!indep && a.plane + n > planes) || a.column != 0 ||
      a.block >= cfg_.blocks_per_plane || a.page >= cfg_.pages_per_block || last_bytes == 0 ||
      last_bytes > page)
    return false;
  // Unit of page i (rounds wrap to the next page index).
  const auto unit = [&](uint32_t i) {
    const uint32_t x = f0 + i;  // within two rounds but for a batch's last page
    return x < units ? x : x - units < units ? x - units : x % units;
  };
  if (fault_ || !stuck_.empty() || !cfg_.preprogrammed || n_.erase_ops != 0) return false;
  {
    // Keep the line exact within one page transfer: book only the prefix
    // whose units are ready (free, and the page issued) on a line; where a
    // unit's readiness leaves it (an earlier batch of another job left its
    // planes busy on another line), the batch stops, so a later part can
    // use the bus before an earlier one, as page reads do.
    const uint64_t tol = xfer_ps(page);
    // Past its round a batch is one fluid only while the bus binds: when the
    // units (plane reads) bind, pages come a round at a time, a staircase
    // the line would smooth over; book to the round's end then.
    const uint64_t per_page_bus = xfer_ps(page) + (cfg_.cmd_on_data_bus ? cfg_.t_cmd_addr_ps : 0);
    const uint64_t cycle = cfg_.t_cmd_addr_ps + cfg_.t_read_ps + per_page_bus;
    if (n > units - f0 && cycle > uint64_t(units) * per_page_bus) {
      bt.issue_last = TimeRun{n, bt.issue_first, bt.issue_last}.at(units - f0 - 1);
      n = units - f0;
      last_bytes = page;
    }
    const TimeRun iss{n, bt.issue_first, bt.issue_last};
    const double iss_step = n > 1 ? double(bt.issue_last - bt.issue_first) / double(n - 1) : 0.0;
    const auto ready = [&](uint32_t i) -> int64_t {
      const uint32_t f = unit(i);
      const uint64_t unit = indep ? std::max(arr_free_[f], reg_free(f)) : reg_free(f);
      return std::max(int64_t(unit), int64_t(bt.issue_first) + int64_t(iss_step * double(i)));
    };
    // Units of the first round only: later pages follow this batch's own.
    const uint32_t m = std::min(n, units);
    if (m > 2) {
      // Checked at 16 points, not every unit: a unit off the line is (in
      // practice) a run of units left by one earlier batch, wider than m/16.
      // Where one unit line sets every unit's time, the last unit tells at
      // once that the check would pass (within_line).
      const int64_t r0 = ready(0), step = ready(1) - r0;
      const auto dev = [&](uint32_t i) { return ready(i) - (r0 + step * int64_t(i)); };
      const auto off = [&](int64_t d) { return d > int64_t(tol) || -d > int64_t(tol); };
      const bool on_line = units_on_one_line(f0, m, bt.issue_last - bt.issue_first) &&
                           within_line(dev(m - 1), m, tol);
      const uint32_t stride = std::max<uint32_t>(1, m / 16);
      for (uint32_t i = 2; !on_line; i = std::min(i + stride, m - 1)) {
        if (off(dev(i))) {
          // Back to the first unit off the line within the last stride.
          uint32_t k = i > stride ? i - stride + 1 : 2;
          while (k < i && !off(dev(k))) ++k;
          bt.issue_last = iss.at(k - 1);
          n = k;
          last_bytes = page;
          break;
        }
        if (i == m - 1) break;
      }
    }
  }

  // Retry bound: RBER at most the worst P/E count, reads since erase and age
  // so far; P(a codeword has > t errors) <= P(X = t+1) / (1 - lambda/(t+2))
  // for X ~ Poisson(lambda), lambda < t + 2. The check is made for a horizon
  // (kBatchCodewords codewords, 65536 more reads per block, one more hour)
  // and reused until the batch leaves it: RBER only grows with those.
  const uint32_t pe = std::max(cfg_.initial_pe_cycles, n_.max_pe_cycles);
  if (pe != pe_term_pe_) {
    pe_term_pe_ = pe;
    pe_term_ = rber_pe_term(cfg_, pe);
  }
  const uint32_t cw_bytes = cfg_.ecc_codeword_bytes;
  const auto codewords = [&](uint32_t pages, uint32_t last) {
    return uint64_t(pages - 1) * page_codewords_ + (last + cw_bytes - 1) / cw_bytes;
  };
  uint64_t cws = codewords(n, last_bytes);
  const uint64_t reads = n_.max_reads_since_erase + batch_wear_bound_ + 1;
  const auto lambda_at = [&](uint64_t rd, uint64_t t_ps) {
    const double age_h = double(t_ps) / kPsPerHour + cfg_.retention_hours_at_start;
    return rber_with_pe_term(cfg_, pe_term_, rd, age_h) * cw_bytes * 8.0;
  };
  const auto tail_ok = [&](double lambda, double codewords) {
    const double t2 = double(cfg_.ecc_correctable_bits) + 2.0;
    if (lambda <= 0) return true;
    if (lambda >= t2) return false;
    const double log_tail = -lambda + (t2 - 1.0) * std::log(lambda) - lgamma_t2_ - std::log1p(-lambda / t2);
    return std::log(codewords) + log_tail <= std::log(kBatchRetryBound);
  };
  if (pe != retry_ok_pe_ || reads > retry_ok_reads_ || bt.issue_last > retry_ok_ps_ ||
      cws > kBatchCodewords) {
    const uint64_t h_reads = reads + 65536, h_ps = bt.issue_last + uint64_t(kPsPerHour);
    if (cws <= kBatchCodewords && tail_ok(lambda_at(h_reads, h_ps), double(kBatchCodewords))) {
      retry_ok_pe_ = pe;
      retry_ok_reads_ = h_reads;
      retry_ok_ps_ = h_ps;
    } else if (!tail_ok(lambda_at(reads, bt.issue_last), double(cws))) {
      return false;
    }
  }

  // Timing of the first and the last page (see the header); the units in
  // between get free times on the line between theirs.
  const uint64_t c = cfg_.t_cmd_addr_ps, tr = cfg_.t_read_ps;
  const uint64_t s = cfg_.cmd_on_data_bus ? c : 0;
  const uint64_t x = xfer_ps(page);
  const uint64_t x_bus = x + s;  // per page: data-out plus its command slot
  const auto arr = [&](uint32_t f) -> uint64_t& { return arr_free_[indep ? f : f / planes]; };
  // The first page's array end: the same for every prefix of the batch.
  const uint64_t ae_f = std::max({bt.issue_first, arr(f0), reg_free(f0)}) + c + tr;
  struct Block {
    uint64_t ae_l, first_x, x_last, span, earliest;
  };
  const auto block_of = [&](uint32_t n, uint32_t last_bytes, uint64_t issue_last) {
    Block b;
    const uint32_t fl = unit(n - 1);
    // The last page waits for its unit: from before the batch, or (a batch
    // longer than a round) for this batch's page a round earlier.
    uint64_t ae_l = std::max(issue_last, n > units ? 0 : std::max(arr(fl), reg_free(fl))) + c + tr;
    if (!indep) ae_l = std::max(ae_l, ae_f + uint64_t(n - 1) * (c + tr));  // one die's array
    b.ae_l = ae_l;
    // The batch's data-outs as one block on the bus, in the earliest gap
    // that starts after the first page's data is ready and ends no earlier
    // than the last page's could (Bus::reserve: the gap search of page
    // reads). Longer than a round, each unit reads one page per cmd + tR +
    // data-out, so the pages are at least (c + tR + s + x) / units apart.
    b.x_last = xfer_ps(last_bytes);
    b.first_x = n == 1 ? b.x_last : x;
    const uint64_t len = uint64_t(n - 1) * x_bus + b.x_last;
    b.span = n > units ? std::max(len, b.first_x + uint64_t(n - 1) * (c + tr + s + x) / units) : len;
    b.earliest = std::max(ae_f, ae_l + b.x_last > b.span ? ae_l + b.x_last - b.span : 0) + s;
    return b;
  };
  // Page reads fill the bus's gaps page by page; the block takes the first
  // gap that holds all of it. Where the first page would go into an earlier
  // gap, book only the pages that fit there (a prefix: the caller issues the
  // rest again), so a long batch does not pass over gaps page reads would
  // use (and come out later than they would).
  // Where the first page alone would go, and the end of its gap.
  uint64_t gap_end = 0;
  const uint64_t at0 = bus_.peek(ae_f + s, x, s, gap_end);
  Block blk = block_of(n, last_bytes, bt.issue_last);
  for (int pass = 0; pass < 8 && n > 1; ++pass) {
    uint64_t block_gap_end = 0;  // unused: the block's own gap holds it
    const uint64_t at = bus_.peek(blk.earliest, blk.span, s, block_gap_end);
    if (at0 >= at || gap_end > at) break;  // no reserved interval between: the same gap
    const uint64_t room = gap_end - at0;
    const uint32_t k = uint32_t(std::min<uint64_t>(n - 1, room >= x ? 1 + (room - x) / x_bus : 1));
    bt.issue_last = TimeRun{n, bt.issue_first, bt.issue_last}.at(k - 1);
    n = k;
    last_bytes = page;
    blk = block_of(n, last_bytes, bt.issue_last);
  }
  bt.booked = n;
  cws = codewords(n, last_bytes);  // of the booked prefix
  const double lambda = lambda_at(reads, bt.issue_last);
  const uint64_t first_x = blk.first_x, x_last = blk.x_last, span = blk.span, earliest = blk.earliest;
  const uint64_t ae_l = blk.ae_l;
  const uint64_t busy0 = bus_.busy_ps;
  const uint64_t start = bus_.reserve(earliest, span, bt.issue_first, s);
  bus_.busy_ps = busy0 + uint64_t(n - 1) * x + x_last + (cfg_.cmd_on_data_bus ? uint64_t(n) * c : 0);
  const uint64_t out_f = start + first_x;
  const uint64_t out_l = start + span;
  {
    // The units of the last round get their register free times on the
    // line, kept as the line (UnitLine) until a page operation needs the
    // array. Their array free times are not written: a read's array ends
    // before its data-out, so the register's time is the later one every
    // operation waits for.
    UnitLine l;
    l.i0 = n > units ? n - units : 0;
    l.f = unit(l.i0);
    l.count = n - l.i0;
    l.out_first = out_f;
    l.dist = out_l - out_f;
    l.den = pnm::Divisor(n > 1 ? n - 1 : 1);
    if (l.count == units) {
      unit_lines_.clear();  // covers every unit
    } else {
      // Drop older lines inside this one's range: they are hidden.
      const auto inside = [&](const UnitLine& o) {
        const uint32_t k = o.f >= l.f ? o.f - l.f : o.f + units - l.f;
        return k + o.count <= l.count;
      };
      unit_lines_.erase(std::remove_if(unit_lines_.begin(), unit_lines_.end(), inside), unit_lines_.end());
    }
    if (unit_lines_.size() == kMaxUnitLines) {
      apply_line(unit_lines_.front());
      unit_lines_.erase(unit_lines_.begin());
    }
    unit_lines_.push_back(l);
  }
  if (!indep) {
    arr(f0) = std::max(arr(f0), ae_l);
    arr_free_max_ = std::max(arr_free_max_, ae_l);
  }
  n_.array_busy_ps += uint64_t(n) * tr;
  bt.done_first = out_f + cfg_.t_ecc_decode_ps;
  bt.done_last = out_l + cfg_.t_ecc_decode_ps;
  const uint64_t lat_f = bt.done_first - bt.issue_first, lat_l = bt.done_last - bt.issue_last;
  const uint64_t lat_sum = (lat_f + lat_l) * n / 2;
  n_.read_latency_max_ps = std::max({n_.read_latency_max_ps, lat_f, lat_l});

  // Counters, energy, ECC by expectation, wear in bulk.
  const uint64_t bytes = uint64_t(n - 1) * page + last_bytes;
  n_.read_ops += n;
  n_.read_pages += n;
  n_.read_bytes += bytes;
  book_array_reads(n, bytes);
  n_.read_latency_sum_ps += lat_sum;
  n_.last_done_ps = std::max(n_.last_done_ps, bt.done_last);
  n_.bus_busy_ps = bus_.busy_ps;
  n_.codewords_decoded += cws;
  n_.energy_ecc_pj += cfg_.energy_ecc_decode_pj_per_codeword * double(cws);
  batch_corrected_frac_ += double(cws) * lambda;
  const double whole = std::floor(batch_corrected_frac_);
  n_.corrected_bits += uint64_t(whole);
  batch_corrected_frac_ -= whole;
  {
    // One read per page on its block: round by round (page index, then block,
    // advance when the units wrap).
    uint32_t f = f0, page_in_block = a.page, blk = a.block;
    for (uint32_t left = n; left > 0;) {
      const uint32_t k = std::min(left, units - f);
      if (blk != wear_blk_ || !wear_diff_) {
        wear_blk_ = blk;
        wear_diff_ = &batch_wear_[blk];  // nodes stay put until the flush clears the map
      }
      std::vector<int64_t>& diff = *wear_diff_;
      if (diff.empty()) diff.assign(size_t(units) + 1, 0);
      diff[f] += 1;
      diff[f + k] -= 1;
      left -= k;
      f = 0;
      if (++page_in_block == cfg_.pages_per_block) {
        page_in_block = 0;
        ++blk;
      }
    }
  }
  batch_wear_bound_ += (n + units - 1) / units + 1;  // rounds a block may have seen
  return true;
}

void ChannelModel::count_rejected(FlashStatus s) {
  if (s == FlashStatus::AddressError) ++n_.address_errors;
  else if (s == FlashStatus::BadRequest) ++n_.bad_requests;
}

uint64_t ChannelModel::read_attempt(const PageAddr& a, uint32_t n, uint32_t bytes, bool cache, uint64_t issue,
                                    uint64_t prune, uint64_t* done, uint64_t* array_end) {
  const size_t base = size_t(a.die) * cfg_.planes_per_die + a.plane;
  uint64_t ready = issue;
  for (uint32_t i = 0; i < n; ++i) {
    ready = std::max(ready, arr_free(a.die, a.plane + i));
    if (!cache) ready = std::max(ready, reg_free_[base + i]);
  }
  const uint64_t cmd = cfg_.t_cmd_addr_ps * n;
  const uint64_t cs = cfg_.cmd_on_data_bus ? bus_.reserve(ready, cmd, prune) : ready;
  const uint64_t as = cs + cmd, ae = as + cfg_.t_read_ps;
  n_.array_busy_ps += cfg_.t_read_ps;
  uint64_t data_ready = ae;
  if (cache) {
    uint64_t cp = ae;  // the copy waits until the previous page left the cache register
    for (uint32_t i = 0; i < n; ++i) cp = std::max(cp, cache_free_[base + i]);
    data_ready = cp + cfg_.t_cache_copy_ps;
    for (uint32_t i = 0; i < n; ++i) arr_free(a.die, a.plane + i) = data_ready;
    arr_free_max_ = std::max(arr_free_max_, data_ready);
  } else {
    for (uint32_t i = 0; i < n; ++i) arr_free(a.die, a.plane + i) = ae;
    arr_free_max_ = std::max(arr_free_max_, ae);
  }
  // With cmd/addr on the data bus, a data-out is preceded by a free bus slot
  // of n*c for the next command to a die (the controller sends short commands
  // before long data-outs; for a cache read this is the 31h that starts the
  // next page), so it starts no earlier than n*c after its data is ready.
  const uint64_t slot = cfg_.cmd_on_data_bus ? cmd : 0;
  const uint64_t x = xfer_ps(bytes);
  uint64_t t = data_ready + slot;
  for (uint32_t i = 0; i < n; ++i) {
    t = bus_.reserve(t, x, prune, i == 0 ? slot : 0) + x;
    (cache ? cache_free_ : reg_free_)[base + i] = t;
    done[i] = t + cfg_.t_ecc_decode_ps;
  }
  book_array_reads(n, uint64_t(bytes) * n);
  *array_end = ae;
  return as;
}

void ChannelModel::book_array_reads(uint64_t pages, uint64_t bytes) {
  n_.energy_read_pj += cfg_.energy_read_pj_per_page * double(pages);
  n_.energy_transfer_pj += cfg_.energy_transfer_pj_per_bit * 8.0 * double(bytes);
  n_.array_reads += pages;
}

// A codeword has errors with probability 1 - exp(-lambda), independently of
// the others: the codewords with errors are those where an exponential clock
// of rate 1, run down by each codeword's lambda, expires (it is memoryless,
// so lambda may change from page to page). A page without errors, nearly
// every page at the RBERs of a working device, then costs one comparison
// instead of a draw per codeword; a codeword with errors draws its count
// from Poisson(lambda) conditioned on >= 1, and a new clock. The counts have
// the distribution of independent Poisson(lambda) draws (not the same
// values, since the random stream is used differently). `hit(k, errors)`
// is called for each codeword k with errors, in order.
template <class Hit>
void ChannelModel::draw_sparse(double lambda, uint32_t cws, Hit&& hit) {
  if (err_clock_ < 0) err_clock_ = exp1(rng_);
  const double total = lambda * cws;
  if (err_clock_ > total) {
    err_clock_ -= total;
    return;
  }
  for (uint32_t k = 0; k < cws; ++k) {
    if (err_clock_ > lambda) {
      err_clock_ -= lambda;
      continue;
    }
    hit(k, poisson_at_least_one(rng_, lambda));
    err_clock_ = exp1(rng_);
  }
}

bool ChannelModel::decode(const PageAddr& a, uint32_t attempt, double r, uint32_t bytes,
                          PageStatus& st) {
  const uint32_t cw_bytes = cfg_.ecc_codeword_bytes;
  const uint32_t cws = bytes == cfg_.page_size_bytes ? page_codewords_ : (bytes + cw_bytes - 1) / cw_bytes;
  const double lambda = r * cw_bytes * 8.0;
  double e = -1.0;  // exp(-lambda), once a draw needs it
  uint32_t sum = 0, worst = 0;
  const auto draw_all = [&](auto errors_of) {
    for (uint32_t k = 0; k < cws; ++k) {
      const uint32_t errs = errors_of(k);
      sum += errs;
      worst = std::max(worst, errs);
    }
  };
  const bool sparse = lambda > 0 && lambda <= kSparseErrorsUpTo;
  if (fault_) {
    // The draws a run without the hook makes, a forced count replacing the
    // drawn one: a run with faults differs from a clean run only where a
    // fault is forced.
    drawn_.assign(cws, 0);
    if (sparse) {
      draw_sparse(lambda, cws, [&](uint32_t k, uint32_t errs) { drawn_[k] = errs; });
    } else {
      for (uint32_t& d : drawn_) d = poisson(rng_, lambda, e);
    }
    draw_all([&](uint32_t k) {
      const std::optional<uint32_t> forced = fault_(FaultSite{channel_, a, attempt, k});
      return forced ? *forced : drawn_[k];
    });
  } else if (sparse) {
    draw_sparse(lambda, cws, [&](uint32_t, uint32_t errs) {
      sum += errs;
      worst = std::max(worst, errs);
    });
  } else if (lambda > 0 && lambda <= kPoissonNormalAbove) {
    // lambda tested once, not per codeword (the same draws).
    const double zero_at_or_below = poisson_zero_at_or_below(lambda);
    draw_all([&](uint32_t) { return poisson_small(rng_, lambda, zero_at_or_below, e); });
  } else {
    draw_all([&](uint32_t) { return poisson(rng_, lambda, e); });
  }
  n_.codewords_decoded += cws;
  n_.energy_ecc_pj += cfg_.energy_ecc_decode_pj_per_codeword * cws;
  st.max_codeword_errors = worst;
  if (worst > cfg_.ecc_correctable_bits) return false;
  st.corrected_bits = sum;
  return true;
}

OpResult ChannelModel::read(const OpRequest& r, PageStatus* status) {
  OpResult res;
  const uint32_t n = r.planes;
  done_scratch_.resize(n);
  const bool cache = r.op == FlashOp::CacheRead;
  // Divided first, so that the division's latency overlaps read_attempt().
  const double now_h = double(r.issue_ps) / kPsPerHour;
  res.array_start_ps =
      read_attempt(r.addr, n, r.bytes, cache, r.issue_ps, r.issue_ps, done_scratch_.data(), &res.array_end_ps);
  ++n_.read_ops;
  n_.read_pages += n;
  n_.read_bytes += uint64_t(r.bytes) * n;
  if (cache) ++n_.cache_read_ops;
  if (n > 1) ++n_.multi_plane_ops;

  uint64_t op_done = 0;
  PageStatus scratch;
  for (uint32_t i = 0; i < n; ++i) {
    PageAddr pa = r.addr;
    pa.plane += i;
    Block& b = block(pa);  // node-based map: the reference survives inserts
    // Filled in place: a copy of a just-written PageStatus is a 16-byte load
    // of two 8-byte stores, which the store buffer cannot forward (a stall
    // every page read paid).
    PageStatus& st = status ? status[i] : scratch;
    st = PageStatus{};
    uint64_t t_done = done_scratch_[i];
    if (!programmed(b, pa.page)) {
      ++b.reads;
      ++n_.erased_page_reads;  // erased page: the controller sees all-ones, no ECC
    } else {
      if (b.pe != pe_term_pe_) {
        pe_term_pe_ = b.pe;
        pe_term_ = rber_pe_term(cfg_, b.pe);
      }
      const double r0 = rber_with_pe_term(cfg_, pe_term_, b.reads, now_h - b.origin_h);
      ++b.reads;
      st.rber = r0;
      bool ok = decode(pa, 0, r0, r.bytes, st);
      uint32_t k = 0;
      while (!ok && k < cfg_.max_read_retries) {
        ++k;
        uint64_t d = 0;
        uint64_t array_end = 0;
        read_attempt(pa, 1, r.bytes, false, t_done, r.issue_ps, &d, &array_end);
        t_done = d;
        ++b.reads;
        ok = decode(pa, k, r0 * std::pow(cfg_.retry_rber_factor, double(k)), r.bytes, st);
      }
      st.retries = k;
      st.uncorrectable = !ok;
      n_.retries += k;
      if (k) ++n_.retried_pages;
      if (ok) n_.corrected_bits += st.corrected_bits;
      else ++n_.uncorrectable_pages;
      res.retries = std::max(res.retries, k);
      res.corrected_bits += st.corrected_bits;
      res.uncorrectable_pages += ok ? 0 : 1;
    }
    n_.max_reads_since_erase = std::max(n_.max_reads_since_erase, b.reads);
    op_done = std::max(op_done, t_done);
  }
  if (!stuck_.empty()) {
    for (const StuckDie& sd : stuck_) {
      if (sd.die == r.addr.die && r.issue_ps >= sd.from_ps) {
        op_done += sd.delay_ps;
        ++n_.stuck_reads;
        break;
      }
    }
  }
  res.done_ps = op_done;
  res.status = res.uncorrectable_pages ? FlashStatus::Uncorrectable : FlashStatus::Ok;
  const uint64_t lat = op_done - r.issue_ps;
  n_.read_latency_sum_ps += lat;
  n_.read_latency_max_ps = std::max(n_.read_latency_max_ps, lat);
  finish(res);
  return res;
}

OpResult ChannelModel::program(const OpRequest& r) {
  OpResult res;
  const uint32_t n = r.planes;
  for (uint32_t i = 0; i < n; ++i) {
    PageAddr pa = r.addr;
    pa.plane += i;
    if (programmed(block(pa), pa.page)) {
      ++n_.not_erased_errors;
      res.status = FlashStatus::NotErased;
      res.done_ps = r.issue_ps;
      finish(res);
      return res;
    }
  }
  const size_t base = size_t(r.addr.die) * cfg_.planes_per_die + r.addr.plane;
  uint64_t ready = r.issue_ps;
  for (uint32_t i = 0; i < n; ++i)
    ready = std::max({ready, arr_free(r.addr.die, r.addr.plane + i), reg_free_[base + i]});
  const uint64_t cmd = cfg_.t_cmd_addr_ps * n;
  uint64_t t = (cfg_.cmd_on_data_bus ? bus_.reserve(ready, cmd, r.issue_ps) : ready) + cmd;
  const uint64_t x = xfer_ps(r.bytes);
  for (uint32_t i = 0; i < n; ++i) t = bus_.reserve(t, x, r.issue_ps) + x;
  res.array_start_ps = t;
  res.array_end_ps = res.done_ps = t + cfg_.t_prog_ps;
  n_.array_busy_ps += cfg_.t_prog_ps;
  const double now_h = double(t) / kPsPerHour;
  for (uint32_t i = 0; i < n; ++i) {
    PageAddr pa = r.addr;
    pa.plane += i;
    arr_free(pa.die, pa.plane) = res.done_ps;
    arr_free_max_ = std::max(arr_free_max_, res.done_ps);
    reg_free_[base + i] = res.done_ps;
    Block& b = block(pa);
    b.programmed[pa.page >> 6] |= uint64_t(1) << (pa.page & 63);
    if (!b.has_data) b.origin_h = now_h;
    b.has_data = true;
  }
  ++n_.program_ops;
  n_.program_pages += n;
  n_.program_bytes += uint64_t(r.bytes) * n;
  n_.energy_program_pj += cfg_.energy_program_pj_per_page * n;
  n_.energy_transfer_pj += cfg_.energy_transfer_pj_per_bit * 8.0 * double(r.bytes) * n;
  finish(res);
  return res;
}

OpResult ChannelModel::erase(const OpRequest& r) {
  OpResult res;
  const uint32_t n = r.planes;
  const size_t base = size_t(r.addr.die) * cfg_.planes_per_die + r.addr.plane;
  uint64_t ready = r.issue_ps;
  for (uint32_t i = 0; i < n; ++i)
    ready = std::max({ready, arr_free(r.addr.die, r.addr.plane + i), reg_free_[base + i]});
  const uint64_t cmd = cfg_.t_cmd_addr_ps * n;
  const uint64_t t = (cfg_.cmd_on_data_bus ? bus_.reserve(ready, cmd, r.issue_ps) : ready) + cmd;
  res.array_start_ps = t;
  res.array_end_ps = res.done_ps = t + cfg_.t_erase_ps;
  n_.array_busy_ps += cfg_.t_erase_ps;
  for (uint32_t i = 0; i < n; ++i) {
    PageAddr pa = r.addr;
    pa.plane += i;
    arr_free(pa.die, pa.plane) = res.done_ps;
    arr_free_max_ = std::max(arr_free_max_, res.done_ps);
    reg_free_[base + i] = res.done_ps;
    Block& b = block(pa);
    ++b.pe;
    b.reads = 0;
    b.has_data = false;
    b.all_programmed = false;
    std::fill(b.programmed.begin(), b.programmed.end(), 0);
    if (b.pe > cfg_.endurance_pe_cycles) ++n_.erases_beyond_endurance;
    n_.max_pe_cycles = std::max(n_.max_pe_cycles, b.pe);
  }
  ++n_.erase_ops;
  n_.erase_blocks += n;
  n_.energy_erase_pj += cfg_.energy_erase_pj_per_block * n;
  finish(res);
  return res;
}

OpResult ChannelModel::execute(const OpRequest& r, PageStatus* status) {
  OpResult bad;
  bad.done_ps = r.issue_ps;
  const PageAddr& a = r.addr;
  if (r.planes == 0 || a.die >= cfg_.dies_per_channel() || a.plane >= cfg_.planes_per_die ||
      r.planes > cfg_.planes_per_die - a.plane || a.block >= cfg_.blocks_per_plane ||
      a.page >= cfg_.pages_per_block || a.column >= cfg_.page_size_bytes) {
    bad.status = FlashStatus::AddressError;
    ++n_.address_errors;
    return bad;
  }
  const bool is_read = r.op == FlashOp::Read || r.op == FlashOp::CacheRead;
  const bool ok_shape =
      is_read ? (r.bytes > 0 && r.bytes <= cfg_.page_size_bytes - a.column &&
                 (r.planes == 1 || (a.column == 0 && r.bytes == cfg_.page_size_bytes)))
      : r.op == FlashOp::Program ? (a.column == 0 && r.bytes == cfg_.page_size_bytes)
      : r.op == FlashOp::Erase;
  if (!ok_shape) {
    bad.status = FlashStatus::BadRequest;
    ++n_.bad_requests;
    return bad;
  }
  return execute_valid(r, status);
}

OpResult ChannelModel::execute_valid(const OpRequest& r, PageStatus* status) {
  flush_batch_wear();
  for (const UnitLine& l : unit_lines_) apply_line(l);
  unit_lines_.clear();
  // Returned as the callee's prvalue, straight into the caller's result:
  // a copy of a just-written OpResult is a 16-byte load of 8-byte stores,
  // which stalls on store forwarding (read, program and erase end with
  // finish()).
  return r.op == FlashOp::Read || r.op == FlashOp::CacheRead ? read(r, status)
         : r.op == FlashOp::Program                          ? program(r)
                                                             : erase(r);
}

void ChannelModel::report(pnm::Stats& s, const std::string& p) const {
  flush_batch_wear();
  const Counters& c = n_;
  s.set(p + ".read.ops", c.read_ops, "ops");
  s.set(p + ".read.pages", c.read_pages, "pages");
  s.set(p + ".read.bytes", c.read_bytes, "B");
  s.set(p + ".read.cache_ops", c.cache_read_ops, "ops");
  s.set(p + ".read.multi_plane_ops", c.multi_plane_ops, "ops");
  s.set(p + ".read.array_reads", c.array_reads, "pages", "array senses incl. read-retry");
  s.set(p + ".read.erased_pages", c.erased_page_reads, "pages", "reads of unprogrammed pages");
  s.set(p + ".read.latency_avg",
        c.read_ops ? double(c.read_latency_sum_ps) / double(c.read_ops) / 1e3 : 0.0, "ns");
  s.set(p + ".read.latency_max", double(c.read_latency_max_ps) / 1e3, "ns");
  s.set(p + ".program.ops", c.program_ops, "ops");
  s.set(p + ".program.pages", c.program_pages, "pages");
  s.set(p + ".program.bytes", c.program_bytes, "B");
  s.set(p + ".erase.ops", c.erase_ops, "ops");
  s.set(p + ".erase.blocks", c.erase_blocks, "blocks");
  s.set(p + ".ecc.codewords", c.codewords_decoded, "codewords");
  s.set(p + ".ecc.corrected_bits", c.corrected_bits, "bits");
  s.set(p + ".ecc.retries", c.retries, "reads", "read-retry steps");
  s.set(p + ".ecc.retried_pages", c.retried_pages, "pages");
  s.set(p + ".ecc.uncorrectable_pages", c.uncorrectable_pages, "pages");
  s.set(p + ".errors.not_erased", c.not_erased_errors, "ops", "program of a programmed page");
  s.set(p + ".errors.address", c.address_errors, "ops");
  s.set(p + ".errors.bad_request", c.bad_requests, "ops");
  if (!stuck_.empty()) s.set(p + ".faults.stuck_die_reads", c.stuck_reads, "ops", "reads delayed by a stuck-busy die");
  s.set(p + ".wear.max_pe_cycles", uint64_t(c.max_pe_cycles), "cycles");
  s.set(p + ".wear.erases_beyond_endurance", c.erases_beyond_endurance, "blocks");
  s.set(p + ".wear.max_reads_since_erase", c.max_reads_since_erase, "reads");
  s.set(p + ".wear.blocks_touched", uint64_t(blocks_.size()), "blocks");
  s.set(p + ".time.bus_busy", double(c.bus_busy_ps) / 1e3, "ns");
  s.set(p + ".time.array_busy", double(c.array_busy_ps) / 1e3, "ns", "sum over array ops");
  s.set(p + ".time.last_done", double(c.last_done_ps) / 1e3, "ns");
  s.set(p + ".read.bandwidth",
        c.last_done_ps ? double(c.read_bytes) / (double(c.last_done_ps) * 1e-12) / 1e9 : 0.0,
        "GB/s", "read bytes / last completion time");
  s.set(p + ".energy.read", c.energy_read_pj, "pJ");
  s.set(p + ".energy.program", c.energy_program_pj, "pJ");
  s.set(p + ".energy.erase", c.energy_erase_pj, "pJ");
  s.set(p + ".energy.transfer", c.energy_transfer_pj, "pJ");
  s.set(p + ".energy.ecc", c.energy_ecc_pj, "pJ");
  s.set(p + ".energy.total",
        c.energy_read_pj + c.energy_program_pj + c.energy_erase_pj + c.energy_transfer_pj +
            c.energy_ecc_pj,
        "pJ");
}

}  // namespace pnm::flash
