// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/wire/peerauth_p.h"

#include <QList>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace Herd {

namespace {

constexpr qsizetype MacHexLength = 32; // 128 bits

QByteArray hmac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

QList<QByteArray> fieldsOf(const QByteArray &line, int count)
{
    // The last field of a sealed line is the rest of it, spaces and all.
    QList<QByteArray> fields;
    qsizetype start = 0;
    while (fields.size() < count - 1) {
        const qsizetype space = line.indexOf(' ', start);
        if (space < 0)
            break;
        fields.append(line.mid(start, space - start));
        start = space + 1;
    }
    fields.append(line.mid(start));
    return fields;
}

} // namespace

namespace PeerAuth {

QByteArray newNonce()
{
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex();
}

QByteArray sessionKey(const QByteArray &secret, const QByteArray &connecting, const QByteArray &accepting,
                      const QByteArray &connectingNonce, const QByteArray &acceptingNonce)
{
    return hmac(secret,
                "herd-session " + connecting + ' ' + accepting + ' ' + connectingNonce + ' '
                    + acceptingNonce);
}

QByteArray challengeMac(const QByteArray &secret, const QByteArray &connecting, const QByteArray &accepting,
                        const QByteArray &connectingNonce, const QByteArray &acceptingNonce)
{
    return hmac(secret,
                "herd-challenge " + connecting + ' ' + accepting + ' ' + connectingNonce + ' '
                    + acceptingNonce)
        .toHex()
        .left(MacHexLength);
}

QByteArray lineMac(const QByteArray &key, qint64 sequence, const QByteArray &line)
{
    return hmac(key, QByteArray::number(sequence) + ' ' + line).toHex().left(MacHexLength);
}

QByteArray answerKey(const QByteArray &sessionKey)
{
    return hmac(sessionKey, "herd-answer");
}

QByteArray sealLine(const QByteArray &key, qint64 sequence, const QByteArray &line)
{
    return "AUTH " + QByteArray::number(sequence) + ' ' + lineMac(key, sequence, line) + ' ' + line;
}

std::optional<QByteArray> openLine(const QByteArray &key, qint64 due, const QByteArray &sealed, QString *why)
{
    const QList<QByteArray> fields = fieldsOf(sealed, 4);
    bool ok = false;
    const qint64 sequence = fields.size() == 4 && fields[0] == "AUTH" ? fields[1].toLongLong(&ok) : 0;
    if (!ok) {
        *why = QStringLiteral("a sealed line is AUTH <sequence> <mac> <line>");
        return std::nullopt;
    }
    if (!sameMac(fields[2], lineMac(key, sequence, fields[3]))) {
        *why = QStringLiteral("wrong MAC");
        return std::nullopt;
    }
    if (sequence != due) {
        *why = QStringLiteral("sequence %1 where %2 was due: a replayed or lost line").arg(sequence).arg(due);
        return std::nullopt;
    }
    return fields[3];
}

bool sameMac(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= char(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace PeerAuth

PeerSealer::PeerSealer(const QByteArray &secret, const QByteArray &self, const QByteArray &neighbour)
    : m_secret(secret)
    , m_self(self)
    , m_neighbour(neighbour)
    , m_nonce(PeerAuth::newNonce())
{}

QByteArray PeerSealer::hello() const
{
    return "AUTH HELLO " + m_self + ' ' + m_nonce;
}

bool PeerSealer::acceptChallenge(const QByteArray &line, QString *why)
{
    const QList<QByteArray> fields = line.split(' ');
    if (fields.size() != 5 || fields[0] != "AUTH" || fields[1] != "CHALLENGE") {
        *why = QStringLiteral("expected AUTH CHALLENGE, got \"%1\"").arg(QString::fromUtf8(line.left(80)));
        return false;
    }
    if (fields[2] != m_neighbour) {
        *why = QStringLiteral("the challenge came from \"%1\", not %2")
                   .arg(QString::fromUtf8(fields[2]), QString::fromUtf8(m_neighbour));
        return false;
    }
    const QByteArray expected = PeerAuth::challengeMac(m_secret, m_self, m_neighbour, m_nonce, fields[3]);
    if (!PeerAuth::sameMac(fields[4], expected)) {
        *why = QStringLiteral("the challenge's MAC is wrong: the neighbour has another secret");
        return false;
    }
    m_key = PeerAuth::sessionKey(m_secret, m_self, m_neighbour, m_nonce, fields[3]);
    m_answerKey = PeerAuth::answerKey(m_key);
    return true;
}

QByteArray PeerSealer::seal(const QByteArray &line)
{
    return PeerAuth::sealLine(m_key, ++m_sequence, line);
}

std::optional<QByteArray> PeerSealer::open(const QByteArray &line, QString *why)
{
    std::optional<QByteArray> opened = PeerAuth::openLine(m_answerKey, m_answerSequence + 1, line, why);
    if (opened)
        ++m_answerSequence;
    return opened;
}

PeerGate::PeerGate(const QByteArray &secret, const QByteArray &self)
    : m_secret(secret)
    , m_self(self)
{}

PeerGate::Outcome PeerGate::accept(const QByteArray &line)
{
    Outcome outcome;
    if (line.startsWith("AUTH HELLO ")) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() != 4 || fields[2].isEmpty() || fields[3].isEmpty()) {
            outcome.why = QStringLiteral("AUTH HELLO takes a node name and a nonce");
            return outcome;
        }
        if (!m_neighbour.isEmpty()) {
            outcome.why = QStringLiteral("a second AUTH HELLO on one connection");
            return outcome;
        }
        m_neighbour = fields[2];
        const QByteArray nonce = PeerAuth::newNonce();
        m_key = PeerAuth::sessionKey(m_secret, m_neighbour, m_self, fields[3], nonce);
        m_answerKey = PeerAuth::answerKey(m_key);
        outcome.kind = Outcome::Kind::Reply;
        outcome.text = "AUTH CHALLENGE " + m_self + ' ' + nonce + ' '
            + PeerAuth::challengeMac(m_secret, m_neighbour, m_self, fields[3], nonce);
        return outcome;
    }
    if (m_key.isEmpty()) {
        outcome.why = QStringLiteral("a sealed line before AUTH HELLO");
        return outcome;
    }
    std::optional<QByteArray> opened = PeerAuth::openLine(m_key, m_sequence + 1, line, &outcome.why);
    if (!opened)
        return outcome;
    ++m_sequence;
    outcome.kind = Outcome::Kind::Line;
    outcome.text = std::move(*opened);
    return outcome;
}

QByteArray PeerGate::seal(const QByteArray &line)
{
    return PeerAuth::sealLine(m_answerKey, ++m_answerSequence, line);
}

} // namespace Herd
