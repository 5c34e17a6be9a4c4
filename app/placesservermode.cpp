// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/placesservermode.h"

#include <QCoreApplication>
#include <QHostAddress>

#include "app/console.h"
#include "app/options.h"
#include "app/termination.h"
#include "herd/config/herdconfig.h"
#include "herd/places/placesfactory.h"
#include "http/placesserver.h"

int runPlacesServer(const Options &options)
{
    // The places flags as a herd would take them; the parser let only
    // --places-file through.
    Herd::HerdConfig config;
    applyPlacesOptions(options, &config);
    QString error;
    std::unique_ptr<Herd::PlacesSource> places = Herd::makePlacesSource(config.places, &error);
    if (!places) {
        printLine(stderr, u"herd: places: " + error);
        return 2;
    }
    QCoreApplication &app = *QCoreApplication::instance();
    if (!stopOnTerminationSignals(app))
        return 1;

    Herd::PlacesServer server(places.get());
    if (!server.listen(QHostAddress(options.placesServerAddress), options.placesServerPort, &error)) {
        printLine(stderr,
                  QStringLiteral("herd: places server: cannot listen on %1:%2: %3")
                      .arg(options.placesServerAddress)
                      .arg(options.placesServerPort)
                      .arg(error));
        return 1;
    }
    printLine(stdout,
              QStringLiteral("herd: places server on %1 (legacy: %2, new: %3); places: %4; stop with Ctrl-C")
                  .arg(server.url(), QString::fromLatin1(Herd::PlacesServer::LegacyPath),
                       QString::fromLatin1(Herd::PlacesServer::PlacesNewPath), places->description()));
    const int status = app.exec();
    printLine(stdout, QStringLiteral("herd: places server stopped"));
    return status;
}
