#include "sim/model/error.hpp"

namespace pnm::model {

const char* to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::Io: return "io";
    case ErrorKind::Truncated: return "truncated";
    case ErrorKind::TrailingBytes: return "trailing-bytes";
    case ErrorKind::CorruptHeader: return "corrupt-header";
    case ErrorKind::BadShape: return "bad-shape";
    case ErrorKind::TokenizerMismatch: return "tokenizer-mismatch";
    case ErrorKind::TokenizerCorrupt: return "tokenizer-corrupt";
    case ErrorKind::TooLarge: return "too-large";
    case ErrorKind::Config: return "config";
    case ErrorKind::NonFinite: return "non-finite";
  }
  return "unknown";
}

}  // namespace pnm::model
