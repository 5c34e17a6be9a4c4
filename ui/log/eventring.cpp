// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/log/eventring.h"

#include <QtGlobal>

#include <algorithm>

namespace HerdUi {

EventRing::EventRing(int capacity)
    : m_chunks(size_t((std::max(1, capacity) + ChunkSize - 1) / ChunkSize))
    , m_capacity(std::max(1, capacity))
{}

void EventRing::push(Herd::Event event)
{
    const int next = slot(m_size);
    std::unique_ptr<Herd::Event[]> &chunk = m_chunks[size_t(next / ChunkSize)];
    if (!chunk)
        chunk = std::make_unique<Herd::Event[]>(ChunkSize);
    at(next) = std::move(event);
    if (isFull())
        m_start = (m_start + 1) % m_capacity;
    else
        ++m_size;
}

void EventRing::dropFront(int count)
{
    Q_ASSERT(count >= 0 && count <= m_size);
    m_start = (m_start + count) % m_capacity;
    m_size -= count;
}

void EventRing::clear()
{
    m_start = 0;
    m_size = 0;
}

} // namespace HerdUi
