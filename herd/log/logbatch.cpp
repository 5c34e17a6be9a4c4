// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/log/logbatch_p.h"

#include <cstring>

namespace Herd {

void LogBatch::append(LogFile *file, const Event &event, Origin origin)
{
    Header h;
    std::memset(&h, 0, sizeof h); // no stray padding bytes in the buffer
    h.timeNs = event.timeNs;
    h.file = file;
    h.peerUnits = qint32(event.peer.size());
    h.detailUnits = qint32(event.detail.size());
    h.clientBytes = qint32(event.client.size());
    h.lineBytes = qint32(event.line.size());
    h.kind = event.kind;
    h.origin = origin;
    const qsizetype size =
        HeaderBytes + 2 * (event.peer.size() + event.detail.size()) + event.client.size() + event.line.size();
    const qsizetype start = m_bytes.size();
    m_bytes.resize(start + (size + Align - 1) / Align * Align);
    char *p = m_bytes.data() + start;
    std::memcpy(p, &h, sizeof h);
    p += HeaderBytes;
    const auto copy = [&p](const void *data, qsizetype bytes) {
        if (bytes > 0)
            std::memcpy(p, data, size_t(bytes));
        p += bytes;
    };
    // Through a view: QString::utf16() copies a literal's text to end it with a 0.
    copy(QStringView(event.peer).utf16(), 2 * event.peer.size());
    copy(QStringView(event.detail).utf16(), 2 * event.detail.size());
    copy(event.client.constData(), event.client.size());
    copy(event.line.constData(), event.line.size());
    if (origin == Origin::Event)
        ++m_events;
}

} // namespace Herd
