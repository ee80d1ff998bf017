#pragma once
// int8 quantization (sim/numerics/NUMERICS.md, the numerics contract of DESIGN.md):
//
//   scale = max_i |v_i| / 127            (fp32; 0 when the vector is all zero)
//   q_i   = clamp(round_half_even(v_i / scale), -127, 127)   (0 when scale == 0)
//
// Symmetric, so -128 never occurs (keeps |q_w * q_x| <= 16129 and the int32
// accumulator exact up to kMaxExactInt32Cols inputs). Rounding is
// round-half-to-even, implemented with floor and a compare rather than the FP
// environment's rounding mode, so a C firmware can reproduce it exactly.
// The division v_i / scale (not a multiply by 127 / max) is part of the contract.
//
// Weights: one scale per matrix row. Activations: one scale per vector.
// Dequantized GEMV output: y_r = float(acc_r) * (w_scale_r * x_scale).
#include <cstdint>
#include <vector>


namespace pnm::numerics {

// Round-half-to-even of a finite float, independent of the FP rounding mode.
float round_half_even(float v);

// Returns the scale; writes n int8 values to q.
float quantize_vector(const float* v, int64_t n, int8_t* q);
// v_i = q_i * scale
void dequantize_vector(const int8_t* q, int64_t n, float scale, float* v);

struct QMatrix {  // row-major out x in
  int32_t rows = 0;
  int32_t cols = 0;
  std::vector<int8_t> q;      // rows * cols
  std::vector<float> scale;   // rows
  const int8_t* row(int32_t r) const { return q.data() + int64_t(r) * cols; }
};

QMatrix quantize_matrix(const float* w, int32_t rows, int32_t cols);

// Exact int32 GEMV: acc_r = sum_c int32(w_rc) * int32(x_c).
void gemv_i8(const QMatrix& w, const int8_t* x, int32_t* acc);

}  // namespace pnm::numerics
