// pnmsim: the command line of the virtual platform.
//
//   pnmsim run   [--config F] [--model tiny|NAME|SHAPE.yaml|CHECKPOINT] [--tokens N]
//                [--context N] [--batch B] [--prompt TEXT | --prompt-ids 1,5,9] [--prefill-chunk N]
//                [--mve tlm|rtl|shadow] [--seed S] [--set chip.key=value ...]
//                [--stats F] [--trace-json F] [--trace-fst F] [--gpu F] [--quiet]
//   pnmsim sweep --grid F --out DIR [--workers N] [--dry-run | --gather-only]
//
// `--set chip.interchip.chips=N` runs N chips as tensor-parallel ranks in one
// simulation (tlm/chip/CHIP.md, "Multi-chip"), or, with chip.interchip.pp,
// as pp pipeline stages of N / pp tensor-parallel chips; the report is rank
// 0's chip plus the fabric's split of each step.
//
// `run` builds the chip from YAML, loads the model (the load phase programs
// the weights into flash, reported apart), lets the firmware decode token by
// token on the control CPU, and prints a report; `sweep` runs a grid of
// `run`s and gathers one CSV. Bad flags, files or options print one line and
// exit with status 2.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <random>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "sim/model/checkpoint.hpp"
#include "sim/model/error.hpp"
#include "sim/model/tokenizer.hpp"
#include "sim/progress.hpp"
#include "sim/report/decode_report.hpp"
#include "sim/report/gpu_baseline.hpp"
#include "sim/report/interchip_report.hpp"
#include "sim/sweep.hpp"
#include "sim/model/photon.hpp"
#include "tlm/chip/decode_session.hpp"
#include "tlm/chip/photon_session.hpp"
#include "tlm/common/trace.hpp"
#include "tlm/pnm/mve_config.hpp"

namespace {

using namespace pnm;
namespace fs = std::filesystem;

// Thrown for a usage problem: one line on stderr, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  std::string config;
  std::string model = "tiny";
  int tokens = 8;
  int64_t context = 0;  // 0: the prompt's length
  uint32_t batch = 1;
  std::string prompt, prompt_ids;
  uint32_t prefill_chunk = 0;  // 0: max(batch, the MVE's vectors)
  std::string mve;
  uint64_t seed = 1;
  std::string seed_text = "1";  // parsed by parse_seed: CLI11 turned -1, 2^64 and 1e23 into 2^64-1
  std::vector<std::string> sets;
  std::string stats, trace_json, trace_fst;
  std::string gpu;
  std::string tokenizer;
  float temperature = 0.0f, top_p = 0.9f;
  uint64_t sample_seed = 1;
  std::string sample_seed_text = "1";
  bool quiet = false;
  bool fast = false;
};

// A path as given, or else relative to the source tree (so the binary works
// from the build directory too).
std::string resolve(const std::string& p) {
  if (p.empty() || fs::exists(p)) return p;
  const fs::path in_tree = fs::path(PNMSIM_SOURCE_DIR) / p;
  return fs::exists(in_tree) ? in_tree.string() : p;
}

// A seed: a decimal integer in [0, 2^64 - 1], nothing else (no sign,
// exponent or fraction; out of range is an error, not a clamp).
uint64_t parse_seed(const char* flag, const std::string& text) {
  const std::string allowed = fmt::format("{} {}: not a seed; allowed integers 0 .. {}", flag, text, UINT64_MAX);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) throw UsageError(allowed);
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) throw UsageError(allowed);
  return static_cast<uint64_t>(v);
}

// An input file given by flag: a directory would fail later with a stream
// error that names neither the flag nor the file.
void require_not_directory(const char* flag, const std::string& path) {
  std::error_code ec;
  if (!path.empty() && fs::is_directory(path, ec)) {
    throw UsageError(std::string(flag) + " " + path + ": is a directory, not a file");
  }
}

// Whether two paths name the same file (existing or not). Devices such as
// /dev/null may be shared.
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ea, eb;
  const bool xa = fs::exists(a, ea), xb = fs::exists(b, eb);
  if (xa && xb) {
    std::error_code ec;
    if (!fs::is_regular_file(a, ec)) return false;
    return fs::equivalent(a, b, ec);
  }
  if (xa != xb) return false;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ea), ea), cb = fs::weakly_canonical(fs::absolute(b, eb), eb);
  if (ea || eb) return fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
  return ca == cb;
}

// What --model names: the random tiny model, a shape YAML (a path, or a
// name in sim/configs/models/, '-' and '.' read as '_'), or a checkpoint.
struct ModelChoice {
  enum class Kind { Tiny, Shape, Checkpoint } kind = Kind::Tiny;
  std::string path;
};

