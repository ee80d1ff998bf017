// The decode-step program (decode.h). Sequence per layer, after
// sim/model/decoder.cpp (VU op semantics: rtl/regmap/regmap.yaml, block vu):
//
//   push Wq, Wk, Wv jobs (epoch e+1)       [pushed right after the previous wait,
//                                           so flash reads overlap the VU ops]
//   RMSNORM(x, rms_att) -> xb; QUANTIZE(xb) -> PNM_BCAST act SRAM; ACT_EPOCH = e+1
//   wait PNM_IDLE; push Wo
//   DEQUANT partials -> q, xb -> K[l][pos], xb2 -> V[l][pos]
//   ROPE(q, K[l][pos]); ATTENTION -> xb; QUANTIZE(xb); ACT_EPOCH; wait; push W1, W3
//   DEQUANT partials -> xb2; ADD(x, xb2) -> x
//   RMSNORM(x, rms_ffn) -> xb; QUANTIZE(xb); ACT_EPOCH; wait; push W2
//   DEQUANT hb -> hb2 (W3), partials -> hb (W1); SILU_MUL(hb, hb2) -> hb
//   QUANTIZE(hb); ACT_EPOCH; wait; push next layer's Wq/Wk/Wv (or cls)
//   DEQUANT partials -> xb; ADD(x, xb) -> x
// then RMSNORM(x, rms_final) -> xb, QUANTIZE, ACT_EPOCH, wait, DEQUANT -> logits,
// ARGMAX. Jobs are only ever queued for the epoch the next wait releases, so
// PNM_IDLE always means "this group is done" and never deadlocks.
#include "firmware/decode/decode.h"

#include <stddef.h>

#include "firmware/decode/fw_internal.h"
#include "firmware/hal/hal.h"
#include "firmware/hal/pnm_regs.h"

// ------------------------------------------------------------------ errors --

static fw_error_info_t g_err;
static fw_step_counts_t g_counts;

fw_error_t fw_last_error(void) { return g_err.code; }
const fw_error_info_t* fw_last_error_info(void) { return &g_err; }
const fw_step_counts_t* fw_last_step_counts(void) { return &g_counts; }

const char* fw_error_name(fw_error_t code) {
  switch (code) {
    case FW_OK: return "ok";
    case FW_ERR_DESC: return "bad model descriptor";
    case FW_ERR_ARG: return "bad argument";
    case FW_ERR_CHIP_STATE: return "chip not ready";
    case FW_ERR_PARAMS: return "PNM parameters disagree with the descriptor";
    case FW_ERR_VU: return "vector unit error";
    case FW_ERR_PNM: return "PNM unit error";
    case FW_ERR_PNM_STATE: return "PNM completion state inconsistent";
    case FW_ERR_COLL: return "collective engine error";
  }
  return "unknown error";
}

static void err_clear(void) {
  g_err.code = FW_OK;
  g_err.msg = "";
  g_err.layer = -1;
  g_err.vu_op = 0;
  g_err.hw_status = 0;
  g_err.unit = 0;
  g_err.value = 0;
}

static fw_error_t err_set(fw_error_t code, const char* msg, uint32_t value) {
  g_err.code = code;
  g_err.msg = msg;
  g_err.value = value;
  return code;
}

fw_error_t fw_i_err(fw_error_t code, const char* msg, uint32_t value) { return err_set(code, msg, value); }

// ------------------------------------------------------- descriptor checks --


static int in_logic_mem(uint64_t addr, uint64_t bytes) {
  const uint64_t base = PNM_ADDR_LOGIC_MEM_BASE, size = PNM_ADDR_LOGIC_MEM_SIZE;
  if ((addr & 3u) != 0u || addr < base) return 0;
  if (bytes > size) return 0;
  return addr - base <= size - bytes;
}

static uint32_t kv_dim_of(const pnm_model_desc_t* m) {
  return (m->dim / m->n_heads) * m->n_kv_heads;
}

static uint32_t max3(uint32_t a, uint32_t b, uint32_t c) {
  uint32_t r = a > b ? a : b;
  return r > c ? r : c;
}

