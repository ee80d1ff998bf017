// RegisterBank: the one helper every TLM register block sits on.
//
// A bank holds the 32-bit registers of one block, described by a generated
// table (pnm::regs::<block>::REGISTERS from tlm/common/pnm_regs.hpp), serves
// TLM generic payloads at local offsets, and calls the model back on reads and
// writes.
//
// Access semantics (bus side, transport()):
//   RW   read: read callback if set, else the stored value.
//        write: store, then call the write callback with the written value.
//   RO   read: as RW.  write: TLM_COMMAND_ERROR_RESPONSE, nothing changes.
//   WO   read: TLM_COMMAND_ERROR_RESPONSE.  write: store, then call back.
//   W1P  read: 0.  write: call back only (nothing stored, value() stays reset).
// Model side: value() returns the stored value, set() overwrites it without
// callbacks (e.g. a status register the model updates).
//
// A burst covering several registers is checked as a whole before any
// register is touched: one bad register fails the burst with no side effects.
// Callbacks run in offset order. A callback that throws makes the payload
// answer TLM_GENERIC_ERROR_RESPONSE (registers before it were accessed),
// except for SimulationError, which propagates to the initiator.
//
// Debug access (debug(), for transport_dbg) never calls write callbacks:
//   read:  RW/RO via the read callback if set (read callbacks must therefore be
//          side-effect free), else stored; WO returns the stored value; W1P 0.
//   write: stores into RW/RO/WO registers without callbacks (backdoor);
//          a debug write to a W1P register is an error (0 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include <systemc>
#include <tlm>

#include "tlm/common/pnm_regs.hpp"

namespace pnm {

/// A failure of the simulation itself raised by a register's side effect (not
/// a bus error the firmware could see), e.g. simulated time that would pass
/// the largest SystemC time. RegisterBank lets it through to the initiator,
/// so the run fails with its message naming the block.
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RegisterBank {
 public:
  using ReadFn = std::function<uint32_t()>;
  using WriteFn = std::function<void(uint32_t value)>;

  // Copies the table. Throws std::invalid_argument for an empty table, an
  // offset that is not 4-aligned, or two registers at one offset.
  RegisterBank(std::string name, const regs::RegInfo* table, std::size_t count);
  template <std::size_t N>
  RegisterBank(std::string name, const regs::RegInfo (&table)[N])
      : RegisterBank(std::move(name), table, N) {}

  RegisterBank(const RegisterBank&) = delete;
  RegisterBank& operator=(const RegisterBank&) = delete;
  RegisterBank(RegisterBank&&) = default;
  RegisterBank& operator=(RegisterBank&&) = default;
  ~RegisterBank() = default;

  // Wiring (at construction time of the owning model). Unknown offsets throw
  // std::out_of_range; on_read on a WO/W1P register and on_write on an RO
  // register throw std::invalid_argument (the callback could never run).
  void on_read(uint32_t offset, ReadFn fn);    // RO/RW without a callback read their stored value
  void on_write(uint32_t offset, WriteFn fn);  // RW stores first, then calls; W1P calls only (reads as 0)

  uint32_t value(uint32_t offset) const;  // stored value (throws std::out_of_range for unknown offsets)
  void set(uint32_t offset, uint32_t v);  // hardware-side update, e.g. status (std::out_of_range too)
  bool contains(uint32_t offset) const;   // true when a register sits at offset
  void reset();                           // every stored value back to its reset value, no callbacks

  // Serves one TLM generic payload of 32-bit registers at local offsets. Sets the response status on
  // every path: OK; TLM_ADDRESS_ERROR_RESPONSE for an unmapped offset; TLM_BURST_ERROR_RESPONSE when the
  // length is not a multiple of 4 (or 0), the address is not 4-aligned, or a non-zero streaming
  // width is narrower than the length; TLM_BYTE_ENABLE_ERROR_RESPONSE for byte enables;
  // TLM_COMMAND_ERROR_RESPONSE for a write to an RO register or a read of a WO register;
  // TLM_GENERIC_ERROR_RESPONSE for a null data pointer or a callback that threw.
  // TLM_IGNORE_COMMAND is checked like a read/write and answers OK without any access.
  // Multi-register bursts (length 8, 12...) access consecutive registers. Never asserts, never throws.
  void transport(tlm::tlm_generic_payload& p);

  // Debug access (transport_dbg): reads stored/callback values without side effects on writes' callbacks;
  // returns bytes transferred (0 on error). Also sets the response status.
  unsigned debug(tlm::tlm_generic_payload& p);

  const std::string& name() const;

 private:
  struct Entry {
    regs::RegInfo info;
    uint32_t stored;
    ReadFn read_fn;
    WriteFn write_fn;
  };

  Entry& entry(uint32_t offset);
  const Entry& entry(uint32_t offset) const;
  const Entry* find(uint64_t offset) const;
  // A burst's registers: on the stack up to 4 (every access the models
  // make), so a register access allocates nothing.
  using Hits = boost::container::small_vector<Entry*, 4>;
  // Checks the payload shape and every addressed register; on success fills
  // `out` with the entries in burst order and returns TLM_OK_RESPONSE.
  tlm::tlm_response_status check(const tlm::tlm_generic_payload& p, bool debug, Hits& out);
  uint32_t bus_read(const Entry& e) const;

  std::string name_;
  std::vector<Entry> entries_;  // sorted by offset
  static constexpr uint32_t kNoEntry = UINT32_MAX;
  std::vector<uint32_t> slot_;  // entries_ index of each word offset / 4, or kNoEntry
};

}  // namespace pnm
