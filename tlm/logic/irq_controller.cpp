#include "tlm/logic/irq_controller.hpp"

namespace pnm::logic {

namespace {
namespace R = regs::irq;
constexpr uint32_t kLines = R::STATUS::PNM_IDLE::MASK | R::STATUS::VU_IDLE::MASK |
                            R::STATUS::PNM_ERROR::MASK;
}  // namespace

IrqController::IrqController(sc_core::sc_module_name name)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      pnm_idle_i("pnm_idle_i"),
      vu_idle_i("vu_idle_i"),
      pnm_error_i("pnm_error_i"),
      irq_o("irq_o"),
      regs_(std::string(this->name()) + ".regs", R::REGISTERS) {
  tgt_socket.register_b_transport(this, &IrqController::b_transport);
  tgt_socket.register_transport_dbg(this, &IrqController::transport_dbg);
  regs_.on_read(R::STATUS::OFFSET, [this]() { return status(); });
  regs_.on_write(R::ENABLE::OFFSET, [this](uint32_t v) {
    regs_.set(R::ENABLE::OFFSET, v & kLines);
    if (delay_ != nullptr) {
      enable_changed_.notify(*delay_);
    } else {
      enable_changed_.notify(sc_core::SC_ZERO_TIME);
    }
  });
  irq_o.initialize(false);
  SC_HAS_PROCESS(IrqController);
  SC_METHOD(update);
  sensitive << pnm_idle_i << vu_idle_i << pnm_error_i << enable_changed_;
}

uint32_t IrqController::status() const {
  uint32_t s = 0;
  s = regs::set<R::STATUS::PNM_IDLE>(s, pnm_idle_i.read() ? 1 : 0);
  s = regs::set<R::STATUS::VU_IDLE>(s, vu_idle_i.read() ? 1 : 0);
  s = regs::set<R::STATUS::PNM_ERROR>(s, pnm_error_i.read() ? 1 : 0);
  return s;
}

uint32_t IrqController::enable() const { return regs_.value(R::ENABLE::OFFSET) & kLines; }

void IrqController::update() { irq_o.write((status() & enable()) != 0); }

void IrqController::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay_ = &delay;
  regs_.transport(p);
  delay_ = nullptr;
}

unsigned IrqController::transport_dbg(tlm::tlm_generic_payload& p) {
  // A debug write to ENABLE stores without callbacks; re-evaluate irq_o anyway.
  const unsigned n = regs_.debug(p);
  if (p.is_write() && n > 0) enable_changed_.notify(sc_core::SC_ZERO_TIME);
  return n;
}

}  // namespace pnm::logic
