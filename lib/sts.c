/*
 * sts: AssumeRoleWithWebIdentity, AssumeRole, the GitHub Actions OIDC
 * token, and the pure helpers around them.  See sts.h.
 *
 * Every buffer that holds a token, a key or an answer carrying them is
 * wiped before it is freed.  Retries sleep in this module (it is the
 * caller's thread either way) and are announced through the notify
 * callback, never printed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "awsapi.h"
#include "awscred.h"
#include "awshost.h"
#include "buf.h"
#include "sts.h"

#define STS_VERSION		"2011-06-15"
#define STS_REPLY_MAX		((size_t)256 << 10)
#define STS_OIDC_REPLY_MAX	((size_t)64 << 10)
#define STS_BASE_BACKOFF_MS	250L	/* first retry waits up to this */
#define STS_MAX_BACKOFF_MS	20000L

/* The bytes STS allows in a RoleSessionName, [\w+=,.@-]. */
static int
sts_session_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '=' ||
	    c == ',' || c == '.' || c == '@' || c == '-';
}

int
sts_session_name_valid(const char *s)
{
	size_t	 n;

	for (n = 0; s[n]; n++)
		if (!sts_session_char((unsigned char)s[n]) ||
		    n >= STS_SESSION_NAME_MAX)
			return 0;
	return n >= 2;
}

/* Append up to max bytes of s to out at *o, unfit bytes made '-'. */
static void
sts_session_put(char *out, size_t *o, const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] && i < max; i++)
		out[(*o)++] = sts_session_char((unsigned char)s[i]) ? s[i] : '-';
}

int
sts_session_name_make(const char *repository, const char *run_id,
    char out[STS_SESSION_NAME_MAX + 1])
{
	static const char	 head[] = "gha-";
	size_t			 o = 0, room, idlen = 0;

	out[0] = '\0';
	if (repository == NULL || *repository == '\0')
		return -1;
	if (run_id && *run_id) {
		idlen = strlen(run_id);
		/* Run ids are numbers well under 20 digits: cut anything odd. */
		if (idlen > 20)
			idlen = 20;
	}
	sts_session_put(out, &o, head, sizeof(head) - 1);
	room = STS_SESSION_NAME_MAX - o - (idlen ? idlen + 1 : 0);
	sts_session_put(out, &o, repository, room);
	if (idlen) {
		out[o++] = '-';
		sts_session_put(out, &o, run_id, idlen);
	}
	out[o] = '\0';
	return 0;
}

/* [A-Za-z0-9_+=,.@-] and '/' for role paths. */
static int
sts_role_char(int c)
{
	return sts_session_char(c) || c == '/';
}

int
sts_role_arn_valid(const char *s)
{
	const char	*p, *name;
	size_t		 n;

	if (strlen(s) > STS_ARN_MAX || strncmp(s, "arn:", 4) != 0)
		return 0;
	p = s + 4;
	/* The partition: aws, aws-cn, aws-us-gov, aws-iso-b, ... */
	for (n = 0; (p[n] >= 'a' && p[n] <= 'z') || p[n] == '-'; n++)
		;
	if (n == 0 || strncmp(p + n, ":iam::", 6) != 0)
		return 0;
	p += n + 6;
	for (n = 0; n < 12; n++)
		if (p[n] < '0' || p[n] > '9')
			return 0;
	p += 12;
	if (strncmp(p, ":role/", 6) != 0)
		return 0;
	p += 6;
	for (n = 0; p[n]; n++)
		if (!sts_role_char((unsigned char)p[n]) ||
		    (p[n] == '/' && n > 0 && p[n - 1] == '/'))
			return 0;
	if (n == 0 || p[n - 1] == '/' || p[0] == '/')
		return 0;
	name = strrchr(p, '/');
	name = name ? name + 1 : p;
	return strlen(name) <= 64;
}

/*
 * Append s to b percent-encoded as a query or form value: RFC 3986's
 * unreserved characters as they are, spelled out (isalnum() follows the
 * locale).  Here, not curl_easy_escape(): the values include the web
 * identity token, and b is wiped after use, curl's copy would not be.
 */
static int
sts_query_add(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~') {
			if (buf_addc(b, (char)*p) == -1)
				return -1;
		} else if (buf_addc(b, '%') == -1 ||
		    buf_addc(b, hex[*p >> 4]) == -1 ||
		    buf_addc(b, hex[*p & 15]) == -1)
			return -1;
	}
	return 0;
}

