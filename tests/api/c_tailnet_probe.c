/* tests/api/c_tailnet_probe.c: the C API in tailnet mode (issue 8 after issue 7), as a
 * libtailscale user would write it. Joins the tailnet, prints the loopback proxy, checks that a
 * name outside the tailnet fails closed, then stays up until stdin closes.
 *
 * usage: c_tailnet_probe CONTROL_URL AUTHKEY_FILE STATE_DIR HOSTNAME
 * stdout: "LOOPBACK <addr> <credential>", "NOSUCH <errmsg>", "UP", and "CLOSED" at the end.
 * exit: 0 when every step behaved, 1 otherwise (with the reason on stderr). */
#include <stdio.h>
#include <string.h>

#include "api/tsnode.h"

static int fail(tsnode ts, const char* what) {
  char msg[512];
  tsnode_errmsg(ts, msg, sizeof msg);
  fprintf(stderr, "c_tailnet_probe: %s: %s\n", what, msg);
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s CONTROL_URL AUTHKEY_FILE STATE_DIR HOSTNAME\n", argv[0]);
    return 2;
  }
  char key[256] = {0};
  FILE* f = fopen(argv[2], "r");
  if (f == NULL || fgets(key, sizeof key, f) == NULL) {
    fprintf(stderr, "c_tailnet_probe: cannot read %s\n", argv[2]);
    return 2;
  }
  fclose(f);
  key[strcspn(key, "\r\n")] = '\0';

  tsnode ts = tsnode_new();
  if (tsnode_set_control_url(ts, argv[1]) != 0 || tsnode_set_authkey(ts, key) != 0
      || tsnode_set_dir(ts, argv[3]) != 0 || tsnode_set_hostname(ts, argv[4]) != 0)
    return fail(ts, "settings");
  if (tsnode_up(ts) != 0)
    return fail(ts, "tsnode_up");
  char addr[128], cred[33];
  if (tsnode_loopback(ts, addr, sizeof addr, cred) != 0)
    return fail(ts, "tsnode_loopback");
  printf("LOOPBACK %s %s\n", addr, cred);
  int conn = -1;
  if (tsnode_dial(ts, "tcp", "nosuch.example.com:80", &conn) == 0) {
    fprintf(stderr, "c_tailnet_probe: a name outside the tailnet was dialed\n");
    return 1;
  }
  char msg[512];
  tsnode_errmsg(ts, msg, sizeof msg);
  printf("NOSUCH %s\nUP\n", msg);
  fflush(stdout);
  char buf[64];
  while (fgets(buf, sizeof buf, stdin) != NULL) {
  }
  if (tsnode_close(ts) != 0)
    return fail(ts, "tsnode_close");
  printf("CLOSED\n");
  return 0;
}
