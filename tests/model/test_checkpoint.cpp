// llama2.c checkpoint + tokenizer: writer -> loader round trips, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "sim/model/checkpoint.hpp"
#include "sim/model/error.hpp"
#include "sim/model/tokenizer.hpp"
#include "test_util.hpp"

namespace pnm::model {
namespace {

using test::expect_error;
using test::read_all;
using test::temp_path;
using test::test_seed;
using test::tiny_shape;
using test::write_all;


float float_at(const std::vector<char>& bytes, uint64_t off) {
  float v;
  std::memcpy(&v, bytes.data() + off, 4);
  return v;
}

void set_header(std::vector<char>& bytes, int index, int32_t value) {
  std::memcpy(bytes.data() + 4 * index, &value, 4);
}

// Independent size formula, straight from REFERENCES.md.
uint64_t expected_file_bytes(const ModelShape& s) {
  const uint64_t d = s.dim, h = s.hidden_dim, L = s.n_layers, V = s.vocab_size;
  const uint64_t hd = d / s.n_heads, kv = hd * s.n_kv_heads, T = s.seq_len;
  uint64_t floats = V * d + L * d + L * d * d + 2 * L * kv * d + L * d * d + L * d +
                    3 * L * h * d + d + T * hd;
  if (!s.shared_classifier) floats += V * d;
  return 28 + 4 * floats;
}

class RoundTrip : public ::testing::TestWithParam<bool> {};

TEST_P(RoundTrip, WriterThenLoaderGivesShapeAndValues) {
  const bool shared = GetParam();
  const uint64_t seed = test_seed(1234);
  const ModelShape s = tiny_shape(shared);
  const std::string path = temp_path("model.bin");
  write_checkpoint(path, s, seed);
  const std::vector<char> bytes = read_all(path);
  ASSERT_EQ(bytes.size(), expected_file_bytes(s));
  EXPECT_EQ(checkpoint_file_bytes(s), expected_file_bytes(s));
  int32_t vocab_field;
  std::memcpy(&vocab_field, bytes.data() + 20, 4);
  EXPECT_EQ(vocab_field, shared ? 256 : -256);

  EXPECT_EQ(read_checkpoint_shape(path), s);
  const Checkpoint c = Checkpoint::load(path);
  EXPECT_EQ(c.shape(), s);
  // Spot values against raw file offsets computed here.
  const uint64_t d = 64, V = 256, L = 2, kv = 32, h = 172;
  EXPECT_EQ(c.token_embedding[5], float_at(bytes, 28 + 4 * 5));
  const uint64_t wq_off = 28 + 4 * (V * d + L * d);
  EXPECT_EQ(c.wq[0], float_at(bytes, wq_off));
  const uint64_t wk_off = wq_off + 4 * (L * d * d);
  EXPECT_EQ(c.matrix(MatrixId::Wk, 1)[3], float_at(bytes, wk_off + 4 * (kv * d + 3)));
  const uint64_t rms_final_off =
      wq_off + 4 * (L * d * d + 2 * L * kv * d + L * d * d + L * d + 3 * L * h * d);
  EXPECT_EQ(c.rms_final[7], float_at(bytes, rms_final_off + 4 * 7));
  if (shared) {
    EXPECT_EQ(c.wcls, c.token_embedding);
  } else {
    EXPECT_NE(c.wcls, c.token_embedding);
    const uint64_t wcls_off = bytes.size() - 4 * V * d;
    EXPECT_EQ(c.wcls[0], float_at(bytes, wcls_off));
    EXPECT_EQ(c.wcls[V * d - 1], float_at(bytes, bytes.size() - 4));
  }
  // Deterministic from the seed; another seed gives other weights.
  const std::string again = temp_path("again.bin");
  write_checkpoint(again, s, seed);
  EXPECT_EQ(read_all(again), bytes);
  write_checkpoint(again, s, seed + 1);
  EXPECT_NE(read_all(again), bytes);
  // Sane magnitudes: matrices ~ N(0, 1/sqrt(dim)), norms around 1.
  double ss = 0;
  for (uint64_t i = 0; i < d * d; ++i) ss += double(c.wq[i]) * c.wq[i];
  EXPECT_NEAR(std::sqrt(ss / double(d * d)), 1.0 / 8.0, 0.01);
  EXPECT_NEAR(c.rms_att[0], 1.0f, 0.6f);
}

INSTANTIATE_TEST_SUITE_P(Classifier, RoundTrip, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Shared" : "Separate"; });

class BadCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_path("model.bin");
    write_checkpoint(path_, tiny_shape(), 7);
    good_ = read_all(path_);
  }
  std::string path_;
  std::vector<char> good_;
};

TEST_F(BadCheckpoint, TruncatedSaysExpectedAndGot) {
  std::vector<char> b = good_;
  b.resize(b.size() - 100);
  write_all(path_, b);
  const std::string exp = std::to_string(good_.size());
  const std::string got = std::to_string(good_.size() - 100);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::Truncated,
               {path_, "expected " + exp + " bytes, got " + got, "100 bytes missing"});
  expect_error([&] { read_checkpoint_shape(path_); }, ErrorKind::Truncated, {"100 bytes missing"});
}

