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

std::vector<unsigned> Fabric::group_chips(unsigned stage) const {
  std::vector<unsigned> chips(cfg_.tp);
  for (unsigned j = 0; j < cfg_.tp; ++j) chips[j] = cfg_.chip_of(stage, j);
  return chips;
}

Fabric::Outcome Fabric::meet(const Key& key, unsigned parties, unsigned side,
                             const std::function<void(Meeting&)>& fill,
                             const std::function<void(Meeting&)>& complete,
                             const std::function<void(Meeting&)>& leave) {
  std::unique_ptr<Meeting>& slot = pending_[key];
  if (!slot) {
    slot = std::make_unique<Meeting>();
    slot->arrive_ps.assign(parties, 0);
  }
  Meeting& m = *slot;
  fill(m);
  m.arrive_ps[side] = now_ps();
  if (++m.arrived == parties) {
    m.start_ps = now_ps();
    m.done_ps = m.start_ps;
    complete(m);
    const sc_core::sc_time took = ps_time(m.done_ps - m.start_ps);
    m.done.notify(took);
    if (m.done_ps > m.start_ps) sc_core::wait(took);
  } else {
    sc_core::wait(m.done);
  }
  const Outcome o{m.start_ps - m.arrive_ps[side], m.done_ps - m.start_ps, m.latency_ps, m.error};
  if (leave) leave(m);
  if (++m.left == parties) pending_.erase(key);
  return o;
}

void Fabric::book(const CollectiveCost& c, bool p2p) {
  total_.link_bytes += c.link_bytes;
  (p2p ? p2p_latency_ps_ : total_.latency_ps) += c.latency_ps;
  total_.energy_pj += c.energy_pj;
  if (!p2p) total_.steps += c.steps;
}

uint32_t Fabric::run_group(unsigned rank, const std::vector<Gather>& group) {
  const unsigned stage = cfg_.stage_of(rank), j = cfg_.tp_rank_of(rank);
  const Outcome o = meet(
      Key{0, stage, 0, next_seq_.at(rank)++}, cfg_.tp, j,
      [&](Meeting& m) {
        m.groups.resize(cfg_.tp);
        m.groups[j] = group;
      },
      [&](Meeting& m) { complete_group(m, stage); });
  RankStats& r = ranks_[rank];
  ++r.groups;
  r.wait_ps += o.wait_ps;
  r.transfer_ps += o.transfer_ps;
  r.latency_ps += o.latency_ps;
  return o.error;
}

uint32_t Fabric::send_recv(unsigned rank, unsigned peer, bool sending, Transfer& t) {
  if (peer >= cfg_.chips || peer == rank || t.bytes == 0 || t.vecs == 0) return E(R::err::BAD_P2P);
  const unsigned src = sending ? rank : peer, dst = sending ? peer : rank;
  uint64_t& seq = (sending ? sends_ : recvs_)[{src, dst}];
  const Outcome o = meet(
      Key{1, src, dst, seq++}, 2, sending ? 0 : 1,
      [&](Meeting& m) {
        m.sides.resize(2);
        m.sides[sending ? 0 : 1] = t;
      },
      [&](Meeting& m) { complete_transfer(m, src, dst); },
      [&](Meeting& m) {
        if (!sending && t.mbox && m.error == 0) t.words = std::move(m.sides[0].words);
      });
  RankStats& r = ranks_[rank];
  ++r.p2p;
  r.p2p_wait_ps += o.wait_ps;
  r.p2p_ps += o.transfer_ps;
  return o.error;
}

