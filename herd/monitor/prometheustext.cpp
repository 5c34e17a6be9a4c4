// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/monitor/prometheustext.h"

#include <cmath>

namespace Herd {

void PrometheusText::family(QByteArrayView name, QByteArrayView type, QByteArrayView help)
{
    m_text += "# HELP ";
    m_text += name;
    m_text += ' ';
    m_text += help;
    m_text += "\n# TYPE ";
    m_text += name;
    m_text += ' ';
    m_text += type;
    m_text += '\n';
}

void PrometheusText::labelsAndName(QByteArrayView name, const Labels &labels)
{
    m_text += name;
    if (labels.isEmpty())
        return;
    m_text += '{';
    bool first = true;
    for (const auto &[label, value] : labels) {
        if (!first)
            m_text += ',';
        first = false;
        m_text += label;
        m_text += "=\"";
        for (const char c : value.toUtf8()) {
            if (c == '\\')
                m_text += "\\\\";
            else if (c == '"')
                m_text += "\\\"";
            else if (c == '\n')
                m_text += "\\n";
            else
                m_text += c;
        }
        m_text += '"';
    }
    m_text += '}';
}

void PrometheusText::sample(QByteArrayView name, const Labels &labels, double value)
{
    labelsAndName(name, labels);
    m_text += ' ';
    if (std::isinf(value))
        m_text += value > 0 ? "+Inf" : "-Inf";
    else if (std::isnan(value))
        m_text += "NaN";
    else
        m_text += QByteArray::number(value, 'g', 17);
    m_text += '\n';
}

void PrometheusText::sample(QByteArrayView name, const Labels &labels, quint64 value)
{
    labelsAndName(name, labels);
    m_text += ' ';
    m_text += QByteArray::number(value);
    m_text += '\n';
}

} // namespace Herd
