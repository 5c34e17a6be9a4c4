// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace Herd {

class JsonFields;

// Reads a JSON file a user wrote (a herd file, a scenario) strictly, and
// keeps the first problem as one message that names the key at fault:
// the text must parse, hold an object and give no key twice at any depth
// (QJsonDocument would keep the last silently), then JsonFields check
// each field. Later problems are dropped: they usually follow from the
// first.
class JsonReader
{
public:
    // The herd file and the scenario file each word their messages as their
    // documentation shows (docs/herd-file.md, docs/scenarios.md).
    enum class Wording {
        // nodes.Alford.port: must be between 0 and 65535
        // nodes.Alford: missing key "port"
        HerdFile,
        // step 4 (delay): "ms": must be a whole number from 0 to 60000
        // step 4 (delay): "ms": missing (a whole number from 0 to 60000)
        Scenario,
    };

    explicit JsonReader(Wording wording)
        : m_wording(wording)
    {}
    Q_DISABLE_COPY_MOVE(JsonReader)

    // The top-level object of `json`, or nothing with the problem recorded:
    // "not valid JSON at line 4, column 7: ...", `notAnObject`, or a
    // duplicate key's path and "duplicate key at line 5, column 5 (first at
    // line 3, column 5)".
    std::optional<JsonFields> read(const QByteArray &json, const QString &notAnObject);
    // The same for the file at `path`, read with readBoundedFile() (at most
    // MaxHerdFileBytes): every message then starts with the path
    // ("labs/x.json: step 4 (cut): ..."), and a file that cannot be read is
    // "PATH: cannot read: REASON".
    std::optional<JsonFields> readFile(const QString &path, const QString &notAnObject);

    // Records the problem, if it is the first, as "CONTEXT: PATH: WHAT"
    // (each part only when given). Returns false.
    bool fail(const QString &context, const QString &path, const QString &what);
    QString message() const { return m_message; }
    Wording wording() const { return m_wording; }

private:
    Wording m_wording;
    QString m_file;
    QString m_message;
};

// The fields of one JSON object in a file JsonReader reads, and the path to
// it. Every read checks the type and range of one field and, if they are
// wrong, records a problem naming the field's path and returns false; so
// callers chain reads with && and stop at the first false. An absent
// optional field is no problem and leaves the output as it was (its
// default).
class JsonFields
{
public:
    enum Need { Optional, Required }; // may the field be absent?

    // `path` names this object in messages ("nodes.Alford", "holds");
    // `context` goes before it ("step 4 (cut)").
    JsonFields(const QJsonObject &object, JsonReader *reader, const QString &path = {},
               const QString &context = {});

    QStringList keys() const { return m_object.keys(); }
    bool has(const QString &key) const { return m_object.contains(key); }
    QJsonValue value(const QString &key) const { return m_object.value(key); }
    // Records `what` as the problem of `key` (the path of a field, an array
    // element such as "links[2]", or empty for this object). Returns false.
    bool fail(const QString &key, const QString &what) const;
    // Refuses the first key not in `allowed`.
    bool onlyKeys(const QStringList &allowed) const;

    // The object at `key`, or nothing with the problem recorded: "must be an
    // object", followed by " like " and `example` when one is given.
    std::optional<JsonFields> object(const QString &key, const QString &example = {}) const;
    bool boolean(const QString &key, bool *out) const;
    // Any string, empty or not.
    bool string(const QString &key, QString *out) const;
    // `example` says what is expected: "a node name".
    bool nonEmptyString(const QString &key, QString *out, Need need, const QString &example) const;
    // A whole number from `min` to `max`.
    bool integer(const QString &key, qint64 min, qint64 max, qint64 *out, Need need = Optional) const;
    bool integer(const QString &key, qint64 min, qint64 max, int *out, Need need = Optional) const;

private:
    QString pathOf(const QString &key) const;
    bool missing(const QString &key, const QString &expected) const;

    QJsonObject m_object;
    JsonReader *m_reader;
    QString m_path;
    QString m_context;
};

// The JSON files in `folder` (the built-in herds, the labs), by name
// without ".json", in order.
QStringList jsonFileNames(const QString &folder);

} // namespace Herd
