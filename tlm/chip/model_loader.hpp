// The load phase: lays a model out on the chip and writes it there once.
//
// Flash: every int8 matrix is striped by rows across the C channels
// (CHIP.md), at one page-aligned address F_W shared by all channels, each
// channel reserving ceil(R/C) * K bytes rounded up to whole pages. The pages
// are programmed with real program commands through each channel's target
// socket (time, energy and wear counted; reported apart from decode). A
// timing-only model on a preprogrammed flash image writes nothing.
//
// Logic memory (from LOGIC_MEM_BASE): the model descriptor
// (firmware/decode/model_desc.h), the layer descriptors, the fp32 embedding,
// norms and row scales, one work area per slot (work vectors, int32
// partials) and one K/V cache per sequence, each 4 KiB aligned. Written by debug (backdoor) transactions in zero time.
//
// Every check runs before anything is written: a model that does not fit the
// flash, a row longer than the MVE's max_cols or the activation SRAM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/decode/model_desc.h"
#include "sim/model/quant.hpp"
#include "sim/model/shape.hpp"
#include "tlm/chip/chip.hpp"

namespace pnm::chip {

// What the decode will ask of the layout: how many slots one step runs
// (work areas, activation vectors per GEMV), how many sequences keep a K/V
// cache, and how many positions each cache holds.
struct Workload {
  uint32_t max_slots = 1;
  uint32_t n_seqs = 1;
  uint32_t kv_len = 0;  // 0: the model's seq_len
};

// The KV cache against logic-memory capacity (the numbers the report and
// the capacity error give).
struct KvCapacity {
  uint64_t bytes_per_token = 0;    // K and V, fp32, every layer
  uint64_t bytes_per_seq = 0;      // kv_len positions
  uint64_t kv_bytes = 0;           // n_seqs sequences
  uint64_t other_bytes = 0;        // descriptors, embedding, norms, scales, work areas
  uint64_t capacity_bytes = 0;     // chip.logic.memory.size_bytes
  uint64_t max_seqs = 0;           // sequences of kv_len that fit beside other_bytes
  bool fits() const { return other_bytes + kv_bytes <= capacity_bytes; }
};

// Where a loader starts placing: the next free flash address (the same in
// every channel) and logic-memory address. A model loaded alone starts at
// flash 0 and LOGIC_MEM_BASE (its descriptor first); a workload of several
// stacks (PHOTON) loads each after the previous one's end.
struct Region {
  uint64_t flash = 0;
  uint64_t logic = 0;  // 0: LOGIC_MEM_BASE
};

struct LoadReport {
  bool timing_only = false;
  Region end;  // the first free flash and logic addresses after this model
  uint64_t flash_bytes_per_channel = 0;  // reserved, incl. page padding
  uint64_t flash_capacity_per_channel = 0;
  uint64_t pages_programmed = 0;
  uint64_t load_time_ps = 0;  // simulated time to program every page (all channels in parallel)
  uint64_t logic_bytes = 0;   // logic memory laid out (KV cache included)
  Workload workload;
  KvCapacity kv;
};

struct LoadedModel {
  uint64_t desc_addr = 0;                 // where the descriptor sits in logic memory
  pnm_model_desc_t desc{};                // the firmware's copy (CPU-local memory)
  std::vector<pnm_layer_desc_t> layers;   // likewise
  model::ModelShape shape;
  LoadReport report;
};

// Checks that a model of this shape fits the chip; throws model::ModelError
// (TooLarge) or ConfigError naming the key and by how much. No side effects.
// Also checks the workload: the KV cache against chip.logic.memory.size_bytes
// (ModelError TooLarge with needed vs available and the largest batch that
// fits), the activation SRAM against max_slots vectors of the widest row, and
// the PNM queue against 3 jobs per vector group (ConfigError naming the key).
LoadReport plan(const ChipConfig& cfg, const model::ModelShape& shape, const Workload& w = {},
               const Region& at = {});

// Functional load: programs the quantized weights and writes logic memory.
// Call before sc_start (the flash is programmed at simulated time 0).
LoadedModel load_model(Chip& chip, const model::QuantizedModel& qm, const Workload& w = {}, const Region& at = {});

// Timing-only load: the same layout, nothing materialised. The flash must be
// preprogrammed (flash.storage.preprogrammed), and logic memory holds only
// the descriptors (weights read as zeros).
LoadedModel load_shape(Chip& chip, const model::ModelShape& shape, const Workload& w = {}, const Region& at = {});

// Pieces for workloads beyond one stack (PHOTON's chunkers and converters):
// one int8 matrix striped over the channels as the stacks' are, its row
// scales in logic memory; a 4 KiB-aligned logic-memory buffer; programming
// a matrix (returns its completion time, ps); a backdoor logic-memory write.
// tp_rank: the chip's tensor-parallel rank in its stage's group (its flash
// holds that rank's rows).
pnm_matrix_desc_t place_matrix(const ChipConfig& cfg, Region& at, uint32_t rows, uint32_t cols, unsigned tp_rank = 0);
uint64_t place_buffer(Region& at, uint64_t bytes);
uint64_t program_matrix(Chip& chip, const pnm_matrix_desc_t& d, const model::QMatrix& q, LoadReport& r);
void write_logic(Chip& chip, uint64_t addr, const void* data, uint64_t len);

}  // namespace pnm::chip
