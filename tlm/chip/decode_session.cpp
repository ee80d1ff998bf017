#include "tlm/chip/decode_session.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "firmware/decode/decode.h"
#include "tlm/common/sim_time.hpp"
#include "tlm/common/trace.hpp"

namespace pnm::chip {

DecodeSession::DecodeSession(Chip& chip, LoadedModel model) : chip_(chip), model_(std::move(model)) {}

void DecodeSession::set_sampling(float temperature, float top_p, uint64_t seed) {
  if (!(temperature >= 0.0f)) throw std::invalid_argument("sampling temperature must be >= 0");
  if (temperature == 0.0f) {
    sampler_.reset();
    return;
  }
  uint32_t t = 0, p = 0;
  std::memcpy(&t, &temperature, 4);
  std::memcpy(&p, &top_p, 4);
  sampler_ = std::make_unique<fw_sampler_t>();
  fw_sampler_init(sampler_.get(), t, p, seed);
}

void DecodeSession::finish(TokenRecord& rec, uint64_t end_ps, const TokenFn& on_token) {
  rec.end_ps = end_ps;
  if (auto* t = trace::active()) {
    t->complete("cpu", "token " + std::to_string(rec.pos), t->track("control cpu", 0), rec.start_ps,
                rec.end_ps - rec.start_ps,
                fmt::format("{{\"input\": {}, \"output\": {}}}", rec.input, rec.output));
  }
  if (on_token) on_token(rec);
}

void DecodeSession::queue(int32_t first_token, int steps, TokenFn on_token) {
  tokens_.reserve(tokens_.size() + static_cast<size_t>(steps));
  for (int k = 0; k < steps; ++k) {
    chip_.cpu().run([this, k, first_token, on_token] {
      const uint64_t t = now_ps();
      if (!tokens_.empty()) finish(tokens_.back(), t, on_token);
      if (failed()) return;
      TokenRecord rec;
      rec.pos = static_cast<uint32_t>(k);
      rec.input = tokens_.empty() ? first_token : tokens_.back().output;
      rec.start_ps = t;
      const uint32_t out = fw_decode_step_sampled(&model_.desc, model_.layers.data(),
                                                  static_cast<uint32_t>(rec.input), rec.pos, sampler_.get());
      if (out == FW_DECODE_ERROR) {
        const fw_error_info_t* e = fw_last_error_info();
        error_ = fmt::format("token {}: firmware {}: {} (layer {}, unit {}, status 0x{:x}, value {})", k,
                             fw_error_name(e->code), e->msg, e->layer, e->unit, e->hw_status, e->value);
      } else {
        rec.output = static_cast<int32_t>(out);
      }
      tokens_.push_back(rec);
    });
  }
  // Marks the end of the last step (its program's final sync is done by then).
  chip_.cpu().run([this, on_token] {
    if (!tokens_.empty()) finish(tokens_.back(), now_ps(), on_token);
  });
}

}  // namespace pnm::chip
