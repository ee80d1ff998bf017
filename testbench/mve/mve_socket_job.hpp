// One MVE job through an MveTarget's TLM socket, in the order its address
// map documents (tlm/pnm/mve_target.hpp): ROWS, COLS, VECS, the n activation
// vectors into ACT (unless SKIP_ACT), CTRL.START, then the weights into the
// stream port in `splits` writes of uneven size. Shared by the tests, the
// pin-level testbench and bench_cosim.
#pragma once

#include <cstdint>
#include <vector>

#include "testbench/common/tlm_driver.hpp"
#include "testbench/mve/mve_sequence.hpp"
#include "tlm/pnm/mve_target.hpp"

namespace pnm::tb {

enum class SocketJob { Done, Rejected, BusError };

// act: vectors * cols bytes, vector v at act + v * cols.
inline SocketJob submit_mve_job(TlmDriver& drv, uint32_t rows, uint32_t cols, uint32_t vectors,
                                const int8_t* act, const int8_t* weights, bool skip_act, unsigned splits = 1) {
  namespace R = regs::mve;
  using M = mve::TargetMap;
  bool ok = drv.write32(M::REG_BASE + R::ROWS::OFFSET, rows) == tlm::TLM_OK_RESPONSE;
  ok = ok && drv.write32(M::REG_BASE + R::COLS::OFFSET, cols) == tlm::TLM_OK_RESPONSE;
  ok = ok && drv.write32(M::REG_BASE + R::VECS::OFFSET, vectors) == tlm::TLM_OK_RESPONSE;
  // An ACT write past the buffer fails for a job with cols > max_cols (or
  // more vectors than the engine holds); START then rejects the job, which
  // is what a bad-job test wants to see.
  if (!skip_act) drv.write(M::ACT_BASE, act, static_cast<unsigned>(uint64_t{cols} * vectors));
  const uint32_t ctrl = R::CTRL::START::MASK | (skip_act ? R::CTRL::SKIP_ACT::MASK : 0);
  ok = ok && drv.write32(M::REG_BASE + R::CTRL::OFFSET, ctrl) == tlm::TLM_OK_RESPONSE;
  if (!ok) return SocketJob::BusError;
  if (regs::get<R::STATUS::DONE>(drv.read32(M::REG_BASE + R::STATUS::OFFSET))) return SocketJob::Rejected;
  const uint64_t total = uint64_t{rows} * cols;
  uint64_t sent = 0;
  for (unsigned s = 1; s <= splits; ++s) {
    const uint64_t end = s == splits ? total : total * s / (splits + 1);  // uneven pieces
    if (end == sent) continue;
    if (drv.write(M::W_BASE + sent, weights + sent, static_cast<unsigned>(end - sent)) != tlm::TLM_OK_RESPONSE) {
      return SocketJob::BusError;
    }
    sent = end;
  }
  return SocketJob::Done;
}

inline SocketJob submit_mve_job(TlmDriver& drv, const MveJobData& d, unsigned splits = 1) {
  return submit_mve_job(drv, d.job.rows, d.job.cols, d.job.vectors, d.act.data(), d.weights.data(),
                        d.job.skip_act, splits);
}

// The last job's rows * vectors int32 results, out[r * vectors + v].
inline std::vector<int32_t> read_mve_results(TlmDriver& drv, uint32_t rows, uint32_t vectors = 1,
                                             tlm::tlm_response_status* status = nullptr) {
  std::vector<int32_t> y(uint64_t{rows} * vectors);
  const auto s = drv.read(mve::TargetMap::RES_BASE, y.data(), static_cast<unsigned>(y.size() * 4));
  if (status) *status = s;
  return y;
}

}  // namespace pnm::tb
