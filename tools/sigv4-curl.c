/*
 * sigv4-curl: send one HTTP request signed with AWS Signature Version 4.
 *
 * A curl for AWS APIs: the URL is taken as it goes on the wire, the request
 * is signed with the credentials of the SDKs' chain, the response body goes
 * to stdout as it came.  --dry-run prints the signed request instead of
 * sending it; --presign prints a presigned URL.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "awsapi.h"
#include "awsconf.h"
#include "awscred.h"
#include "awshost.h"
#include "buf.h"
#include "cli.h"
#include "dkerr.h"
#include "http.h"
#include "sigv4.h"

#define MAX_HEADERS	64
#define STDIN_MAX	((size_t)64 << 20)	/* -d @-: bodies kept in memory */
#define MAX_SECONDS	86400UL

static const char usage_text[] =
"usage: sigv4-curl [-fiv] [-X method] [-H header]... [-d data | -d @file]\n"
"                  [--service name] [--region region] [--target operation]\n"
"                  [--dry-run] [--date YYYYMMDDTHHMMSSZ] [--presign seconds]\n"
"                  [--content-sha256] [--unsigned-payload] [--no-normalize-path]\n"
"                  [--connect-timeout seconds] [--max-time seconds] URL\n";

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

enum {
	OPT_SERVICE = 256, OPT_REGION, OPT_TARGET, OPT_DRY_RUN, OPT_DATE,
	OPT_PRESIGN, OPT_CONTENT_SHA256, OPT_UNSIGNED, OPT_NO_NORMALIZE,
	OPT_CONNECT_TIMEOUT, OPT_MAX_TIME, OPT_VERSION
};

static const struct option longopts[] = {
	{ "request",		required_argument,	NULL, 'X' },
	{ "header",		required_argument,	NULL, 'H' },
	{ "data",		required_argument,	NULL, 'd' },
	{ "data-binary",	required_argument,	NULL, 'd' },
	{ "include",		no_argument,		NULL, 'i' },
	{ "fail",		no_argument,		NULL, 'f' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "service",		required_argument,	NULL, OPT_SERVICE },
	{ "region",		required_argument,	NULL, OPT_REGION },
	{ "target",		required_argument,	NULL, OPT_TARGET },
	{ "dry-run",		no_argument,		NULL, OPT_DRY_RUN },
	{ "date",		required_argument,	NULL, OPT_DATE },
	{ "presign",		required_argument,	NULL, OPT_PRESIGN },
	{ "content-sha256",	no_argument,		NULL, OPT_CONTENT_SHA256 },
	{ "unsigned-payload",	no_argument,		NULL, OPT_UNSIGNED },
	{ "no-normalize-path",	no_argument,		NULL, OPT_NO_NORMALIZE },
	{ "connect-timeout",	required_argument,	NULL, OPT_CONNECT_TIMEOUT },
	{ "max-time",		required_argument,	NULL, OPT_MAX_TIME },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 }
};

struct opts {
	const char		*method;
	struct sigv4_header	 headers[MAX_HEADERS];	/* point into argv */
	char			*header_copy[MAX_HEADERS];
	size_t			 nheaders;
	const char		*data;		/* -d argument */
	int			 include, fail, verbose, dry_run;
	int			 content_sha256, unsigned_payload, no_normalize;
	const char		*service, *region, *target, *date;
	unsigned long		 presign;	/* 0: not presigning */
	unsigned long		 connect_timeout, max_time;
	const char		*url;
};

/* The request body, wherever it comes from. */
struct body {
	struct buf	 mem;		/* -d DATA and -d @- */
	FILE		*file;		/* -d @FILE */
	const char	*name;		/* for messages */
	size_t		 len;
	char		 sha256[65];
};