std::string preset_names() {
  std::vector<std::string> names;
  const fs::path dir = fs::path(PNMSIM_SOURCE_DIR) / "sim/configs/models";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml" && e.path().stem() != "tiny") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

ModelChoice choose_model(const std::string& m) {
  if (m == "tiny") return {ModelChoice::Kind::Tiny, ""};
  const std::string ext = fs::path(m).extension().string();
  if (ext == ".yaml" || ext == ".yml") {
    const std::string p = resolve(m);
    if (!fs::is_regular_file(p)) throw UsageError("--model " + m + ": no such shape file");
    return {ModelChoice::Kind::Shape, p};
  }
  std::string file = m;
  for (auto& c : file) c = (c == '-' || c == '.') ? '_' : c;
  const fs::path preset = fs::path(PNMSIM_SOURCE_DIR) / "sim/configs/models" / (file + ".yaml");
  if (m.find('/') == std::string::npos && fs::is_regular_file(preset)) return {ModelChoice::Kind::Shape, preset.string()};
  if (fs::is_regular_file(m)) return {ModelChoice::Kind::Checkpoint, m};
  throw UsageError("--model " + m + ": no such file, and not tiny or a shape in sim/configs/models/ (" +
                   preset_names() + ")");
}

// "1,5,9" -> {1, 5, 9}; each id in [0, vocab).
std::vector<int32_t> parse_ids(const std::string& text, int32_t vocab) {
  std::vector<int32_t> ids;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t end = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, end - at);
    char* stop = nullptr;
    errno = 0;
    const long long v = std::strtoll(item.c_str(), &stop, 10);
    if (item.empty() || *stop != '\0' || errno != 0 || v < 0 || v >= vocab) {
      throw UsageError(fmt::format("--prompt-ids: '{}' (item {}) is not a token id in 0..{}", item, ids.size() + 1,
                                   vocab - 1));
    }
    ids.push_back(static_cast<int32_t>(v));
    at = end + 1;
  }
  return ids;
}

// What a run has checked and loaded before it simulates: prepare() is the
// whole of a run's input checking, shared by `run` and `sweep --dry-run`.
struct Prepared {
  ModelChoice mc;
  bool timing_only = false;
  std::string config;
  chip::ChipConfig cfg;
  std::unique_ptr<model::Checkpoint> ckpt;
  model::ModelShape shape;
  std::unique_ptr<model::Tokenizer> tok;
  chip::RunSpec spec;
  chip::Workload work;
  report::GpuConfig gpu;
  // A PHOTON shape (kind: photon): its shape and workload instead of shape/work.
  std::optional<model::PhotonShape> photon;
  chip::PhotonWorkload photon_work;
};