fw_error_t fw_check_desc(const pnm_model_desc_t* m) {
  err_clear();
  if (m == NULL) return err_set(FW_ERR_DESC, "descriptor pointer is NULL", 0);
  if (m->magic != PNM_MODEL_DESC_MAGIC) return err_set(FW_ERR_DESC, "bad magic", m->magic);
  if (m->version != PNM_MODEL_DESC_VERSION) {
    return err_set(FW_ERR_DESC, "unsupported descriptor version", m->version);
  }
  // Column counts go into the 16-bit JOB_COLS field, row counts into the 24-bit JOB_ROWS.
  if (m->dim == 0u || m->dim > PNM_PNM_JOB_COLS_VALUE_MASK) {
    return err_set(FW_ERR_DESC, "dim outside 1..65535 (JOB_COLS width)", m->dim);
  }
  if (m->hidden_dim == 0u || m->hidden_dim > PNM_PNM_JOB_COLS_VALUE_MASK) {
    return err_set(FW_ERR_DESC, "hidden_dim outside 1..65535 (JOB_COLS width)", m->hidden_dim);
  }
  // vocab_size 0: a latent stack (PHOTON), vectors in and out, no embedding or classifier.
  if (m->vocab_size > PNM_PNM_JOB_ROWS_VALUE_MASK) {
    return err_set(FW_ERR_DESC, "vocab_size outside 0..2^24-1 (JOB_ROWS width)", m->vocab_size);
  }
  if (m->n_layers == 0u || m->n_layers > FW_MAX_LAYERS) {
    return err_set(FW_ERR_DESC, "n_layers outside 1..4096", m->n_layers);
  }
  if (m->seq_len == 0u || m->seq_len > FW_MAX_SEQ_LEN) {
    return err_set(FW_ERR_DESC, "seq_len outside 1..2^24", m->seq_len);
  }
  if (m->n_heads == 0u || m->dim % m->n_heads != 0u) {
    return err_set(FW_ERR_DESC, "dim is not divisible by n_heads", m->n_heads);
  }
  if (m->n_kv_heads == 0u || m->n_kv_heads > m->n_heads || m->n_heads % m->n_kv_heads != 0u) {
    return err_set(FW_ERR_DESC, "n_heads is not a multiple of n_kv_heads", m->n_kv_heads);
  }
  if ((m->dim / m->n_heads) % 2u != 0u) {
    return err_set(FW_ERR_DESC, "head_dim is odd (RoPE rotates pairs)", m->dim / m->n_heads);
  }
  if (m->n_channels == 0u || m->n_channels > PNM_ADDR_PNM_COUNT) {
    return err_set(FW_ERR_DESC, "n_channels outside 1..256 (PNM windows)", m->n_channels);
  }
  if (m->tp_ranks > (PNM_COLL_PARAMS_TP_MASK >> PNM_COLL_PARAMS_TP_LSB) + 1u) {
    return err_set(FW_ERR_DESC, "tp_ranks above the COLL PARAMS.TP field", m->tp_ranks);
  }
  // Pipeline: an equal, contiguous split of model_layers over the stages.
  const uint32_t stages = m->pp_stages > 1u ? m->pp_stages : 1u;
  if (stages * (m->tp_ranks > 1u ? m->tp_ranks : 1u) > (PNM_COLL_PARAMS_CHIPS_MASK >> PNM_COLL_PARAMS_CHIPS_LSB) + 1u) {
    return err_set(FW_ERR_DESC, "tp_ranks x pp_stages above the COLL PARAMS.CHIPS field", m->pp_stages);
  }
  if (m->pp_stage >= stages) return err_set(FW_ERR_DESC, "pp_stage outside 0..pp_stages-1", m->pp_stage);
  if (m->model_layers != m->n_layers * stages) {
    return err_set(FW_ERR_DESC, "model_layers != n_layers x pp_stages (the split does not divide the layers)",
                   m->model_layers);
  }
  if (m->layer_first != m->pp_stage * m->n_layers) {
    return err_set(FW_ERR_DESC, "layer_first != pp_stage x n_layers", m->layer_first);
  }
  if (stages > 1u && m->vocab_size == 0u) {
    return err_set(FW_ERR_DESC, "a latent stack (vocab_size 0) has no pipeline", m->pp_stages);
  }
  if (m->max_slots == 0u || m->max_slots > FW_MAX_SLOTS) {
    return err_set(FW_ERR_DESC, "max_slots outside 1..FW_MAX_SLOTS", m->max_slots);
  }
  if (m->n_seqs == 0u) return err_set(FW_ERR_DESC, "n_seqs is 0", 0);
  if (m->kv_len == 0u || m->kv_len > m->seq_len) return err_set(FW_ERR_DESC, "kv_len outside 1..seq_len", m->kv_len);
  const uint64_t dim4 = 4ull * m->dim, hid4 = 4ull * m->hidden_dim, voc4 = 4ull * m->vocab_size;
  const uint64_t cache = 4ull * m->n_layers * m->kv_len * kv_dim_of(m);
  const uint64_t last_seq = (uint64_t)(m->n_seqs - 1u) * m->seq_stride;
  if (m->n_seqs > 1u && m->seq_stride < cache) return err_set(FW_ERR_DESC, "seq_stride smaller than one cache", 0);
  // Only stage 0 embeds, only the last stage classifies (a pipeline's
  // other stages hold neither).
  const int embeds = m->pp_stage == 0u, classifies = m->pp_stage + 1u == stages;
  if (m->vocab_size != 0u && embeds && !in_logic_mem(m->token_embedding, voc4 * m->dim)) {
    return err_set(FW_ERR_DESC, "token_embedding outside LOGIC_MEM or unaligned", 0);
  }
  if (!in_logic_mem(m->rms_final, dim4)) return err_set(FW_ERR_DESC, "rms_final outside LOGIC_MEM or unaligned", 0);
  if (!in_logic_mem(m->k_cache, cache) || !in_logic_mem(m->k_cache + last_seq, cache)) {
    return err_set(FW_ERR_DESC, "k_cache outside LOGIC_MEM or unaligned", 0);
  }
  if (!in_logic_mem(m->v_cache, cache) || !in_logic_mem(m->v_cache + last_seq, cache)) {
    return err_set(FW_ERR_DESC, "v_cache outside LOGIC_MEM or unaligned", 0);
  }
  // The first and the last slot's work areas (the others lie between).
  for (uint32_t k = 0; k < 2u; ++k) {
    const uint64_t o = k == 0u ? 0u : (uint64_t)(m->max_slots - 1u) * m->slot_stride;
    if (!in_logic_mem(m->x + o, dim4)) return err_set(FW_ERR_DESC, "x outside LOGIC_MEM or unaligned", 0);
    if (!in_logic_mem(m->xb + o, dim4)) return err_set(FW_ERR_DESC, "xb outside LOGIC_MEM or unaligned", 0);
    if (!in_logic_mem(m->xb2 + o, dim4)) return err_set(FW_ERR_DESC, "xb2 outside LOGIC_MEM or unaligned", 0);
    if (!in_logic_mem(m->q + o, dim4)) return err_set(FW_ERR_DESC, "q outside LOGIC_MEM or unaligned", 0);
    if (!in_logic_mem(m->hb + o, hid4)) return err_set(FW_ERR_DESC, "hb outside LOGIC_MEM or unaligned", 0);
    if (!in_logic_mem(m->hb2 + o, hid4)) return err_set(FW_ERR_DESC, "hb2 outside LOGIC_MEM or unaligned", 0);
    if (m->vocab_size != 0u && !in_logic_mem(m->logits + o, voc4)) {
      return err_set(FW_ERR_DESC, "logits outside LOGIC_MEM or unaligned", 0);
    }
    if (!in_logic_mem(m->partials + o, 4ull * max3(m->dim, m->hidden_dim, m->vocab_size))) {
      return err_set(FW_ERR_DESC, "partials outside LOGIC_MEM or unaligned", 0);
    }
  }
  if (m->vocab_size == 0u || !classifies) return FW_OK;
  if (m->cls.rows != m->vocab_size || m->cls.cols != m->dim) {
    return err_set(FW_ERR_DESC, "cls is not vocab_size x dim", m->cls.rows);
  }
  if (!in_logic_mem(m->cls.row_scales, voc4)) {
    return err_set(FW_ERR_DESC, "cls row_scales outside LOGIC_MEM or unaligned", 0);
  }
  return FW_OK;
}

static fw_error_t check_matrix(const pnm_matrix_desc_t* w, uint32_t rows, uint32_t cols,
                               const char* shape_msg, const char* scales_msg) {
  if (w->rows != rows || w->cols != cols) return err_set(FW_ERR_DESC, shape_msg, w->rows);
  if (!in_logic_mem(w->row_scales, 4ull * rows)) return err_set(FW_ERR_DESC, scales_msg, 0);
  return FW_OK;
}

