#include "sim/model/checkpoint.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "sim/model/error.hpp"
#include "sim/model/rng.hpp"

namespace pnm::model {

namespace {

struct ArrayCounts {  // number of floats per section, in file order
  uint64_t emb, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, freq, wcls;
  uint64_t total() const {
    return emb + rms_att + wq + wk + wv + wo + rms_ffn + w1 + w2 + w3 + rms_final + freq + wcls;
  }
};

ArrayCounts counts(const ModelShape& s) {
  const uint64_t d = uint64_t(s.dim), h = uint64_t(s.hidden_dim), L = uint64_t(s.n_layers);
  const uint64_t kv = uint64_t(s.kv_dim()), V = uint64_t(s.vocab_size);
  const uint64_t hd = uint64_t(s.head_dim()), T = uint64_t(s.seq_len);
  ArrayCounts c{};
  c.emb = V * d;
  c.rms_att = L * d;
  c.wq = L * d * d;  // n_heads * head_dim == dim in this format
  c.wk = L * kv * d;
  c.wv = L * kv * d;
  c.wo = L * d * d;
  c.rms_ffn = L * d;
  c.w1 = L * h * d;
  c.w2 = L * d * h;
  c.w3 = L * h * d;
  c.rms_final = d;
  c.freq = T * hd / 2 * 2;  // freq_cis_real + freq_cis_imag
  c.wcls = s.shared_classifier ? 0 : V * d;
  return c;
}

std::string errno_text() { return std::strerror(errno); }

// Decodes the seven header ints into a shape, range-checking each field.
ModelShape shape_from_header(const int32_t hdr[7], const std::string& path) {
  static const char* names[7] = {"dim",        "hidden_dim", "n_layers", "n_heads",
                                 "n_kv_heads", "vocab_size", "seq_len"};
  for (int i = 0; i < 7; ++i) {
    const bool bad = (i == 5) ? hdr[i] == 0 || hdr[i] == INT32_MIN : hdr[i] <= 0;
    if (bad) {
      throw ModelError(ErrorKind::CorruptHeader,
                       path + ": corrupt checkpoint header: " + names[i] + " = " +
                           std::to_string(hdr[i]) + " (header int32 #" + std::to_string(i) +
                           ", byte offset " + std::to_string(4 * i) + ") must be " +
                           (i == 5 ? "non-zero (negative = separate classifier)" : "> 0"));
    }
  }
  ModelShape s;
  s.dim = hdr[0];
  s.hidden_dim = hdr[1];
  s.n_layers = hdr[2];
  s.n_heads = hdr[3];
  s.n_kv_heads = hdr[4];
  s.shared_classifier = hdr[5] > 0;
  s.vocab_size = hdr[5] > 0 ? hdr[5] : -hdr[5];
  s.seq_len = hdr[6];
  s.validate(path + ": checkpoint header");
  return s;
}

void check_size(const ModelShape& s, uint64_t actual, const std::string& path) {
  const uint64_t expected = checkpoint_file_bytes(s);
  if (actual < expected) {
    throw ModelError(ErrorKind::Truncated,
                     path + ": truncated checkpoint: expected " + std::to_string(expected) +
                         " bytes, got " + std::to_string(actual) + " (" +
                         std::to_string(expected - actual) + " bytes missing) for " +
                         describe(s));
  }
  if (actual > expected) {
    throw ModelError(ErrorKind::TrailingBytes,
                     path + ": checkpoint larger than its header says: expected " +
                         std::to_string(expected) + " bytes, got " + std::to_string(actual) +
                         " (" + std::to_string(actual - expected) +
                         " extra bytes; not a legacy version-0 llama2.c file?) for " +
                         describe(s));
  }
}

// Rejects NaN and infinity in one tensor of `count` floats stored as `per_layer`
// floats per layer (0: not per layer): the quantizer's max would drop a NaN and
// the decode would run on garbage. Names the file, the tensor, the index and,
// for per-layer tensors, the layer.
void check_finite(const float* p, uint64_t count, uint64_t per_layer, const char* tensor,
                  const std::string& path, const char* unit = "layer") {
  for (uint64_t i = 0; i < count; ++i) {
    if (std::isfinite(p[i])) continue;
    std::string where = std::string(tensor) + "[" + std::to_string(i) + "]";
    if (per_layer) {
      where += std::string(" (") + unit + " " + std::to_string(i / per_layer) + ", element " + std::to_string(i % per_layer) + ")";
    }
    throw ModelError(ErrorKind::NonFinite, path + ": non-finite weight in checkpoint: " + where + " = " +
                                               (std::isnan(p[i]) ? "nan" : (p[i] > 0 ? "inf" : "-inf")) +
                                               " (every weight must be a finite float)");
  }
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

uint64_t checkpoint_file_bytes(const ModelShape& shape) {
  shape.validate("checkpoint_file_bytes");
  return kCheckpointHeaderBytes + 4 * counts(shape).total();
}

struct Checkpoint::Mapping {
  void* base = nullptr;
  size_t len = 0;
  ~Mapping() {
    if (base) ::munmap(base, len);
  }
};

namespace {

// Opens, reads the header, checks it and the size. Returns the open fd.
ModelShape open_and_check(const std::string& path, Fd& f, uint64_t& size) {
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) {
    throw ModelError(ErrorKind::Io, path + ": cannot open checkpoint: " + errno_text());
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    throw ModelError(ErrorKind::Io, path + ": cannot stat checkpoint: " + errno_text());
  }
  size = uint64_t(st.st_size);
  if (size < kCheckpointHeaderBytes) {
    throw ModelError(ErrorKind::Truncated,
                     path + ": truncated checkpoint: expected at least " +
                         std::to_string(kCheckpointHeaderBytes) + " bytes of header, got " +
                         std::to_string(size) + " (" +
                         std::to_string(kCheckpointHeaderBytes - size) + " bytes missing)");
  }
  int32_t hdr[7];
  if (::pread(f.fd, hdr, sizeof hdr, 0) != ssize_t(sizeof hdr)) {
    throw ModelError(ErrorKind::Io, path + ": cannot read checkpoint header: " + errno_text());
  }
  ModelShape s = shape_from_header(hdr, path);
  check_size(s, size, path);
  return s;
}

}  // namespace

ModelShape read_checkpoint_shape(const std::string& path) {
  Fd f;
  uint64_t size = 0;
  return open_and_check(path, f, size);
}

Checkpoint Checkpoint::load(const std::string& path) {
  Fd f;
  uint64_t size = 0;
  Checkpoint c;
  c.shape_ = open_and_check(path, f, size);
  c.path_ = path;
  auto m = std::make_shared<Mapping>();
  m->len = size_t(size);
  m->base = ::mmap(nullptr, m->len, PROT_READ, MAP_PRIVATE, f.fd, 0);
  if (m->base == MAP_FAILED) {
    m->base = nullptr;
    throw ModelError(ErrorKind::Io, path + ": cannot map checkpoint: " + errno_text());
  }
  c.map_ = m;
  const ArrayCounts n = counts(c.shape_);
  const float* p = reinterpret_cast<const float*>(static_cast<const char*>(m->base) +
                                                  kCheckpointHeaderBytes);
  c.token_embedding = p; p += n.emb;
  c.rms_att = p; p += n.rms_att;
  c.wq = p; p += n.wq;
  c.wk = p; p += n.wk;
  c.wv = p; p += n.wv;
  c.wo = p; p += n.wo;
  c.rms_ffn = p; p += n.rms_ffn;
  c.w1 = p; p += n.w1;
  c.w2 = p; p += n.w2;
  c.w3 = p; p += n.w3;
  c.rms_final = p; p += n.rms_final;
  p += n.freq;
  c.wcls = c.shape_.shared_classifier ? c.token_embedding : p;
  // Every tensor the decode uses must be finite (freq_cis is unused: RoPE is
  // computed, not read from the file).
  const uint64_t L = uint64_t(c.shape_.n_layers);
  check_finite(c.token_embedding, n.emb, uint64_t(c.shape_.dim), "token_embedding", path, "token");
  check_finite(c.rms_att, n.rms_att, n.rms_att / L, "rms_att", path);
  check_finite(c.wq, n.wq, n.wq / L, "wq", path);
  check_finite(c.wk, n.wk, n.wk / L, "wk", path);
  check_finite(c.wv, n.wv, n.wv / L, "wv", path);
  check_finite(c.wo, n.wo, n.wo / L, "wo", path);
  check_finite(c.rms_ffn, n.rms_ffn, n.rms_ffn / L, "rms_ffn", path);
  check_finite(c.w1, n.w1, n.w1 / L, "w1", path);
  check_finite(c.w2, n.w2, n.w2 / L, "w2", path);
  check_finite(c.w3, n.w3, n.w3 / L, "w3", path);
  check_finite(c.rms_final, n.rms_final, 0, "rms_final", path);
  if (n.wcls) check_finite(c.wcls, n.wcls, 0, "wcls", path);
  return c;
}

const float* Checkpoint::matrix(MatrixId id, int layer) const {
  const uint64_t d = uint64_t(shape_.dim), h = uint64_t(shape_.hidden_dim);
  const uint64_t kv = uint64_t(shape_.kv_dim()), l = uint64_t(layer);
  switch (id) {
    case MatrixId::Wq: return wq + l * d * d;
    case MatrixId::Wk: return wk + l * kv * d;
    case MatrixId::Wv: return wv + l * kv * d;
    case MatrixId::Wo: return wo + l * d * d;
    case MatrixId::W1: return w1 + l * h * d;
    case MatrixId::W3: return w3 + l * h * d;
    case MatrixId::W2: return w2 + l * d * h;
    case MatrixId::Cls: return wcls;
  }
  return nullptr;
}

// --------------------------------------------------------------- writer -----

void write_checkpoint(const std::string& path, const ModelShape& shape, uint64_t seed) {
  shape.validate("write_checkpoint");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw ModelError(ErrorKind::Io, path + ": cannot create checkpoint");
  std::mt19937_64 rng(seed);
  const int32_t hdr[7] = {shape.dim,        shape.hidden_dim,
                          shape.n_layers,   shape.n_heads,
                          shape.n_kv_heads, shape.shared_classifier ? shape.vocab_size
                                                                    : -shape.vocab_size,
                          shape.seq_len};
  out.write(reinterpret_cast<const char*>(hdr), sizeof hdr);
  std::vector<float> buf;
  auto emit = [&](uint64_t n, double stddev, double mean) {
    buf.resize(size_t(n));
    for (auto& v : buf) v = float(mean + stddev * approx_normal(rng));
    out.write(reinterpret_cast<const char*>(buf.data()), std::streamsize(n * 4));
  };
  const ArrayCounts n = counts(shape);
  const double sd_d = 1.0 / std::sqrt(double(shape.dim));
  const double sd_h = 1.0 / std::sqrt(double(shape.hidden_dim));
  emit(n.emb, sd_d, 0.0);
  emit(n.rms_att, 0.1, 1.0);
  emit(n.wq, sd_d, 0.0);
  emit(n.wk, sd_d, 0.0);
  emit(n.wv, sd_d, 0.0);
  emit(n.wo, sd_d, 0.0);
  emit(n.rms_ffn, 0.1, 1.0);
  emit(n.w1, sd_d, 0.0);
  emit(n.w2, sd_h, 0.0);
  emit(n.w3, sd_d, 0.0);
  emit(n.rms_final, 0.1, 1.0);
  emit(n.freq, 0.0, 0.0);
  if (n.wcls) emit(n.wcls, sd_d, 0.0);
  out.flush();
  if (!out) throw ModelError(ErrorKind::Io, path + ": write failed");
}

}  // namespace pnm::model
