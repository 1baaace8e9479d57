/*
 * awsctx: what every AWS tool's main() does before its first call: read
 * the configuration, open one HTTP client (one kept-alive connection),
 * resolve credentials and the service's endpoint.  Tool-side: it reports
 * failures with cli_die_err() and the exit code of their kind.
 */
#ifndef DK_AWSCTX_H
#define DK_AWSCTX_H

#include "awsapi.h"
#include "awsconf.h"
#include "awscred.h"
#include "http.h"

struct awsctx {
	struct awsconf		 conf;
	struct http_client	*http;
	struct awscred		 cred;
	char			*endpoint;
	char			*region;
	struct awsapi		 api;	/* ready for awsapi_json()/_query() */
};

struct awsctx_options {
	const char	*region;	/* --region, or NULL for the chain's */
	int		 verbose;	/* trace HTTP (secrets redacted) */
	int		 quiet;		/* no retry notices */
};

/* Set everything up for calls to one service, or exit. */
void	awsctx_open(struct awsctx *, const struct awshost_service *,
	    const struct awsctx_options *);

/* Release it all, wiping the credentials. */
void	awsctx_close(struct awsctx *);

#endif
