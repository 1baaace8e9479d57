#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "awsapi.h"
#include "sigv4.h"

#define AWSAPI_MAX_BACKOFF_MS	20000L
#define AWSAPI_BASE_BACKOFF_MS	1000L
#define AWSAPI_SKEW_LIMIT	240	/* seconds, as the SDKs: beyond is skew */
#define AWSAPI_REPLY_MAX	((size_t)8 << 20)

static const char *const awsapi_throttling[] = {
	"Throttling", "ThrottlingException", "ThrottledException",
	"RequestThrottledException", "TooManyRequestsException",
	"ProvisionedThroughputExceededException", "TransactionInProgressException",
	"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
	"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException",
	/* SSM's own throttle on one parameter's writes. */
	"TooManyUpdates",
};

static const char *const awsapi_transient[] = {
	"RequestTimeout", "RequestTimeoutException", "InternalError",
	"InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
};

static const char *const awsapi_skew_codes[] = {
	"RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException",
	"SignatureDoesNotMatch", "AuthFailure", "RequestInTheFuture",
};

static int
awsapi_in(const char *code, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(code, list[i]) == 0)
			return 1;
	return 0;
}

#define IN(code, list) awsapi_in((code), (list), sizeof(list) / sizeof(list[0]))

int
awsapi_retryable(long status, const char *code)
{
	if (code && code[0] && (IN(code, awsapi_throttling) ||
	    IN(code, awsapi_transient)))
		return 1;
	return status == 500 || status == 502 || status == 503 || status == 504;
}

int
awsapi_is_skew(const char *code)
{
	return code && IN(code, awsapi_skew_codes);
}

