// SPDX-License-Identifier: GPL-3.0-or-later
#include "check/report/junitreport.h"

#include <QXmlStreamWriter>

#include "check/report/reportsupport.h"
#include "check/report/terminalreport.h"

using namespace Qt::StringLiterals;

namespace Herd::Check {

namespace {

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', 3);
}

void writeProperty(QXmlStreamWriter &xml, const QString &name, const QString &value)
{
    xml.writeStartElement(u"property"_s);
    xml.writeAttribute(u"name"_s, name);
    xml.writeAttribute(u"value"_s, printable(value));
    xml.writeEndElement();
}

void writeTestCase(QXmlStreamWriter &xml, const RuleResult &result)
{
    const Verdict &verdict = result.verdict;
    xml.writeStartElement(u"testcase"_s);
    xml.writeAttribute(u"classname"_s, ruleArea(result.ruleId));
    xml.writeAttribute(u"name"_s, printable(result.name()));
    xml.writeAttribute(u"time"_s, seconds(result.elapsedMs));
    switch (verdict.outcome) {
    case Verdict::Outcome::Failed:
        xml.writeStartElement(u"failure"_s);
        xml.writeAttribute(u"message"_s,
                           printable(u"expected: " + verdict.expected + u"; got: " + verdict.actual));
        xml.writeAttribute(u"type"_s, u"failed"_s);
        xml.writeCharacters(
            printable(QStringLiteral("%1 (docs/protocol.md, \"%2\")\nexpected: %3\ngot:      %4\n\n"
                                     "transcript (> sent, < received, # note):\n%5")
                          .arg(result.title, result.section, verdict.expected, verdict.actual,
                               result.transcript.text())));
        xml.writeEndElement();
        break;
    case Verdict::Outcome::NotRun:
        xml.writeStartElement(u"skipped"_s);
        xml.writeAttribute(u"message"_s, printable(verdict.why));
        xml.writeEndElement();
        break;
    case Verdict::Outcome::Passed:
        break;
    }
    // A remark and figures are worth keeping even when the rule passed.
    QString out = verdict.isPassed() ? verdict.why : QString();
    for (const Figure &figure : verdict.figures)
        out += (out.isEmpty() ? u""_s : u"\n"_s) + figureText(figure);
    if (!out.isEmpty())
        xml.writeTextElement(u"system-out"_s, printable(out));
    xml.writeEndElement();
}

} // namespace

QByteArray junitReport(const QList<RuleResult> &results, const RunInfo &info)
{
    const Tally counts = tally(results);
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    xml.writeStartElement(u"testsuites"_s);
    xml.writeAttribute(u"name"_s, u"herd --check"_s);
    xml.writeAttribute(u"tests"_s, QString::number(results.size()));
    xml.writeAttribute(u"failures"_s, QString::number(counts.failed));
    xml.writeAttribute(u"errors"_s, u"0"_s);
    xml.writeAttribute(u"skipped"_s, QString::number(counts.notRun));
    xml.writeAttribute(u"time"_s, seconds(info.elapsedMs));

    xml.writeStartElement(u"testsuite"_s);
    xml.writeAttribute(u"name"_s, printable(info.herdName.isEmpty() ? info.targetPath : info.herdName));
    xml.writeAttribute(u"tests"_s, QString::number(results.size()));
    xml.writeAttribute(u"failures"_s, QString::number(counts.failed));
    xml.writeAttribute(u"errors"_s, u"0"_s);
    xml.writeAttribute(u"skipped"_s, QString::number(counts.notRun));
    xml.writeAttribute(u"time"_s, seconds(info.elapsedMs));
    // JUnit's timestamp has no time zone; it is UTC.
    xml.writeAttribute(u"timestamp"_s, info.startedAt.toUTC().toString(Qt::ISODate).remove(u'Z'));
    xml.writeStartElement(u"properties"_s);
    writeProperty(xml, u"target"_s, info.targetPath);
    writeProperty(xml, u"nodes"_s, info.nodes.join(u", "));
    writeProperty(xml, u"stopped"_s, info.cancelled ? u"true"_s : u"false"_s);
    xml.writeEndElement();
    for (const RuleResult &result : results)
        writeTestCase(xml, result);
    xml.writeEndElement();

    xml.writeEndElement();
    xml.writeEndDocument();
    return out;
}

} // namespace Herd::Check
