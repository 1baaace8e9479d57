/*
 * http: HTTP requests over libcurl, with deploykit's rules built in.
 *
 *  - TLS verification always on; plain http:// only to loopback hosts;
 *  - connect and total timeouts; one connection reused across requests of
 *    one client (keep-alive);
 *  - User-Agent "deploykit/VERSION TOOL";
 *  - an optional trace of the exchange (a callback gets one line at a time)
 *    with Authorization, X-Amz-Security-Token, cookies and anything named
 *    like a token, secret or password redacted;
 *  - proxies from the environment as libcurl reads them.
 *
 * Nothing here prints, retries or exits: http_send() makes one attempt.
 */
#ifndef DK_HTTP_H
#define DK_HTTP_H

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#include "buf.h"
#include "dkerr.h"

struct http_header {
	char	*name;
	char	*value;
};

struct http_options {
	const char	*tool;		/* for the User-Agent; required */
	long		 connect_timeout_ms;	/* 0: 10 s */
	long		 timeout_ms;	/* whole exchange; 0: none, but a
					 * transfer stalled for 60 s fails */
	const char	*ca_bundle;	/* PEM file, or NULL for the system's */
	size_t		 max_body;	/* cap on bodies kept in memory; 0: 16 MiB */
	/* Hosts besides loopback that may be reached over plain http, NULL-
	 * terminated: only the link-local metadata services, which have no
	 * TLS and are never routed off the machine. */
	const char *const *plain_http_hosts;
	/* Trace: called with one line (no newline) per header or event. */
	void		(*trace)(void *, const char *);
	void		*trace_arg;
};

struct http_client;

/*
 * A client: NULL with err set on failure (DKERR_INPUT: ca_bundle is not a
 * regular file).  Free with http_client_free().
 */
struct http_client *http_client_new(const struct http_options *, struct dkerr *);
void	http_client_free(struct http_client *);

/* A request.  Every pointer is borrowed for the duration of http_send(). */
struct http_request {
	const char			*method;
	const char			*url;
	const struct http_header	*headers;	/* sent as given, in order */
	size_t				 nheaders;
	const void			*body;		/* in memory, or */
	size_t				 body_len;
	FILE				*body_file;	/* streamed from its current
							 * offset (rewound there on
							 * each send), body_len bytes */
	int				 once;		/* send at most once: on a new
							 * connection, which libcurl
							 * never re-sends on (it does
							 * on a kept-alive one that
							 * died before answering) */
	long				 timeout_ms;	/* this exchange's cap, if
							 * shorter than the
							 * client's; 0: none */
	/* If set, the exchange is given up (an error) soon after *stop
	 * turns non-zero (a signal handler's flag), even while the server
	 * says nothing. */
	const volatile sig_atomic_t	*stop;
};

/*
 * A response.  Zero it before use; the caller may set sink (and
 * sink_errors) first.  http_response_free() releases what a send filled in.
 */
struct http_response {
	long			 status;
	struct http_header	*headers;	/* every response header, in order */
	size_t			 nheaders;
	struct buf		 body;		/* the body, unless it went to sink */
	FILE			*sink;		/* if set, 2xx/3xx bodies are written here */
	int			 sink_errors;	/* ... and so are 4xx/5xx bodies */
	int			 maybe_sent;	/* after a failure: the request may have
						 * reached the server (not a connect error) */
};

/*
 * Send one request and read the whole answer.  Returns 0 when an HTTP
 * response arrived (any status), -1 with err set otherwise: DKERR_INPUT for
 * a URL that is refused or malformed (nothing sent), DKERR_NETWORK for
 * connection, TLS, timeout, body-too-large and sink write errors.
 */
int	http_send(struct http_client *, const struct http_request *,
	    struct http_response *, struct dkerr *);

void	http_response_free(struct http_response *);

/* The first value of a response header (case-insensitive), or NULL. */
const char *http_response_header(const struct http_response *, const char *);

/* A URL taken apart as it goes on the wire.  Strings are owned. */
struct http_url {
	char	*scheme;	/* "https" or "http" */
	char	*host;		/* "[::1]" for IPv6 literals */
	char	*port;		/* NULL when not in the URL */
	char	*hostport;	/* the Host header's value */
	char	*path;		/* raw, percent-encoding kept, "/" at least */
	char	*query;		/* raw, without '?'; NULL when none */
	int	 loopback;
};

/*
 * Parse and check a URL: https, or http to a loopback host (localhost,
 * 127.0.0.0/8, ::1).  Dot segments are kept (they matter for signing).
 * Returns 0, or -1 with err DKERR_INPUT naming what is wrong.
 */
int	http_url_parse(const char *, struct http_url *, struct dkerr *);
void	http_url_free(struct http_url *);

/* Whether a header name holds a secret and must be redacted in traces. */
int	http_header_is_secret(const char *);

#endif
