// SPDX-License-Identifier: GPL-3.0-or-later
// Peer authentication: with a shared secret, neighbours prove they know it
// and seal each line (HMAC-SHA256, fresh per connection, numbered), and an
// AT or SYNC line from anyone else is answered "?" and logged.

#include <QTest>

#include "herd/cluster.h"
#include "tests/herdfixture.h"
#include "tests/lineclient.h"
#include "herd/node/node.h"
#include "herd/wire/peerauth_p.h"

using namespace Herd;
using namespace Herd::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 10'000;
const QByteArray Secret = "correct horse battery staple";

HerdConfig securedHerd(const QByteArray &secret = Secret)
{
    HerdConfig config = HerdFixture::config({u"A"_s, u"B"_s, u"C"_s}, {{u"A"_s, u"B"_s}, {u"B"_s, u"C"_s}});
    config.reconnectInitialMs = 20;
    config.reconnectMaxMs = 200;
    config.peerSecret = secret;
    return config;
}

// A connection's handshake, done by hand: the sealer's HELLO through the
// gate, the gate's CHALLENGE back.
bool handshake(PeerSealer &sealer, PeerGate &gate)
{
    const PeerGate::Outcome challenge = gate.accept(sealer.hello());
    QString why;
    return challenge.kind == PeerGate::Outcome::Kind::Reply && sealer.acceptChallenge(challenge.text, &why);
}

} // namespace

class TestPeerAuth final : public QObject
{
    Q_OBJECT

private slots:
    void sealedLinesPass();
    void tamperedReplayedAndForeignLinesFail();
    void wrongSecretFailsTheChallenge();
    void securedHerdFloodsAndResyncs();
    void unauthenticatedPeerLinesAreRefused();
    void neighbourWithAnotherSecretNeverConnects();
    void openHerdAnswersAuthLikeACourseServer();
};

void TestPeerAuth::sealedLinesPass()
{
    PeerSealer sealer(Secret, "A", "B");
    PeerGate gate(Secret, "B");
    QVERIFY(!sealer.isReady());
    QVERIFY(handshake(sealer, gate));
    QVERIFY(sealer.isReady());
    QCOMPARE(gate.neighbour(), QByteArray("A"));
    const QByteArray at = "AT A +0.5 kiwi +34.068930-118.445127 1700000000";
    for (int i = 0; i < 3; ++i) {
        const QByteArray sealed = sealer.seal(at);
        QVERIFY(sealed.startsWith(QByteArray("AUTH " + QByteArray::number(i + 1) + ' ')));
        QVERIFY(sealed.endsWith(QByteArray(' ' + at)));
        const PeerGate::Outcome outcome = gate.accept(sealed);
        QCOMPARE(outcome.kind, PeerGate::Outcome::Kind::Line);
        QCOMPARE(outcome.text, at);
    }
}

void TestPeerAuth::tamperedReplayedAndForeignLinesFail()
{
    PeerSealer sealer(Secret, "A", "B");
    PeerGate gate(Secret, "B");
    QVERIFY(handshake(sealer, gate));
    const QByteArray at = "AT A +0.5 kiwi +34.068930-118.445127 1700000000";

    QByteArray tampered = sealer.seal(at);
    tampered.replace("kiwi", "kiwj");
    PeerGate::Outcome outcome = gate.accept(tampered);
    QCOMPARE(outcome.kind, PeerGate::Outcome::Kind::Refused);
    QCOMPARE(outcome.why, u"wrong MAC"_s);

    // The tampered line used number 1; the genuine 2 is accepted, and then
    // a replay of it is not.
    const QByteArray second = sealer.seal(at);
    QCOMPARE(gate.accept(second).kind, PeerGate::Outcome::Kind::Refused); // 1 was never accepted
    PeerSealer fresh(Secret, "A", "B");
    PeerGate freshGate(Secret, "B");
    QVERIFY(handshake(fresh, freshGate));
    const QByteArray first = fresh.seal(at);
    QCOMPARE(freshGate.accept(first).kind, PeerGate::Outcome::Kind::Line);
    outcome = freshGate.accept(first);
    QCOMPARE(outcome.kind, PeerGate::Outcome::Kind::Refused);
    QCOMPARE(outcome.why, u"sequence 1 where 2 was due: a replayed or lost line"_s);

    // A line sealed on another connection is worthless here.
    PeerSealer other(Secret, "A", "B");
    PeerGate otherGate(Secret, "B");
    QVERIFY(handshake(other, otherGate));
    const QByteArray elsewhere = other.seal(at);
    PeerGate victim(Secret, "B");
    PeerSealer victimSealer(Secret, "A", "B");
    QVERIFY(handshake(victimSealer, victim));
    QCOMPARE(victim.accept(elsewhere).why, u"wrong MAC"_s);

    // Before HELLO, and a second HELLO, are refused.
    PeerGate early(Secret, "B");
    QCOMPARE(early.accept(elsewhere).why, u"a sealed line before AUTH HELLO"_s);
    QCOMPARE(victim.accept(victimSealer.hello()).why, u"a second AUTH HELLO on one connection"_s);
    QCOMPARE(early.accept("AUTH HELLO A").why, u"AUTH HELLO takes a node name and a nonce"_s);
}