/* Parse "Name: value" (or "Name;" for an empty value, as curl). */
static void
add_header(struct opts *o, const char *arg)
{
	char	*copy, *colon, *v, *end;
	size_t	 i, n;

	if (o->nheaders == MAX_HEADERS)
		cli_die(DK_EXIT_USAGE, "too many -H headers (at most %d)",
		    MAX_HEADERS);
	if ((copy = strdup(arg)) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	n = strlen(copy);
	if (n > 0 && copy[n - 1] == ';' && strchr(copy, ':') == NULL) {
		copy[n - 1] = '\0';
		v = copy + n - 1;
	} else if ((colon = strchr(copy, ':')) != NULL) {
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		for (end = v + strlen(v); end > v &&
		    (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
	} else
		cli_die(DK_EXIT_USAGE, "-H %s: not a header: write 'Name: value'",
		    arg);
	if (copy[0] == '\0')
		cli_die(DK_EXIT_USAGE, "-H %s: the header has no name", arg);
	for (i = 0; copy[i]; i++)
		if (!strchr("!#$%&'*+-.^_`|~", copy[i]) &&
		    !((copy[i] >= '0' && copy[i] <= '9') ||
		    (copy[i] >= 'a' && copy[i] <= 'z') ||
		    (copy[i] >= 'A' && copy[i] <= 'Z')))
			cli_die(DK_EXIT_USAGE, "-H %s: invalid character in the "
			    "header name", arg);
	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			cli_die(DK_EXIT_USAGE, "-H %s: control character in the "
			    "header value", copy);
	if (strcasecmp(copy, "Authorization") == 0 ||
	    strcasecmp(copy, "X-Amz-Date") == 0 ||
	    strcasecmp(copy, "X-Amz-Security-Token") == 0)
		cli_die(DK_EXIT_USAGE, "-H %s: sigv4-curl sets this header itself",
		    copy);
	o->header_copy[o->nheaders] = copy;
	o->headers[o->nheaders].name = copy;
	o->headers[o->nheaders++].value = v;
}

static const char *
find_header(const struct opts *o, const char *name)
{
	size_t	 i;

	for (i = 0; i < o->nheaders; i++)
		if (strcasecmp(o->headers[i].name, name) == 0)
			return o->headers[i].value;
	return NULL;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	unsigned long	 n;
	int		 c;

	/* cli_bad_option() names an unknown option without its value. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "X:H:d:ifvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'X':
			o->method = optarg;
			break;
		case 'H':
			add_header(o, optarg);
			break;
		case 'd':
			if (o->data)
				cli_die(DK_EXIT_USAGE, "-d given twice: one body "
				    "per request");
			o->data = optarg;
			break;
		case 'i':
			o->include = 1;
			break;
		case 'f':
			o->fail = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			usage(0);
		case OPT_SERVICE:
			o->service = optarg;
			break;
		case OPT_REGION:
			o->region = optarg;
			break;
		case OPT_TARGET:
			o->target = optarg;
			break;
		case OPT_DRY_RUN:
			o->dry_run = 1;
			break;
		case OPT_DATE:
			o->date = optarg;
			break;
		case OPT_PRESIGN:
			if (cli_parse_ulong(optarg, 1, SIGV4_MAX_EXPIRES, &n) == -1)
				cli_die(DK_EXIT_USAGE, "--presign %s: want seconds "
				    "from 1 to %lu", optarg, SIGV4_MAX_EXPIRES);
			o->presign = n;
			break;
		case OPT_CONTENT_SHA256:
			o->content_sha256 = 1;
			break;
		case OPT_UNSIGNED:
			o->unsigned_payload = 1;
			break;
		case OPT_NO_NORMALIZE:
			o->no_normalize = 1;
			break;
		case OPT_CONNECT_TIMEOUT:
		case OPT_MAX_TIME:
			if (cli_parse_duration(optarg, MAX_SECONDS, &n) == -1 || n == 0)
				cli_die(DK_EXIT_USAGE, "--%s %s: want a duration "
				    "such as 30, 30s, 5m", c == OPT_MAX_TIME ?
				    "max-time" : "connect-timeout", optarg);
			if (c == OPT_MAX_TIME)
				o->max_time = n;
			else
				o->connect_timeout = n;
			break;
		case OPT_VERSION:
			cli_version();
		default:
			cli_bad_option(argv, usage_text);
		}
	}
	if (optind == argc) {
		cli_warn("no URL given");
		usage(1);
	}
	if (argc - optind > 1)
		cli_die(DK_EXIT_USAGE, "%s: one URL per call", argv[optind + 1]);
	o->url = argv[optind];
	if (o->method == NULL)
		o->method = o->data || o->target ? "POST" : "GET";
	if (o->method[0] == '\0' || strspn(o->method,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(o->method))
		cli_die(DK_EXIT_USAGE, "-X %s: a method is upper-case letters",
		    o->method);
	if (o->date && sigv4_check_date(o->date, NULL) == -1)
		cli_die(DK_EXIT_USAGE, "--date %s: want YYYYMMDDTHHMMSSZ", o->date);
	if (o->presign && o->dry_run)
		cli_die(DK_EXIT_USAGE, "--presign and --dry-run: choose one");
}

/* SHA-256 of a whole stream in one pass; rewinds it after.  0 or -1. */
static int
hash_file(FILE *f, size_t *len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char	 md[EVP_MAX_MD_SIZE], chunk[65536];
	unsigned int	 mdlen = 0, i;
	EVP_MD_CTX	*ctx;
	size_t		 n, total = 0;
	int		 ret = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (EVP_DigestUpdate(ctx, chunk, n) != 1)
			goto out;
		total += n;
	}
	if (ferror(f) || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		goto out;
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * mdlen] = '\0';
	*len = total;
	rewind(f);
	ret = 0;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* Read -d's argument into b: literal, @file (streamed later) or @- (stdin). */
static void
load_body(const char *data, struct body *b)
{
	struct stat	 st;
	char		 chunk[65536];
	size_t		 n;
	int		 fd;

	b->mem.max = STDIN_MAX;
	if (data == NULL) {
		b->len = 0;
		sigv4_sha256_hex("", 0, b->sha256);
		return;
	}
	if (data[0] != '@') {
		if (buf_addstr(&b->mem, data) == -1)
			cli_die(DK_EXIT_USAGE, "-d: the data is too large");
		b->len = b->mem.len;
		sigv4_sha256_hex(buf_str(&b->mem), b->len, b->sha256);
		return;
	}
	b->name = data + 1;
	if (strcmp(b->name, "-") == 0) {
		b->name = "stdin";
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (buf_add(&b->mem, chunk, n) == -1)
				cli_die(DK_EXIT_USAGE, "-d @-: stdin is larger than "
				    "%zu bytes: use -d @file", STDIN_MAX);
		if (ferror(stdin))
			cli_die(DK_EXIT_USAGE, "-d @-: reading stdin: %s",
			    strerror(errno));
		OPENSSL_cleanse(chunk, sizeof(chunk));
		b->len = b->mem.len;
		sigv4_sha256_hex(buf_str(&b->mem), b->len, b->sha256);
		return;
	}
	if ((fd = open(b->name, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1)
		cli_die(DK_EXIT_USAGE, "-d @%s: %s", b->name, strerror(errno));
	if (S_ISDIR(st.st_mode))
		cli_die(DK_EXIT_USAGE, "-d @%s: is a directory", b->name);
	if ((b->file = fdopen(fd, "rb")) == NULL)
		cli_die(DK_EXIT_NOANSWER, "-d @%s: %s", b->name, strerror(errno));
	if (!S_ISREG(st.st_mode)) {
		/* A pipe or device cannot be read twice: keep it in memory. */
		while ((n = fread(chunk, 1, sizeof(chunk), b->file)) > 0)
			if (buf_add(&b->mem, chunk, n) == -1)
				cli_die(DK_EXIT_USAGE, "-d @%s: larger than %zu "
				    "bytes", b->name, STDIN_MAX);
		if (ferror(b->file))
			cli_die(DK_EXIT_USAGE, "-d @%s: %s", b->name,
			    strerror(errno));
		fclose(b->file);
		b->file = NULL;
		b->len = b->mem.len;
		sigv4_sha256_hex(buf_str(&b->mem), b->len, b->sha256);
		return;
	}
	if (hash_file(b->file, &b->len, b->sha256) == -1)
		cli_die(DK_EXIT_USAGE, "-d @%s: %s", b->name, strerror(errno));
}

/* Print the body of a dry run: exactly the bytes that would be sent. */
static void
print_body(struct body *b)
{
	char	 chunk[65536];
	size_t	 n;

	if (b->file == NULL) {
		fwrite(buf_str(&b->mem), 1, b->mem.len, stdout);
		return;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), b->file)) > 0)
		fwrite(chunk, 1, n, stdout);
	rewind(b->file);
}

/* A line of --verbose output that may show a session token: redact it. */
static void
trace_canonical(const char *title, const char *text)
{
	const char	*p = text, *nl;
	char		 line[1024];
	size_t		 n;

	cli_warn("* %s:", title);
	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (strncasecmp(line, "x-amz-security-token:", 21) == 0)
			cli_warn("*   x-amz-security-token:[redacted]");
		else if (strstr(line, "X-Amz-Security-Token=") != NULL)
			cli_warn("*   [query with X-Amz-Security-Token redacted]");
		else
			cli_warn("*   %s", line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct body		 body;
	struct http_url		 u;
	struct awsconf		 conf;
	struct awscred		 cred;
	struct dkerr		 err;
	struct sigv4_header	 sh[MAX_HEADERS + 3];
	struct http_header	 hh[MAX_HEADERS + 3 + SIGV4_MAX_ADD];
	struct sigv4_request	 sreq;
	struct sigv4_params	 sp;
	struct sigv4_result	 sr;
	struct http_options	 hopt;
	struct http_client	*http = NULL;
	struct http_response	 resp;
	struct awsapi_error	 aerr;
	char			 svc[64], reg[64], date[17];
	const char		*service, *region;
	size_t			 nh = 0, i;
	int			 status = DK_EXIT_OK;

	cli_init("sigv4-curl");
	memset(&o, 0, sizeof(o));
	memset(&body, 0, sizeof(body));
	memset(&conf, 0, sizeof(conf));
	memset(&cred, 0, sizeof(cred));
	memset(&sr, 0, sizeof(sr));
	memset(&resp, 0, sizeof(resp));
	memset(&err, 0, sizeof(err));
	parse_args(argc, argv, &o);

	if (http_url_parse(o.url, &u, &err) == -1)
		cli_die_err(&err);
	if (awsconf_load(&conf, &err) == -1)
		cli_die_err(&err);

	/* Service and region: given, else read off a standard AWS host. */
	svc[0] = reg[0] = '\0';
	awshost_parse(u.host, svc, sizeof(svc), reg, sizeof(reg));
	service = o.service ? o.service : svc[0] ? svc : NULL;
	region = o.region ? o.region : reg[0] ? reg : conf.region;
	if (service == NULL)
		cli_die(DK_EXIT_USAGE, "%s: not a standard AWS host: give "
		    "--service", u.host);
	if (region == NULL)
		cli_die(DK_EXIT_USAGE, "%s: no region: give --region or set "
		    "AWS_REGION", u.host);
	if (!awshost_region_valid(region))
		cli_die(DK_EXIT_USAGE, "%s: not a valid region name", region);
	if (strspn(service, "abcdefghijklmnopqrstuvwxyz0123456789-.") !=
	    strlen(service) || service[0] == '\0')
		cli_die(DK_EXIT_USAGE, "--service %s: not a signing name", service);

	load_body(o.data, &body);

	/* Headers as they will be sent and signed. */
	if (find_header(&o, "Host") == NULL) {
		sh[nh].name = "Host";
		sh[nh++].value = u.hostport;
	}
	for (i = 0; i < o.nheaders; i++)
		sh[nh++] = o.headers[i];
	if (o.target) {
		if (find_header(&o, "X-Amz-Target") == NULL) {
			sh[nh].name = "X-Amz-Target";
			sh[nh++].value = o.target;
		}
		if (find_header(&o, "Content-Type") == NULL) {
			sh[nh].name = "Content-Type";
			sh[nh++].value = "application/x-amz-json-1.1";
		}
	} else if (o.data && find_header(&o, "Content-Type") == NULL) {
		/* What curl sends with -d, made explicit so it is signed. */
		sh[nh].name = "Content-Type";
		sh[nh++].value = "application/x-www-form-urlencoded";
	}

	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = "sigv4-curl";
	hopt.ca_bundle = conf.ca_bundle;
	hopt.connect_timeout_ms = (long)o.connect_timeout * 1000;
	hopt.timeout_ms = (long)o.max_time * 1000;
	if (o.verbose)
		hopt.trace = cli_trace;
	if ((http = http_client_new(&hopt, &err)) == NULL)
		cli_die_err(&err);
	if (awscred_resolve(&conf, http, &cred, &err) == -1)
		cli_die_err(&err);

	memset(&sreq, 0, sizeof(sreq));
	sreq.method = o.method;
	sreq.path = u.path;
	sreq.query = u.query;
	sreq.headers = sh;
	sreq.nheaders = nh;
	sreq.payload_hash = o.unsigned_payload ? SIGV4_UNSIGNED_PAYLOAD :
	    body.sha256;
	memset(&sp, 0, sizeof(sp));
	sp.access_key = cred.access_key_id;
	sp.secret_key = cred.secret_access_key;
	sp.session_token = cred.session_token;
	sp.region = region;
	sp.service = service;
	if (o.date)
		sp.amz_date = o.date;
	else if (sigv4_format_date(time(NULL), date) == 0)
		sp.amz_date = date;
	else
		cli_die(DK_EXIT_USAGE, "the clock is out of range");
	if (strcmp(service, "s3") == 0)
		sp.flags |= SIGV4_S3;
	if (o.no_normalize)
		sp.flags |= SIGV4_NO_NORMALIZE;
	if (o.content_sha256 || o.unsigned_payload)
		sp.flags |= SIGV4_CONTENT_SHA256;
	sp.expires = o.presign;

	if (o.presign) {
		if (sigv4_presign(&sreq, &sp, &sr, &err) == -1)
			cli_die_err(&err);
		if (o.verbose) {
			trace_canonical("canonical request",
			    buf_str(&sr.canonical_request));
			trace_canonical("string to sign", buf_str(&sr.string_to_sign));
		}
		printf("%s://%s%s?%s\n", u.scheme, u.hostport, u.path,
		    buf_str(&sr.query));
		goto done;
	}
	if (sigv4_sign(&sreq, &sp, &sr, &err) == -1)
		cli_die_err(&err);
	if (o.verbose) {
		trace_canonical("canonical request", buf_str(&sr.canonical_request));
		trace_canonical("string to sign", buf_str(&sr.string_to_sign));
	}
	for (i = 0; i < nh; i++) {
		hh[i].name = (char *)sh[i].name;
		hh[i].value = (char *)sh[i].value;
	}
	for (i = 0; i < sr.nadd; i++) {
		hh[nh + i].name = (char *)sr.add[i].name;
		hh[nh + i].value = (char *)sr.add[i].value;
	}

	if (o.dry_run) {
		printf("%s %s%s%s HTTP/1.1\n", o.method, u.path,
		    u.query ? "?" : "", u.query ? u.query : "");
		for (i = 0; i < nh + sr.nadd; i++)
			printf("%s: %s\n", hh[i].name,
			    strcasecmp(hh[i].name, "X-Amz-Security-Token") == 0 ?
			    "[redacted]" : hh[i].value);
		if (o.data) {
			if (find_header(&o, "Content-Length") == NULL)
				printf("Content-Length: %zu\n", body.len);
			putchar('\n');
			print_body(&body);
		}
		goto done;
	}

	{
		struct http_request req = {
			.method = o.method, .url = o.url,
			.headers = hh, .nheaders = nh + sr.nadd,
			.body = body.file ? NULL : buf_str(&body.mem),
			.body_len = body.len, .body_file = body.file,
		};
		if (o.data == NULL)
			req.body = NULL;
		resp.sink = stdout;
		resp.sink_errors = !o.fail;
		if (http_send(http, &req, &resp, &err) == -1)
			cli_die_err(&err);
	}
	if (o.include) {
		fprintf(stderr, "HTTP %ld\n", resp.status);
		for (i = 0; i < resp.nheaders; i++)
			fprintf(stderr, "%s: %s\n", resp.headers[i].name,
			    http_header_is_secret(resp.headers[i].name) ?
			    "[redacted]" : resp.headers[i].value);
	}
	if (o.fail && resp.status >= 400) {
		awsapi_parse_error(resp.status, &resp, &aerr);
		if (aerr.code[0])
			cli_warn("%s: %s (HTTP %ld)", aerr.code,
			    aerr.message[0] ? aerr.message : "no message",
			    resp.status);
		else
			cli_warn("HTTP %ld from %s", resp.status, u.hostport);
		status = DK_EXIT_REMOTE;
	}
done:
	sigv4_result_free(&sr);
	awscred_free(&cred);
	awsconf_free(&conf);
	http_response_free(&resp);
	http_client_free(http);
	http_url_free(&u);
	if (body.file)
		fclose(body.file);
	buf_wipe(&body.mem);
	for (i = 0; i < o.nheaders; i++)
		free(o.header_copy[i]);
	return cli_finish(status);
}
