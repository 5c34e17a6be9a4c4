// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace Herd {

// Authentication between the nodes of a herd that has a shared secret (herd
// file "auth"). The connecting node proves it knows the secret, to a fresh
// challenge of the accepting node, and then seals every line it sends:
//
//   connecting:  AUTH HELLO <self> <nonce>
//   accepting:   AUTH CHALLENGE <self> <nonce> <mac>        (it knows the secret too)
//   connecting:  AUTH <seq> <mac> <line>                    for each AT or SYNC line
//   accepting:   AUTH <seq> <mac> <line>                    each line it answers with
//
// The MACs are HMAC-SHA256, truncated to 128 bits, under a key made from the
// secret and both nonces, so a line recorded on one connection is worthless
// on any other; on its own connection the sequence number must be exactly
// the next one, so it cannot be replayed, dropped or reordered either.
// The answers of the accepting side (a resync exchange runs on the
// connection that asked, peersession.h) are sealed the same way, under a key
// of their own and with their own sequence, so a line cannot be reflected
// back to the side that sealed it.
// Without a secret none of this is used: the herd stays open to any node
// that speaks docs/protocol.md.

// The connecting side of one connection (a PeerLink).
class PeerSealer final
{
public:
    PeerSealer(const QByteArray &secret, const QByteArray &self, const QByteArray &neighbour);

    QByteArray hello() const;
    // The neighbour's "AUTH CHALLENGE" line; false, with why, if it does not
    // prove that the neighbour knows the secret.
    bool acceptChallenge(const QByteArray &line, QString *why);
    bool isReady() const { return !m_key.isEmpty(); }
    QByteArray seal(const QByteArray &line);
    // A sealed answer of the neighbour's, unsealed; nullopt, with why, if its
    // MAC or sequence is wrong.
    std::optional<QByteArray> open(const QByteArray &line, QString *why);

private:
    QByteArray m_secret;
    QByteArray m_self;
    QByteArray m_neighbour;
    QByteArray m_nonce;
    QByteArray m_key;
    QByteArray m_answerKey;
    qint64 m_sequence = 0;
    qint64 m_answerSequence = 0;
};

// The accepting side of one connection (a ClientSession).
class PeerGate final
{
public:
    PeerGate(const QByteArray &secret, const QByteArray &self);

    struct Outcome
    {
        enum class Kind { Reply, Line, Refused };
        Kind kind = Kind::Refused;
        QByteArray text; // Reply: the line to send back; Line: the line unsealed
        QString why;     // Refused
    };
    // A line starting "AUTH ".
    Outcome accept(const QByteArray &line);
    // The neighbour that said HELLO, once it did.
    const QByteArray &neighbour() const { return m_neighbour; }
    bool isReady() const { return !m_key.isEmpty(); }
    // One of our answers, sealed for the neighbour (after HELLO only).
    QByteArray seal(const QByteArray &line);

private:
    QByteArray m_secret;
    QByteArray m_self;
    QByteArray m_neighbour;
    QByteArray m_key;
    QByteArray m_answerKey;
    qint64 m_sequence = 0;
    qint64 m_answerSequence = 0;
};

namespace PeerAuth {
inline bool looksLikeAuth(const QByteArray &line)
{
    return line.startsWith("AUTH ");
}
QByteArray newNonce();
QByteArray sessionKey(const QByteArray &secret, const QByteArray &connecting, const QByteArray &accepting,
                      const QByteArray &connectingNonce, const QByteArray &acceptingNonce);
QByteArray challengeMac(const QByteArray &secret, const QByteArray &connecting, const QByteArray &accepting,
                        const QByteArray &connectingNonce, const QByteArray &acceptingNonce);
QByteArray lineMac(const QByteArray &key, qint64 sequence, const QByteArray &line);
// The key of the accepting side's answers, from the session key.
QByteArray answerKey(const QByteArray &sessionKey);
// "AUTH <seq> <mac> <line>"; and its parts checked against `key` and the
// sequence due, the line returned, or nullopt with why.
QByteArray sealLine(const QByteArray &key, qint64 sequence, const QByteArray &line);
std::optional<QByteArray> openLine(const QByteArray &key, qint64 due, const QByteArray &sealed, QString *why);
// Compares in time independent of where they differ.
bool sameMac(const QByteArray &a, const QByteArray &b);
} // namespace PeerAuth

} // namespace Herd
