// The PHOTON program (photon.h). Built from the same operations as the
// Llama step (fw_internal.h): each stack is run by fw_run_stack, the chunkers
// and converters by fw_linear, and vectors move between stacks by VU COPY.
#include "firmware/decode/photon.h"

#include <stddef.h>

#include "firmware/decode/fw_internal.h"

static fw_slot_t g_slots[FW_MAX_SLOTS];
static uint32_t g_next[FW_MAX_SLOTS];

#define DESC_FAIL(msg, v) fw_i_err(FW_ERR_DESC, "photon: " msg, (v))

fw_error_t fw_photon_check(const fw_photon_t* ph) {
  if (ph == NULL || ph->p == NULL) return DESC_FAIL("descriptor pointer is NULL", 0);
  const pnm_photon_desc_t* p = ph->p;
  if (p->magic != PNM_PHOTON_DESC_MAGIC) return DESC_FAIL("bad magic", p->magic);
  if (p->version != PNM_PHOTON_DESC_VERSION) return DESC_FAIL("unsupported descriptor version", p->version);
  if (p->n_levels == 0u || p->n_levels > PNM_PHOTON_MAX_LEVELS) return DESC_FAIL("n_levels outside 1..4", p->n_levels);
  if (p->n_seqs == 0u) return DESC_FAIL("n_seqs is 0", 0);
  if (p->group == 0u || p->group > p->n_seqs) return DESC_FAIL("group outside 1..n_seqs", p->group);
  for (uint32_t l = 1; l <= p->n_levels; ++l) {
    const pnm_photon_level_t* lv = &p->level[l - 1u];
    const fw_stack_t* enc = &ph->enc[l - 1u];
    const fw_stack_t* dec = &ph->dec[l - 1u];
    if (enc->m == NULL || enc->layers == NULL || dec->m == NULL || dec->layers == NULL) {
      return DESC_FAIL("a stack pointer is NULL", l);
    }
    FW_TRY(fw_check_model(enc->m, enc->layers));
    FW_TRY(fw_check_model(dec->m, dec->layers));
    if (lv->chunk == 0u || lv->ratio == 0u) return DESC_FAIL("chunk or converter ratio is 0", l);
    const uint32_t below = l == 1u ? ph->dec[0].m->dim : p->level[l - 2u].dim;
    if (lv->dim_in != below || dec->m->dim != below) return DESC_FAIL("level's input dim != the level below's dim", l);
    if (enc->m->dim != lv->dim) return DESC_FAIL("encoder dim != level dim", l);
    if (enc->m->vocab_size != 0u || (l == 1u) != (dec->m->vocab_size != 0u)) {
      return DESC_FAIL("only level 1's local decoder has a vocabulary", l);
    }
    if (lv->chunker.rows != lv->dim || lv->chunker.cols != lv->chunk * lv->dim_in) {
      return DESC_FAIL("chunker is not dim x (chunk * dim_in)", l);
    }
    if (lv->converter.rows != lv->ratio * lv->dim_in || lv->converter.cols != lv->dim) {
      return DESC_FAIL("converter is not (ratio * dim_in) x dim", l);
    }
    if (dec->m->kv_len < lv->ratio + lv->chunk - 1u) return DESC_FAIL("local decoder cache shorter than its window", l);
    if (dec->m->n_seqs < p->n_seqs || enc->m->n_seqs < p->n_seqs) return DESC_FAIL("a stack has fewer sequences", l);
    if (dec->m->max_slots < p->group * lv->ratio || (l == p->n_levels && enc->m->max_slots < p->group)) {
      return DESC_FAIL("a stack has fewer work areas than a group of sequences needs", l);
    }
  }
  return FW_OK;
}

// The largest slot count any stack was laid out for: the queue must hold
// 3 jobs per group of that many vectors.
static uint32_t max_slots_of(const fw_photon_t* ph) {
  uint32_t n = 1;
  for (uint32_t l = 0; l < ph->p->n_levels; ++l) {
    if (ph->enc[l].m->max_slots > n) n = ph->enc[l].m->max_slots;
    if (ph->dec[l].m->max_slots > n) n = ph->dec[l].m->max_slots;
  }
  return n;
}

