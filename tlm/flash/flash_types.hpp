// Plain value types shared by the flash channel model, its TLM wrapper and
// initiators (no SystemC here).
#pragma once

#include <cstdint>
#include <optional>

#include "tlm/flash/flash_config.hpp"

namespace pnm::flash {

/// What a transaction asks the channel to do.
enum class FlashOp : uint8_t {
  Auto,     ///< from the TLM command: READ = page read, WRITE = program
  Read,     ///< page read (multi-plane when the payload spans several planes)
  CacheRead,///< page read through the cache register (ONFI 31h): the array
            ///< starts the next read while this page is transferred
  Program,  ///< page program (multi-plane likewise)
  Erase,    ///< block erase of the block containing the address
  ReadBatch,///< N single-page reads of consecutive pages in one transaction,
            ///< each with its own issue time (the stream mode's fast path;
            ///< flash_channel.hpp says when the channel refuses it)
};

/// Outcome of one operation, reported in the FlashExtension.
enum class FlashStatus : uint8_t {
  Ok,
  Uncorrectable,   ///< read: errors beyond ECC after all read-retry steps
  NotErased,       ///< program of a page that is already programmed
  AddressError,    ///< address/length outside the channel
  BadRequest,      ///< malformed: zero length, misaligned, crosses a die, ...
  Refused,         ///< ReadBatch the channel cannot book without per-page
                   ///< modelling: nothing was done, issue the pages one by one
};
const char* to_string(FlashStatus s);

/// Physical location of one page within a channel.
struct PageAddr {
  uint32_t die = 0;
  uint32_t plane = 0;
  uint32_t block = 0;
  uint32_t page = 0;
  uint32_t column = 0;  ///< byte offset inside the page
};

/// Linear byte address <-> physical location, for one channel.
///
/// Decoding, lowest field first: column | plane | die | page | block, i.e.
///   page_index = addr / page_size_bytes, column = addr % page_size_bytes
///   plane = page_index % planes;          page_index /= planes
///   die   = page_index % dies;            page_index /= dies
///   page  = page_index % pages_per_block; block = page_index / pages_per_block
/// so consecutive pages go to consecutive planes, then dies (interleaving for
/// free on a sequential stream), and a multi-plane read of N planes is one
/// contiguous payload of N pages starting at plane p (p + N <= planes).
class AddressMap {
 public:
  explicit AddressMap(const FlashConfig& c)
      : page_(c.page_size_bytes),
        planes_(c.planes_per_die),
        dies_(c.dies_per_channel()),
        ppb_(c.pages_per_block),
        bpp_(c.blocks_per_plane),
        bytes_(c.bytes_per_channel()) {
    const auto pow2 = [](uint64_t v) { return v != 0 && (v & (v - 1)) == 0; };
    const auto log2 = [](uint64_t v) { return uint32_t(__builtin_ctzll(v)); };
    pow2_ = pow2(page_) && pow2(planes_) && pow2(dies_) && pow2(ppb_);
    if (pow2_) {
      sh_page_ = log2(page_);
      sh_planes_ = log2(planes_);
      sh_dies_ = log2(dies_);
      sh_ppb_ = log2(ppb_);
    }
  }

  uint64_t bytes() const { return bytes_; }
  bool contains(uint64_t addr, uint64_t len) const {
    return addr < bytes_ && len <= bytes_ - addr;
  }
  PageAddr decode(uint64_t addr) const {
    PageAddr a;
    if (pow2_) {  // the same fields by shifts and masks (every shipped preset)
      uint64_t pi = addr >> sh_page_;
      a.column = uint32_t(addr & (page_ - 1));
      a.plane = uint32_t(pi & (planes_ - 1));
      pi >>= sh_planes_;
      a.die = uint32_t(pi & (dies_ - 1));
      pi >>= sh_dies_;
      a.page = uint32_t(pi & (ppb_ - 1));
      a.block = uint32_t(pi >> sh_ppb_);
      return a;
    }
    uint64_t pi = addr / page_;
    a.column = uint32_t(addr % page_);
    a.plane = uint32_t(pi % planes_);
    pi /= planes_;
    a.die = uint32_t(pi % dies_);
    pi /= dies_;
    a.page = uint32_t(pi % ppb_);
    a.block = uint32_t(pi / ppb_);
    return a;
  }
  uint64_t encode(const PageAddr& a) const {
    const uint64_t pi = ((uint64_t(a.block) * ppb_ + a.page) * dies_ + a.die) * planes_ + a.plane;
    return pi * page_ + a.column;
  }
  /// Physical page number: contiguous within a block (used as storage key).
  uint64_t ppn(const PageAddr& a) const {
    return block_id(a) * ppb_ + a.page;
  }
  /// Block number unique within the channel.
  uint64_t block_id(const PageAddr& a) const {
    return (uint64_t(a.die) * planes_ + a.plane) * bpp_ + a.block;
  }

 private:
  uint64_t page_, planes_, dies_, ppb_, bpp_, bytes_;
  bool pow2_ = false;
  uint32_t sh_page_ = 0, sh_planes_ = 0, sh_dies_ = 0, sh_ppb_ = 0;
};

/// Per-page read status (one per plane of a multi-plane read).
struct PageStatus {
  uint32_t corrected_bits = 0;       ///< bits ECC fixed in the delivered attempt
  uint32_t max_codeword_errors = 0;  ///< worst codeword of the last attempt
  uint32_t retries = 0;              ///< read-retry steps used (0 = first read ok)
  bool uncorrectable = false;
  double rber = 0;                   ///< modelled raw BER at the first attempt
};

/// Where a bit error count is being drawn (fault-injection hook argument).
struct FaultSite {
  uint32_t channel = 0;
  PageAddr addr;
  uint32_t attempt = 0;   ///< 0 = first read, k = k-th read-retry
  uint32_t codeword = 0;
};

}  // namespace pnm::flash
