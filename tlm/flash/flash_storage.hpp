// Page contents: one small interface, three implementations chosen by
// `storage.mode` through make_page_store().
//
//   timing_only  keeps nothing: reads leave the payload buffer untouched,
//                programs discard their data. O(0) memory.
//   sparse       keeps programmed pages only (a hash map page -> bytes);
//                never-programmed or erased pages read as 0xFF.
//   synthetic    page bytes are a deterministic function of (seed, channel,
//                physical page): a 70 GB weight image without 70 GB of RAM.
//                Programmed pages go to a sparse overlay; an erased block
//                reads 0xFF until reprogrammed (one set entry per erased block).
//
// Pages are named by their physical page number (AddressMap::ppn), which is
// contiguous within a block, so an erase drops pages [first, first+count).
#pragma once

#include <cstdint>
#include <memory>

#include "tlm/flash/flash_config.hpp"

namespace pnm::flash {

class PageStore {
 public:
  virtual ~PageStore() = default;
  virtual const char* name() const = 0;
  /// Copies `len` bytes of page `ppn` from byte `column` into `dst`.
  /// Returns false when the store keeps no data (dst untouched).
  virtual bool read(uint64_t ppn, uint32_t column, uint8_t* dst, uint32_t len) const = 0;
  /// Stores `len` bytes at `column` of page `ppn` (the rest of a new page is 0xFF).
  virtual void write(uint64_t ppn, uint32_t column, const uint8_t* src, uint32_t len) = 0;
  /// Forgets pages [first_ppn, first_ppn + count): they read as erased (0xFF).
  virtual void erase(uint64_t first_ppn, uint32_t count) = 0;
  /// Host bytes used for page data (for the "never 70 GB" check and stats).
  virtual uint64_t bytes_held() const = 0;
};

std::unique_ptr<PageStore> make_page_store(StorageMode mode, uint32_t page_bytes,
                                           uint64_t seed, uint32_t channel,
                                           uint32_t pages_per_block);

/// The synthetic content of one byte (exposed so tests and the PNM unit's
/// checkers can predict it): byte `i` of page `ppn` on `channel`.
uint8_t synthetic_byte(uint64_t seed, uint32_t channel, uint64_t ppn, uint32_t i);

}  // namespace pnm::flash
