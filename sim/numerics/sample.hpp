#pragma once
// One sampling decision from logits and a given 24-bit draw: the part of the
// reference Sampler (sim/model/sampler.hpp) that the vector unit's SAMPLE op
// runs. The decision rule is the contract in sim/model/sampler.hpp's header
// comment and sim/numerics/NUMERICS.md.
#include <cstdint>
#include <vector>

namespace pnm::numerics {

// One sampling decision with the random draw given: coin24 holds the 24 bits
// of the uniform draw (coin = coin24 / 2^24), so hardware that draws its own
// bits (the firmware's mt19937_64) gets the same token. probs and order are
// scratch space.
int32_t sample_with_coin(const float* logits, int32_t n, float temperature, float top_p, uint32_t coin24,
                         std::vector<float>& probs, std::vector<int32_t>& order);

// The 24 bits a Sampler draws from one mt19937_64 output.
inline uint32_t coin24_of(uint64_t word) { return static_cast<uint32_t>(word >> 40); }

}  // namespace pnm::numerics
