// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

#include <utility>

namespace Herd::Test {

// Watches every message the process logs for a secret (an API key), from
// construction to destruction, passing each one on as before: a suite that
// holds one can check that nothing it ran logged the secret. One at a time.
class SecretWatch
{
    Q_DISABLE_COPY_MOVE(SecretWatch)

public:
    explicit SecretWatch(QString secret)
    {
        s_secret = std::move(secret);
        s_seen = false;
        s_previous = qInstallMessageHandler(watch);
    }
    ~SecretWatch() { qInstallMessageHandler(s_previous); }

    bool seen() const { return s_seen; }

private:
    static void watch(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (message.contains(s_secret))
            s_seen = true;
        s_previous(type, context, message);
    }

    static inline QString s_secret;
    static inline bool s_seen = false;
    static inline QtMessageHandler s_previous = nullptr;
};

} // namespace Herd::Test
