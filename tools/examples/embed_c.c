/* embed_c: tsnode from C through tsnode.h (README "Embedding", way 3; the API is shaped like
 * libtailscale's tailscale.h). Dials a web server in the overlay with tsnode_dial and prints
 * the reply, then starts the loopback proxy and prints the ALL_PROXY line.
 *
 * usage: embed_c WG_CONF HOST:PORT PATH [NAME=IP ...]
 *   stdout: the HTTP reply; stderr: the ALL_PROXY line. Runs until end of input. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <tsnode.h>

/* Prints the node's last error after `what` and returns 1. */
static int fail(tsnode ts, const char* what) {
  char msg[512];
  tsnode_errmsg(ts, msg, sizeof msg);
  fprintf(stderr, "%s: %s\n", what, msg);
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s WG_CONF HOST:PORT PATH [NAME=IP ...]\n", argv[0]);
    return 2;
  }
  char request[512];
  snprintf(request, sizeof request, "GET %s HTTP/1.0\r\n\r\n", argv[3]);

  /* README:begin c */
  tsnode ts = tsnode_new();
  if (tsnode_set_wg_config(ts, argv[1]) != 0)
    return fail(ts, "tsnode_set_wg_config");
  /* README:end */
  for (int i = 4; i < argc; ++i) {
    char name[256];
    const char* eq = strchr(argv[i], '=');
    if (eq == NULL || (size_t)(eq - argv[i]) >= sizeof name)
      return 2;
    memcpy(name, argv[i], (size_t)(eq - argv[i]));
    name[eq - argv[i]] = '\0';
    if (tsnode_add_host(ts, name, eq + 1) != 0)
      return fail(ts, "tsnode_add_host");
  }
  /* README:begin c2 */
  if (tsnode_up(ts) != 0)
    return fail(ts, "tsnode_up");
  int conn;
  if (tsnode_dial(ts, "tcp", argv[2], &conn) != 0) /* e.g. "web:8080" */
    return fail(ts, "tsnode_dial");
  if (write(conn, request, strlen(request)) < 0)
    return 1;
  char buf[16384];
  ssize_t n;
  while ((n = read(conn, buf, sizeof buf)) > 0)
    fwrite(buf, 1, (size_t)n, stdout);
  close(conn);

  char addr[64], cred[33];
  if (tsnode_loopback(ts, addr, sizeof addr, cred) != 0)
    return fail(ts, "tsnode_loopback");
  fprintf(stderr, "ALL_PROXY=socks5h://tsnet:%s@%s\n", cred, addr);
  /* README:end */
  fflush(stdout);

  while (getchar() != EOF) {
    /* run until end of input */
  }
  return tsnode_close(ts) == 0 ? 0 : 1;
}
