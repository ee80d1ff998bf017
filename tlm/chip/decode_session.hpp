// Runs the firmware's decode step (firmware/decode) on the chip's control
// CPU, token by token: step k feeds its greedy token into step k + 1. One CPU
// program per token, so each token's simulated time is the difference of
// consecutive program start times (programs run back to back).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "firmware/decode/decode.h"
#include "tlm/chip/model_loader.hpp"

namespace pnm::chip {

struct TokenRecord {
  uint32_t pos = 0;
  int32_t input = 0;
  int32_t output = -1;        // -1: the step failed
  uint64_t start_ps = 0, end_ps = 0;
};

class DecodeSession {
 public:
  using TokenFn = std::function<void(const TokenRecord&)>;

  // The model must have been loaded onto `chip` (load_model / load_shape).
  DecodeSession(Chip& chip, LoadedModel model);

  // Sampling for every step run from now on: temperature 0 is greedy;
  // otherwise the firmware samples with top-p from mt19937_64(seed), exactly
  // as pnm::model::Sampler(temperature, top_p, seed) does.
  void set_sampling(float temperature, float top_p, uint64_t seed);

  // Queues `steps` steps from `first_token` at position 0. on_token runs on
  // the CPU thread after each step (progress, logging).
  void queue(int32_t first_token, int steps, TokenFn on_token = {});

  const std::vector<TokenRecord>& tokens() const { return tokens_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const LoadedModel& model() const { return model_; }

 private:
  void finish(TokenRecord& rec, uint64_t end_ps, const TokenFn& on_token);

  Chip& chip_;
  LoadedModel model_;
  std::unique_ptr<fw_sampler_t> sampler_;  // null: greedy
  std::vector<TokenRecord> tokens_;
  std::string error_;
};

}  // namespace pnm::chip
