// Runs the firmware's decode step (firmware/decode) on the chip's control
// CPU, token by token: step k feeds its greedy token into step k + 1. One CPU
// program per token, so each token's simulated time is the difference of
// consecutive program start times (programs run back to back).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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

  // Queues `steps` greedy steps from `first_token` at position 0. on_token
  // runs on the CPU thread after each step (progress, logging).
  void queue(int32_t first_token, int steps, TokenFn on_token = {});

  const std::vector<TokenRecord>& tokens() const { return tokens_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const LoadedModel& model() const { return model_; }

 private:
  void finish(TokenRecord& rec, uint64_t end_ps, const TokenFn& on_token);

  Chip& chip_;
  LoadedModel model_;
  std::vector<TokenRecord> tokens_;
  std::string error_;
};

}  // namespace pnm::chip
