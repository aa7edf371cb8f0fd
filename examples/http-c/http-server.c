// A minimal static HTTP/1.1 server for the `base` runtime: answers every request on port 8080
// (or argv[1]) with "Hello from C!\n" and closes the connection. One request at a time.
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char kBody[] = "Hello from C!\n";

static void serve(int client) {
  char request[4096];
  ssize_t n = recv(client, request, sizeof request - 1, 0);
  if (n <= 0) return;
  request[n] = '\0';
  char head[256];
  int len = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     sizeof kBody - 1);
  send(client, head, (size_t)len, MSG_NOSIGNAL);
  if (strncmp(request, "HEAD ", 5) != 0) send(client, kBody, sizeof kBody - 1, MSG_NOSIGNAL);
  char *eol = strpbrk(request, "\r\n");
  if (eol) *eol = '\0';
  printf("%s\n", request);
  fflush(stdout);
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  signal(SIGPIPE, SIG_IGN);
  int server = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (server < 0 || bind(server, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      listen(server, 64) != 0) {
    perror("http-server");
    return 1;
  }
  printf("listening on port %d\n", port);
  fflush(stdout);
  for (;;) {
    int client = accept(server, NULL, NULL);
    if (client < 0) continue;
    serve(client);
    close(client);
  }
}
