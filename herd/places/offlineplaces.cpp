// SPDX-License-Identifier: GPL-3.0-or-later
// The embedded data set (made by tools/make-places.mjs) is, as qUncompress()
// reads it: a 4-byte big-endian length, then a zlib stream of UTF-8 text:
//   "# herd places v1\t<source>\t<count>\n"
//   then one "name\tlat\tlng\tcountryCode\tadmin1Name\n" line per place,
//   coordinates with 5 decimals, admin1Name possibly empty.
// Only the coordinates are parsed at load; the text is kept as is and a
// result's other fields are cut from its line when it is answered, which keeps
// 171k places to one buffer plus one offset each.

#include "herd/places/offlineplaces.h"

#include <charconv>
#include <mutex>
#include <vector>

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include "herd/config/boundedfile.h"
#include "herd/places/geoindex.h"

using namespace Qt::StringLiterals;

namespace Herd {

class OfflinePlaces::Data
{
public:
    virtual ~Data() = default;
    // One Nearby Search result object for the place with this index id.
    virtual QJsonObject result(quint32 id) const = 0;

    GeoIndex index;
    QString description;
    qsizetype size = 0;
};

namespace {

constexpr auto EmbeddedPath = ":/places/geonames-cities.bin"_L1;
constexpr QByteArrayView FormatTag = "# herd places v1\t";

QJsonObject makeResult(double latitude, double longitude, const QString &name, const QString &placeId,
                       const QJsonArray &types, const QString &vicinity)
{
    const QJsonObject location {{u"lat"_s, latitude}, {u"lng"_s, longitude}};
    return QJsonObject {
        {u"geometry"_s, QJsonObject {{u"location"_s, location}}},
        {u"name"_s, name},
        {u"place_id"_s, placeId},
        // Legacy clients of the old Places API still read "reference".
        {u"reference"_s, placeId},
        {u"types"_s, types},
        {u"vicinity"_s, vicinity},
    };
}

bool parseCoordinate(QByteArrayView text, double limit, double &value)
{
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end && value >= -limit && value <= limit;
}

// Fields of one place line; views into the kept text.
struct TsvFields
{
    QByteArrayView name, latitude, longitude, country, region;
};

bool splitLine(QByteArrayView line, TsvFields &fields)
{
    QByteArrayView parts[5];
    qsizetype start = 0;
    for (int i = 0; i < 4; ++i) {
        const qsizetype tab = line.indexOf('\t', start);
        if (tab < 0)
            return false;
        parts[i] = line.sliced(start, tab - start);
        start = tab + 1;
    }
    parts[4] = line.sliced(start);
    if (parts[4].contains('\t') || parts[0].isEmpty())
        return false;
    fields = {parts[0], parts[1], parts[2], parts[3], parts[4]};
    return true;
}

class TsvData final : public OfflinePlaces::Data
{
public:
    // Building a result (text cut from its line, a SHA-1, nested
    // QJsonObjects) costs far more than the search, and WHATSATs near one
    // spot ask for the same few places again and again: the results made are
    // kept, up to a bound, and shared (QJsonObject is implicitly shared).
    QJsonObject result(quint32 id) const override
    {
        {
            const std::lock_guard lock(m_cacheMutex);
            const auto cached = m_cache.constFind(id);
            if (cached != m_cache.cend())
                return *cached;
        }
        QJsonObject made = makeResultFor(id);
        const std::lock_guard lock(m_cacheMutex);
        if (m_cache.size() >= MaxCachedResults)
            m_cache.clear(); // rare; a working set that large is no longer one spot
        m_cache.insert(id, made);
        return made;
    }

    QByteArray m_text;                 // the uncompressed data set
    std::vector<quint32> m_lineStarts; // start of each place's line, then one past the end

private:
    // About 1 KiB each: a few MiB at most.
    static constexpr qsizetype MaxCachedResults = 4096;

