#include "sim/model/shape.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <set>
#include <sstream>

#include "sim/model/error.hpp"
#include "sim/model/yaml_keys.hpp"

namespace pnm::model {

const char* to_string(MatrixId m) {
  switch (m) {
    case MatrixId::Wq: return "wq";
    case MatrixId::Wk: return "wk";
    case MatrixId::Wv: return "wv";
    case MatrixId::Wo: return "wo";
    case MatrixId::W1: return "w1";
    case MatrixId::W3: return "w3";
    case MatrixId::W2: return "w2";
    case MatrixId::Cls: return "cls";
  }
  return "?";
}

std::string ModelShape::problem() const {
  std::ostringstream os;
  if (latent && (vocab_size != 0 || shared_classifier)) {
    os << "a latent stack has no vocabulary: vocab_size = " << vocab_size << " must be 0, unshared";
    return os.str();
  }
  const std::pair<const char*, int32_t> positive[] = {
      {"dim", dim},           {"hidden_dim", hidden_dim}, {"n_layers", n_layers},
      {"n_heads", n_heads},   {"n_kv_heads", n_kv_heads}, {"vocab_size", latent ? 1 : vocab_size},
      {"seq_len", seq_len}};
  for (const auto& [name, v] : positive) {
    if (v <= 0) {
      os << name << " = " << v << " must be > 0";
      return os.str();
    }
  }
  if (dim % n_heads != 0) {
    os << "dim " << dim << " is not divisible by n_heads " << n_heads << " (remainder "
       << dim % n_heads << ")";
    return os.str();
  }
  if (n_kv_heads > n_heads) {
    os << "n_kv_heads " << n_kv_heads << " exceeds n_heads " << n_heads << " by "
       << n_kv_heads - n_heads;
    return os.str();
  }
  if (n_heads % n_kv_heads != 0) {
    os << "n_heads " << n_heads << " is not divisible by n_kv_heads " << n_kv_heads
       << " (remainder " << n_heads % n_kv_heads << ")";
    return os.str();
  }
  if (head_dim() % 2 != 0) {
    os << "head_dim " << head_dim() << " (dim " << dim << " / n_heads " << n_heads
       << ") is odd; RoPE rotates pairs and needs an even head_dim";
    return os.str();
  }
  const int64_t widest = std::max<int64_t>(dim, hidden_dim);
  if (widest > kMaxExactInt32Cols) {
    os << "GEMV input length " << widest << " exceeds " << kMaxExactInt32Cols
       << " by " << widest - kMaxExactInt32Cols
       << "; int8 x int8 sums could overflow the int32 accumulator";
    return os.str();
  }
  return {};
}

void ModelShape::validate(const std::string& context) const {
  const std::string p = problem();
  if (!p.empty()) throw ModelError(ErrorKind::BadShape, context + ": " + p);
}

std::vector<MatrixSpec> ModelShape::matrices() const {
  const int64_t L = n_layers, d = dim, h = hidden_dim, kv = kv_dim();
  return {
      {MatrixId::Wq, d, d, L},  {MatrixId::Wk, kv, d, L}, {MatrixId::Wv, kv, d, L},
      {MatrixId::Wo, d, d, L},  {MatrixId::W1, h, d, L},  {MatrixId::W3, h, d, L},
      {MatrixId::W2, d, h, L},  {MatrixId::Cls, vocab_size, d, 1},
  };
}

uint64_t ModelShape::n_params() const {
  uint64_t n = uint64_t(vocab_size) * uint64_t(dim);       // token embedding
  n += uint64_t(2 * int64_t(n_layers) + 1) * uint64_t(dim);  // rms_att, rms_ffn, rms_final
  for (const auto& m : matrices()) {
    if (m.id == MatrixId::Cls && shared_classifier) continue;
    n += uint64_t(m.rows) * uint64_t(m.cols) * uint64_t(m.count);
  }
  return n;
}

WeightBytes ModelShape::weight_bytes() const {
  WeightBytes b;
  for (const auto& m : matrices()) {
    b.int8_matrices += uint64_t(m.rows) * uint64_t(m.cols) * uint64_t(m.count);
    b.row_scales += 4 * uint64_t(m.rows) * uint64_t(m.count);
  }
  b.fp32_norms = 4 * uint64_t(2 * int64_t(n_layers) + 1) * uint64_t(dim);
  b.fp32_embedding = 4 * uint64_t(vocab_size) * uint64_t(dim);
  return b;
}

uint64_t ModelShape::kv_bytes_per_token() const {
  return 2ULL * uint64_t(n_layers) * uint64_t(kv_dim()) * 4ULL;
}

bool ModelShape::operator==(const ModelShape& o) const {
  return dim == o.dim && hidden_dim == o.hidden_dim && n_layers == o.n_layers &&
         n_heads == o.n_heads && n_kv_heads == o.n_kv_heads && vocab_size == o.vocab_size &&
         seq_len == o.seq_len && shared_classifier == o.shared_classifier && latent == o.latent;
}

std::string describe(const ModelShape& s) {
  std::ostringstream os;
  os << "dim " << s.dim << ", hidden_dim " << s.hidden_dim << ", n_layers " << s.n_layers
     << ", n_heads " << s.n_heads << ", n_kv_heads " << s.n_kv_heads << ", vocab_size "
     << s.vocab_size << ", seq_len " << s.seq_len << ", "
     << (s.shared_classifier ? "shared" : "separate") << " classifier";
  return os.str();
}

// ---------------------------------------------------------------- YAML -----

namespace {

ModelShape from_node(const YAML::Node& root, const std::string& src) {
  if (!root.IsMap()) {
    throw ModelError(ErrorKind::Config, src + ": expected a mapping of shape keys at top level");
  }
  check_keys(root, src, "",
             {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len",
              "shared_classifier", "name", "source", "notes"});
  check_text(root, src, {"name", "source", "notes"});
  ModelShape s;
  s.dim = read_int(root, src, "dim");
  s.hidden_dim = read_int(root, src, "hidden_dim");
  s.n_layers = read_int(root, src, "n_layers");
  s.n_heads = read_int(root, src, "n_heads");
  s.n_kv_heads = read_int(root, src, "n_kv_heads");
  s.vocab_size = read_int(root, src, "vocab_size");
  s.seq_len = read_int(root, src, "seq_len");
  const YAML::Node sc = root["shared_classifier"];
  if (!sc) config_error(src, "shared_classifier", "missing (required, true or false)");
  try {
    s.shared_classifier = sc.as<bool>();
  } catch (const YAML::Exception&) {
    config_error(src, "shared_classifier", "must be true or false, got '" + sc.Scalar() + "'");
  }
  const std::string p = s.problem();
  if (!p.empty()) throw ModelError(ErrorKind::Config, src + ": invalid shape: " + p);
  return s;
}

}  // namespace

ModelShape parse_shape_yaml(const std::string& text, const std::string& source_name) {
  return from_node(load_yaml_text(text, source_name), source_name);
}

ModelShape load_shape_yaml(const std::string& path) { return from_node(load_yaml_file(path, "model shape"), path); }

// ---------------------------------------------------------------- fits -----

FitReport check_fits(const ModelShape& shape, uint64_t capacity_bytes) {
  shape.validate("check_fits");
  FitReport r;
  const WeightBytes b = shape.weight_bytes();
  r.required_bytes = b.total();
  r.capacity_bytes = capacity_bytes;
  r.fits = r.required_bytes <= capacity_bytes;
  r.excess_bytes = r.fits ? 0 : r.required_bytes - capacity_bytes;
  char buf[512];
  const double gib = 1024.0 * 1024.0 * 1024.0;
  if (r.fits) {
    std::snprintf(buf, sizeof buf,
                  "int8 model needs %llu bytes (%.3f GiB) of %llu bytes flash capacity "
                  "(%.1f%% used, %llu bytes free)",
                  (unsigned long long)r.required_bytes, r.required_bytes / gib,
                  (unsigned long long)capacity_bytes,
                  capacity_bytes ? 100.0 * double(r.required_bytes) / double(capacity_bytes) : 0.0,
                  (unsigned long long)(capacity_bytes - r.required_bytes));
  } else {
    std::snprintf(buf, sizeof buf,
                  "int8 model does not fit: needs %llu bytes (%.3f GiB: int8 matrices %llu, "
                  "row scales %llu, fp32 norms %llu, fp32 embedding %llu), flash capacity is "
                  "%llu bytes (%.3f GiB); exceeds it by %llu bytes (%.3f GiB, %.1f%% over)",
                  (unsigned long long)r.required_bytes, r.required_bytes / gib,
                  (unsigned long long)b.int8_matrices, (unsigned long long)b.row_scales,
                  (unsigned long long)b.fp32_norms, (unsigned long long)b.fp32_embedding,
                  (unsigned long long)capacity_bytes, capacity_bytes / gib,
                  (unsigned long long)r.excess_bytes, r.excess_bytes / gib,
                  capacity_bytes ? 100.0 * double(r.excess_bytes) / double(capacity_bytes)
                                 : 100.0);
  }
  r.message = buf;
  return r;
}

void require_fits(const ModelShape& shape, uint64_t capacity_bytes) {
  const FitReport r = check_fits(shape, capacity_bytes);
  if (!r.fits) throw ModelError(ErrorKind::TooLarge, r.message);
}

ModelShape tiny_shape(bool shared_classifier) {
  ModelShape s;
  s.dim = 64;
  s.hidden_dim = 172;
  s.n_layers = 2;
  s.n_heads = 4;
  s.n_kv_heads = 2;
  s.vocab_size = 256;
  s.seq_len = 64;
  s.shared_classifier = shared_classifier;
  return s;
}

}  // namespace pnm::model