static fw_error_t begin(fw_ctx_t* c, const fw_photon_t* ph, uint32_t first, uint32_t n) {
  FW_TRY(fw_photon_check(ph));
  if (n == 0u || n > ph->p->group) return fw_i_err(FW_ERR_ARG, "photon: sequence count outside 1..group", n);
  if (first > ph->p->n_seqs - n) return fw_i_err(FW_ERR_ARG, "photon: sequences past n_seqs", first);
  return fw_ctx_begin(c, ph->dec[0].m, max_slots_of(ph));
}

static fw_error_t run(fw_ctx_t* c, const fw_stack_t* s, uint32_t count) {
  if (count > s->m->max_slots) return fw_i_err(FW_ERR_ARG, "photon: more slots than the stack has work areas", count);
  c->m = s->m;
  return fw_run_stack(c, s->layers, g_slots, count, NULL, g_next);
}

static uint64_t slot_addr(const fw_stack_t* s, uint64_t base, uint32_t i) {
  return base + (uint64_t)i * s->m->slot_stride;
}

fw_error_t fw_photon_prefill(const fw_photon_t* ph, uint32_t first, uint32_t n, const uint32_t* tokens, uint32_t len) {
  fw_ctx_t c;
  FW_TRY(begin(&c, ph, first, n));
  const pnm_photon_desc_t* p = ph->p;
  const uint32_t L = p->n_levels;
  uint32_t per_top = 1;
  for (uint32_t l = 0; l < L; ++l) per_top *= p->level[l].chunk;
  if (tokens == NULL || len == 0u || len % per_top != 0u || len > p->prefill_len) {
    return fw_i_err(FW_ERR_ARG, "photon: prompt length is not a positive multiple of P_L within prefill_len", len);
  }
  const fw_stack_t* d0 = &ph->dec[0];
  const uint32_t D0 = d0->m->dim;
  for (uint32_t b = first; b < first + n; ++b) {
    // Level 0: the prompt's embeddings, one after another (chunker input is contiguous).
    for (uint32_t i = 0; i < len; ++i) {
      const uint32_t t = tokens[(uint64_t)(b - first) * len + i];
      if (t >= d0->m->vocab_size) return fw_i_err(FW_ERR_ARG, "photon: prompt token >= vocab_size", t);
      FW_TRY(fw_copy(&c, p->stream0 + 4ull * D0 * i, d0->m->token_embedding + 4ull * D0 * t, D0));
    }
    uint64_t below = p->stream0;
    uint32_t count = len;
    for (uint32_t l = 1; l <= L; ++l) {
      const pnm_photon_level_t* lv = &p->level[l - 1u];
      const fw_stack_t* enc = &ph->enc[l - 1u];
      count /= lv->chunk;
      const uint64_t in_stride = 4ull * lv->chunk * lv->dim_in;
      for (uint32_t q0 = 0; q0 < count; q0 += enc->m->max_slots) {
        const uint32_t k = count - q0 < enc->m->max_slots ? count - q0 : enc->m->max_slots;
        c.m = enc->m;
        FW_TRY(fw_linear(&c, &lv->chunker, below + q0 * in_stride, in_stride, enc->m->x, enc->m->slot_stride, k,
                         p->scratch, p->scratch_stride));
        for (uint32_t i = 0; i < k; ++i) g_slots[i] = (fw_slot_t){b, FW_TOKEN_IN_X, q0 + i, FW_OUT_HIDDEN};
        FW_TRY(run(&c, enc, k));
        for (uint32_t i = 0; i < k; ++i) {
          FW_TRY(fw_copy(&c, lv->stream + 4ull * lv->dim * (q0 + i), slot_addr(enc, enc->m->xb, i), lv->dim));
        }
      }
      below = lv->stream;
    }
    const pnm_photon_level_t* top = &p->level[L - 1u];
    FW_TRY(fw_copy(&c, p->top + 4ull * top->dim * b, top->stream + 4ull * top->dim * (count - 1u), top->dim));
  }
  return FW_OK;
}

