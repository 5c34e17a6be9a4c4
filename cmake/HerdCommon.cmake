# SPDX-License-Identifier: GPL-3.0-or-later
# Settings every first-party target links: the language level, warnings and
# the Qt defines that keep string handling explicit. Third-party code
# (QCustomPlot) never links this, so its warnings cannot break our build.
add_library(herd_common INTERFACE)
target_compile_features(herd_common INTERFACE cxx_std_20)
target_compile_options(herd_common INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wformat=2
    $<$<BOOL:${HERD_WERROR}>:-Werror>)
target_compile_definitions(herd_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_USE_QSTRINGBUILDER
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    # Not QT_NO_FOREACH: qcustomplot.h uses foreach in its templates.
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    $<$<NOT:$<CONFIG:Debug>>:QT_NO_DEBUG_OUTPUT>)
option(HERD_WERROR "Treat warnings as errors" OFF)

# First-party includes name their folder from the source root
# ("herd/node/node.h", "tests/lineclient.h").
target_include_directories(herd_common INTERFACE ${PROJECT_SOURCE_DIR})
