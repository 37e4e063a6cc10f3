# lwIP 2.1.3 compiled from Debian's source package with our own lwipopts.h (dependencies.md §2).
# tools/setup unpacks the source into third_party/lwip (git-ignored); nothing of lwIP is committed.
set(LWIP_DIR ${PROJECT_SOURCE_DIR}/third_party/lwip/src)
if(NOT EXISTS ${LWIP_DIR}/core/tcp.c)
  message(FATAL_ERROR
    "lwIP source not found in third_party/lwip: run tools/setup, which unpacks Debian's lwip "
    "source package there")
endif()
file(GLOB LWIP_CORE_SRCS
  ${LWIP_DIR}/core/*.c ${LWIP_DIR}/core/ipv4/*.c ${LWIP_DIR}/core/ipv6/*.c)
add_library(lwip STATIC ${LWIP_CORE_SRCS} ${PROJECT_SOURCE_DIR}/lwip_port/port.c)
target_include_directories(lwip SYSTEM PUBLIC
  ${PROJECT_SOURCE_DIR}/lwip_port ${LWIP_DIR}/include)
target_link_libraries(lwip PRIVATE PkgConfig::SODIUM)
set_target_properties(lwip PROPERTIES C_STANDARD 99 POSITION_INDEPENDENT_CODE ON)
# lwIP is third-party C: its warnings are not ours to fix.
target_compile_options(lwip PRIVATE -w)
