// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <optional>

// The five-node herd of tools/netns-herd.sh, one node per network namespace
// on 198.18.0.0/15, run for a suite: started by start(), taken down (nodes,
// namespaces, veths, bridge) by the destructor whatever the suite did, and
// by the script itself should the suite die first (a crash, the watchdog):
// its `up` stays in the foreground and is sent SIGTERM when the suite dies. Any
// suite may start one and read its herd file and monitors, so a window suite
// can attach to the same kind of herd the namespace suite checks.
namespace NetnsSupport {

struct NetnsNode
{
    QString name;
    QString host; // its namespace's address
    quint16 port = 0;
    QString monitorUrl; // "http://198.18.x.y:9100"
};

class NetnsHerd
{
public:
    NetnsHerd();
    ~NetnsHerd();
    NetnsHerd(const NetnsHerd &) = delete;
    NetnsHerd &operator=(const NetnsHerd &) = delete;

    // Starts the herd (the script's `up`), its monitors answering.
    // False with *error set if it failed; *unavailable is true when the
    // failure is that this machine cannot make namespaces (not root, no
    // CAP_NET_ADMIN, no ip), a reason to skip rather than fail.
    bool start(QString *error, bool *unavailable);

    QString herdFile() const;
    // The node's log (--log-dir), for a failure's message.
    QByteArray logOf(const QString &node) const;
    // The monitors' bearer token (the herd file's HERD_MONITOR_TOKEN).
    QByteArray token() const { return m_token; }
    const QList<NetnsNode> &nodes() const { return m_nodes; }
    std::optional<NetnsNode> node(const QString &name) const;

    // The node's veth set down (a partition made in the kernel) or up.
    bool cut(const QString &node, QString *error = nullptr);
    bool mend(const QString &node, QString *error = nullptr);
    // From inside the node's namespace, which reaches it even while it is
    // cut: a client line and the first line of its answer; a monitor GET.
    std::optional<QByteArray> send(const QString &node, const QByteArray &line);
    std::optional<QByteArray> get(const QString &node, const QString &path);
    // Takes the herd down; safe to call twice.
    void stop();

private:
    struct Run
    {
        int exitCode = -1; // -1: it crashed or did not finish
        QByteArray out;
        QByteArray err;
    };
    Run script(const QStringList &arguments, int timeoutMs) const;
    bool linkStep(const QString &command, const QString &node, QString *error) const;
    QString runDir() const;
    bool readHerd(QString *error);

    QTemporaryDir m_dir;
    QProcess m_up; // the script's `up`, which holds the herd until it is sent SIGTERM
    bool m_started = false;
    QByteArray m_token;
    QList<NetnsNode> m_nodes;
};

} // namespace NetnsSupport
