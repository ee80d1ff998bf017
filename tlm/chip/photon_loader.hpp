// The load phase of a PHOTON model (CHIP.md "PHOTON"): every stack laid out
// as a model of its own (model_loader.hpp), one after another in flash and
// logic memory, then the chunker and converter matrices, the PHOTON
// buffers and the PHOTON descriptor. Every check runs before anything is
// written (plan_photon), and the KV capacity is checked for the whole
// workload.
#pragma once
#include <cstdint>
#include <vector>

#include "firmware/decode/photon.h"
#include "sim/model/photon.hpp"
#include "tlm/chip/model_loader.hpp"

namespace pnm::chip {

struct PhotonWorkload {
  uint32_t n_seqs = 1;       // sequences decoded together
  uint32_t prefill_len = 0;  // longest prompt (tokens; a multiple of P_L), 0: none
  uint32_t coarse_len = 1;   // positions of the coarsest encoder's cache
};

struct LoadedPhoton {
  model::PhotonShape shape;
  PhotonWorkload work;
  uint64_t desc_addr = 0;
  pnm_photon_desc_t desc{};
  std::vector<LoadedModel> enc, dec;  // [l - 1]
  // Totals over the stacks: flash, logic memory, pages, load time; kv is
  // the whole workload's (bytes_per_seq: every stack's caches and the
  // sequence's share of the work areas and buffers; max_seqs at these lengths).
  LoadReport report;
  // The firmware's view; points into this object (do not move it after).
  fw_photon_t fw() const;
};

// Checks that the workload fits (flash, MVE columns, activation SRAM, vector
// unit, queue, KV capacity); throws model::ModelError or ConfigError naming the key.
LoadReport plan_photon(const ChipConfig& cfg, const model::PhotonShape& shape, const PhotonWorkload& w);
// Functional load of random (or trained) weights; the flash must keep data.
LoadedPhoton load_photon(Chip& chip, const model::PhotonWeights& weights, const PhotonWorkload& w);
// Timing-only: the same layout on a preprogrammed flash, nothing materialised.
LoadedPhoton load_photon_shape(Chip& chip, const model::PhotonShape& shape, const PhotonWorkload& w);

}  // namespace pnm::chip
