/*
 * ssm-get: read an SSM parameter, its history, or the version before the
 * current one (what a rollback needs).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsapi.h"
#include "awsctx.h"
#include "awshost.h"
#include "cli.h"
#include "dkerr.h"
#include "ssmparam.h"

#define HISTORY_MAX	100000UL
#define PAGE_SIZE	50	/* GetParameterHistory's largest page */
#define PAGES_MAX	2000	/* bounds a server that never stops paging */

static const char usage_text[] =
"usage: ssm-get [-qv] [--decrypt] [--history count | --previous]\n"
"               [--region region] name[:version | :label]\n";

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

enum { OPT_DECRYPT = 256, OPT_HISTORY, OPT_PREVIOUS, OPT_REGION, OPT_VERSION };

static const struct option longopts[] = {
	{ "decrypt",	no_argument,		NULL, OPT_DECRYPT },
	{ "history",	required_argument,	NULL, OPT_HISTORY },
	{ "previous",	no_argument,		NULL, OPT_PREVIOUS },
	{ "region",	required_argument,	NULL, OPT_REGION },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL,		0,			NULL, 0 }
};

struct opts {
	const char	*name, *region;
	unsigned long	 history;
	int		 decrypt, previous, quiet, verbose;
};

/* One version as printed: {"value","version","last_modified"[,"labels"]}. */
static json_t *
version_json(json_t *p)
{
	json_t		*v, *labels;
	char		 when[32];

	if (!json_is_string(json_object_get(p, "Value")) ||
	    !json_is_integer(json_object_get(p, "Version")))
		return NULL;
	if (ssmparam_time(json_object_get(p, "LastModifiedDate"), when,
	    sizeof(when)) == -1)
		when[0] = '\0';
	v = json_pack("{s:O, s:O, s:s?}", "value", json_object_get(p, "Value"),
	    "version", json_object_get(p, "Version"),
	    "last_modified", when[0] ? when : NULL);
	if (v && (labels = json_object_get(p, "Labels")) &&
	    json_is_array(labels) && json_array_size(labels) > 0)
		json_object_set(v, "labels", labels);
	if (v && json_is_string(json_object_get(p, "Type")) &&
	    strcmp(json_string_value(json_object_get(p, "Type")),
	    "SecureString") == 0 && !json_is_true(json_object_get(p, "_decrypted")))
		json_object_del(v, "value");
	return v;
}

