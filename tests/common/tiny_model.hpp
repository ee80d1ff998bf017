// The random tiny model (sim/model: tiny_shape) for chip-level tests,
// quantized as the loader takes it: written as a llama2.c checkpoint under
// the temp directory (per process and seed), read back and removed.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "sim/model/checkpoint.hpp"
#include "sim/model/quant.hpp"

namespace pnm::test {

// shape: the tiny shape by default; a test may change it (e.g. more layers
// for a pipeline of 4 stages).
inline model::QuantizedModel tiny_quantized_model(uint64_t seed, const std::string& tag,
                                                  const model::ModelShape& shape = model::tiny_shape()) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("pnmsim_test_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(seed) + ".bin");
  model::write_checkpoint(path.string(), shape, seed);
  model::QuantizedModel qm = model::quantize_model(model::Checkpoint::load(path.string()));
  std::filesystem::remove(path);
  return qm;
}

}  // namespace pnm::test
