#include "sim/model/photon.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "sim/model/error.hpp"
#include "sim/model/numerics.hpp"
#include "sim/model/rng.hpp"
#include "sim/model/yaml_keys.hpp"

namespace pnm::model {

int64_t PhotonShape::tokens_per(int l) const {
  int64_t p = 1;
  for (int i = 0; i < l; ++i) p *= levels[size_t(i)].chunk;
  return p;
}

namespace {

ModelShape stack_shape(const PhotonStack& st, int32_t dim, int32_t vocab, int32_t positions) {
  ModelShape s;
  s.dim = dim;
  s.hidden_dim = st.hidden_dim;
  s.n_layers = st.n_layers;
  s.n_heads = st.n_heads;
  s.n_kv_heads = st.n_kv_heads;
  s.vocab_size = vocab;
  s.seq_len = positions;
  s.shared_classifier = false;
  s.latent = vocab == 0;
  return s;
}

}  // namespace

ModelShape PhotonShape::encoder(int l, int32_t positions) const {
  const int32_t n = positions > 0 ? positions : int32_t(seq_len / tokens_per(l));
  return stack_shape(levels[size_t(l - 1)].encoder, dim(l), 0, n);
}

ModelShape PhotonShape::decoder(int l) const {
  return stack_shape(levels[size_t(l - 1)].decoder, dim(l - 1), l == 1 ? vocab_size : 0, window(l));
}

std::string PhotonShape::problem() const {
  std::ostringstream os;
  if (levels.empty() || levels.size() > size_t(kPhotonMaxLevels)) {
    os << "levels: " << levels.size() << " levels; allowed 1.." << kPhotonMaxLevels;
    return os.str();
  }
  if (vocab_size < 2) return "vocab_size = " + std::to_string(vocab_size) + ": allowed >= 2 (BOS is token 1)";
  for (int l = 1; l <= levels_n(); ++l) {
    const PhotonLevel& lv = levels[size_t(l - 1)];
    const std::string k = "levels[" + std::to_string(l) + "]";
    if (lv.chunk < 1) return k + ".chunk = " + std::to_string(lv.chunk) + ": allowed >= 1";
    if (lv.ratio < 1) return k + ".converter_ratio = " + std::to_string(lv.ratio) + ": allowed >= 1";
    if (seq_len % tokens_per(l) != 0) {
      os << k << ".chunk = " << lv.chunk << " gives P_" << l << " = " << tokens_per(l)
         << " tokens per level-" << l << " position, which does not divide seq_len " << seq_len
         << ": allowed chunk sizes whose product divides seq_len";
      return os.str();
    }
    for (const auto& [what, shape] : {std::pair<const char*, ModelShape>{"encoder", encoder(l)},
                                      std::pair<const char*, ModelShape>{"decoder", decoder(l)}}) {
      const std::string p = shape.problem();
      if (!p.empty()) return k + "." + what + ": " + p;
    }
  }
  return {};
}

void PhotonShape::validate(const std::string& context) const {
  const std::string p = problem();
  if (!p.empty()) throw ModelError(ErrorKind::Config, context + ": invalid PHOTON shape: " + p);
}

uint64_t PhotonShape::n_params() const {
  uint64_t n = 0;
  for (int l = 1; l <= levels_n(); ++l) {
    const PhotonLevel& lv = levels[size_t(l - 1)];
    n += encoder(l).n_params() + decoder(l).n_params();
    n += uint64_t(lv.dim) * uint64_t(lv.chunk) * uint64_t(dim(l - 1));  // chunker
    n += uint64_t(lv.ratio) * uint64_t(dim(l - 1)) * uint64_t(lv.dim);  // converter
  }
  return n;
}

uint64_t PhotonShape::global_kv_bytes(int64_t context) const {
  const int L = levels_n();
  const uint64_t positions = uint64_t((context + tokens_per(L) - 1) / tokens_per(L));
  return positions * encoder(L).kv_bytes_per_token();
}

uint64_t PhotonShape::local_kv_bytes() const {
  uint64_t b = 0;
  for (int l = 1; l <= levels_n(); ++l) b += uint64_t(window(l)) * decoder(l).kv_bytes_per_token();
  return b;
}

// ------------------------------------------------------------------ YAML -----

namespace {

PhotonStack read_stack(const YAML::Node& n, const std::string& src, const std::string& where) {
  check_keys(n, src, where, {"n_layers", "n_heads", "n_kv_heads", "hidden_dim"});
  PhotonStack s;
  s.n_layers = read_int(n, src, where + ".n_layers", "n_layers");
  s.n_heads = read_int(n, src, where + ".n_heads", "n_heads");
  s.n_kv_heads = read_int(n, src, where + ".n_kv_heads", "n_kv_heads");
  s.hidden_dim = read_int(n, src, where + ".hidden_dim", "hidden_dim");
  return s;
}

// Chunk and ratio may be given as 0 (the bad input) and are then
// named by problem(); read_int would say "must be in [1, ...]", which is as
// clear, so both paths name the key.
PhotonShape from_node(const YAML::Node& root, const std::string& src) {
  check_keys(root, src, "", {"kind", "name", "source", "notes", "vocab_size", "embed_dim", "seq_len", "levels"});
  check_text(root, src, {"kind", "name", "source", "notes"});
  if (!root["kind"] || root["kind"].Scalar() != "photon") config_error(src, "kind", "must be photon");
  PhotonShape s;
  s.name = root["name"] ? root["name"].Scalar() : src;
  s.vocab_size = read_int(root, src, "vocab_size");
  s.embed_dim = read_int(root, src, "embed_dim");
  s.seq_len = read_int(root, src, "seq_len");
  const YAML::Node lv = root["levels"];
  if (!lv || !lv.IsSequence() || lv.size() == 0 || lv.size() > size_t(kPhotonMaxLevels)) {
    config_error(src, "levels",
                 "must be a list of 1.." + std::to_string(kPhotonMaxLevels) + " levels, got " +
                     (lv && lv.IsSequence() ? std::to_string(lv.size()) + " levels" : std::string("no list")));
  }
  for (size_t i = 0; i < lv.size(); ++i) {
    const std::string where = "levels[" + std::to_string(i + 1) + "]";
    const YAML::Node n = lv[i];
    check_keys(n, src, where, {"chunk", "converter_ratio", "dim", "encoder", "decoder"});
    PhotonLevel l;
    l.chunk = read_int(n, src, where + ".chunk", "chunk");
    l.ratio = read_int(n, src, where + ".converter_ratio", "converter_ratio");
    l.dim = read_int(n, src, where + ".dim", "dim");
    if (!n["encoder"]) config_error(src, where + ".encoder", "missing (n_layers, n_heads, n_kv_heads, hidden_dim)");
    if (!n["decoder"]) config_error(src, where + ".decoder", "missing (n_layers, n_heads, n_kv_heads, hidden_dim)");
    l.encoder = read_stack(n["encoder"], src, where + ".encoder");
    l.decoder = read_stack(n["decoder"], src, where + ".decoder");
    s.levels.push_back(l);
  }
  const std::string p = s.problem();
  if (!p.empty()) throw ModelError(ErrorKind::Config, src + ": invalid PHOTON shape: " + p);
  return s;
}

}  // namespace

PhotonShape parse_photon_yaml(const std::string& text, const std::string& source_name) {
  return from_node(load_yaml_text(text, source_name), source_name);
}

PhotonShape load_photon_yaml(const std::string& path) { return from_node(load_yaml_file(path, "PHOTON shape"), path); }

bool is_photon_yaml(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["kind"] && root["kind"].IsScalar() && root["kind"].Scalar() == "photon";
  } catch (const YAML::Exception&) {
    return false;
  }
}

