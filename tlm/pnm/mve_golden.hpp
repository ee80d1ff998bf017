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
  std::vector<int8_t> act_;  // the activation buffer; its size is the columns it covers
  uint64_t cycle_ = 0;       // cycles run since construction, for row_cycle
};

}  // namespace pnm::mve
