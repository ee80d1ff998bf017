// Test harness of the PNM unit: C PnmUnits, C FlashChannels (a tiny flash
// with small geometry and sparse storage), one memory target for write-back
// (a byte map keyed by chip address) and a driver thread that programs the
// weights (flash transport_dbg backdoor, through each unit's flash_socket),
// writes activations into each unit's SRAM, pushes jobs and waits for idle.
//
// One Harness per simulation (ctest runs each test in its own process);
// several Harness objects may share one simulation (determinism test).
// Every Harness checks, when destroyed, that its body ran to the end: a body
// left waiting (sc_start returned with nothing scheduled, e.g. a unit that
// never went idle) or never started fails the test instead of passing with
// its checks unrun.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "tests/common/test_seed.hpp"
#include "tlm/common/config.hpp"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/flash/flash_channel.hpp"
#include "tlm/pnm/mve_config.hpp"
#include "tlm/pnm/pnm_unit.hpp"

namespace pnm_test {

namespace R = pnm::regs::pnm;

// Tiny flash channel, bus-bound: page 4096 B, 16-bit bus at 800 MT/s
// (1.6 GB/s, 2.56 us per page on the bus), tR 2 us on 2 dies x 4
// independent planes (8 x 4096 B / 2.01 us = 16.3 GB/s of array), separate
// command pins, ECC decode 100 ns. 16 MiB per channel.
inline std::string tiny_flash_yaml(unsigned channels, uint64_t seed, double rber = 0,
                                   const std::string& storage = "sparse") {
  char rb[64];
  std::snprintf(rb, sizeof rb, "%.3g", rber);
  return "flash:\n"
         "  name: tiny\n"
         "  seed: " + std::to_string(seed) + "\n"
         "  geometry:\n"
         "    channels: " + std::to_string(channels) + "\n"
         "    chips_per_channel: 1\n"
         "    dies_per_chip: 2\n"
         "    planes_per_die: 4\n"
         "    blocks_per_plane: 16\n"
         "    pages_per_block: 32\n"
         "    page_size_bytes: 4096\n"
         "  interface:\n"
         "    io_rate_mts: 800\n"
         "    bus_width_bits: 16\n"
         "    t_cmd_addr_ns: 10\n"
         "    cmd_on_data_bus: false\n"
         "  timing:\n"
         "    t_read_us: 2\n"
         "    t_prog_us: 50\n"
         "    t_erase_ms: 1\n"
         "    independent_plane_reads: true\n"
         "  ecc:\n"
         "    codeword_bytes: 1024\n"
         "    correctable_bits_per_codeword: 8\n"
         "    t_decode_ns: 100\n"
         "    max_read_retries: 2\n"
         "  reliability:\n"
         "    rber_base: " + std::string(rb) + "\n"
         "  storage:\n"
         "    mode: " + storage + "\n"
         "    preprogrammed: true\n";
}

inline pnm::flash::FlashConfig tiny_flash(unsigned channels, uint64_t seed, double rber = 0,
                                          const std::string& storage = "sparse") {
  return pnm::flash::load_config(pnm::ConfigReader::from_string(
      tiny_flash_yaml(channels, seed, rber, storage), "tiny_flash.yaml", "flash", "flash channel"));
}

inline pnm::pnmu::PnmConfig pnm_cfg(const std::string& kind = "tlm", uint64_t readahead = 64 * 4096,
                                    bool functional = true, uint64_t clk_ps = 1000) {
  pnm::pnmu::PnmConfig c;
  c.queue_depth = 8;
  c.act_sram_bytes = 16384;
  c.readahead_bytes = readahead;
  c.flash_queue_depth = 16;
  c.functional = functional;
  c.mve.kind = kind;
  c.mve.params.lanes = 16;
  c.mve.params.max_cols = 4096;  // the RTL build's parameters
  c.mve.params.vectors = 4;
  c.mve.clk_period_ps = clk_ps;
  return c;
}

// Write-back target: a byte map keyed by chip address. Writes at or above
// bad_from answer TLM_ADDRESS_ERROR_RESPONSE. Each write costs
// latency_ps + bytes / bytes_per_ns.
struct MemTarget : sc_core::sc_module {
  tlm_utils::multi_passthrough_target_socket<MemTarget> socket;
  std::unordered_map<uint64_t, uint8_t> bytes;
  uint64_t bad_from = uint64_t{1} << 62;
  uint64_t latency_ps = 50000;
  double bytes_per_ns = 16;
  uint64_t writes = 0;

