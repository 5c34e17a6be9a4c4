# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one lab as a CTest test: `herd --scenario LAB`, logging into a fresh
# temporary folder that is removed afterwards. Fails when herd exits with
# anything but 0 (an expectation failed, or the lab could not run).
#
#   cmake -DHERD=<herd executable> -DLAB=<lab .json> -P runlab.cmake
if(DEFINED ENV{TMPDIR})
    set(base "$ENV{TMPDIR}")
else()
    set(base "/tmp")
endif()
get_filename_component(name "${LAB}" NAME_WE)
string(RANDOM LENGTH 12 tag)
set(logs "${base}/herd-lab-${name}-${tag}")
file(MAKE_DIRECTORY "${logs}")
execute_process(COMMAND "${HERD}" --scenario "${LAB}" --log-dir "${logs}" RESULT_VARIABLE status)
file(REMOVE_RECURSE "${logs}")
if(NOT status EQUAL 0)
    message(FATAL_ERROR "herd --scenario ${LAB}: exit status ${status}")
endif()
