#include "sim/model/sampler.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/model/numerics.hpp"
#include "sim/model/rng.hpp"

namespace pnm::model {

Sampler::Sampler(float temperature, float top_p, uint64_t seed)
    : temperature_(temperature), top_p_(top_p), rng_(seed) {
  if (!(temperature >= 0.0f)) {
    throw std::invalid_argument("Sampler: temperature " + std::to_string(temperature) +
                                " must be >= 0");
  }
}

int32_t Sampler::sample(const std::vector<float>& logits) {
  const int32_t n = int32_t(logits.size());
  if (n == 0) throw std::invalid_argument("Sampler: empty logits");
  if (temperature_ == 0.0f) return argmax(logits.data(), n);  // greedy: no draw
  return sample_with_coin(logits.data(), n, temperature_, top_p_, coin24_of(rng_()), probs_, order_);
}


}  // namespace pnm::model
