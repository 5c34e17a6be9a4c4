// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace Herd {

// Writes Prometheus' text exposition format, version 0.0.4: a family's
// HELP and TYPE lines, then its samples, one family after another (the
// format wants each family's samples together). Label values are escaped
// as the format says (backslash, double quote, line feed).
class PrometheusText final
{
public:
    using Labels = QList<std::pair<QByteArrayView, QString>>;
    static constexpr auto ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // `type`: counter, gauge or histogram.
    void family(QByteArrayView name, QByteArrayView type, QByteArrayView help);
    void sample(QByteArrayView name, const Labels &labels, double value);
    void sample(QByteArrayView name, const Labels &labels, quint64 value);

    QByteArray text() const { return m_text; }

private:
    void labelsAndName(QByteArrayView name, const Labels &labels);

    QByteArray m_text;
};

} // namespace Herd
