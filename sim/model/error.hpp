#pragma once
// Errors raised by the model side: every one says which input is wrong and by
// how much, and carries a kind so callers and tests can branch without parsing
// the message.
#include <stdexcept>
#include <string>

namespace pnm::model {

enum class ErrorKind {
  Io,                 // file cannot be opened / mapped
  Truncated,          // file shorter than its header says
  TrailingBytes,      // file longer than its header says
  CorruptHeader,      // header field out of range (zero / negative dims)
  BadShape,           // dims that do not divide into heads, etc.
  TokenizerMismatch,  // tokenizer vocab size differs from the checkpoint's
  TokenizerCorrupt,   // tokenizer entry malformed
  TooLarge,           // int8 model exceeds the flash capacity
  Config,             // YAML preset: missing key, wrong type, out of range
  NonFinite,          // NaN or infinity in a checkpoint's weights
};

const char* to_string(ErrorKind k);

class ModelError : public std::runtime_error {
 public:
  ModelError(ErrorKind kind, const std::string& what)
      : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace pnm::model
