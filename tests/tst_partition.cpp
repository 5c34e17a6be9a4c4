// SPDX-License-Identifier: GPL-3.0-or-later
// Named partitions on the herd's own graph (herd/partition.h): pure
// functions of a HerdConfig, so every answer is checked exactly, on the
// built-in herds and on small graphs made to show one rule each.

#include <algorithm>

#include <QTest>

#include "herd/config/herdconfig.h"
#include "tests/herdfixture.h"
#include "herd/partition.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

using Groups = QList<QStringList>;
using Links = QList<Partition::Link>;

namespace QTest {

// Readable failures: QCOMPARE prints both sides.
template <> char *toString(const Groups &groups)
{
    QStringList parts;
    for (const QStringList &group : groups)
        parts.append(u'[' + group.join(u", ") + u']');
    return qstrdup(parts.join(u' ').toUtf8().constData());
}

template <> char *toString(const Links &links)
{
    QStringList parts;
    for (const auto &[a, b] : links)
        parts.append(a + u'-' + b);
    return qstrdup(parts.join(u' ').toUtf8().constData());
}

} // namespace QTest

namespace {

HerdConfig builtIn(const QString &name)
{
    QString error;
    const std::optional<HerdConfig> config = HerdConfig::preset(name, &error);
    if (!config)
        qFatal("built-in herd %s: %s", qPrintable(name), qPrintable(error));
    return *config;
}

// A - B - C - D - E
HerdConfig chain()
{
    return HerdFixture::config({u"A"_s, u"B"_s, u"C"_s, u"D"_s, u"E"_s},
                               {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}, {u"C"_s, u"D"_s}, {u"D"_s, u"E"_s}});
}

// Every pair of A..E linked, in the order a herd file would list them.
HerdConfig complete5()
{
    const QStringList names {u"A"_s, u"B"_s, u"C"_s, u"D"_s, u"E"_s};
    QList<std::pair<QString, QString>> links;
    for (int i = 0; i < names.size(); ++i) {
        for (int j = i + 1; j < names.size(); ++j)
            links.append({names[i], names[j]});
    }
    return HerdFixture::config(names, links);
}

} // namespace

class TestPartition : public QObject
{
    Q_OBJECT

private slots:
    // Alford, Blake and Goloman each hang one node off a four-node ring, so
    // the node it hangs off is their only articulation node; Riley is a
    // ring with a triangle and has none.
    void bridgeOnBuiltInHerds_data()
    {
        QTest::addColumn<QString>("herd");
        QTest::addColumn<Groups>("expected");
        QTest::newRow("alford") << u"alford"_s
                                << Groups {{u"Parker"_s},
                                           {u"Alford"_s, u"Bolden"_s, u"Powell"_s},
                                           {u"Hamilton"_s}};
        QTest::newRow("blake") << u"blake"_s
                               << Groups {{u"Bryant"_s}, {u"Blake"_s, u"Gasol"_s, u"Howard"_s}, {u"Metta"_s}};
        QTest::newRow("goloman") << u"goloman"_s
                                 << Groups {{u"Holiday"_s},
                                            {u"Goloman"_s, u"Hands"_s, u"Wilkes"_s},
                                            {u"Welsh"_s}};
    }

    void bridgeOnBuiltInHerds()
    {
        QFETCH(QString, herd);
        QFETCH(Groups, expected);
        const HerdConfig config = builtIn(herd);
        QString error;
        QCOMPARE(Partition::bridge(config, &error), expected);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Cutting what crosses the groups leaves exactly those groups
        // (components() orders them by herd-file order, hence the sort).
        Groups pieces = Partition::components(config, Partition::crossingLinks(config, expected));
        Groups sorted = expected;
        std::sort(pieces.begin(), pieces.end());
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(pieces, sorted);
    }