TEST_F(BadCheckpoint, TruncatedHeader) {
  write_all(path_, std::vector<char>(good_.begin(), good_.begin() + 10));
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::Truncated,
               {"expected at least 28 bytes", "got 10", "18 bytes missing"});
}

TEST_F(BadCheckpoint, TrailingBytes) {
  std::vector<char> b = good_;
  b.resize(b.size() + 12, 0);
  write_all(path_, b);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::TrailingBytes,
               {"got " + std::to_string(good_.size() + 12), "12 extra bytes"});
}

TEST_F(BadCheckpoint, NegativeOrZeroDimsAreCorruptHeader) {
  std::vector<char> b = good_;
  set_header(b, 0, -5);  // dim
  write_all(path_, b);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::CorruptHeader,
               {"corrupt checkpoint header", "dim = -5", "must be > 0"});
  b = good_;
  set_header(b, 2, 0);  // n_layers
  write_all(path_, b);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::CorruptHeader, {"n_layers = 0"});
  b = good_;
  set_header(b, 5, 0);  // vocab_size
  write_all(path_, b);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::CorruptHeader,
               {"vocab_size = 0", "non-zero"});
}

TEST_F(BadCheckpoint, DimsThatDoNotDivideIntoHeads) {
  std::vector<char> b = good_;
  set_header(b, 3, 5);  // n_heads 5: 64 % 5 = 4
  write_all(path_, b);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::BadShape,
               {path_, "dim 64 is not divisible by n_heads 5 (remainder 4)"});
  b = good_;
  set_header(b, 4, 3);  // n_kv_heads 3: 4 % 3 = 1
  write_all(path_, b);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::BadShape,
               {"n_heads 4 is not divisible by n_kv_heads 3 (remainder 1)"});
}

TEST_F(BadCheckpoint, SeparateClassifierFlagChangesExpectedSize) {
  // Flipping the vocab sign claims a separate classifier the file lacks.
  std::vector<char> b = good_;
  set_header(b, 5, -256);
  write_all(path_, b);
  expect_error([&] { Checkpoint::load(path_); }, ErrorKind::Truncated,
               {std::to_string(256 * 64 * 4) + " bytes missing"});
}

