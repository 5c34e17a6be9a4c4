// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/config/boundedfile.h"

#include <QFile>

#include <algorithm>
#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Herd {

namespace {

QString typeName(mode_t mode)
{
    if (S_ISDIR(mode))
        return QStringLiteral("a directory");
    if (S_ISFIFO(mode))
        return QStringLiteral("a named pipe");
    if (S_ISCHR(mode))
        return QStringLiteral("a character device");
    if (S_ISBLK(mode))
        return QStringLiteral("a block device");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("of an unknown type");
}

QString sizeText(qint64 bytes)
{
    if (bytes > 0 && bytes % (1024 * 1024) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    if (bytes > 0 && bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

class Descriptor
{
public:
    explicit Descriptor(int fd)
        : m_fd(fd)
    {}
    ~Descriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

} // namespace

std::optional<QByteArray> readBoundedFile(const QString &path, qint64 maxBytes, QString *error)
{
    auto fail = [&](const QString &reason) -> std::optional<QByteArray> {
        if (error)
            *error = QStringLiteral("%1: cannot read: %2").arg(path, reason);
        return std::nullopt;
    };
    const QString tooLarge = u"larger than " + sizeText(maxBytes);

    // Built into the binary, so bounded, but QFile is the only way in.
    if (path.startsWith(u':')) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(file.errorString());
        if (file.size() > maxBytes)
            return fail(tooLarge);
        return file.readAll();
    }

    const QByteArray name = QFile::encodeName(path);
    struct stat info
    {};
    if (::stat(name.constData(), &info) != 0)
        return fail(qt_error_string(errno));
    if (!S_ISREG(info.st_mode))
        return fail(u"not a regular file (" + typeName(info.st_mode) + u')');
    if (info.st_size > maxBytes)
        return fail(tooLarge);
    // Should the path have become a pipe since the stat, O_NONBLOCK keeps
    // the open from waiting for a writer, and the fstat refuses it.
    const Descriptor file(::open(name.constData(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (file.get() < 0)
        return fail(qt_error_string(errno));
    if (::fstat(file.get(), &info) != 0)
        return fail(qt_error_string(errno));
    if (!S_ISREG(info.st_mode))
        return fail(u"not a regular file (" + typeName(info.st_mode) + u')');

    // One byte more than allowed tells a file that grew past the cap from
    // one that ends exactly at it. st_size is only a first guess: files in
    // /proc say 0.
    QByteArray data(std::min<qint64>(info.st_size, maxBytes) + 1, Qt::Uninitialized);
    qsizetype size = 0;
    for (;;) {
        if (size == data.size()) {
            if (size > maxBytes)
                return fail(tooLarge);
            data.resize(std::min<qint64>(2 * qint64(size) + 4096, maxBytes + 1));
        }
        const ssize_t count = ::read(file.get(), data.data() + size, size_t(data.size() - size));
        if (count < 0) {
            if (errno == EINTR)
                continue;
            return fail(qt_error_string(errno));
        }
        if (count == 0)
            break;
        size += count;
    }
    if (size > maxBytes)
        return fail(tooLarge);
    data.resize(size);
    return data;
}

} // namespace Herd
