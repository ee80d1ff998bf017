// GENERATED FILE - DO NOT EDIT.
// Source:     rtl/regmap/regmap.yaml
// Generator:  scripts/gen_regmap.py
// Regenerate: python3 scripts/gen_regmap.py
//             (run from the repository root; tests/regmap fails if this file is stale)

// Register map of every pnmsim block: offsets, reset values, field
// positions (use reg[X_LSB +: X_WIDTH]) and enums.
package pnm_reg_pkg;

  // Waiver: a block uses only some of these constants, and Verilator reports every
  // other package parameter as UNUSEDPARAM once any one is referenced.
  /* verilator lint_off UNUSEDPARAM */

  // ---- block mve
  // Matrix-vector engine job registers. A job is ROWS x COLS int8 weights streamed row-major
  // against VECS int8 activation vectors of COLS bytes each (1 .. VECTORS, the engine holds
  // that many); VECS int32 results per row.
  localparam int unsigned MVE_AW = 8;
  localparam int unsigned MVE_DW = 32;

  // CTRL (w1p): Job control; bits are pulses and read as zero.
  localparam logic [MVE_AW-1:0] MVE_CTRL_OFFSET = 8'h00;
  localparam logic [31:0] MVE_CTRL_RESET = 32'h0;
  localparam int unsigned MVE_CTRL_START_LSB = 0;
  localparam int unsigned MVE_CTRL_START_WIDTH = 1;
  localparam int unsigned MVE_CTRL_SKIP_ACT_LSB = 1;
  localparam int unsigned MVE_CTRL_SKIP_ACT_WIDTH = 1;

  // STATUS (ro): Job state. DONE and ERROR stay set until the next START.
  localparam logic [MVE_AW-1:0] MVE_STATUS_OFFSET = 8'h04;
  localparam logic [31:0] MVE_STATUS_RESET = 32'h0;
  localparam int unsigned MVE_STATUS_BUSY_LSB = 0;
  localparam int unsigned MVE_STATUS_BUSY_WIDTH = 1;
  localparam int unsigned MVE_STATUS_DONE_LSB = 1;
  localparam int unsigned MVE_STATUS_DONE_WIDTH = 1;
  localparam int unsigned MVE_STATUS_ERROR_LSB = 2;
  localparam int unsigned MVE_STATUS_ERROR_WIDTH = 1;
  localparam int unsigned MVE_STATUS_ERR_CODE_LSB = 4;
  localparam int unsigned MVE_STATUS_ERR_CODE_WIDTH = 4;

  // ROWS (rw): Rows (results) of the next job; 1 .. 2^24-1.
  localparam logic [MVE_AW-1:0] MVE_ROWS_OFFSET = 8'h08;
  localparam logic [31:0] MVE_ROWS_RESET = 32'h0;
  localparam int unsigned MVE_ROWS_VALUE_LSB = 0;
  localparam int unsigned MVE_ROWS_VALUE_WIDTH = 24;

  // COLS (rw): Columns (bytes per row) of the next job; 1 .. MAX_COLS.
  localparam logic [MVE_AW-1:0] MVE_COLS_OFFSET = 8'h0C;
  localparam logic [31:0] MVE_COLS_RESET = 32'h0;
  localparam int unsigned MVE_COLS_VALUE_LSB = 0;
  localparam int unsigned MVE_COLS_VALUE_WIDTH = 16;

  // CYCLES (ro): Clock cycles of the last job, from the cycle START is written to the cycle DONE is set.
  localparam logic [MVE_AW-1:0] MVE_CYCLES_OFFSET = 8'h10;
  localparam logic [31:0] MVE_CYCLES_RESET = 32'h0;
  localparam int unsigned MVE_CYCLES_VALUE_LSB = 0;
  localparam int unsigned MVE_CYCLES_VALUE_WIDTH = 32;

  // ROWS_DONE (ro): Results handed over on the result stream in the current (or last) job.
  localparam logic [MVE_AW-1:0] MVE_ROWS_DONE_OFFSET = 8'h14;
  localparam logic [31:0] MVE_ROWS_DONE_RESET = 32'h0;
  localparam int unsigned MVE_ROWS_DONE_VALUE_LSB = 0;
  localparam int unsigned MVE_ROWS_DONE_VALUE_WIDTH = 24;

  // PARAMS (ro): Build parameters of this engine instance.
  localparam logic [MVE_AW-1:0] MVE_PARAMS_OFFSET = 8'h18;
  localparam logic [31:0] MVE_PARAMS_RESET = 32'h0;
  localparam int unsigned MVE_PARAMS_LANES_LSB = 0;
  localparam int unsigned MVE_PARAMS_LANES_WIDTH = 8;
  localparam int unsigned MVE_PARAMS_MAX_COLS_LSB = 8;
  localparam int unsigned MVE_PARAMS_MAX_COLS_WIDTH = 24;

  // VECS (rw): Activation vectors n of the next job; 1 .. VECTORS (PARAMS2).
  localparam logic [MVE_AW-1:0] MVE_VECS_OFFSET = 8'h1C;
  localparam logic [31:0] MVE_VECS_RESET = 32'h1;
  localparam int unsigned MVE_VECS_VALUE_LSB = 0;
  localparam int unsigned MVE_VECS_VALUE_WIDTH = 16;

  // PARAMS2 (ro): More build parameters of this engine instance.
  localparam logic [MVE_AW-1:0] MVE_PARAMS2_OFFSET = 8'h20;
  localparam logic [31:0] MVE_PARAMS2_RESET = 32'h0;
  localparam int unsigned MVE_PARAMS2_VECTORS_LSB = 0;
  localparam int unsigned MVE_PARAMS2_VECTORS_WIDTH = 16;

  // Error codes reported in STATUS.ERR_CODE.
  typedef enum logic [3:0] {
    MVE_ERR_NONE = 4'd0,
    MVE_ERR_ROWS_ZERO = 4'd1,
    MVE_ERR_COLS_ZERO = 4'd2,
    MVE_ERR_COLS_RANGE = 4'd3,
    MVE_ERR_BUSY = 4'd4,
    MVE_ERR_STRB = 4'd5,
    MVE_ERR_NO_ACT = 4'd6,
    MVE_ERR_VECS_RANGE = 4'd7
  } mve_err_e;

  // ---- block pnm
  // One PNM unit (per flash channel): a queue of GEMV jobs. A job names a whole matrix (ROWS x
  // COLS int8, row scales applied later by the vector unit); the unit takes its own stripe of
  // rows (see tlm/chip/CHIP.md): rows_c = ROWS / C + (c < ROWS % C), first row r0_c = c * (ROWS
  // / C) + min(c, ROWS % C). Its rows sit row-major at JOB_FLASH in its channel; its int32
  // results for activation vector v go to JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c. The job
  // waits until ACT_EPOCH >= JOB_EPOCH before the MVE uses the activation SRAM, but its flash
  // reads start as soon as the read-ahead buffer has room.
  localparam int unsigned PNM_AW = 8;
  localparam int unsigned PNM_DW = 32;

  // CTRL (w1p): Queue control; bits are pulses.
  localparam logic [PNM_AW-1:0] PNM_CTRL_OFFSET = 8'h00;
  localparam logic [31:0] PNM_CTRL_RESET = 32'h0;
  localparam int unsigned PNM_CTRL_PUSH_LSB = 0;
  localparam int unsigned PNM_CTRL_PUSH_WIDTH = 1;
  localparam int unsigned PNM_CTRL_CLEAR_ERR_LSB = 1;
  localparam int unsigned PNM_CTRL_CLEAR_ERR_WIDTH = 1;

  // STATUS (ro): Queue state.
  localparam logic [PNM_AW-1:0] PNM_STATUS_OFFSET = 8'h04;
  localparam logic [31:0] PNM_STATUS_RESET = 32'h0;
  localparam int unsigned PNM_STATUS_BUSY_LSB = 0;
  localparam int unsigned PNM_STATUS_BUSY_WIDTH = 1;
  localparam int unsigned PNM_STATUS_FULL_LSB = 1;
  localparam int unsigned PNM_STATUS_FULL_WIDTH = 1;
  localparam int unsigned PNM_STATUS_ERROR_LSB = 2;
  localparam int unsigned PNM_STATUS_ERROR_WIDTH = 1;
  localparam int unsigned PNM_STATUS_ERR_CODE_LSB = 4;
  localparam int unsigned PNM_STATUS_ERR_CODE_WIDTH = 4;

  // JOB_FLASH_LO (rw): Flash byte address (in this channel) of this unit's first row, low word; page aligned.
  localparam logic [PNM_AW-1:0] PNM_JOB_FLASH_LO_OFFSET = 8'h08;
  localparam logic [31:0] PNM_JOB_FLASH_LO_RESET = 32'h0;
  localparam int unsigned PNM_JOB_FLASH_LO_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_FLASH_LO_VALUE_WIDTH = 32;

  // JOB_FLASH_HI (rw): Flash byte address, high word.
  localparam logic [PNM_AW-1:0] PNM_JOB_FLASH_HI_OFFSET = 8'h0C;
  localparam logic [31:0] PNM_JOB_FLASH_HI_RESET = 32'h0;
  localparam int unsigned PNM_JOB_FLASH_HI_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_FLASH_HI_VALUE_WIDTH = 32;

  // JOB_ROWS (rw): Rows of the whole matrix, all channels together.
  localparam logic [PNM_AW-1:0] PNM_JOB_ROWS_OFFSET = 8'h10;
  localparam logic [31:0] PNM_JOB_ROWS_RESET = 32'h0;
  localparam int unsigned PNM_JOB_ROWS_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_ROWS_VALUE_WIDTH = 24;

  // JOB_COLS (rw): Columns (bytes per row); 1 .. the MVE's max_cols.
  localparam logic [PNM_AW-1:0] PNM_JOB_COLS_OFFSET = 8'h14;
  localparam logic [31:0] PNM_JOB_COLS_RESET = 32'h0;
  localparam int unsigned PNM_JOB_COLS_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_COLS_VALUE_WIDTH = 16;

  // JOB_ACT_OFF (rw): Byte offset of the int8 activation vector in the activation SRAM.
  localparam logic [PNM_AW-1:0] PNM_JOB_ACT_OFF_OFFSET = 8'h18;
  localparam logic [31:0] PNM_JOB_ACT_OFF_RESET = 32'h0;
  localparam int unsigned PNM_JOB_ACT_OFF_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_ACT_OFF_VALUE_WIDTH = 32;

  // JOB_EPOCH (rw): The job's MVE work waits until ACT_EPOCH >= JOB_EPOCH.
  localparam logic [PNM_AW-1:0] PNM_JOB_EPOCH_OFFSET = 8'h1C;
  localparam logic [31:0] PNM_JOB_EPOCH_RESET = 32'h0;
  localparam int unsigned PNM_JOB_EPOCH_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_EPOCH_VALUE_WIDTH = 32;

  // JOB_DST_LO (rw): Chip address of row 0's int32 result, low word.
  localparam logic [PNM_AW-1:0] PNM_JOB_DST_LO_OFFSET = 8'h20;
  localparam logic [31:0] PNM_JOB_DST_LO_RESET = 32'h0;
  localparam int unsigned PNM_JOB_DST_LO_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_DST_LO_VALUE_WIDTH = 32;

  // JOB_DST_HI (rw): Chip address of row 0's int32 result, high word.
  localparam logic [PNM_AW-1:0] PNM_JOB_DST_HI_OFFSET = 8'h24;
  localparam logic [31:0] PNM_JOB_DST_HI_RESET = 32'h0;
  localparam int unsigned PNM_JOB_DST_HI_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_DST_HI_VALUE_WIDTH = 32;

  // ACT_EPOCH (rw): Bumped by firmware after it broadcasts a new activation vector.
  localparam logic [PNM_AW-1:0] PNM_ACT_EPOCH_OFFSET = 8'h28;
  localparam logic [31:0] PNM_ACT_EPOCH_RESET = 32'h0;
  localparam int unsigned PNM_ACT_EPOCH_VALUE_LSB = 0;
  localparam int unsigned PNM_ACT_EPOCH_VALUE_WIDTH = 32;

  // JOBS_PUSHED (ro): Jobs accepted since reset.
  localparam logic [PNM_AW-1:0] PNM_JOBS_PUSHED_OFFSET = 8'h2C;
  localparam logic [31:0] PNM_JOBS_PUSHED_RESET = 32'h0;
  localparam int unsigned PNM_JOBS_PUSHED_VALUE_LSB = 0;
  localparam int unsigned PNM_JOBS_PUSHED_VALUE_WIDTH = 32;

  // JOBS_DONE (ro): Jobs whose results have all been written back.
  localparam logic [PNM_AW-1:0] PNM_JOBS_DONE_OFFSET = 8'h30;
  localparam logic [31:0] PNM_JOBS_DONE_RESET = 32'h0;
  localparam int unsigned PNM_JOBS_DONE_VALUE_LSB = 0;
  localparam int unsigned PNM_JOBS_DONE_VALUE_WIDTH = 32;

  // PAGES_READ (ro): Flash pages read since reset.
  localparam logic [PNM_AW-1:0] PNM_PAGES_READ_OFFSET = 8'h34;
  localparam logic [31:0] PNM_PAGES_READ_RESET = 32'h0;
  localparam int unsigned PNM_PAGES_READ_VALUE_LSB = 0;
  localparam int unsigned PNM_PAGES_READ_VALUE_WIDTH = 32;

  // RETRIES (ro): Flash read-retry steps since reset.
  localparam logic [PNM_AW-1:0] PNM_RETRIES_OFFSET = 8'h38;
  localparam logic [31:0] PNM_RETRIES_RESET = 32'h0;
  localparam int unsigned PNM_RETRIES_VALUE_LSB = 0;
  localparam int unsigned PNM_RETRIES_VALUE_WIDTH = 32;

  // UNCORRECTABLE (ro): Pages that stayed uncorrectable after every retry.
  localparam logic [PNM_AW-1:0] PNM_UNCORRECTABLE_OFFSET = 8'h3C;
  localparam logic [31:0] PNM_UNCORRECTABLE_RESET = 32'h0;
  localparam int unsigned PNM_UNCORRECTABLE_VALUE_LSB = 0;
  localparam int unsigned PNM_UNCORRECTABLE_VALUE_WIDTH = 32;

  // PARAMS (ro): Build parameters of this unit.
  localparam logic [PNM_AW-1:0] PNM_PARAMS_OFFSET = 8'h40;
  localparam logic [31:0] PNM_PARAMS_RESET = 32'h0;
  localparam int unsigned PNM_PARAMS_CHANNEL_LSB = 0;
  localparam int unsigned PNM_PARAMS_CHANNEL_WIDTH = 8;
  localparam int unsigned PNM_PARAMS_CHANNELS_LSB = 8;
  localparam int unsigned PNM_PARAMS_CHANNELS_WIDTH = 8;
  localparam int unsigned PNM_PARAMS_QUEUE_DEPTH_LSB = 16;
  localparam int unsigned PNM_PARAMS_QUEUE_DEPTH_WIDTH = 8;
  localparam int unsigned PNM_PARAMS_VECTORS_LSB = 24;
  localparam int unsigned PNM_PARAMS_VECTORS_WIDTH = 8;

  // JOB_VECS (rw): Activation vectors n of the job (1 .. PARAMS.VECTORS+1). Vector v is JOB_COLS bytes at JOB_ACT_OFF + v * JOB_COLS; each weight page is read once and applied to all n vectors.
  localparam logic [PNM_AW-1:0] PNM_JOB_VECS_OFFSET = 8'h44;
  localparam logic [31:0] PNM_JOB_VECS_RESET = 32'h1;
  localparam int unsigned PNM_JOB_VECS_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_VECS_VALUE_WIDTH = 9;

  // JOB_DST_STRIDE (rw): Bytes between the result arrays of consecutive vectors: vector v's int32 results go to JOB_DST + v * JOB_DST_STRIDE + 4 * r0_c.
  localparam logic [PNM_AW-1:0] PNM_JOB_DST_STRIDE_OFFSET = 8'h48;
  localparam logic [31:0] PNM_JOB_DST_STRIDE_RESET = 32'h0;
  localparam int unsigned PNM_JOB_DST_STRIDE_VALUE_LSB = 0;
  localparam int unsigned PNM_JOB_DST_STRIDE_VALUE_WIDTH = 32;

  // Error codes reported in STATUS.ERR_CODE.
  typedef enum logic [3:0] {
    PNM_ERR_NONE = 4'd0,
    PNM_ERR_ROWS_ZERO = 4'd1,
    PNM_ERR_COLS_RANGE = 4'd2,
    PNM_ERR_ACT_RANGE = 4'd3,
    PNM_ERR_FLASH_RANGE = 4'd4,
    PNM_ERR_UNCORRECTABLE = 4'd5,
    PNM_ERR_QUEUE_FULL = 4'd6,
    PNM_ERR_WRITEBACK = 4'd7,
    PNM_ERR_MVE = 4'd8,
    PNM_ERR_VECS_RANGE = 4'd9
  } pnm_err_e;

  // ---- block vu
  // Vector unit on the logic die: fp32 operations of the decode step over chip memory
  // (sim/model/ops.hpp is the arithmetic contract). Addresses are 64-bit chip addresses, split
  // into LO/HI words; LEN counts elements.
  localparam int unsigned VU_AW = 8;
  localparam int unsigned VU_DW = 32;

  // CTRL (w1p): Operation control; bits are pulses.
  localparam logic [VU_AW-1:0] VU_CTRL_OFFSET = 8'h00;
  localparam logic [31:0] VU_CTRL_RESET = 32'h0;
  localparam int unsigned VU_CTRL_START_LSB = 0;
  localparam int unsigned VU_CTRL_START_WIDTH = 1;

  // STATUS (ro): DONE and ERROR stay set until the next START.
  localparam logic [VU_AW-1:0] VU_STATUS_OFFSET = 8'h04;
  localparam logic [31:0] VU_STATUS_RESET = 32'h0;
  localparam int unsigned VU_STATUS_BUSY_LSB = 0;
  localparam int unsigned VU_STATUS_BUSY_WIDTH = 1;
  localparam int unsigned VU_STATUS_DONE_LSB = 1;
  localparam int unsigned VU_STATUS_DONE_WIDTH = 1;
  localparam int unsigned VU_STATUS_ERROR_LSB = 2;
  localparam int unsigned VU_STATUS_ERROR_WIDTH = 1;
  localparam int unsigned VU_STATUS_ERR_CODE_LSB = 4;
  localparam int unsigned VU_STATUS_ERR_CODE_WIDTH = 4;

  // OP (rw): A vu_op value.
  localparam logic [VU_AW-1:0] VU_OP_OFFSET = 8'h08;
  localparam logic [31:0] VU_OP_RESET = 32'h0;
  localparam int unsigned VU_OP_VALUE_LSB = 0;
  localparam int unsigned VU_OP_VALUE_WIDTH = 8;

  // SRC0_LO (rw): First source address, low word.
  localparam logic [VU_AW-1:0] VU_SRC0_LO_OFFSET = 8'h10;
  localparam logic [31:0] VU_SRC0_LO_RESET = 32'h0;
  localparam int unsigned VU_SRC0_LO_VALUE_LSB = 0;
  localparam int unsigned VU_SRC0_LO_VALUE_WIDTH = 32;

  // SRC0_HI (rw): First source address, high word.
  localparam logic [VU_AW-1:0] VU_SRC0_HI_OFFSET = 8'h14;
  localparam logic [31:0] VU_SRC0_HI_RESET = 32'h0;
  localparam int unsigned VU_SRC0_HI_VALUE_LSB = 0;
  localparam int unsigned VU_SRC0_HI_VALUE_WIDTH = 32;

  // SRC1_LO (rw): Second source address, low word.
  localparam logic [VU_AW-1:0] VU_SRC1_LO_OFFSET = 8'h18;
  localparam logic [31:0] VU_SRC1_LO_RESET = 32'h0;
  localparam int unsigned VU_SRC1_LO_VALUE_LSB = 0;
  localparam int unsigned VU_SRC1_LO_VALUE_WIDTH = 32;

  // SRC1_HI (rw): Second source address, high word.
  localparam logic [VU_AW-1:0] VU_SRC1_HI_OFFSET = 8'h1C;
  localparam logic [31:0] VU_SRC1_HI_RESET = 32'h0;
  localparam int unsigned VU_SRC1_HI_VALUE_LSB = 0;
  localparam int unsigned VU_SRC1_HI_VALUE_WIDTH = 32;

  // SRC2_LO (rw): Third source address, low word.
  localparam logic [VU_AW-1:0] VU_SRC2_LO_OFFSET = 8'h20;
  localparam logic [31:0] VU_SRC2_LO_RESET = 32'h0;
  localparam int unsigned VU_SRC2_LO_VALUE_LSB = 0;
  localparam int unsigned VU_SRC2_LO_VALUE_WIDTH = 32;

  // SRC2_HI (rw): Third source address, high word.
  localparam logic [VU_AW-1:0] VU_SRC2_HI_OFFSET = 8'h24;
  localparam logic [31:0] VU_SRC2_HI_RESET = 32'h0;
  localparam int unsigned VU_SRC2_HI_VALUE_LSB = 0;
  localparam int unsigned VU_SRC2_HI_VALUE_WIDTH = 32;

  // DST_LO (rw): Destination address, low word.
  localparam logic [VU_AW-1:0] VU_DST_LO_OFFSET = 8'h28;
  localparam logic [31:0] VU_DST_LO_RESET = 32'h0;
  localparam int unsigned VU_DST_LO_VALUE_LSB = 0;
  localparam int unsigned VU_DST_LO_VALUE_WIDTH = 32;

  // DST_HI (rw): Destination address, high word.
  localparam logic [VU_AW-1:0] VU_DST_HI_OFFSET = 8'h2C;
  localparam logic [31:0] VU_DST_HI_RESET = 32'h0;
  localparam int unsigned VU_DST_HI_VALUE_LSB = 0;
  localparam int unsigned VU_DST_HI_VALUE_WIDTH = 32;

  // LEN (rw): Element count.
  localparam logic [VU_AW-1:0] VU_LEN_OFFSET = 8'h30;
  localparam logic [31:0] VU_LEN_RESET = 32'h0;
  localparam int unsigned VU_LEN_VALUE_LSB = 0;
  localparam int unsigned VU_LEN_VALUE_WIDTH = 32;

  // ARG0 (rw): Integer argument 0 (see vu_op).
  localparam logic [VU_AW-1:0] VU_ARG0_OFFSET = 8'h34;
  localparam logic [31:0] VU_ARG0_RESET = 32'h0;
  localparam int unsigned VU_ARG0_VALUE_LSB = 0;
  localparam int unsigned VU_ARG0_VALUE_WIDTH = 32;

  // ARG1 (rw): Integer argument 1.
  localparam logic [VU_AW-1:0] VU_ARG1_OFFSET = 8'h38;
  localparam logic [31:0] VU_ARG1_RESET = 32'h0;
  localparam int unsigned VU_ARG1_VALUE_LSB = 0;
  localparam int unsigned VU_ARG1_VALUE_WIDTH = 32;

  // ARG2 (rw): Integer argument 2.
  localparam logic [VU_AW-1:0] VU_ARG2_OFFSET = 8'h3C;
  localparam logic [31:0] VU_ARG2_RESET = 32'h0;
  localparam int unsigned VU_ARG2_VALUE_LSB = 0;
  localparam int unsigned VU_ARG2_VALUE_WIDTH = 32;

  // ARG3 (rw): Integer argument 3.
  localparam logic [VU_AW-1:0] VU_ARG3_OFFSET = 8'h40;
  localparam logic [31:0] VU_ARG3_RESET = 32'h0;
  localparam int unsigned VU_ARG3_VALUE_LSB = 0;
  localparam int unsigned VU_ARG3_VALUE_WIDTH = 32;

  // FARG (rw): fp32 argument (IEEE-754 bits).
  localparam logic [VU_AW-1:0] VU_FARG_OFFSET = 8'h44;
  localparam logic [31:0] VU_FARG_RESET = 32'h0;
  localparam int unsigned VU_FARG_VALUE_LSB = 0;
  localparam int unsigned VU_FARG_VALUE_WIDTH = 32;

  // RESULT (ro): Scalar result: QUANTIZE's scale (fp32 bits), ARGMAX's and SAMPLE's index.
  localparam logic [VU_AW-1:0] VU_RESULT_OFFSET = 8'h48;
  localparam logic [31:0] VU_RESULT_RESET = 32'h0;
  localparam int unsigned VU_RESULT_VALUE_LSB = 0;
  localparam int unsigned VU_RESULT_VALUE_WIDTH = 32;

  // CYCLES (ro): Cycles of the last operation.
  localparam logic [VU_AW-1:0] VU_CYCLES_OFFSET = 8'h4C;
  localparam logic [31:0] VU_CYCLES_RESET = 32'h0;
  localparam int unsigned VU_CYCLES_VALUE_LSB = 0;
  localparam int unsigned VU_CYCLES_VALUE_WIDTH = 32;

  // Operations. COPY dst=src0 (LEN 32-bit words). RMSNORM dst=rmsnorm(src0)*src1. QUANTIZE int8 dst=q(src0), RESULT=scale. DEQUANT dst[r]=float(int32 src0[r])*(src1[r]*FARG). ROPE in place on q=DST (LEN=dim) and k=SRC0 (ARG1=kv_dim), ARG0=pos, ARG2=head_dim. ATTENTION dst=attention(q=SRC0, k cache=SRC1, v cache=SRC2), ARG0=pos, ARG1=n_heads, ARG2=n_kv_heads, ARG3=head_dim. ADD dst=src0+src1. SILU_MUL dst=silu(src0)*src1. ARGMAX RESULT=argmax(src0). SAMPLE RESULT=sample_with_coin(logits=src0, LEN, temperature=FARG, top_p=ARG0 as fp32 bits, coin24=ARG1) (sim/model/sampler.hpp).
  typedef enum logic [7:0] {
    VU_OP_COPY = 8'd0,
    VU_OP_RMSNORM = 8'd1,
    VU_OP_QUANTIZE = 8'd2,
    VU_OP_DEQUANT = 8'd3,
    VU_OP_ROPE = 8'd4,
    VU_OP_ATTENTION = 8'd5,
    VU_OP_ADD = 8'd6,
    VU_OP_SILU_MUL = 8'd7,
    VU_OP_ARGMAX = 8'd8,
    VU_OP_SAMPLE = 8'd9
  } vu_op_e;

  // Error codes reported in STATUS.ERR_CODE.
  typedef enum logic [3:0] {
    VU_ERR_NONE = 4'd0,
    VU_ERR_BAD_OP = 4'd1,
    VU_ERR_BAD_LEN = 4'd2,
    VU_ERR_BAD_ARG = 4'd3,
    VU_ERR_ADDRESS = 4'd4,
    VU_ERR_BUSY = 4'd5
  } vu_err_e;

  // ---- block irq
  // Interrupt lines to the control CPU, as levels. The CPU waits (WFI) until (STATUS & ENABLE)
  // != 0.
  localparam int unsigned IRQ_AW = 8;
  localparam int unsigned IRQ_DW = 32;

  // STATUS (ro): Current level of each line.
  localparam logic [IRQ_AW-1:0] IRQ_STATUS_OFFSET = 8'h00;
  localparam logic [31:0] IRQ_STATUS_RESET = 32'h0;
  localparam int unsigned IRQ_STATUS_PNM_IDLE_LSB = 0;
  localparam int unsigned IRQ_STATUS_PNM_IDLE_WIDTH = 1;
  localparam int unsigned IRQ_STATUS_VU_IDLE_LSB = 1;
  localparam int unsigned IRQ_STATUS_VU_IDLE_WIDTH = 1;
  localparam int unsigned IRQ_STATUS_PNM_ERROR_LSB = 2;
  localparam int unsigned IRQ_STATUS_PNM_ERROR_WIDTH = 1;

  // ENABLE (rw): Lines that wake the CPU.
  localparam logic [IRQ_AW-1:0] IRQ_ENABLE_OFFSET = 8'h04;
  localparam logic [31:0] IRQ_ENABLE_RESET = 32'h0;
  localparam int unsigned IRQ_ENABLE_PNM_IDLE_LSB = 0;
  localparam int unsigned IRQ_ENABLE_PNM_IDLE_WIDTH = 1;
  localparam int unsigned IRQ_ENABLE_VU_IDLE_LSB = 1;
  localparam int unsigned IRQ_ENABLE_VU_IDLE_WIDTH = 1;
  localparam int unsigned IRQ_ENABLE_PNM_ERROR_LSB = 2;
  localparam int unsigned IRQ_ENABLE_PNM_ERROR_WIDTH = 1;

  // ---- block coll
  // Collective engine: this chip's port on the chip-to-chip fabric (tlm/interchip). A tensor-
  // parallel decode splits every GEMV's rows over the chips (rank k holds rows [a_k, a_k +
  // R_k), the channel striping rule applied to chips); after each GEMV the firmware gathers the
  // other ranks' int32 result rows into its own buffer. PUSH queues one gather; GO runs the
  // queued gathers as one group over the fabric and completes (the write returns) when every
  // rank of this chip's tensor-parallel group has arrived and the group has been delivered. A
  // pipeline-parallel decode (chips = tp x pp; chip r is stage r / tp, TP rank r % tp) forwards
  // the residual vectors from stage to stage, and the sampled tokens from the last stage to
  // stage 0, with SEND / RECV: a point-to-point transfer of VECS blocks of BYTES bytes (block v
  // at BUF + v * STRIDE) between this chip and chip PEER, which starts when both sides have
  // arrived (a rendezvous) and completes, on both, when the last byte is delivered.
  localparam int unsigned COLL_AW = 8;
  localparam int unsigned COLL_DW = 32;

  // CTRL (w1p): Control pulses; read as zero.
  localparam logic [COLL_AW-1:0] COLL_CTRL_OFFSET = 8'h00;
  localparam logic [31:0] COLL_CTRL_RESET = 32'h0;
  localparam int unsigned COLL_CTRL_PUSH_LSB = 0;
  localparam int unsigned COLL_CTRL_PUSH_WIDTH = 1;
  localparam int unsigned COLL_CTRL_GO_LSB = 1;
  localparam int unsigned COLL_CTRL_GO_WIDTH = 1;
  localparam int unsigned COLL_CTRL_SEND_LSB = 2;
  localparam int unsigned COLL_CTRL_SEND_WIDTH = 1;
  localparam int unsigned COLL_CTRL_RECV_LSB = 3;
  localparam int unsigned COLL_CTRL_RECV_WIDTH = 1;
  localparam int unsigned COLL_CTRL_MBOX_LSB = 4;
  localparam int unsigned COLL_CTRL_MBOX_WIDTH = 1;

  // STATUS (ro): State of the last group.
  localparam logic [COLL_AW-1:0] COLL_STATUS_OFFSET = 8'h04;
  localparam logic [31:0] COLL_STATUS_RESET = 32'h0;
  localparam int unsigned COLL_STATUS_DONE_LSB = 0;
  localparam int unsigned COLL_STATUS_DONE_WIDTH = 1;
  localparam int unsigned COLL_STATUS_ERROR_LSB = 1;
  localparam int unsigned COLL_STATUS_ERROR_WIDTH = 1;
  localparam int unsigned COLL_STATUS_ERR_CODE_LSB = 4;
  localparam int unsigned COLL_STATUS_ERR_CODE_WIDTH = 4;

  // PARAMS (ro): Where this chip sits in the system.
  localparam logic [COLL_AW-1:0] COLL_PARAMS_OFFSET = 8'h08;
  localparam logic [31:0] COLL_PARAMS_RESET = 32'h0;
  localparam int unsigned COLL_PARAMS_RANK_LSB = 0;
  localparam int unsigned COLL_PARAMS_RANK_WIDTH = 8;
  localparam int unsigned COLL_PARAMS_CHIPS_LSB = 8;
  localparam int unsigned COLL_PARAMS_CHIPS_WIDTH = 8;
  localparam int unsigned COLL_PARAMS_TP_LSB = 16;
  localparam int unsigned COLL_PARAMS_TP_WIDTH = 8;

  // BUF_LO (rw): Chip address of vector 0's int32 result array (all R rows), low word.
  localparam logic [COLL_AW-1:0] COLL_BUF_LO_OFFSET = 8'h0C;
  localparam logic [31:0] COLL_BUF_LO_RESET = 32'h0;
  localparam int unsigned COLL_BUF_LO_VALUE_LSB = 0;
  localparam int unsigned COLL_BUF_LO_VALUE_WIDTH = 32;

  // BUF_HI (rw): High word of BUF.
  localparam logic [COLL_AW-1:0] COLL_BUF_HI_OFFSET = 8'h10;
  localparam logic [31:0] COLL_BUF_HI_RESET = 32'h0;
  localparam int unsigned COLL_BUF_HI_VALUE_LSB = 0;
  localparam int unsigned COLL_BUF_HI_VALUE_WIDTH = 32;

  // ROWS (rw): Rows R of the whole matrix; rank j owns rows [a_j, a_j + R_j).
  localparam logic [COLL_AW-1:0] COLL_ROWS_OFFSET = 8'h14;
  localparam logic [31:0] COLL_ROWS_RESET = 32'h0;
  localparam int unsigned COLL_ROWS_VALUE_LSB = 0;
  localparam int unsigned COLL_ROWS_VALUE_WIDTH = 24;

  // VECS (rw): Result vectors n; vector v's array is at BUF + v * STRIDE.
  localparam logic [COLL_AW-1:0] COLL_VECS_OFFSET = 8'h18;
  localparam logic [31:0] COLL_VECS_RESET = 32'h1;
  localparam int unsigned COLL_VECS_VALUE_LSB = 0;
  localparam int unsigned COLL_VECS_VALUE_WIDTH = 16;

  // STRIDE (rw): Bytes between consecutive vectors' result arrays.
  localparam logic [COLL_AW-1:0] COLL_STRIDE_OFFSET = 8'h1C;
  localparam logic [31:0] COLL_STRIDE_RESET = 32'h0;
  localparam int unsigned COLL_STRIDE_VALUE_LSB = 0;
  localparam int unsigned COLL_STRIDE_VALUE_WIDTH = 32;

  // GROUPS_DONE (ro): Groups completed since reset.
  localparam logic [COLL_AW-1:0] COLL_GROUPS_DONE_OFFSET = 8'h20;
  localparam logic [31:0] COLL_GROUPS_DONE_RESET = 32'h0;
  localparam int unsigned COLL_GROUPS_DONE_VALUE_LSB = 0;
  localparam int unsigned COLL_GROUPS_DONE_VALUE_WIDTH = 32;

  // PEER (rw): The other chip of a SEND or RECV.
  localparam logic [COLL_AW-1:0] COLL_PEER_OFFSET = 8'h24;
  localparam logic [31:0] COLL_PEER_RESET = 32'h0;
  localparam int unsigned COLL_PEER_VALUE_LSB = 0;
  localparam int unsigned COLL_PEER_VALUE_WIDTH = 8;

  // BYTES (rw): Bytes per block of a SEND or RECV (VECS blocks, STRIDE apart); the two sides must agree.
  localparam logic [COLL_AW-1:0] COLL_BYTES_OFFSET = 8'h28;
  localparam logic [31:0] COLL_BYTES_RESET = 32'h0;
  localparam int unsigned COLL_BYTES_VALUE_LSB = 0;
  localparam int unsigned COLL_BYTES_VALUE_WIDTH = 32;

  // P2P_DONE (ro): SENDs and RECVs completed since reset.
  localparam logic [COLL_AW-1:0] COLL_P2P_DONE_OFFSET = 8'h2C;
  localparam logic [31:0] COLL_P2P_DONE_RESET = 32'h0;
  localparam int unsigned COLL_P2P_DONE_VALUE_LSB = 0;
  localparam int unsigned COLL_P2P_DONE_VALUE_WIDTH = 32;

  // MBOX (rw): Mailbox word (up to 1024 each way). A write appends to the outgoing message a SEND with CTRL.MBOX sends (and empties); a read returns word MBOX_IDX of the message the last RECV with CTRL.MBOX received (0 past its end).
  localparam logic [COLL_AW-1:0] COLL_MBOX_OFFSET = 8'h30;
  localparam logic [31:0] COLL_MBOX_RESET = 32'h0;
  localparam int unsigned COLL_MBOX_VALUE_LSB = 0;
  localparam int unsigned COLL_MBOX_VALUE_WIDTH = 32;

  // MBOX_IDX (rw): Which received mailbox word MBOX reads (reads have no side effects).
  localparam logic [COLL_AW-1:0] COLL_MBOX_IDX_OFFSET = 8'h34;
  localparam logic [31:0] COLL_MBOX_IDX_RESET = 32'h0;
  localparam int unsigned COLL_MBOX_IDX_VALUE_LSB = 0;
  localparam int unsigned COLL_MBOX_IDX_VALUE_WIDTH = 16;

  // Error codes reported in STATUS.ERR_CODE.
  typedef enum logic [3:0] {
    COLL_ERR_NONE = 4'd0,
    COLL_ERR_EMPTY = 4'd1,
    COLL_ERR_QUEUE_FULL = 4'd2,
    COLL_ERR_BAD_GATHER = 4'd3,
    COLL_ERR_MISMATCH = 4'd4,
    COLL_ERR_NO_FABRIC = 4'd5,
    COLL_ERR_BAD_P2P = 4'd6
  } coll_err_e;

  // ---- chip address map
  // The chip as the control CPU (and every other initiator on the on-chip interconnect) sees
  // it. tlm/noc decodes this table; the chip top binds its sockets from it.
  // Vector unit registers.
  localparam logic [63:0] ADDR_VU_BASE = 64'h0000000000010000;
  localparam logic [63:0] ADDR_VU_SIZE = 64'h0000000000001000;
  localparam int unsigned ADDR_VU_COUNT = 1;
  // Interrupt lines to the control CPU.
  localparam logic [63:0] ADDR_IRQ_BASE = 64'h0000000000020000;
  localparam logic [63:0] ADDR_IRQ_SIZE = 64'h0000000000001000;
  localparam int unsigned ADDR_IRQ_COUNT = 1;
  // Broadcast window, writes only: a write at offset o goes to every PNM unit's window at offset o (activation vectors, ACT_EPOCH, job descriptors).
  localparam logic [63:0] ADDR_PNM_BCAST_BASE = 64'h000000000F000000;
  localparam logic [63:0] ADDR_PNM_BCAST_SIZE = 64'h0000000000400000;
  localparam int unsigned ADDR_PNM_BCAST_COUNT = 1;
  // PNM unit c at BASE + c * SIZE: registers at offset 0, activation SRAM at ACT_SRAM_OFFSET. Reached through channel c's TSV link.
  localparam logic [63:0] ADDR_PNM_BASE = 64'h0000000010000000;
  localparam logic [63:0] ADDR_PNM_SIZE = 64'h0000000000400000;
  localparam int unsigned ADDR_PNM_COUNT = 256;
  // Logic-die memory (stacked DRAM/SRAM): model descriptor, fp32 embedding, norms and row scales, the KV cache, activation and scratch buffers.
  localparam logic [63:0] ADDR_LOGIC_MEM_BASE = 64'h0000001000000000;
  localparam logic [63:0] ADDR_LOGIC_MEM_SIZE = 64'h0000001000000000;
  localparam int unsigned ADDR_LOGIC_MEM_COUNT = 1;
  // Collective engine (chip-to-chip fabric port); every chip has one, a single chip never addresses it. Last in the table, so the other regions keep their indices.
  localparam logic [63:0] ADDR_COLL_BASE = 64'h0000000000030000;
  localparam logic [63:0] ADDR_COLL_SIZE = 64'h0000000000001000;
  localparam int unsigned ADDR_COLL_COUNT = 1;
  // Offset of the activation SRAM inside a PNM unit's window.
  localparam logic [63:0] ACT_SRAM_OFFSET = 64'h0000000000080000;
  // Largest activation SRAM a PNM unit window can hold (3.5 MiB: a batch of 64 vectors of a 28672-wide row, Llama-2-70B's W2, needs 1.75 MiB).
  localparam logic [63:0] ACT_SRAM_MAX_BYTES = 64'h0000000000380000;

  /* verilator lint_on UNUSEDPARAM */

endpackage : pnm_reg_pkg
