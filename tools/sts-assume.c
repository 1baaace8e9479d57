/*
 * sts-assume: temporary AWS credentials from STS.  AssumeRoleWithWebIdentity
 * with a token from a file or from GitHub Actions' OIDC endpoint, else
 * AssumeRole with the credentials the chain finds (role chaining).  Prints
 * them as credential_process JSON, or with --github-env hands them to the
 * job's next steps through $GITHUB_ENV and prints only what is not secret.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "awsapi.h"
#include "awsconf.h"
#include "awscred.h"
#include "awshost.h"
#include "buf.h"
#include "cli.h"
#include "dkerr.h"
#include "http.h"
#include "sts.h"

#define OIDC_URL_ENV	"ACTIONS_ID_TOKEN_REQUEST_URL"
#define OIDC_TOKEN_ENV	"ACTIONS_ID_TOKEN_REQUEST_TOKEN"
#define ENV_FILE_MAX	((size_t)64 << 10)	/* one GITHUB_ENV entry set */
#define PERMISSION_HINT	"the job needs `permissions: id-token: write`"

static const char usage_text[] =
"usage: sts-assume [-qv] [--role-arn arn] [--token-file file]\n"
"                  [--audience audience] [--session-name name]\n"
"                  [--duration seconds] [--region region] [--github-env]\n";

enum {
	OPT_ROLE_ARN = 256, OPT_TOKEN_FILE, OPT_AUDIENCE, OPT_SESSION_NAME,
	OPT_DURATION, OPT_REGION, OPT_GITHUB_ENV, OPT_VERSION
};

static const struct option longopts[] = {
	{ "role-arn",		required_argument,	NULL, OPT_ROLE_ARN },
	{ "token-file",		required_argument,	NULL, OPT_TOKEN_FILE },
	{ "audience",		required_argument,	NULL, OPT_AUDIENCE },
	{ "session-name",	required_argument,	NULL, OPT_SESSION_NAME },
	{ "duration",		required_argument,	NULL, OPT_DURATION },
	{ "region",		required_argument,	NULL, OPT_REGION },
	{ "github-env",		no_argument,		NULL, OPT_GITHUB_ENV },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 }
};

struct opts {
	const char	*role_arn, *role_from;	/* role_from: where it came from */
	const char	*token_file, *audience, *session_name, *region;
	const char	*env_file;		/* $GITHUB_ENV with --github-env */
	int		 env_fd;		/* ... opened before anything is sent */
	unsigned long	 duration;
	int		 github_env, quiet, verbose;
};

/* Where the identity comes from. */
enum source { SRC_TOKEN_FILE, SRC_OIDC, SRC_CHAIN };

/* stdout's buffer, ours so that the keys can be wiped from it. */
static char outbuf[BUFSIZ];

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

/*
 * jansson's free: the output holds the keys and jansson copies strings,
 * so everything it frees is wiped first (as ecr-token does).
 */
static void
wipe_free(void *p)
{
	if (p != NULL)
		OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

/* SIGINT and SIGTERM end the tool with the codes design.md gives them. */
static void
on_signal(int sig)
{
	_exit(sig == SIGTERM ? DK_EXIT_SIGTERM : DK_EXIT_SIGINT);
}

static void
notify(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

/* The environment, an empty value taken as unset (as the SDKs do). */
static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v && *v ? v : NULL;
}

/* An RFC 3339 time ("2026-11-29T08:54:49Z"); 0 on failure. */
static int
rfc3339(time_t t, char out[32])
{
	struct tm	 tm;

	return gmtime_r(&t, &tm) != NULL &&
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0;
}

/*
 * Register the values as secrets with the runner before they are written
 * anywhere.  The runner takes workflow commands from stderr as from
 * stdout; stderr keeps stdout one JSON line, and nothing secret is on it
 * when this matters most (--github-env).  Not silenced by --quiet.
 */
static void
github_mask(const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	cli_add_mask(stderr, value);
}

/* "ghadelimiter_" and 32 random hex digits, as @actions/core makes them. */
static void
env_delimiter(char out[64])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[16];
	size_t			 i, o;

	arc4random_buf(r, sizeof(r));
	o = strlen(memcpy(out, "ghadelimiter_", sizeof("ghadelimiter_")));
	for (i = 0; i < sizeof(r); i++) {
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 15];
	}
	out[o] = '\0';
}