fw_error_t fw_check_model(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers) {
  fw_error_t e = fw_check_desc(m);
  if (e != FW_OK) return e;
  if (layers == NULL) return err_set(FW_ERR_DESC, "layer table pointer is NULL", 0);
  const uint32_t d = m->dim, h = m->hidden_dim, kv = kv_dim_of(m);
  for (uint32_t l = 0; l < m->n_layers; ++l) {
    const pnm_layer_desc_t* L = &layers[l];
    g_err.layer = (int32_t)l;
    if (!in_logic_mem(L->rms_att, 4ull * d)) return err_set(FW_ERR_DESC, "rms_att outside LOGIC_MEM or unaligned", l);
    if (!in_logic_mem(L->rms_ffn, 4ull * d)) return err_set(FW_ERR_DESC, "rms_ffn outside LOGIC_MEM or unaligned", l);
    if ((e = check_matrix(&L->wq, d, d, "wq is not dim x dim", "wq row_scales outside LOGIC_MEM")) != FW_OK) return e;
    if ((e = check_matrix(&L->wk, kv, d, "wk is not kv_dim x dim", "wk row_scales outside LOGIC_MEM")) != FW_OK) return e;
    if ((e = check_matrix(&L->wv, kv, d, "wv is not kv_dim x dim", "wv row_scales outside LOGIC_MEM")) != FW_OK) return e;
    if ((e = check_matrix(&L->wo, d, d, "wo is not dim x dim", "wo row_scales outside LOGIC_MEM")) != FW_OK) return e;
    if ((e = check_matrix(&L->w1, h, d, "w1 is not hidden_dim x dim", "w1 row_scales outside LOGIC_MEM")) != FW_OK) return e;
    if ((e = check_matrix(&L->w2, d, h, "w2 is not dim x hidden_dim", "w2 row_scales outside LOGIC_MEM")) != FW_OK) return e;
    if ((e = check_matrix(&L->w3, h, d, "w3 is not hidden_dim x dim", "w3 row_scales outside LOGIC_MEM")) != FW_OK) return e;
  }
  g_err.layer = -1;
  return FW_OK;
}

// ------------------------------------------------------------ chip access --

// The per-slot arrays live in the CPU's own memory (hal_cpu_local): the host
// build runs every chip's firmware in one process.
typedef struct {
  uint32_t scale[FW_MAX_SLOTS];
  uint32_t want[FW_MAX_SLOTS];
} fw_local_t;
typedef char fw_local_fits_[sizeof(fw_local_t) <= HAL_CPU_LOCAL_BYTES ? 1 : -1];

// Tensor parallel: rank k's rows of an R-row matrix, [first, first + rows),
// the channel striping rule applied to ranks (tlm/interchip/fabric.hpp).
static uint32_t tp_rows(const fw_ctx_t* c, uint32_t rows) {
  return rows / c->tp_ranks + (c->tp_rank < rows % c->tp_ranks ? 1u : 0u);
}
static uint32_t tp_first(const fw_ctx_t* c, uint32_t rows) {
  const uint32_t rem = rows % c->tp_ranks;
  return c->tp_rank * (rows / c->tp_ranks) + (c->tp_rank < rem ? c->tp_rank : rem);
}

#define VU_REG(off) (PNM_ADDR_VU_BASE + (off))
#define BCAST_REG(off) (PNM_ADDR_PNM_BCAST_BASE + (off))
#define PNM_REG(c, off) (PNM_ADDR_PNM_BASE + (uint64_t)(c) * PNM_ADDR_PNM_SIZE + (off))
#define IRQ_REG(off) (PNM_ADDR_IRQ_BASE + (off))
#define COLL_REG(off) (PNM_ADDR_COLL_BASE + (off))
#define ACT_BCAST_ADDR (PNM_ADDR_PNM_BCAST_BASE + PNM_ACT_SRAM_OFFSET + FW_ACT_OFF)

static void vu_set(fw_ctx_t* c, uint32_t off, uint32_t v) {
  const uint32_t i = off >> 2;
  if (((c->vu_valid >> i) & 1u) != 0u && c->vu_shadow[i] == v) return;
  hal_write32(VU_REG(off), v);
  c->vu_shadow[i] = v;
  c->vu_valid |= 1u << i;
}

static void vu_set64(fw_ctx_t* c, uint32_t off_lo, uint64_t v) {
  vu_set(c, off_lo, (uint32_t)v);
  vu_set(c, off_lo + 4u, (uint32_t)(v >> 32));
}

static void job_set(fw_ctx_t* c, uint32_t off, uint32_t v) {
  const uint32_t i = off >> 2;
  if (((c->job_valid >> i) & 1u) != 0u && c->job_shadow[i] == v) return;
  hal_write32(BCAST_REG(off), v);
  c->job_shadow[i] = v;
  c->job_valid |= 1u << i;
}

// Starts OP with the operands already set, waits for the VU, checks STATUS.
// *result (optional) receives RESULT.
static fw_error_t vu_run(fw_ctx_t* c, uint32_t op, uint32_t* result) {
  vu_set(c, PNM_VU_OP_OFFSET, op);
  hal_write32(VU_REG(PNM_VU_CTRL_OFFSET), PNM_VU_CTRL_START_MASK);
  ++g_counts.vu_ops;
  uint32_t st;
  for (;;) {
    // BUSY rises in the START write itself; VU_IDLE wakes us when it falls.
    hal_wait_irq(PNM_IRQ_ENABLE_VU_IDLE_MASK);
    st = hal_read32(VU_REG(PNM_VU_STATUS_OFFSET));
    if ((st & PNM_VU_STATUS_BUSY_MASK) == 0u) break;
  }
  if ((st & PNM_VU_STATUS_ERROR_MASK) != 0u || (st & PNM_VU_STATUS_DONE_MASK) == 0u) {
    g_err.layer = c->layer;
    g_err.vu_op = op;
    g_err.hw_status = st;
    return err_set(FW_ERR_VU,
                   (st & PNM_VU_STATUS_ERROR_MASK) != 0u
                       ? "vector unit reported STATUS.ERROR (ERR_CODE in hw_status[7:4])"
                       : "vector unit idle without STATUS.DONE after START",
                   pnm_field_get(st, PNM_VU_STATUS_ERR_CODE_LSB, PNM_VU_STATUS_ERR_CODE_WIDTH));
  }
  if (result != NULL) *result = hal_read32(VU_REG(PNM_VU_RESULT_OFFSET));
  return FW_OK;
}

