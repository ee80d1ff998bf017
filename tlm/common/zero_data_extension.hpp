// An ignorable extension on a write whose data are all zero bytes: a
// timing-only initiator's stand-in for data it does not compute. It states a
// fact about the data, not a request: a target that keeps memory may skip
// the copy where it knows the bytes it holds are zero already, and one that
// ignores the extension copies the zeros, with the same result. (A timing-only
// Llama-2-70B decode broadcasts 2 GB of such zeros into the PNM units'
// activation SRAMs per token.)
#pragma once

#include <tlm>

namespace pnm {

class ZeroDataExtension : public tlm::tlm_extension<ZeroDataExtension> {
 public:
  tlm::tlm_extension_base* clone() const override { return new ZeroDataExtension(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

}  // namespace pnm