/*
 * Open $GITHUB_ENV to append to, before anything is sent: a file that
 * cannot take the credentials is a usage error, found while nothing has
 * been asked for yet.  It must exist (the runner makes it; @actions/core
 * refuses a missing one too), be a regular file and not a symbolic link.
 * Exits 2 otherwise.
 */
static void
github_env_open(struct opts *o)
{
	struct stat	 st;

	o->env_fd = open(o->env_file, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (o->env_fd == -1)
		cli_die(DK_EXIT_USAGE, "GITHUB_ENV %s: %s", o->env_file,
		    errno == ELOOP ? "a symbolic link, refused" :
		    strerror(errno));
	if (fstat(o->env_fd, &st) == -1 || !S_ISREG(st.st_mode))
		cli_die(DK_EXIT_USAGE, "GITHUB_ENV %s: not a regular file",
		    o->env_file);
}

/*
 * Append NAME<<DELIM / value / DELIM entries for the credentials (and the
 * region given with --region) to $GITHUB_ENV, the runner's multi-line
 * form, with one random delimiter none of the values holds, in one
 * write(); a write that falls short is cut back, so that the runner never
 * reads half an entry.  Exits 3 on failure.
 */
static void
github_env_write(const struct opts *o, const struct awscred *c)
{
	struct {
		const char	*name, *value;
	} v[5];
	struct buf	 b = BUF_INIT(ENV_FILE_MAX);
	struct stat	 st;
	char		 delim[64];
	size_t		 n = 0, i, len;
	ssize_t		 w;
	int		 tries, clash;

	v[n].name = "AWS_ACCESS_KEY_ID";
	v[n++].value = c->access_key_id;
	v[n].name = "AWS_SECRET_ACCESS_KEY";
	v[n++].value = c->secret_access_key;
	/* Always written: a token left over from an earlier step must not
	 * pair with these keys. */
	v[n].name = "AWS_SESSION_TOKEN";
	v[n++].value = c->session_token ? c->session_token : "";
	if (o->region) {
		v[n].name = "AWS_REGION";
		v[n++].value = o->region;
		v[n].name = "AWS_DEFAULT_REGION";
		v[n++].value = o->region;
	}
	for (tries = 0; ; tries++) {
		env_delimiter(delim);
		for (clash = 0, i = 0; i < n; i++)
			if (strstr(v[i].value, delim) != NULL)
				clash = 1;
		if (!clash)
			break;
		if (tries == 3)
			cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV: no delimiter "
			    "that the values do not hold");
	}
	for (i = 0; i < n; i++)
		if (buf_addf(&b, "%s<<%s\n%s\n%s\n", v[i].name, delim,
		    v[i].value, delim) == -1) {
			buf_wipe(&b);
			cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV: the entries are "
			    "larger than %zu bytes", ENV_FILE_MAX);
		}

	if (fstat(o->env_fd, &st) == -1) {
		buf_wipe(&b);
		cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV %s: %s", o->env_file,
		    strerror(errno));
	}
	do
		w = write(o->env_fd, b.data, b.len);
	while (w == -1 && errno == EINTR);
	if (w == -1) {
		buf_wipe(&b);
		cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV %s: %s", o->env_file,
		    strerror(errno));
	}
	if ((size_t)w != (len = b.len)) {
		/* Nobody else appends while the step runs: cut back. */
		buf_wipe(&b);
		if (ftruncate(o->env_fd, st.st_size) == -1)
			cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV %s: a short write "
			    "(%zd of %zu bytes) that could not be taken back: %s",
			    o->env_file, w, len, strerror(errno));
		cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV %s: a short write (%zd "
		    "of %zu bytes), taken back", o->env_file, w, len);
	}
	buf_wipe(&b);
	if (close(o->env_fd) == -1)
		cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV %s: %s", o->env_file,
		    strerror(errno));
}

