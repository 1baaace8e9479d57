/*
 * sigv4-sign: a test aid, not installed.  Reads one JSON object describing a
 * request on stdin, signs it with lib/sigv4, prints one JSON object:
 *
 *   in:  {"method","path","query","headers":[[name,value],...],
 *         "payload_hash","access_key","secret_key","session_token",
 *         "region","service","amz_date",
 *         "flags":{"s3","no_normalize","content_sha256","omit_token"},
 *         "presign_expires"}            (presign_expires: presign instead)
 *   out: {"canonical_request","string_to_sign","signature","authorization",
 *         "query","add":[[name,value],...]}
 *
 * With --bench N it signs the same request N times and prints
 * {"signatures":N,"seconds":S,"per_second":R} instead.
 * Exit 0, 2 for bad input (the library's own errors map through dkerr), 3
 * when stdout cannot be written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"
#include "sigv4.h"

#define PROG		"sigv4-sign"
#define INPUT_MAX	((size_t)1 << 20)
#define BENCH_MAX	100000000UL

struct job {
	json_t			*root;
	struct sigv4_request	 req;
	struct sigv4_params	 pa;
	struct sigv4_header	*hdrs;
	int			 presign;
};

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: " PROG " [--bench N] < request.json\n", stderr);
	exit(DK_EXIT_USAGE);
}

static void __attribute__((format(printf, 2, 3), noreturn))
die(int code, const char *fmt, ...)
{
	va_list	 ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* A decimal in [1, max], nothing else: 0 or -1. */
static int
parse_count(const char *s, unsigned long max, unsigned long *v)
{
	char	*end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || *v < 1 || *v > max)
		return -1;
	return 0;
}

static void
read_stdin(struct buf *in)
{
	char	 chunk[8192];
	size_t	 n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(in, chunk, n) == -1)
			die(DK_EXIT_USAGE, "stdin: more than %zu bytes",
			    INPUT_MAX);
	if (ferror(stdin))
		die(DK_EXIT_USAGE, "stdin: read error");
}

/* The string member, or NULL when absent or null; anything else dies. */
static const char *
opt_str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v))
		die(DK_EXIT_USAGE, "\"%s\": want a string", key);
	return json_string_value(v);
}

static const char *
req_str(json_t *o, const char *key)
{
	const char	*s = opt_str(o, key);

	if (s == NULL)
		die(DK_EXIT_USAGE, "\"%s\" missing", key);
	return s;
}