/* Append "&name=value" to a form body, the value percent-encoded. */
static int
sts_form_add(struct buf *b, const char *name, const char *value)
{
	if (buf_addf(b, "%s%s=", b->len ? "&" : "", name) == -1)
		return -1;
	return sts_query_add(b, value);
}

/* Milliseconds before attempt n+1 (n >= 1): full jitter under a cap that
 * doubles, as awsapi waits. */
static long
sts_backoff_ms(int n)
{
	long	 cap = STS_BASE_BACKOFF_MS << (n < 7 ? n - 1 : 6);

	if (cap > STS_MAX_BACKOFF_MS)
		cap = STS_MAX_BACKOFF_MS;
	return (long)arc4random_uniform((unsigned)cap + 1);
}

static void
sts_sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void sts_notify(void (*)(void *, const char *), void *, const char *,
    ...) __attribute__((format(printf, 3, 4)));

static void
sts_notify(void (*fn)(void *, const char *), void *arg, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(line, sizeof(line), fmt, ap) >= 0)
		fn(arg, line);
	va_end(ap);
}

/*
 * The STS endpoint and the region to sign for: the configured region, or
 * us-east-1 as the SDKs use for STS's global endpoint.  Returns a URL the
 * caller frees, or NULL with err set; *region is borrowed from conf or
 * static.
 */
static char *
sts_endpoint(const struct awsconf *conf, const char **region, struct dkerr *err)
{
	static char	 fallback[] = "us-east-1";
	struct awsconf	 tmp;

	if (conf->region) {
		*region = conf->region;
		return awsconf_endpoint(conf, &awshost_sts, err);
	}
	/* A shallow copy differing only in the region; nothing is freed. */
	tmp = *conf;
	tmp.region = fallback;
	*region = fallback;
	return awsconf_endpoint(&tmp, &awshost_sts, err);
}

/*
 * Whether an answer is a whole document: past white space and an XML
 * declaration, a root element whose end tag closes the body.  A body cut
 * short in transit but delivered with a matching length is refused, not
 * mined for what survived of it.
 */
static int
sts_xml_complete(const char *xml, size_t len)
{
	const char	*p = xml, *end = xml + len, *name;
	size_t		 n;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
		for (p += 2; end - p >= 2 && !(p[0] == '?' && p[1] == '>'); p++)
			;
		if (end - p < 2)
			return 0;
		for (p += 2; p < end && isspace((unsigned char)*p); p++)
			;
	}
	if (p >= end || *p != '<')
		return 0;
	name = ++p;
	while (p < end && (isalnum((unsigned char)*p) || *p == ':' ||
	    *p == '_' || *p == '-' || *p == '.'))
		p++;
	n = (size_t)(p - name);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (n == 0 || (size_t)(end - p) < n + 3)
		return 0;
	return end[-1] == '>' && memcmp(end - 1 - n, name, n) == 0 &&
	    end[-2 - (ptrdiff_t)n] == '/' && end[-3 - (ptrdiff_t)n] == '<';
}

int
sts_parse_credentials(const char *xml, size_t len, struct awscred *out,
    struct dkerr *err)
{
	struct buf	 ak = BUF_INIT(4096), sk = BUF_INIT(4096);
	struct buf	 tok = BUF_INIT(STS_TOKEN_MAX), exp = BUF_INIT(128);
	time_t		 t = 0;
	int		 ret = -1;

	memset(out, 0, sizeof(*out));
	if (!sts_xml_complete(xml, len)) {
		dkerr_set(err, DKERR_NETWORK, "the STS answer is cut short "
		    "(not a whole XML document)");
		goto out;
	}
	if (awsapi_xml_text(xml, len, "AccessKeyId", &ak) == -1 ||
	    awsapi_xml_text(xml, len, "SecretAccessKey", &sk) == -1 ||
	    ak.len == 0 || sk.len == 0 || strlen(ak.data) != ak.len ||
	    strlen(sk.data) != sk.len) {
		dkerr_set(err, DKERR_NETWORK, "the STS answer holds no "
		    "credentials");
		goto out;
	}
	if (awsapi_xml_text(xml, len, "SessionToken", &tok) == -1 ||
	    strlen(buf_str(&tok)) != tok.len)
		buf_reset(&tok);
	if (awsapi_xml_text(xml, len, "Expiration", &exp) == 0 &&
	    (strlen(buf_str(&exp)) != exp.len ||
	    awscred_parse_time(buf_str(&exp), &t) == -1)) {
		dkerr_set(err, DKERR_NETWORK, "the STS answer has a malformed "
		    "Expiration");
		goto out;
	}
	ret = awscred_set(out, buf_str(&ak), buf_str(&sk),
	    tok.len ? buf_str(&tok) : NULL, t, err);
out:
	buf_free(&ak);
	buf_wipe(&sk);
	buf_wipe(&tok);
	buf_free(&exp);
	return ret;
}

