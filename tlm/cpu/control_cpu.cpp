#include "tlm/cpu/control_cpu.hpp"

#include <cstdio>
#include <utility>

namespace pnm::cpu {

CpuConfig load_cpu_config(const ConfigReader& r) {
  CpuConfig c;
  c.mmio_overhead_ps =
      r.duration_ps_or("mmio_overhead", CpuConfig::kDefaultMmioOverheadPs, Range<double>{0, 1e9});
  c.quantum_ps = r.duration_ps_or("quantum", CpuConfig::kDefaultQuantumPs, Range<double>{1, 1e12});
  r.finish();
  return c;
}

namespace {

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

sc_core::sc_time ControlCpu::QuantumKeeper::compute_local_quantum() { return quantum; }

ControlCpu::ControlCpu(sc_core::sc_module_name name, const CpuConfig& cfg)
    : sc_module(name),
      init_socket("init_socket"),
      irq_i("irq_i"),
      cfg_(cfg),
      overhead_(static_cast<double>(cfg.mmio_overhead_ps), sc_core::SC_PS) {
  qk_.quantum = sc_core::sc_time(static_cast<double>(cfg.quantum_ps), sc_core::SC_PS);
  if (qk_.quantum == sc_core::SC_ZERO_TIME) qk_.quantum = sc_core::sc_time(1, sc_core::SC_PS);
  qk_.reset();
  ops_.ctx = this;
  ops_.read32 = &ControlCpu::hal_read32;
  ops_.write32 = &ControlCpu::hal_write32;
  ops_.wait_irq = &ControlCpu::hal_wait_irq;
  ops_.local = local_.data();
  SC_HAS_PROCESS(ControlCpu);
  SC_THREAD(thread);
}

ControlCpu::~ControlCpu() {
  const pnm_hal_host_ops_t* cur = ::hal_host_ops();
  if (cur != nullptr && cur->ctx == this) ::hal_host_install(nullptr);
}

void ControlCpu::run(std::function<void()> program) {
  queue_.push_back(std::move(program));
  const sc_core::sc_status st = sc_core::sc_get_status();
  if (st != sc_core::SC_ELABORATION && st != sc_core::SC_BEFORE_END_OF_ELABORATION &&
      st != sc_core::SC_END_OF_ELABORATION) {
    queued_ev_.notify(sc_core::SC_ZERO_TIME);
  }
}

void ControlCpu::install_hal() { ::hal_host_install(&ops_); }

void ControlCpu::thread() {
  for (;;) {
    while (queue_.empty()) wait(queued_ev_);
    std::function<void()> program = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    const uint64_t index = programs_run_;
    qk_.reset();
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    install_hal();
    std::string failure;
    try {
      program();
    } catch (const sc_core::sc_unwind_exception&) {
      throw;  // the kernel is killing or resetting this thread
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown exception";
    }
    sync();
    cnt_.program_time += sc_core::sc_time_stamp() - t0;
    const pnm_hal_host_ops_t* cur = ::hal_host_ops();
    if (cur != nullptr && cur->ctx == this) ::hal_host_install(nullptr);
    if (!failure.empty()) {
      std::string msg = std::string(name()) + ": program " + std::to_string(index) +
                        " failed: " + failure;
      errors_.push_back(msg);
      SC_REPORT_WARNING("pnm/cpu", msg.c_str());
    }
    ++programs_run_;
    running_ = false;
    done_ev_.notify(sc_core::SC_ZERO_TIME);
  }
}

void ControlCpu::sync() {
  qk_.sync();  // waits the local time, then resets the keeper
  install_hal();  // another CPU may have run meanwhile
}

uint32_t ControlCpu::access(tlm::tlm_command cmd, uint64_t addr, uint32_t data) {
  tlm::tlm_generic_payload& p = payload_;
  uint32_t buf = data;
  p.set_command(cmd);
  p.set_address(addr);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(&buf));
  p.set_data_length(4);
  p.set_streaming_width(4);
  p.set_byte_enable_ptr(nullptr);
  p.set_byte_enable_length(0);
  p.set_dmi_allowed(false);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);