PhotonShape tiny_photon_shape() {
  PhotonShape s;
  s.name = "PHOTON tiny";
  s.vocab_size = 64;
  s.embed_dim = 32;
  s.seq_len = 72;
  s.levels = {PhotonLevel{2, 3, 64, {1, 4, 2, 96}, {2, 2, 1, 64}},
              PhotonLevel{3, 2, 64, {2, 4, 4, 128}, {1, 4, 2, 96}}};
  return s;
}

// ---------------------------------------------------------------- weights -----

namespace {

std::vector<float> draw(std::mt19937_64& rng, size_t n, double mean, double stddev) {
  std::vector<float> v(n);
  for (float& x : v) x = float(mean + stddev * approx_normal(rng));
  return v;
}

QMatrix random_matrix(std::mt19937_64& rng, int32_t rows, int32_t cols) {
  const std::vector<float> w = draw(rng, size_t(rows) * size_t(cols), 0.0, 1.0 / std::sqrt(double(cols)));
  return quantize_matrix(w.data(), rows, cols);
}

// A stack with write_checkpoint's distributions: matrices N(0, 1/sqrt(fan_in)),
// embedding and classifier N(0, 1/sqrt(dim)), norms 1 + N(0, 0.1).
QuantizedModel random_stack(const ModelShape& s, std::mt19937_64& rng) {
  QuantizedModel m;
  m.shape = s;
  const size_t d = size_t(s.dim), L = size_t(s.n_layers);
  const double emb_sd = 1.0 / std::sqrt(double(s.dim));
  if (!s.latent) m.token_embedding = draw(rng, size_t(s.vocab_size) * d, 0.0, emb_sd);
  m.rms_att = draw(rng, L * d, 1.0, 0.1);
  m.rms_ffn = draw(rng, L * d, 1.0, 0.1);
  m.rms_final = draw(rng, d, 1.0, 0.1);
  for (size_t l = 0; l < L; ++l) {
    QLayer q;
    const int32_t kv = s.kv_dim(), h = s.hidden_dim, dim = s.dim;
    q.wq = random_matrix(rng, dim, dim);
    q.wk = random_matrix(rng, kv, dim);
    q.wv = random_matrix(rng, kv, dim);
    q.wo = random_matrix(rng, dim, dim);
    q.w1 = random_matrix(rng, h, dim);
    q.w2 = random_matrix(rng, dim, h);
    q.w3 = random_matrix(rng, h, dim);
    m.layers.push_back(std::move(q));
  }
  if (!s.latent) {
    const std::vector<float> w = draw(rng, size_t(s.vocab_size) * d, 0.0, emb_sd);
    m.cls = quantize_matrix(w.data(), s.vocab_size, s.dim);
  }
  return m;
}

}  // namespace