/* The line for stdout, then the exit status it leaves. */
static int
print_result(const struct opts *o, const char *session,
    const struct awscred *c, const struct sts_result *res)
{
	char	 exp[32];
	json_t	*out;
	int	 have_exp = c->expiration != 0 && rfc3339(c->expiration, exp);
	int	 bad;

	if (o->github_env)
		out = json_pack("{s:s, s:s?, s:s, s:s, s:s?}",
		    "role_arn", o->role_arn,
		    "assumed_role_arn", res->assumed_role_arn[0] ?
		    res->assumed_role_arn : NULL,
		    "session_name", session,
		    "access_key_id", c->access_key_id,
		    "expiration", have_exp ? exp : NULL);
	else
		out = json_pack("{s:i, s:s, s:s, s:s*, s:s*}",
		    "Version", 1,
		    "AccessKeyId", c->access_key_id,
		    "SecretAccessKey", c->secret_access_key,
		    "SessionToken", c->session_token,
		    "Expiration", have_exp ? exp : NULL);
	if (out == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	bad = json_dumpf(out, stdout, JSON_COMPACT) == -1 ||
	    putchar('\n') == EOF;
	json_decref(out);
	if (bad)
		cli_die(DK_EXIT_NOANSWER, "stdout: write failed");
	return DK_EXIT_OK;
}

/*
 * Die with a web identity refusal, and what usually causes it: a trust
 * policy whose sub or aud condition does not match the token, or no IAM
 * OIDC provider for its issuer.  The claims are named (they are not
 * secret; the token is).
 */
static void __attribute__((noreturn))
die_web_identity(const struct dkerr *err, const struct sts_result *res,
    const struct sts_claims *cl, int have_claims)
{
	const char	*code = res->error.code, *host;

	if (err->kind != DKERR_REMOTE || (strcmp(code, "AccessDenied") != 0 &&
	    strcmp(code, "InvalidIdentityToken") != 0 &&
	    strcmp(code, "IDPRejectedClaim") != 0))
		cli_die_err(err);
	if (!have_claims)
		cli_die(DK_EXIT_REMOTE, "%s; check the role's trust policy: its "
		    "sub and aud conditions must match the token's claims",
		    err->msg);
	host = strncmp(cl->iss, "https://", 8) == 0 ? cl->iss + 8 : cl->iss;
	if (strcmp(code, "AccessDenied") == 0 && *host)
		cli_die(DK_EXIT_REMOTE, "%s; check the role's trust policy: its "
		    "conditions on %s:sub and %s:aud must match this token's "
		    "sub \"%s\" and aud \"%s\"", err->msg, host, host, cl->sub,
		    cl->aud);
	if (strcmp(code, "AccessDenied") == 0)
		cli_die(DK_EXIT_REMOTE, "%s; check the role's trust policy: its "
		    "sub and aud conditions must match this token's sub \"%s\" "
		    "and aud \"%s\"", err->msg, cl->sub, cl->aud);
	cli_die(DK_EXIT_REMOTE, "%s; check that the account has an IAM OIDC "
	    "provider for %s with audience \"%s\", and that the role's trust "
	    "policy allows sub \"%s\"", err->msg, cl->iss[0] ? cl->iss :
	    "the token's issuer", cl->aud, cl->sub);
}

static void __attribute__((format(printf, 2, 3)))
note(const struct opts *o, const char *fmt, ...)
{
	char	 line[DKERR_MSGMAX + 256];
	va_list	 ap;

	if (!o->verbose)
		return;
	va_start(ap, fmt);
	if (vsnprintf(line, sizeof(line), fmt, ap) >= 0)
		cli_warn("%s", line);
	va_end(ap);
}

static void
parse_options(int argc, char *argv[], struct opts *o)
{
	unsigned long	 v;
	int		 c;

	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROLE_ARN:	o->role_arn = optarg; break;
		case OPT_TOKEN_FILE:
			o->token_file = cli_secret_file_option(argv,
			    "--token-file", "give --token-file FILE, or run in "
			    "GitHub Actions with `permissions: id-token: write`");
			break;
		case OPT_AUDIENCE:	o->audience = optarg; break;
		case OPT_SESSION_NAME:	o->session_name = optarg; break;
		case OPT_DURATION:
			if (cli_parse_duration(optarg, STS_DURATION_MAX, &v) == -1 ||
			    v < STS_DURATION_MIN)
				cli_die(DK_EXIT_USAGE, "--duration %s: want %lu to "
				    "%lu seconds (15m to 12h)", optarg,
				    STS_DURATION_MIN, STS_DURATION_MAX);
			o->duration = v;
			break;
		case OPT_REGION:	o->region = optarg; break;
		case OPT_GITHUB_ENV:	o->github_env = 1; break;
		case 'q':		o->quiet = 1; break;
		case 'v':		o->verbose = 1; break;
		case 'h':		usage(0);
		case OPT_VERSION:	cli_version();
		default:		cli_bad_option(argv, usage_text);
		}
	}
	if (optind < argc)
		cli_die(DK_EXIT_USAGE, "%s: no operands are taken",
		    argv[optind]);
	o->role_from = "--role-arn";
	if (o->role_arn == NULL && (o->role_arn = env("AWS_ROLE_ARN")) != NULL)
		o->role_from = "AWS_ROLE_ARN";
	if (o->role_arn == NULL)
		cli_die(DK_EXIT_USAGE, "no role to assume: give --role-arn or set "
		    "AWS_ROLE_ARN");
	if (!sts_role_arn_valid(o->role_arn))
		cli_die(DK_EXIT_USAGE, "%s %.300s: not an IAM role ARN "
		    "(arn:aws:iam::123456789012:role/NAME)", o->role_from,
		    o->role_arn);
	if (o->session_name && !sts_session_name_valid(o->session_name))
		cli_die(DK_EXIT_USAGE, "--session-name %.100s: want 2 to %d of "
		    "A-Z a-z 0-9 _ + = , . @ -", o->session_name,
		    STS_SESSION_NAME_MAX);
	if (o->region && !awshost_region_valid(o->region))
		cli_die(DK_EXIT_USAGE, "--region %.100s: not a valid region name",
		    o->region);
	if (o->github_env && (o->env_file = env("GITHUB_ENV")) == NULL)
		cli_die(DK_EXIT_USAGE, "--github-env: GITHUB_ENV is not set (the "
		    "runner sets it in GitHub Actions steps)");
	if (o->github_env)
		github_env_open(o);
}

