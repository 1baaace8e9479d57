/*
 * awscred: the SDKs' default credential chain.  See awscred.h for the order.
 *
 * Nothing is cached: each awscred_resolve() reads the environment, token
 * files and metadata services afresh, so a rotated token file or refreshed
 * container credentials are seen by the next call.  Secrets live in buffers
 * that are wiped before they are freed; error messages name variables,
 * profiles, files and hosts, never a key, token or process output.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "awsapi.h"
#include "awscred.h"
#include "awshost.h"
#include "buf.h"
#include "secretfile.h"
#include "sts.h"

#define CRED_PROCESS_MAX	((size_t)64 << 10)	/* credential_process stdout */
#define CRED_TOKEN_MAX		STS_TOKEN_MAX	/* token files */
#define CRED_REPLY_MAX		((size_t)256 << 10)	/* STS, container, IMDS answers */
#define CRED_MAX_HOPS		16	/* source_profile chain length */

/* The SDKs give instance metadata 1 s so that a laptop does not hang on a
 * link-local address nobody answers; container agents get 2 s. */
#define IMDS_TIMEOUT_MS		1000L
#define CONTAINER_TIMEOUT_MS	2000L
#define CONTAINER_ATTEMPTS	3
#define IMDS_TOKEN_TTL		"21600"
/*
 * These link-local endpoints speak plain http.  The metadata clients name
 * them (and only them) in http_options.plain_http_hosts, so that http_send()
 * lets them through while every other plain-http host stays refused.
 */
#define IMDS_DEFAULT_V4		"http://169.254.169.254"
#define IMDS_DEFAULT_V6		"http://[fd00:ec2::254]"
#define ECS_RELATIVE_HOST	"http://169.254.170.2"

#define SSO_WORKAROUND \
	"which deploykit does not speak: run `aws configure export-credentials " \
	"--profile %s --format process` as its credential_process, or export " \
	"the variables with `aws configure export-credentials --format env`"

/* What one awscred_resolve() call carries between the sources. */
struct cred_ctx {
	const struct awsconf	*conf;
	struct http_client	*http;		/* the caller's, for STS */
	struct http_client	*imds_http;	/* ours, short timeouts; lazily made */
	struct http_client	*container_http;
	char			 imds_note[160];	/* why IMDS gave nothing */
};

/* The environment, with empty values taken as unset as the SDKs do. */
static const char *
cred_env(const char *name)
{
	const char	*v = getenv(name);

	return v && *v ? v : NULL;
}

static const char *
cred_get(const struct cred_ctx *ctx, const char *profile, const char *key)
{
	const char	*v = awsconf_get(ctx->conf, profile, key);

	return v && *v ? v : NULL;
}

static void cred_label(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Format a label for messages (a source, "profile X", a note).  Too long a
 * label is cut and ends in "...": it names things for a human, so a cut
 * profile name or host is still better than no message.
 */
static void
cred_label(char *out, size_t outsz, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
	if (n < 0)
		out[0] = '\0';
	else if ((size_t)n >= outsz && outsz >= 4)
		memcpy(out + outsz - 4, "...", 4);
}

#define cred_source(c, ...) cred_label((c)->source, sizeof((c)->source), \
	__VA_ARGS__)

int
awscred_set(struct awscred *c, const char *ak, const char *sk,
    const char *token, time_t expiration, struct dkerr *err)
{
	c->access_key_id = strdup(ak);
	c->secret_access_key = strdup(sk);
	c->session_token = token ? strdup(token) : NULL;
	c->expiration = expiration;
	if (c->access_key_id == NULL || c->secret_access_key == NULL ||
	    (token && c->session_token == NULL)) {
		awscred_free(c);
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	}
	return 0;
}

void
awscred_free(struct awscred *c)
{
	if (c == NULL)
		return;
	free(c->access_key_id);
	if (c->secret_access_key) {
		OPENSSL_cleanse(c->secret_access_key,
		    strlen(c->secret_access_key));
		free(c->secret_access_key);
	}
	if (c->session_token) {
		OPENSSL_cleanse(c->session_token, strlen(c->session_token));
		free(c->session_token);
	}
	memset(c, 0, sizeof(*c));
}

int
awscred_parse_time(const char *s, time_t *t)
{
	struct tm	 tm;
	const char	*p = s;
	int		 v[6], i, off = 0;
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	static const char sep[6] = { '-', '-', 'T', ':', ':', '\0' };
	time_t		 r;

	for (i = 0; i < 6; i++) {
		int n, k;

		for (n = 0, k = 0; k < width[i]; k++, p++) {
			if (!isdigit((unsigned char)*p))
				return -1;
			n = n * 10 + (*p - '0');
		}
		v[i] = n;
		if (sep[i] == 'T' ? (*p != 'T' && *p != 't' && *p != ' ') :
		    sep[i] != '\0' && *p != sep[i])
			return -1;
		if (sep[i])
			p++;
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++)
			;
		if (!isdigit((unsigned char)p[-1]))
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && p[3] == ':' &&
	    isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5])) {
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 +
		    ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
		if (*p == '+')
			off = -off;
		p += 6;
	} else
		return -1;
	if (*p != '\0' || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	if ((r = timegm(&tm)) == (time_t)-1)
		return -1;
	*t = r + off;
	return 0;
}

/* A time for messages, "2024-05-01T12:00:00Z"; "?" if it cannot be shown. */
static void
cred_format_time(time_t t, char *out, size_t outsz)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		cred_label(out, outsz, "?");
}