    QJsonObject makeResultFor(quint32 id) const
    {
        const qsizetype start = m_lineStarts[id];
        const QByteArrayView line(m_text.constData() + start, m_lineStarts[id + 1] - 1 - start);
        TsvFields f;
        double latitude = 0;
        double longitude = 0;
        // Checked at load, so these hold.
        splitLine(line, f);
        parseCoordinate(f.latitude, 90, latitude);
        parseCoordinate(f.longitude, 180, longitude);

        const QString country = QString::fromUtf8(f.country);
        const QString vicinity = f.region.isEmpty() ? country : QString::fromUtf8(f.region) % u", " % country;
        // Hashing the line, not its position, keeps an id when other rows
        // come and go in a newer data set.
        const QByteArray hash = QCryptographicHash::hash(line, QCryptographicHash::Sha1);
        static const QJsonArray types {u"locality"_s, u"political"_s};
        return makeResult(latitude, longitude, QString::fromUtf8(f.name),
                          u"geonames:"_s % QString::fromLatin1(hash.left(8).toHex()), types, vicinity);
    }

    // The data is shared by every source over it, which may live in other
    // threads.
    mutable std::mutex m_cacheMutex;
    mutable QHash<quint32, QJsonObject> m_cache;
};

class GeoJsonData final : public OfflinePlaces::Data
{
public:
    QJsonObject result(quint32 id) const override { return m_results[id]; }

    std::vector<QJsonObject> m_results;
};

std::shared_ptr<const OfflinePlaces::Data> loadPlaces(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read places data %1: %2"_s.arg(path, file.errorString());
        return {};
    }
    // Resources and plain files both map without a copy.
    QByteArray copy;
    const uchar *packed = file.map(0, file.size());
    if (!packed) {
        copy = file.readAll();
        packed = reinterpret_cast<const uchar *>(copy.constData());
    }
    if (file.size() < 4) {
        *error = u"places data %1 is truncated (%2 bytes)"_s.arg(path).arg(file.size());
        return {};
    }

    auto data = std::make_shared<TsvData>();
    data->m_text = qUncompress(packed, file.size());
    const QByteArray &text = data->m_text;
    if (text.isEmpty() || !text.endsWith('\n')) {
        *error = u"places data %1 is damaged: not a complete qCompress()ed stream"_s.arg(path);
        return {};
    }

    const qsizetype headerEnd = text.indexOf('\n');
    const QByteArrayView header(text.constData(), headerEnd);
    const qsizetype countTab = header.lastIndexOf('\t');
    bool countOk = false;
    const qulonglong expected = header.sliced(countTab + 1).toULongLong(&countOk);
    if (!header.startsWith(FormatTag) || countTab < FormatTag.size() || !countOk || expected > 0xFFFFFFF0u
        || qulonglong(text.size()) > 0xFFFFFFF0u) {
        *error = u"places data %1 is not in the herd places v1 format"_s.arg(path);
        return {};
    }
    const QString source = QString::fromUtf8(header.sliced(FormatTag.size(), countTab - FormatTag.size()));

    // A damaged header must not make us reserve gigabytes: a line takes at
    // least 10 bytes.
    const std::size_t capacity = std::min<std::size_t>(expected, std::size_t(text.size()) / 10);
    std::vector<GeoPoint> points;
    points.reserve(capacity);
    data->m_lineStarts.reserve(capacity + 1);
    const char *const base = text.constData();
    qsizetype start = headerEnd + 1;
    while (start < text.size()) {
        const qsizetype end = text.indexOf('\n', start);
        const QByteArrayView line(base + start, end - start);
        TsvFields f;
        GeoPoint p;
        if (!splitLine(line, f) || !parseCoordinate(f.latitude, 90, p.latitude)
            || !parseCoordinate(f.longitude, 180, p.longitude)) {
            *error = u"places data %1 is damaged at line %2: \"%3\""_s.arg(path)
                         .arg(data->m_lineStarts.size() + 2)
                         .arg(QString::fromUtf8(line.first(std::min<qsizetype>(line.size(), 80))));
            return {};
        }
        data->m_lineStarts.push_back(quint32(start));
        points.push_back(p);
        start = end + 1;
    }
    data->m_lineStarts.push_back(quint32(text.size()));
    if (points.size() != expected) {
        *error = u"places data %1 holds %2 places but its header says %3"_s.arg(path)
                     .arg(points.size())
                     .arg(expected);
        return {};
    }

