// Matrix-vector engine (MVE) of one PNM unit.
//
// A job computes y[r][v] = sum_c W[r][c] * x_v[c] for r < ROWS, c < COLS and
// each of n = VECS activation vectors v < n (1 <= n <= VECTORS), with int8
// weights and activations and exact int32 accumulation (DESIGN.md numerics).
// Each weight beat is multiplied against all held vectors in the same cycle:
// LANES x VECTORS MACs per cycle.
//
//   1. Software writes ROWS, COLS and VECS, then CTRL.START (optionally
//      SKIP_ACT: reuse the vectors held from an earlier job).
//   2. Unless SKIP_ACT, the engine takes n x ceil(COLS/LANES) activation
//      beats, vector after vector; byte i of beat b of vector v is
//      x_v[b*LANES + i]. Bytes past COLS are ignored.
//   3. It takes ROWS x ceil(COLS/LANES) weight beats, row-major, one beat per
//      cycle. w_strb_i marks the valid bytes; it must equal the row's layout
//      (all ones, and the first COLS % LANES bytes on a ragged last beat).
//      A mismatch still uses the layout, and reports ERR_CODE = STRB.
//   4. One beat per row leaves on the result stream (res_last_o on the final
//      row), carrying VECTORS int32: y[r][v] in res_data_o[32v +: 32] for
//      v < n, zero above. DONE is set once every result has been handed over.
//
// Cycle count (CYCLES register), with no stalls on any stream, B =
// ceil(COLS/LANES):  CYCLES = (SKIP_ACT ? 0 : n*B) + ROWS*B + 1.
// The +1 is the cycle the final result spends in the result FIFO. Each cycle
// a stream stalls adds at most one cycle. A rejected job sets DONE, ERROR and
// CYCLES = 0 in the cycle START is written, consumes no beats and leaves the
// held activations as they were.
module pnm_mve
  import pnm_reg_pkg::*;
