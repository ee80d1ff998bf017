#include "tlm/flash/flash_storage.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tlm/flash/flash_reliability.hpp"

namespace pnm::flash {
namespace {

uint64_t page_key(uint64_t seed, uint32_t channel, uint64_t ppn) {
  return mix64(seed ^ mix64((uint64_t(channel) << 48) ^ ppn ^ 0x5DEECE66Dull));
}
uint64_t word(uint64_t key, uint64_t w) { return mix64(key + w * 0x9E3779B97F4A7C15ull); }

void fill_synthetic(uint64_t seed, uint32_t channel, uint64_t ppn, uint32_t column, uint8_t* dst,
                    uint32_t len) {
  const uint64_t key = page_key(seed, channel, ppn);
  uint32_t i = column;
  const uint32_t end = column + len;
  while (i < end) {
    const uint64_t v = word(key, i / 8);
    const uint32_t off = i % 8;
    const uint32_t n = std::min<uint32_t>(8 - off, end - i);
    for (uint32_t k = 0; k < n; ++k) dst[i - column + k] = uint8_t(v >> (8 * (off + k)));
    i += n;
  }
}

class TimingOnlyStore final : public PageStore {
 public:
  const char* name() const override { return "timing_only"; }
  bool read(uint64_t, uint32_t, uint8_t*, uint32_t) const override { return false; }
  void write(uint64_t, uint32_t, const uint8_t*, uint32_t) override {}
  void erase(uint64_t, uint32_t) override {}
  uint64_t bytes_held() const override { return 0; }
};

// Programmed pages only; shared by the sparse mode and the synthetic overlay.
class SparsePages {
 public:
  explicit SparsePages(uint32_t page_bytes) : page_bytes_(page_bytes) {}
  const std::vector<uint8_t>* find(uint64_t ppn) const {
    auto it = pages_.find(ppn);
    return it == pages_.end() ? nullptr : &it->second;
  }
  void write(uint64_t ppn, uint32_t column, const uint8_t* src, uint32_t len) {
    auto& p = pages_[ppn];
    if (p.empty()) p.assign(page_bytes_, 0xFF);
    std::memcpy(p.data() + column, src, len);
  }
  void erase(uint64_t first, uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) pages_.erase(first + i);
  }
  uint64_t bytes_held() const { return uint64_t(pages_.size()) * page_bytes_; }

 private:
  uint32_t page_bytes_;
  std::unordered_map<uint64_t, std::vector<uint8_t>> pages_;
};

class SparseStore final : public PageStore {
 public:
  explicit SparseStore(uint32_t page_bytes) : pages_(page_bytes) {}
  const char* name() const override { return "sparse"; }
  bool read(uint64_t ppn, uint32_t column, uint8_t* dst, uint32_t len) const override {
    if (const auto* p = pages_.find(ppn))
      std::memcpy(dst, p->data() + column, len);
    else
      std::memset(dst, 0xFF, len);
    return true;
  }
  void write(uint64_t ppn, uint32_t column, const uint8_t* src, uint32_t len) override {
    pages_.write(ppn, column, src, len);
  }
  void erase(uint64_t first, uint32_t count) override { pages_.erase(first, count); }
  uint64_t bytes_held() const override { return pages_.bytes_held(); }

 private:
  SparsePages pages_;
};

class SyntheticStore final : public PageStore {
 public:
  SyntheticStore(uint32_t page_bytes, uint64_t seed, uint32_t channel, uint32_t ppb)
      : overlay_(page_bytes), seed_(seed), channel_(channel), ppb_(ppb) {}
  const char* name() const override { return "synthetic"; }
  bool read(uint64_t ppn, uint32_t column, uint8_t* dst, uint32_t len) const override {
    if (const auto* p = overlay_.find(ppn))
      std::memcpy(dst, p->data() + column, len);
    else if (erased_blocks_.count(ppn / ppb_))
      std::memset(dst, 0xFF, len);
    else
      fill_synthetic(seed_, channel_, ppn, column, dst, len);
    return true;
  }
  void write(uint64_t ppn, uint32_t column, const uint8_t* src, uint32_t len) override {
    overlay_.write(ppn, column, src, len);
  }
  void erase(uint64_t first, uint32_t count) override {
    overlay_.erase(first, count);
    erased_blocks_.insert(first / ppb_);
  }
  uint64_t bytes_held() const override { return overlay_.bytes_held(); }

 private:
  SparsePages overlay_;
  std::unordered_set<uint64_t> erased_blocks_;
  uint64_t seed_;
  uint32_t channel_, ppb_;
};

}  // namespace

uint8_t synthetic_byte(uint64_t seed, uint32_t channel, uint64_t ppn, uint32_t i) {
  return uint8_t(word(page_key(seed, channel, ppn), i / 8) >> (8 * (i % 8)));
}

// The one factory: storage.mode -> implementation.
std::unique_ptr<PageStore> make_page_store(StorageMode mode, uint32_t page_bytes, uint64_t seed,
                                           uint32_t channel, uint32_t pages_per_block) {
  switch (mode) {
    case StorageMode::Sparse: return std::make_unique<SparseStore>(page_bytes);
    case StorageMode::Synthetic:
      return std::make_unique<SyntheticStore>(page_bytes, seed, channel, pages_per_block);
    case StorageMode::TimingOnly: break;
  }
  return std::make_unique<TimingOnlyStore>();
}

}  // namespace pnm::flash