    data->index = GeoIndex(points);
    data->size = qsizetype(points.size());
    data->description = u"offline: GeoNames cities via %1 (%2 places)"_s.arg(source).arg(data->size);
    return data;
}

QString numberText(const QJsonValue &value)
{
    return value.isDouble()
        ? QString::number(value.toDouble(), 'g', 12)
        : QString::fromUtf8(
            QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact).chopped(1).sliced(1));
}

// Returns an empty string when the feature is good, else what is wrong with it.
QString readFeature(const QJsonValue &value, qsizetype i, GeoJsonData &data, std::vector<GeoPoint> &points)
{
    const QString where = u"features[%1]"_s.arg(i);
    const QJsonObject feature = value.toObject();
    if (!value.isObject() || feature.value(u"type"_s).toString() != u"Feature"_s)
        return where % u" is not a GeoJSON Feature object";

    const QJsonValue geometryValue = feature.value(u"geometry"_s);
    const QJsonObject geometry = geometryValue.toObject();
    const QString geometryType = geometry.value(u"type"_s).toString();
    if (!geometryValue.isObject() || geometryType != u"Point"_s) {
        return where % u" has no Point geometry ("
            % (geometryValue.isObject() ? QString(u"geometry type \""_s % geometryType % u'"')
                                        : QString(u"geometry is "_s % numberText(geometryValue)))
            % u')';
    }
    const QJsonArray coordinates = geometry.value(u"coordinates"_s).toArray();
    if (coordinates.size() < 2 || !coordinates.at(0).isDouble() || !coordinates.at(1).isDouble())
        return where % u" has bad coordinates: expected [longitude, latitude] numbers";
    const GeoPoint p {coordinates.at(1).toDouble(), coordinates.at(0).toDouble()};
    if (!(std::abs(p.longitude) <= 180))
        return where % u" has bad coordinates: longitude " % numberText(coordinates.at(0))
            % u" is outside [-180, 180]";
    if (!(std::abs(p.latitude) <= 90))
        return where % u" has bad coordinates: latitude " % numberText(coordinates.at(1))
            % u" is outside [-90, 90]";

    const QJsonObject properties = feature.value(u"properties"_s).toObject();
    QString name = properties.value(u"name"_s).toString();
    if (name.isEmpty())
        name = properties.value(u"title"_s).toString();
    if (name.isEmpty())
        name = u"Place %1"_s.arg(i + 1);

    QJsonArray types {u"point_of_interest"_s};
    if (properties.contains(u"types"_s)) {
        const QJsonValue typesValue = properties.value(u"types"_s);
        types = typesValue.toArray();
        const bool allStrings =
            std::all_of(types.begin(), types.end(), [](const QJsonValue &t) { return t.isString(); });
        if (!typesValue.isArray() || !allStrings)
            return where % u": properties.types is not an array of strings";
    }

    // An id the file gives wins; else one hashed from the place itself, so it
    // survives reordering the file.
    QString placeId = properties.value(u"place_id"_s).toString();
    const QJsonValue featureId = feature.value(u"id"_s);
    if (placeId.isEmpty() && featureId.isString())
        placeId = featureId.toString();
    else if (placeId.isEmpty() && featureId.isDouble())
        placeId = numberText(featureId);
    if (placeId.isEmpty()) {
        const QByteArray key = name.toUtf8() % '\t' % QByteArray::number(p.latitude, 'g', 17) % '\t'
            % QByteArray::number(p.longitude, 'g', 17);
        placeId = u"geojson:"_s
            % QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).left(8).toHex());
    }

    data.m_results.push_back(makeResult(p.latitude, p.longitude, name, placeId, types,
                                        properties.value(u"vicinity"_s).toString()));
    points.push_back(p);
    return {};
}

