#pragma once
// The model side computes with the numerics library (sim/numerics: ops,
// quantization, the sampling decision), the same code the vector unit runs.
// Its names are visible as pnm::model::... too.
#include "sim/numerics/ops.hpp"
#include "sim/numerics/quant.hpp"
#include "sim/numerics/sample.hpp"

namespace pnm::model {
using namespace pnm::numerics;
}  // namespace pnm::model