void Fabric::complete_group(Meeting& m, unsigned stage) {
  const unsigned n = cfg_.tp;
  for (unsigned k = 1; k < n; ++k) {
    if (m.groups[k] != m.groups[0]) m.error = E(R::err::MISMATCH);
  }
  if (m.error != 0) return;
  // The gathers go out fused: one message per step with every gather's
  // segment; the largest rank's segment sets the step (TP rank 0's: the
  // striping rule gives the low ranks the extra rows).
  uint64_t seg = 0, payload = 0;
  for (const Gather& g : m.groups[0]) {
    seg += 4ull * rank_rows(g.rows, 0, n) * g.vecs;
    payload += 4ull * g.rows * g.vecs;
  }
  const CollectiveCost c = all_gather(topo_, cfg_.link, cfg_.algorithm, seg, group_chips(stage));
  m.done_ps = m.start_ps + c.time_ps;
  m.latency_ps = c.latency_ps;
  ++groups_;
  payload_bytes_ += payload;
  transfer_ps_ += c.time_ps;
  book(c, false);
  if (functional_) copy_rows(m, stage);
  if (auto* t = trace::active()) {
    t->complete("interchip", "all-gather x" + std::to_string(m.groups[0].size()), t->track("fabric", stage),
                m.start_ps, c.time_ps,
                "{\"payload_bytes\": " + std::to_string(payload) + ", \"steps\": " + std::to_string(c.steps) +
                    ", \"latency_ps\": " + std::to_string(c.latency_ps) + "}");
  }
}

void Fabric::complete_transfer(Meeting& m, unsigned src, unsigned dst) {
  const Transfer& a = m.sides[0];
  const Transfer& b = m.sides[1];
  if (a.bytes != b.bytes || a.vecs != b.vecs || a.mbox != b.mbox) {
    m.error = E(R::err::MISMATCH);
    return;
  }
  const uint64_t bytes = uint64_t{a.bytes} * a.vecs;
  const CollectiveCost c = interchip::send_recv(topo_, cfg_.link, src, dst, bytes);
  m.done_ps = m.start_ps + c.time_ps;
  ++p2p_;
  p2p_bytes_ += bytes;
  p2p_ps_ += c.time_ps;
  book(c, true);
  if (functional_ && !a.mbox) {
    std::vector<uint8_t> buf(a.bytes);
    for (uint32_t v = 0; v < a.vecs; ++v) {
      const uint64_t from = a.buf + uint64_t{v} * a.stride - regs::addr::LOGIC_MEM_BASE;
      const uint64_t to = b.buf + uint64_t{v} * b.stride - regs::addr::LOGIC_MEM_BASE;
      if (mem_.at(src)->peek(from, buf.data(), a.bytes)) mem_.at(dst)->poke(to, buf.data(), a.bytes);
    }
  }
  if (auto* t = trace::active()) {
    t->complete("interchip", "send " + std::to_string(src) + "->" + std::to_string(dst),
                t->track("fabric p2p", src), m.start_ps, c.time_ps,
                "{\"bytes\": " + std::to_string(bytes) + ", \"latency_ps\": " + std::to_string(c.latency_ps) + "}");
  }
}

