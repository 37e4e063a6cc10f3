/* lwIP options for tsnode: NO_SYS raw API, one owning thread, IPv4 + IPv6, large scaled windows
 * with SACK-out, memory from malloc on demand (dependencies.md §2). tsnode's own file, not lwIP's.
 */
#ifndef TSNODE_LWIPOPTS_H
#define TSNODE_LWIPOPTS_H

/* -- threading: one owner, no OS layer ---------------------------------------------------- */
#define NO_SYS 1
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_TIMERS 1

/* -- memory: from malloc, only where data is in flight (design.md "The data path") -------- */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1 /* no fixed pool limits: an idle pcb costs only its struct */
#define MEM_ALIGNMENT 8

/* -- protocols ------------------------------------------------------------------------------ */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define IPV6_FRAG_COPYHEADER 1 /* required on 64-bit, else lwip_init() asserts in ip6_frag.c */
#define LWIP_IPV6_MLD 0
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 0
#define LWIP_ARP 0 /* pure-IP netif: the tunnel has no link layer */
#define LWIP_ETHERNET 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_NETIF_LOOPBACK 0 /* own-address traffic is looped back by the netstack itself */
#define LWIP_HAVE_LOOPIF 0
#define LWIP_STATS 0
#define LWIP_NETIF_TX_SINGLE_PBUF 1
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* -- TCP: 4 MiB receive window, 1 MiB send buffer, scale 6, SACK-out -------------------- */
#define TCP_LISTEN_BACKLOG 1
#define LWIP_TCP_KEEPALIVE 1
#define TCP_MSS 1380 /* upper bound (MTU 1420 - 40); the effective MSS follows the netif MTU */
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 6 /* window up to 0xFFFF << 6 = 4 MiB */
/* The largest window scale 6 can announce (0xFFFF << 6, rounded down to 64 KiB): enough for
 * ~100 MB/s at 40 ms round trip. It costs nothing while idle: pbufs exist only for data that
 * arrived and was not yet written to the client (a reader that stops holds at most this). */
#define TCP_WND (4 * 1024 * 1024 - 64 * 1024)
#define TCP_SND_BUF (1024 * 1024)
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#define TCP_SNDLOWAT (0xFFFF - 4 * TCP_MSS - 1) /* required once TCP_SND_BUF > 64 KiB */
#define TCP_QUEUE_OOSEQ 1
/* lwIP's TCP timers tick every TCP_TMR_INTERVAL (delayed ACK) and twice that (retransmission,
 * in whole ticks): 100 ms gives retransmission timeouts from ~200 ms, like Linux's minimum,
 * instead of 500 ms steps. lwIP's sender recovers most losses only by a timeout. */
#define TCP_TMR_INTERVAL 100
#define LWIP_TCP_SACK_OUT 1
#define LWIP_CHECKSUM_ON_COPY 1
#define TCP_OVERSIZE TCP_MSS

/* -- hooks: RFC 6528 initial sequence numbers ------------------------------------------- */
#define LWIP_HOOK_FILENAME "tsnode_lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port)                            \
  tsnode_lwip_tcp_isn((local_ip), (local_port), (remote_ip), (remote_port))

#endif
