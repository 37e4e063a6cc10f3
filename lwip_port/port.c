/* The little lwIP needs from its platform with NO_SYS=1: a millisecond clock, random numbers
 * and the TCP ISN hook. Randomness comes from libsodium (dependencies.md §2: lwIP's default
 * rand() is never seeded, so every run picked the same ephemeral port). */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "lwip/arch.h"
#include "lwip/ip_addr.h"
#include "tsnode_lwip_hooks.h"
#include "tsnode_lwip_port.h"

static tsnode_lwip_clock_fn clock_fn = NULL;
static void* clock_ctx = NULL;

void tsnode_lwip_set_clock(tsnode_lwip_clock_fn fn, void* ctx) {
  clock_fn = fn;
  clock_ctx = ctx;
}

u32_t sys_now(void) {
  if (clock_fn != NULL)
    return clock_fn(clock_ctx);
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (u32_t)((u64_t)ts.tv_sec * 1000u + (u64_t)ts.tv_nsec / 1000000u);
}

unsigned int tsnode_lwip_rand(void) {
  if (sodium_init() < 0)
    abort();
  return randombytes_random();
}

/* RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), with M a timer
 * ticking every 4 microseconds and F a keyed PRF (SipHash-2-4 here). */
u32_t tsnode_lwip_tcp_isn(const ip_addr_t* local_ip, u16_t local_port, const ip_addr_t* remote_ip,
                          u16_t remote_port) {
  static unsigned char secret[crypto_shorthash_KEYBYTES];
  static int have_secret = 0;
  if (!have_secret) {
    if (sodium_init() < 0)
      abort();
    randombytes_buf(secret, sizeof secret);
    have_secret = 1;
  }
  /* Only the address bytes: ip_addr_t has padding that must not feed the hash. */
  unsigned char in[16 + 16 + 4];
  size_t n = 0;
  const ip_addr_t* addrs[2] = {local_ip, remote_ip};
  for (int i = 0; i < 2; ++i) {
    if (IP_IS_V6(addrs[i])) {
      memcpy(in + n, ip_2_ip6(addrs[i])->addr, 16);
      n += 16;
    } else {
      memcpy(in + n, &ip_2_ip4(addrs[i])->addr, 4);
      n += 4;
    }
  }
  in[n++] = (unsigned char)(local_port >> 8);
  in[n++] = (unsigned char)local_port;
  in[n++] = (unsigned char)(remote_port >> 8);
  in[n++] = (unsigned char)remote_port;
  unsigned char h[crypto_shorthash_BYTES];
  crypto_shorthash(h, in, n, secret);
  u32_t f;
  memcpy(&f, h, sizeof f);
  return f + sys_now() * 250u; /* 250 ticks of 4 µs per millisecond */
}
