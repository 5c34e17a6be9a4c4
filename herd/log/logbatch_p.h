// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <cstring>

#include "herd/event.h"
#include "herd/log/logformat_p.h"

namespace Herd {

struct LogFile;

// Events on their way from the event loop to the log's writer thread, as
// compact records in one buffer: the loop copies each event's fields (the
// text ones as their UTF-16, unconverted), so it never formats, allocates
// per event or shares a reference count with the writer thread, which
// formats them. A record names the LogFile it goes to.
class LogBatch final
{
public:
    // A record the writer inserts itself (a note that events were lost), not an event.
    enum class Origin : quint8 { Event, Note };

    void append(LogFile *file, const Event &event, Origin origin = Origin::Event);
    void reserve(qsizetype bytes) { m_bytes.reserve(bytes); }
    qsizetype bytes() const { return m_bytes.size(); }
    bool isEmpty() const { return m_bytes.isEmpty(); }
    int events() const { return m_events; }

    // Calls visit(LogFile *, const LogFields &, Origin) for every record, in order.
    template <typename Visit> void forEach(Visit visit) const;

private:
    struct Header
    {
        qint64 timeNs;
        LogFile *file;
        qint32 peerUnits;
        qint32 detailUnits;
        qint32 clientBytes;
        qint32 lineBytes;
        EventKind kind;
        Origin origin;
    };
    // Records start 8-aligned, so the UTF-16 after a header is 2-aligned.
    static constexpr qsizetype Align = 8;
    static constexpr qsizetype HeaderBytes = (qsizetype(sizeof(Header)) + Align - 1) / Align * Align;

    QByteArray m_bytes;
    int m_events = 0;
};

template <typename Visit> void LogBatch::forEach(Visit visit) const
{
    const char *p = m_bytes.constData();
    const char *const end = p + m_bytes.size();
    while (p < end) {
        Header h;
        std::memcpy(&h, p, sizeof h);
        const char *field = p + HeaderBytes;
        LogFields fields;
        fields.timeNs = h.timeNs;
        fields.kind = h.kind;
        fields.peer = QStringView(reinterpret_cast<const char16_t *>(field), h.peerUnits);
        field += 2 * h.peerUnits;
        fields.detail = QStringView(reinterpret_cast<const char16_t *>(field), h.detailUnits);
        field += 2 * h.detailUnits;
        fields.client = QByteArrayView(field, h.clientBytes);
        field += h.clientBytes;
        fields.line = QByteArrayView(field, h.lineBytes);
        field += h.lineBytes;
        visit(h.file, fields, h.origin);
        p += (field - p + Align - 1) / Align * Align;
    }
}

} // namespace Herd
