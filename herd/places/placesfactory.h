// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>

#include "herd/config/herdconfig.h"
#include "herd/places/placessource.h"

namespace Herd {

// The places source a herd file (or the command line) asks for. For Google,
// the key comes from the environment (GooglePlaces::keyFromEnvironment()).
// Null, with a reason, if it cannot be made (unreadable GeoJSON, no key for
// Google's own endpoint, ...).
std::unique_ptr<PlacesSource> makePlacesSource(const PlacesSettings &settings, QString *error);

} // namespace Herd