/* The session name when none is given, as awscred has always made it. */
static const char *
sts_default_session(const char *given, char *out, size_t outsz)
{
	int	 n;

	if (given)
		return given;
	n = snprintf(out, outsz, "deploykit-session-%lld",
	    (long long)time(NULL));
	if (n < 0 || (size_t)n >= outsz)
		return "deploykit-session";
	return out;
}

/* AssumedRoleUser/Arn into res, when asked for and present. */
static void
sts_take_arn(const struct buf *xml, struct sts_result *res)
{
	struct buf	 arn = BUF_INIT(STS_ARN_MAX);

	if (res == NULL)
		return;
	if (awsapi_xml_text(xml->data, xml->len, "Arn", &arn) == 0 &&
	    strlen(buf_str(&arn)) == arn.len)
		memcpy(res->assumed_role_arn, buf_str(&arn), arn.len + 1);
	buf_free(&arn);
}

int
sts_web_identity(const struct sts_call *call, const char *token,
    struct awscred *out, struct sts_result *res, struct dkerr *err)
{
	struct http_header	 hdr[2];
	struct http_request	 req;
	struct http_response	 resp;
	struct awsapi_error	 ae;
	struct buf		 form = BUF_INIT(STS_TOKEN_MAX * 3 + 8192);
	const char		*region, *session;
	char			*endpoint, sname[64], dur[24];
	int			 attempt, max, retry, n, ret = -1;
	long			 wait;

	memset(out, 0, sizeof(*out));
	memset(&resp, 0, sizeof(resp));
	memset(&ae, 0, sizeof(ae));
	if (res)
		memset(res, 0, sizeof(*res));
	if ((endpoint = sts_endpoint(call->conf, &region, err)) == NULL)
		return -1;
	session = sts_default_session(call->session_name, sname, sizeof(sname));
	n = snprintf(dur, sizeof(dur), "%lu", call->duration);
	if (n < 0 || (size_t)n >= sizeof(dur) ||
	    sts_form_add(&form, "Action", "AssumeRoleWithWebIdentity") == -1 ||
	    sts_form_add(&form, "Version", STS_VERSION) == -1 ||
	    sts_form_add(&form, "RoleArn", call->role_arn) == -1 ||
	    sts_form_add(&form, "RoleSessionName", session) == -1 ||
	    (call->duration &&
	    sts_form_add(&form, "DurationSeconds", dur) == -1) ||
	    sts_form_add(&form, "WebIdentityToken", token) == -1) {
		dkerr_set(err, DKERR_INPUT, "assuming role %s with web identity: "
		    "the request is too large", call->role_arn);
		goto out;
	}
	hdr[0].name = (char *)"Content-Type";
	hdr[0].value = (char *)"application/x-www-form-urlencoded; charset=utf-8";
	hdr[1].name = (char *)"Accept";
	hdr[1].value = (char *)"text/xml";
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = endpoint;
	req.headers = hdr;
	req.nheaders = 2;
	req.body = form.data;
	req.body_len = form.len;
	max = call->conf->max_attempts > 0 ? call->conf->max_attempts : 3;

