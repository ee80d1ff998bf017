#include "tlm/common/register_bank.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace pnm {

namespace {

constexpr uint32_t kRegBytes = 4;
constexpr uint64_t kMaxSlots = 16384;  // a 64 KiB register window

std::string hex(uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 0xF]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

}  // namespace

RegisterBank::RegisterBank(std::string name, const regs::RegInfo* table, std::size_t count)
    : name_(std::move(name)) {
  if (table == nullptr || count == 0) {
    throw std::invalid_argument("RegisterBank " + name_ + ": empty register table");
  }
  entries_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const regs::RegInfo& r = table[i];
    if (r.offset % kRegBytes != 0) {
      throw std::invalid_argument("RegisterBank " + name_ + ": register " + r.name + " at offset " +
                                  hex(r.offset) + " is not 4-byte aligned");
    }
    entries_.push_back(Entry{r, r.access == regs::Access::W1P ? 0u : r.reset, nullptr, nullptr});
  }
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return a.info.offset < b.info.offset; });
  for (std::size_t i = 1; i < entries_.size(); ++i) {
    if (entries_[i].info.offset == entries_[i - 1].info.offset) {
      throw std::invalid_argument("RegisterBank " + name_ + ": registers " + entries_[i - 1].info.name +
                                  " and " + entries_[i].info.name + " share offset " +
                                  hex(entries_[i].info.offset));
    }
  }
  // One slot per 4-byte word up to the last register: find() is an index,
  // not a binary search (every register access of a decode goes through
  // it). A sparse bank past kMaxSlots words keeps the search.
  const uint64_t words = entries_.back().info.offset / kRegBytes + 1;
  if (words <= kMaxSlots) {
    slot_.assign(words, kNoEntry);
    for (std::size_t i = 0; i < entries_.size(); ++i) slot_[entries_[i].info.offset / kRegBytes] = uint32_t(i);
  }
}

const RegisterBank::Entry* RegisterBank::find(uint64_t offset) const {
  if (!slot_.empty()) {
    if (offset % kRegBytes != 0 || offset / kRegBytes >= slot_.size()) return nullptr;
    const uint32_t i = slot_[offset / kRegBytes];
    return i == kNoEntry ? nullptr : &entries_[i];
  }
  auto it = std::lower_bound(entries_.begin(), entries_.end(), offset,
                             [](const Entry& e, uint64_t off) { return e.info.offset < off; });
  if (it == entries_.end() || it->info.offset != offset) {
    return nullptr;
  }
  return &*it;
}

const RegisterBank::Entry& RegisterBank::entry(uint32_t offset) const {
  const Entry* e = find(offset);
  if (e == nullptr) {
    throw std::out_of_range("RegisterBank " + name_ + ": no register at offset " + hex(offset));
  }
  return *e;
}

RegisterBank::Entry& RegisterBank::entry(uint32_t offset) {
  return const_cast<Entry&>(static_cast<const RegisterBank&>(*this).entry(offset));
}

void RegisterBank::on_read(uint32_t offset, ReadFn fn) {
  Entry& e = entry(offset);
  if (e.info.access == regs::Access::WO || e.info.access == regs::Access::W1P) {
    throw std::invalid_argument("RegisterBank " + name_ + ": on_read for write-only register " +
                                e.info.name);
  }
  e.read_fn = std::move(fn);
}

void RegisterBank::on_write(uint32_t offset, WriteFn fn) {
  Entry& e = entry(offset);
  if (e.info.access == regs::Access::RO) {
    throw std::invalid_argument("RegisterBank " + name_ + ": on_write for read-only register " +
                                e.info.name);
  }
  e.write_fn = std::move(fn);
}

uint32_t RegisterBank::value(uint32_t offset) const { return entry(offset).stored; }

void RegisterBank::set(uint32_t offset, uint32_t v) { entry(offset).stored = v; }

bool RegisterBank::contains(uint32_t offset) const { return find(offset) != nullptr; }

void RegisterBank::reset() {
  for (Entry& e : entries_) {
    e.stored = e.info.access == regs::Access::W1P ? 0u : e.info.reset;
  }
}

const std::string& RegisterBank::name() const { return name_; }

