// Lint harness for rtl/regmap/pnm_reg_pkg.sv: uses a few package constants the
// way a register block does, so lint sees the package in use (not only alone).
module pnm_reg_pkg_lint_top (
  input  logic [pnm_reg_pkg::MVE_AW-1:0] addr_i,
  input  logic [pnm_reg_pkg::MVE_DW-1:0] wdata_i,
  output logic                           hit_ctrl_o,
  output logic [3:0]                     err_code_o,
  output pnm_reg_pkg::mve_err_e          err_o
);
  import pnm_reg_pkg::*;

  assign hit_ctrl_o = (addr_i == MVE_CTRL_OFFSET);
  assign err_code_o = wdata_i[MVE_STATUS_ERR_CODE_LSB +: MVE_STATUS_ERR_CODE_WIDTH];
  assign err_o      = (wdata_i == MVE_STATUS_RESET) ? MVE_ERR_NONE : MVE_ERR_NO_ACT;
endmodule