	for (attempt = 1; ; attempt++) {
		http_response_free(&resp);
		resp.body.max = STS_REPLY_MAX;
		if (http_send(call->http, &req, &resp, err) == -1) {
			if (err->kind != DKERR_NETWORK || attempt >= max) {
				dkerr_prefix(err, "assuming role %s with web "
				    "identity", call->role_arn);
				goto out;
			}
			wait = sts_backoff_ms(attempt);
			sts_notify(call->notify, call->notify_arg, "sts "
			    "AssumeRoleWithWebIdentity: %s; retrying in %.1f s "
			    "(attempt %d of %d)", err->msg, wait / 1000.0,
			    attempt + 1, max);
			sts_sleep_ms(wait);
			continue;
		}
		if (resp.status >= 200 && resp.status < 300)
			break;
		awsapi_parse_error(resp.status, &resp, &ae);
		retry = awsapi_retryable(resp.status, ae.code) ||
		    strcmp(ae.code, "IDPCommunicationError") == 0;
		if (retry && attempt < max) {
			wait = sts_backoff_ms(attempt);
			sts_notify(call->notify, call->notify_arg, "sts "
			    "AssumeRoleWithWebIdentity: %s (HTTP %ld); retrying "
			    "in %.1f s (attempt %d of %d)", ae.code[0] ? ae.code :
			    "server error", resp.status, wait / 1000.0,
			    attempt + 1, max);
			sts_sleep_ms(wait);
			continue;
		}
		if (res)
			res->error = ae;
		if (ae.code[0])
			dkerr_set(err, retry ? DKERR_NETWORK : DKERR_REMOTE,
			    "assuming role %s with web identity: %s: %s%s",
			    call->role_arn, ae.code,
			    ae.message[0] ? ae.message : "no message",
			    retry ? " (after retries)" : "");
		else
			dkerr_set(err, retry || resp.status >= 500 ?
			    DKERR_NETWORK : DKERR_REMOTE, "assuming role %s with "
			    "web identity: HTTP %ld%s", call->role_arn,
			    resp.status, retry ? " (after retries)" : "");
		goto out;
	}
	if (sts_parse_credentials(buf_str(&resp.body), resp.body.len, out,
	    err) == -1) {
		dkerr_prefix(err, "assuming role %s with web identity",
		    call->role_arn);
		goto out;
	}
	sts_take_arn(&resp.body, res);
	ret = 0;
out:
	if (resp.body.data)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	http_response_free(&resp);
	buf_wipe(&form);
	free(endpoint);
	return ret;
}

int
sts_assume_role(const struct sts_call *call, const struct awscred *src,
    struct awscred *out, struct sts_result *res, struct dkerr *err)
{
	struct awsapi		 api;
	struct awsapi_error	 ae;
	struct buf		 form = BUF_INIT(16384), xml = BUF_INIT(STS_REPLY_MAX);
	const char		*region, *session;
	char			*endpoint, sname[64], dur[24];
	int			 n, ret = -1;

	memset(out, 0, sizeof(*out));
	if (res)
		memset(res, 0, sizeof(*res));
	if ((endpoint = sts_endpoint(call->conf, &region, err)) == NULL)
		return -1;
	session = sts_default_session(call->session_name, sname, sizeof(sname));
	n = snprintf(dur, sizeof(dur), "%lu", call->duration);
	if (n < 0 || (size_t)n >= sizeof(dur) ||
	    sts_form_add(&form, "Action", "AssumeRole") == -1 ||
	    sts_form_add(&form, "Version", STS_VERSION) == -1 ||
	    sts_form_add(&form, "RoleArn", call->role_arn) == -1 ||
	    sts_form_add(&form, "RoleSessionName", session) == -1 ||
	    (call->external_id &&
	    sts_form_add(&form, "ExternalId", call->external_id) == -1) ||
	    (call->duration &&
	    sts_form_add(&form, "DurationSeconds", dur) == -1)) {
		dkerr_set(err, DKERR_INPUT, "assuming role %s: the request is "
		    "too large", call->role_arn);
		goto out;
	}
	memset(&api, 0, sizeof(api));
	api.http = call->http;
	api.cred = src;
	api.service = &awshost_sts;
	api.region = region;
	api.endpoint = endpoint;
	api.max_attempts = call->conf->max_attempts;
	api.notify = call->notify;
	api.notify_arg = call->notify_arg;
	if (awsapi_query(&api, buf_str(&form), &xml, &ae, err) == -1) {
		if (res)
			res->error = ae;
		dkerr_prefix(err, "assuming role %s", call->role_arn);
		goto out;
	}
	if (sts_parse_credentials(xml.data, xml.len, out, err) == -1) {
		dkerr_prefix(err, "assuming role %s", call->role_arn);
		goto out;
	}
	sts_take_arn(&xml, res);
	ret = 0;
out:
	buf_free(&form);
	buf_wipe(&xml);
	free(endpoint);
	return ret;
}