#(
  parameter int unsigned LANES    = 16,   // int8 MACs per cycle and vector, power of two >= 2
  parameter int unsigned MAX_COLS = 4096, // activation buffer depth in bytes, per vector
  parameter int unsigned VECTORS  = 1     // activation vectors held (int32 results per row)
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  // Register interface: one access per cycle, answered in the same cycle.
  input  logic               reg_req_i,
  input  logic               reg_we_i,
  input  logic [MVE_AW-1:0]  reg_addr_i,
  input  logic [MVE_DW-1:0]  reg_wdata_i,
  output logic [MVE_DW-1:0]  reg_rdata_o,
  output logic               reg_err_o,

  // Activation stream
  input  logic               act_valid_i,
  output logic               act_ready_o,
  input  logic [LANES*8-1:0] act_data_i,

  // Weight stream
  input  logic               w_valid_i,
  output logic               w_ready_o,
  input  logic [LANES*8-1:0] w_data_i,
  input  logic [LANES-1:0]   w_strb_i,

  // Result stream
  output logic               res_valid_o,
  input  logic               res_ready_i,
  output logic [VECTORS*32-1:0] res_data_o,
  output logic               res_last_o,

  output logic               busy_o
);

  localparam int unsigned BeatW    = LANES * 8;
  localparam int unsigned LaneBits = (LANES > 1) ? $clog2(LANES) : 1;
  localparam int unsigned MaxBeats = (MAX_COLS + LANES - 1) / LANES;
  localparam int unsigned BeatAw   = (MaxBeats > 1) ? $clog2(MaxBeats) : 1;
  localparam int unsigned RowW     = MVE_ROWS_VALUE_WIDTH;
  localparam int unsigned ColW     = MVE_COLS_VALUE_WIDTH;
  localparam int unsigned VecW     = MVE_VECS_VALUE_WIDTH;
  localparam int unsigned VecIdxW  = (VECTORS > 1) ? $clog2(VECTORS) : 1;
  localparam int unsigned ResW     = VECTORS * 32;

  typedef enum logic [1:0] {
    StIdle,
    StLoadAct,
    StStream,
    StDrain
  } state_e;

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------
  state_e             state_q, state_d;
  logic [RowW-1:0]    rows_q, rows_d;             // ROWS register
  logic [ColW-1:0]    cols_q, cols_d;             // COLS register
  logic [VecW-1:0]    vecs_q, vecs_d;             // VECS register
  logic [RowW-1:0]    job_rows_q, job_rows_d;     // latched at START
  logic [ColW-1:0]    job_cols_q, job_cols_d;
  logic [VecW-1:0]    job_vecs_q, job_vecs_d;
  logic [VecIdxW-1:0] last_vec_q, last_vec_d;     // n - 1
  logic [VECTORS-1:0] vec_mask_q, vec_mask_d;     // vectors of the job (v < n)
  logic [BeatAw-1:0]  last_beat_q, last_beat_d;   // ceil(cols/LANES) - 1
  logic [LANES-1:0]   tail_mask_q, tail_mask_d;   // valid bytes of a row's last beat
  logic [BeatW-1:0]   tail_bits_q, tail_bits_d;   // the same, one bit per data bit
  logic [ColW-1:0]    act_cols_q, act_cols_d;     // columns the activation buffer holds
  logic [VecW-1:0]    act_vecs_q, act_vecs_d;     // vectors the activation buffer holds
  logic [BeatAw-1:0]  beat_q, beat_d;             // beat within the vector / row
  logic [VecIdxW-1:0] vec_q, vec_d;               // vector being loaded
  logic [RowW-1:0]    row_q, row_d;               // rows streamed
  logic [RowW-1:0]    rows_done_q, rows_done_d;   // results handed over
  logic [31:0]        cyc_q, cyc_d;               // cycles since START
  logic [31:0]        cycles_q, cycles_d;         // CYCLES register
  logic               done_q, done_d;
  logic               error_q, error_d;
  mve_err_e           err_q, err_d;
  logic               strb_err_q, strb_err_d;

  // ---------------------------------------------------------------------------
  // Register access decode
  // ---------------------------------------------------------------------------
  logic reg_wr, reg_rd_ok, reg_wr_ok;
  logic start_req, start_skip_act;

  assign reg_wr = reg_req_i & reg_we_i;

  always_comb begin
    reg_rdata_o = '0;
    reg_rd_ok   = 1'b1;
    reg_wr_ok   = 1'b0;
    unique case (reg_addr_i)
      MVE_CTRL_OFFSET: begin
        reg_wr_ok = 1'b1;
      end
      MVE_STATUS_OFFSET: begin
        reg_rdata_o[MVE_STATUS_BUSY_LSB]                               = busy_o;
        reg_rdata_o[MVE_STATUS_DONE_LSB]                               = done_q;
        reg_rdata_o[MVE_STATUS_ERROR_LSB]                              = error_q;
        reg_rdata_o[MVE_STATUS_ERR_CODE_LSB +: MVE_STATUS_ERR_CODE_WIDTH] = err_q;
      end
      MVE_ROWS_OFFSET: begin
        reg_rdata_o[RowW-1:0] = rows_q;
        reg_wr_ok             = 1'b1;
      end
      MVE_COLS_OFFSET: begin
        reg_rdata_o[ColW-1:0] = cols_q;
        reg_wr_ok             = 1'b1;
      end
      MVE_CYCLES_OFFSET: begin
        reg_rdata_o = cycles_q;
      end
      MVE_ROWS_DONE_OFFSET: begin
        reg_rdata_o[RowW-1:0] = rows_done_q;
      end
      MVE_PARAMS_OFFSET: begin
        reg_rdata_o[MVE_PARAMS_LANES_LSB +: MVE_PARAMS_LANES_WIDTH]       = MVE_PARAMS_LANES_WIDTH'(LANES);
        reg_rdata_o[MVE_PARAMS_MAX_COLS_LSB +: MVE_PARAMS_MAX_COLS_WIDTH] =
            MVE_PARAMS_MAX_COLS_WIDTH'(MAX_COLS);
      end
      MVE_VECS_OFFSET: begin
        reg_rdata_o[VecW-1:0] = vecs_q;
        reg_wr_ok             = 1'b1;
      end
      MVE_PARAMS2_OFFSET: begin
        reg_rdata_o[MVE_PARAMS2_VECTORS_LSB +: MVE_PARAMS2_VECTORS_WIDTH] =
            MVE_PARAMS2_VECTORS_WIDTH'(VECTORS);
      end
      default: begin
        reg_rd_ok = 1'b0;
      end
    endcase
  end

  assign start_req      = reg_wr & (reg_addr_i == MVE_CTRL_OFFSET) &
                          reg_wdata_i[MVE_CTRL_START_LSB];
  assign start_skip_act = reg_wdata_i[MVE_CTRL_SKIP_ACT_LSB];

  // Unmapped offsets, writes to read-only registers and a START while a job
  // runs are bus errors; none of them changes any state.
  assign reg_err_o = reg_req_i & (~reg_rd_ok | (reg_we_i & ~reg_wr_ok) | (start_req & busy_o));

  // ---------------------------------------------------------------------------
  // Datapath, one slice per activation vector v: a bank of MaxBeats beats of
  // the activation buffer, LANES int8 x int8 products and the row accumulator
  // (LANES x VECTORS MACs per cycle). A bank is written one beat per cycle
  // while loading (vector after vector) and read at the weight beat's index
  // while streaming. Bytes past COLS and banks past n are never read into a
  // sum, so the banks have no reset.
  // ---------------------------------------------------------------------------
  logic                     act_fire, w_fire;
  logic                     last_beat;
  logic [LANES-1:0]         lane_mask;
  logic [BeatW-1:0]         w_lanes;  // the weight beat, bytes past the row's end zeroed
  logic [VECTORS-1:0][31:0] res_acc;  // every slice's accumulator, next value

  assign last_beat = (beat_q == last_beat_q);
  assign lane_mask = last_beat ? tail_mask_q : '1;

  // Masking the weight bytes once, for all slices, leaves each slice a plain
  // dot product: a simulator then evaluates it without a test per lane (and
  // the mask as whole words, from a register set at START).
  assign w_lanes = last_beat ? (w_data_i & tail_bits_q) : w_data_i;

  // The sum of the LANES int8 x int8 products of two beats, exact in 32 bits.
  // A function, so that a simulator keeps its temporaries local.
  // Each byte is sign-extended to 32 bits as (b ^ 0x80) - 0x80, which a C++
  // compiler turns into one sign-extending move; Verilator's $signed()
  // extension is a mask-and-negate sequence, which cost the pin-level
  // testbench 7-14% more instructions. The low 32 bits of a product are the
  // same signed or unsigned, so the multiply and the sum need no further
  // extension.
  function automatic logic [31:0] beat_dot(logic [BeatW-1:0] w, logic [BeatW-1:0] a);
    logic [31:0] sum, wx, ax;
    sum = '0;
    for (int unsigned i = 0; i < LANES; i++) begin
      wx  = (32'(w[8*i +: 8]) ^ 32'h80) - 32'h80;
      ax  = (32'(a[8*i +: 8]) ^ 32'h80) - 32'h80;
      sum = sum + wx * ax;
    end
    return sum;
  endfunction

  for (genvar v = 0; v < VECTORS; v++) begin : g_vec
    logic [BeatW-1:0] mem_q [MaxBeats];
    logic [BeatW-1:0] act_word;
    logic [31:0]      dot;
    logic [31:0]      acc_q, acc_d;

    always_ff @(posedge clk_i) begin
      if (act_fire && (vec_q == VecIdxW'(v))) begin
        mem_q[beat_q] <= act_data_i;
      end
    end

    assign act_word = mem_q[beat_q];

    // A slice past the job's n adds nothing.
    assign dot = vec_mask_q[v] ? beat_dot(w_lanes, act_word) : '0;

    // The accumulator only moves on a weight beat; it restarts on a row's
    // first beat, so the slices past n hold zero.
    always_comb begin
      acc_d = acc_q;
      if (w_fire) begin
        acc_d = (beat_q == '0) ? dot : acc_q + dot;
      end
    end

    assign res_acc[v] = acc_d;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        acc_q <= '0;
      end else begin
        acc_q <= acc_d;
      end
    end
  end

  // ---------------------------------------------------------------------------
  // Result FIFO: decouples the result consumer from the weight stream
  // ---------------------------------------------------------------------------
  logic          res_push, res_push_ready, res_pop, res_push_last;
  logic [ResW:0] res_rdata;
  logic [1:0]    unused_res_depth;

  pnm_fifo_sync #(
    .WIDTH(ResW + 1),
    .DEPTH(2)
  ) u_res_fifo (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .wvalid_i(res_push),
    .wready_o(res_push_ready),
    .wdata_i ({res_push_last, res_acc}),
    .rvalid_o(res_valid_o),
    .rready_i(res_ready_i),
    .rdata_o (res_rdata),
    .depth_o (unused_res_depth)
  );

  assign res_data_o = res_rdata[ResW-1:0];
  assign res_last_o = res_rdata[ResW];
  assign res_pop    = res_valid_o & res_ready_i;

  // ---------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------
  logic job_finish;

  assign busy_o      = (state_q != StIdle);
  assign act_ready_o = (state_q == StLoadAct);
  assign w_ready_o   = (state_q == StStream) & res_push_ready;
  assign act_fire    = act_valid_i & act_ready_o;
  assign w_fire      = w_valid_i & w_ready_o;

  assign res_push      = w_fire & last_beat;
  assign res_push_last = (row_q == job_rows_q - 1'b1);

  // Job parameters checked at START; the first failing check names the error.
  function automatic mve_err_e check_job(logic [RowW-1:0] rows, logic [ColW-1:0] cols,
                                         logic [VecW-1:0] vecs, logic skip_act,
                                         logic [ColW-1:0] act_cols, logic [VecW-1:0] act_vecs);
    if (rows == '0) return MVE_ERR_ROWS_ZERO;
    if (cols == '0) return MVE_ERR_COLS_ZERO;
    if (32'(cols) > MAX_COLS) return MVE_ERR_COLS_RANGE;
    if ((vecs == '0) || (32'(vecs) > VECTORS)) return MVE_ERR_VECS_RANGE;
    if (skip_act && ((cols > act_cols) || (vecs > act_vecs))) return MVE_ERR_NO_ACT;
    return MVE_ERR_NONE;
  endfunction

  always_comb begin
    logic [ColW-1:0] cols_m1;
    mve_err_e        start_err;  // checked only on a START (a simulator then skips it)
    state_d     = state_q;
    rows_d      = rows_q;
    cols_d      = cols_q;
    vecs_d      = vecs_q;
    job_rows_d  = job_rows_q;
    job_cols_d  = job_cols_q;
    job_vecs_d  = job_vecs_q;
    last_vec_d  = last_vec_q;
    vec_mask_d  = vec_mask_q;
    last_beat_d = last_beat_q;
    tail_mask_d = tail_mask_q;
    tail_bits_d = tail_bits_q;
    act_cols_d  = act_cols_q;
    act_vecs_d  = act_vecs_q;
    beat_d      = beat_q;
    vec_d       = vec_q;
    row_d       = row_q;
    rows_done_d = rows_done_q + RowW'(res_pop);
    cyc_d       = cyc_q + 1'b1;
    cycles_d    = cycles_q;
    done_d      = done_q;
    error_d     = error_q;
    err_d       = err_q;
    strb_err_d  = strb_err_q;
    job_finish  = 1'b0;
    cols_m1     = cols_q - 1'b1;
    start_err   = MVE_ERR_NONE;

    if (reg_wr && !busy_o) begin
      if (reg_addr_i == MVE_ROWS_OFFSET) rows_d = reg_wdata_i[RowW-1:0];
      if (reg_addr_i == MVE_COLS_OFFSET) cols_d = reg_wdata_i[ColW-1:0];
      if (reg_addr_i == MVE_VECS_OFFSET) vecs_d = reg_wdata_i[VecW-1:0];
    end

    unique case (state_q)
      StIdle: begin
        if (start_req) begin
          start_err   = check_job(rows_q, cols_q, vecs_q, start_skip_act, act_cols_q, act_vecs_q);
          rows_done_d = '0;
          cyc_d       = '0;
          strb_err_d  = 1'b0;
          if (start_err != MVE_ERR_NONE) begin
            done_d   = 1'b1;
            error_d  = 1'b1;
            err_d    = start_err;
            cycles_d = '0;
          end else begin
            done_d      = 1'b0;
            error_d     = 1'b0;
            err_d       = MVE_ERR_NONE;
            job_rows_d  = rows_q;
            job_cols_d  = cols_q;
            job_vecs_d  = vecs_q;
            last_vec_d  = VecIdxW'(vecs_q - 1'b1);
            for (int unsigned v = 0; v < VECTORS; v++) begin
              vec_mask_d[v] = (v < 32'(vecs_q));
            end
            last_beat_d = BeatAw'(cols_m1 >> LaneBits);
            for (int unsigned i = 0; i < LANES; i++) begin
              tail_mask_d[i] = (LaneBits'(i) <= cols_m1[LaneBits-1:0]);
              tail_bits_d[8*i +: 8] = {8{tail_mask_d[i]}};
            end
            beat_d = '0;
            vec_d  = '0;
            row_d  = '0;
            if (start_skip_act) begin
              state_d = StStream;
            end else begin
              act_cols_d = '0;
              act_vecs_d = '0;
              state_d    = StLoadAct;
            end
          end
        end
      end

      StLoadAct: begin
        if (act_fire) begin
          beat_d = beat_q + 1'b1;
          if (last_beat) begin
            beat_d = '0;
            vec_d  = vec_q + 1'b1;
            if (vec_q == last_vec_q) begin
              vec_d      = '0;
              act_cols_d = job_cols_q;
              act_vecs_d = job_vecs_q;
              state_d    = StStream;
            end
          end
        end
      end

      StStream: begin
        if (w_fire) begin
          if (w_strb_i != lane_mask) strb_err_d = 1'b1;
          beat_d = beat_q + 1'b1;
          if (last_beat) begin
            beat_d = '0;
            row_d  = row_q + 1'b1;
            if (res_push_last) state_d = StDrain;
          end
        end
      end

      StDrain: begin
        if (rows_done_d == job_rows_q) begin
          job_finish = 1'b1;
          state_d    = StIdle;
          done_d     = 1'b1;
          cycles_d   = cyc_q + 1'b1;
          if (strb_err_q) begin
            error_d = 1'b1;
            err_d   = MVE_ERR_STRB;
          end
        end
      end

      default: begin
        state_d = StIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      rows_q      <= '0;
      cols_q      <= '0;
      vecs_q      <= MVE_VECS_RESET[VecW-1:0];
      job_rows_q  <= '0;
      job_cols_q  <= '0;
      job_vecs_q  <= '0;
      last_vec_q  <= '0;
      vec_mask_q  <= '0;
      last_beat_q <= '0;
      tail_mask_q <= '0;
      tail_bits_q <= '0;
      act_cols_q  <= '0;
      act_vecs_q  <= '0;
      beat_q      <= '0;
      vec_q       <= '0;
      row_q       <= '0;
      rows_done_q <= '0;
      cyc_q       <= '0;
      cycles_q    <= '0;
      done_q      <= 1'b0;
      error_q     <= 1'b0;
      err_q       <= MVE_ERR_NONE;
      strb_err_q  <= 1'b0;
    end else begin
      state_q     <= state_d;
      rows_q      <= rows_d;
      cols_q      <= cols_d;
      vecs_q      <= vecs_d;
      job_rows_q  <= job_rows_d;
      job_cols_q  <= job_cols_d;
      job_vecs_q  <= job_vecs_d;
      last_vec_q  <= last_vec_d;
      vec_mask_q  <= vec_mask_d;
      last_beat_q <= last_beat_d;
      tail_mask_q <= tail_mask_d;
      tail_bits_q <= tail_bits_d;
      act_cols_q  <= act_cols_d;
      act_vecs_q  <= act_vecs_d;
      beat_q      <= beat_d;
      vec_q       <= vec_d;
      row_q       <= row_d;
      rows_done_q <= rows_done_d;
      cyc_q       <= cyc_d;
      cycles_q    <= cycles_d;
      done_q      <= done_d;
      error_q     <= error_d;
      err_q       <= err_d;
      strb_err_q  <= strb_err_d;
    end
  end

  // Only the low bytes of a write carry register fields; job_finish is kept
  // as a named event for waveform readers.
  logic unused_sigs;
  assign unused_sigs = ^{reg_wdata_i[MVE_DW-1:RowW], job_finish, unused_res_depth};

  // ---------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------
`ifndef SYNTHESIS
  initial begin
    if (LANES < 2 || (LANES & (LANES - 1)) != 0) begin
      $fatal(1, "pnm_mve: LANES must be a power of two, at least 2");
    end
    if (MAX_COLS >= (1 << ColW)) $fatal(1, "pnm_mve: MAX_COLS must fit the COLS register");
    if (VECTORS < 1 || VECTORS >= (1 << VecW)) begin
      $fatal(1, "pnm_mve: VECTORS must be at least 1 and fit the VECS register");
    end
  end
`endif

endmodule