static void vu_srcs(fw_ctx_t* c, uint64_t src0, uint64_t src1, uint64_t dst, uint32_t len) {
  vu_set64(c, PNM_VU_SRC0_LO_OFFSET, src0);
  if (src1 != 0u) vu_set64(c, PNM_VU_SRC1_LO_OFFSET, src1);
  vu_set64(c, PNM_VU_DST_LO_OFFSET, dst);
  vu_set(c, PNM_VU_LEN_OFFSET, len);
}

static fw_error_t vu_copy(fw_ctx_t* c, uint64_t dst, uint64_t src, uint32_t words) {
  vu_srcs(c, src, 0, dst, words);
  return vu_run(c, PNM_VU_OP_COPY, NULL);
}

static fw_error_t vu_rmsnorm(fw_ctx_t* c, uint64_t dst, uint64_t x, uint64_t w, uint32_t n) {
  vu_srcs(c, x, w, dst, n);
  return vu_run(c, PNM_VU_OP_RMSNORM, NULL);
}

// dst[r] = float(int32 src[r]) * (w.row_scales[r] * x_scale), r < w.rows.
static fw_error_t vu_dequant(fw_ctx_t* c, uint64_t dst, uint64_t src, const pnm_matrix_desc_t* w,
                             uint32_t scale_bits) {
  vu_srcs(c, src, w->row_scales, dst, w->rows);
  vu_set(c, PNM_VU_FARG_OFFSET, scale_bits);
  return vu_run(c, PNM_VU_OP_DEQUANT, NULL);
}

static fw_error_t vu_binary(fw_ctx_t* c, uint32_t op, uint64_t dst, uint64_t a, uint64_t b,
                            uint32_t n) {
  vu_srcs(c, a, b, dst, n);
  return vu_run(c, op, NULL);
}

// Queues one GEMV job on every unit (PNM_BCAST) for the next epoch: nvec
// activation vectors from act_off (packed, w->cols bytes each), vector v's
// results to dst + v * slot_stride.
static void pnm_push(fw_ctx_t* c, const pnm_matrix_desc_t* w, uint64_t dst, uint32_t dst_stride, uint32_t nvec,
                     uint32_t act_off) {
  job_set(c, PNM_PNM_JOB_FLASH_LO_OFFSET, (uint32_t)w->flash_addr);
  job_set(c, PNM_PNM_JOB_FLASH_HI_OFFSET, (uint32_t)(w->flash_addr >> 32));
  // Tensor parallel: this chip computes its ranks' rows only (a single chip: all).
  job_set(c, PNM_PNM_JOB_ROWS_OFFSET, tp_rows(c, w->rows));
  dst += 4ull * tp_first(c, w->rows);
  job_set(c, PNM_PNM_JOB_COLS_OFFSET, w->cols);
  job_set(c, PNM_PNM_JOB_ACT_OFF_OFFSET, act_off);
  job_set(c, PNM_PNM_JOB_VECS_OFFSET, nvec);
  job_set(c, PNM_PNM_JOB_DST_STRIDE_OFFSET, dst_stride);
  job_set(c, PNM_PNM_JOB_EPOCH_OFFSET, c->epoch + 1u);
  job_set(c, PNM_PNM_JOB_DST_LO_OFFSET, (uint32_t)dst);
  job_set(c, PNM_PNM_JOB_DST_HI_OFFSET, (uint32_t)(dst >> 32));
  hal_write32(BCAST_REG(PNM_PNM_CTRL_OFFSET), PNM_PNM_CTRL_PUSH_MASK);
  ++c->jobs_expected;
  ++g_counts.pnm_jobs;
}

// The GEMV of w for `count` vectors (quantized at FW_ACT_OFF + j * cols):
// one job per group of up to `vectors` vectors, each reading w once.
// Vector j's int32 results land at dst + j * stride.
static void pnm_push_strided(fw_ctx_t* c, const pnm_matrix_desc_t* w, uint64_t dst, uint32_t stride,
                             uint32_t count) {
  for (uint32_t j = 0; j < count; j += c->vectors) {
    const uint32_t nvec = count - j < c->vectors ? count - j : c->vectors;
    pnm_push(c, w, dst + (uint64_t)j * stride, stride, nvec, FW_ACT_OFF + j * w->cols);
  }
}

// pnm_push_strided into the slots' work areas: dst is slot 0's buffer.
static void pnm_push_groups(fw_ctx_t* c, const pnm_matrix_desc_t* w, uint64_t dst, uint32_t count) {
  pnm_push_strided(c, w, dst, (uint32_t)c->m->slot_stride, count);
}

// Tensor parallel: queues the all-gather of w's int32 results for `count`
// slots (dst is slot 0's buffer), so every rank holds all rows before DEQUANT.
static void coll_push(fw_ctx_t* c, const pnm_matrix_desc_t* w, uint64_t dst, uint32_t count) {
  hal_write64(COLL_REG(PNM_COLL_BUF_LO_OFFSET), dst);
  hal_write32(COLL_REG(PNM_COLL_ROWS_OFFSET), w->rows);
  hal_write32(COLL_REG(PNM_COLL_VECS_OFFSET), count);
  hal_write32(COLL_REG(PNM_COLL_STRIDE_OFFSET), (uint32_t)c->m->slot_stride);
  hal_write32(COLL_REG(PNM_COLL_CTRL_OFFSET), PNM_COLL_CTRL_PUSH_MASK);
}

// Writes CTRL (GO, SEND or RECV: the write returns when the operation is
// done on every chip in it) and checks STATUS.
static fw_error_t coll_go_ctrl(fw_ctx_t* c, uint32_t ctrl) {
  hal_write32(COLL_REG(PNM_COLL_CTRL_OFFSET), ctrl);
  const uint32_t st = hal_read32(COLL_REG(PNM_COLL_STATUS_OFFSET));
  if ((st & PNM_COLL_STATUS_ERROR_MASK) != 0u || (st & PNM_COLL_STATUS_DONE_MASK) == 0u) {
    g_err.layer = c->layer;
    g_err.hw_status = st;
    return err_set(FW_ERR_COLL,
                   "collective engine reported STATUS.ERROR or no DONE after GO/SEND/RECV (ERR_CODE in hw_status[7:4])",
                   pnm_field_get(st, PNM_COLL_STATUS_ERR_CODE_LSB, PNM_COLL_STATUS_ERR_CODE_WIDTH));
  }
  return FW_OK;
}