/* All versions, oldest first, paging GetParameterHistory. */
static json_t *
history(struct awsctx *ctx, const struct opts *o)
{
	struct awsapi_error	 aerr;
	struct dkerr		 err;
	json_t			*all = json_array(), *req, *reply, *page, *p;
	const char		*next = NULL;
	char			*token = NULL;
	size_t			 i;
	int			 pages;

	memset(&err, 0, sizeof(err));
	for (pages = 0; pages < PAGES_MAX; pages++) {
		req = json_pack("{s:s, s:b, s:i, s:s?}", "Name", o->name,
		    "WithDecryption", o->decrypt, "MaxResults", PAGE_SIZE,
		    "NextToken", token);
		if (awsapi_json(&ctx->api, "GetParameterHistory", req, &reply,
		    &aerr, &err) == -1) {
			json_decref(req);
			cli_die_err(&err);
		}
		json_decref(req);
		page = json_object_get(reply, "Parameters");
		if (!json_is_array(page))
			cli_die(DK_EXIT_NOANSWER, "GetParameterHistory %s: "
			    "malformed answer from AWS", o->name);
		json_array_foreach(page, i, p) {
			if (o->decrypt)
				json_object_set_new(p, "_decrypted", json_true());
			json_array_append(all, p);
		}
		free(token);
		token = NULL;
		next = json_string_value(json_object_get(reply, "NextToken"));
		if (next && next[0] && (token = strdup(next)) == NULL)
			cli_die(DK_EXIT_NOANSWER, "out of memory");
		json_decref(reply);
		if (token == NULL)
			return all;
	}
	cli_die(DK_EXIT_NOANSWER, "GetParameterHistory %s: more than %d pages",
	    o->name, PAGES_MAX);
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct awsctx		 ctx;
	struct awsctx_options	 copt;
	struct awsapi_error	 aerr;
	struct dkerr		 err;
	json_t			*req, *reply, *out = NULL, *all, *versions, *v;
	char			 base[1100];
	const char		*colon;
	size_t			 n, i;
	int			 c;

	cli_init("ssm-get");
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	/* cli_bad_option() names an unknown option without its value. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DECRYPT:	o.decrypt = 1; break;
		case OPT_HISTORY:
			if (cli_parse_ulong(optarg, 1, HISTORY_MAX, &o.history) == -1)
				cli_die(DK_EXIT_USAGE, "--history %s: want a count "
				    "from 1 to %lu", optarg, HISTORY_MAX);
			break;
		case OPT_PREVIOUS:	o.previous = 1; break;
		case OPT_REGION:	o.region = optarg; break;
		case 'q':		o.quiet = 1; break;
		case 'v':		o.verbose = 1; break;
		case 'h':		usage(0);
		case OPT_VERSION:	cli_version();
		default:		cli_bad_option(argv, usage_text);
		}
	}
	if (optind == argc) {
		cli_warn("no parameter name given");
		usage(1);
	}
	if (argc - optind > 1)
		cli_die(DK_EXIT_USAGE, "%s: one parameter per call", argv[optind + 1]);
	o.name = argv[optind];
	if (o.history && o.previous)
		cli_die(DK_EXIT_USAGE, "--history and --previous: choose one");
	/* Check the name without its :version or :label selector. */
	colon = strchr(o.name, ':');
	n = colon ? (size_t)(colon - o.name) : strlen(o.name);
	if (n >= sizeof(base))
		n = sizeof(base) - 1;
	memcpy(base, o.name, n);
	base[n] = '\0';
	if (ssmparam_check_name(base, &err) == -1)
		cli_die_err(&err);
	if (colon && (colon[1] == '\0' || o.history || o.previous))
		cli_die(DK_EXIT_USAGE, "%s: %s", o.name, colon[1] == '\0' ?
		    "empty selector after ':'" :
		    "a :selector does not go with --history or --previous");

	memset(&copt, 0, sizeof(copt));
	copt.region = o.region;
	copt.verbose = o.verbose;
	copt.quiet = o.quiet;
	awsctx_open(&ctx, &awshost_ssm, &copt);

	if (o.history || o.previous) {
		all = history(&ctx, &o);
		n = json_array_size(all);
		if (o.previous) {
			if (n < 2)
				cli_die(DK_EXIT_REMOTE, "%s: no version before "
				    "the current one", o.name);
			v = version_json(json_array_get(all, n - 2));
			if (v)
				out = json_pack("{s:s, s:O?, s:O, s:O?}", "name",
				    o.name, "value", json_object_get(v, "value"),
				    "version", json_object_get(v, "version"),
				    "last_modified",
				    json_object_get(v, "last_modified"));
			json_decref(v);
		} else {
			versions = json_array();
			for (i = n; i > 0 && json_array_size(versions) < o.history;
			    i--) {
				if ((v = version_json(json_array_get(all, i - 1))) == NULL)
					cli_die(DK_EXIT_NOANSWER, "GetParameterHistory "
					    "%s: malformed answer from AWS", o.name);
				json_array_append_new(versions, v);
			}
			out = json_pack("{s:s, s:o}", "name", o.name,
			    "versions", versions);
		}
		json_decref(all);
	} else {
		req = json_pack("{s:s, s:b}", "Name", o.name,
		    "WithDecryption", o.decrypt);
		if (awsapi_json(&ctx.api, "GetParameter", req, &reply, &aerr,
		    &err) == -1) {
			json_decref(req);
			if (strcmp(aerr.code, "ParameterNotFound") == 0 ||
			    strcmp(aerr.code, "ParameterVersionNotFound") == 0)
				cli_die(DK_EXIT_REMOTE, "%s: no such parameter%s",
				    o.name, colon ? " version or label" : "");
			cli_die_err(&err);
		}
		json_decref(req);
		if (o.decrypt)
			json_object_set_new(json_object_get(reply, "Parameter"),
			    "_decrypted", json_true());
		if ((v = version_json(json_object_get(reply, "Parameter"))) == NULL)
			cli_die(DK_EXIT_NOANSWER, "GetParameter %s: malformed "
			    "answer from AWS", o.name);
		out = json_pack("{s:s, s:O?, s:O, s:O?}", "name", base,
		    "value", json_object_get(v, "value"),
		    "version", json_object_get(v, "version"),
		    "last_modified", json_object_get(v, "last_modified"));
		json_decref(v);
		json_decref(reply);
	}
	if (out == NULL)
		cli_die(DK_EXIT_NOANSWER, "%s: malformed answer from AWS", o.name);
	/* A SecureString read without --decrypt has no value to show. */
	if (json_is_null(json_object_get(out, "value")))
		json_object_del(out, "value");
	if (json_dumpf(out, stdout, JSON_COMPACT) == -1 || putchar('\n') == EOF)
		cli_die(DK_EXIT_NOANSWER, "stdout: write failed");
	json_decref(out);
	awsctx_close(&ctx);
	return cli_finish(DK_EXIT_OK);
}
