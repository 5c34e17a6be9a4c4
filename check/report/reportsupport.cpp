// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/report/reportsupport.h"

#include <QSaveFile>

#include "check/rule.h"

namespace Herd::Check {

QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const char16_t u = c.unicode();
        if (u == u'\n' || u == u'\t') {
            out += c;
        } else if (u == u'\r') {
            out += u"\\r";
        } else if (u < 0x20 || u == 0x7f) {
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QChar(u'0'));
        } else if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            out += c;
            out += text.at(++i);
        } else if (c.isSurrogate() || u == 0xfffe || u == 0xffff) {
            out += QStringLiteral("\\u%1").arg(u, 4, 16, QChar(u'0'));
        } else {
            out += c;
        }
    }
    return out;
}

QString escapedLine(const QByteArray &bytes)
{
    return Transcript::escaped(bytes).replace(QStringLiteral("\\n\n"), QStringLiteral("\\n"));
}

QString ruleArea(const QString &ruleId)
{
    return ruleId.section(u'.', 0, 0);
}

QString statusWord(Verdict::Outcome outcome)
{
    return outcome == Verdict::Outcome::Failed ? QStringLiteral("FAILED") : outcomeName(outcome);
}

QString sectionLink(const RuleResult &result)
{
    return u"docs/protocol.md" + sectionAnchor(result.section);
}

bool saveReport(const QString &path, const QByteArray &contents, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size() || !file.commit()) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Herd::Check
