// SPDX-License-Identifier: GPL-3.0-or-later
#include "herd/places/placesfactory.h"

#include "herd/places/googleplaces.h"
#include "herd/places/offlineplaces.h"

namespace Herd {

std::unique_ptr<PlacesSource> makePlacesSource(const PlacesSettings &settings, QString *error)
{
    switch (settings.source) {
    case PlacesSettings::Source::Offline:
        return OfflinePlaces::fromEmbedded(error);
    case PlacesSettings::Source::GeoJson:
        return OfflinePlaces::fromGeoJsonFile(settings.file, error);
    case PlacesSettings::Source::Google:
    case PlacesSettings::Source::GoogleNew:
        break;
    }
    GooglePlacesOptions options;
    options.api =
        settings.source == PlacesSettings::Source::Google ? GoogleApi::Legacy : GoogleApi::PlacesNew;
    options.key = GooglePlaces::keyFromEnvironment();
    options.timeoutMs = settings.timeoutMs;
    if (!settings.url.isEmpty()) {
        options.url = QUrl(settings.url, QUrl::StrictMode);
        if (!options.url.isValid() || (options.url.scheme() != u"http" && options.url.scheme() != u"https")) {
            if (error)
                *error = QStringLiteral("places URL \"%1\" is not an http(s) URL").arg(settings.url);
            return nullptr;
        }
    } else if (options.key.isEmpty()) {
        if (error)
            *error = QStringLiteral(
                "Google places need an API key: set HERD_PLACES_KEY (or give a places URL of your own)");
        return nullptr;
    }
    return std::make_unique<GooglePlaces>(options);
}

} // namespace Herd