// Runs the queued gathers (the GO write returns when every rank is done).
static fw_error_t coll_go(fw_ctx_t* c) { return coll_go_ctrl(c, PNM_COLL_CTRL_GO_MASK); }

// Pipeline: one point-to-point transfer with chip `peer` (CTRL = SEND or
// RECV, with MBOX for the mailbox): `vecs` blocks of `bytes` at buf +
// v * slot_stride. The write returns when the transfer is done on both chips.
static fw_error_t coll_p2p(fw_ctx_t* c, uint32_t ctrl, uint32_t peer, uint64_t buf, uint32_t bytes, uint32_t vecs) {
  hal_write32(COLL_REG(PNM_COLL_PEER_OFFSET), peer);
  hal_write64(COLL_REG(PNM_COLL_BUF_LO_OFFSET), buf);
  hal_write32(COLL_REG(PNM_COLL_BYTES_OFFSET), bytes);
  hal_write32(COLL_REG(PNM_COLL_VECS_OFFSET), vecs);
  hal_write32(COLL_REG(PNM_COLL_STRIDE_OFFSET), (uint32_t)c->m->slot_stride);
  return coll_go_ctrl(c, ctrl);
}

// Chip of stage s's TP rank (this chip's TP rank): chip r is stage r / tp, TP rank r % tp.
static uint32_t stage_chip(const fw_ctx_t* c, uint32_t stage) { return stage * c->tp_ranks + c->tp_rank; }

// After a GEMV wait: gathers up to three matrices' results (w2/w3 may be NULL).
static fw_error_t tp_gather(fw_ctx_t* c, uint32_t count, const pnm_matrix_desc_t* w1, uint64_t d1,
                            const pnm_matrix_desc_t* w2, uint64_t d2, const pnm_matrix_desc_t* w3, uint64_t d3) {
  if (c->tp_ranks <= 1u) return FW_OK;
  coll_push(c, w1, d1, count);
  if (w2 != NULL) coll_push(c, w2, d2, count);
  if (w3 != NULL) coll_push(c, w3, d3, count);
  return coll_go(c);
}

// Names the first unit with STATUS.ERROR.
static fw_error_t pnm_fail(fw_ctx_t* c, uint32_t irq_status) {
  g_err.layer = c->layer;
  g_err.hw_status = irq_status;
  for (uint32_t u = 0; u < c->m->n_channels; ++u) {
    const uint32_t st = hal_read32(PNM_REG(u, PNM_PNM_STATUS_OFFSET));
    if ((st & PNM_PNM_STATUS_ERROR_MASK) != 0u) {
      g_err.unit = u;
      g_err.hw_status = st;
      const uint32_t code = pnm_field_get(st, PNM_PNM_STATUS_ERR_CODE_LSB, PNM_PNM_STATUS_ERR_CODE_WIDTH);
      if (code == PNM_PNM_ERR_UNCORRECTABLE) {
        return err_set(FW_ERR_PNM,
                       "uncorrectable flash page: the PNM unit's page read stayed uncorrectable after every "
                       "read-retry (STATUS.ERR_CODE UNCORRECTABLE; the unit is the flash channel)",
                       code);
      }
      return err_set(FW_ERR_PNM, "PNM unit reported STATUS.ERROR (ERR_CODE in hw_status[7:4])", code);
    }
  }
  return err_set(FW_ERR_PNM, "IRQ PNM_ERROR set but no unit shows STATUS.ERROR", irq_status);
}

// After a QUANTIZE: releases the queued jobs (ACT_EPOCH = epoch + 1) and waits
// until every unit has written back every job pushed so far.
#define FW_PNM_IDLE_RETRIES 64u
static fw_error_t pnm_release_and_wait(fw_ctx_t* c) {
  ++c->epoch;
  ++g_counts.epochs;
  hal_write32(BCAST_REG(PNM_PNM_ACT_EPOCH_OFFSET), c->epoch);
  for (uint32_t tries = 0;; ++tries) {
    const uint32_t st =
        hal_wait_irq_status(PNM_IRQ_ENABLE_PNM_IDLE_MASK | PNM_IRQ_ENABLE_PNM_ERROR_MASK);
    if ((st & PNM_IRQ_STATUS_PNM_ERROR_MASK) != 0u) return pnm_fail(c, st);
    // PNM_IDLE: confirm with unit 0's counter (guards against a stale line).
    const uint32_t done = hal_read32(PNM_REG(0, PNM_PNM_JOBS_DONE_OFFSET));
    if (done == c->jobs_expected) return FW_OK;
    if (tries >= FW_PNM_IDLE_RETRIES) {
      g_err.layer = c->layer;
      g_err.hw_status = st;
      return err_set(FW_ERR_PNM_STATE, "PNM_IDLE high but unit 0 JOBS_DONE != jobs pushed", done);
    }
  }
}

// ------------------------------------------------------------- the step --

#define TRY FW_TRY

static void push_qkv(fw_ctx_t* c, const pnm_layer_desc_t* L, uint32_t n) {
  const pnm_model_desc_t* m = c->m;
  pnm_push_groups(c, &L->wq, m->partials, n);
  pnm_push_groups(c, &L->wk, m->xb, n);  // int32 scratch; xb is free until ATTENTION
  pnm_push_groups(c, &L->wv, m->xb2, n);
}

// QUANTIZE src (len values) into every unit's activation SRAM as vector j
// (FW_ACT_OFF + j * len); c->scale[j] = the fp32 scale bits.
static fw_error_t quantize_into(fw_ctx_t* c, uint64_t src, uint32_t len, uint32_t j) {
  vu_srcs(c, src, 0, ACT_BCAST_ADDR + (uint64_t)j * len, len);
  return vu_run(c, PNM_VU_OP_QUANTIZE, &c->scale[j]);
}