static unsigned
flag(json_t *flags, const char *key, unsigned bit)
{
	json_t	*v = json_object_get(flags, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		die(DK_EXIT_USAGE, "\"flags.%s\": want true or false", key);
	return json_is_true(v) ? bit : 0;
}

/* Parse stdin into job; every borrowed string lives in job->root. */
static void
load(struct job *job)
{
	struct buf	 in = BUF_INIT(INPUT_MAX);
	json_error_t	 jerr;
	json_t		*o, *h, *pair, *flags, *exp;
	size_t		 i;

	read_stdin(&in);
	o = json_loadb(buf_str(&in), in.len, JSON_REJECT_DUPLICATES, &jerr);
	buf_free(&in);
	if (o == NULL)
		die(DK_EXIT_USAGE, "stdin: line %d: %s", jerr.line, jerr.text);
	if (!json_is_object(o))
		die(DK_EXIT_USAGE, "stdin: want one JSON object");
	job->root = o;
	job->req.method = req_str(o, "method");
	job->req.path = req_str(o, "path");
	job->req.query = opt_str(o, "query");
	job->req.payload_hash = opt_str(o, "payload_hash");
	h = json_object_get(o, "headers");
	if (!json_is_array(h))
		die(DK_EXIT_USAGE, "\"headers\": want [[name, value], ...]");
	job->req.nheaders = json_array_size(h);
	if ((job->hdrs = calloc(job->req.nheaders + 1,
	    sizeof(*job->hdrs))) == NULL)
		die(DK_EXIT_NOANSWER, "out of memory");
	json_array_foreach(h, i, pair) {
		if (!json_is_array(pair) || json_array_size(pair) != 2 ||
		    !json_is_string(json_array_get(pair, 0)) ||
		    !json_is_string(json_array_get(pair, 1)))
			die(DK_EXIT_USAGE, "\"headers\"[%zu]: want [name, value]",
			    i);
		job->hdrs[i].name = json_string_value(json_array_get(pair, 0));
		job->hdrs[i].value = json_string_value(json_array_get(pair, 1));
	}
	job->req.headers = job->hdrs;
	job->pa.access_key = req_str(o, "access_key");
	job->pa.secret_key = req_str(o, "secret_key");
	job->pa.session_token = opt_str(o, "session_token");
	job->pa.region = req_str(o, "region");
	job->pa.service = req_str(o, "service");
	job->pa.amz_date = req_str(o, "amz_date");
	flags = json_object_get(o, "flags");
	if (flags != NULL && !json_is_null(flags)) {
		if (!json_is_object(flags))
			die(DK_EXIT_USAGE, "\"flags\": want an object");
		job->pa.flags = flag(flags, "s3", SIGV4_S3) |
		    flag(flags, "no_normalize", SIGV4_NO_NORMALIZE) |
		    flag(flags, "content_sha256", SIGV4_CONTENT_SHA256) |
		    flag(flags, "omit_token", SIGV4_OMIT_TOKEN);
	}
	exp = json_object_get(o, "presign_expires");
	if (exp != NULL && !json_is_null(exp)) {
		/* Out-of-range values go through, for the library to refuse. */
		if (!json_is_integer(exp) || json_integer_value(exp) < 0)
			die(DK_EXIT_USAGE, "\"presign_expires\": want seconds");
		job->pa.expires = (unsigned long)json_integer_value(exp);
		job->presign = 1;
	}
}

static int
run(struct job *job, struct sigv4_result *res, struct dkerr *err)
{
	if (job->presign)
		return sigv4_presign(&job->req, &job->pa, res, err);
	return sigv4_sign(&job->req, &job->pa, res, err);
}

static json_t *
result_json(const struct sigv4_result *res)
{
	json_t	*o, *add;
	size_t	 i;

	if ((add = json_array()) == NULL)
		return NULL;
	for (i = 0; i < res->nadd; i++)
		json_array_append_new(add, json_pack("[ss]", res->add[i].name,
		    res->add[i].value));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}",
	    "canonical_request", buf_str(&res->canonical_request),
	    "string_to_sign", buf_str(&res->string_to_sign),
	    "signature", res->signature,
	    "authorization", buf_str(&res->authorization),
	    "query", buf_str(&res->query),
	    "add", add);
	return o;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *
bench(struct job *job, unsigned long n, struct sigv4_result *res,
    struct dkerr *err)
{
	double		 t0, secs;
	unsigned long	 i;

	t0 = now();
	for (i = 0; i < n; i++)
		if (run(job, res, err) == -1)
			die(dkerr_exit(err->kind), "%s", err->msg);
	secs = now() - t0;
	return json_pack("{s:I, s:f, s:f}", "signatures", (json_int_t)n,
	    "seconds", secs, "per_second", secs > 0 ? (double)n / secs : 0.0);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bench", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct job		 job;
	struct sigv4_result	 res = { 0 };
	struct dkerr		 err = { 0 };
	unsigned long		 n = 0;
	json_t			*out;
	char			*line;
	int			 ch, rc = DK_EXIT_OK;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (parse_count(optarg, BENCH_MAX, &n) == -1)
				die(DK_EXIT_USAGE, "--bench %s: want 1 to %lu",
				    optarg, BENCH_MAX);
			break;
		case 'h':
			fputs("usage: " PROG " [--bench N] < request.json\n",
			    stdout);
			return DK_EXIT_OK;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	memset(&job, 0, sizeof(job));
	load(&job);
	if (n > 0)
		out = bench(&job, n, &res, &err);
	else if (run(&job, &res, &err) == -1)
		die(dkerr_exit(err.kind), "%s", err.msg);
	else
		out = result_json(&res);
	if (out == NULL || (line = json_dumps(out, JSON_COMPACT)) == NULL)
		die(DK_EXIT_NOANSWER, "out of memory");
	puts(line);
	free(line);
	json_decref(out);
	sigv4_result_free(&res);
	free(job.hdrs);
	json_decref(job.root);
	if (fflush(stdout) == EOF || ferror(stdout) || fclose(stdout) == EOF) {
		fprintf(stderr, PROG ": stdout: %s\n", strerror(errno));
		rc = DK_EXIT_NOANSWER;
	}
	return rc;
}
