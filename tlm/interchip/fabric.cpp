#include "tlm/interchip/fabric.hpp"

#include <algorithm>

#include "tlm/common/pnm_regs.hpp"
#include "tlm/common/sim_time.hpp"
#include "tlm/common/trace.hpp"

namespace pnm::interchip {

namespace R = regs::coll;
constexpr uint32_t E(R::err e) { return static_cast<uint32_t>(e); }

Fabric::Fabric(const InterchipConfig& cfg, bool functional)
    : cfg_(cfg),
      topo_(cfg),
      functional_(functional),
      mem_(cfg.chips, nullptr),
      next_seq_(cfg.chips, 0),
      ranks_(cfg.chips) {}

uint32_t Fabric::run_group(unsigned rank, const std::vector<Gather>& group) {
  const unsigned n = cfg_.chips;
  const uint64_t seq = next_seq_.at(rank)++;
  std::unique_ptr<Pending>& slot = pending_[seq];
  if (!slot) {
    slot = std::make_unique<Pending>();
    slot->groups.resize(n);
    slot->arrive_ps.assign(n, 0);
  }
  Pending& p = *slot;
  p.groups[rank] = group;
  p.arrive_ps[rank] = now_ps();
  if (++p.arrived == n) {
    complete(p);
    if (p.done_ps > p.start_ps) sc_core::wait(sc_core::sc_time(double(p.done_ps - p.start_ps), sc_core::SC_PS));
  } else {
    sc_core::wait(p.done);
  }
  RankStats& r = ranks_[rank];
  ++r.groups;
  r.wait_ps += p.start_ps - p.arrive_ps[rank];
  r.transfer_ps += p.done_ps - p.start_ps;
  const uint32_t err = p.error;
  if (++p.left == n) pending_.erase(seq);
  return err;
}

void Fabric::complete(Pending& p) {
  const unsigned n = cfg_.chips;
  p.start_ps = now_ps();
  p.done_ps = p.start_ps;
  for (unsigned k = 1; k < n; ++k) {
    if (p.groups[k] != p.groups[0]) p.error = E(R::err::MISMATCH);
  }
  if (p.error == 0) {
    // The gathers go out fused: one message per step with every gather's
    // segment; the largest rank's segment sets the step (rank 0's: the
    // striping rule gives the low ranks the extra rows).
    uint64_t seg = 0, payload = 0;
    for (const Gather& g : p.groups[0]) {
      seg += 4ull * rank_rows(g.rows, 0, n) * g.vecs;
      payload += 4ull * g.rows * g.vecs;
    }
    const CollectiveCost c = all_gather(topo_, cfg_.link, cfg_.algorithm, seg);
    p.done_ps = p.start_ps + c.time_ps;
    ++groups_;
    payload_bytes_ += payload;
    transfer_ps_ += c.time_ps;
    total_.link_bytes += c.link_bytes;
    total_.latency_ps += c.latency_ps;
    total_.energy_pj += c.energy_pj;
    total_.steps += c.steps;
    if (functional_) copy_rows(p);
    if (auto* t = trace::active()) {
      t->complete("interchip", "all-gather x" + std::to_string(p.groups[0].size()), t->track("fabric", 0),
                  p.start_ps, c.time_ps,
                  "{\"payload_bytes\": " + std::to_string(payload) + ", \"steps\": " + std::to_string(c.steps) +
                      ", \"latency_ps\": " + std::to_string(c.latency_ps) + "}");
    }
  }
  p.done.notify(sc_core::sc_time(double(p.done_ps - p.start_ps), sc_core::SC_PS));
}

void Fabric::copy_rows(const Pending& p) {
  const unsigned n = cfg_.chips;
  std::vector<uint8_t> buf;
  for (size_t gi = 0; gi < p.groups[0].size(); ++gi) {
    for (unsigned src = 0; src < n; ++src) {
      const Gather& gs = p.groups[src][gi];
      const uint64_t bytes = 4ull * rank_rows(gs.rows, src, n), off = 4ull * rank_first_row(gs.rows, src, n);
      buf.resize(bytes);
      for (uint32_t v = 0; v < gs.vecs; ++v) {
        const uint64_t at = gs.buf + uint64_t{v} * gs.stride + off - regs::addr::LOGIC_MEM_BASE;
        if (bytes == 0 || !mem_.at(src)->peek(at, buf.data(), bytes)) continue;
        for (unsigned dst = 0; dst < n; ++dst) {
          if (dst == src) continue;
          const Gather& gd = p.groups[dst][gi];
          mem_.at(dst)->poke(gd.buf + uint64_t{v} * gd.stride + off - regs::addr::LOGIC_MEM_BASE, buf.data(), bytes);
        }
      }
    }
  }
}

void Fabric::report(Stats& s, const std::string& prefix) const {
  s.set(prefix + ".groups", groups_, "groups", "collective groups (one GO on every rank)");
  s.set(prefix + ".payload_bytes", payload_bytes_, "B", "int32 result rows gathered (whole vectors)");
  s.set(prefix + ".link_bytes", total_.link_bytes, "B", "bytes x link traversals");
  s.set(prefix + ".steps", uint64_t{total_.steps}, "steps", "algorithm steps");
  s.set(prefix + ".transfer_ps", transfer_ps_, "ps", "time the fabric spent in collectives");
  s.set(prefix + ".latency_ps", total_.latency_ps, "ps", "part of transfer_ps: link and switch latencies");
  s.set(prefix + ".energy_pj", total_.energy_pj, "pJ", "link energy");
  for (unsigned k = 0; k < ranks_.size(); ++k) {
    const std::string r = prefix + ".rank" + std::to_string(k);
    s.set(r + ".wait_ps", ranks_[k].wait_ps, "ps", "GO to the last rank's GO (barrier skew)");
    s.set(r + ".transfer_ps", ranks_[k].transfer_ps, "ps", "in collectives after the barrier");
  }
}

CollEngine::CollEngine(sc_core::sc_module_name name)
    : sc_module(name), tgt_socket("tgt_socket"), regs_(std::string(this->name()) + ".regs", R::REGISTERS) {
  tgt_socket.register_b_transport(this, &CollEngine::b_transport);
  tgt_socket.register_transport_dbg(this, &CollEngine::transport_dbg);
  regs_.on_write(R::CTRL::OFFSET, [this](uint32_t v) { ctrl(v); });
  regs_.on_read(R::PARAMS::OFFSET, [this]() {
    const unsigned n = fabric_ != nullptr ? fabric_->config().chips : 1;
    return regs::set<R::PARAMS::CHIPS>(regs::set<R::PARAMS::RANK>(0, rank_), n - 1);
  });
}

void CollEngine::connect(Fabric& fabric, unsigned rank) {
  fabric_ = &fabric;
  rank_ = rank;
}

void CollEngine::set_status(bool done, uint32_t err) {
  uint32_t s = regs::set<R::STATUS::DONE>(0, done ? 1 : 0);
  s = regs::set<R::STATUS::ERROR>(s, err != 0 ? 1 : 0);
  regs_.set(R::STATUS::OFFSET, regs::set<R::STATUS::ERR_CODE>(s, err));
}

void CollEngine::ctrl(uint32_t v) {
  if ((v & R::CTRL::PUSH::MASK) != 0) {
    Gather g;
    g.buf = (uint64_t{regs_.value(R::BUF_HI::OFFSET)} << 32) | regs_.value(R::BUF_LO::OFFSET);
    g.rows = regs_.value(R::ROWS::OFFSET) & R::ROWS::VALUE::MASK;
    g.vecs = regs_.value(R::VECS::OFFSET) & R::VECS::VALUE::MASK;
    g.stride = regs_.value(R::STRIDE::OFFSET);
    if (queue_.size() >= kQueueDepth) return set_status(false, E(R::err::QUEUE_FULL));
    if (g.rows == 0 || g.vecs == 0) return set_status(false, E(R::err::BAD_GATHER));
    queue_.push_back(g);
  }
  if ((v & R::CTRL::GO::MASK) != 0) {
    if (fabric_ == nullptr) return set_status(false, E(R::err::NO_FABRIC));
    if (queue_.empty()) return set_status(false, E(R::err::EMPTY));
    set_status(false, E(R::err::NONE));
    const std::vector<Gather> group = std::move(queue_);
    queue_.clear();
    const uint32_t err = fabric_->run_group(rank_, group);
    set_status(err == 0, err);
    regs_.set(R::GROUPS_DONE::OFFSET, regs_.value(R::GROUPS_DONE::OFFSET) + 1);
  }
}

void CollEngine::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  // GO blocks until the group is done on every rank: bring the initiator's
  // decoupled time into the kernel first, so the barrier sees true times.
  if (p.is_write() && p.get_address() == R::CTRL::OFFSET) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  regs_.transport(p);
}

unsigned CollEngine::transport_dbg(tlm::tlm_generic_payload& p) { return regs_.debug(p); }

}  // namespace pnm::interchip
