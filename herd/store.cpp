#include "store.h"

namespace Herd {

bool Store::offer(const Record &record)
{
    auto it = m_records.find(record.clientId);
    if (it == m_records.end()) {
        m_records.insert(record.clientId, record);
        return true;
    }
    if (record.timeNs <= it->timeNs)
        return false;
    *it = record;
    return true;
}

const Record *Store::find(const QByteArray &clientId) const
{
    const auto it = m_records.constFind(clientId);
    return it == m_records.cend() ? nullptr : &*it;
}

} // namespace Herd
