# Builds pyperfmap's trampoline against the own headers of every supported CPython that
# scripts/pythons.sh lists (pyenv's, the system's, the private roots of
# scripts/sid-pythons.sh; PYPERFMAP_PYTHONS overrides the search), and writes for the
# tests and benchmarks, in build/python/:
#   interpreters.txt  "version path" of each interpreter built for
#   unsupported.txt   "version path" of interpreters found outside the supported range
#   unbuilt.txt       "3.N reason" for each supported minor version without a build

set(PYPERFMAP_PYTHONS "" CACHE STRING "CPython interpreters to build the trampoline for (default: search)")
set(PPM_PYDIR ${CMAKE_BINARY_DIR}/python)
set(PPM_TRAMPOLINE_SOURCES
  trampoline/module.c trampoline/arena.c trampoline/mapwriter.c trampoline/jitdump.c
  trampoline/core_access.c)

# The supported minor versions: 3.${PPM_PY_MIN_MINOR} to 3.${PPM_PY_MAX_MINOR}.
set(PPM_PY_MIN_MINOR 8)
set(PPM_PY_MAX_MINOR 15)

# Where to look is scripts/pythons.sh's business, shared with the tests and benchmarks.
execute_process(COMMAND ${CMAKE_COMMAND} -E env "PYPERFMAP_PYTHONS=${PYPERFMAP_PYTHONS}"
                        sh ${CMAKE_SOURCE_DIR}/scripts/pythons.sh
                OUTPUT_VARIABLE _found OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REPLACE "\n" ";" _candidates "${_found}")

set(_probe [=[
import sys, sysconfig, os
v = sys.version_info
print("%d.%d.%d" % v[:3])
print("%d%d" % v[:2])
print(sysconfig.get_paths()["include"])
print(sysconfig.get_config_var("EXT_SUFFIX") or "")
print(sysconfig.get_config_var("Py_GIL_DISABLED") or 0)
libdir = sysconfig.get_config_var("LIBDIR") or ""
# A tree unpacked elsewhere (a private root) keeps its configured LIBDIR: look under
# sys.prefix for it.
if libdir.startswith("/usr/") and sys.prefix.endswith("/usr") and sys.prefix != "/usr" \
        and not os.path.exists(os.path.join(libdir, sysconfig.get_config_var("LDLIBRARY") or "")):
    libdir = sys.prefix + libdir[4:]
print(libdir)
print(sysconfig.get_config_var("LDLIBRARY") or "")
print(os.path.realpath(sys.executable))
print(sysconfig.get_config_var("Py_ENABLE_SHARED") or 0)
]=])

