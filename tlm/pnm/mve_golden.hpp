// The MVE golden model: the numerics contract and the cycle formula in plain
// C++, with the same activation-buffer state as the RTL.
#pragma once

#include "tlm/pnm/mve_engine.hpp"

namespace pnm::mve {

class GoldenEngine final : public Engine {
 public:
  explicit GoldenEngine(const Params& params);

  Result run(const Job& job) override;
  const Params& params() const override { return params_; }
  std::string_view kind() const override { return "tlm"; }

 private:
  Params params_;
  std::vector<int8_t> act_;  // the activation buffer: act_vecs_ vectors of act_cols_ bytes
  uint32_t act_cols_ = 0;    // columns the held vectors cover
  uint32_t act_vecs_ = 0;    // vectors held
  uint64_t cycle_ = 0;       // cycles run since construction, for row_cycle
};

}  // namespace pnm::mve
