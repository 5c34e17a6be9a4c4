// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "herd/event.h"
#include "herd/places/placessource.h"

namespace Herd {
class Node;
class OfflinePlaces;
struct NodeSettings;
namespace Test {
class LineClient;
}
} // namespace Herd

// What the session suites (tst_session_*) share: one node, "Alford", served
// over real loopback TCP and seen as a client of docs/protocol.md sees it.
// Every wait is bounded; no fixed ports; no sleeps.
namespace SessionSupport {

constexpr int Wait = 5000; // ms: the bound on every single wait
constexpr qint64 Ns = 1'000'000'000;
inline const QByteArray NodeName = QByteArrayLiteral("Alford");
inline const QString LegacyPath = QStringLiteral("/maps/api/place/nearbysearch/json");

// A places source the test answers by hand, in any order: a WHATSAT that
// waits as long as the test wants, with no timer involved.
class ManualPlaces final : public Herd::PlacesSource
{
public:
    using PlacesSource::PlacesSource;
    QString description() const override { return QStringLiteral("manual (test)"); }
    void search(const Herd::PlacesQuery &query, Callback done) override;
    int pending() const;
    const QList<Herd::PlacesQuery> &queries() const { return m_queries; }
    // Answers search number `index` (in the order they were asked).
    void answer(size_t index, const QJsonObject &response);

private:
    QList<Herd::PlacesQuery> m_queries;
    std::vector<Callback> m_pending;
};

// A Google-style answer with `results` places named "<prefix> <i>".
QJsonObject placesAnswer(int results, const QString &prefix = QStringLiteral("Place"));

// "+12.345678901" -> ns; nullopt unless signed with exactly 9 fraction digits.
std::optional<qint64> parseDiff(const QByteArray &text);
// Client time text with `digits` fraction digits (truncated), and its value.
QByteArray timeText(qint64 ns, int digits);
qint64 truncated(qint64 ns, int digits);
QByteArray iamatLine(const QByteArray &id, const QByteArray &position, const QByteArray &time);
QByteArray nowText();
// Replies are "AT Alford <diff> <rest>"; the diff depends on the clock.
QByteArray withoutDiff(const QByteArray &atLine);

// The base of every session suite: a node per test function (startNode()),
// its events recorded, clients to talk to it. Its slots run in each suite.
class SessionTest : public QObject
{
    Q_OBJECT

public:
    SessionTest();
    ~SessionTest() override;

private slots:
    void initTestCase();
    void cleanup();

protected:
    Herd::Node *startNode(Herd::PlacesSource *places = nullptr, qsizetype maxLineBytes = 0,
                          const std::function<void(Herd::NodeSettings &)> &tune = {});
    QList<Herd::Event> refusals(const QString &detailPart) const;
    QList<Herd::Event> events(Herd::EventKind kind) const;
    QList<QByteArray> eventLines(Herd::EventKind kind) const;
    // Connects a new client, failing the test (returning null) if it cannot.
    std::unique_ptr<Herd::Test::LineClient> connectClient();
    // IAMAT now for `id` on `client`; returns the AT reply line.
    QByteArray storeClient(Herd::Test::LineClient &client, const QByteArray &id,
                           const QByteArray &position = QByteArrayLiteral("+34.068930-118.445127"));
    void verifyWhatsatReply(const QByteArray &reply, const QByteArray &atLine, int bound,
                            int *results = nullptr);

    std::unique_ptr<Herd::OfflinePlaces> m_offline;
    std::unique_ptr<Herd::Node> m_node;
    QList<Herd::Event> m_events;
};

} // namespace SessionSupport