/* The session name: given, else from the Actions run, else made up. */
static const char *
session_name(const struct opts *o, char out[STS_SESSION_NAME_MAX + 1])
{
	int	 n;

	if (o->session_name)
		return o->session_name;
	if (sts_session_name_make(env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID"),
	    out) == 0)
		return out;
	n = snprintf(out, STS_SESSION_NAME_MAX + 1, "deploykit-%lld-%ld",
	    (long long)time(NULL), (long)getpid());
	if (n < 0 || n > STS_SESSION_NAME_MAX)
		return "deploykit-session";
	return out;
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct awsconf		 conf;
	struct http_options	 hopt;
	struct http_client	*http;
	struct sts_call		 call;
	struct sts_oidc		 oidc;
	struct sts_result	 res;
	struct sts_claims	 claims;
	struct awscred		 src, cred;
	struct dkerr		 err;
	struct sigaction	 sa;
	struct buf		 token = BUF_INIT(STS_TOKEN_MAX);
	const char		*oidc_url, *oidc_tok, *session;
	char			 sname[STS_SESSION_NAME_MAX + 1];
	enum source		 from;
	long			 status;
	int			 have_claims = 0, rc;

	cli_init("sts-assume");
	json_set_alloc_funcs(malloc, wipe_free);
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	memset(&src, 0, sizeof(src));
	memset(&cred, 0, sizeof(cred));
	opterr = 0;
	parse_options(argc, argv, &o);
	session = session_name(&o, sname);

	/* Which identity, decided (and its local inputs read) before anything
	 * is sent. */
	oidc_url = env(OIDC_URL_ENV);
	oidc_tok = env(OIDC_TOKEN_ENV);
	if (o.token_file) {
		from = SRC_TOKEN_FILE;
		if (awscred_read_token(o.token_file, "--token-file", &token,
		    &err) == -1)
			cli_die_err(&err);
	} else if (oidc_url && oidc_tok) {
		from = SRC_OIDC;
	} else if (oidc_url || oidc_tok) {
		cli_die(DK_EXIT_USAGE, "%s is set but %s is not: the runner sets "
		    "both when %s", oidc_url ? OIDC_URL_ENV : OIDC_TOKEN_ENV,
		    oidc_url ? OIDC_TOKEN_ENV : OIDC_URL_ENV, PERMISSION_HINT);
	} else
		from = SRC_CHAIN;

	if (awsconf_load(&conf, &err) == -1)
		cli_die_err(&err);
	if (o.region) {
		free(conf.region);
		if ((conf.region = strdup(o.region)) == NULL)
			cli_die(DK_EXIT_NOANSWER, "out of memory");
	}
	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = cli_name();
	hopt.ca_bundle = conf.ca_bundle;
	hopt.timeout_ms = 60000;
	if (o.verbose)
		hopt.trace = cli_trace;
	if ((http = http_client_new(&hopt, &err)) == NULL)
		cli_die_err(&err);

	memset(&call, 0, sizeof(call));
	call.conf = &conf;
	call.http = http;
	call.role_arn = o.role_arn;
	call.session_name = session;
	call.duration = o.duration;
	if (!o.quiet)
		call.notify = notify;

	if (from == SRC_OIDC) {
		memset(&oidc, 0, sizeof(oidc));
		oidc.request_url = oidc_url;
		oidc.request_token = oidc_tok;
		oidc.audience = o.audience;
		oidc.max_attempts = conf.max_attempts;
		oidc.notify = call.notify;
		if (sts_oidc_token(http, &oidc, &token, &status, &err) == -1) {
			if (err.kind == DKERR_REMOTE &&
			    (status == 401 || status == 403))
				cli_die(DK_EXIT_REMOTE, "%s; %s was refused: it is "
				    "good only while its job runs", err.msg,
				    OIDC_TOKEN_ENV);
			cli_die_err(&err);
		}
	}
	if (from != SRC_CHAIN) {
		have_claims = sts_jwt_claims(buf_str(&token), token.len,
		    &claims) == 0;
		if (have_claims)
			note(&o, "web identity token from %s: iss \"%s\", sub "
			    "\"%s\", aud \"%s\"", from == SRC_OIDC ?
			    "GitHub OIDC" : o.token_file, claims.iss,
			    claims.sub, claims.aud);
		note(&o, "assuming role %s with web identity, session %s",
		    o.role_arn, session);
		if (sts_web_identity(&call, buf_str(&token), &cred, &res,
		    &err) == -1) {
			buf_wipe(&token);
			die_web_identity(&err, &res, &claims, have_claims);
		}
		buf_wipe(&token);
	} else {
		if (awscred_resolve(&conf, http, &src, &err) == -1) {
			const char *ga = env("GITHUB_ACTIONS");

			if (err.kind == DKERR_INPUT && ga &&
			    strcmp(ga, "true") == 0)
				cli_die(DK_EXIT_USAGE, "%s; no web identity either: "
				    "%s and %s are not set (%s)", err.msg,
				    OIDC_URL_ENV, OIDC_TOKEN_ENV,
				    PERMISSION_HINT);
			cli_die_err(&err);
		}
		note(&o, "assuming role %s with the credentials from %s, "
		    "session %s", o.role_arn, src.source, session);
		if (sts_assume_role(&call, &src, &cred, &res, &err) == -1) {
			if (err.kind == DKERR_REMOTE &&
			    strcmp(res.error.code, "AccessDenied") == 0)
				cli_die(DK_EXIT_REMOTE, "%s; the credentials from %s "
				    "need sts:AssumeRole on the role, and its trust "
				    "policy must allow them", err.msg, src.source);
			cli_die_err(&err);
		}
		awscred_free(&src);
	}
	http_client_free(http);
	awsconf_free(&conf);

	if (o.github_env || (env("GITHUB_ACTIONS") &&
	    strcmp(env("GITHUB_ACTIONS"), "true") == 0)) {
		github_mask(cred.access_key_id);
		github_mask(cred.secret_access_key);
		github_mask(cred.session_token);
	}
	if (o.github_env)
		github_env_write(&o, &cred);
	rc = print_result(&o, session, &cred, &res);
	awscred_free(&cred);
	rc = cli_finish(rc);
	OPENSSL_cleanse(outbuf, sizeof(outbuf));
	return rc;
}
