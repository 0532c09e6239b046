/* ceiling_http.c - the HTTP ceiling for scenario 5 (GET /api/v1/): a bare
 * libevent evhttp responder on one thread that answers every request with
 * the same status, Content-Type and body bytes as the server's health
 * route, read once from a file. No routing, no JSON, no database.
 *
 *   ceiling_http --body FILE [--port N] [--max-connections N]
 *
 * Prints "Base URL: http://127.0.0.1:PORT/api/v1/" once listening (the
 * same banner line odlocal prints), then serves until SIGTERM/SIGINT. */
#define _GNU_SOURCE
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static char *body;
static size_t body_len;

static void on_request(struct evhttp_request *req, void *arg)
{
    (void)arg;
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/json");
    evbuffer_add(evhttp_request_get_output_buffer(req), body, body_len);
    evhttp_send_reply(req, 200, "OK", NULL);
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopexit(arg, NULL);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int port = 0, i;
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *bs;
    struct event *sigterm, *sigint;
    struct sockaddr_storage ss;
    ev_socklen_t sl = sizeof ss;
    FILE *f;
    long n;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--body")) path = argv[i + 1];
        else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--max-connections")) ; /* accepted, ignored */
        else path = NULL, i = argc;
    }
    if (!path) {
        fprintf(stderr, "usage: ceiling_http --body FILE [--port N]\n");
        return 2;
    }
    if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) ||
        (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
        !(body = malloc((size_t)n + 1)) ||
        fread(body, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "ceiling_http: cannot read %s\n", path);
        return 2;
    }
    fclose(f);
    body_len = (size_t)n;
    signal(SIGPIPE, SIG_IGN);
    {   /* the same base configuration as libodapi's (lib/http/server.c) */
        struct event_config *ec = event_config_new();
        event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
        base = event_base_new_with_config(ec);
        event_config_free(ec);
    }
    http = evhttp_new(base);
    evhttp_set_default_content_type(http, "application/json");
    evhttp_set_gencb(http, on_request, NULL);
    if (!(bs = evhttp_bind_socket_with_handle(http, "127.0.0.1",
                                              (ev_uint16_t)port))) {
        fprintf(stderr, "ceiling_http: cannot bind port %d\n", port);
        return 3;
    }
    getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl);
    printf("  Base URL: http://127.0.0.1:%d/api/v1/\n",
           ntohs(((struct sockaddr_in *)&ss)->sin_port));
    fflush(stdout);
    sigterm = evsignal_new(base, SIGTERM, on_signal, base);
    sigint = evsignal_new(base, SIGINT, on_signal, base);
    event_add(sigterm, NULL);
    event_add(sigint, NULL);
    event_base_dispatch(base);
    event_free(sigterm);
    event_free(sigint);
    evhttp_free(http);
    event_base_free(base);
    free(body);
    return 0;
}
