// Runs the firmware's step (firmware/decode) on the chip's control CPU: first
// the prompt (prefill), then decode, one CPU program per step. A step runs
// up to max_slots slots together (the GEMVs read each weight page once per
// group of the MVE's vectors):
//   prefill  every sequence's prompt tokens as slots (sequence-major, in
//            chunks of max_slots); the prompt's last slot of each sequence
//            picks that sequence's first generated token;
//   decode   one slot per sequence per step, fed its last token.
// Each step's simulated time is the difference of consecutive program start
// times (programs run back to back).
//
// Hangs: queue() arms the chip's watchdog (chip.watchdog_<unit>), each step
// kicks it, the last program disarms it. A step that takes longer (a
// stuck-busy die, a lost IRQ) stops the simulation; finish(), called after
// sc_start returns, then records the watchdog's message, or, when the
// simulation ended for another reason before every requested token existed,
// a message naming the blocks still busy. Either makes failed() true and
// hung() true; so does a block whose time passed the largest simulated time
// (kMaxSimPs, tlm/common/sim_time.hpp), with that block's message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "firmware/decode/decode.h"
#include "tlm/chip/model_loader.hpp"

namespace pnm::chip {

// One generated token.
struct TokenRecord {
  uint32_t seq = 0;
  uint32_t pos = 0;           // position of the input token
  int32_t input = 0;
  int32_t output = -1;        // -1: the step failed
  uint64_t start_ps = 0, end_ps = 0;  // the step that produced it (prefill: all of it)
};

struct StepRecord {
  bool prefill = false;
  uint32_t slots = 0;
  uint64_t start_ps = 0, end_ps = 0;
};

// What to run. Positions [0, start_pos) of every sequence are taken as
// already in the KV cache (a timing-only shape's context); the prompt fills
// [start_pos, start_pos + prompt.size()); decode continues from there.
struct RunSpec {
  std::vector<int32_t> prompt{1};  // at least one token (the default: BOS)
  uint32_t start_pos = 0;
  int tokens = 1;                  // generated per sequence, the first from the prompt
  uint32_t batch = 1;              // sequences, decoded together
};

// After sc_start returned, the checks every session makes of how its run
// ended: a time overflow, the watchdog, a CPU program's error, tokens
// missing (the blocks still busy named). Sets error (keeping an earlier one
// as the watchdog's cause) and returns whether the run hung.
bool check_run_end(Chip& chip, size_t have, size_t want, std::string& error);
// Queues the program that closes the last step and disarms the watchdog,
// and arms the watchdog for the programs queued before it.
void queue_run_end(Chip& chip, std::function<void()> close_last_step);

// What a run report reads of a session (DecodeSession, PhotonSession).
class RunLog {
 public:
  virtual ~RunLog() = default;
  virtual const RunSpec& spec() const = 0;
  virtual const std::vector<StepRecord>& steps() const = 0;
  virtual std::vector<int32_t> generated(uint32_t seq) const = 0;
};

class DecodeSession : public RunLog {
 public:
  using TokenFn = std::function<void(const TokenRecord&)>;

  // The model must have been loaded onto `chip` (load_model / load_shape)
  // with a workload of at least batch sequences and enough positions.
  DecodeSession(Chip& chip, LoadedModel model);

  // Sampling for every sequence run from now on: temperature 0 is greedy;
  // otherwise sequence b samples with top-p from mt19937_64(seed + b),
  // exactly as pnm::model::Sampler(temperature, top_p, seed + b) does.
  void set_sampling(float temperature, float top_p, uint64_t seed);

  // Queues the prefill and decode steps of `spec`; throws std::invalid_argument
  // when it does not fit the loaded workload. on_token runs on the CPU thread
  // for every generated token (progress, logging).
  void queue(const RunSpec& spec, TokenFn on_token = {});
  // Runs on the CPU thread when the last prefill step has ended (e.g. to
  // snapshot stats between the two phases). Set before queue().
  void on_prefill_done(std::function<void()> fn) { prefill_done_ = std::move(fn); }
  // Batch 1 from position 0: prompt {first_token}, `steps` tokens.
  void queue(int32_t first_token, int steps, TokenFn on_token = {});

  // Generated tokens, step by step (and by sequence within a step).
  const std::vector<TokenRecord>& tokens() const { return tokens_; }
  const std::vector<StepRecord>& steps() const override { return steps_; }
  // Sequence b's generated token ids.
  std::vector<int32_t> generated(uint32_t seq) const override;
  const RunSpec& spec() const override { return spec_; }
  // After sc_start returned: records a hang (see above) as the error.
  void finish();
  bool hung() const { return hung_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const LoadedModel& model() const { return model_; }

 private:
  struct Step {
    bool prefill = false;
    std::vector<fw_slot_t> slots;  // decode steps: token filled in when the step runs
  };
  void run_step(size_t k, const TokenFn& on_token);
  void close_step(uint64_t end_ps, const TokenFn& on_token);

  Chip& chip_;
  LoadedModel model_;
  RunSpec spec_;
  std::vector<std::unique_ptr<fw_sampler_t>> samplers_;  // per sequence; null: greedy
  float temperature_ = 0.0f, top_p_ = 0.9f;
  uint64_t sample_seed_ = 0;
  std::vector<Step> plan_;
  size_t prefill_steps_ = 0;
  std::function<void()> prefill_done_;
  std::vector<int32_t> last_;  // per sequence: the last generated token
  std::vector<TokenRecord> tokens_;
  std::vector<StepRecord> steps_;
  size_t open_from_ = 0;       // tokens_ of the open step start here
  std::string error_;
  bool hung_ = false;
};

}  // namespace pnm::chip