// *fit_checks (when given) is set once the inputs are all loaded and the
// remaining checks are of whether the workload fits the model and chip.
Prepared prepare(RunOptions& o, bool* fit_checks = nullptr) {
  Prepared p;
  o.seed = parse_seed("--seed", o.seed_text);
  o.sample_seed = parse_seed("--sample-seed", o.sample_seed_text);
  // CLI11's range checks let NaN through (every comparison with it is false).
  if (!std::isfinite(o.temperature)) throw UsageError(fmt::format("--temperature {}: allowed range [0, 100]", o.temperature));
  if (!std::isfinite(o.top_p)) throw UsageError(fmt::format("--top-p {}: allowed range [0, 1]", o.top_p));
  require_not_directory("--config", o.config);
  require_not_directory("--gpu", o.gpu);
  require_not_directory("--tokenizer", o.tokenizer);
  p.mc = choose_model(o.model);
  const ModelChoice& mc = p.mc;
  const bool photon = mc.kind == ModelChoice::Kind::Shape && model::is_photon_yaml(mc.path);
  if (photon && (!o.prompt.empty() || !o.prompt_ids.empty() || !o.tokenizer.empty() || o.temperature != 0.0f)) {
    throw UsageError("conflicting options: a PHOTON shape runs timing-only and greedy (no --prompt, --prompt-ids, "
                     "--tokenizer or --temperature; its functional form is tested in tests/chip/test_photon.cpp)");
  }
  const bool timing_only = p.timing_only = mc.kind == ModelChoice::Kind::Shape;
  const bool functional = !timing_only;
  for (const std::string& set : o.sets) {
    for (const char* owned : {"chip.flash.storage.", "chip.pnm.functional"}) {
      if (set.rfind(owned, 0) == 0) {
        throw UsageError("--set " + set + ": storage mode, preprogramming and pnm.functional follow --model "
                         "(functional models: sparse blank flash; timing-only shapes: preprogrammed, no data)");
      }
    }
  }
  // Outputs are checked before anything runs, so a bad path costs no
  // simulation; none may be another output or an input (it would be overwritten).
  {
    const std::string config_in =
        resolve(o.config.empty() ? (timing_only ? "sim/configs/hbf_gen1.yaml" : "sim/configs/tiny.yaml") : o.config);
    const std::string gpu_in = resolve(o.gpu.empty() ? "sim/configs/gpu/h100_sxm.yaml" : o.gpu);
    const std::vector<std::pair<const char*, std::string>> outs = {
        {"--stats", o.stats}, {"--trace-json", o.trace_json}, {"--trace-fst", o.trace_fst}};
    const std::vector<std::pair<const char*, std::string>> ins = {
        {"--model", mc.path}, {"--config", config_in}, {"--gpu", gpu_in}, {"--tokenizer", o.tokenizer}};
    for (size_t i = 0; i < outs.size(); ++i) {
      if (outs[i].second.empty()) continue;
      for (size_t j = i + 1; j < outs.size(); ++j) {
        if (!outs[j].second.empty() && same_file(outs[i].second, outs[j].second)) {
          throw UsageError(fmt::format("{} {} and {} {} name the same file: give each output its own",
                                       outs[i].first, outs[i].second, outs[j].first, outs[j].second));
        }
      }
      for (const auto& in : ins) {
        if (!in.second.empty() && same_file(outs[i].second, in.second)) {
          throw UsageError(fmt::format("{} {} is the {} file {}: it would be overwritten", outs[i].first,
                                       outs[i].second, in.first, in.second));
        }
      }
    }
  }
  for (const std::string* out : {&o.stats, &o.trace_json, &o.trace_fst}) {
    if (out->empty()) continue;
    std::FILE* f = std::fopen(out->c_str(), "a");
    if (!f) throw UsageError("cannot write " + *out);
    std::fclose(f);
  }
  if (!o.prompt.empty() && !o.prompt_ids.empty()) {
    throw UsageError("conflicting options: give --prompt or --prompt-ids, not both");
  }
  if (!o.prompt.empty() && o.tokenizer.empty()) {
    throw UsageError("--prompt needs --tokenizer (a llama2.c tokenizer.bin) to turn the text into token ids");
  }
  const std::string config = p.config =
      resolve(o.config.empty() ? (timing_only ? "sim/configs/hbf_gen1.yaml" : "sim/configs/tiny.yaml") : o.config);
  if (!fs::exists(config)) throw UsageError("--config " + config + ": no such file");
  require_not_directory("--config", config);

  std::vector<std::string> sets = o.sets;
  if (!o.mve.empty()) sets.push_back("chip.pnm.mve.kind=" + o.mve);
  if (o.fast) {
    for (const std::string& set : o.sets) {
      if (set.rfind("chip.sim.mode=", 0) == 0 && set != "chip.sim.mode=stream") {
        throw UsageError("conflicting options: --fast and --set " + set);
      }
    }
    sets.push_back("chip.sim.mode=stream");
  }
  chip::ChipConfig& cfg = p.cfg = chip::load_chip_config(config, sets);
  const std::string& kind = cfg.pnm.mve.kind;  // from --mve, --set or the file
  if (timing_only && kind != "tlm") {
    throw UsageError("conflicting options: MVE kind " + kind + " needs weights, but --model " + o.model +
                     " is a timing-only shape (use --mve tlm, or --model tiny / a checkpoint)");
  }
  if (!o.trace_fst.empty() && kind == "tlm") {
    throw UsageError("conflicting options: --trace-fst needs the RTL MVE (--mve rtl or --mve shadow)");
  }
  // Storage follows the model: a functional model needs a blank, data-keeping
  // flash; a timing-only shape reads a preprogrammed image without data.
  if (functional) {
    cfg.flash.storage_mode = flash::StorageMode::Sparse;
    cfg.flash.preprogrammed = false;
    cfg.pnm.functional = true;
  } else {
    cfg.flash.storage_mode = flash::StorageMode::TimingOnly;
    cfg.flash.preprogrammed = true;
    cfg.pnm.functional = false;
  }
  cfg.pnm.mve.fst_path = o.trace_fst;

  if (photon) {
    const model::PhotonShape& shape = p.photon.emplace(model::load_photon_yaml(mc.path));
    p.gpu = report::load_gpu_config(resolve(o.gpu.empty() ? "sim/configs/gpu/h100_sxm.yaml" : o.gpu));
    if (fit_checks) *fit_checks = true;
    const int64_t P = shape.tokens_per(shape.levels_n());
    if (o.context + o.tokens - 1 > shape.seq_len) {
      throw UsageError(fmt::format("--context {} + --tokens {} needs {} positions; {} has seq_len {}: allowed "
                                   "context + tokens - 1 <= {}",
                                   o.context, o.tokens, o.context + o.tokens - 1, mc.path, shape.seq_len, shape.seq_len));
    }
    p.spec.prompt.clear();
    p.spec.start_pos = static_cast<uint32_t>(o.context);
    p.spec.tokens = o.tokens;
    p.spec.batch = o.batch;
    p.photon_work.n_seqs = o.batch;
    p.photon_work.coarse_len = uint32_t(std::max<int64_t>(1, (o.context + o.tokens + P - 1) / P));
    (void)chip::plan_photon(cfg, shape, p.photon_work);
    return p;
  }

  // The model, checked against the chip before anything is simulated.
  std::unique_ptr<model::Checkpoint>& ckpt = p.ckpt;
  model::ModelShape& shape = p.shape;
  if (timing_only) {
    shape = model::load_shape_yaml(mc.path);
  } else {
    std::string path = mc.path;
    struct RemoveOnExit {  // the written tiny checkpoint goes, whatever happens
      std::string path;
      ~RemoveOnExit() {
        std::error_code ec;
        if (!path.empty()) fs::remove(path, ec);
      }
    } tmp;
    if (mc.kind == ModelChoice::Kind::Tiny) {
      path = (fs::temp_directory_path() / fmt::format("pnmsim_tiny_{}_{}.bin", ::getpid(), o.seed)).string();
      tmp.path = path;
      model::write_checkpoint(path, model::tiny_shape(), o.seed);
    }
    ckpt = std::make_unique<model::Checkpoint>(model::Checkpoint::load(path));
    shape = ckpt->shape();
  }
  std::unique_ptr<model::Tokenizer>& tok = p.tok;
  if (!o.tokenizer.empty()) {
    if (timing_only) throw UsageError("conflicting options: --tokenizer needs a checkpoint, not a timing-only shape");
    tok = std::make_unique<model::Tokenizer>(model::load_tokenizer(o.tokenizer, shape.vocab_size));
  }
  const std::string gpu_path = resolve(o.gpu.empty() ? "sim/configs/gpu/h100_sxm.yaml" : o.gpu);
  require_not_directory("--gpu", gpu_path);
  p.gpu = report::load_gpu_config(gpu_path);

  // The workload: the prompt fills positions [context - P, context); decode
  // starts at position `context`.
  chip::RunSpec& spec = p.spec;
  spec.tokens = o.tokens;
  spec.batch = o.batch;
  if (!o.prompt.empty()) spec.prompt = tok->encode(o.prompt);
  if (!o.prompt_ids.empty()) spec.prompt = parse_ids(o.prompt_ids, shape.vocab_size);
  const bool prompt_given = !o.prompt.empty() || !o.prompt_ids.empty();
  const int64_t P = static_cast<int64_t>(spec.prompt.size());
  const int64_t context = o.context > 0 ? o.context : P;
  if (P > context) {
    throw UsageError(fmt::format("the prompt ({} tokens) is longer than --context {}", P, context));
  }
  if (functional && context > P) {
    if (prompt_given) {
      throw UsageError(fmt::format("--context {} with a {}-token prompt: a functional model computes every "
                                   "context position, so the prompt must fill it (or leave --context out)",
                                   context, P));
    }
    // A context without a prompt: BOS, then token ids drawn from the seed.
    std::mt19937_64 rng(o.seed);
    while (int64_t(spec.prompt.size()) < context) {
      // ids from 2 up (past BOS 1), or any id when the vocabulary is that small
      const uint64_t v = uint64_t(shape.vocab_size);
      spec.prompt.push_back(static_cast<int32_t>(v > 2 ? 2 + rng() % (v - 2) : rng() % v));
    }
  }
  // From here on, the checks are of whether the workload fits the model and
  // the chip: in a sweep, a point that does not fit is a result.
  if (fit_checks) *fit_checks = true;
  const int64_t last = context + o.tokens - 1;  // positions the cache must hold
  if (last > shape.seq_len) {
    throw UsageError(fmt::format("--context {} + --tokens {} needs {} positions; the model's max positions "
                                 "(seq_len) is {}: allowed context + tokens - 1 <= {}",
                                 context, o.tokens, last, shape.seq_len, shape.seq_len));
  }
  spec.start_pos = static_cast<uint32_t>(context - int64_t(spec.prompt.size()));
  chip::Workload& work = p.work;
  work.n_seqs = o.batch;
  work.kv_len = static_cast<uint32_t>(last);
  work.max_slots = std::max(o.batch, o.prefill_chunk > 0 ? o.prefill_chunk : cfg.pnm.mve.params.vectors);
  if (work.max_slots > FW_MAX_SLOTS) {
    throw UsageError(fmt::format("--batch/--prefill-chunk: {} slots per step, the firmware runs at most {}",
                                 work.max_slots, FW_MAX_SLOTS));
  }
  const chip::LoadReport planned = chip::plan(cfg, shape, work);
  (void)planned;
  return p;
}