// Issue 15: NaN / infinity in any tensor the decode uses is refused at load,
// naming the file, the tensor and the index (the quantizer's max dropped NaN).
TEST_F(BadCheckpoint, NonFiniteWeightsNameFileTensorAndIndex) {
  const ModelShape s = tiny_shape();
  const uint64_t d = uint64_t(s.dim), h = uint64_t(s.hidden_dim), L = uint64_t(s.n_layers);
  const uint64_t kv = uint64_t(s.kv_dim()), V = uint64_t(s.vocab_size);
  // Float offsets of each section (llama2.c order).
  const uint64_t emb = 0, rms_att = emb + V * d, wq = rms_att + L * d, wk = wq + L * d * d,
                 wv = wk + L * kv * d, wo = wv + L * kv * d, rms_ffn = wo + L * d * d, w1 = rms_ffn + L * d,
                 w2 = w1 + L * h * d, w3 = w2 + L * d * h, rms_final = w3 + L * h * d;
  struct Poke {
    uint64_t at;  // float index in the file body
    float value;
    std::vector<std::string> needles;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<Poke> pokes = {
      {emb + 1 * d + 3, nan, {"token_embedding[67]", "token 1", "nan"}},  // the BOS row
      {wq + 5, nan, {"wq[5]", "layer 0", "nan"}},
      {wq + d * d + 7, inf, {"wq[" + std::to_string(d * d + 7) + "]", "layer 1", "inf"}},
      {rms_att + d + 2, nan, {"rms_att[" + std::to_string(d + 2) + "]", "layer 1"}},
      {w1 + 9, -inf, {"w1[9]", "-inf"}},
      {w2 + 11, nan, {"w2[11]"}},
      {rms_final + 63, nan, {"rms_final[63]"}},
  };
  for (const Poke& p : pokes) {
    std::vector<char> b = good_;
    std::memcpy(b.data() + kCheckpointHeaderBytes + 4 * p.at, &p.value, 4);
    write_all(path_, b);
    std::vector<std::string> needles = p.needles;
    needles.push_back(path_);
    needles.push_back("non-finite");
    expect_error([&] { Checkpoint::load(path_); }, ErrorKind::NonFinite, needles);
  }
  // freq_cis is not read (RoPE is computed): a NaN there is harmless.
  std::vector<char> b = good_;
  std::memcpy(b.data() + kCheckpointHeaderBytes + 4 * (rms_final + d), &nan, 4);
  write_all(path_, b);
  EXPECT_NO_THROW(Checkpoint::load(path_));
}

TEST(BadInput, MissingFile) {
  expect_error([] { Checkpoint::load("/nonexistent/model.bin"); }, ErrorKind::Io,
               {"/nonexistent/model.bin", "cannot open"});
}

TEST(Tokenizer, RoundTripAndDecode) {
  const uint64_t seed = test_seed(99);
  const std::string path = temp_path("tok.bin");
  write_tokenizer(path, 256, seed);
  const Tokenizer t = load_tokenizer(path, 256);
  ASSERT_EQ(t.size(), 256);
  EXPECT_EQ(t.vocab[0], "<unk>");
  EXPECT_EQ(t.vocab[1], "\n<s>\n");
  int32_t longest = 0;
  for (const auto& v : t.vocab) longest = std::max<int32_t>(longest, int32_t(v.size()));
  EXPECT_EQ(t.max_token_length, longest);
  EXPECT_EQ(t.decode({5, 6}), t.vocab[5] + t.vocab[6]);
  // Byte-exact from the seed.
  const std::string again = temp_path("tok2.bin");
  write_tokenizer(again, 256, seed);
  EXPECT_EQ(read_all(again), read_all(path));
}

TEST(Tokenizer, VocabMismatchSaysByHowMuch) {
  const std::string path = temp_path("tok.bin");
  write_tokenizer(path, 250, 3);
  expect_error([&] { load_tokenizer(path, 256); }, ErrorKind::TokenizerMismatch,
               {"tokenizer has 250 tokens", "vocab_size is 256", "6 too few"});
  write_tokenizer(path, 300, 3);
  expect_error([&] { load_tokenizer(path, 256); }, ErrorKind::TokenizerMismatch,
               {"tokenizer has 300 tokens", "44 too many"});
}

TEST(Tokenizer, TruncatedAndCorruptEntries) {
  const std::string path = temp_path("tok.bin");
  write_tokenizer(path, 16, 3);
  std::vector<char> b = read_all(path);
  std::vector<char> cut(b.begin(), b.end() - 1);  // last token loses one byte
  write_all(path, cut);
  expect_error([&] { load_tokenizer(path, 16); }, ErrorKind::Truncated,
               {"token 15 bytes", "expected " + std::to_string(b.size()),
                "got " + std::to_string(b.size() - 1), "1 bytes missing"});
  std::vector<char> bad = b;
  const int32_t huge = 1000;
  std::memcpy(bad.data() + 4 + 4, &huge, 4);  // token 0 length
  write_all(path, bad);
  expect_error([&] { load_tokenizer(path, 16); }, ErrorKind::TokenizerCorrupt,
               {"token 0 has length 1000", "[0, "});
}

}  // namespace
}  // namespace pnm::model

