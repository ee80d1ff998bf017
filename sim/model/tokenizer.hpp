#pragma once
// llama2.c tokenizer.bin: int32 max_token_length, then per token:
// float score, int32 length, `length` bytes (no terminator).
// The file does not store the token count; the loader parses to the end and
// compares the count it finds with the checkpoint's vocab_size.
#include <cstdint>
#include <string>
#include <vector>

namespace pnm::model {

struct Tokenizer {
  int32_t max_token_length = 0;
  std::vector<std::string> vocab;  // token id -> bytes
  std::vector<float> scores;
  int32_t size() const { return int32_t(vocab.size()); }
  // Concatenates the pieces of a token sequence (no special-token handling
  // beyond dropping a leading space after BOS, as llama2.c's decode does).
  std::string decode(const std::vector<int>& tokens) const;
  // llama2.c's encode: BOS (1), a dummy-prefix space, one piece per UTF-8
  // code point (or byte fallback: byte + 3), then the highest-scoring
  // adjacent merge while one exists. Throws ModelError(Config) naming the
  // character when neither its piece nor its byte token is in the vocabulary.
  std::vector<int> encode(const std::string& text) const;
};

// Throws ModelError: Io; Truncated (entry cut short: which token, expected N
// bytes, got M); TokenizerCorrupt (negative length, length above
// max_token_length); TokenizerMismatch (K tokens in file vs vocab_size V).
Tokenizer load_tokenizer(const std::string& path, int32_t expected_vocab_size);

// Writes a tokenizer of `vocab_size` tokens: 0 "<unk>", 1 "\n<s>\n",
// 2 "\n</s>\n", then printable pieces of 1-4 bytes, scores pseudo-random;
// deterministic from seed.
void write_tokenizer(const std::string& path, int32_t vocab_size, uint64_t seed);

}  // namespace pnm::model