/* Whether s (len bytes) is three base64url segments joined by dots. */
static int
sts_jwt_shaped(const char *s, size_t len)
{
	size_t	 i, dots = 0, seg = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (seg == 0)
				return 0;
			dots++;
			seg = 0;
		} else if ((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_')
			seg++;
		else
			return 0;
	}
	return dots == 2 && seg > 0;
}

int
sts_oidc_token(struct http_client *http, const struct sts_oidc *o,
    struct buf *jwt, long *status, struct dkerr *err)
{
	struct http_url		 u;
	struct http_header	 hdr[2];
	struct http_request	 req;
	struct http_response	 resp;
	struct buf		 url = BUF_INIT(16384), auth = BUF_INIT(16384);
	json_t			*doc = NULL, *v, *m;
	const char		*aud = o->audience ? o->audience : STS_AUDIENCE_DEFAULT;
	const char		*p;
	char			 host[256];
	int			 attempt, max, n, ret = -1;
	long			 wait;

	buf_wipe(jwt);
	memset(&resp, 0, sizeof(resp));
	if (status)
		*status = 0;
	for (p = aud; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return dkerr_set(err, DKERR_INPUT, "the audience holds "
			    "a control character");
	if (*aud == '\0')
		return dkerr_set(err, DKERR_INPUT, "the audience is empty");
	if (http_url_parse(o->request_url, &u, err) == -1)
		return dkerr_prefix(err, "ACTIONS_ID_TOKEN_REQUEST_URL");
	n = snprintf(host, sizeof(host), "%s", u.hostport);
	http_url_free(&u);
	if (n < 0 || (size_t)n >= sizeof(host))
		return dkerr_set(err, DKERR_INPUT, "ACTIONS_ID_TOKEN_REQUEST_URL: "
		    "the host name is too long");
	if (strchr(o->request_url, '#') != NULL)
		return dkerr_set(err, DKERR_INPUT, "ACTIONS_ID_TOKEN_REQUEST_URL: "
		    "a URL with a fragment");
	if (strpbrk(o->request_token, "\r\n") != NULL)
		return dkerr_set(err, DKERR_INPUT, "ACTIONS_ID_TOKEN_REQUEST_TOKEN "
		    "holds a line break");
	if (buf_addstr(&url, o->request_url) == -1 ||
	    buf_addstr(&url, strchr(o->request_url, '?') ? "&audience=" :
	    "?audience=") == -1 || sts_query_add(&url, aud) == -1 ||
	    buf_addf(&auth, "Bearer %s", o->request_token) == -1) {
		dkerr_set(err, DKERR_INPUT, "ACTIONS_ID_TOKEN_REQUEST_URL or "
		    "_TOKEN is too long");
		goto out;
	}
	hdr[0].name = (char *)"Authorization";
	hdr[0].value = auth.data;
	hdr[1].name = (char *)"Accept";
	hdr[1].value = (char *)"application/json";
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = buf_str(&url);
	req.headers = hdr;
	req.nheaders = 2;
	max = o->max_attempts > 0 ? o->max_attempts : 3;

	for (attempt = 1; ; attempt++) {
		http_response_free(&resp);
		resp.body.max = STS_OIDC_REPLY_MAX;
		if (http_send(http, &req, &resp, err) == -1) {
			if (err->kind != DKERR_NETWORK || attempt >= max) {
				dkerr_prefix(err, "GitHub OIDC token");
				goto out;
			}
			wait = sts_backoff_ms(attempt);
			sts_notify(o->notify, o->notify_arg, "GitHub OIDC token: "
			    "%s; retrying in %.1f s (attempt %d of %d)", err->msg,
			    wait / 1000.0, attempt + 1, max);
			sts_sleep_ms(wait);
			continue;
		}
		if (status)
			*status = resp.status;
		if (resp.status == 200)
			break;
		if ((resp.status == 429 || resp.status >= 500) && attempt < max) {
			wait = sts_backoff_ms(attempt);
			sts_notify(o->notify, o->notify_arg, "GitHub OIDC token "
			    "from %s: HTTP %ld; retrying in %.1f s (attempt %d of "
			    "%d)", host, resp.status, wait / 1000.0, attempt + 1,
			    max);
			sts_sleep_ms(wait);
			continue;
		}
		/* GitHub's error bodies carry a "message"; name it, cut. */
		doc = json_loadb(buf_str(&resp.body), resp.body.len, 0, NULL);
		m = json_object_get(doc, "message");
		dkerr_set(err, resp.status == 429 || resp.status >= 500 ?
		    DKERR_NETWORK : DKERR_REMOTE, "GitHub OIDC token from %s: "
		    "HTTP %ld%s%.200s%s", host, resp.status,
		    json_is_string(m) ? ": " : "",
		    json_is_string(m) ? json_string_value(m) : "",
		    resp.status == 429 || resp.status >= 500 ?
		    " (after retries)" : "");
		goto out;
	}
	doc = json_loadb(buf_str(&resp.body), resp.body.len, 0, NULL);
	v = json_object_get(doc, "value");
	if (!json_is_string(v) || json_string_length(v) == 0) {
		dkerr_set(err, DKERR_NETWORK, "GitHub OIDC token from %s: the "
		    "answer holds no token", host);
		goto out;
	}
	if (json_string_length(v) > STS_TOKEN_MAX ||
	    !sts_jwt_shaped(json_string_value(v), json_string_length(v))) {
		dkerr_set(err, DKERR_NETWORK, "GitHub OIDC token from %s: the "
		    "token is not a JWT", host);
		goto out;
	}
	jwt->max = STS_TOKEN_MAX;
	if (buf_add(jwt, json_string_value(v), json_string_length(v)) == -1) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	ret = 0;
out:
	if (doc) {
		v = json_object_get(doc, "value");
		if (json_is_string(v))
			OPENSSL_cleanse((char *)json_string_value(v),
			    json_string_length(v));
		json_decref(doc);
	}
	if (resp.body.data)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	http_response_free(&resp);
	buf_wipe(&auth);
	buf_free(&url);
	return ret;
}

/* Copy a claim for messages, cut with "..." when too long. */
static void
sts_claim(json_t *v, char *out, size_t outsz)
{
	const char	*s = json_string_value(v);
	size_t		 n;

	out[0] = '\0';
	if (s == NULL)
		return;
	n = json_string_length(v);
	if (n < outsz) {
		memcpy(out, s, n + 1);
	} else {
		memcpy(out, s, outsz - 4);
		memcpy(out + outsz - 4, "...", 4);
	}
	/* A NUL inside (JSON allows \u0000) ends the copy: fine for messages. */
}

int
sts_jwt_claims(const char *jwt, size_t len, struct sts_claims *c)
{
	const char	*p, *q, *end = jwt + len;
	unsigned char	*b64 = NULL, *raw = NULL;
	size_t		 n, i, padded;
	int		 outlen, ret = -1;
	json_t		*doc = NULL, *aud;

	memset(c, 0, sizeof(*c));
	if ((p = memchr(jwt, '.', len)) == NULL)
		return -1;
	p++;
	if ((q = memchr(p, '.', (size_t)(end - p))) == NULL)
		return -1;
	n = (size_t)(q - p);
	if (n == 0 || n % 4 == 1 || n > STS_TOKEN_MAX)
		return -1;
	padded = (n + 3) / 4 * 4;
	if ((b64 = malloc(padded + 1)) == NULL ||
	    (raw = malloc(padded / 4 * 3 + 1)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (p[i] == '-')
			b64[i] = '+';
		else if (p[i] == '_')
			b64[i] = '/';
		else if ((p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9'))
			b64[i] = (unsigned char)p[i];
		else
			goto out;
	}
	for (; i < padded; i++)
		b64[i] = '=';
	b64[padded] = '\0';
	if ((outlen = EVP_DecodeBlock(raw, b64, (int)padded)) < 0)
		goto out;
	/* EVP_DecodeBlock counts the padding as zero bytes: drop them. */
	outlen -= (int)(padded - n);
	if (outlen <= 0)
		goto out;
	doc = json_loadb((const char *)raw, (size_t)outlen, 0, NULL);
	if (!json_is_object(doc))
		goto out;
	sts_claim(json_object_get(doc, "iss"), c->iss, sizeof(c->iss));
	sts_claim(json_object_get(doc, "sub"), c->sub, sizeof(c->sub));
	aud = json_object_get(doc, "aud");
	if (json_is_array(aud))
		aud = json_array_get(aud, 0);
	sts_claim(aud, c->aud, sizeof(c->aud));
	ret = 0;
out:
	json_decref(doc);
	/* The payload is not the secret part, but it came from one. */
	if (raw)
		OPENSSL_cleanse(raw, padded / 4 * 3 + 1);
	if (b64)
		OPENSSL_cleanse(b64, padded + 1);
	free(raw);
	free(b64);
	return ret;
}