  explicit MemTarget(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
    socket.register_b_transport(this, &MemTarget::b_transport);
  }
  void b_transport(int, tlm::tlm_generic_payload& p, sc_core::sc_time& d) {
    const uint64_t a = p.get_address(), n = p.get_data_length();
    if (a >= bad_from || n > bad_from - a) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (p.is_write()) {
      for (uint64_t i = 0; i < n; ++i) bytes[a + i] = p.get_data_ptr()[i];
      ++writes;
    } else {
      for (uint64_t i = 0; i < n; ++i) {
        auto it = bytes.find(a + i);
        p.get_data_ptr()[i] = it == bytes.end() ? 0 : it->second;
      }
    }
    d += sc_core::sc_time(static_cast<double>(latency_ps) + double(n) / bytes_per_ns * 1e3,
                          sc_core::SC_PS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  bool has(uint64_t a) const { return bytes.count(a) != 0; }
  int32_t i32(uint64_t a) const {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      auto it = bytes.find(a + i);
      v |= uint32_t(it == bytes.end() ? 0 : it->second) << (8 * i);
    }
    return static_cast<int32_t>(v);
  }
};

struct JobDesc {
  uint64_t flash = 0;
  uint32_t rows = 0, cols = 0, act_off = 0, epoch = 0;
  uint64_t dst = 0;
  uint32_t vecs = 1;        // JOB_VECS
  uint32_t dst_stride = 0;  // JOB_DST_STRIDE
};

// One GEMV: R x K int8 weights and K activations, with the reference result.
struct Gemv {
  uint32_t rows = 0, cols = 0;
  std::vector<int8_t> w, act;
  std::vector<int32_t> ref;
  Gemv(uint32_t r, uint32_t k, std::mt19937_64& rng) : rows(r), cols(k), w(uint64_t{r} * k), act(k) {
    std::uniform_int_distribution<int> d(-128, 127);
    for (auto& v : w) v = static_cast<int8_t>(d(rng));
    for (auto& v : act) v = static_cast<int8_t>(d(rng));
    ref.assign(r, 0);
    for (uint32_t i = 0; i < r; ++i) {
      int32_t acc = 0;
      for (uint32_t c = 0; c < k; ++c) acc += int32_t{w[uint64_t{i} * k + c]} * int32_t{act[c]};
      ref[i] = acc;
    }
  }
};

struct Harness : sc_core::sc_module {
  unsigned C;
  pnm::flash::FlashConfig fcfg;
  pnm::pnmu::PnmConfig pcfg;
  std::vector<std::unique_ptr<pnm::flash::FlashChannel>> flash;
  std::vector<std::unique_ptr<pnm::pnmu::PnmUnit>> units;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<Harness>>> drv;
  std::vector<std::unique_ptr<sc_core::sc_signal<bool>>> idle, err;
  MemTarget mem;
  std::function<void(Harness&)> body;
  bool stop_at_end = true;
  bool ran = false;  // the body returned (set by run(), checked in the destructor)

  SC_HAS_PROCESS(Harness);
  Harness(sc_core::sc_module_name n, unsigned channels, const pnm::flash::FlashConfig& f,
          const pnm::pnmu::PnmConfig& p, std::function<void(Harness&)> b,
          std::function<std::unique_ptr<pnm::mve::Engine>(unsigned)> engine = nullptr)
      : sc_module(n), C(channels), fcfg(f), pcfg(p), mem("mem"), body(std::move(b)) {
    for (unsigned c = 0; c < C; ++c) {
      const std::string s = std::to_string(c);
      flash.push_back(std::make_unique<pnm::flash::FlashChannel>(("flash" + s).c_str(), fcfg, c));
      auto e = engine ? engine(c) : pnm::mve::make_engine(pcfg.mve);
      units.push_back(std::make_unique<pnm::pnmu::PnmUnit>(("pnm" + s).c_str(), pcfg, c, C, fcfg,
                                                           std::move(e)));
      drv.push_back(std::make_unique<tlm_utils::simple_initiator_socket<Harness>>(("drv" + s).c_str()));
      idle.push_back(std::make_unique<sc_core::sc_signal<bool>>(("idle" + s).c_str()));
      err.push_back(std::make_unique<sc_core::sc_signal<bool>>(("err" + s).c_str()));
      units[c]->flash_socket.bind(flash[c]->tgt_socket);
      units[c]->init_socket.bind(mem.socket);
      drv[c]->bind(units[c]->tgt_socket);
      units[c]->idle_o.bind(*idle[c]);
      units[c]->error_o.bind(*err[c]);
    }
    SC_THREAD(run);
  }
  ~Harness() override {
    EXPECT_TRUE(ran) << name() << ": the harness body did not run to completion (sc_start returned "
                     << "while it was still waiting, or it never started)";
  }
  void run() {
    body(*this);
    ran = true;
    if (stop_at_end) sc_core::sc_stop();
  }

