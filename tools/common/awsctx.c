#include <stdlib.h>
#include <string.h>

#include "awsctx.h"
#include "awshost.h"
#include "cli.h"

static void
awsctx_notify(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

void
awsctx_open(struct awsctx *ctx, const struct awshost_service *svc,
    const struct awsctx_options *opt)
{
	struct http_options	 hopt;
	struct dkerr		 err;
	const char		*region;

	memset(ctx, 0, sizeof(*ctx));
	memset(&err, 0, sizeof(err));
	if (awsconf_load(&ctx->conf, &err) == -1)
		cli_die_err(&err);
	if (opt->region) {
		if (!awshost_region_valid(opt->region))
			cli_die(DK_EXIT_USAGE, "--region %s: not a valid region "
			    "name", opt->region);
		free(ctx->conf.region);
		if ((ctx->conf.region = strdup(opt->region)) == NULL)
			cli_die(DK_EXIT_NOANSWER, "out of memory");
	}
	region = svc->global_region ? svc->global_region : ctx->conf.region;
	if (region == NULL)
		cli_die(DK_EXIT_USAGE, "no AWS region: set AWS_REGION, give "
		    "--region, or put region in the profile");
	if ((ctx->region = strdup(region)) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	if ((ctx->endpoint = awsconf_endpoint(&ctx->conf, svc, &err)) == NULL)
		cli_die_err(&err);

	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = cli_name();
	hopt.ca_bundle = ctx->conf.ca_bundle;
	hopt.timeout_ms = 60000;
	if (opt->verbose)
		hopt.trace = cli_trace;
	if ((ctx->http = http_client_new(&hopt, &err)) == NULL)
		cli_die_err(&err);
	if (awscred_resolve(&ctx->conf, ctx->http, &ctx->cred, &err) == -1)
		cli_die_err(&err);

	ctx->api.http = ctx->http;
	ctx->api.cred = &ctx->cred;
	ctx->api.service = svc;
	ctx->api.region = ctx->region;
	ctx->api.endpoint = ctx->endpoint;
	ctx->api.max_attempts = ctx->conf.max_attempts;
	if (!opt->quiet)
		ctx->api.notify = awsctx_notify;
}

void
awsctx_close(struct awsctx *ctx)
{
	awscred_free(&ctx->cred);
	http_client_free(ctx->http);
	awsconf_free(&ctx->conf);
	free(ctx->endpoint);
	free(ctx->region);
	memset(ctx, 0, sizeof(*ctx));
}
