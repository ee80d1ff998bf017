#include "tlm/chip/photon_session.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "tlm/common/sim_time.hpp"


namespace pnm::chip {

PhotonSession::PhotonSession(Chip& chip, const LoadedPhoton& model) : chip_(chip), model_(model), fw_(model.fw()) {}

std::vector<int32_t> PhotonSession::generated(uint32_t seq) const {
  std::vector<int32_t> out;
  for (const TokenRecord& t : tokens_) {
    if (t.seq == seq) out.push_back(t.output);
  }
  return out;
}

void PhotonSession::fail(const char* what, size_t k, fw_error_t e) {
  const fw_error_info_t* info = fw_last_error_info();
  error_ = fmt::format("{} step {}: firmware {}: {} (layer {}, unit {}, status 0x{:x}, value {})", what, k,
                       fw_error_name(e), info->msg, info->layer, info->unit, info->hw_status, info->value);
}

void PhotonSession::close_step(uint64_t end_ps, const TokenFn& on_token) {
  if (steps_.empty() || steps_.back().end_ps != 0) return;
  StepRecord& s = steps_.back();
  s.end_ps = end_ps;
  for (size_t i = open_from_; i < tokens_.size(); ++i) {
    tokens_[i].start_ps = s.start_ps;
    tokens_[i].end_ps = end_ps;
    if (on_token) on_token(tokens_[i]);
  }
  open_from_ = tokens_.size();
  if (s.prefill && steps_.size() == (prefill_ ? 2u : 1u) && prefill_done_) prefill_done_();
}

void PhotonSession::queue(const RunSpec& spec, TokenFn on_token) {
  const PhotonWorkload& w = model_.work;
  const int64_t P = model_.shape.tokens_per(model_.shape.levels_n());
  if (spec.tokens < 1) throw std::invalid_argument("photon: tokens must be >= 1");
  if (spec.batch == 0 || spec.batch > w.n_seqs) {
    throw std::invalid_argument(fmt::format("photon: batch {} outside 1..{} (sequences laid out)", spec.batch, w.n_seqs));
  }
  prefill_ = !spec.prompt.empty();
  if (prefill_ && (spec.prompt.size() % uint64_t(P) != 0 || spec.prompt.size() > w.prefill_len)) {
    throw std::invalid_argument(fmt::format("photon: a prompt of {} tokens: allowed multiples of P_L = {} up to {}",
                                            spec.prompt.size(), P, w.prefill_len));
  }
  const uint64_t context = prefill_ ? spec.prompt.size() : spec.start_pos;
  // The last coarse update (before token k = m * P_L) writes position context / P_L + m - 1.
  const uint64_t updates = uint64_t(spec.tokens - 1) / uint64_t(P);
  if (updates > 0 && context / uint64_t(P) + updates - 1 >= w.coarse_len) {
    throw std::invalid_argument(fmt::format("photon: {} tokens after {} of context write coarse position {}, the "
                                            "cache has {}",
                                            spec.tokens, context, context / uint64_t(P) + updates - 1, w.coarse_len));
  }
  spec_ = spec;
  last_.assign(spec.batch, 1);  // BOS before the first chunk (level 1 never reads it: j = 0)
  const uint32_t n = spec.batch;
  const uint32_t G = model_.desc.group;
  if (prefill_) {
    chip_.cpu().run([this, n, G] {
      steps_.push_back(StepRecord{true, n, now_ps(), 0});
      std::vector<uint32_t> toks;
      for (uint32_t b = 0; b < std::min(n, G); ++b) {
        for (int32_t t : spec_.prompt) toks.push_back(uint32_t(t));
      }
      for (uint32_t b0 = 0; b0 < n && !failed(); b0 += G) {
        const fw_error_t e = fw_photon_prefill(&fw_, b0, std::min(G, n - b0), toks.data(), uint32_t(spec_.prompt.size()));
        if (e != FW_OK) fail("prefill", 0, e);
      }
    });
  }
  const uint32_t coarse0 = uint32_t(context / uint64_t(P));
  for (int k = 0; k < spec.tokens; ++k) {
    chip_.cpu().run([this, k, n, G, coarse0, P, on_token] {
      chip_.watchdog_kick();
      close_step(now_ps(), on_token);
      if (failed()) return;
      if (chip_.cpu().failed()) {
        error_ = chip_.cpu().errors().front();
        return;
      }
      // The first token ends the prefill phase (as the Llama flow's does), so
      // the decode phase is tokens 1..: with P_L of them, one whole period.
      steps_.push_back(StepRecord{k == 0, n, now_ps(), 0});
      std::vector<uint32_t> prev(n), next(n, FW_NO_TOKEN);
      for (uint32_t b = 0; b < n; ++b) prev[b] = uint32_t(last_[b]);
      // The coarse update before token k writes position coarse0 + k / P_L - 1.
      const uint32_t coarse_pos = coarse0 + uint32_t(k / P) - (k >= P ? 1u : 0u);
      // A batch larger than a group: one program per group (the flat flow's decode does the same).
      for (uint32_t b0 = 0; b0 < n; b0 += G) {
        const uint32_t g = std::min(G, n - b0);
        const fw_error_t e = fw_photon_step(&fw_, b0, g, uint32_t(k), coarse_pos, prev.data() + b0, next.data() + b0);
        if (e != FW_OK) return fail("decode", size_t(k), e);
      }
      for (uint32_t b = 0; b < n; ++b) {
        TokenRecord rec;
        rec.seq = b;
        rec.pos = uint32_t(k);
        rec.input = last_[b];
        rec.output = int32_t(next[b]);
        last_[b] = rec.output;
        tokens_.push_back(rec);
      }
    });
  }
  queue_run_end(chip_, [this, on_token] { close_step(now_ps(), on_token); });
}

void PhotonSession::finish() {
  if (!hung_) hung_ = check_run_end(chip_, tokens_.size(), size_t(spec_.batch) * size_t(spec_.tokens), error_);
}

}  // namespace pnm::chip