fw_error_t fw_ctx_begin(fw_ctx_t* c, const pnm_model_desc_t* m, uint32_t max_vectors) {
  c->m = m;
  c->layer = -1;
  c->vectors = 1;
  c->epoch = 0;
  c->jobs_expected = 0;
  c->vu_valid = 0;
  c->job_valid = 0;
  fw_local_t* local = (fw_local_t*)hal_cpu_local();
  c->scale = local->scale;
  c->want = local->want;
  c->tp_rank = 0;
  c->tp_ranks = 1;
  c->pp_stage = 0;
  c->pp_stages = 1;
  // The chip must be quiet: no VU op, no queued job, no sticky PNM error.
  const uint32_t irq = hal_read32(IRQ_REG(PNM_IRQ_STATUS_OFFSET));
  g_err.hw_status = irq;
  if ((irq & PNM_IRQ_STATUS_PNM_ERROR_MASK) != 0u) {
    return err_set(FW_ERR_CHIP_STATE, "PNM_ERROR pending at step start (clear it first)", irq);
  }
  if ((irq & (PNM_IRQ_STATUS_PNM_IDLE_MASK | PNM_IRQ_STATUS_VU_IDLE_MASK)) !=
      (PNM_IRQ_STATUS_PNM_IDLE_MASK | PNM_IRQ_STATUS_VU_IDLE_MASK)) {
    return err_set(FW_ERR_CHIP_STATE, "PNM units or vector unit busy at step start", irq);
  }
  const uint32_t params = hal_read32(PNM_REG(0, PNM_PNM_PARAMS_OFFSET));
  g_err.hw_status = params;
  const uint32_t channels =
      pnm_field_get(params, PNM_PNM_PARAMS_CHANNELS_LSB, PNM_PNM_PARAMS_CHANNELS_WIDTH) + 1u;
  if (channels != m->n_channels) {
    return err_set(FW_ERR_PARAMS, "unit 0 PARAMS.CHANNELS+1 != descriptor n_channels", channels);
  }
  c->vectors = pnm_field_get(params, PNM_PNM_PARAMS_VECTORS_LSB, PNM_PNM_PARAMS_VECTORS_WIDTH) + 1u;
  const uint32_t groups = (max_vectors + c->vectors - 1u) / c->vectors;
  const uint32_t depth =
      pnm_field_get(params, PNM_PNM_PARAMS_QUEUE_DEPTH_LSB, PNM_PNM_PARAMS_QUEUE_DEPTH_WIDTH);
  if (depth < FW_MAX_JOBS_IN_FLIGHT * groups) {
    return err_set(FW_ERR_PARAMS, "PNM QUEUE_DEPTH below the 3 jobs per vector group the firmware queues",
                   depth);
  }
  if (m->tp_ranks > 1u || m->pp_stages > 1u) {
    // Chips = tp x pp; this chip (RANK r) is stage r / tp, TP rank r % tp.
    const uint32_t cp = hal_read32(COLL_REG(PNM_COLL_PARAMS_OFFSET));
    g_err.hw_status = cp;
    const uint32_t chips = pnm_field_get(cp, PNM_COLL_PARAMS_CHIPS_LSB, PNM_COLL_PARAMS_CHIPS_WIDTH) + 1u;
    const uint32_t tp = pnm_field_get(cp, PNM_COLL_PARAMS_TP_LSB, PNM_COLL_PARAMS_TP_WIDTH) + 1u;
    const uint32_t rank = pnm_field_get(cp, PNM_COLL_PARAMS_RANK_LSB, PNM_COLL_PARAMS_RANK_WIDTH);
    const uint32_t stages = m->pp_stages > 1u ? m->pp_stages : 1u;
    if (tp != (m->tp_ranks > 1u ? m->tp_ranks : 1u)) {
      return err_set(FW_ERR_PARAMS, "COLL PARAMS.TP+1 != descriptor tp_ranks", tp);
    }
    if (chips != tp * stages) return err_set(FW_ERR_PARAMS, "COLL PARAMS.CHIPS+1 != tp_ranks x pp_stages", chips);
    if (rank / tp != m->pp_stage) return err_set(FW_ERR_PARAMS, "COLL PARAMS.RANK / tp is not descriptor pp_stage", rank);
    c->tp_rank = rank % tp;
    c->tp_ranks = tp;
    c->pp_stage = m->pp_stage;
    c->pp_stages = stages;
  }
  g_err.hw_status = 0;
  c->epoch = hal_read32(PNM_REG(0, PNM_PNM_ACT_EPOCH_OFFSET));
  c->jobs_expected = hal_read32(PNM_REG(0, PNM_PNM_JOBS_DONE_OFFSET));
  return FW_OK;
}

fw_error_t fw_copy(fw_ctx_t* c, uint64_t dst, uint64_t src, uint32_t words) { return vu_copy(c, dst, src, words); }

fw_error_t fw_linear(fw_ctx_t* c, const pnm_matrix_desc_t* w, uint64_t src, uint64_t src_stride, uint64_t dst,
                     uint64_t dst_stride, uint32_t count, uint64_t scratch, uint32_t scratch_stride) {
  if (count == 0u || count > FW_MAX_SLOTS) return err_set(FW_ERR_ARG, "linear: vector count outside 1..FW_MAX_SLOTS", count);
  for (uint32_t j = 0; j < count; ++j) TRY(quantize_into(c, src + j * src_stride, w->cols, j));
  pnm_push_strided(c, w, scratch, scratch_stride, count);
  TRY(pnm_release_and_wait(c));
  for (uint32_t j = 0; j < count; ++j) {
    TRY(vu_dequant(c, dst + j * dst_stride, scratch + (uint64_t)j * scratch_stride, w, c->scale[j]));
  }
  return FW_OK;
}