uint32_t RegisterBank::bus_read(const Entry& e) const {
  if (e.info.access == regs::Access::W1P) {
    return 0;
  }
  return e.read_fn ? e.read_fn() : e.stored;
}

tlm::tlm_response_status RegisterBank::check(const tlm::tlm_generic_payload& p, bool debug, Hits& out) {
  const unsigned len = p.get_data_length();
  const uint64_t addr = p.get_address();
  if (p.get_byte_enable_ptr() != nullptr) {
    return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  }
  if (len == 0 || len % kRegBytes != 0 || addr % kRegBytes != 0) {
    return tlm::TLM_BURST_ERROR_RESPONSE;
  }
  // A streaming width narrower than the length would hit one address repeatedly:
  // not supported. 0 (left unset) counts as "no streaming"; debug ignores it.
  const unsigned sw = p.get_streaming_width();
  if (!debug && sw != 0 && sw < len) {
    return tlm::TLM_BURST_ERROR_RESPONSE;
  }
  if (p.get_data_ptr() == nullptr) {
    return tlm::TLM_GENERIC_ERROR_RESPONSE;
  }
  const tlm::tlm_command cmd = p.get_command();
  out.clear();
  if (addr > 0xFFFFFFFFull) {
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  }
  for (uint64_t off = addr; off < addr + len; off += kRegBytes) {
    const Entry* e = find(off);
    if (e == nullptr) {
      return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    out.push_back(const_cast<Entry*>(e));
  }
  for (const Entry* e : out) {
    const regs::Access a = e->info.access;
    if (debug) {
      if (cmd == tlm::TLM_WRITE_COMMAND && a == regs::Access::W1P) {
        return tlm::TLM_COMMAND_ERROR_RESPONSE;
      }
    } else if ((cmd == tlm::TLM_WRITE_COMMAND && a == regs::Access::RO) ||
               (cmd == tlm::TLM_READ_COMMAND && a == regs::Access::WO)) {
      return tlm::TLM_COMMAND_ERROR_RESPONSE;
    }
  }
  return tlm::TLM_OK_RESPONSE;
}

void RegisterBank::transport(tlm::tlm_generic_payload& p) {
  try {
    Hits hit;
    const tlm::tlm_response_status st = check(p, false, hit);
    if (st != tlm::TLM_OK_RESPONSE) {
      p.set_response_status(st);
      return;
    }
    unsigned char* data = p.get_data_ptr();
    const tlm::tlm_command cmd = p.get_command();
    for (std::size_t i = 0; i < hit.size(); ++i) {
      Entry& e = *hit[i];
      if (cmd == tlm::TLM_READ_COMMAND) {
        const uint32_t v = bus_read(e);
        std::memcpy(data + i * kRegBytes, &v, kRegBytes);
      } else if (cmd == tlm::TLM_WRITE_COMMAND) {
        uint32_t v = 0;
        std::memcpy(&v, data + i * kRegBytes, kRegBytes);
        if (e.info.access != regs::Access::W1P) {
          e.stored = v;
        }
        if (e.write_fn) {
          e.write_fn(v);
        }
      }
    }
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  } catch (const SimulationError&) {
    throw;
  } catch (...) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  }
}

unsigned RegisterBank::debug(tlm::tlm_generic_payload& p) {
  try {
    Hits hit;
    const tlm::tlm_response_status st = check(p, true, hit);
    if (st != tlm::TLM_OK_RESPONSE) {
      p.set_response_status(st);
      return 0;
    }
    unsigned char* data = p.get_data_ptr();
    const tlm::tlm_command cmd = p.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
      p.set_response_status(tlm::TLM_OK_RESPONSE);
      return 0;
    }
    for (std::size_t i = 0; i < hit.size(); ++i) {
      Entry& e = *hit[i];
      if (cmd == tlm::TLM_READ_COMMAND) {
        const uint32_t v = e.info.access == regs::Access::WO ? e.stored : bus_read(e);
        std::memcpy(data + i * kRegBytes, &v, kRegBytes);
      } else {
        uint32_t v = 0;
        std::memcpy(&v, data + i * kRegBytes, kRegBytes);
        e.stored = v;
      }
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return static_cast<unsigned>(hit.size() * kRegBytes);
  } catch (...) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return 0;
  }
}

}  // namespace pnm
