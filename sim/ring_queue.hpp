#pragma once
// A FIFO on a ring buffer that keeps its memory: the queues of the blocks fill and drain every
// tick, and std::deque would allocate and free its blocks each time.
#include <cstddef>
#include <vector>

namespace mosaic::sim {

template <typename T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  const T& at(std::size_t n) const { return items_[(head_ + n) & (items_.size() - 1)]; }  // n < size()
  const T& back() const { return items_[(head_ + size_ - 1) & (items_.size() - 1)]; }
  void push_back(const T& item) {
    if (size_ == items_.size()) grow();
    items_[(head_ + size_) & (items_.size() - 1)] = item;
    ++size_;
  }
  void pop_front() {
    head_ = (head_ + 1) & (items_.size() - 1);
    --size_;
  }
  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  void grow() {  // capacity stays a power of two, so wrapping is a mask
    std::vector<T> bigger(items_.empty() ? 16 : 2 * items_.size());
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = items_[(head_ + i) & (items_.size() - 1)];
    items_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> items_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace mosaic::sim
