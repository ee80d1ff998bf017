#include "sim/model/sampler.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/model/ops.hpp"
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
  if (temperature_ == 0.0f) return argmax(logits.data(), n);
  probs_.resize(size_t(n));
  for (int32_t i = 0; i < n; ++i) probs_[size_t(i)] = logits[size_t(i)] / temperature_;
  softmax(probs_.data(), n);
  const float coin = uniform01_f32(rng_);

  if (top_p_ <= 0.0f || top_p_ >= 1.0f) {
    float cdf = 0.0f;
    for (int32_t i = 0; i < n; ++i) {
      cdf += probs_[size_t(i)];
      if (coin < cdf) return i;
    }
    return n - 1;  // rounding: cdf may end slightly below 1
  }

  // top-p: drop tokens that cannot be in the nucleus, then sort.
  const float cutoff = n > 1 ? (1.0f - top_p_) / float(n - 1) : 0.0f;
  order_.clear();
  for (int32_t i = 0; i < n; ++i) {
    if (probs_[size_t(i)] >= cutoff) order_.push_back(i);
  }
  // With top_p < 1/n a flat distribution can leave nothing: keep the argmax.
  if (order_.empty()) order_.push_back(argmax(probs_.data(), n));
  std::sort(order_.begin(), order_.end(), [&](int32_t a, int32_t b) {
    const float pa = probs_[size_t(a)], pb = probs_[size_t(b)];
    return pa > pb || (pa == pb && a < b);
  });
  float cum = 0.0f;
  size_t last = order_.size() - 1;
  for (size_t j = 0; j < order_.size(); ++j) {
    cum += probs_[size_t(order_[j])];
    if (cum > top_p_) {
      last = j;
      break;
    }
  }
  const float r = coin * cum;
  float cdf = 0.0f;
  for (size_t j = 0; j <= last; ++j) {
    cdf += probs_[size_t(order_[j])];
    if (r < cdf) return order_[j];
  }
  return order_[last];
}

}  // namespace pnm::model