PhotonWeights random_photon(const PhotonShape& shape, uint64_t seed, int32_t max_prompt, int32_t max_coarse) {
  shape.validate("random_photon");
  PhotonWeights w;
  w.shape = shape;
  w.max_prompt = max_prompt;
  w.max_coarse = max_coarse;
  std::mt19937_64 rng(seed);
  const int L = shape.levels_n();
  for (int l = 1; l <= L; ++l) {
    const int32_t positions = l == L ? max_coarse : int32_t(std::max<int64_t>(1, max_prompt / shape.tokens_per(l)));
    w.enc.push_back(random_stack(shape.encoder(l, positions), rng));
    w.dec.push_back(random_stack(shape.decoder(l), rng));
    const PhotonLevel& lv = shape.levels[size_t(l - 1)];
    w.chunker.push_back(random_matrix(rng, lv.dim, lv.chunk * shape.dim(l - 1)));
    w.converter.push_back(random_matrix(rng, lv.ratio * shape.dim(l - 1), lv.dim));
  }
  return w;
}

// -------------------------------------------------------------- reference -----

PhotonReference::PhotonReference(const PhotonWeights& w) : w_(w) {
  const PhotonShape& s = w.shape;
  for (int l = 1; l <= s.levels_n(); ++l) {
    enc_.push_back(std::make_unique<ReferenceDecoder>(w.enc[size_t(l - 1)]));
    dec_.push_back(std::make_unique<ReferenceDecoder>(w.dec[size_t(l - 1)]));
    hist_.emplace_back(size_t(s.levels[size_t(l - 1)].chunk) * size_t(s.dim(l - 1)));
  }
  top_.assign(size_t(s.dim(s.levels_n())), 0.0f);
}