/* Append one decoded XML character reference or entity; advance *pp. */
static int
awsapi_xml_entity(const char **pp, const char *end, struct buf *out)
{
	static const struct { const char *name; char c; } ent[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	const char	*p = *pp + 1;
	unsigned long	 cp;
	char		*e, num[16];
	size_t		 i, n;

	for (i = 0; i < sizeof(ent) / sizeof(ent[0]); i++) {
		n = strlen(ent[i].name);
		if ((size_t)(end - p) >= n && memcmp(p, ent[i].name, n) == 0) {
			*pp = p + n;
			return buf_addc(out, ent[i].c);
		}
	}
	if (p >= end || *p != '#')
		return -1;
	p++;
	for (n = 0; p + n < end && p[n] != ';' && n < sizeof(num) - 1; n++)
		num[n] = p[n];
	if (p + n >= end || p[n] != ';' || n == 0)
		return -1;
	num[n] = '\0';
	errno = 0;
	cp = num[0] == 'x' ? strtoul(num + 1, &e, 16) : strtoul(num, &e, 10);
	if (errno || *e != '\0' || cp == 0 || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*pp = p + n + 1;
	/* UTF-8 encode the code point. */
	if (cp < 0x80)
		return buf_addc(out, (char)cp);
	if (cp < 0x800)
		return buf_addc(out, (char)(0xC0 | (cp >> 6))) |
		    buf_addc(out, (char)(0x80 | (cp & 0x3F)));
	if (cp < 0x10000)
		return buf_addc(out, (char)(0xE0 | (cp >> 12))) |
		    buf_addc(out, (char)(0x80 | ((cp >> 6) & 0x3F))) |
		    buf_addc(out, (char)(0x80 | (cp & 0x3F)));
	return buf_addc(out, (char)(0xF0 | (cp >> 18))) |
	    buf_addc(out, (char)(0x80 | ((cp >> 12) & 0x3F))) |
	    buf_addc(out, (char)(0x80 | ((cp >> 6) & 0x3F))) |
	    buf_addc(out, (char)(0x80 | (cp & 0x3F)));
}

int
awsapi_xml_text(const char *xml, size_t len, const char *name, struct buf *out)
{
	const char	*p = xml, *end = xml + len, *q;
	size_t		 nl = strlen(name);

	buf_reset(out);
	if (nl == 0)
		return -1;
	for (;;) {
		q = memchr(p, '<', (size_t)(end - p));
		if (q == NULL)
			return -1;
		p = q + 1;
		if ((size_t)(end - p) < nl + 1 || memcmp(p, name, nl) != 0)
			continue;
		p += nl;
		if (*p == '/' && p + 1 < end && p[1] == '>')
			return 0;	/* <name/> */
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if ((q = memchr(p, '>', (size_t)(end - p))) == NULL)
				return -1;
			if (q[-1] == '/')
				return 0;
			p = q;
		}
		if (*p == '>')
			break;
	}
	for (p++; p < end && *p != '<'; ) {
		if (*p == '&') {
			if (awsapi_xml_entity(&p, end, out) == -1)
				return -1;
		} else if (buf_addc(out, *p++) == -1)
			return -1;
	}
	/* Only a flat element's text: it must close right here. */
	if ((size_t)(end - p) < nl + 3 || p[1] != '/' ||
	    memcmp(p + 2, name, nl) != 0 || p[2 + nl] != '>')
		return -1;
	return 0;
}

/* Copy a code, cutting "namespace#" before it and ":detail" after it. */
static void
awsapi_set_code(struct awsapi_error *e, const char *code)
{
	const char	*h;
	size_t		 n;

	if ((h = strrchr(code, '#')) != NULL)
		code = h + 1;
	n = strcspn(code, ":");
	if (n >= sizeof(e->code))
		n = sizeof(e->code) - 1;
	memcpy(e->code, code, n);
	e->code[n] = '\0';
}

static void
awsapi_set_str(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = strlen(src);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
awsapi_parse_error(long status, const struct http_response *r,
    struct awsapi_error *e)
{
	const char	*v, *body = buf_str(&r->body);
	json_t		*doc = NULL, *j;
	struct buf	 t = BUF_INIT(4096);

	memset(e, 0, sizeof(*e));
	e->status = status;
	if ((v = http_response_header(r, "x-amzn-requestid")) != NULL ||
	    (v = http_response_header(r, "x-amz-request-id")) != NULL)
		awsapi_set_str(e->request_id, sizeof(e->request_id), v);
	if ((v = http_response_header(r, "x-amzn-errortype")) != NULL && *v)
		awsapi_set_code(e, v);

	if (r->body.len > 0 && (doc = json_loadb(body, r->body.len, 0, NULL)) &&
	    json_is_object(doc)) {
		if (!e->code[0] && ((j = json_object_get(doc, "code")) ||
		    (j = json_object_get(doc, "Code")) ||
		    (j = json_object_get(doc, "__type"))) && json_is_string(j))
			awsapi_set_code(e, json_string_value(j));
		if (((j = json_object_get(doc, "message")) ||
		    (j = json_object_get(doc, "Message"))) && json_is_string(j))
			awsapi_set_str(e->message, sizeof(e->message),
			    json_string_value(j));
	} else if (r->body.len > 0) {
		if (!e->code[0] &&
		    awsapi_xml_text(body, r->body.len, "Code", &t) == 0)
			awsapi_set_code(e, buf_str(&t));
		if (awsapi_xml_text(body, r->body.len, "Message", &t) == 0)
			awsapi_set_str(e->message, sizeof(e->message), buf_str(&t));
		if (!e->request_id[0] &&
		    awsapi_xml_text(body, r->body.len, "RequestId", &t) == 0)
			awsapi_set_str(e->request_id, sizeof(e->request_id),
			    buf_str(&t));
	}
	json_decref(doc);
	buf_free(&t);
	return e->code[0] ? 0 : -1;
}

/* Milliseconds to wait before attempt n+1 (n >= 1): full jitter. */
static long
awsapi_backoff_ms(int n, const struct http_response *r)
{
	const char	*ra;
	long		 cap, ms;
	char		*end;

	if (r && (ra = http_response_header(r, "x-amz-retry-after")) != NULL) {
		errno = 0;
		ms = strtol(ra, &end, 10);
		if (errno == 0 && *end == '\0' && ms >= 0)
			return ms > AWSAPI_MAX_BACKOFF_MS ? AWSAPI_MAX_BACKOFF_MS : ms;
	}
	cap = AWSAPI_BASE_BACKOFF_MS << (n < 5 ? n - 1 : 4);
	if (cap > AWSAPI_MAX_BACKOFF_MS)
		cap = AWSAPI_MAX_BACKOFF_MS;
	return (long)arc4random_uniform((unsigned)cap + 1);
}

static void
awsapi_sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The server's clock from its Date header minus ours, or 0 if unknown. */
static long
awsapi_server_skew(const struct http_response *r)
{
	const char	*d = http_response_header(r, "Date");
	time_t		 t;

	if (d == NULL || (t = curl_getdate(d, NULL)) == -1)
		return 0;
	return (long)(t - time(NULL));
}

static void
awsapi_notify(struct awsapi *api, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
awsapi_notify(struct awsapi *api, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;

	if (api->notify == NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(line, sizeof(line), fmt, ap) >= 0)
		api->notify(api->notify_arg, line);
	va_end(ap);
}

/*
 * Sign and send one POST to the service endpoint, retrying as the standard
 * mode says.  On 0, resp holds a 2xx answer.  On -1, err is set and, for
 * answers with an AWS error, aerr too.
 */
static int
awsapi_post(struct awsapi *api, const char *content_type, const char *target,
    const char *body, size_t bodylen, struct http_response *resp,
    struct awsapi_error *aerr, struct dkerr *err)
{
	struct http_url		 u;
	struct http_header	 hdrs[3 + SIGV4_MAX_ADD];
	struct sigv4_header	 sh[3];
	struct sigv4_request	 sreq;
	struct sigv4_params	 sp;
	struct sigv4_result	 sr;
	struct awsapi_error	 e;
	char			 hash[65], date[17], what[160];
	size_t			 nh, i;
	int			 attempt, max, skew_fixed = 0, ret = -1;
	long			 wait;

	memset(&sr, 0, sizeof(sr));
	memset(&e, 0, sizeof(e));
	if (aerr)
		memset(aerr, 0, sizeof(*aerr));
	if (http_url_parse(api->endpoint, &u, err) == -1)
		return -1;
	if (api->cred == NULL || api->cred->access_key_id == NULL ||
	    api->cred->secret_access_key == NULL) {
		dkerr_set(err, DKERR_INPUT, "no AWS credentials to sign with");
		goto out;
	}
	sigv4_sha256_hex(body, bodylen, hash);
	snprintf(what, sizeof(what), "%s %s", api->service->signing_name,
	    target ? target : "call");
	max = api->max_attempts > 0 ? api->max_attempts : 3;

	for (attempt = 1; ; attempt++) {
		nh = 0;
		sh[nh].name = "Host";
		sh[nh++].value = u.hostport;
		sh[nh].name = "Content-Type";
		sh[nh++].value = content_type;
		if (target) {
			sh[nh].name = "X-Amz-Target";
			sh[nh++].value = target;
		}
		memset(&sreq, 0, sizeof(sreq));
		sreq.method = "POST";
		sreq.path = u.path;
		sreq.query = u.query;
		sreq.headers = sh;
		sreq.nheaders = nh;
		sreq.payload_hash = hash;
		memset(&sp, 0, sizeof(sp));
		sp.access_key = api->cred->access_key_id;
		sp.secret_key = api->cred->secret_access_key;
		sp.session_token = api->cred->session_token;
		sp.region = api->region;
		sp.service = api->service->signing_name;
		if (sigv4_format_date(time(NULL) + api->skew, date) == -1) {
			dkerr_set(err, DKERR_INPUT, "the clock is out of range");
			goto out;
		}
		sp.amz_date = date;
		sigv4_result_free(&sr);
		if (sigv4_sign(&sreq, &sp, &sr, err) == -1)
			goto out;
		for (i = 0; i < nh; i++) {
			hdrs[i].name = (char *)sh[i].name;
			hdrs[i].value = (char *)sh[i].value;
		}
		for (i = 0; i < sr.nadd; i++) {
			hdrs[nh + i].name = (char *)sr.add[i].name;
			hdrs[nh + i].value = (char *)sr.add[i].value;
		}
		{
			/* One attempt asked for means one send, not libcurl's
			 * silent second one on a dead kept-alive connection. */
			struct http_request req = {
				.method = "POST", .url = api->endpoint,
				.headers = hdrs, .nheaders = nh + sr.nadd,
				.body = body, .body_len = bodylen,
				.once = max == 1,
			};
			http_response_free(resp);
			resp->body.max = AWSAPI_REPLY_MAX;
			if (http_send(api->http, &req, resp, err) == -1) {
				if (err->kind != DKERR_NETWORK || attempt >= max)
					goto out;
				wait = awsapi_backoff_ms(attempt, NULL);
				awsapi_notify(api, "%s: %s; retrying in %.1f s "
				    "(attempt %d of %d)", what, err->msg,
				    wait / 1000.0, attempt + 1, max);
				awsapi_sleep_ms(wait);
				continue;
			}
		}
		if (resp->status >= 200 && resp->status < 300) {
			ret = 0;
			goto out;
		}
		awsapi_parse_error(resp->status, resp, &e);
		if (!skew_fixed && awsapi_is_skew(e.code)) {
			long s = awsapi_server_skew(resp);
			if (labs(s - api->skew) > AWSAPI_SKEW_LIMIT) {
				/* Correct the clock once, outside the count. */
				skew_fixed = 1;
				api->skew = s;
				awsapi_notify(api, "%s: the local clock is %ld s "
				    "%s the server's; retrying with its time",
				    what, labs(s), s > 0 ? "behind" : "ahead of");
				attempt--;
				continue;
			}
		}
		if (awsapi_retryable(resp->status, e.code) && attempt < max) {
			wait = awsapi_backoff_ms(attempt, resp);
			awsapi_notify(api, "%s: %s (HTTP %ld); retrying in %.1f s "
			    "(attempt %d of %d)", what,
			    e.code[0] ? e.code : "server error", resp->status,
			    wait / 1000.0, attempt + 1, max);
			awsapi_sleep_ms(wait);
			continue;
		}
		break;
	}
	/* An error answer that retries did not fix. */
	if (aerr)
		*aerr = e;
	{
		enum dkerr_kind k = awsapi_retryable(resp->status, e.code) ?
		    DKERR_NETWORK : DKERR_REMOTE;
		const char *after = k == DKERR_NETWORK ? " (after retries)" : "";

		if (e.code[0] && e.message[0])
			dkerr_set(err, k, "%s: %s%s", e.code, e.message, after);
		else if (e.code[0])
			dkerr_set(err, k, "%s (HTTP %ld)%s", e.code, resp->status,
			    after);
		else
			dkerr_set(err, k, "%s: HTTP %ld from %s%s", what,
			    resp->status, u.hostport, after);
	}
out:
	sigv4_result_free(&sr);
	http_url_free(&u);
	return ret;
}

int
awsapi_json(struct awsapi *api, const char *operation, json_t *request,
    json_t **reply, struct awsapi_error *aerr, struct dkerr *err)
{
	struct http_response	 resp;
	struct buf		 target = BUF_INIT(256);
	json_error_t		 jerr;
	char			*body;
	int			 ret = -1;

	*reply = NULL;
	memset(&resp, 0, sizeof(resp));
	if (aerr)
		memset(aerr, 0, sizeof(*aerr));
	if (api->service->target == NULL ||
	    buf_addf(&target, "%s.%s", api->service->target, operation) == -1)
		return dkerr_set(err, DKERR_INPUT, "%s: not a JSON 1.1 service",
		    api->service->signing_name);
	if ((body = json_dumps(request, JSON_COMPACT)) == NULL) {
		buf_free(&target);
		return dkerr_set(err, DKERR_INPUT, "%s: request not encodable",
		    operation);
	}
	if (awsapi_post(api, "application/x-amz-json-1.1", buf_str(&target),
	    body, strlen(body), &resp, aerr, err) == -1)
		goto out;
	if (resp.body.len == 0)
		*reply = json_object();
	else
		*reply = json_loadb(resp.body.data, resp.body.len, 0, &jerr);
	if (*reply == NULL || !json_is_object(*reply)) {
		dkerr_set(err, DKERR_NETWORK, "%s: malformed answer from %s: %s",
		    operation, api->endpoint, *reply == NULL ? jerr.text :
		    "not a JSON object");
		json_decref(*reply);
		*reply = NULL;
		goto out;
	}
	ret = 0;
out:
	/* Requests can carry secrets (SecureString values). */
	OPENSSL_cleanse(body, strlen(body));
	free(body);
	buf_free(&target);
	http_response_free(&resp);
	return ret;
}

int
awsapi_query(struct awsapi *api, const char *form, struct buf *out,
    struct awsapi_error *aerr, struct dkerr *err)
{
	struct http_response	 resp;
	int			 ret = -1;

	memset(&resp, 0, sizeof(resp));
	if (aerr)
		memset(aerr, 0, sizeof(*aerr));
	if (awsapi_post(api, "application/x-www-form-urlencoded; charset=utf-8",
	    NULL, form, strlen(form), &resp, aerr, err) == -1)
		goto out;
	buf_reset(out);
	if (buf_add(out, resp.body.data ? resp.body.data : "", resp.body.len) == -1) {
		dkerr_set(err, DKERR_NETWORK, "answer too large");
		goto out;
	}
	ret = 0;
out:
	http_response_free(&resp);
	return ret;
}
