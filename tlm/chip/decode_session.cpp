#include "tlm/chip/decode_session.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "firmware/decode/decode.h"
#include "tlm/common/pnm_regs.hpp"
#include "tlm/common/sim_time.hpp"
#include "tlm/common/trace.hpp"

namespace pnm::chip {

DecodeSession::DecodeSession(Chip& chip, LoadedModel model) : chip_(chip), model_(std::move(model)) {}

void DecodeSession::set_sampling(float temperature, float top_p, uint64_t seed) {
  if (!(temperature >= 0.0f)) throw std::invalid_argument("sampling temperature must be >= 0");
  temperature_ = temperature;
  top_p_ = top_p;
  sample_seed_ = seed;
}

std::vector<int32_t> DecodeSession::generated(uint32_t seq) const {
  std::vector<int32_t> out;
  for (const TokenRecord& t : tokens_) {
    if (t.seq == seq) out.push_back(t.output);
  }
  return out;
}

void DecodeSession::queue(int32_t first_token, int steps, TokenFn on_token) {
  RunSpec spec;
  spec.prompt = {first_token};
  spec.tokens = steps;
  queue(spec, std::move(on_token));
}

void DecodeSession::queue(const RunSpec& spec, TokenFn on_token) {
  const pnm_model_desc_t& d = model_.desc;
  const uint64_t P = spec.prompt.size();
  if (P == 0) throw std::invalid_argument("decode: the prompt needs at least one token");
  if (spec.tokens < 1) throw std::invalid_argument("decode: tokens must be >= 1");
  if (spec.batch == 0 || spec.batch > d.n_seqs) {
    throw std::invalid_argument(fmt::format("decode: batch {} outside 1..{} (sequences laid out)", spec.batch, d.n_seqs));
  }
  const uint64_t last_pos = uint64_t{spec.start_pos} + P + uint64_t(spec.tokens) - 2;
  if (last_pos >= d.kv_len) {
    throw std::invalid_argument(fmt::format("decode: position {} is past the {} cache rows laid out", last_pos, d.kv_len));
  }
  if (!plan_.empty()) throw std::logic_error("decode: a session runs one spec");
  spec_ = spec;
  const uint32_t S = d.max_slots;

  samplers_.clear();
  for (uint32_t b = 0; b < spec.batch; ++b) {
    if (temperature_ == 0.0f) {
      samplers_.emplace_back();
      continue;
    }
    uint32_t t = 0, p = 0;
    std::memcpy(&t, &temperature_, 4);
    std::memcpy(&p, &top_p_, 4);
    samplers_.push_back(std::make_unique<fw_sampler_t>());
    fw_sampler_init(samplers_.back().get(), t, p, sample_seed_ + b);
  }
  last_.assign(spec.batch, -1);

  // Prefill: sequence-major, in chunks of S slots (a sequence's earlier
  // positions are always in an earlier step or earlier in the same one).
  Step cur;
  cur.prefill = true;
  for (uint32_t b = 0; b < spec.batch; ++b) {
    for (uint64_t j = 0; j < P; ++j) {
      cur.slots.push_back(fw_slot_t{b, static_cast<uint32_t>(spec.prompt[j]), static_cast<uint32_t>(spec.start_pos + j),
                                    j + 1 == P ? 1u : 0u});
      if (cur.slots.size() == S) plan_.push_back(std::move(cur)), cur = Step{}, cur.prefill = true;
    }
  }
  if (!cur.slots.empty()) plan_.push_back(std::move(cur));
  prefill_steps_ = plan_.size();
  // Decode: one slot per sequence, S per step.
  for (int k = 1; k < spec.tokens; ++k) {
    const uint32_t pos = static_cast<uint32_t>(spec.start_pos + P - 1 + uint64_t(k));
    for (uint32_t b0 = 0; b0 < spec.batch; b0 += S) {
      Step st;
      for (uint32_t b = b0; b < std::min(spec.batch, b0 + S); ++b) st.slots.push_back(fw_slot_t{b, 0, pos, 1u});
      plan_.push_back(std::move(st));
    }
  }

  for (size_t k = 0; k < plan_.size(); ++k) {
    chip_.cpu().run([this, k, on_token] { run_step(k, on_token); });
  }
  queue_run_end(chip_, [this, on_token] { close_step(now_ps(), on_token); });
}

bool check_run_end(Chip& chip, size_t have, size_t want, std::string& error) {
  // A block's time passed the largest simulated time (it stopped the
  // simulation): the run did not finish, and its other errors follow from it.
  // The kernel's own time at the bound, with no block reporting, is caught too.
  check_sim_time(now_ps(), "chip (kernel time)", "the simulation");
  if (!time_overflow_error().empty()) {
    error = time_overflow_error();
    return true;
  }
  if (chip.watchdog_fired()) {
    error = chip.watchdog_error() + (error.empty() ? "" : " (after: " + error + ")");
    return true;
  }
  // A program that threw (e.g. an MMIO error response) after the last step
  // checked for one: its message, not a hang.
  if (error.empty() && chip.cpu().failed()) error = chip.cpu().errors().front();
  if (error.empty() && have < want) {
    error = fmt::format("simulation ended at {} us with {} of {} tokens; still busy: {}", now_ps() / 1'000'000, have,
                        want, chip.busy_report());
    return true;
  }
  return false;
}

void queue_run_end(Chip& chip, std::function<void()> close_last_step) {
  // Marks the end of the last step (its program's final sync is done by then).
  chip.cpu().run([&chip, close = std::move(close_last_step)] {
    close();
    chip.watchdog_disarm();
  });
  chip.watchdog_arm();
}

void DecodeSession::finish() {
  if (hung_) return;
  hung_ = check_run_end(chip_, tokens_.size(), size_t(spec_.batch) * size_t(std::max(spec_.tokens, 0)), error_);
  if (hung_) return;
  // A failure inside the simulation: say which injected faults took effect.
  if (failed()) {
    const std::string f = chip_.fault_report();
    if (!f.empty()) error_ += "; " + f;
  }
}

void DecodeSession::close_step(uint64_t end_ps, const TokenFn& on_token) {
  if (steps_.empty() || steps_.back().end_ps != 0) return;
  StepRecord& s = steps_.back();
  s.end_ps = end_ps;
  if (auto* t = trace::active()) {
    t->complete("cpu", fmt::format("{} step {} ({} slots)", s.prefill ? "prefill" : "decode", steps_.size() - 1, s.slots),
                t->track("control cpu", 0), s.start_ps, s.end_ps - s.start_ps, "{}");
  }
  // A prefill's tokens span the whole prefill (time to first token).
  const uint64_t start = s.prefill ? steps_.front().start_ps : s.start_ps;
  for (size_t i = open_from_; i < tokens_.size(); ++i) {
    tokens_[i].start_ps = start;
    tokens_[i].end_ps = end_ps;
    if (on_token) on_token(tokens_[i]);
  }
  open_from_ = tokens_.size();
  if (s.prefill && steps_.size() == prefill_steps_ && prefill_done_) prefill_done_();
}

void DecodeSession::run_step(size_t k, const TokenFn& on_token) {
  const uint64_t t = now_ps();
  chip_.watchdog_kick();
  close_step(t, on_token);
  if (failed()) return;
  // An earlier step's program that threw (a block refused an op, e.g. VU time
  // overflow) left the chip mid-step: stop with its message, not "not ready".
  if (chip_.cpu().failed()) {
    error_ = chip_.cpu().errors().front();
    return;
  }
  Step& st = plan_[k];
  for (fw_slot_t& s : st.slots) {
    if (!st.prefill) s.token = static_cast<uint32_t>(last_[s.seq]);
  }
  steps_.push_back(StepRecord{st.prefill, static_cast<uint32_t>(st.slots.size()), t, 0});
  std::vector<fw_sampler_t*> samplers(st.slots.size());
  for (size_t i = 0; i < st.slots.size(); ++i) samplers[i] = samplers_[st.slots[i].seq].get();
  std::vector<uint32_t> next(st.slots.size(), FW_NO_TOKEN);
  const fw_error_t e = fw_step(&model_.desc, model_.layers.data(), st.slots.data(),
                               static_cast<uint32_t>(st.slots.size()), samplers.data(), next.data());
  if (e != FW_OK) {
    const fw_error_info_t* info = fw_last_error_info();
    // A PNM unit is its flash channel's: name it as the channel.
    error_ = fmt::format("{} step {}: firmware {}: {} (layer {}, {} {}, status 0x{:x}, value {})",
                         st.prefill ? "prefill" : "decode", k, fw_error_name(e), info->msg, info->layer,
                         e == FW_ERR_PNM ? "channel" : "unit", info->unit, info->hw_status, info->value);
    // The firmware knows the unit; the unit recorded the page's flash address.
    if (e == FW_ERR_PNM && info->value == static_cast<uint32_t>(regs::pnm::err::UNCORRECTABLE)) {
      const std::string page = chip_.uncorrectable_page(info->unit);
      if (!page.empty()) error_ += "; first uncorrectable page: " + page;
    }
    return;
  }
  for (size_t i = 0; i < st.slots.size(); ++i) {
    if (!st.slots[i].logits) continue;
    TokenRecord rec;
    rec.seq = st.slots[i].seq;
    rec.pos = st.slots[i].pos;
    rec.input = static_cast<int32_t>(st.slots[i].token);
    rec.output = static_cast<int32_t>(next[i]);
    last_[rec.seq] = rec.output;
    tokens_.push_back(rec);
  }
}

}  // namespace pnm::chip
