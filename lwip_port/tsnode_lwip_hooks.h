/* Hook declarations lwIP includes through LWIP_HOOK_FILENAME (lwipopts.h). */
#ifndef TSNODE_LWIP_HOOKS_H
#define TSNODE_LWIP_HOOKS_H
#include "lwip/arch.h"
#include "lwip/ip_addr.h"
#ifdef __cplusplus
extern "C" {
#endif
/** Returns an RFC 6528 initial sequence number: a 4 µs clock plus a keyed hash of the 4-tuple. */
u32_t tsnode_lwip_tcp_isn(const ip_addr_t* local_ip, u16_t local_port, const ip_addr_t* remote_ip,
                          u16_t remote_port);
#ifdef __cplusplus
}
#endif
#endif
