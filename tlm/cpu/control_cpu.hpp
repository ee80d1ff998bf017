// The chip's control CPU, at transaction level: it runs the host build of the
// firmware (firmware/, C) on its own SC_THREAD. Every HAL access of the
// firmware becomes a TLM-2.0 b_transport on init_socket (temporally decoupled
// with a quantum keeper); hal_wait_irq becomes a wait on irq_i. There is no
// instruction timing: a program's time is its MMIO time (config overhead +
// the interconnect's annotated delay per access) plus its interrupt waits.
//
//   pnm::cpu::ControlCpu cpu("cpu", cfg);
//   cpu.init_socket.bind(noc.tgt_socket);  cpu.irq_i.bind(irq_line);
//   uint32_t next = 0;
//   cpu.run([&] { next = fw_decode_step(&desc, layers, tok, pos); });
//   sc_core::sc_start();   // or wait(cpu.done_event()) in a testbench thread
//
// Errors: a TLM response other than TLM_OK_RESPONSE throws MmioError from
// inside the HAL call (the firmware library is built with -fexceptions), so
// the program stops there; the CPU catches it (and any other exception a
// program throws), records "program <n> failed: <message naming the
// address>", reports an SC warning, and goes on with the next program.
// failed() / errors() tell the caller. Firmware-level errors (VU or PNM
// STATUS.ERROR) are not exceptions: fw_decode_step returns FW_DECODE_ERROR.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "firmware/hal/hal.h"
#include "tlm/common/config.hpp"
#include "tlm/common/stats.hpp"

namespace pnm::cpu {

struct CpuConfig {
  static constexpr uint64_t kDefaultMmioOverheadPs = 2'000;  // 2 ns: a few CPU cycles per access
  static constexpr uint64_t kDefaultQuantumPs = 1'000'000;   // 1 us
  // Time the CPU spends per MMIO access on top of the interconnect's delay
  // (issue, load/store pipeline, the firmware's own instructions around it).
  uint64_t mmio_overhead_ps = kDefaultMmioOverheadPs;
  // Temporal-decoupling quantum: the CPU runs ahead of simulated time by at
  // most this much before it synchronises (it always synchronises before an
  // interrupt wait and at the end of a program).
  uint64_t quantum_ps = kDefaultQuantumPs;
};

// Keys (section `cpu`, all optional): mmio_overhead_{ps,ns,us} in [0, 1 ms],
// quantum_{ps,ns,us,ms} in [1 ps, 1 s]. Unknown keys are errors.
CpuConfig load_cpu_config(const ConfigReader& r);

// A TLM error response to a firmware access.
class MmioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ControlCpu : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<ControlCpu> init_socket;
  sc_core::sc_in<bool> irq_i;

  ControlCpu(sc_core::sc_module_name name, const CpuConfig& cfg);
  ~ControlCpu() override;
  ControlCpu(const ControlCpu&) = delete;
  ControlCpu& operator=(const ControlCpu&) = delete;

  // Queues a program; programs run in order on the CPU thread, each with the
  // HAL's host ops bound to this CPU. Callable before or during simulation.
  void run(std::function<void()> program);
  // Notified each time a program ends (normally or by an exception).
  const sc_core::sc_event& done_event() const { return done_ev_; }
  // No program queued or running.
  bool idle() const { return queue_.empty() && !running_; }

  // Programs that ended with an exception, and their messages in order.
  bool failed() const { return !errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  uint64_t programs_run() const { return programs_run_; }

  struct Counters {
    uint64_t mmio_reads = 0;
    uint64_t mmio_writes = 0;
    uint64_t mmio_errors = 0;
    sc_core::sc_time mmio_time;      // overhead + interconnect delay of every access
    sc_core::sc_time irq_wait_time;  // time in wait_irq (WFI)
    sc_core::sc_time program_time;   // from program start to its end
    uint64_t irq_waits = 0;
    // Time the firmware kept the CPU busy: program time minus IRQ waits.
    sc_core::sc_time busy_time() const { return program_time - irq_wait_time; }
  };
  const Counters& counters() const { return cnt_; }
  // Stats under `prefix` (e.g. "cpu"): mmio.reads/writes/errors, mmio.time_ps,
  // irq.waits, irq.wait_time_ps, program.time_ps, busy_time_ps, programs.
  void report(Stats& s, const std::string& prefix) const;

  const CpuConfig& config() const { return cfg_; }

 private:
  // Quantum keeper with this CPU's quantum instead of the global one.
  class QuantumKeeper : public tlm_utils::tlm_quantumkeeper {
   public:
    sc_core::sc_time quantum;
   protected:
    sc_core::sc_time compute_local_quantum() override;
  };

  void thread();
  uint32_t access(tlm::tlm_command cmd, uint64_t addr, uint32_t data);
  void wait_irq(uint32_t enable_mask);
  void sync();
  void install_hal();

  static uint32_t hal_read32(void* ctx, uint64_t addr);
  static void hal_write32(void* ctx, uint64_t addr, uint32_t v);
  static void hal_wait_irq(void* ctx, uint32_t enable_mask);

  CpuConfig cfg_;
  sc_core::sc_time overhead_;
  QuantumKeeper qk_;
  std::vector<uint64_t> local_ = std::vector<uint64_t>(HAL_CPU_LOCAL_BYTES / 8);  // hal_cpu_local()
  pnm_hal_host_ops_t ops_{};
  std::deque<std::function<void()>> queue_;
  bool running_ = false;
  sc_core::sc_event queued_ev_;
  sc_core::sc_event done_ev_;
  std::vector<std::string> errors_;
  uint64_t programs_run_ = 0;
  Counters cnt_;
  tlm::tlm_generic_payload payload_;
};

}  // namespace pnm::cpu
