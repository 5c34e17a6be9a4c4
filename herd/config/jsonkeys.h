#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Herd {

// A key given twice in one JSON object. QJsonDocument keeps the last of
// them without a word, so a herd file with "nodes" twice, or a node twice
// inside "nodes", would lose the first silently.
struct DuplicateKey
{
    QString path; // of the key, from the top: "nodes.Alford", "steps[3].node"
    qsizetype line = 0;
    qsizetype column = 0; // in bytes, as QJsonParseError's offsets are; from 1
    qsizetype firstLine = 0;
    qsizetype firstColumn = 0;

    // "duplicate key at line 5, column 5 (first at line 3, column 5)"
    QString describe() const;
};

// The first duplicate key of `json`, at any depth, in text order. Keys are
// compared as decoded text, so "port" and "p\u006frt" are the same key.
// Meant for text QJsonDocument has accepted; on anything else it returns
// without reading out of bounds, but what it finds means little.
std::optional<DuplicateKey> findDuplicateKey(QByteArrayView json);

} // namespace Herd
