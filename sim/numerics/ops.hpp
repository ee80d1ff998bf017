#pragma once
// The fp32 vector operations of the decode step, with their arithmetic order
// fixed (the numerics contract: sim/numerics/NUMERICS.md). The firmware's vector-unit code must follow these line by line to
// reproduce the reference's tokens exactly. All sums run sequentially from
// index 0 upward in fp32 (no pairwise / SIMD reassociation; the library is
// built with -ffp-contract=off so no FMA is formed). Follows llama2.c run.c.
//
// Transcendentals: expf, sinf, cosf, powf (via std::exp etc. on float) and
// sqrtf. sqrtf is correctly rounded by IEEE 754; the others come from the C
// library and may differ by an ulp between libms (glibc vs picolibc). A
// firmware build on another libm can therefore differ in rare last-bit cases;
// compare such builds on int32 partials layer by layer, not only on tokens.
#include <cstdint>

namespace pnm::numerics {

constexpr float kRmsNormEps = 1e-5f;
constexpr float kRopeTheta = 10000.0f;

// ss = sum_j x_j*x_j (sequential); ss = ss / n; ss = ss + eps; inv = 1 / sqrtf(ss);
// out_j = w_j * (inv * x_j).  out may alias x.
void rmsnorm(float* out, const float* x, const float* w, int32_t n);

// For i = 0, 2, 4, ... < dim (pairs within each head):
//   hi = i % head_dim; freq = 1 / powf(theta, float(hi) / float(head_dim));
//   val = float(pos) * freq; c = cosf(val); s = sinf(val);
//   (v0, v1) = (v[i], v[i+1]); v[i] = v0*c - v1*s; v[i+1] = v0*s + v1*c
// applied to q over dim and to k over kv_dim (i < kv_dim).
void rope(float* q, float* k, int32_t pos, int32_t dim, int32_t kv_dim, int32_t head_dim);

// In place: m = max_i x_i; x_i = expf(x_i - m); sum sequential; x_i = x_i / sum.
void softmax(float* x, int32_t n);

// silu(a) * b with silu(a) = a * (1 / (1 + expf(-a))).
float silu_mul(float a, float b);

// Dequantization of an int8 GEMV's int32 partials: out_r = float(acc_r) *
// (row_scale_r * x_scale), the product of the two scales first.
void dequantize(float* out, const int32_t* acc, const float* row_scale, float x_scale, int32_t n);

// The residual: out_i = x_i + y_i (out may alias x).
void add(float* out, const float* x, const float* y, int32_t n);

// Index of the largest value; ties go to the lowest index. NaN never wins.
int32_t argmax(const float* x, int32_t n);

// Multi-head attention of one position over a layer's KV cache (grouped-query
// when n_kv_heads < n_heads). kv_dim = n_kv_heads * head_dim; k_layer and
// v_layer point at position 0 of the layer's cache, row t at t * kv_dim.
// For each head h (kvh = h / (n_heads / n_kv_heads)), with q_h = q + h*head_dim:
//   att[t] = (sum_i q_h[i] * k[t][kvh*head_dim + i], sequential) / sqrtf(head_dim)
//            for t = 0 .. pos;  softmax(att, pos + 1);
//   out_h[i] = 0; for t = 0 .. pos: out_h[i] += att[t] * v[t][kvh*head_dim + i].
// att_scratch holds pos + 1 floats. out must not alias q, k_layer or v_layer.
void attention(float* out, const float* q, const float* k_layer, const float* v_layer,
               float* att_scratch, int32_t pos, int32_t n_heads, int32_t n_kv_heads,
               int32_t head_dim);

}  // namespace pnm::numerics
