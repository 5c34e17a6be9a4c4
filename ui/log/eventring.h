// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <vector>

#include "herd/event.h"

namespace HerdUi {

// A bounded FIFO of events, oldest first, kept in fixed-size chunks that are
// allocated as the ring first reaches them. Growing never moves an event:
// a vector doubling its storage moved up to 100,000 of them at once, a
// 40 ms stall of the window in the middle of a busy herd. A full ring takes
// a new event in place of its oldest.
class EventRing final
{
public:
    explicit EventRing(int capacity);

    int size() const { return m_size; }
    int capacity() const { return m_capacity; }
    bool isFull() const { return m_size == m_capacity; }

    // Appends; when full, the oldest event makes room.
    void push(Herd::Event event);
    // Forgets the `count` oldest events (count <= size()).
    void dropFront(int count);
    // Empties the ring; its chunks stay for the events to come.
    void clear();

    // The event at `index`, 0 the oldest, index < size().
    Herd::Event &operator[](int index) { return at(slot(index)); }
    const Herd::Event &operator[](int index) const { return at(slot(index)); }

private:
    static constexpr int ChunkSize = 1024;

    int slot(int index) const { return (m_start + index) % m_capacity; }
    Herd::Event &at(int slot) { return m_chunks[size_t(slot / ChunkSize)][size_t(slot % ChunkSize)]; }
    const Herd::Event &at(int slot) const
    {
        return m_chunks[size_t(slot / ChunkSize)][size_t(slot % ChunkSize)];
    }

    std::vector<std::unique_ptr<Herd::Event[]>> m_chunks; // null until first reached
    int m_capacity;
    int m_start = 0; // slot of the oldest event
    int m_size = 0;
};

} // namespace HerdUi