// Writes the stats JSON (with the generated ids) to o.stats, when asked.
void write_stats(const RunOptions& o, const Stats& stats, const report::DecodeReport& rep,
                 const std::vector<int32_t>& prompt, const std::vector<std::string>& texts) {
  if (o.stats.empty()) return;
  nlohmann::json j = stats.to_json();
  j["generated"]["token_ids"] = rep.token_ids;
  j["generated"]["prompt_ids"] = prompt;
  if (!texts.empty()) j["generated"]["text"] = texts;
  std::FILE* f = std::fopen(o.stats.c_str(), "w");
  const std::string text = j.dump(2) + "\n";
  if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
    throw std::runtime_error("cannot write stats to " + o.stats);
  }
  if (!o.quiet) std::printf("stats: %s\n", o.stats.c_str());
}

// Queues the run on the session (and whatever also_queue adds: the other
// tensor-parallel ranks), simulates to its end with a progress line, and
// checks how it ended (session.finish()); returns the wall seconds since wall0.
template <class Session>
double simulate(Session& session, const chip::RunSpec& spec, const RunOptions& o,
                std::chrono::steady_clock::time_point wall0, const std::function<void()>& also_queue = {}) {
  Progress progress("decoding", spec.tokens * int(spec.batch), !o.quiet);
  int done = 0;
  session.queue(spec, [&](const chip::TokenRecord&) { progress.update(++done); });
  if (also_queue) also_queue();
  sc_core::sc_start();
  progress.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  trace::close();
  session.finish();
  return wall;
}