fw_error_t fw_photon_step(const fw_photon_t* ph, uint32_t first, uint32_t n, uint32_t k, uint32_t coarse_pos,
                          const uint32_t* prev, uint32_t* next) {
  fw_ctx_t c;
  FW_TRY(begin(&c, ph, first, n));
  if (next == NULL || prev == NULL) return fw_i_err(FW_ERR_ARG, "photon: prev or next is NULL", 0);
  const pnm_photon_desc_t* p = ph->p;
  const uint32_t L = p->n_levels;
  uint32_t P[PNM_PHOTON_MAX_LEVELS + 1u];
  P[0] = 1;
  for (uint32_t l = 1; l <= L; ++l) P[l] = P[l - 1u] * p->level[l - 1u].chunk;

  // The coarsest stream moves on: the level-L decoder's last chunk, folded.
  const pnm_photon_level_t* lt = &p->level[L - 1u];
  if (k % P[L] == 0u && k > 0u) {
    const fw_stack_t* enc = &ph->enc[L - 1u];
    c.m = enc->m;
    const uint64_t hist_stride = 4ull * lt->chunk * lt->dim_in;
    FW_TRY(fw_linear(&c, &lt->chunker, lt->hist + first * hist_stride, hist_stride, enc->m->x, enc->m->slot_stride,
                     n, p->scratch, p->scratch_stride));
    for (uint32_t i = 0; i < n; ++i) g_slots[i] = (fw_slot_t){first + i, FW_TOKEN_IN_X, coarse_pos, FW_OUT_HIDDEN};
    FW_TRY(run(&c, enc, n));
    for (uint32_t i = 0; i < n; ++i) {
      FW_TRY(fw_copy(&c, p->top + 4ull * lt->dim * (first + i), slot_addr(enc, enc->m->xb, i), lt->dim));
    }
  }

  // Top down: src + i * src_stride is sequence first + i's input vector at level l.
  uint64_t src = p->top + 4ull * lt->dim * first, src_stride = 4ull * lt->dim;
  for (uint32_t l = L; l >= 1u; --l) {
    if (k % P[l - 1u] != 0u) continue;  // this level's window is mid-output: nothing to do
    const pnm_photon_level_t* lv = &p->level[l - 1u];
    const fw_stack_t* dec = &ph->dec[l - 1u];
    const uint32_t j = (k % P[l]) / P[l - 1u], R = lv->ratio, Din = lv->dim_in;
    const uint32_t out_mode = l == 1u ? FW_OUT_TOKEN : FW_OUT_HIDDEN;
    // hist row of sequence first + i, output t
#define HIST(i, t) (lv->hist + 4ull * ((uint64_t)(first + (i)) * lv->chunk + (t)) * Din)
    uint32_t stride = 1, last = 0;  // output slot of sequence first + i: i * stride + last
    if (j == 0u) {
      c.m = dec->m;
      FW_TRY(fw_linear(&c, &lv->converter, src, src_stride, lv->conv, 4ull * R * Din, n, p->scratch,
                       p->scratch_stride));
      for (uint32_t b = 0; b < n; ++b) {
        for (uint32_t r = 0; r < R; ++r) {
          const uint32_t i = b * R + r;
          FW_TRY(fw_copy(&c, slot_addr(dec, dec->m->x, i), lv->conv + 4ull * (b * R + r) * Din, Din));
          g_slots[i] = (fw_slot_t){first + b, FW_TOKEN_IN_X, r, r + 1u == R ? out_mode : FW_OUT_NONE};
        }
      }
      FW_TRY(run(&c, dec, n * R));
      stride = R;
      last = R - 1u;
    } else {
      for (uint32_t b = 0; b < n; ++b) {
        uint32_t token = prev[b];
        if (l > 1u) {
          token = FW_TOKEN_IN_X;
          FW_TRY(fw_copy(&c, slot_addr(dec, dec->m->x, b), HIST(b, j - 1u), Din));
        }
        g_slots[b] = (fw_slot_t){first + b, token, R + j - 1u, out_mode};
      }
      FW_TRY(run(&c, dec, n));
    }
    for (uint32_t b = 0; b < n; ++b) {
      const uint32_t i = b * stride + last;
      if (l == 1u) {
        next[b] = g_next[i];
      } else {
        FW_TRY(fw_copy(&c, HIST(b, j), slot_addr(dec, dec->m->xb, i), Din));
      }
    }
    src = HIST(0u, j);
    src_stride = 4ull * lv->chunk * Din;
#undef HIST
  }
  return FW_OK;
}
