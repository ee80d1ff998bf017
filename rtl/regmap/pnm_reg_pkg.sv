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
  // against one int8 activation vector of COLS bytes; one int32 result per row.
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

  // Error codes reported in STATUS.ERR_CODE.
  typedef enum logic [3:0] {
    MVE_ERR_NONE = 4'd0,
    MVE_ERR_ROWS_ZERO = 4'd1,
    MVE_ERR_COLS_ZERO = 4'd2,
    MVE_ERR_COLS_RANGE = 4'd3,
    MVE_ERR_BUSY = 4'd4,
    MVE_ERR_STRB = 4'd5,
    MVE_ERR_NO_ACT = 4'd6
  } mve_err_e;

  /* verilator lint_on UNUSEDPARAM */

endpackage : pnm_reg_pkg
