#include "sim/model/tokenizer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <unordered_map>
#include <vector>

#include "sim/model/error.hpp"
#include "sim/model/rng.hpp"

namespace pnm::model {

std::string Tokenizer::decode(const std::vector<int>& tokens) const {
  std::string s;
  int prev = -1;
  for (int t : tokens) {
    if (t < 0 || t >= size()) continue;
    const std::string& piece = vocab[size_t(t)];
    if (prev == 1 && !piece.empty() && piece[0] == ' ') {
      s += piece.substr(1);  // BOS strips a leading space, as llama2.c does
    } else {
      s += piece;
    }
    prev = t;
  }
  return s;
}

std::vector<int> Tokenizer::encode(const std::string& text) const {
  std::unordered_map<std::string, int> id;
  for (int i = size() - 1; i >= 0; --i) id[vocab[size_t(i)]] = i;  // the first of duplicates wins
  std::vector<int> t{1};
  if (text.empty()) return t;
  const auto piece = [&](const std::string& p, size_t at) {
    if (auto it = id.find(p); it != id.end()) return t.push_back(it->second);
    for (unsigned char b : p) {
      if (int(b) + 3 >= size()) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "prompt byte 0x%02x at offset %zu: no piece and no byte token (vocab %d)",
                      b, at, size());
        throw ModelError(ErrorKind::Config, buf);
      }
      t.push_back(int(b) + 3);
    }
  };
  piece(" ", 0);
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;  // one UTF-8 code point: a lead byte and its continuation bytes
    while (n < 4 && i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
    piece(text.substr(i, n), i);
    i += n;
  }
  for (;;) {  // merge the best-scoring adjacent pair (not BOS)
    float best = -1e30f;
    int best_id = -1;
    size_t best_at = 0;
    for (size_t i = 1; i + 1 < t.size(); ++i) {
      auto it = id.find(vocab[size_t(t[i])] + vocab[size_t(t[i + 1])]);
      if (it != id.end() && scores[size_t(it->second)] > best) {
        best = scores[size_t(it->second)];
        best_id = it->second;
        best_at = i;
      }
    }
    if (best_id < 0) return t;
    t[best_at] = best_id;
    t.erase(t.begin() + std::ptrdiff_t(best_at) + 1);
  }
}