// A timing-only PHOTON shape (kind: photon): the PHOTON program at a context
// taken as encoded, every sequence in lockstep. The decode phase is tokens
// 1..tokens-1; with tokens = P_L + 1 it is one whole period of the schedule
// (one coarse update, every window), so its tokens/s is the steady rate.
int run_photon(RunOptions& o, Prepared& p) {
  const chip::ChipConfig& cfg = p.cfg;
  const model::PhotonShape& shape = *p.photon;
  const chip::PhotonWorkload& work = p.photon_work;
  const std::string& config = p.config;
  const report::GpuConfig& gpu = p.gpu;
  const int64_t P = shape.tokens_per(shape.levels_n());
  const int64_t context = o.context;
  if (!o.trace_json.empty()) trace::open(o.trace_json);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  chip::Chip chip("chip", cfg);
  const auto wall0 = std::chrono::steady_clock::now();
  const chip::LoadedPhoton loaded = chip::load_photon_shape(chip, shape, work);
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(loaded.report.load_time_ps), sc_core::SC_PS));
  Stats before, mid;
  chip.report(before, "chip");
  chip::PhotonSession session(chip, loaded);
  session.on_prefill_done([&] { chip.report(mid, "chip"); });
  const double wall = simulate(session, p.spec, o, wall0);
  if (session.hung() || session.failed()) {
    std::fprintf(stderr, "pnmsim: %s\n", session.error().c_str());
    return 1;
  }
  Stats stats;
  chip.report(stats, "chip");
  report::DecodeReport rep = report::summarize(cfg, nullptr, session, loaded.report, before, mid, stats, gpu, wall);
  // PHOTON's cache is not tokens x a per-token size: the coarsest encoder's
  // positions plus the fixed windows (PhotonShape::kv_bytes).
  const double gib = 1024.0 * 1024.0 * 1024.0;
  rep.kv_bytes = double(shape.kv_bytes(context + o.tokens - 1)) * rep.batch;
  rep.max_batch = double(loaded.report.kv.max_seqs);
  rep.tokens_per_s_per_kv_gib = rep.kv_bytes > 0 ? rep.aggregate_tokens_per_s / (rep.kv_bytes / gib) : 0;
  report::add_to_stats(rep, stats);
  stats.set("report.photon.levels", uint64_t(shape.levels_n()), "levels");
  stats.set("report.photon.tokens_per_coarse_position", uint64_t(P), "tokens", "P_L");
  stats.set("report.photon.params", shape.n_params(), "values");
  stats.set("report.photon.global_kv_bytes", double(shape.global_kv_bytes(context + o.tokens - 1)), "B",
            "per sequence: the coarsest encoder's cache");
  stats.set("report.photon.local_kv_bytes", double(shape.local_kv_bytes()), "B",
            "per sequence: the local decoders' windows (independent of the context)");
  stats.set("report.photon.bytes_per_seq", double(loaded.report.kv.bytes_per_seq), "B",
            "logic memory one more sequence takes (caches, work areas, buffers)");
  if (!o.quiet) std::fputs(report::format(rep, shape.name, config).c_str(), stdout);
  write_stats(o, stats, rep, {}, {});
  return 0;
}

