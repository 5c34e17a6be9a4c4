#pragma once

#include <QByteArray>
#include <QString>

namespace Herd {

// Authentication between the nodes of a herd that has a shared secret (herd
// file "auth"). The connecting node proves it knows the secret, to a fresh
// challenge of the accepting node, and then seals every line it sends:
//
//   connecting:  AUTH HELLO <self> <nonce>
//   accepting:   AUTH CHALLENGE <self> <nonce> <mac>        (it knows the secret too)
//   connecting:  AUTH <seq> <mac> <line>                    for each AT or SYNC line
//
// The MACs are HMAC-SHA256, truncated to 128 bits, under a key made from the
// secret and both nonces, so a line recorded on one connection is worthless
// on any other; on its own connection the sequence number must be exactly
// the next one, so it cannot be replayed, dropped or reordered either.
// Without a secret none of this is used: the herd stays open to any node
// that speaks PROTOCOL.md.

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

private:
    QByteArray m_secret;
    QByteArray m_self;
    QByteArray m_neighbour;
    QByteArray m_nonce;
    QByteArray m_key;
    qint64 m_sequence = 0;
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

private:
    QByteArray m_secret;
    QByteArray m_self;
    QByteArray m_neighbour;
    QByteArray m_key;
    qint64 m_sequence = 0;
};

namespace PeerAuth {
inline bool looksLikeAuth(const QByteArray &line) { return line.startsWith("AUTH "); }
QByteArray newNonce();
QByteArray sessionKey(const QByteArray &secret, const QByteArray &connecting, const QByteArray &accepting,
                      const QByteArray &connectingNonce, const QByteArray &acceptingNonce);
QByteArray challengeMac(const QByteArray &secret, const QByteArray &connecting, const QByteArray &accepting,
                        const QByteArray &connectingNonce, const QByteArray &acceptingNonce);
QByteArray lineMac(const QByteArray &key, qint64 sequence, const QByteArray &line);
// Compares in time independent of where they differ.
bool sameMac(const QByteArray &a, const QByteArray &b);
} // namespace PeerAuth

} // namespace Herd
