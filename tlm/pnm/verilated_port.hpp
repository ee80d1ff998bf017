// 32-bit word access to a Verilated model's port of any width: an integer
// (CData..QData, up to 64 bits) or a VlWide (32-bit words, word 0 lowest).
// The one place both drivers of the Verilated MVE (RtlEngine's clock loop
// and the pin-level testbench's MvePinModel) turn ports into words.
#pragma once

#include <cstdint>
#include <type_traits>

namespace pnm::mve {

// 32-bit words a port of this type holds (a 1..32-bit port: 1). The
// model's port members are references: port_words<decltype(model.port)>().
template <typename Port>
constexpr unsigned port_words() {
  using P = std::remove_reference_t<Port>;
  return sizeof(P) < sizeof(uint32_t) ? 1 : sizeof(P) / sizeof(uint32_t);
}

// Word i (bits [32i +: 32]).
template <typename Port>
uint32_t port_word(const Port& port, unsigned i) {
  if constexpr (std::is_integral_v<Port>) {
    return static_cast<uint32_t>(static_cast<uint64_t>(port) >> (32 * i));
  } else {
    return port[i];
  }
}

// Sets the port from N words, word 0 lowest.
template <typename Port, unsigned N>
void set_port_words(Port& port, const uint32_t (&w)[N]) {
  if constexpr (std::is_integral_v<Port>) {
    uint64_t x = 0;
    for (unsigned i = 0; i < N; ++i) x |= uint64_t{w[i]} << (32 * i);
    port = static_cast<Port>(x);
  } else {
    for (unsigned i = 0; i < N; ++i) port[i] = w[i];
  }
}

}  // namespace pnm::mve