int run(RunOptions& o) {
  Prepared p = prepare(o);
  if (p.photon) return run_photon(o, p);
  const chip::ChipConfig& cfg = p.cfg;
  const model::ModelShape& shape = p.shape;
  const chip::RunSpec& spec = p.spec;
  const chip::Workload& work = p.work;
  const std::string& config = p.config;
  const std::unique_ptr<model::Tokenizer>& tok = p.tok;
  std::unique_ptr<model::QuantizedModel> qm;
  if (p.ckpt) qm = std::make_unique<model::QuantizedModel>(model::quantize_model(*p.ckpt));

  if (!o.trace_json.empty()) trace::open(o.trace_json);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  // chip.interchip.chips > 1: N chips, each a tensor-parallel rank with its
  // own firmware; rank 0 is the chip reported below, the fabric beside it.
  std::unique_ptr<chip::MultiChip> sys;
  std::unique_ptr<chip::Chip> single;
  if (cfg.interchip.chips > 1) {
    sys = std::make_unique<chip::MultiChip>(cfg);
  } else {
    single = std::make_unique<chip::Chip>("chip", cfg);
  }
  chip::Chip& chip = sys ? sys->chip(0) : *single;
  const auto wall0 = std::chrono::steady_clock::now();
  const auto load_onto = [&](chip::Chip& c) {
    return qm ? chip::load_model(c, *qm, work) : chip::load_shape(c, shape, work);
  };
  chip::LoadedModel loaded = load_onto(chip);
  std::vector<std::unique_ptr<chip::DecodeSession>> ranks;  // ranks 1 .. N-1
  for (unsigned k = 1; sys && k < sys->size(); ++k) {
    ranks.push_back(std::make_unique<chip::DecodeSession>(sys->chip(k), load_onto(sys->chip(k))));
    ranks.back()->set_sampling(o.temperature, o.top_p, o.sample_seed);
  }
  report::InterchipSnapshot decode_start;
  const chip::LoadReport load = loaded.report;
  // The load phase programs flash from time 0; decode starts when it is done.
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(load.load_time_ps), sc_core::SC_PS));

  Stats before, mid;
  chip.report(before, "chip");
  chip::DecodeSession session(chip, std::move(loaded));
  session.set_sampling(o.temperature, o.top_p, o.sample_seed);
  session.on_prefill_done([&] {
    chip.report(mid, "chip");
    if (sys) decode_start = report::InterchipSnapshot::of(*sys);
  });
  const double wall = simulate(session, spec, o, wall0, [&] {
    for (auto& r : ranks) r->queue(spec);
  });
  // A hang (the watchdog fired, or the simulation ran out of events before
  // every token existed): no report of a run that did not finish.
  if (session.hung()) {
    std::fprintf(stderr, "pnmsim: %s\n", session.error().c_str());
    return 1;
  }
  for (size_t k = 0; k < ranks.size(); ++k) {
    // Every rank of stage 0 and of the last stage has the tokens (replicated
    // vector-unit work on the gathered rows; stage 0 receives them from the
    // last stage); the middle stages of a pipeline have none. A rank that
    // hung, failed or disagrees fails the run.
    const unsigned rank = unsigned(k + 1), stage = cfg.interchip.stage_of(rank);
    const bool has_tokens = stage == 0 || stage + 1 == cfg.interchip.pp;
    ranks[k]->finish();
    std::string why = ranks[k]->error();
    if (why.empty() && ranks[k]->tokens().size() != session.tokens().size()) why = "fewer tokens than rank 0";
    for (size_t i = 0; why.empty() && has_tokens && i < ranks[k]->tokens().size(); ++i) {
      if (ranks[k]->tokens()[i].output != session.tokens()[i].output) why = "its tokens differ from rank 0's";
    }
    if (!why.empty()) {
      std::fprintf(stderr, "pnmsim: chip%u (pipeline stage %u, tensor-parallel rank %u): %s\n", rank, stage,
                   cfg.interchip.tp_rank_of(rank), why.c_str());
      return 1;
    }
  }

  Stats stats;
  chip.report(stats, "chip");
  const report::DecodeReport rep = report::summarize(cfg, &shape, session, load, before, mid, stats, p.gpu, wall);
  report::add_to_stats(rep, stats);
  if (!o.quiet) std::fputs(report::format(rep, o.model, config).c_str(), stdout);
  if (sys) {
    const report::InterchipReport ir =
        report::summarize_interchip(*sys, rep, decode_start, report::InterchipSnapshot::of(*sys));
    report::add_to_stats(ir, stats);
    sys->fabric().report(stats, "interchip.fabric");
    if (!o.quiet) std::fputs(report::format(ir).c_str(), stdout);
  }
  std::vector<std::string> texts;
  if (tok) {
    for (const auto& ids : rep.token_ids) texts.push_back(tok->decode(std::vector<int>(ids.begin(), ids.end())));
    if (!o.quiet) {
      for (size_t b = 0; b < texts.size() && b < 4; ++b) {
        std::printf("  %-38s \"%s\"\n", rep.batch > 1 ? fmt::format("text (sequence {})", b).c_str() : "text",
                    texts[b].c_str());
      }
    }
  }
  write_stats(o, stats, rep, spec.prompt, texts);
  if (!o.trace_json.empty() && !o.quiet) std::printf("timeline: %s (open in ui.perfetto.dev)\n", o.trace_json.c_str());
  if (!o.trace_fst.empty() && !o.quiet) {
    std::printf("waveform: %s (gtkwave %s testbench/mve/mve.gtkw; PNM unit 0's MVE)\n", o.trace_fst.c_str(),
                o.trace_fst.c_str());
  }
  int rc = 0;
  for (unsigned c = 0; c < chip.channels(); ++c) {
    if (chip.pnm(c).engine_error().empty()) continue;
    std::fprintf(stderr, "pnmsim: PNM unit %u: %s\n", c, chip.pnm(c).engine_error().c_str());
    rc = 1;
  }
  if (session.failed()) {
    std::fprintf(stderr, "pnmsim: %s\n", session.error().c_str());
    return 1;
  }
  if (rc) return rc;
  if (chip.cpu().failed()) {
    std::fprintf(stderr, "pnmsim: %s\n", chip.cpu().errors().front().c_str());
    return 1;
  }
  return 0;
}

