#include "sim/numerics/sample.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/numerics/ops.hpp"

namespace pnm::numerics {

int32_t sample_with_coin(const float* logits, int32_t n, float temperature, float top_p, uint32_t coin24,
                         std::vector<float>& probs, std::vector<int32_t>& order) {
  if (n <= 0) throw std::invalid_argument("sample_with_coin: empty logits");
  if (temperature == 0.0f) return argmax(logits, n);
  probs.resize(size_t(n));
  for (int32_t i = 0; i < n; ++i) probs[size_t(i)] = logits[size_t(i)] / temperature;
  softmax(probs.data(), n);
  const float coin = float(coin24 & 0xFFFFFFu) * (1.0f / 16777216.0f);

  if (top_p <= 0.0f || top_p >= 1.0f) {
    float cdf = 0.0f;
    for (int32_t i = 0; i < n; ++i) {
      cdf += probs[size_t(i)];
      if (coin < cdf) return i;
    }
    return n - 1;  // rounding: cdf may end slightly below 1
  }

  // top-p: drop tokens that cannot be in the nucleus, then sort.
  const float cutoff = n > 1 ? (1.0f - top_p) / float(n - 1) : 0.0f;
  order.clear();
  for (int32_t i = 0; i < n; ++i) {
    if (probs[size_t(i)] >= cutoff) order.push_back(i);
  }
  // With top_p < 1/n a flat distribution can leave nothing: keep the argmax.
  if (order.empty()) order.push_back(argmax(probs.data(), n));
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    const float pa = probs[size_t(a)], pb = probs[size_t(b)];
    return pa > pb || (pa == pb && a < b);
  });
  float cum = 0.0f;
  size_t last = order.size() - 1;
  for (size_t j = 0; j < order.size(); ++j) {
    cum += probs[size_t(order[j])];
    if (cum > top_p) {
      last = j;
      break;
    }
  }
  const float r = coin * cum;
  float cdf = 0.0f;
  for (size_t j = 0; j <= last; ++j) {
    cdf += probs[size_t(order[j])];
    if (r < cdf) return order[j];
  }
  return order[last];
}

}  // namespace pnm::numerics