void TestPeerAuth::wrongSecretFailsTheChallenge()
{
    PeerSealer sealer(Secret, "A", "B");
    PeerGate impostor("another secret, just as long", "B");
    const PeerGate::Outcome challenge = impostor.accept(sealer.hello());
    QCOMPARE(challenge.kind, PeerGate::Outcome::Kind::Reply);
    QString why;
    QVERIFY(!sealer.acceptChallenge(challenge.text, &why));
    QCOMPARE(why, u"the challenge's MAC is wrong: the neighbour has another secret"_s);
    QVERIFY(!sealer.isReady());
    QVERIFY(!sealer.acceptChallenge("AUTH CHALLENGE C 00 11", &why));
    QCOMPARE(why, u"the challenge came from \"C\", not B"_s);
}

void TestPeerAuth::securedHerdFloodsAndResyncs()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(securedHerd(), &error), qPrintable(error));
    QVERIFY(herd.waitForLinks());
    LineClient client;
    QVERIFY(client.connectTo(herd.port(u"A"_s)));
    client.send("IAMAT kiwi +34.068930-118.445127 1700000000\n");
    QVERIFY(herd.waitUntilAllStore("kiwi"));
    // On the wire every peer line was sealed; the events show the lines
    // themselves, as in an open herd.
    bool sawFlood = false;
    for (const Event &event : herd.events(EventKind::LineReceived, u"C"_s))
        sawFlood = sawFlood || (event.viaPeerLink && event.line.startsWith("AT A "));
    QVERIFY(sawFlood);
    QVERIFY(herd.events(EventKind::Refused).isEmpty());

    // Resync runs over sealed lines too.
    QVERIFY(herd.cluster()->kill(u"C"_s));
    client.send("IAMAT kiwi +34.068930-118.445127 1700000001\n");
    QTRY_COMPARE_WITH_TIMEOUT(herd.node(u"B"_s)->store().find("kiwi")->timeNs, 1700000001'000000000LL,
                              Timeout);
    QVERIFY2(herd.cluster()->restart(u"C"_s, &error), qPrintable(error));
    QVERIFY(herd.waitUntilAllStore("kiwi", 1700000001'000000000LL));
}

void TestPeerAuth::unauthenticatedPeerLinesAreRefused()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(securedHerd(), &error), qPrintable(error));
    LineClient intruder;
    QVERIFY(intruder.connectTo(herd.port(u"B"_s)));
    const QByteArray at = "AT A +0.5 forged +34.068930-118.445127 1700000000";
    intruder.send(at + "\nSYNC WANT A kiwi\nAUTH 1 00000000000000000000000000000000 " + at + '\n');
    QVERIFY(intruder.waitForLines(3));
    QCOMPARE(intruder.lines(),
             (QList<QByteArray> {"? " + at, "? SYNC WANT A kiwi",
                                 "? AUTH 1 00000000000000000000000000000000 " + at}));
    QVERIFY(!herd.node(u"B"_s)->store().find("forged"));
    const QList<Event> refused = herd.events(EventKind::Refused, u"B"_s);
    QCOMPARE(refused.size(), 3);
    QVERIFY2(refused[0].detail.contains(u"not from an authenticated neighbour"),
             qPrintable(refused[0].detail));
    QVERIFY2(refused[0].peer.startsWith(u"127.0.0.1:"), qPrintable(refused[0].peer));
    QVERIFY2(refused[2].detail.contains(u"before AUTH HELLO"), qPrintable(refused[2].detail));
    // The node still serves its clients.
    intruder.send("IAMAT kiwi +34.068930-118.445127 1700000000\n");
    QVERIFY(intruder.waitForLines(4));
    QVERIFY(intruder.lines().constLast().startsWith("AT B "));
}

void TestPeerAuth::neighbourWithAnotherSecretNeverConnects()
{
    // B alone, with another secret, on a port A's herd file names.
    HerdFixture impostor;
    QString error;
    HerdConfig other = HerdFixture::config({u"B"_s});
    other.peerSecret = "another secret, just as long";
    QVERIFY2(impostor.start(other, &error), qPrintable(error));
    HerdConfig config = securedHerd();
    config.nodes = {config.nodes[0], config.nodes[1]};
    config.links = {{u"A"_s, u"B"_s}};
    config.nodes[1].port = impostor.port(u"B"_s);
    HerdFixture herd;
    Cluster cluster(config, herd.places());
    QList<Event> errors;
    connect(&cluster, &Cluster::eventOccurred, this, [&errors](const Event &event) {
        if (event.kind == EventKind::Error)
            errors.append(event);
    });
    QVERIFY2(cluster.start({u"A"_s}, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(errors.size() >= 2, Timeout); // it keeps trying, and keeps failing
    QCOMPARE(errors[0].detail,
             u"authentication failed: the challenge's MAC is wrong: the neighbour has another secret"_s);
    QVERIFY(cluster.node(u"A"_s)->linkState(u"B"_s)->state != LinkState::State::Connected);
}

void TestPeerAuth::openHerdAnswersAuthLikeACourseServer()
{
    HerdFixture herd;
    QString error;
    QVERIFY2(herd.start(HerdFixture::config({u"A"_s}), &error), qPrintable(error));
    LineClient client;
    QVERIFY(client.connectTo(herd.port(u"A"_s)));
    client.send("AUTH HELLO B 0123\n");
    QVERIFY(client.waitForLines(1));
    QCOMPARE(client.lines().constFirst(), QByteArray("? AUTH HELLO B 0123"));
}

QTEST_GUILESS_MAIN(TestPeerAuth)
#include "tst_peerauth.moc"