set(PPM_PY_VERSIONS "")
set(PPM_PY_EXES "")
set(PPM_PY_INCLUDES "")
set(PPM_PY_UNSUPPORTED "")   # "version path" lines: found, but no build is possible
set(_why_none "")            # "minor|reason" for versions in range that were not built
set(_seen_real "")
set(_seen_versions "")
foreach(py ${_candidates})
  execute_process(COMMAND ${py} -c "${_probe}" OUTPUT_VARIABLE _out RESULT_VARIABLE _rc ERROR_QUIET)
  if(NOT _rc EQUAL 0)
    continue()
  endif()
  string(REPLACE "\n" ";" _lines "${_out}")
  list(GET _lines 0 _ver)
  list(GET _lines 1 _tag)
  list(GET _lines 2 _inc)
  list(GET _lines 3 _suffix)
  list(GET _lines 4 _nogil)
  list(GET _lines 5 _libdir)
  list(GET _lines 6 _ldlib)
  list(GET _lines 7 _real)
  list(GET _lines 8 _shared)
  if(_real IN_LIST _seen_real)
    continue()
  endif()
  list(APPEND _seen_real ${_real})
  string(REGEX REPLACE "^([0-9]+\\.[0-9]+)\\..*" "\\1" _mm ${_ver})
  string(REGEX REPLACE "^3\\.([0-9]+)\\..*" "\\1" _minor ${_ver})
  if(_minor LESS PPM_PY_MIN_MINOR OR _minor GREATER PPM_PY_MAX_MINOR)
    message(STATUS "pyperfmap trampoline: skipping ${py} (Python ${_ver}: only 3.${PPM_PY_MIN_MINOR}-3.${PPM_PY_MAX_MINOR} are supported)")
    string(APPEND PPM_PY_UNSUPPORTED "${_ver} ${_real}\n")
    continue()
  endif()
  if(_nogil)
    message(STATUS "pyperfmap trampoline: skipping ${py} (free-threaded builds are not supported)")
    list(APPEND _why_none "${_mm}|${py} is a free-threaded build, which is not supported")
    continue()
  endif()
  if(NOT EXISTS ${_inc}/Python.h)
    message(STATUS "pyperfmap trampoline: skipping ${py} (no headers: install its -dev package)")
    list(APPEND _why_none "${_mm}|${py} has no headers (install its -dev package)")
    continue()
  endif()
  if(_ver IN_LIST _seen_versions)
    message(STATUS "pyperfmap trampoline: skipping ${py} (Python ${_ver} already built)")
    continue()
  endif()
  list(APPEND _seen_versions ${_ver})
  string(REPLACE "." "_" _id ${_ver})
  set(_target ppm_trampoline_${_id})
  add_library(${_target} MODULE ${PPM_TRAMPOLINE_SOURCES})
  target_include_directories(${_target} PRIVATE ${_inc})
  target_compile_options(${_target} PRIVATE -fno-strict-aliasing -Wno-missing-field-initializers)
  set_target_properties(${_target} PROPERTIES
    PREFIX "" OUTPUT_NAME pyperfmap SUFFIX "${_suffix}"
    LIBRARY_OUTPUT_DIRECTORY ${PPM_PYDIR}/_builds/${_ver}
    C_VISIBILITY_PRESET hidden)
  install(TARGETS ${_target} LIBRARY DESTINATION ${PPM_INSTALL_PYDIR}/_builds/${_ver})
  # A stand-in for another library's PEP 523 hook, for the chaining test.
  if(BUILD_TESTING)
    add_library(ppm_testhook_${_id} MODULE tests/progs/testhook.c trampoline/core_access.c)
    target_include_directories(ppm_testhook_${_id} PRIVATE ${_inc})
    target_compile_options(ppm_testhook_${_id} PRIVATE -Wno-missing-field-initializers)
    set_target_properties(ppm_testhook_${_id} PROPERTIES
      PREFIX "" OUTPUT_NAME ppm_testhook SUFFIX "${_suffix}"
      LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/python-test/${_ver}
      C_VISIBILITY_PRESET hidden)
  endif()
  list(APPEND PPM_PY_VERSIONS ${_ver})
  list(APPEND PPM_PY_EXES ${_real})
  list(APPEND PPM_PY_INCLUDES ${_inc})

  # pyperfmap-python<major.minor>: an interpreter with the trampoline built in, on
  # before the main module runs, for when the environment is ignored (-I, -E).
  set(_libpython ${_libdir}/${_ldlib})
  if(_shared AND EXISTS ${_libpython})
    set(_launcher pyperfmap-python${_mm})
    if(TARGET ${_launcher})
      set(_launcher pyperfmap-python${_ver})
    endif()
    add_executable(${_launcher} trampoline/launcher.c ${PPM_TRAMPOLINE_SOURCES})
    target_include_directories(${_launcher} PRIVATE ${_inc})
    target_compile_options(${_launcher} PRIVATE -fno-strict-aliasing -Wno-missing-field-initializers)
    target_compile_definitions(${_launcher} PRIVATE PPM_REAL_PYTHON="${_real}")
    target_link_libraries(${_launcher} PRIVATE ${_libpython} pthread)
    set_target_properties(${_launcher} PROPERTIES BUILD_RPATH ${_libdir} INSTALL_RPATH ${_libdir})
    install(TARGETS ${_launcher} RUNTIME DESTINATION bin)
    # An interpreter that runs on a loader of its own (a private root whose libc is
    # newer than the system's) gets a launcher that does the same: that loader, its
    # libraries found from every library (DT_RPATH), libpython's newer symbol
    # versions left to it at run time.
    execute_process(COMMAND readelf -l ${_real} OUTPUT_VARIABLE _phdrs ERROR_QUIET)
    if(_phdrs MATCHES "program interpreter: ([^]\n]+)]" AND
       NOT CMAKE_MATCH_1 STREQUAL "/lib64/ld-linux-x86-64.so.2")
      target_link_options(${_launcher} PRIVATE "-Wl,--dynamic-linker=${CMAKE_MATCH_1}"
        -Wl,--disable-new-dtags -Wl,--allow-shlib-undefined)
    endif()
  endif()
  message(STATUS "pyperfmap trampoline: Python ${_ver} (${_real})")
endforeach()

foreach(f pyperfmap.py pyperfmap_autostart.py sitecustomize.py pyperfmap.pth)
  configure_file(${CMAKE_SOURCE_DIR}/trampoline/python/${f} ${PPM_PYDIR}/${f} COPYONLY)
  install(FILES trampoline/python/${f} DESTINATION ${PPM_INSTALL_PYDIR})
endforeach()
# For the tests: one "version interpreter" line per build.
set(_lines "")
foreach(v e IN ZIP_LISTS PPM_PY_VERSIONS PPM_PY_EXES)
  string(APPEND _lines "${v} ${e}\n")
endforeach()
file(WRITE ${PPM_PYDIR}/interpreters.txt "${_lines}")
file(WRITE ${PPM_PYDIR}/unsupported.txt "${PPM_PY_UNSUPPORTED}")
# Why a supported minor version has no build here: the tests for it skip with this.
set(PPM_PY_UNBUILT "")
set(_unbuilt_lines "")
foreach(m RANGE ${PPM_PY_MIN_MINOR} ${PPM_PY_MAX_MINOR})
  set(_have 0)
  foreach(v ${PPM_PY_VERSIONS})
    if(v MATCHES "^3\\.${m}\\.")
      set(_have 1)
    endif()
  endforeach()
  if(NOT _have)
    set(_reason "no CPython 3.${m} found (scripts/pythons.sh lists where pyperfmap looks; PYPERFMAP_PYTHONS names others)")
    # scripts/deps.sh keeps why it could not provide a version.
    set(_cache "$ENV{PYPERFMAP_CACHE}")
    if(NOT _cache)
      set(_cache /var/cache/pyperfmap/cpython)
    endif()
    if(EXISTS ${_cache}/3.${m}.unavailable)
      file(READ ${_cache}/3.${m}.unavailable _why)
      string(STRIP "${_why}" _why)
      set(_reason "CPython 3.${m} could not be provided: ${_why}")
    endif()
    foreach(w ${_why_none})
      if(w MATCHES "^3\\.${m}\\|(.*)$")
        set(_reason "${CMAKE_MATCH_1}")
      endif()
    endforeach()
    list(APPEND PPM_PY_UNBUILT 3.${m})
    string(APPEND _unbuilt_lines "3.${m} ${_reason}\n")
  endif()
endforeach()
file(WRITE ${PPM_PYDIR}/unbuilt.txt "${_unbuilt_lines}")
list(JOIN PPM_PY_VERSIONS ", " _list)
message(STATUS "pyperfmap trampoline built for: ${_list}")