  const sc_core::sc_time start = sc_core::sc_time_stamp() + qk_.get_local_time();
  sc_core::sc_time delay = qk_.get_local_time() + overhead_;
  init_socket->b_transport(p, delay);
  // A target may wait inside b_transport (the collective engine's GO blocks
  // until every chip arrives): another CPU may have run meanwhile.
  install_hal();
  qk_.set(delay);
  const sc_core::sc_time end = sc_core::sc_time_stamp() + delay;
  cnt_.mmio_time += end - start;
  if (cmd == tlm::TLM_READ_COMMAND) {
    ++cnt_.mmio_reads;
  } else {
    ++cnt_.mmio_writes;
  }
  if (p.get_response_status() != tlm::TLM_OK_RESPONSE) {
    ++cnt_.mmio_errors;
    throw MmioError(std::string(name()) + ": MMIO " +
                    (cmd == tlm::TLM_READ_COMMAND ? "read of " : "write of " + hex(data) + " to ") +
                    hex(addr) + " failed: " + p.get_response_string());
  }
  if (qk_.need_sync()) sync();
  return buf;
}

void ControlCpu::wait_irq(uint32_t /*enable_mask*/) {
  // The HAL has written IRQ.ENABLE; irq_i = |(STATUS & ENABLE). Synchronise
  // first so every access made so far has taken effect, then let one delta
  // pass for the line to follow, then wait for it to be high.
  sync();
  const sc_core::sc_time t0 = sc_core::sc_time_stamp();
  wait(sc_core::SC_ZERO_TIME);
  while (!irq_i.read()) wait(irq_i.value_changed_event());
  cnt_.irq_wait_time += sc_core::sc_time_stamp() - t0;
  ++cnt_.irq_waits;
  qk_.reset();
  install_hal();
}

uint32_t ControlCpu::hal_read32(void* ctx, uint64_t addr) {
  return static_cast<ControlCpu*>(ctx)->access(tlm::TLM_READ_COMMAND, addr, 0);
}

void ControlCpu::hal_write32(void* ctx, uint64_t addr, uint32_t v) {
  static_cast<ControlCpu*>(ctx)->access(tlm::TLM_WRITE_COMMAND, addr, v);
}

void ControlCpu::hal_wait_irq(void* ctx, uint32_t enable_mask) {
  static_cast<ControlCpu*>(ctx)->wait_irq(enable_mask);
}

void ControlCpu::report(Stats& s, const std::string& prefix) const {
  const auto ps = [](const sc_core::sc_time& t) {
    return static_cast<uint64_t>(t.to_seconds() * 1e12 + 0.5);
  };
  s.set(prefix + ".mmio.reads", cnt_.mmio_reads, "accesses", "32-bit MMIO reads by the firmware");
  s.set(prefix + ".mmio.writes", cnt_.mmio_writes, "accesses", "32-bit MMIO writes by the firmware");
  s.set(prefix + ".mmio.errors", cnt_.mmio_errors, "accesses", "MMIO accesses answered with an error");
  s.set(prefix + ".mmio.time_ps", ps(cnt_.mmio_time), "ps",
        "CPU overhead plus interconnect delay of every MMIO access");
  s.set(prefix + ".irq.waits", cnt_.irq_waits, "waits", "hal_wait_irq sleeps (WFI)");
  s.set(prefix + ".irq.wait_time_ps", ps(cnt_.irq_wait_time), "ps", "time asleep waiting on irq_i");
  s.set(prefix + ".program.time_ps", ps(cnt_.program_time), "ps", "time from program start to end");
  s.set(prefix + ".busy_time_ps", ps(cnt_.busy_time()), "ps",
        "firmware/control time: program time minus interrupt waits");
  s.set(prefix + ".programs", programs_run_, "programs", "programs run");
  s.set(prefix + ".programs_failed", static_cast<uint64_t>(errors_.size()), "programs",
        "programs that ended with an exception");
}

}  // namespace pnm::cpu