Tokenizer load_tokenizer(const std::string& path, int32_t expected_vocab_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError(ErrorKind::Io, path + ": cannot open tokenizer");
  // Read no more than a tokenizer of this vocabulary can hold: a device such
  // as /dev/zero or a huge file must not be read without limit (issue 15).
  // Entries: 4-byte max_token_length, then per token score, length, bytes.
  char head[4];
  in.read(head, 4);
  std::string data(head, size_t(in.gcount()));
  if (data.size() == 4) {
    int32_t ml;
    std::memcpy(&ml, head, 4);
    constexpr uint64_t kCap = uint64_t(1) << 28;  // 256 MiB: far above any real tokenizer
    const uint64_t per_token = 8 + uint64_t(ml > 0 ? ml : 0);
    const uint64_t vocab = uint64_t(expected_vocab_size > 0 ? expected_vocab_size : 0);
    const uint64_t limit = std::min<uint64_t>(kCap, 4 + vocab * per_token);
    std::vector<char> buf(1 << 16);
    while (in && data.size() <= limit) {
      in.read(buf.data(), std::streamsize(std::min<uint64_t>(buf.size(), limit + 1 - data.size())));
      data.append(buf.data(), size_t(in.gcount()));
    }
    if (data.size() > limit && ml > 0) {
      throw ModelError(ErrorKind::TokenizerMismatch,
                       path + ": tokenizer larger than " + std::to_string(limit) + " bytes, the most " +
                           std::to_string(vocab) + " tokens (checkpoint vocab_size) of at most " +
                           std::to_string(ml) + " bytes (max_token_length) can take" +
                           (limit == kCap ? " (cap 256 MiB)" : ""));
    }
  }
  if (in.bad()) throw ModelError(ErrorKind::Io, path + ": cannot read tokenizer");
  const uint64_t size = data.size();
  uint64_t off = 0;
  auto need = [&](uint64_t n, const std::string& what) {
    if (size - off < n) {
      throw ModelError(ErrorKind::Truncated,
                       path + ": truncated tokenizer at " + what + ": expected " +
                           std::to_string(off + n) + " bytes, got " + std::to_string(size) +
                           " (" + std::to_string(off + n - size) + " bytes missing)");
    }
  };
  auto rd_i32 = [&]() {
    int32_t v;
    std::memcpy(&v, data.data() + off, 4);
    off += 4;
    return v;
  };
  Tokenizer t;
  need(4, "max_token_length");
  t.max_token_length = rd_i32();
  if (t.max_token_length <= 0) {
    throw ModelError(ErrorKind::TokenizerCorrupt,
                     path + ": corrupt tokenizer: max_token_length = " +
                         std::to_string(t.max_token_length) + " must be > 0");
  }
  // Parse every entry in the file, then compare the count with the checkpoint.
  while (off < size) {
    const std::string id = "token " + std::to_string(t.vocab.size());
    need(8, id + " header (score, length)");
    float score;
    std::memcpy(&score, data.data() + off, 4);
    off += 4;
    const int32_t len = rd_i32();
    if (len < 0 || len > t.max_token_length) {
      throw ModelError(ErrorKind::TokenizerCorrupt,
                       path + ": corrupt tokenizer: " + id + " has length " +
                           std::to_string(len) + ", allowed range [0, " +
                           std::to_string(t.max_token_length) + "] (max_token_length)");
    }
    need(uint64_t(len), id + " bytes");
    t.vocab.emplace_back(data.data() + off, size_t(len));
    t.scores.push_back(score);
    off += uint64_t(len);
  }
  if (t.size() != expected_vocab_size) {
    const int64_t diff = int64_t(t.size()) - int64_t(expected_vocab_size);
    throw ModelError(ErrorKind::TokenizerMismatch,
                     path + ": tokenizer vocabulary does not match the checkpoint: tokenizer has " +
                         std::to_string(t.size()) + " tokens, checkpoint vocab_size is " +
                         std::to_string(expected_vocab_size) + " (" +
                         std::to_string(diff > 0 ? diff : -diff) +
                         (diff > 0 ? " too many)" : " too few)"));
  }
  return t;
}

void write_tokenizer(const std::string& path, int32_t vocab_size, uint64_t seed) {
  if (vocab_size <= 0) {
    throw ModelError(ErrorKind::BadShape,
                     "write_tokenizer: vocab_size = " + std::to_string(vocab_size) + " must be > 0");
  }
  std::mt19937_64 rng(seed);
  std::vector<std::string> pieces;
  const char* special[3] = {"<unk>", "\n<s>\n", "\n</s>\n"};
  for (int32_t i = 0; i < vocab_size; ++i) {
    if (i < 3) {
      pieces.emplace_back(special[i]);
      continue;
    }
    const int len = 1 + int(rng() % 4);
    std::string p;
    for (int k = 0; k < len; ++k) {
      // printable ASCII; a leading space on about a quarter of multi-byte pieces
      p += (k == 0 && len > 1 && rng() % 4 == 0) ? ' ' : char('a' + rng() % 26);
    }
    pieces.push_back(p);
  }
  int32_t max_len = 0;
  for (const auto& p : pieces) max_len = std::max<int32_t>(max_len, int32_t(p.size()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw ModelError(ErrorKind::Io, path + ": cannot create tokenizer");
  out.write(reinterpret_cast<const char*>(&max_len), 4);
  for (const auto& p : pieces) {
    const float score = -10.0f * uniform01_f32(rng);
    const int32_t len = int32_t(p.size());
    out.write(reinterpret_cast<const char*>(&score), 4);
    out.write(reinterpret_cast<const char*>(&len), 4);
    out.write(p.data(), len);
  }
  out.flush();
  if (!out) throw ModelError(ErrorKind::Io, path + ": write failed");
}

}  // namespace pnm::model
