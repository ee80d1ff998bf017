#pragma once
// Token sampling: greedy, temperature, and top-p (nucleus), deterministic from
// a seed on every platform: std::mt19937_64 (sequence fixed by the standard)
// with our own 24-bit uniform draw (uniform01_f32), never std distributions.
//
// sample(logits):
//   temperature == 0            -> argmax (ties to the lowest index); no draw
//   else p_i = softmax(logits_i / temperature) (ops.hpp softmax order)
//        coin = uniform01_f32(rng)                          (one draw per call)
//        top_p <= 0 or >= 1     -> first i with coin < cdf_i (else the last index)
//        else top-p: keep i with p_i >= (1 - top_p) / (n - 1); sort by p
//             descending, ties by index ascending; take the shortest prefix
//             whose cumulative sum exceeds top_p; r = coin * that sum; first
//             i in the prefix with r < cdf_i (else its last element).
#include <cstdint>
#include <random>
#include <vector>

#include "sim/model/numerics.hpp"

namespace pnm::model {

class Sampler {
 public:
  Sampler(float temperature, float top_p, uint64_t seed);
  int32_t sample(const std::vector<float>& logits);
  float temperature() const { return temperature_; }
  float top_p() const { return top_p_; }

 private:
  float temperature_;
  float top_p_;
  std::mt19937_64 rng_;
  std::vector<float> probs_;
  std::vector<int32_t> order_;
};

}  // namespace pnm::model
