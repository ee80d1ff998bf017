// An MVE engine (golden, RTL or shadow) behind a TLM-2.0 target socket.
//
// Local address map (byte offsets on tgt_socket):
//
//   0x000_0000 +0x100        registers (rtl/regmap/regmap.yaml, block mve), 32-bit
//   0x001_0000 +vectors*max_cols  ACT: activation staging buffer, plain memory
//                            (DMI); vector v of a job at ACT + v * COLS
//   0x010_0000 +0x10_0000    WEIGHTS: stream port. Each write appends its bytes
//                            to the running job's row-major weight stream; the
//                            offset inside the window is ignored.
//   0x100_0000 +0x400_0000   RESULTS: the last job's rows * n int32, row-major
//                            (row r, vector v at 4 * (r * n + v)), read-only
//
// A job: write ROWS, COLS, VECS (n, 1 .. vectors; resets to 1), the n
// activation vectors to ACT (packed, COLS bytes each), CTRL.START (SKIP_ACT
// to reuse the held activations), then rows*cols bytes to WEIGHTS in one or
// more writes, then read STATUS and RESULTS. The write that completes the
// weight stream runs the engine and carries the job's time as annotated
// delay: CYCLES x clk_period (see job_cycles()); ACT writes cost no time
// because loading them is part of the job's cycles. A register access costs
// one clock period. An engine that advances SystemC time itself (the
// pin-level bridge) is run after syncing to the initiator's local time, and
// no delay is annotated for it.
//
// Errors: an offset outside every window is TLM_ADDRESS_ERROR_RESPONSE, as is
// a read past the last job's results. A weight write with no job waiting for
// weights, or with more bytes than the job still needs, and a START while a
// job waits for weights, answer TLM_COMMAND_ERROR_RESPONSE /
// TLM_GENERIC_ERROR_RESPONSE and change nothing. ROWS/COLS/VECS writes while
// a job waits for weights are ignored, as in the RTL. A job whose
// ROWS/COLS/VECS are invalid is rejected at START: STATUS shows DONE, ERROR
// and the ERR_CODE, and the engine takes the next job normally. An engine
// whose vectors * max_cols exceeds the ACT window (ACT_SIZE) is refused at
// construction (std::invalid_argument).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "tlm/common/register_bank.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace pnm::mve {

struct TargetMap {
  static constexpr uint64_t REG_BASE = 0x0000000, REG_SIZE = 0x100;
  static constexpr uint64_t ACT_BASE = 0x0010000, ACT_SIZE = 0x00F0000;
  static constexpr uint64_t W_BASE = 0x0100000, W_SIZE = 0x100000;
  static constexpr uint64_t RES_BASE = 0x1000000, RES_SIZE = 0x4000000;
};

struct TargetStats {
  uint64_t jobs = 0;
  uint64_t rejected = 0;
  uint64_t cycles = 0;
  uint64_t macs = 0;
};

class MveTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<MveTarget> tgt_socket;

  // The engine comes from make_engine(cfg) or, in tests, is a corrupted,
  // stalled or pin-level one.
  MveTarget(sc_core::sc_module_name name, const MveConfig& cfg, std::unique_ptr<Engine> engine);
  MveTarget(const MveTarget&) = delete;
  MveTarget& operator=(const MveTarget&) = delete;

  Engine& engine() { return *engine_; }
  const TargetStats& stats() const { return stats_; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);

  void wire_registers();
  void start(uint32_t ctrl);
  void write_weights(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  bool access_buffer(tlm::tlm_generic_payload& p);
  Result run_engine(const Job& job, sc_core::sc_time& delay);
  void finish_job(const Result& r, uint32_t vectors);
  uint64_t now_ps(const sc_core::sc_time& delay) const;

  MveConfig cfg_;
  std::unique_ptr<Engine> engine_;
  RegisterBank regs_;
  sc_core::sc_time clk_;

  std::vector<int8_t> act_;        // ACT window
  uint32_t act_cols_ = 0;          // columns the engine holds from the last load
  uint32_t act_vecs_ = 0;          // vectors the engine holds from the last load
  std::vector<int8_t> weights_;    // the waiting job's stream so far
  std::vector<int32_t> results_;   // RESULTS window
  Job pending_;                    // job waiting for weights (valid when busy_)
  bool busy_ = false;
  uint32_t rows_ = 0, cols_ = 0;   // ROWS/COLS as the engine latched them
  uint32_t vecs_ = regs::mve::VECS::RESET;  // VECS likewise
  uint64_t next_id_ = 0;
  sc_core::sc_time* delay_ = nullptr;  // delay of the payload being served
  TargetStats stats_;
};

}  // namespace pnm::mve
