/* lwIP compiler/platform glue for tsnode (NO_SYS, Linux, gcc/clang). */
#ifndef TSNODE_LWIP_ARCH_CC_H
#define TSNODE_LWIP_ARCH_CC_H
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
/** Returns 32 random bits from libsodium's CSPRNG (ephemeral ports, IDs). */
unsigned int tsnode_lwip_rand(void);
#ifdef __cplusplus
}
#endif
#define LWIP_RAND() ((u32_t)tsnode_lwip_rand())
#define LWIP_PLATFORM_DIAG(x)                                                                      \
  do {                                                                                             \
    printf x;                                                                                      \
  } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
  do {                                                                                             \
    fprintf(stderr, "lwIP assert: %s at %s:%d\n", x, __FILE__, __LINE__);                          \
    abort();                                                                                       \
  } while (0)
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS /* else "htons redefined" vs <arpa/inet.h> */
#define lwip_htons(x) ((u16_t)__builtin_bswap16(x))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32(x))
#endif
