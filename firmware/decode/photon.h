// The PHOTON decode program (tlm/chip/CHIP.md "PHOTON"): hierarchical latent
// streams on the chip, in the arithmetic order of sim/model/photon.cpp so
// the greedy tokens equal the C++ reference's. Every GEMV (chunkers,
// converters, every stack's layers, the classifier) runs on the PNM units;
// norms, attention and the rest on the logic die's vector unit.
//
// Generation (RecGen): only the coarsest stream keeps a global K/V cache.
// Token k (counted from the end of the prefill; all sequences in lockstep):
//   k % P_L == 0, k > 0: chunker_L folds the level-L decoder's last C_L
//       outputs, the level-L encoder runs one step at the next coarse
//       position; top = its output.
//   for l = L .. 1, when k % P_{l-1} == 0 (j = (k % P_l) / P_{l-1}):
//       j == 0: converter_l expands the level-l vector (top, or the level
//               above's newest output) into R_l prefix vectors; the level-l
//               decoder runs them as positions 0..R_l-1 (one batched step)
//               and its last position gives output j = 0;
//       j > 0:  the decoder runs output j-1 (level 1: the previous token)
//               at position R_l + j - 1 and gives output j.
//       Level 1's outputs are tokens (classifier, ARGMAX); level l >= 2's
//       are the normalised hidden states, kept in hist_l.
// where P_l = C_1 * ... * C_l. The local windows restart at position 0, so
// no decoder cache grows with the context.
#ifndef PNM_FW_PHOTON_H_
#define PNM_FW_PHOTON_H_

#include <stdint.h>

#include "firmware/decode/decode.h"
#include "firmware/decode/model_desc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const pnm_model_desc_t* m;
  const pnm_layer_desc_t* layers;
} fw_stack_t;

// CPU-local copies of the PHOTON descriptor and its stacks' descriptors.
typedef struct {
  const pnm_photon_desc_t* p;
  fw_stack_t enc[PNM_PHOTON_MAX_LEVELS];  // enc[l-1]: level l's context encoder (dim D_l, latent)
  fw_stack_t dec[PNM_PHOTON_MAX_LEVELS];  // dec[l-1]: level l's local decoder (dim D_{l-1}; dec[0] has the vocabulary)
} fw_photon_t;

// Checks the PHOTON descriptor against its stacks (levels, dims, chunk and
// converter shapes, windows, the stacks' own descriptors). FW_OK or FW_ERR_DESC.
fw_error_t fw_photon_check(const fw_photon_t* ph);

// Sequences [first, first + n) run together, n <= group (the stacks' work
// areas); a larger batch is several calls per token.
//
// The encoder prefill of those sequences, each of `len` prompt tokens
// (tokens[i * len + t] for sequence first + i; len a multiple of P_L, <= prefill_len): every level's
// encoder runs over its whole stream; top[b] = the coarsest stream's last
// vector, and the level-L encoder's cache holds positions 0 .. len / P_L - 1.
fw_error_t fw_photon_prefill(const fw_photon_t* ph, uint32_t first, uint32_t n, const uint32_t* tokens, uint32_t len);

// Token k of sequences [first, first + n) (see above). prev[i] = sequence
// first + i's previous token (read only when level 1 continues a window);
// coarse_pos = the level-L encoder position written when k % P_L == 0 and
// k > 0. next[i] = its token.
fw_error_t fw_photon_step(const fw_photon_t* ph, uint32_t first, uint32_t n, uint32_t k, uint32_t coarse_pos,
                          const uint32_t* prev, uint32_t* next);

#ifdef __cplusplus
}
#endif

#endif  // PNM_FW_PHOTON_H_