namespace {

// A llama2.c-style vocabulary: 0..2 special, 3..258 the byte tokens, then
// pieces with scores that merge " hello" in a fixed order.
pnm::model::Tokenizer merge_vocab() {
  pnm::model::Tokenizer t;
  t.vocab = {"<unk>", "\n<s>\n", "\n</s>\n"};
  for (int b = 0; b < 256; ++b) t.vocab.push_back("<byte>");
  t.scores.assign(t.vocab.size(), 0.0f);
  const std::pair<const char*, float> pieces[] = {{" ", 0}, {"h", 0}, {"e", 0}, {"l", 0}, {"o", 0},
                                                  {"he", 1}, {"ll", 2}, {"hell", 3}, {"hello", 4}, {" hello", 5}};
  for (const auto& [p, s] : pieces) {
    t.vocab.push_back(p);
    t.scores.push_back(s);
  }
  t.max_token_length = 6;
  return t;
}

int id_of(const pnm::model::Tokenizer& t, const std::string& piece) {
  for (int i = 259; i < t.size(); ++i) {
    if (t.vocab[size_t(i)] == piece) return i;
  }
  return -1;
}

// BOS, a dummy-prefix space, then the best-scoring merges: ll (2), he (1),
// hell (3), hello (4), " hello" (5) leave one piece.
TEST(Tokenizer, EncodeMergesByScoreAfterBosAndDummyPrefix) {
  const auto t = merge_vocab();
  EXPECT_EQ(t.encode("hello"), (std::vector<int>{1, id_of(t, " hello")}));
  EXPECT_EQ(t.encode(""), (std::vector<int>{1}));
  // "ho": no merge; each character its own piece after the prefix.
  EXPECT_EQ(t.encode("ho"), (std::vector<int>{1, id_of(t, " "), id_of(t, "h"), id_of(t, "o")}));
  // A code point without a piece falls back to its UTF-8 bytes + 3.
  EXPECT_EQ(t.encode("h\xC3\xA9"), (std::vector<int>{1, id_of(t, " "), id_of(t, "h"), 0xC3 + 3, 0xA9 + 3}));
  // decode() inverts encode(): BOS's piece, then the text (BOS strips the prefix space).
  EXPECT_EQ(t.decode(t.encode("hello")), "\n<s>\nhello");
}

TEST(Tokenizer, EncodeRefusesACharacterWithNoPieceAndNoByteToken) {
  pnm::model::Tokenizer t;
  t.vocab = {"<unk>", "<s>", "</s>", " ", "a"};
  t.scores.assign(t.vocab.size(), 0.0f);
  EXPECT_EQ(t.encode("a"), (std::vector<int>{1, 3, 4}));
  try {
    t.encode("ab");
    FAIL() << "expected a ModelError";
  } catch (const pnm::model::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("0x62"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("offset 1"), std::string::npos) << e.what();
  }
}

}  // namespace
