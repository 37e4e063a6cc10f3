/* The clock lwIP runs on. The netstack's owner sets it; tests set a virtual one. */
#ifndef TSNODE_LWIP_PORT_H
#define TSNODE_LWIP_PORT_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
/** A source of milliseconds for sys_now(); NULL restores the monotonic system clock. */
typedef uint32_t (*tsnode_lwip_clock_fn)(void* ctx);
/** Sets the clock sys_now() reads. Call only from the thread that owns lwIP. */
void tsnode_lwip_set_clock(tsnode_lwip_clock_fn fn, void* ctx);
#ifdef __cplusplus
}
#endif
#endif
