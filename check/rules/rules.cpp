// SPDX-License-Identifier: GPL-3.0-or-later
#include <QRegularExpression>

#include "check/rules/areas.h"

namespace Herd::Check {

const QList<Rule> &allRules()
{
    static const QList<Rule> rules = [] {
        QList<Rule> all;
        for (const QList<Rule> &area : {iamatRules(), whatsatRules(), inputRules(), floodRules(),
                                        robustnessRules(), speedRules(), faultRules()})
            all += area;
        return all;
    }();
    return rules;
}

QList<Rule> selectRules(const QStringList &patterns, QStringList *unmatched)
{
    if (patterns.isEmpty())
        return allRules();
    QList<QRegularExpression> expressions;
    for (const QString &pattern : patterns)
        expressions.append(QRegularExpression::fromWildcard(
            pattern, Qt::CaseInsensitive, QRegularExpression::UnanchoredWildcardConversion));
    QList<Rule> chosen;
    QList<bool> used(patterns.size(), false);
    for (const Rule &rule : allRules()) {
        bool match = false;
        for (qsizetype i = 0; i < expressions.size(); ++i) {
            const QRegularExpressionMatch m = expressions[i].match(rule.id);
            // Whole-id matches only, so "iamat.echo" is not "iamat.echo*".
            if (m.hasMatch() && m.capturedLength() == rule.id.size()) {
                match = true;
                used[i] = true;
            }
        }
        if (match)
            chosen.append(rule);
    }
    if (unmatched) {
        for (qsizetype i = 0; i < patterns.size(); ++i) {
            if (!used[i])
                unmatched->append(patterns[i]);
        }
    }
    return chosen;
}

QString sectionAnchor(const QString &section)
{
    // GitHub's rule: lower case, drop what is not a letter, digit, space or
    // '-', spaces to '-'.
    QString anchor;
    for (const QChar c : section.toLower()) {
        if (c.isLetterOrNumber() || c == u'-')
            anchor += c;
        else if (c == u' ')
            anchor += u'-';
    }
    return u'#' + anchor;
}

} // namespace Herd::Check