// The options of `pnmsim run`; also parses a sweep point's arguments.
void add_run_options(CLI::App* cmd, RunOptions& o) {
  cmd->add_option("--config", o.config,
                      "chip YAML (default: sim/configs/tiny.yaml for tiny/checkpoints, hbf_gen1.yaml for presets)");
  cmd->add_option("--model", o.model,
                      "tiny (random dim-64 model); a timing-only shape: a YAML path or a name in "
                      "sim/configs/models/ (llama2-7b, llama2-13b, llama2-70b, llama3-8b, llama3-70b, "
                      "llama3.1-405b, ...); or a llama2.c checkpoint path")
      ->capture_default_str();
  cmd->add_option("--tokens", o.tokens, "tokens to generate per sequence (the first comes from the prompt)")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--context", o.context,
                      "start decoding at position N: timing-only shapes take the KV cache as filled; "
                      "functional models run an N-token prompt first (default: the prompt's length)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  cmd->add_option("--batch", o.batch, "sequences decoded together (each weight page read once per step)")
      ->check(CLI::Range(1u, 65536u))
      ->capture_default_str();
  cmd->add_option("--prompt", o.prompt, "prompt text, run as batched prefill (needs --tokenizer)");
  cmd->add_option("--prompt-ids", o.prompt_ids, "prompt as token ids, e.g. 1,5,9 (run as batched prefill)");
  cmd->add_option("--prefill-chunk", o.prefill_chunk,
                      "prompt slots per step (default: max(batch, chip.pnm.mve.vectors))")
      ->check(CLI::Range(1u, 65536u));
  cmd->add_option("--mve", o.mve, "MVE in every PNM unit: tlm (golden), rtl (Verilated) or shadow (both, compared)")
      ->check(CLI::IsMember({"tlm", "rtl", "shadow"}));
  cmd->add_option("--seed", o.seed_text, "seed of the tiny model (0 .. 2^64-1)")->capture_default_str();
  cmd->add_option("--set", o.sets, "override a config key, e.g. --set chip.flash.timing.t_read_us=5 (repeatable)");
  cmd->add_option("--stats", o.stats, "write all stats and the report as JSON");
  cmd->add_option("--trace-json", o.trace_json, "write a Perfetto/Chrome timeline of transactions");
  cmd->add_option("--trace-fst", o.trace_fst, "write PNM unit 0's MVE waveform (FST; needs --mve rtl|shadow)");
  cmd->add_option("--gpu", o.gpu, "GPU baseline YAML (default: sim/configs/gpu/h100_sxm.yaml)");
  cmd->add_option("--temperature", o.temperature, "sampling temperature; 0 = greedy (argmax)")
      ->check(CLI::Range(0.0f, 100.0f))
      ->capture_default_str();
  cmd->add_option("--top-p", o.top_p, "nucleus sampling threshold (0 or >= 1: off)")
      ->check(CLI::Range(0.0f, 1.0f))
      ->capture_default_str();
  cmd->add_option("--sample-seed", o.sample_seed_text, "seed of the firmware's sampler (mt19937_64; 0 .. 2^64-1)")
      ->capture_default_str();
  cmd->add_option("--tokenizer", o.tokenizer, "llama2.c tokenizer.bin: print the generated text");
  cmd->add_flag("--quiet", o.quiet, "no report or progress, only errors (for sweeps)");
  cmd->add_flag("--fast", o.fast,
                "stream mode: flash reads booked in batches, not one transaction per page "
                "(= --set chip.sim.mode=stream; times within 1% of page mode on the proof grid)");
}

// An empty value is not "not given": `--stats ""` would otherwise run and
// write nothing, `--config ""` take the default config.
void check_empty_values(const CLI::App* cmd) {
  for (const CLI::Option* opt : cmd->get_options()) {
    if (opt->get_type_size() == 0) continue;  // a flag takes no value
    for (const std::string& v : opt->results()) {
      if (v.empty()) {
        throw UsageError(opt->get_name() + ": empty value (allowed: a non-empty value; leave the flag out "
                         "for its default)");
      }
    }
  }
}

// sweep --dry-run: a point's arguments go through the same parsing and
// prepare() as `pnmsim run`, so a bad key, value, base config or model is
// refused now, naming the point, instead of when the point runs. A workload
// that does not fit (a KV cache beyond the logic memory, a context beyond
// the model's positions) is a result of the sweep, not an error: it is
// listed, and the points run (and are recorded as failed).
// Returns "" or the reason the point will not fit.
std::string check_point(const sweep::Grid& g, const sweep::Point& pt) {
  std::string values;
  for (size_t k = 0; k < g.axes.size() && k < pt.values.size(); ++k) {
    values += (values.empty() ? "" : ", ") + g.axes[k].key + "=" + pt.values[k];
  }
  const std::string where = fmt::format("sweep {}: point {} ({})", g.source, pt.index, values);
  RunOptions o;
  bool fit_checks = false;
  try {
    CLI::App app{"pnmsim run"};
    add_run_options(&app, o);
    std::vector<std::string> args(pt.run_args.rbegin(), pt.run_args.rend());  // CLI11 takes them reversed
    app.parse(args);
    check_empty_values(&app);
    prepare(o, &fit_checks);
    return "";
  } catch (const CLI::ParseError& e) {
    throw UsageError(where + ": " + e.what());
  } catch (const model::ModelError& e) {
    if (fit_checks) return e.what();
    throw UsageError(where + ": model " + o.model + ": " + e.what());
  } catch (const std::exception& e) {  // UsageError, ConfigError, and the rest of a run's input errors
    if (fit_checks) return e.what();
    throw UsageError(where + ": " + e.what());
  }
}

// Each metric is a stats path gather() can read: report.<key> (the keys
// every run writes, listed from the report itself) or chip.<block>... (the
// chip's stats; which exist depends on the point's config, so only the form
// is checked).
void check_metrics(const sweep::Grid& g) {
  Stats s;
  report::add_to_stats(report::DecodeReport{}, s);
  const nlohmann::json report = s.to_json();
  for (const auto& [column, path] : g.metrics) {
    const std::string bad = fmt::format("sweep {}: key 'metrics.{}': stats path '{}'", g.source, column, path);
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(path);
    while (std::getline(in, part, '.')) parts.push_back(part);
    const bool well_formed = path.find("..") == std::string::npos && !path.empty() && path.back() != '.' &&
                             std::none_of(parts.begin(), parts.end(), [](const std::string& x) { return x.empty(); });
    if (!well_formed || parts.size() < 2 || (parts[0] != "report" && parts[0] != "chip")) {
      throw UsageError(bad + " is not a report.<key> or chip.<block>.<stat> path (allowed: report.tokens_per_s, "
                       "report.energy_per_token, ... as in a run's --stats JSON)");
    }
    if (parts[0] != "report") continue;
    const nlohmann::json* node = &report;
    for (const auto& x : parts) node = node->is_object() && node->contains(x) ? &(*node)[x] : nullptr;
    if (!node || !(node->is_number() || (node->is_object() && node->contains("value")))) {
      throw UsageError(bad + ": no such report value (allowed: the report.* keys of a run's --stats JSON)");
    }
  }
}