std::shared_ptr<const OfflinePlaces::Data> loadGeoJson(const QString &path, QString *error)
{
    QString unreadable;
    const std::optional<QByteArray> json = readBoundedFile(path, MaxPlacesFileBytes, &unreadable);
    if (!json) {
        *error = u"GeoJSON file "_s + unreadable;
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error =
            u"%1 is not JSON: %2 at offset %3"_s.arg(path, parseError.errorString()).arg(parseError.offset);
        return {};
    }
    const QJsonObject root = document.object();
    if (!document.isObject() || root.value(u"type"_s).toString() != u"FeatureCollection"_s) {
        *error = u"%1 is not a GeoJSON FeatureCollection (expected an object with \"type\": "
                 u"\"FeatureCollection\")"_s.arg(path);
        return {};
    }
    if (!root.value(u"features"_s).isArray()) {
        *error = u"%1: the FeatureCollection has no \"features\" array"_s.arg(path);
        return {};
    }

    const QJsonArray features = root.value(u"features"_s).toArray();
    auto data = std::make_shared<GeoJsonData>();
    std::vector<GeoPoint> points;
    points.reserve(std::size_t(features.size()));
    data->m_results.reserve(std::size_t(features.size()));
    for (qsizetype i = 0; i < features.size(); ++i) {
        const QString problem = readFeature(features.at(i), i, *data, points);
        if (!problem.isEmpty()) {
            *error = path % u": " % problem;
            return {};
        }
    }
    data->index = GeoIndex(points);
    data->size = qsizetype(points.size());
    data->description = u"offline: GeoJSON %1 (%2 places)"_s.arg(QFileInfo(path).fileName()).arg(data->size);
    return data;
}

QJsonObject response(const QJsonArray &results, const QString &status, const QString &message = {})
{
    QJsonObject answer {
        {u"html_attributions"_s, QJsonArray()},
        {u"results"_s, results},
        {u"status"_s, status},
    };
    if (!message.isEmpty())
        answer.insert(u"error_message"_s, message);
    return answer;
}

} // namespace

OfflinePlaces::OfflinePlaces(std::shared_ptr<const Data> data, QObject *parent)
    : PlacesSource(parent)
    , m_data(std::move(data))
{}

OfflinePlaces::~OfflinePlaces() = default;

std::unique_ptr<OfflinePlaces> OfflinePlaces::fromEmbedded(QString *error)
{
    // Loaded once and shared while any source holds it: every node of an
    // in-process herd asks for the same 171k places.
    static std::mutex mutex;
    static std::weak_ptr<const Data> cache;
    const std::lock_guard lock(mutex);
    std::shared_ptr<const Data> data = cache.lock();
    QString problem;
    if (!data) {
        data = loadPlaces(EmbeddedPath, &problem);
        cache = data;
    }
    if (error)
        *error = problem;
    return data ? std::unique_ptr<OfflinePlaces>(new OfflinePlaces(std::move(data))) : nullptr;
}

std::unique_ptr<OfflinePlaces> OfflinePlaces::fromPlacesFile(const QString &path, QString *error)
{
    QString problem;
    std::shared_ptr<const Data> data = loadPlaces(path, &problem);
    if (error)
        *error = problem;
    return data ? std::unique_ptr<OfflinePlaces>(new OfflinePlaces(std::move(data))) : nullptr;
}

std::unique_ptr<OfflinePlaces> OfflinePlaces::fromGeoJsonFile(const QString &path, QString *error)
{
    QString problem;
    std::shared_ptr<const Data> data = loadGeoJson(path, &problem);
    if (error)
        *error = problem;
    return data ? std::unique_ptr<OfflinePlaces>(new OfflinePlaces(std::move(data))) : nullptr;
}

QString OfflinePlaces::description() const
{
    return m_data->description;
}

qsizetype OfflinePlaces::size() const
{
    return m_data->size;
}

QJsonObject OfflinePlaces::answer(const PlacesQuery &query) const
{
    if (!(std::abs(query.latitude) <= 90) || !(std::abs(query.longitude) <= 180) || !(query.radiusKm > 0)
        || !std::isfinite(query.radiusKm) || query.bound < 1) {
        return response({}, u"INVALID_REQUEST"_s, u"position, radius or bound out of range"_s);
    }
    const std::vector<GeoIndex::Hit> hits =
        m_data->index.nearest({query.latitude, query.longitude}, query.radiusKm, std::size_t(query.bound));
    QJsonArray results;
    for (const GeoIndex::Hit &hit : hits)
        results.append(m_data->result(hit.id));
    return response(results, results.isEmpty() ? u"ZERO_RESULTS"_s : u"OK"_s);
}

void OfflinePlaces::search(const PlacesQuery &query, Callback done)
{
    done(answer(query));
}

} // namespace Herd