  // ---- driver ----
  tlm::tlm_response_status access(unsigned c, tlm::tlm_command cmd, uint64_t addr, void* data,
                                  unsigned len, const unsigned char* be = nullptr) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_byte_enable_ptr(const_cast<unsigned char*>(be));
    p.set_byte_enable_length(be ? len : 0);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    (*drv[c])->b_transport(p, d);
    return p.get_response_status();
  }
  tlm::tlm_response_status wr(unsigned c, uint32_t off, uint32_t v) {
    return access(c, tlm::TLM_WRITE_COMMAND, off, &v, 4);
  }
  uint32_t rd(unsigned c, uint32_t off, tlm::tlm_response_status* st = nullptr) {
    uint32_t v = 0;
    const auto s = access(c, tlm::TLM_READ_COMMAND, off, &v, 4);
    if (st) *st = s;
    return v;
  }
  void wr_all(uint32_t off, uint32_t v) {
    for (unsigned c = 0; c < C; ++c) wr(c, off, v);
  }
  void write_act(uint32_t off, const std::vector<int8_t>& a) {
    for (unsigned c = 0; c < C; ++c)
      access(c, tlm::TLM_WRITE_COMMAND, pnm::regs::addr::ACT_SRAM_OFFSET + off,
             const_cast<int8_t*>(a.data()), static_cast<unsigned>(a.size()));
  }
  void push(unsigned c, const JobDesc& j) {
    wr(c, R::JOB_FLASH_LO::OFFSET, static_cast<uint32_t>(j.flash));
    wr(c, R::JOB_FLASH_HI::OFFSET, static_cast<uint32_t>(j.flash >> 32));
    wr(c, R::JOB_ROWS::OFFSET, j.rows);
    wr(c, R::JOB_COLS::OFFSET, j.cols);
    wr(c, R::JOB_ACT_OFF::OFFSET, j.act_off);
    wr(c, R::JOB_EPOCH::OFFSET, j.epoch);
    wr(c, R::JOB_VECS::OFFSET, j.vecs);
    wr(c, R::JOB_DST_STRIDE::OFFSET, j.dst_stride);
    wr(c, R::JOB_DST_LO::OFFSET, static_cast<uint32_t>(j.dst));
    wr(c, R::JOB_DST_HI::OFFSET, static_cast<uint32_t>(j.dst >> 32));
    wr(c, R::CTRL::OFFSET, R::CTRL::PUSH::MASK);
  }
  void push_all(const JobDesc& j) {
    for (unsigned c = 0; c < C; ++c) push(c, j);
  }
  // Programs W's stripe of every channel at flash address fw (backdoor).
  void program(uint64_t fw, const Gemv& g) {
    for (unsigned c = 0; c < C; ++c) {
      const uint32_t rc = pnm::pnmu::rows_of_channel(g.rows, c, C);
      const uint32_t r0 = pnm::pnmu::first_row_of_channel(g.rows, c, C);
      if (rc == 0) continue;
      tlm::tlm_generic_payload p;
      p.set_command(tlm::TLM_WRITE_COMMAND);
      p.set_address(fw);
      p.set_data_ptr(reinterpret_cast<unsigned char*>(const_cast<int8_t*>(g.w.data())) +
                     uint64_t{r0} * g.cols);
      p.set_data_length(static_cast<unsigned>(uint64_t{rc} * g.cols));
      units[c]->flash_socket->transport_dbg(p);
    }
  }
  bool all_idle() const {
    for (const auto& u : units)
      if (!u->idle()) return false;
    return true;
  }
  // Waits until every unit is idle (or `limit` passes); returns the time.
  sc_core::sc_time wait_idle(sc_core::sc_time limit = sc_core::sc_time(1, sc_core::SC_SEC)) {
    const sc_core::sc_time end = sc_core::sc_time_stamp() + limit;
    while (!all_idle() && sc_core::sc_time_stamp() < end) {
      sc_core::sc_event_or_list l;
      for (const auto& s : idle) l |= s->value_changed_event();
      sc_core::wait(end - sc_core::sc_time_stamp(), l);
    }
    sc_core::wait(sc_core::SC_ZERO_TIME);  // let idle_o settle
    sc_core::wait(sc_core::SC_ZERO_TIME);
    return sc_core::sc_time_stamp();
  }
  // Results of rows [0, n) at dst, compared with ref; returns mismatches.
  int check(uint64_t dst, const std::vector<int32_t>& ref) const {
    int bad = 0;
    for (size_t r = 0; r < ref.size(); ++r) {
      const uint64_t a = dst + 4 * r;
      if (!mem.has(a) || mem.i32(a) != ref[r]) {
        if (bad < 5)
          std::printf("  mismatch row %zu: got %d%s, want %d\n", r, mem.i32(a),
                      mem.has(a) ? "" : " (never written)", ref[r]);
        ++bad;
      }
    }
    return bad;
  }
};

inline double ns(sc_core::sc_time t) { return t.to_seconds() * 1e9; }

// The DRAM-side address results go to in the tests (LOGIC_MEM_BASE).
inline constexpr uint64_t kDst = 0x10'0000'0000ULL;

// (a) One full GEMV plus a second, narrower one, over C channels.
inline void gemv_over_channels(unsigned C, const std::string& kind) {
  const uint64_t seed = pnm::test::seed(("PnmGemv C=" + std::to_string(C) + " " + kind).c_str(), 5);
  std::mt19937_64 rng(seed);
  Gemv g1(100, 1000, rng);  // rows not divisible by 8/32; rows span pages; cols % 16 != 0
  Gemv g2(20, 4096, rng);   // max_cols; fewer rows than 32 channels: some units get none
  const auto fcfg = tiny_flash(C, seed);
  const auto pcfg = pnm_cfg(kind);
  const uint64_t fw2 = pnm::pnmu::reserved_bytes(g1.rows, g1.cols, C, fcfg.page_size_bytes);
  int bad = -1;
  uint64_t pushed = 0, done = 0, writes = 0;
  Harness h("h", C, fcfg, pcfg, [&](Harness& t) {
    t.program(0, g1);
    t.program(fw2, g2);
    t.write_act(0, g1.act);
    t.write_act(8192, g2.act);
    t.push_all({0, g1.rows, g1.cols, 0, 1, kDst});
    t.push_all({fw2, g2.rows, g2.cols, 8192, 2, kDst + 4096});
    t.wr_all(R::ACT_EPOCH::OFFSET, 2);
    const sc_core::sc_time end = t.wait_idle();
    std::printf("[ pnm      ] C=%u kind=%s: two GEMVs done at %.1f ns\n", C, kind.c_str(), ns(end));
    bad = t.check(kDst, g1.ref) + t.check(kDst + 4096, g2.ref);
    for (unsigned c = 0; c < C; ++c) {
      pushed += t.rd(c, R::JOBS_PUSHED::OFFSET);
      done += t.rd(c, R::JOBS_DONE::OFFSET);
      EXPECT_EQ(t.rd(c, R::STATUS::OFFSET), 0u) << "unit " << c;
      EXPECT_TRUE(t.idle[c]->read()) << "unit " << c;
      EXPECT_FALSE(t.err[c]->read()) << "unit " << c;
      EXPECT_EQ(t.units[c]->engine().kind(), kind);
    }
    writes = t.mem.writes;
  });
  sc_core::sc_start();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(pushed, 2u * C);
  EXPECT_EQ(done, 2u * C);
  // One write-back per unit and job with rows: min(C, R) units per GEMV.
  EXPECT_EQ(writes, std::min<uint64_t>(C, g1.rows) + std::min<uint64_t>(C, g2.rows));
}


}  // namespace pnm_test