/* Sleep before retry `attempt` (1, 2, ...): 250 ms, 500 ms, ... jittered. */
static void
cred_backoff(int attempt)
{
	long		 ms = 250L << (attempt < 4 ? attempt - 1 : 3);
	struct timespec	 ts;

	ms = ms / 2 + (long)arc4random_uniform((unsigned)ms / 2 + 1);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Not opened with O_NOFOLLOW, on purpose: Kubernetes mounts projected
 * service-account tokens (EKS IRSA and Pod Identity both) as symlinks into
 * a ..data folder.  The path comes from the environment, the config or the
 * command line, trusted as the process itself is.  O_NONBLOCK (in
 * secretfile) so that a FIFO cannot hang us before fstat says no.
 */
int
awscred_read_token(const char *path, const char *what, struct buf *out,
    struct dkerr *err)
{
	if (secretfile_read(path, what, 0, CRED_TOKEN_MAX, out, err) == -1)
		return -1;
	while (out->len > 0 && isspace((unsigned char)out->data[out->len - 1]))
		out->data[--out->len] = '\0';
	if (out->len == 0) {
		dkerr_set(err, DKERR_INPUT, "%s %s: the file is empty", what,
		    path);
		goto fail;
	}
	if (strlen(out->data) != out->len ||
	    strpbrk(out->data, "\r\n") != NULL) {
		/* A header value cannot hold these; say so, not what it held. */
		dkerr_set(err, DKERR_INPUT, "%s %s: the token holds a line "
		    "break or NUL", what, path);
		goto fail;
	}
	return 0;
fail:
	buf_wipe(out);
	return -1;
}

/*
 * AssumeRoleWithWebIdentity with the token in token_file (token_what names
 * it in messages), through lib/sts.  who prefixes STS's messages; the
 * token file's own name its.  Returns 0 with c filled, or -1 with err set:
 * DKERR_INPUT (token file, endpoint), DKERR_REMOTE (STS said no),
 * DKERR_NETWORK.
 */
static int
cred_web_identity(struct cred_ctx *ctx, const char *who, const char *role_arn,
    const char *session, const char *token_file, const char *token_what,
    struct awscred *c, struct dkerr *err)
{
	struct sts_call	 call;
	struct buf	 token = BUF_INIT(CRED_TOKEN_MAX);
	int		 ret;

	if (awscred_read_token(token_file, token_what, &token, err) == -1)
		return -1;
	memset(&call, 0, sizeof(call));
	call.conf = ctx->conf;
	call.http = ctx->http;
	call.role_arn = role_arn;
	call.session_name = session;
	if ((ret = sts_web_identity(&call, buf_str(&token), c, NULL, err)) == -1)
		dkerr_prefix(err, "%s", who);
	buf_wipe(&token);
	return ret;
}

/*
 * AssumeRole signed with src, through lib/sts.  duration 0 leaves it to
 * STS (1 h); external_id and session may be NULL.  Returns 0 with c
 * filled, or -1 with err set, prefixed with who.
 */
static int
cred_assume_role(struct cred_ctx *ctx, const char *who,
    const struct awscred *src, const char *role_arn, const char *session,
    const char *external_id, unsigned long duration, struct awscred *c,
    struct dkerr *err)
{
	struct sts_call	 call;

	memset(&call, 0, sizeof(call));
	call.conf = ctx->conf;
	call.http = ctx->http;
	call.role_arn = role_arn;
	call.session_name = session;
	call.external_id = external_id;
	call.duration = duration;
	if (sts_assume_role(&call, src, c, NULL, err) == -1)
		return dkerr_prefix(err, "%s", who);
	return 0;
}

/* Step 1: the key pair in the environment.  1 found, 0 not set, -1 error. */
static int
cred_from_env(struct awscred *c, struct dkerr *err)
{
	const char	*ak = cred_env("AWS_ACCESS_KEY_ID");
	const char	*sk = cred_env("AWS_SECRET_ACCESS_KEY");

	if (ak == NULL && sk == NULL)
		return 0;
	if (ak == NULL || sk == NULL)
		return dkerr_set(err, DKERR_INPUT, "%s is set but %s is not",
		    ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (awscred_set(c, ak, sk, cred_env("AWS_SESSION_TOKEN"), 0, err) == -1)
		return -1;
	cred_source(c, "environment");
	return 1;
}

/* Step 2: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN.  1, 0 or -1. */
static int
cred_from_env_web_identity(struct cred_ctx *ctx, struct awscred *c,
    struct dkerr *err)
{
	const char	*file = cred_env("AWS_WEB_IDENTITY_TOKEN_FILE");
	const char	*role = cred_env("AWS_ROLE_ARN");

	if (file == NULL)
		return 0;
	if (role == NULL)
		return dkerr_set(err, DKERR_INPUT, "AWS_WEB_IDENTITY_TOKEN_FILE "
		    "is set but AWS_ROLE_ARN is not");
	if (cred_web_identity(ctx, "environment", role,
	    cred_env("AWS_ROLE_SESSION_NAME"), file,
	    "AWS_WEB_IDENTITY_TOKEN_FILE", c, err) == -1)
		return -1;
	cred_source(c, "web identity");
	return 1;
}

/* Overwrite a string that jansson holds, before the tree is freed. */
static void
json_wipe_string(json_t *v)
{
	if (json_is_string(v))
		OPENSSL_cleanse((char *)json_string_value(v),
		    json_string_length(v));
}

/* Wipe the secret members of a credentials object and free it. */
static void
cred_json_free(json_t *doc)
{
	if (doc == NULL)
		return;
	json_wipe_string(json_object_get(doc, "SecretAccessKey"));
	json_wipe_string(json_object_get(doc, "SessionToken"));
	json_wipe_string(json_object_get(doc, "Token"));
	json_decref(doc);
}

/*
 * Take credentials out of a JSON object as credential_process, container
 * agents and IMDS write them: AccessKeyId, SecretAccessKey, the token under
 * token_key, optional Expiration.  Credentials past their expiration are
 * refused.  Returns 0, or -1 with err of the given kind (the caller names
 * the source in front).
 */
static int
cred_from_json(json_t *doc, const char *token_key, enum dkerr_kind kind,
    struct awscred *c, struct dkerr *err)
{
	json_t		*ak, *sk, *tok, *exp;
	time_t		 t = 0;
	char		 when[32];

	ak = json_object_get(doc, "AccessKeyId");
	sk = json_object_get(doc, "SecretAccessKey");
	tok = json_object_get(doc, token_key);
	exp = json_object_get(doc, "Expiration");
	if (!json_is_string(ak) || json_string_length(ak) == 0)
		return dkerr_set(err, kind, "AccessKeyId is missing");
	if (!json_is_string(sk) || json_string_length(sk) == 0)
		return dkerr_set(err, kind, "SecretAccessKey is missing");
	if (tok && !json_is_null(tok) && !json_is_string(tok))
		return dkerr_set(err, kind, "%s is not a string", token_key);
	/* Keys go on as C strings: a NUL inside (\u0000) would cut them. */
	if (strlen(json_string_value(ak)) != json_string_length(ak) ||
	    strlen(json_string_value(sk)) != json_string_length(sk) ||
	    (json_is_string(tok) &&
	    strlen(json_string_value(tok)) != json_string_length(tok)))
		return dkerr_set(err, kind, "a key or token holds a NUL");
	if (exp && !json_is_null(exp)) {
		if (!json_is_string(exp) ||
		    awscred_parse_time(json_string_value(exp), &t) == -1)
			return dkerr_set(err, kind, "Expiration is not an "
			    "RFC 3339 time");
		if (t <= time(NULL)) {
			cred_format_time(t, when, sizeof(when));
			return dkerr_set(err, kind, "the credentials expired "
			    "at %s", when);
		}
	}
	return awscred_set(c, json_string_value(ak), json_string_value(sk),
	    json_is_string(tok) && json_string_length(tok) ?
	    json_string_value(tok) : NULL, t, err);
}

int
awscred_process_parse(const char *json, size_t len, struct awscred *c,
    struct dkerr *err)
{
	json_error_t	 jerr;
	json_t		*doc, *ver;
	int		 ret = -1;

	memset(c, 0, sizeof(*c));
	if (len == 0)
		return dkerr_set(err, DKERR_INPUT, "the output is empty");
	/* The parser's own text quotes the input: report the place only. */
	doc = json_loadb(json, len, 0, &jerr);
	if (doc == NULL) {
		dkerr_set(err, DKERR_INPUT, "the output is not JSON (line %d, "
		    "column %d)", jerr.line, jerr.column);
		goto out;
	}
	if (!json_is_object(doc)) {
		dkerr_set(err, DKERR_INPUT, "the output is not a JSON object");
		goto out;
	}
	ver = json_object_get(doc, "Version");
	if (ver == NULL) {
		dkerr_set(err, DKERR_INPUT, "the output has no Version "
		    "(deploykit speaks Version 1)");
		goto out;
	}
	if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
		if (json_is_integer(ver))
			dkerr_set(err, DKERR_INPUT, "the output has Version "
			    "%lld (deploykit speaks Version 1)",
			    (long long)json_integer_value(ver));
		else
			dkerr_set(err, DKERR_INPUT, "Version is not the "
			    "number 1");
		goto out;
	}
	ret = cred_from_json(doc, "SessionToken", DKERR_INPUT, c, err);
out:
	OPENSSL_cleanse(&jerr, sizeof(jerr));
	cred_json_free(doc);
	return ret;
}

/*
 * Run a profile's credential_process as `/bin/sh -c CMD`, as the SDKs do,
 * stdout captured (at most CRED_PROCESS_MAX bytes), stderr passed through
 * so the user sees the process's own complaints, stdin from /dev/null (a
 * filter's stdin is its input, not the helper's).  Version 1 JSON only.
 * Returns 0 with c filled, or -1: DKERR_REMOTE when the process failed,
 * DKERR_INPUT for output that is not what the protocol says, DKERR_NETWORK
 * for local failures (fork, pipe).
 */
static int
cred_process(const char *profile, const char *cmd, struct awscred *c,
    struct dkerr *err)
{
	struct buf		 out = BUF_INIT(CRED_PROCESS_MAX);
	struct sigaction	 sa;
	char			 chunk[4096], who[160];
	char			 sh[] = "sh", dashc[] = "-c", *cmdcopy, *argv[4];
	ssize_t			 n;
	pid_t			 pid;
	int			 pfd[2], status, fd, toolarge = 0, ret = -1;

	cred_label(who, sizeof(who), "profile %s: credential_process", profile);
	if ((cmdcopy = strdup(cmd)) == NULL)
		return dkerr_set(err, DKERR_NETWORK, "%s: out of memory", who);
	argv[0] = sh;
	argv[1] = dashc;
	argv[2] = cmdcopy;
	argv[3] = NULL;
	if (pipe(pfd) == -1) {
		dkerr_errno(err, DKERR_NETWORK, "%s: pipe", who);
		free(cmdcopy);
		return -1;
	}
	/* The read end must not leak into the child or anything it runs. */
	if (fcntl(pfd[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    (pid = fork()) == -1) {
		dkerr_errno(err, DKERR_NETWORK, "%s: fork", who);
		close(pfd[0]);
		close(pfd[1]);
		free(cmdcopy);
		return -1;
	}
	if (pid == 0) {
		/* Only async-signal-safe calls from here to exec. */
		if (pfd[1] != STDOUT_FILENO) {
			if (dup2(pfd[1], STDOUT_FILENO) == -1)
				_exit(127);
			close(pfd[1]);
		}
		if ((fd = open("/dev/null", O_RDONLY)) != -1 &&
		    fd != STDIN_FILENO) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		/* The tool may ignore SIGPIPE; the helper should not inherit
		 * that (it would write on into a closed pipe forever). */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGPIPE, &sa, NULL);
		execv("/bin/sh", argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		n = read(pfd[0], chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_add(&out, chunk, (size_t)n) == -1) {
			toolarge = 1;
			break;
		}
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	/* Closing stops a runaway writer with SIGPIPE before we wait. */
	close(pfd[0]);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			dkerr_errno(err, DKERR_NETWORK, "%s: waitpid", who);
			goto out;
		}
	}
	free(cmdcopy);
	cmdcopy = NULL;

	if (toolarge) {
		dkerr_set(err, DKERR_INPUT, "%s: the output is larger than "
		    "%zu bytes", who, CRED_PROCESS_MAX);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		dkerr_set(err, DKERR_REMOTE, "%s: killed by signal %d", who,
		    WTERMSIG(status));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		dkerr_set(err, DKERR_REMOTE, "%s: exited with status %d", who,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	if ((ret = awscred_process_parse(out.data, out.len, c, err)) == -1)
		dkerr_prefix(err, "%s", who);
out:
	free(cmdcopy);
	buf_wipe(&out);
	return ret;
}

/* The metadata services' link-local hosts, reached without TLS. */
static const char *const cred_link_local[] = {
	"169.254.169.254", "[fd00:ec2::254]", "169.254.170.2",
	"169.254.170.23", "[fd00:ec2::23]", NULL
};

/* A client for the metadata services: short timeouts, made on first use. */
static struct http_client *
cred_meta_client(struct cred_ctx *ctx, struct http_client **slot, long ms,
    struct dkerr *err)
{
	struct http_options	 o;

	if (*slot)
		return *slot;
	memset(&o, 0, sizeof(o));
	o.tool = "awscred";
	o.connect_timeout_ms = ms;
	o.timeout_ms = ms;
	o.ca_bundle = ctx->conf->ca_bundle;
	o.max_body = CRED_REPLY_MAX;
	o.plain_http_hosts = cred_link_local;
	*slot = http_client_new(&o, err);
	return *slot;
}

/*
 * Whether FULL_URI may be used: https anywhere; plain http only to loopback
 * and the hosts the container agents listen on (ECS 169.254.170.2, EKS Pod
 * Identity 169.254.170.23 and fd00:ec2::23), the SDKs' rule.  Returns 0, or
 * -1 with err DKERR_INPUT.
 */
static int
container_url_allowed(const char *url, struct dkerr *err)
{
	static const char *const allowed[] = {
		"169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
		"localhost", "[::1]",
	};
	CURLU		*h;
	struct in_addr	 a4;
	char		*scheme = NULL, *host = NULL;
	size_t		 i;
	int		 ok = 0;

	if ((h = curl_url()) == NULL)
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	if (curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		dkerr_set(err, DKERR_INPUT, "AWS_CONTAINER_CREDENTIALS_FULL_URI "
		    "is not a valid URL");
		goto out;
	}
	if (strcmp(scheme, "https") == 0 ||
	    (inet_pton(AF_INET, host, &a4) == 1 &&
	    (ntohl(a4.s_addr) >> 24) == 127))
		ok = 1;
	for (i = 0; !ok && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcasecmp(host, allowed[i]) == 0)
			ok = 1;
	if (!ok && strcmp(scheme, "http") == 0)
		dkerr_set(err, DKERR_INPUT, "AWS_CONTAINER_CREDENTIALS_FULL_URI: "
		    "plain http to %.100s is refused: only loopback, "
		    "169.254.170.2, 169.254.170.23 and fd00:ec2::23 may be "
		    "reached without TLS", host);
	else if (!ok)
		dkerr_set(err, DKERR_INPUT, "AWS_CONTAINER_CREDENTIALS_FULL_URI: "
		    "scheme %.20s is refused: use https or http", scheme);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(h);
	return ok ? 0 : -1;
}

/*
 * The host[:port] of a URL for messages: paths can carry capabilities (the
 * ECS agent's credential path is one), hosts cannot.  Never fails; a URL
 * that does not parse is "the endpoint".
 */
static void
cred_url_host(const char *url, char *out, size_t outsz)
{
	CURLU	*h;
	char	*host = NULL, *port = NULL;

	cred_label(out, outsz, "the endpoint");
	if ((h = curl_url()) == NULL)
		return;
	if (curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		curl_url_get(h, CURLUPART_PORT, &port, 0);
		/* A cut host name still says where: truncation is fine. */
		cred_label(out, outsz, "%s%s%s", host, port ? ":" : "",
		    port ? port : "");
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(h);
}

/*
 * Step 4: container credentials (ECS task roles, EKS Pod Identity).
 * Returns 1 with c filled, 0 when neither variable is set, -1 with err:
 * DKERR_INPUT (variables, token file), DKERR_REMOTE (the agent said no),
 * DKERR_NETWORK (no usable answer after CONTAINER_ATTEMPTS).
 */
static int
cred_from_container(struct cred_ctx *ctx, struct awscred *c,
    struct dkerr *err)
{
	const char		*rel, *full, *tokfile, *tokenv;
	struct http_client	*http;
	struct http_header	 hdr[2];
	struct http_request	 req;
	struct http_response	 resp;
	struct awsapi_error	 ae;
	struct buf		 url = BUF_INIT(8192), tok = BUF_INIT(CRED_TOKEN_MAX);
	json_t			*doc = NULL;
	char			 host[160], who[200];
	int			 attempt, ret = -1;

	rel = cred_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	full = cred_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (rel == NULL && full == NULL)
		return 0;
	memset(&resp, 0, sizeof(resp));
	if (rel) {
		/* The SDKs fix the host; the variable only gives the path. */
		if (rel[0] != '/' || buf_addf(&url, "%s%s", ECS_RELATIVE_HOST,
		    rel) == -1) {
			dkerr_set(err, DKERR_INPUT,
			    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a "
			    "path");
			goto out;
		}
	} else {
		if (container_url_allowed(full, err) == -1)
			goto out;
		if (buf_addstr(&url, full) == -1) {
			dkerr_set(err, DKERR_INPUT,
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI is too long");
			goto out;
		}
	}
	cred_url_host(buf_str(&url), host, sizeof(host));

	/* The file is read on every call: EKS rotates it underneath us. */
	tokfile = cred_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	tokenv = cred_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	if (tokfile) {
		if (awscred_read_token(tokfile, "AWS_CONTAINER_AUTHORIZATION_"
		    "TOKEN_FILE", &tok, err) == -1)
			goto out;
	} else if (tokenv) {
		if (strpbrk(tokenv, "\r\n") != NULL) {
			dkerr_set(err, DKERR_INPUT, "AWS_CONTAINER_AUTHORIZATION_"
			    "TOKEN holds a line break");
			goto out;
		}
		if (buf_addstr(&tok, tokenv) == -1) {
			dkerr_set(err, DKERR_INPUT, "AWS_CONTAINER_AUTHORIZATION_"
			    "TOKEN is longer than %zu bytes", CRED_TOKEN_MAX);
			goto out;
		}
	}
	if ((http = cred_meta_client(ctx, &ctx->container_http,
	    CONTAINER_TIMEOUT_MS, err)) == NULL)
		goto out;
	memset(&req, 0, sizeof(req));
	hdr[0].name = (char *)"Accept";
	hdr[0].value = (char *)"application/json";
	hdr[1].name = (char *)"Authorization";
	hdr[1].value = tok.data;
	req.method = "GET";
	req.url = buf_str(&url);
	req.headers = hdr;
	req.nheaders = tok.len ? 2 : 1;

	for (attempt = 1; ; attempt++) {
		http_response_free(&resp);
		resp.body.max = CRED_REPLY_MAX;
		if (http_send(http, &req, &resp, err) == -1) {
			if (err->kind == DKERR_NETWORK &&
			    attempt < CONTAINER_ATTEMPTS) {
				cred_backoff(attempt);
				continue;
			}
			dkerr_prefix(err, "container credentials");
			goto out;
		}
		if (resp.status == 200)
			break;
		if (resp.status >= 500 && attempt < CONTAINER_ATTEMPTS) {
			cred_backoff(attempt);
			continue;
		}
		/* Agents answer {"code","message"} like AWS services. */
		awsapi_parse_error(resp.status, &resp, &ae);
		dkerr_set(err, resp.status >= 500 ? DKERR_NETWORK : DKERR_REMOTE,
		    "container credentials from %s: HTTP %ld%s%s%s%s", host,
		    resp.status, ae.code[0] ? ": " : "", ae.code,
		    ae.message[0] ? ": " : "", ae.message);
		goto out;
	}
	doc = json_loadb(buf_str(&resp.body), resp.body.len, 0, NULL);
	if (!json_is_object(doc)) {
		dkerr_set(err, DKERR_NETWORK, "container credentials from %s: "
		    "the answer is not a JSON object", host);
		goto out;
	}
	cred_label(who, sizeof(who), "container credentials from %s", host);
	if (cred_from_json(doc, "Token", DKERR_NETWORK, c, err) == -1) {
		dkerr_prefix(err, "%s", who);
		goto out;
	}
	cred_source(c, "container");
	ret = 1;
out:
	cred_json_free(doc);
	http_response_free(&resp);
	buf_wipe(&tok);
	buf_free(&url);
	return ret;
}

/* Whether an IAM role name is safe to put in a URL path as it is. */
static int
imds_role_name_ok(const char *s)
{
	size_t	 n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+=,.@_-");

	return n > 0 && n <= 128 && s[n] == '\0';
}

/*
 * Step 5: EC2 instance metadata, IMDSv2 only (a session token first; IMDSv1
 * is what SSRF attacks use, and instances are moving to v2-only).  Like the
 * SDKs, an instance service that does not answer or offers no role is "not
 * found", with the reason kept in ctx->imds_note for the final message.
 * Returns 1 with c filled, 0, or -1 with err set (bad configuration, a role
 * whose credentials the service will not give).
 */
static int
cred_from_imds(struct cred_ctx *ctx, struct awscred *c, struct dkerr *err)
{
	const char		*dis, *base, *mode, *p = ctx->conf->profile;
	struct http_client	*http;
	struct http_header	 hdr;
	struct http_request	 req;
	struct http_response	 resp;
	struct buf		 url = BUF_INIT(4096), token = BUF_INIT(4096);
	json_t			*doc = NULL, *code;
	struct dkerr		 e;
	char			 role[160], host[160], who[320];
	size_t			 n;
	int			 configured, ret = -1;

	memset(&resp, 0, sizeof(resp));
	ctx->imds_note[0] = '\0';
	if ((dis = cred_env("AWS_EC2_METADATA_DISABLED")) != NULL &&
	    strcasecmp(dis, "true") == 0) {
		cred_label(ctx->imds_note, sizeof(ctx->imds_note), "disabled");
		return 0;
	}
	mode = cred_env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	if (mode == NULL)
		mode = cred_get(ctx, p, "ec2_metadata_service_endpoint_mode");
	if (mode && strcasecmp(mode, "IPv4") != 0 &&
	    strcasecmp(mode, "IPv6") != 0)
		return dkerr_set(err, DKERR_INPUT, "EC2 metadata endpoint mode "
		    "%.40s: not IPv4 or IPv6", mode);
	base = cred_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	if (base == NULL)
		base = cred_get(ctx, p, "ec2_metadata_service_endpoint");
	if ((configured = base != NULL) == 0)
		base = mode && strcasecmp(mode, "IPv6") == 0 ?
		    IMDS_DEFAULT_V6 : IMDS_DEFAULT_V4;
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	cred_url_host(base, host, sizeof(host));
	if ((http = cred_meta_client(ctx, &ctx->imds_http, IMDS_TIMEOUT_MS,
	    err)) == NULL)
		return -1;

	/* The session token. */
	if (buf_add(&url, base, n) == -1 ||
	    buf_addstr(&url, "/latest/api/token") == -1) {
		ret = dkerr_set(err, DKERR_INPUT, "the EC2 metadata endpoint "
		    "is too long");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	hdr.name = (char *)"X-aws-ec2-metadata-token-ttl-seconds";
	hdr.value = (char *)IMDS_TOKEN_TTL;
	req.method = "PUT";
	req.url = buf_str(&url);
	req.headers = &hdr;
	req.nheaders = 1;
	resp.body.max = 4096;
	if (http_send(http, &req, &resp, &e) == -1) {
		/* A configured endpoint that cannot be used is a mistake to
		 * report; the default one failing is the usual "not on EC2". */
		if (configured && e.kind == DKERR_INPUT) {
			*err = e;
			ret = dkerr_prefix(err, "EC2 metadata endpoint");
			goto out;
		}
		cred_label(ctx->imds_note, sizeof(ctx->imds_note), "%s", e.msg);
		ret = 0;
		goto out;
	}
	if (resp.status == 400) {
		ret = dkerr_set(err, DKERR_REMOTE, "instance metadata at %s: "
		    "HTTP 400 to the token request", host);
		goto out;
	}
	if (resp.status != 200 || resp.body.len == 0) {
		cred_label(ctx->imds_note, sizeof(ctx->imds_note), "HTTP %ld from "
		    "%s to the IMDSv2 token request", resp.status, host);
		ret = 0;
		goto out;
	}
	if (buf_add(&token, resp.body.data, resp.body.len) == -1 ||
	    strpbrk(buf_str(&token), "\r\n") != NULL) {
		ret = dkerr_set(err, DKERR_NETWORK, "instance metadata at %s: "
		    "a malformed session token", host);
		goto out;
	}

	/* The role attached to the instance. */
	buf_reset(&url);
	if (buf_add(&url, base, n) == -1 || buf_addstr(&url,
	    "/latest/meta-data/iam/security-credentials/") == -1) {
		ret = dkerr_set(err, DKERR_INPUT, "the EC2 metadata endpoint "
		    "is too long");
		goto out;
	}
	hdr.name = (char *)"X-aws-ec2-metadata-token";
	hdr.value = token.data;
	req.method = "GET";
	req.url = buf_str(&url);
	http_response_free(&resp);
	resp.body.max = 4096;
	if (http_send(http, &req, &resp, &e) == -1) {
		cred_label(ctx->imds_note, sizeof(ctx->imds_note), "%s", e.msg);
		ret = 0;
		goto out;
	}
	if (resp.status != 200) {
		/* 404 is how IMDS says the instance has no role. */
		cred_label(ctx->imds_note, sizeof(ctx->imds_note), "HTTP %ld from "
		    "%s%s", resp.status, host, resp.status == 404 ?
		    ": no IAM role attached" : " to the role request");
		ret = 0;
		goto out;
	}
	n = strcspn(buf_str(&resp.body), "\r\n");
	if (n == 0) {
		cred_label(ctx->imds_note, sizeof(ctx->imds_note), "%s: no IAM "
		    "role attached", host);
		ret = 0;
		goto out;
	}
	if (n >= sizeof(role)) {
		ret = dkerr_set(err, DKERR_NETWORK, "instance metadata at %s: "
		    "a role name longer than %zu bytes", host, sizeof(role) - 1);
		goto out;
	}
	memcpy(role, resp.body.data, n);
	role[n] = '\0';
	if (!imds_role_name_ok(role)) {
		ret = dkerr_set(err, DKERR_NETWORK, "instance metadata at %s: "
		    "a malformed role name", host);
		goto out;
	}

	/* The role's credentials: from here on, a failure is an error. */
	cred_label(who, sizeof(who), "instance metadata at %s, role %s", host,
	    role);
	if (buf_addstr(&url, role) == -1) {
		ret = dkerr_set(err, DKERR_INPUT, "the EC2 metadata endpoint "
		    "is too long");
		goto out;
	}
	req.url = buf_str(&url);
	http_response_free(&resp);
	resp.body.max = CRED_REPLY_MAX;
	if (http_send(http, &req, &resp, err) == -1) {
		ret = dkerr_prefix(err, "%s", who);
		goto out;
	}
	if (resp.status != 200) {
		ret = dkerr_set(err, resp.status >= 500 ? DKERR_NETWORK :
		    DKERR_REMOTE, "%s: HTTP %ld", who, resp.status);
		goto out;
	}
	doc = json_loadb(buf_str(&resp.body), resp.body.len, 0, NULL);
	if (!json_is_object(doc)) {
		ret = dkerr_set(err, DKERR_NETWORK, "%s: the answer is not a "
		    "JSON object", who);
		goto out;
	}
	code = json_object_get(doc, "Code");
	if (json_is_string(code) && strcmp(json_string_value(code),
	    "Success") != 0) {
		ret = dkerr_set(err, DKERR_REMOTE, "%s: Code %.60s", who,
		    json_string_value(code));
		goto out;
	}
	if (cred_from_json(doc, "Token", DKERR_NETWORK, c, err) == -1) {
		dkerr_prefix(err, "%s", who);
		goto out;
	}
	cred_source(c, "instance metadata");
	ret = 1;
out:
	cred_json_free(doc);
	http_response_free(&resp);
	buf_wipe(&token);
	buf_free(&url);
	return ret;
}

static int	profile_assume_role(struct cred_ctx *, const char *,
		    const char **, size_t, struct awscred *, struct dkerr *);

static int
profile_has_static(const struct cred_ctx *ctx, const char *p)
{
	return cred_get(ctx, p, "aws_access_key_id") != NULL ||
	    cred_get(ctx, p, "aws_secret_access_key") != NULL;
}

/* role_arn without web_identity_token_file: the AssumeRole kind. */
static int
profile_has_assume(const struct cred_ctx *ctx, const char *p)
{
	return cred_get(ctx, p, "role_arn") != NULL &&
	    cred_get(ctx, p, "web_identity_token_file") == NULL;
}

/* A profile's static keys.  1, 0 (none) or -1 (half a pair). */
static int
profile_static(const struct cred_ctx *ctx, const char *p, struct awscred *c,
    struct dkerr *err)
{
	const char	*ak = cred_get(ctx, p, "aws_access_key_id");
	const char	*sk = cred_get(ctx, p, "aws_secret_access_key");

	if (ak == NULL && sk == NULL)
		return 0;
	if (ak == NULL || sk == NULL)
		return dkerr_set(err, DKERR_INPUT, "profile %s has %s but no %s",
		    p, ak ? "aws_access_key_id" : "aws_secret_access_key",
		    ak ? "aws_secret_access_key" : "aws_access_key_id");
	if (awscred_set(c, ak, sk, cred_get(ctx, p, "aws_session_token"), 0,
	    err) == -1)
		return -1;
	cred_source(c, "profile %s", p);
	return 1;
}

/*
 * What a profile holds besides AssumeRole, in the SDKs' order: role_arn +
 * web_identity_token_file, SSO (refused with the workaround), static keys,
 * credential_process.  Returns 1, 0 (nothing there) or -1 with err set.
 */
static int
profile_plain(struct cred_ctx *ctx, const char *p, struct awscred *c,
    struct dkerr *err)
{
	static const char *const sso_keys[] = {
		"sso_session", "sso_start_url", "sso_account_id", "sso_role_name",
	};
	const char	*file, *role, *cmd;
	char		 who[160];
	size_t		 i;
	int		 r;

	if ((file = cred_get(ctx, p, "web_identity_token_file")) != NULL) {
		if ((role = cred_get(ctx, p, "role_arn")) == NULL)
			return dkerr_set(err, DKERR_INPUT, "profile %s has "
			    "web_identity_token_file but no role_arn", p);
		cred_label(who, sizeof(who), "profile %s", p);
		if (cred_web_identity(ctx, who, role,
		    cred_get(ctx, p, "role_session_name"), file,
		    "web_identity_token_file", c, err) == -1)
			return -1;
		cred_source(c, "profile %s: web identity", p);
		return 1;
	}
	for (i = 0; i < sizeof(sso_keys) / sizeof(sso_keys[0]); i++)
		if (cred_get(ctx, p, sso_keys[i]) != NULL)
			return dkerr_set(err, DKERR_INPUT, "profile %s uses AWS "
			    "SSO, " SSO_WORKAROUND, p, p);
	if ((r = profile_static(ctx, p, c, err)) != 0)
		return r;
	if ((cmd = cred_get(ctx, p, "credential_process")) != NULL) {
		if (cred_process(p, cmd, c, err) == -1)
			return -1;
		cred_source(c, "profile %s: credential_process", p);
		return 1;
	}
	return 0;
}

/*
 * credential_source: credentials from the environment, the container or
 * the instance, as the base for AssumeRole.  Returns 0 with c filled, or
 * -1 with err set (also when the named source has nothing).
 */
static int
profile_named_source(struct cred_ctx *ctx, const char *p, const char *name,
    struct awscred *c, struct dkerr *err)
{
	int	 r;

	if (strcmp(name, "Environment") == 0) {
		if ((r = cred_from_env(c, err)) == 0)
			dkerr_set(err, DKERR_INPUT, "profile %s: credential_source "
			    "Environment: AWS_ACCESS_KEY_ID and "
			    "AWS_SECRET_ACCESS_KEY are not set", p);
	} else if (strcmp(name, "EcsContainer") == 0) {
		if ((r = cred_from_container(ctx, c, err)) == 0)
			dkerr_set(err, DKERR_INPUT, "profile %s: credential_source "
			    "EcsContainer: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
			    "and _FULL_URI are not set", p);
	} else if (strcmp(name, "Ec2InstanceMetadata") == 0) {
		if ((r = cred_from_imds(ctx, c, err)) == 0)
			dkerr_set(err, DKERR_INPUT, "profile %s: credential_source "
			    "Ec2InstanceMetadata: no credentials from instance "
			    "metadata (%s)", p, ctx->imds_note);
	} else
		return dkerr_set(err, DKERR_INPUT, "profile %s: credential_source "
		    "%.40s is not Environment, Ec2InstanceMetadata or "
		    "EcsContainer", p, name);
	return r == 1 ? 0 : -1;
}

/* "a -> b -> a" for a loop message. */
static void
profile_path(const char **visited, size_t n, const char *last, char *out,
    size_t outsz)
{
	size_t	 i, o = 0;
	int	 k;

	out[0] = '\0';
	for (i = 0; i <= n; i++) {
		k = snprintf(out + o, outsz - o, "%s%s", i ? " -> " : "",
		    i < n ? visited[i] : last);
		if (k < 0 || (size_t)k >= outsz - o)
			return;		/* cut short: still a useful message */
		o += (size_t)k;
	}
}

/*
 * AssumeRole for profile p (which has role_arn): source credentials from
 * source_profile (recursively, loops refused; a profile may name itself
 * when it holds static keys) or credential_source, then STS.  visited holds
 * the profiles on the way here, p last.  Returns 1 with c filled or -1.
 */
static int
profile_assume_role(struct cred_ctx *ctx, const char *p,
    const char **visited, size_t nvisited, struct awscred *c,
    struct dkerr *err)
{
	struct awscred	 src;
	const char	*role, *sp, *cs, *dur, *ext, *sess;
	unsigned long	 duration = 0;
	char		 who[160], path[400], *end;
	size_t		 i;
	int		 r, ret = -1;

	memset(&src, 0, sizeof(src));
	role = cred_get(ctx, p, "role_arn");
	sp = cred_get(ctx, p, "source_profile");
	cs = cred_get(ctx, p, "credential_source");
	if (sp && cs)
		return dkerr_set(err, DKERR_INPUT, "profile %s has both "
		    "source_profile and credential_source", p);
	if (sp == NULL && cs == NULL)
		return dkerr_set(err, DKERR_INPUT, "profile %s has role_arn but "
		    "neither source_profile nor credential_source", p);
	if (cred_get(ctx, p, "mfa_serial") != NULL)
		return dkerr_set(err, DKERR_INPUT, "profile %s needs an MFA code "
		    "(mfa_serial), which deploykit cannot prompt for: assume "
		    "the role beforehand and export the session's variables",
		    p);
	if ((dur = cred_get(ctx, p, "duration_seconds")) != NULL) {
		errno = 0;
		duration = isdigit((unsigned char)dur[0]) ?
		    strtoul(dur, &end, 10) : 0;
		if (!isdigit((unsigned char)dur[0]) || errno || *end != '\0' ||
		    duration < STS_DURATION_MIN || duration > STS_DURATION_MAX)
			return dkerr_set(err, DKERR_INPUT, "profile %s: "
			    "duration_seconds %.32s is not a number of seconds "
			    "from %lu to %lu", p, dur, STS_DURATION_MIN,
			    STS_DURATION_MAX);
	}
	ext = cred_get(ctx, p, "external_id");
	sess = cred_get(ctx, p, "role_session_name");

	if (cs) {
		if (profile_named_source(ctx, p, cs, &src, err) == -1)
			return -1;
	} else {
		for (i = 0; i < nvisited; i++)
			if (strcmp(visited[i], sp) == 0)
				break;
		if (i < nvisited) {
			/* Only a profile naming itself, for its own keys. */
			if (strcmp(sp, p) != 0 || !profile_has_static(ctx, p)) {
				profile_path(visited, nvisited, sp, path,
				    sizeof(path));
				return dkerr_set(err, DKERR_INPUT, "profile %s: "
				    "source_profile loop: %s", visited[0], path);
			}
			if ((r = profile_static(ctx, p, &src, err)) != 1)
				return -1;
		} else {
			if (!awsconf_has_profile(ctx->conf, sp))
				return dkerr_set(err, DKERR_INPUT, "profile %s: "
				    "source_profile %s does not exist", p, sp);
			if (nvisited >= CRED_MAX_HOPS)
				return dkerr_set(err, DKERR_INPUT, "profile %s: "
				    "more than %d source_profile hops",
				    visited[0], CRED_MAX_HOPS);
			visited[nvisited] = sp;
			if (profile_has_static(ctx, sp) ||
			    !profile_has_assume(ctx, sp))
				r = profile_plain(ctx, sp, &src, err);
			else
				r = profile_assume_role(ctx, sp, visited,
				    nvisited + 1, &src, err);
			if (r == 0)
				dkerr_set(err, DKERR_INPUT, "profile %s: "
				    "source_profile %s has no credentials", p, sp);
			if (r != 1)
				goto out;
		}
	}
	cred_label(who, sizeof(who), "profile %s", p);
	if (cred_assume_role(ctx, who, &src, role, sess, ext, duration, c,
	    err) == -1)
		goto out;
	cred_source(c, "profile %s: assume role", p);
	ret = 1;
out:
	awscred_free(&src);
	return ret;
}

/* Step 3: the profile.  1, 0 (nothing in it) or -1. */
static int
cred_from_profile(struct cred_ctx *ctx, struct awscred *c, struct dkerr *err)
{
	const char	*visited[CRED_MAX_HOPS + 1];
	const char	*p = ctx->conf->profile ? ctx->conf->profile : "default";

	visited[0] = p;
	if (profile_has_assume(ctx, p))
		return profile_assume_role(ctx, p, visited, 1, c, err);
	return profile_plain(ctx, p, c, err);
}

int
awscred_resolve(const struct awsconf *conf, struct http_client *http,
    struct awscred *c, struct dkerr *err)
{
	struct cred_ctx	 ctx;
	struct buf	 msg = BUF_INIT(4096);
	const char	*p = conf->profile ? conf->profile : "default";
	int		 r;

	memset(c, 0, sizeof(*c));
	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = conf;
	ctx.http = http;
	if ((r = cred_from_env(c, err)) == 0 &&
	    (r = cred_from_env_web_identity(&ctx, c, err)) == 0 &&
	    (r = cred_from_profile(&ctx, c, err)) == 0 &&
	    (r = cred_from_container(&ctx, c, err)) == 0)
		r = cred_from_imds(&ctx, c, err);
	http_client_free(ctx.imds_http);
	http_client_free(ctx.container_http);
	if (r == 1)
		return 0;
	if (r == -1) {
		awscred_free(c);
		return -1;
	}
	/* Truncation of a long list is acceptable: it stays one line. */
	buf_addf(&msg, "no AWS credentials: looked in the environment, "
	    "AWS_WEB_IDENTITY_TOKEN_FILE, profile %s in %s and %s, container "
	    "credentials, instance metadata (%s)", p,
	    conf->config_file ? conf->config_file : "(no config file)",
	    conf->credentials_file ? conf->credentials_file :
	    "(no credentials file)",
	    ctx.imds_note[0] ? ctx.imds_note : "nothing found");
	dkerr_set(err, DKERR_INPUT, "%s", msg.len ? buf_str(&msg) :
	    "no AWS credentials found");
	buf_free(&msg);
	return -1;
}
