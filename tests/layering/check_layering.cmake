# ctest `layering`: the sans-I/O rule of design.md and style.md §5.1, checked two ways.
#  1. No source in a pure core includes CAF, Asio, spdlog, lwIP's tcpip.h or a socket header, or
#     reads a clock: cores take bytes and `now` in and say what to do next.
#  2. Each core library links only what design.md's layout table allows.
# Run: cmake -DSOURCE_DIR=<repo> -DLINKS_FILE=<build>/layering_links.txt -P check_layering.cmake

set(failures "")

# -- 1. includes and clock reads -----------------------------------------------------------------
# folder => why it must stay pure
set(pure_dirs crypto wireguard proxy control netstack)
# Each rule is "<regex> => <why>"; the why must not contain a semicolon (a CMake list separator).
set(forbidden
  "#include[ \t]*[<\"]caf/ => CAF: actors live in actors/, cores must run without an actor system"
  "#include[ \t]*[<\"]asio => Asio: sockets and timers belong to the shells in actors/"
  "#include[ \t]*[<\"]spdlog => spdlog: cores return results, shells log them"
  "#include[ \t]*[<\"]lwip/tcpip\\.h => lwIP's tcpip.h is the threaded API, the netstack is NO_SYS"
  "#include[ \t]*<(sys/socket|netinet/[a-z_]+|arpa/inet|netdb|sys/epoll|poll)\\.h> => a socket header: cores never do I/O"
  "#include[ \t]*<thread> => threads belong to the shells"
  "(steady_clock|system_clock|high_resolution_clock)::now => a clock read: `now` is a parameter"
  "(clock_gettime|gettimeofday)[ \t]*\\( => a clock read: `now` is a parameter")
foreach(dir ${pure_dirs})
  if(NOT IS_DIRECTORY ${SOURCE_DIR}/${dir})
    continue()
  endif()
  file(GLOB_RECURSE files ${SOURCE_DIR}/${dir}/*.hpp ${SOURCE_DIR}/${dir}/*.cpp
       ${SOURCE_DIR}/${dir}/*.h ${SOURCE_DIR}/${dir}/*.c)
  foreach(f ${files})
    # Match each rule against the whole file first; walk the lines only to report a hit.
    file(READ ${f} content)
    foreach(rule ${forbidden})
      string(FIND "${rule}" " => " at)
      string(SUBSTRING "${rule}" 0 ${at} pattern)
      if(NOT content MATCHES "${pattern}")
        continue()
      endif()
      math(EXPR at "${at} + 4")
      string(SUBSTRING "${rule}" ${at} -1 why)
      file(STRINGS ${f} lines)
      set(n 0)
      foreach(line IN LISTS lines)
        math(EXPR n "${n} + 1")
        if(line MATCHES "${pattern}")
          file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
          string(APPEND failures "  ${rel}:${n}: ${why}\n      ${line}\n")
        endif()
      endforeach()
    endforeach()
  endforeach()
endforeach()

# -- 2. what each core links ---------------------------------------------------------------------
# target => allowed link items (regex of each item)
set(allowed_tsnode_crypto "^(PkgConfig::SODIUM|PkgConfig::B2)$")
set(allowed_tsnode_wireguard "^(tsnode_crypto)$")
set(allowed_tsnode_proxy "^$")
set(allowed_tsnode_control
  "^(tsnode_crypto|PkgConfig::NGHTTP2|zstd::libzstd_shared|zstd::libzstd_static|nlohmann_json::nlohmann_json)$")
set(allowed_tsnode_netstack "^(lwip|tsnode_crypto)$")
# api/ (the embedding interfaces) sits on the actor ring: the node façade and what it needs.
set(allowed_tsnode_api "^(tsnode_actors|tsnode_wireguard|CAF::core|spdlog::spdlog)$")
if(EXISTS ${LINKS_FILE})
  file(STRINGS ${LINKS_FILE} link_lines)
  foreach(line IN LISTS link_lines)
    if(NOT line MATCHES "^([a-z_]+)=(.*)$")
      continue()
    endif()
    set(target ${CMAKE_MATCH_1})
    string(REPLACE "|" ";" items "${CMAKE_MATCH_2}")
    foreach(item ${items})
      if(NOT item MATCHES "${allowed_${target}}")
        string(APPEND failures
          "  ${target} links ${item}: design.md's layout table does not allow it for this ring\n")
      endif()
    endforeach()
  endforeach()
endif()

if(failures)
  message(FATAL_ERROR "layering violations (design.md, style.md §5.1):\n${failures}")
endif()
message(STATUS "layering: pure cores are free of I/O, CAF, Asio, spdlog and clocks")