fw_error_t fw_run_stack(fw_ctx_t* c, const pnm_layer_desc_t* layers, const fw_slot_t* slots, uint32_t n,
                        fw_sampler_t* const* samplers, uint32_t* next) {
  const pnm_model_desc_t* m = c->m;
  const uint32_t dim = m->dim, hidden = m->hidden_dim;
  const uint32_t head_dim = dim / m->n_heads, kv_dim = kv_dim_of(m);
  const uint64_t cache_layer_bytes = 4ull * m->kv_len * kv_dim;
  const uint64_t S = m->slot_stride;
#define SLOT(base, i) ((base) + (uint64_t)(i) * S)

  uint32_t want = 0;
  for (uint32_t i = 0; i < n; ++i) {
    next[i] = FW_NO_TOKEN;
    if (slots[i].logits == FW_OUT_TOKEN) c->want[want++] = i;
  }
  const int first_stage = c->pp_stage == 0u, last_stage = c->pp_stage + 1u == c->pp_stages;
  // x = token_embedding[token], per slot (a latent input is in x already);
  // a later pipeline stage receives every slot's x from the stage before.
  if (first_stage) {
    for (uint32_t i = 0; i < n; ++i) {
      if (slots[i].token == FW_TOKEN_IN_X) continue;
      TRY(vu_copy(c, SLOT(m->x, i), m->token_embedding + 4ull * dim * slots[i].token, dim));
    }
  } else {
    TRY(coll_p2p(c, PNM_COLL_CTRL_RECV_MASK, stage_chip(c, c->pp_stage - 1u), m->x, 4u * dim, n));
  }

  for (uint32_t l = 0; l < m->n_layers; ++l) {
    const pnm_layer_desc_t* L = &layers[l];
    c->layer = (int32_t)l;

    // ---- attention block
    if (l == 0) push_qkv(c, L, n);  // later layers: pushed after the previous W2 wait
    for (uint32_t i = 0; i < n; ++i) {
      TRY(vu_rmsnorm(c, SLOT(m->xb, i), SLOT(m->x, i), L->rms_att, dim));
      TRY(quantize_into(c, SLOT(m->xb, i), dim, i));
    }
    TRY(pnm_release_and_wait(c));
    pnm_push_groups(c, &L->wo, m->partials, n);
    // Tensor parallel: gathered after the next push, so its flash reads run
    // during the collective (its results land only after the next epoch).
    TRY(tp_gather(c, n, &L->wq, m->partials, &L->wk, m->xb, &L->wv, m->xb2));
    // Every slot's K/V row is in the cache before any slot attends, so slots
    // of one sequence at consecutive positions (a prompt chunk) see each other.
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t row = 4ull * kv_dim * slots[i].pos + cache_layer_bytes * l + m->seq_stride * slots[i].seq;
      const uint64_t k_slot = m->k_cache + row, v_slot = m->v_cache + row;
      TRY(vu_dequant(c, SLOT(m->q, i), SLOT(m->partials, i), &L->wq, c->scale[i]));
      TRY(vu_dequant(c, k_slot, SLOT(m->xb, i), &L->wk, c->scale[i]));
      TRY(vu_dequant(c, v_slot, SLOT(m->xb2, i), &L->wv, c->scale[i]));
      // ROPE in place: q = DST (LEN dim), k = SRC0 (ARG1 kv_dim), ARG0 pos, ARG2 head_dim.
      vu_srcs(c, k_slot, 0, SLOT(m->q, i), dim);
      vu_set(c, PNM_VU_ARG0_OFFSET, slots[i].pos);
      vu_set(c, PNM_VU_ARG1_OFFSET, kv_dim);
      vu_set(c, PNM_VU_ARG2_OFFSET, head_dim);
      TRY(vu_run(c, PNM_VU_OP_ROPE, NULL));
    }
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t layer = cache_layer_bytes * l + m->seq_stride * slots[i].seq;
      // ATTENTION xb = attention(q, K[l], V[l]); ARG0 pos, ARG1 n_heads, ARG2 n_kv_heads, ARG3 head_dim.
      vu_srcs(c, SLOT(m->q, i), m->k_cache + layer, SLOT(m->xb, i), dim);
      vu_set64(c, PNM_VU_SRC2_LO_OFFSET, m->v_cache + layer);
      vu_set(c, PNM_VU_ARG0_OFFSET, slots[i].pos);
      vu_set(c, PNM_VU_ARG1_OFFSET, m->n_heads);
      vu_set(c, PNM_VU_ARG2_OFFSET, m->n_kv_heads);
      vu_set(c, PNM_VU_ARG3_OFFSET, head_dim);
      TRY(vu_run(c, PNM_VU_OP_ATTENTION, NULL));
      TRY(quantize_into(c, SLOT(m->xb, i), dim, i));
    }
    TRY(pnm_release_and_wait(c));
    pnm_push_groups(c, &L->w1, m->partials, n);
    pnm_push_groups(c, &L->w3, m->hb, n);  // int32 scratch; dequantized into hb2 first
    TRY(tp_gather(c, n, &L->wo, m->partials, NULL, 0, NULL, 0));
    for (uint32_t i = 0; i < n; ++i) {
      TRY(vu_dequant(c, SLOT(m->xb2, i), SLOT(m->partials, i), &L->wo, c->scale[i]));
      TRY(vu_binary(c, PNM_VU_OP_ADD, SLOT(m->x, i), SLOT(m->x, i), SLOT(m->xb2, i), dim));
    }

    // ---- feed-forward block
    for (uint32_t i = 0; i < n; ++i) {
      TRY(vu_rmsnorm(c, SLOT(m->xb, i), SLOT(m->x, i), L->rms_ffn, dim));
      TRY(quantize_into(c, SLOT(m->xb, i), dim, i));
    }
    TRY(pnm_release_and_wait(c));
    pnm_push_groups(c, &L->w2, m->partials, n);
    TRY(tp_gather(c, n, &L->w1, m->partials, &L->w3, m->hb, NULL, 0));
    for (uint32_t i = 0; i < n; ++i) {
      TRY(vu_dequant(c, SLOT(m->hb2, i), SLOT(m->hb, i), &L->w3, c->scale[i]));
      TRY(vu_dequant(c, SLOT(m->hb, i), SLOT(m->partials, i), &L->w1, c->scale[i]));
      TRY(vu_binary(c, PNM_VU_OP_SILU_MUL, SLOT(m->hb, i), SLOT(m->hb, i), SLOT(m->hb2, i), hidden));
      TRY(quantize_into(c, SLOT(m->hb, i), hidden, i));
    }
    TRY(pnm_release_and_wait(c));
    if (l + 1u < m->n_layers) {
      push_qkv(c, &layers[l + 1u], n);
    } else if (want > 0u && last_stage) {
      pnm_push_groups(c, &m->cls, m->partials, want);
    }
    TRY(tp_gather(c, n, &L->w2, m->partials, NULL, 0, NULL, 0));
    for (uint32_t i = 0; i < n; ++i) {
      TRY(vu_dequant(c, SLOT(m->xb, i), SLOT(m->partials, i), &L->w2, c->scale[i]));
      TRY(vu_binary(c, PNM_VU_OP_ADD, SLOT(m->x, i), SLOT(m->x, i), SLOT(m->xb, i), dim));
    }
  }

  c->layer = -1;
  // ---- pipeline: the residuals go on to the next stage; stage 0 then
  // waits for the last stage's tokens (its mailbox message, one word per slot).
  if (!last_stage) {
    TRY(coll_p2p(c, PNM_COLL_CTRL_SEND_MASK, stage_chip(c, c->pp_stage + 1u), m->x, 4u * dim, n));
    if (!first_stage || want == 0u) return FW_OK;
    TRY(coll_p2p(c, PNM_COLL_CTRL_RECV_MASK | PNM_COLL_CTRL_MBOX_MASK, stage_chip(c, c->pp_stages - 1u), 0, 4u * n,
                 1u));
    for (uint32_t i = 0; i < n; ++i) {
      hal_write32(COLL_REG(PNM_COLL_MBOX_IDX_OFFSET), i);
      const uint32_t token = hal_read32(COLL_REG(PNM_COLL_MBOX_OFFSET));
      if (slots[i].logits != FW_OUT_TOKEN) continue;
      if (token >= m->vocab_size) return err_set(FW_ERR_COLL, "token from the last pipeline stage outside the vocabulary", token);
      next[i] = token;
    }
    return FW_OK;
  }

  // ---- latent outputs: the normalised x, in the slot's xb.
  for (uint32_t i = 0; i < n; ++i) {
    if (slots[i].logits == FW_OUT_HIDDEN) TRY(vu_rmsnorm(c, SLOT(m->xb, i), SLOT(m->x, i), m->rms_final, dim));
  }

  // ---- classifier, for the slots that want logits: vector j is slot
  // c->want[j] (j <= c->want[j]); its logits land in work area j. The
  // normalised x goes to xb: same values, no aliasing.
  if (want == 0u) return FW_OK;
  for (uint32_t j = 0; j < want; ++j) {
    const uint32_t i = c->want[j];
    TRY(vu_rmsnorm(c, SLOT(m->xb, i), SLOT(m->x, i), m->rms_final, dim));
    TRY(quantize_into(c, SLOT(m->xb, i), dim, j));
  }
  TRY(pnm_release_and_wait(c));
  TRY(tp_gather(c, want, &m->cls, m->partials, NULL, 0, NULL, 0));
  for (uint32_t j = 0; j < want; ++j) {
    const uint32_t i = c->want[j];
    fw_sampler_t* sampler = samplers != NULL ? samplers[i] : NULL;
    TRY(vu_dequant(c, SLOT(m->logits, j), SLOT(m->partials, j), &m->cls, c->scale[j]));
    vu_srcs(c, SLOT(m->logits, j), 0, SLOT(m->logits, j), m->vocab_size);
    if (sampler != NULL && (sampler->temperature_bits & 0x7FFFFFFFu) != 0u) {
      // One 24-bit draw per sampled token, as the reference Sampler takes it.
      vu_set(c, PNM_VU_FARG_OFFSET, sampler->temperature_bits);
      vu_set(c, PNM_VU_ARG0_OFFSET, sampler->top_p_bits);
      vu_set(c, PNM_VU_ARG1_OFFSET, (uint32_t)(pnm_mt64_next(&sampler->rng) >> 40));
      TRY(vu_run(c, PNM_VU_OP_SAMPLE, &next[i]));
    } else {
      TRY(vu_run(c, PNM_VU_OP_ARGMAX, &next[i]));
    }
    // A timing-only chip computes no values: its RESULT is 0, a valid token.
    if (next[i] >= m->vocab_size) {
      g_err.hw_status = next[i];
      return err_set(FW_ERR_VU, "ARGMAX/SAMPLE RESULT outside the vocabulary", next[i]);
    }
  }
  if (first_stage) return FW_OK;
  // ---- pipeline: the tokens go back to stage 0, which embeds them next step.
  for (uint32_t i = 0; i < n; ++i) hal_write32(COLL_REG(PNM_COLL_MBOX_OFFSET), next[i]);
  return coll_p2p(c, PNM_COLL_CTRL_SEND_MASK | PNM_COLL_CTRL_MBOX_MASK, stage_chip(c, 0u), 0, 4u * n, 1u);
