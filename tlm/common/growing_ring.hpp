// boost::circular_buffer as a queue that keeps every value: a full one
// overwrites its front on push_back (and drops a value on insert), so before
// adding, a full ring doubles (MinQueue, TimeRuns). A ring instead of a
// deque: a deque's push and pop walk its node map, and a default-constructed
// deque allocates one.
#pragma once

#include <algorithm>
#include <cstddef>

#include <boost/circular_buffer.hpp>

namespace pnm {

// Room for one more value, `min_capacity` at least once grown.
template <class T>
void make_room_for_one(boost::circular_buffer<T>& ring, std::size_t min_capacity) {
  if (ring.full()) ring.set_capacity(std::max(min_capacity, 2 * ring.capacity()));
}

}  // namespace pnm
