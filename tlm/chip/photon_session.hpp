// Runs the PHOTON program (firmware/decode/photon.h) on the chip's control
// CPU: the encoder prefill of a prompt (when there is one), then one program
// per generated token, every sequence in lockstep. Records tokens and steps
// as DecodeSession does, so the same run report reads it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tlm/chip/decode_session.hpp"
#include "tlm/chip/photon_loader.hpp"

namespace pnm::chip {

class PhotonSession : public RunLog {
 public:
  using TokenFn = std::function<void(const TokenRecord&)>;
  // `model` must have been loaded onto `chip`, and must outlive the session.
  PhotonSession(Chip& chip, const LoadedPhoton& model);
  // spec.prompt: the prompt (a multiple of P_L tokens, prefilled) or empty
  // with spec.start_pos = the context taken as encoded (timing-only: the
  // coarsest cache holds start_pos / P_L positions). spec.tokens per sequence.
  // Throws std::invalid_argument when it does not fit the loaded workload.
  void queue(const RunSpec& spec, TokenFn on_token = {});
  void on_prefill_done(std::function<void()> fn) { prefill_done_ = std::move(fn); }
  void finish();
  bool failed() const { return !error_.empty(); }
  bool hung() const { return hung_; }
  const std::string& error() const { return error_; }
  const RunSpec& spec() const override { return spec_; }
  const std::vector<StepRecord>& steps() const override { return steps_; }
  std::vector<int32_t> generated(uint32_t seq) const override;
  const std::vector<TokenRecord>& tokens() const { return tokens_; }

 private:
  void fail(const char* what, size_t k, fw_error_t e);
  void close_step(uint64_t end_ps, const TokenFn& on_token);
  Chip& chip_;
  const LoadedPhoton& model_;
  fw_photon_t fw_{};
  RunSpec spec_;
  bool prefill_ = false;
  std::vector<int32_t> last_;
  std::vector<TokenRecord> tokens_;
  std::vector<StepRecord> steps_;
  size_t open_from_ = 0;
  std::function<void()> prefill_done_;
  std::string error_;
  bool hung_ = false;
};

}  // namespace pnm::chip