void Fabric::copy_rows(const Meeting& m, unsigned stage) {
  const unsigned n = cfg_.tp;
  std::vector<uint8_t> buf;
  for (size_t gi = 0; gi < m.groups[0].size(); ++gi) {
    for (unsigned src = 0; src < n; ++src) {
      const Gather& gs = m.groups[src][gi];
      const uint64_t bytes = 4ull * rank_rows(gs.rows, src, n), off = 4ull * rank_first_row(gs.rows, src, n);
      buf.resize(bytes);
      for (uint32_t v = 0; v < gs.vecs; ++v) {
        const uint64_t at = gs.buf + uint64_t{v} * gs.stride + off - regs::addr::LOGIC_MEM_BASE;
        if (bytes == 0 || !mem_.at(cfg_.chip_of(stage, src))->peek(at, buf.data(), bytes)) continue;
        for (unsigned dst = 0; dst < n; ++dst) {
          if (dst == src) continue;
          const Gather& gd = m.groups[dst][gi];
          mem_.at(cfg_.chip_of(stage, dst))
              ->poke(gd.buf + uint64_t{v} * gd.stride + off - regs::addr::LOGIC_MEM_BASE, buf.data(), bytes);
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
  if (cfg_.pp > 1) {  // pp = 1 keeps the tensor-parallel stats as they were
    s.set(prefix + ".p2p", p2p_, "transfers", "point-to-point transfers (SEND met by RECV)");
    s.set(prefix + ".p2p_bytes", p2p_bytes_, "B", "bytes sent point to point");
    s.set(prefix + ".p2p_ps", p2p_ps_, "ps", "time the fabric spent in point-to-point transfers");
    s.set(prefix + ".p2p_latency_ps", p2p_latency_ps_, "ps", "part of p2p_ps: link and switch latencies");
  }
  for (unsigned k = 0; k < ranks_.size(); ++k) {
    const std::string r = prefix + ".rank" + std::to_string(k);
    s.set(r + ".wait_ps", ranks_[k].wait_ps, "ps", "GO to the last rank's GO (barrier skew)");
    s.set(r + ".transfer_ps", ranks_[k].transfer_ps, "ps", "in collectives after the barrier");
    if (cfg_.pp > 1) {
      s.set(r + ".p2p_wait_ps", ranks_[k].p2p_wait_ps, "ps", "SEND / RECV to the peer's arrival (pipeline bubble)");
      s.set(r + ".p2p_ps", ranks_[k].p2p_ps, "ps", "in point-to-point transfers after both sides arrived");
    }
  }
}

CollEngine::CollEngine(sc_core::sc_module_name name)
    : sc_module(name), tgt_socket("tgt_socket"), regs_(std::string(this->name()) + ".regs", R::REGISTERS) {
  tgt_socket.register_b_transport(this, &CollEngine::b_transport);
  tgt_socket.register_transport_dbg(this, &CollEngine::transport_dbg);
  regs_.on_write(R::CTRL::OFFSET, [this](uint32_t v) { ctrl(v); });
  regs_.on_write(R::MBOX::OFFSET, [this](uint32_t v) {
    if (mbox_out_.size() >= kMboxWords) return set_status(false, E(R::err::QUEUE_FULL));
    mbox_out_.push_back(v);
  });
  regs_.on_read(R::MBOX::OFFSET, [this]() {
    const uint32_t i = regs_.value(R::MBOX_IDX::OFFSET) & R::MBOX_IDX::VALUE::MASK;
    return i < mbox_in_.size() ? mbox_in_[i] : 0u;
  });
  regs_.on_read(R::PARAMS::OFFSET, [this]() {
    const unsigned n = fabric_ != nullptr ? fabric_->config().chips : 1;
    const unsigned tp = fabric_ != nullptr ? fabric_->config().tp : 1;
    return regs::set<R::PARAMS::TP>(regs::set<R::PARAMS::CHIPS>(regs::set<R::PARAMS::RANK>(0, rank_), n - 1), tp - 1);
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
  const bool send = (v & R::CTRL::SEND::MASK) != 0, recv = (v & R::CTRL::RECV::MASK) != 0;
  if (send && recv) return set_status(false, E(R::err::BAD_P2P));
  if (send || recv) p2p(send, (v & R::CTRL::MBOX::MASK) != 0);
}

void CollEngine::p2p(bool sending, bool mbox) {
  if (fabric_ == nullptr) return set_status(false, E(R::err::NO_FABRIC));
  Transfer t;
  t.buf = (uint64_t{regs_.value(R::BUF_HI::OFFSET)} << 32) | regs_.value(R::BUF_LO::OFFSET);
  t.bytes = regs_.value(R::BYTES::OFFSET);
  t.vecs = regs_.value(R::VECS::OFFSET) & R::VECS::VALUE::MASK;
  t.stride = regs_.value(R::STRIDE::OFFSET);
  t.mbox = mbox;
  if (mbox) {
    // The message is the mailbox: BYTES must say its length, in one block.
    if (t.vecs != 1 || (sending && t.bytes != 4 * mbox_out_.size())) return set_status(false, E(R::err::BAD_P2P));
    if (sending) t.words = mbox_out_;
  }
  set_status(false, E(R::err::NONE));
  const uint32_t err = fabric_->send_recv(rank_, regs_.value(R::PEER::OFFSET) & R::PEER::VALUE::MASK, sending, t);
  set_status(err == 0, err);
  if (err != 0) return;
  regs_.set(R::P2P_DONE::OFFSET, regs_.value(R::P2P_DONE::OFFSET) + 1);
  if (mbox && sending) mbox_out_.clear();
  if (mbox && !sending) mbox_in_ = std::move(t.words);
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