#undef SLOT
}

void fw_sampler_init(fw_sampler_t* s, uint32_t temperature_bits, uint32_t top_p_bits, uint64_t seed) {
  s->temperature_bits = temperature_bits;
  s->top_p_bits = top_p_bits;
  pnm_mt64_seed(&s->rng, seed);
}

uint32_t fw_decode_step(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers,
                        uint32_t token, uint32_t pos) {
  return fw_decode_step_sampled(m, layers, token, pos, NULL);
}

uint32_t fw_decode_step_sampled(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers,
                                uint32_t token, uint32_t pos, fw_sampler_t* sampler) {
  const fw_slot_t slot = {0u, token, pos, 1u};
  fw_sampler_t* const samplers[1] = {sampler};
  uint32_t next = FW_DECODE_ERROR;
  if (fw_step(m, layers, &slot, 1u, samplers, &next) != FW_OK) return FW_DECODE_ERROR;
  return next;
}

fw_error_t fw_step(const pnm_model_desc_t* m, const pnm_layer_desc_t* layers, const fw_slot_t* slots,
                   uint32_t n, fw_sampler_t* const* samplers, uint32_t* next) {
  g_counts.vu_ops = 0;
  g_counts.pnm_jobs = 0;
  g_counts.epochs = 0;
  fw_error_t e = fw_check_model(m, layers);
  if (e != FW_OK) return e;
  if (slots == NULL || next == NULL) return err_set(FW_ERR_ARG, "slots or next is NULL", 0);
  if (n == 0u || n > m->max_slots) return err_set(FW_ERR_ARG, "slot count outside 1..max_slots", n);
  for (uint32_t i = 0; i < n; ++i) {
    g_err.unit = i;  // the offending slot
    if (slots[i].logits > FW_OUT_HIDDEN) return err_set(FW_ERR_ARG, "slot output mode outside FW_OUT_*", slots[i].logits);
    if (m->vocab_size == 0u && (slots[i].token != FW_TOKEN_IN_X || slots[i].logits == FW_OUT_TOKEN)) {
      return err_set(FW_ERR_ARG, "a latent stack (vocab_size 0) takes FW_TOKEN_IN_X and gives no token", i);
    }
    // A later pipeline stage does not embed: its tokens are not read.
    if (m->pp_stage == 0u && slots[i].token != FW_TOKEN_IN_X && slots[i].token >= m->vocab_size) {
      return err_set(FW_ERR_ARG, "token >= vocab_size", slots[i].token);
    }
    if (slots[i].pos >= m->kv_len) return err_set(FW_ERR_ARG, "pos >= kv_len (cache rows)", slots[i].pos);
    if (slots[i].seq >= m->n_seqs) return err_set(FW_ERR_ARG, "seq >= n_seqs", slots[i].seq);
  }
  g_err.unit = 0;
  fw_ctx_t c;
  TRY(fw_ctx_begin(&c, m, n));
  return fw_run_stack(&c, layers, slots, n, samplers, next);
}