    void bridgeErrorNamesAHerdWithoutOne()
    {
        const HerdConfig riley = builtIn(u"riley"_s);
        QString error;
        QVERIFY(Partition::bridge(riley, &error).isEmpty());
        QVERIFY2(error.contains(u'"' + riley.name + u'"'), qPrintable(error));
        QVERIFY2(error.contains(u"no bridge node"_s), qPrintable(error));

        // A ring has none either, and a herd of one or two nodes cannot.
        const HerdConfig ring = HerdFixture::config({u"A"_s, u"B"_s, u"C"_s},
                                                    {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}, {u"C"_s, u"A"_s}});
        QVERIFY(Partition::bridge(ring).isEmpty());
        QVERIFY(Partition::bridge(HerdFixture::config({u"A"_s, u"B"_s}, {{u"A"_s, u"B"_s}})).isEmpty());
        QVERIFY(Partition::bridge(HerdFixture::config({u"A"_s})).isEmpty());
    }

    // In A-B-C-D-E, B, C and D are all articulation nodes; C splits most evenly.
    void bridgePicksTheMostBalancedSplit()
    {
        QCOMPARE(Partition::bridge(chain()), (Groups {{u"C"_s}, {u"A"_s, u"B"_s}, {u"D"_s, u"E"_s}}));
    }

    // A herd already in pieces: only a node that splits a piece counts.
    void bridgeInAHerdAlreadyInPieces()
    {
        const HerdConfig pieces =
            HerdFixture::config({u"A"_s, u"B"_s, u"C"_s, u"D"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}});
        QCOMPARE(Partition::bridge(pieces), (Groups {{u"B"_s}, {u"A"_s}, {u"C"_s}, {u"D"_s}}));
    }

    void majoritiesRingOnACompleteHerd()
    {
        const HerdConfig config = complete5();
        const Links cut = Partition::majoritiesRing(config);
        QCOMPARE(
            cut,
            (Links {
                {u"A"_s, u"C"_s}, {u"A"_s, u"D"_s}, {u"B"_s, u"D"_s}, {u"B"_s, u"E"_s}, {u"C"_s, u"E"_s}}));
        // Each node keeps exactly its two ring neighbours...
        for (const QString &node : config.nodeNames()) {
            int kept = 0;
            for (const QString &neighbour : config.neighboursOf(node)) {
                const bool isCut = cut.contains({node, neighbour}) || cut.contains({neighbour, node});
                kept += isCut ? 0 : 1;
            }
            QCOMPARE(kept, 2);
        }
        // ...and flooding relays along the ring, so nobody goes stale.
        QCOMPARE(Partition::components(config, cut), (Groups {config.nodeNames()}));
    }

    // Alford lacks most ring links: there the ring splits the herd for real.
    void majoritiesRingOnAlford()
    {
        const HerdConfig alford = builtIn(u"alford"_s);
        QCOMPARE(alford.nodeNames(),
                 (QStringList {u"Alford"_s, u"Bolden"_s, u"Hamilton"_s, u"Parker"_s, u"Powell"_s}));
        const Links cut = Partition::majoritiesRing(alford);
        QCOMPARE(
            cut,
            (Links {{u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Parker"_s}, {u"Bolden"_s, u"Powell"_s}}));
        QCOMPARE(Partition::components(alford, cut),
                 (Groups {{u"Alford"_s, u"Powell"_s}, {u"Bolden"_s}, {u"Hamilton"_s, u"Parker"_s}}));
    }

    void majoritiesRingCutsNothingInASmallHerd()
    {
        const HerdConfig triangle = HerdFixture::config(
            {u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}, {u"C"_s, u"A"_s}});
        QVERIFY(Partition::majoritiesRing(triangle).isEmpty());
    }

    void componentsAfterCuts()
    {
        const HerdConfig config = chain();
        QCOMPARE(Partition::components(config), (Groups {config.nodeNames()}));
        // Either orientation of a link names it.
        QCOMPARE(Partition::components(config, {{u"C"_s, u"B"_s}}),
                 (Groups {{u"A"_s, u"B"_s}, {u"C"_s, u"D"_s, u"E"_s}}));
        QCOMPARE(Partition::components(config, {{u"A"_s, u"B"_s}, {u"D"_s, u"E"_s}}),
                 (Groups {{u"A"_s}, {u"B"_s, u"C"_s, u"D"_s}, {u"E"_s}}));
        // Links the herd does not have cut nothing.
        QCOMPARE(Partition::components(config, {{u"A"_s, u"E"_s}}), (Groups {config.nodeNames()}));

        const HerdConfig alford = builtIn(u"alford"_s);
        QCOMPARE(Partition::components(
                     alford, Partition::crossingLinks(alford, Partition::isolate(alford, u"Parker"_s))),
                 (Groups {{u"Alford"_s, u"Bolden"_s, u"Powell"_s}, {u"Hamilton"_s}, {u"Parker"_s}}));
    }

    void presetsCutTheirLinks()
    {
        QCOMPARE(Partition::presetNames(),
                 (QStringList {u"isolate"_s, u"halves"_s, u"bridge"_s, u"majorities-ring"_s}));
        const HerdConfig alford = builtIn(u"alford"_s);
        const Links parkersLinks {
            {u"Alford"_s, u"Parker"_s}, {u"Bolden"_s, u"Parker"_s}, {u"Hamilton"_s, u"Parker"_s}};
        const auto cutBy = [&alford](const QString &name, const QString &node = {}) {
            QString error;
            const std::optional<Links> links = Partition::preset(alford, name, node, &error);
            if (!links)
                qWarning("preset %s: %s", qPrintable(name), qPrintable(error));
            return links.value_or(Links {{u"error"_s, error}});
        };
        QCOMPARE(cutBy(u"isolate"_s, u"Parker"_s), parkersLinks);
        // Parker is also alford's bridge node.
        QCOMPARE(cutBy(u"bridge"_s), parkersLinks);
        QCOMPARE(cutBy(u"majorities-ring"_s), Partition::majoritiesRing(alford));
        QCOMPARE(cutBy(u"halves"_s), Partition::crossingLinks(alford, Partition::halves(alford)));
    }

    void presetErrors_data()
    {
        QTest::addColumn<QString>("herd");
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("node");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("unknown preset") << u"alford"_s << u"quarters"_s << QString()
                                        << QStringList {u"unknown partition \"quarters\""_s,
                                                        u"isolate, halves, bridge, majorities-ring"_s};
        QTest::newRow("isolate without a node")
            << u"alford"_s << u"isolate"_s << QString() << QStringList {u"\"isolate\" needs the node"_s};
        QTest::newRow("isolate an unknown node")
            << u"alford"_s << u"isolate"_s << u"Nobody"_s
            << QStringList {u"no node named \"Nobody\""_s, u"Alford, Bolden, Hamilton, Parker, Powell"_s};
        QTest::newRow("bridge without a bridge node")
            << u"riley"_s << u"bridge"_s << QString()
            << QStringList {u"partition \"bridge\""_s,
                            u"Riley, Jaquez, Juzang, Campbell, Bernard (CS 131 proxy herd)"_s,
                            u"no bridge node"_s};
    }

    void presetErrors()
    {
        QFETCH(QString, herd);
        QFETCH(QString, preset);
        QFETCH(QString, node);
        QFETCH(QStringList, mentions);
        QString error;
        QVERIFY(!Partition::preset(builtIn(herd), preset, node, &error));
        for (const QString &mention : std::as_const(mentions))
            QVERIFY2(error.contains(mention),
                     qPrintable(u"\""_s + error + u"\" lacks \""_s + mention + u'"'));
    }
};

QTEST_GUILESS_MAIN(TestPartition)
#include "tst_partition.moc"