std::vector<float> PhotonReference::linear(const QMatrix& w, const float* in) {
  std::vector<int8_t> q(size_t(w.cols));
  std::vector<int32_t> acc(size_t(w.rows));
  std::vector<float> out(size_t(w.rows));
  const float scale = quantize_vector(in, w.cols, q.data());
  gemv_i8(w, q.data(), acc.data());
  dequantize(out.data(), acc.data(), w.scale.data(), scale, w.rows);
  return out;
}

void PhotonReference::prefill(const std::vector<int32_t>& prompt) {
  const PhotonShape& s = w_.shape;
  const int L = s.levels_n();
  if (prompt.empty() || int64_t(prompt.size()) % s.tokens_per(L) != 0) {
    throw std::invalid_argument("PhotonReference::prefill: prompt length " + std::to_string(prompt.size()) +
                                " is not a positive multiple of P_L = " + std::to_string(s.tokens_per(L)));
  }
  const QuantizedModel& d0 = w_.dec[0];
  const size_t D0 = size_t(s.embed_dim);
  std::vector<float> stream;
  for (int32_t t : prompt) {
    if (t < 0 || t >= s.vocab_size) throw std::out_of_range("PhotonReference::prefill: token outside the vocabulary");
    stream.insert(stream.end(), d0.token_embedding.begin() + ptrdiff_t(size_t(t) * D0),
                  d0.token_embedding.begin() + ptrdiff_t(size_t(t + 1) * D0));
  }
  for (int l = 1; l <= L; ++l) {
    const PhotonLevel& lv = s.levels[size_t(l - 1)];
    const size_t in = size_t(lv.chunk) * size_t(s.dim(l - 1));
    const size_t count = stream.size() / in;
    std::vector<float> next;
    for (size_t q = 0; q < count; ++q) {
      const std::vector<float> x = linear(w_.chunker[size_t(l - 1)], stream.data() + q * in);
      const std::vector<float>& out = enc_[size_t(l - 1)]->forward_latent(x.data(), int32_t(q), false);
      next.insert(next.end(), out.begin(), out.end());
    }
    stream = std::move(next);
  }
  const size_t DL = size_t(s.dim(L));
  top_.assign(stream.end() - ptrdiff_t(DL), stream.end());
  coarse_pos_ = int32_t(int64_t(prompt.size()) / s.tokens_per(L));
  k_ = 0;
}

int32_t PhotonReference::step(int32_t prev) {
  const PhotonShape& s = w_.shape;
  const int L = s.levels_n();
  const int64_t k = k_++;
  if (k % s.tokens_per(L) == 0 && k > 0) {
    const std::vector<float> x = linear(w_.chunker[size_t(L - 1)], hist_[size_t(L - 1)].data());
    const std::vector<float>& out = enc_[size_t(L - 1)]->forward_latent(x.data(), coarse_pos_++, false);
    top_ = out;
  }
  const float* src = top_.data();
  int32_t token = -1;
  for (int l = L; l >= 1; --l) {
    if (k % s.tokens_per(l - 1) != 0) continue;
    const PhotonLevel& lv = s.levels[size_t(l - 1)];
    const int32_t j = int32_t((k % s.tokens_per(l)) / s.tokens_per(l - 1)), R = lv.ratio;
    const size_t Din = size_t(s.dim(l - 1));
    ReferenceDecoder& dec = *dec_[size_t(l - 1)];
    const std::vector<float>* out = nullptr;
    if (j == 0) {
      const std::vector<float> conv = linear(w_.converter[size_t(l - 1)], src);
      for (int32_t r = 0; r < R; ++r) out = &dec.forward_latent(conv.data() + size_t(r) * Din, r, l == 1 && r + 1 == R);
    } else if (l == 1) {
      out = &dec.forward(prev, R + j - 1);
    } else {
      out = &dec.forward_latent(hist_[size_t(l - 1)].data() + size_t(j - 1) * Din, R + j - 1, false);
    }
    if (l == 1) {
      token = argmax(out->data(), int32_t(out->size()));
    } else {
      std::copy(out->begin(), out->end(), hist_[size_t(l - 1)].begin() + ptrdiff_t(size_t(j) * Din));
    }
    src = hist_[size_t(l - 1)].data() + size_t(j) * Din;
  }
  return token;
}

}  // namespace pnm::model
