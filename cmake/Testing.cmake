# Test helpers: one Boost.Test executable per tests/ folder (style.md §5.15), fuzz targets built
# with clang-14 + libFuzzer, and a replay of every fuzz corpus through the same entry point.

# tsnode_add_test(NAME <exe> LABEL unit|actor|integration SOURCES ... [LIBS ...] [TIMEOUT s]
#                 [ARGS ...])
# Generates the Boost.Test main (BOOST_TEST_MODULE = NAME) and registers one ctest.
function(tsnode_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS;ARGS" ${ARGN})
  set(main ${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_main.cpp)
  file(CONFIGURE OUTPUT ${main} CONTENT
    "#define BOOST_TEST_MODULE ${T_NAME}\n#include <boost/test/unit_test.hpp>\n")
  add_executable(${T_NAME} ${main} ${T_SOURCES})
  target_compile_definitions(${T_NAME} PRIVATE BOOST_TEST_DYN_LINK)
  target_link_libraries(${T_NAME} PRIVATE Boost::unit_test_framework tsnode_test_support
    ${T_LIBS})
  tsnode_warnings(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} --color_output=no --report_level=short ${T_ARGS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT})
endfunction()

# tsnode_add_script_test(NAME <name> LABEL <label> COMMAND ... [TIMEOUT s])
function(tsnode_add_script_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "COMMAND" ${ARGN})
  add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT})
endfunction()

find_program(TSNODE_CLANGXX clang++-14)

# tsnode_add_fuzzer(NAME <name> FUZZ <fuzz.cpp> CORE <core sources...> [LINK <flags...>]
#                   LIBS <targets for the replay> CORPUS <dir>)
# Builds <name> with clang++-14 -fsanitize=fuzzer,address,undefined (when clang-14 exists), and
# always builds <name>_replay with the project compiler: a ctest that feeds every file of CORPUS
# (and tests/fuzz/regressions/<name>, when present) through LLVMFuzzerTestOneInput.
function(tsnode_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS;FUZZ" "CORE;LINK;LIBS" ${ARGN})
  add_executable(${F_NAME}_replay ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp ${F_FUZZ})
  target_include_directories(${F_NAME}_replay PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${F_NAME}_replay PRIVATE ${F_LIBS})
  set(dirs ${F_CORPUS})
  if(EXISTS ${PROJECT_SOURCE_DIR}/tests/fuzz/regressions/${F_NAME})
    list(APPEND dirs ${PROJECT_SOURCE_DIR}/tests/fuzz/regressions/${F_NAME})
  endif()
  add_test(NAME ${F_NAME}_replay COMMAND ${F_NAME}_replay ${dirs})
  set_tests_properties(${F_NAME}_replay PROPERTIES LABELS unit TIMEOUT 120)

  if(TSNODE_BUILD_FUZZERS AND TSNODE_CLANGXX)
    set(out ${CMAKE_BINARY_DIR}/fuzz/${F_NAME})
    set(abs_sources)
    foreach(s ${F_FUZZ} ${F_CORE})
      get_filename_component(a ${s} ABSOLUTE)
      list(APPEND abs_sources ${a})
    endforeach()
    add_custom_command(OUTPUT ${out}
      COMMAND ${TSNODE_CLANGXX} -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=undefined -I${PROJECT_SOURCE_DIR} ${abs_sources} ${F_LINK} -o ${out}
      DEPENDS ${abs_sources}
      COMMENT "libFuzzer target ${F_NAME} (clang++-14)"
      VERBATIM)
    file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    add_custom_target(${F_NAME} ALL DEPENDS ${out})
  endif()
endfunction()
