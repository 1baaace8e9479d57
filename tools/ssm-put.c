/*
 * ssm-put: write a value into an SSM parameter, only when it changes.
 *
 * Reads the current value first (GetParameter): when it already is the one
 * asked for, nothing is written and the result says "changed":false, so
 * that re-running a deploy creates no new version.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "awsapi.h"
#include "awsctx.h"
#include "awshost.h"
#include "buf.h"
#include "cli.h"
#include "dkerr.h"
#include "ssmparam.h"

static const char usage_text[] =
"usage: ssm-put [-qv] --name name [--value value]\n"
"               [--type String | StringList | SecureString] [--key-id key]\n"
"               [--tier Standard | Advanced | Intelligent-Tiering]\n"
"               [--description text] [--data-type type] [--region region]\n";

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

enum {
	OPT_NAME = 256, OPT_VALUE, OPT_TYPE, OPT_KEY_ID, OPT_TIER,
	OPT_DESCRIPTION, OPT_DATA_TYPE, OPT_REGION, OPT_VERSION
};

static const struct option longopts[] = {
	{ "name",	 required_argument,	NULL, OPT_NAME },
	{ "value",	 required_argument,	NULL, OPT_VALUE },
	{ "type",	 required_argument,	NULL, OPT_TYPE },
	{ "key-id",	 required_argument,	NULL, OPT_KEY_ID },
	{ "tier",	 required_argument,	NULL, OPT_TIER },
	{ "description", required_argument,	NULL, OPT_DESCRIPTION },
	{ "data-type",	 required_argument,	NULL, OPT_DATA_TYPE },
	{ "region",	 required_argument,	NULL, OPT_REGION },
	{ "quiet",	 no_argument,		NULL, 'q' },
	{ "verbose",	 no_argument,		NULL, 'v' },
	{ "help",	 no_argument,		NULL, 'h' },
	{ "version",	 no_argument,		NULL, OPT_VERSION },
	{ NULL,		 0,			NULL, 0 }
};

struct opts {
	const char	*name, *value, *type, *key_id, *tier;
	const char	*description, *data_type, *region;
	int		 quiet, verbose;
};

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int	 c;

	/* cli_bad_option() names an unknown option without its value. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_NAME:		o->name = optarg; break;
		case OPT_VALUE:		o->value = optarg; break;
		case OPT_TYPE:		o->type = optarg; break;
		case OPT_KEY_ID:	o->key_id = optarg; break;
		case OPT_TIER:		o->tier = optarg; break;
		case OPT_DESCRIPTION:	o->description = optarg; break;
		case OPT_DATA_TYPE:	o->data_type = optarg; break;
		case OPT_REGION:	o->region = optarg; break;
		case 'q':		o->quiet = 1; break;
		case 'v':		o->verbose = 1; break;
		case 'h':		usage(0);
		case OPT_VERSION:	cli_version();
		default:		cli_bad_option(argv, usage_text);
		}
	}
	if (optind < argc)
		cli_die(DK_EXIT_USAGE, "%s: unexpected argument (the value goes "
		    "in --value or on stdin)", argv[optind]);
	if (o->name == NULL) {
		cli_warn("--name is required");
		usage(1);
	}
	if (o->type == NULL)
		o->type = "String";
	if (!ssmparam_type_valid(o->type))
		cli_die(DK_EXIT_USAGE, "--type %s: want String, StringList or "
		    "SecureString", o->type);
	if (o->tier && !ssmparam_tier_valid(o->tier))
		cli_die(DK_EXIT_USAGE, "--tier %s: want Standard, Advanced or "
		    "Intelligent-Tiering", o->tier);
	if (o->data_type && !ssmparam_data_type_valid(o->data_type))
		cli_die(DK_EXIT_USAGE, "--data-type %s: want text, aws:ec2:image "
		    "or aws:ssm:integration", o->data_type);
	if (o->key_id && strcmp(o->type, "SecureString") != 0)
		cli_die(DK_EXIT_USAGE, "--key-id goes with --type SecureString");
	if (o->value && strcmp(o->type, "SecureString") == 0)
		cli_die(DK_EXIT_USAGE, "a SecureString value is a secret: give it "
		    "on stdin, not with --value");
}

/* The value from stdin: all of it, one trailing newline stripped. */
static void
read_value(struct buf *v)
{
	char	 chunk[4096];
	size_t	 n;

	v->max = SSMPARAM_ADVANCED_MAX + 2;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(v, chunk, n) == -1)
			cli_die(DK_EXIT_USAGE, "stdin: the value is larger than "
			    "%d bytes", SSMPARAM_ADVANCED_MAX);
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (ferror(stdin))
		cli_die(DK_EXIT_USAGE, "stdin: %s", strerror(errno));
	if (v->len > 0 && v->data[v->len - 1] == '\n')
		v->data[--v->len] = '\0';
	if (memchr(buf_str(v), '\0', v->len) != NULL)
		cli_die(DK_EXIT_USAGE, "stdin: the value holds a NUL byte");
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct awsctx		 ctx;
	struct awsctx_options	 copt;
	struct awsapi_error	 aerr;
	struct dkerr		 err;
	struct buf		 value = BUF_INIT(0);
	json_t			*req, *reply = NULL, *cur = NULL, *out, *prev;
	const char		*v;
	const char		*cur_value = NULL, *cur_type = NULL;
	json_int_t		 cur_version = 0;
	int			 secure, found = 0;

	cli_init("ssm-put");
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	parse_args(argc, argv, &o);
	if (ssmparam_check_name(o.name, &err) == -1)
		cli_die_err(&err);
	if (o.value) {
		if (buf_addstr(&value, o.value) == -1)
			cli_die(DK_EXIT_USAGE, "--value: too large");
	} else {
		if (isatty(STDIN_FILENO))
			cli_die(DK_EXIT_USAGE, "no value: give --value or pipe "
			    "it on stdin");
		read_value(&value);
	}
	v = buf_str(&value);
	if (ssmparam_check_value(v, value.len, o.tier, &err) == -1)
		cli_die_err(&err);
	secure = strcmp(o.type, "SecureString") == 0;

	memset(&copt, 0, sizeof(copt));
	copt.region = o.region;
	copt.verbose = o.verbose;
	copt.quiet = o.quiet;
	awsctx_open(&ctx, &awshost_ssm, &copt);

	/* The current value, decrypted so that a SecureString compares. */
	req = json_pack("{s:s, s:b}", "Name", o.name, "WithDecryption", secure);
	if (awsapi_json(&ctx.api, "GetParameter", req, &reply, &aerr, &err) == 0) {
		cur = json_object_get(reply, "Parameter");
		if (json_unpack(cur, "{s:s, s:I, s:s}", "Value", &cur_value,
		    "Version", &cur_version, "Type", &cur_type) != 0) {
			json_decref(reply);
			json_decref(req);
			cli_die(DK_EXIT_NOANSWER, "GetParameter %s: malformed "
			    "answer from AWS", o.name);
		}
		found = 1;
	} else if (strcmp(aerr.code, "ParameterNotFound") != 0)
		cli_die_err(&err);
	json_decref(req);

	if (found && strcmp(cur_value, v) == 0 && strcmp(cur_type, o.type) == 0) {
		out = json_pack("{s:s, s:s, s:I, s:s?, s:b, s:{s:s, s:I}}",
		    "name", o.name, "value", v, "version", cur_version,
		    "tier", json_string_value(json_object_get(cur, "Tier")),
		    "changed", 0, "previous", "value", cur_value,
		    "version", cur_version);
	} else {
		json_t *put_reply = NULL;

		req = json_pack("{s:s, s:s, s:s, s:b}", "Name", o.name,
		    "Value", v, "Type", o.type, "Overwrite", 1);
		if (o.tier)
			json_object_set_new(req, "Tier", json_string(o.tier));
		if (o.key_id)
			json_object_set_new(req, "KeyId", json_string(o.key_id));
		if (o.description)
			json_object_set_new(req, "Description",
			    json_string(o.description));
		if (o.data_type)
			json_object_set_new(req, "DataType",
			    json_string(o.data_type));
		if (awsapi_json(&ctx.api, "PutParameter", req, &put_reply,
		    &aerr, &err) == -1)
			cli_die_err(&err);
		json_decref(req);
		/* Checked first: nothing built is then left behind (LSan). */
		if (!json_is_integer(json_object_get(put_reply, "Version"))) {
			json_decref(put_reply);
			cli_die(DK_EXIT_NOANSWER, "PutParameter %s: malformed "
			    "answer from AWS", o.name);
		}
		out = json_pack("{s:s, s:s, s:O?, s:O?, s:b}", "name", o.name,
		    "value", v, "version", json_object_get(put_reply, "Version"),
		    "tier", json_object_get(put_reply, "Tier"), "changed", 1);
		prev = found ? json_pack("{s:s, s:I}", "value", cur_value,
		    "version", cur_version) : json_null();
		json_object_set_new(out, "previous", prev);
		json_decref(put_reply);
	}
	if (out == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	if (secure) {
		/* Never printed: a SecureString's value is a secret. */
		json_object_del(out, "value");
		if (json_is_object(json_object_get(out, "previous")))
			json_object_del(json_object_get(out, "previous"), "value");
	}
	if (json_dumpf(out, stdout, JSON_COMPACT) == -1 || putchar('\n') == EOF)
		cli_die(DK_EXIT_NOANSWER, "stdout: write failed");
	json_decref(out);
	json_decref(reply);
	buf_wipe(&value);
	awsctx_close(&ctx);
	return cli_finish(DK_EXIT_OK);
}