int run_sweep(const std::string& grid_path, const std::string& out, unsigned workers, bool dry_run, bool gather_only,
          const std::string& exe) {
  if (!fs::exists(grid_path)) throw UsageError("--grid " + grid_path + ": no such file");
  require_not_directory("--grid", grid_path);
  {
    // The output directory must be creatable and writable before anything runs.
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec || !fs::is_directory(out)) {
      throw UsageError("--out " + out + ": cannot create the output directory" + (ec ? ": " + ec.message() : ""));
    }
    const fs::path probe = fs::path(out) / ".pnmsim_write_probe";
    std::FILE* f = std::fopen(probe.c_str(), "w");
    if (!f) throw UsageError("--out " + out + ": cannot write in the output directory: " + std::strerror(errno));
    std::fclose(f);
    fs::remove(probe, ec);
  }
  const sweep::Grid g = sweep::load_grid(grid_path);
  check_metrics(g);
  const auto points = sweep::expand(g, exe, out);
  if (dry_run) {
    unsigned wont_fit = 0;
    for (const auto& pt : points) {
      const std::string why = check_point(g, pt);
      if (why.empty()) continue;
      if (++wont_fit <= 10) std::printf("sweep: point %u will fail (a result, not an error): %s\n", pt.index, why.c_str());
    }
    if (wont_fit > 10) std::printf("sweep: ... %u points will fail in all\n", wont_fit);
  }
  sweep::write_job_files(points, out);
  std::printf("sweep: %zu points; jobs %s/jobs.txt (GNU parallel: parallel < jobs.txt), Slurm: sbatch %s/slurm.sh\n",
              points.size(), out.c_str(), out.c_str());
  if (dry_run) return 0;
  unsigned failed = 0;
  if (!gather_only) failed = sweep::run_local(points, workers, true);
  const std::string csv = sweep::gather(g, points, out);
  std::printf("sweep: results %s%s\n", csv.c_str(),
              failed ? fmt::format(" ({} failed points recorded)", failed).c_str() : "");
  // Some failing points are results (a batch that does not fit); all of them
  // failing is a broken sweep (a missing base config, a bad model).
  if (!points.empty() && failed == points.size()) {
    std::fprintf(stderr, "pnmsim: sweep: every one of the %zu points failed (see %s/points/*.log)\n", points.size(),
                 out.c_str());
    return 1;
  }
  return 0;
}

// SystemC prints its banner to stderr before sc_main runs; a command line
// keeps stderr for progress and the one-line errors, so switch it off unless
// the user asked for it.
const bool kQuietBanner = [] { return setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0) == 0; }();

}  // namespace

int sc_main(int argc, char* argv[]) {
  // A CPU program that fails (an MMIO error response, e.g. a broken TSV link)
  // is also a SystemC warning, several lines on stderr; the run reports the
  // same message as its one-line error, so the warning is only noise here.
  sc_core::sc_report_handler::set_actions("pnm/cpu", sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  CLI::App app{"pnmsim: virtual platform of a High Bandwidth Flash + processing-near-memory LLM inference chip"};
  app.require_subcommand(1);
  RunOptions o;
  auto* run_cmd = app.add_subcommand("run", "decode tokens with the firmware on the simulated chip and report");
  add_run_options(run_cmd, o);

  std::string grid, out = "sweep_out";
  unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  bool dry_run = false, gather_only = false;
  auto* sweep_cmd = app.add_subcommand("sweep", "run a grid of configurations and gather one CSV");
  sweep_cmd->add_option("--grid", grid, "sweep YAML (see sim/sweep.hpp)")->required();
  sweep_cmd->add_option("--out", out, "output directory")->capture_default_str();
  sweep_cmd->add_option("--workers", workers, "parallel local runs")->check(CLI::Range(1u, 1024u));
  sweep_cmd->add_flag("--dry-run", dry_run,
                     "check every point's config, model and flags as its run would (without simulating), "
                     "then write jobs.txt and slurm.sh only");
  sweep_cmd->add_flag("--gather-only", gather_only, "only gather finished points into results.csv");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "pnmsim: %s (see pnmsim --help)\n", e.what());
    return 2;
  }
  try {
    check_empty_values(run_cmd);
    check_empty_values(sweep_cmd);
    if (*sweep_cmd) return run_sweep(resolve(grid), out, workers, dry_run, gather_only, fs::absolute(argv[0]).string());
    return run(o);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "pnmsim: %s\n", e.what());
    return 2;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "pnmsim: %s\n", e.what());
    return 2;
  } catch (const model::ModelError& e) {
    std::fprintf(stderr, "pnmsim: model %s: %s\n", o.model.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pnmsim: %s\n", e.what());
    return 1;
  }
}
