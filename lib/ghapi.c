#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "ghapi.h"
#include "secretfile.h"

#define GHAPI_MAX_ATTEMPTS	5
#define GHAPI_MAX_RATE_WAITS	6
#define GHAPI_MAX_REDIRECTS	3
#define GHAPI_BACKOFF_BASE_MS	1000L
#define GHAPI_BACKOFF_CAP_MS	30000L
#define GHAPI_SECONDARY_S	60L	/* GitHub: "wait for at least one minute" */
#define GHAPI_SECONDARY_CAP_S	960L
#define GHAPI_RESET_CAP_S	3660L	/* the primary window is one hour */
#define GHAPI_RETRY_AFTER_CAP_S	3660L
#define GHAPI_SLICE_MS		200L	/* how soon a wait sees *stop */
#define GHAPI_REPLY_MAX		((size_t)16 << 20)
#define GHAPI_URL_MAX		8192

long long
ghapi_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

time_t
ghapi_server_time(const struct ghapi *api)
{
	return time(NULL) + api->skew;
}

void
ghapi_time_format(time_t t, char *out, size_t outsz)
{
	struct tm	 tm;

	if (outsz == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

/*
 * snprintf for message text: a line that does not fit is cut and ends in
 * "...", never left unterminated or silently short.  Returns 0, or -1 when
 * it was cut.
 */
static int __attribute__((format(printf, 3, 4)))
ghapi_fmt(char *out, size_t outsz, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
	if (n < 0) {
		out[0] = '\0';
		return -1;
	}
	if ((size_t)n >= outsz) {
		if (outsz > 4)
			memcpy(out + outsz - 4, "...", 4);
		return -1;
	}
	return 0;
}

/* Parse exactly n digits at *pp into *v and advance. */
static int
ghapi_digits(const char **pp, int n, int *v)
{
	const char	*p = *pp;
	int		 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	*pp = p + n;
	return 0;
}

int
ghapi_time_parse(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*p = s;
	int		 y, mo, d, h, mi, sec, oh, om, sign;
	time_t		 t;

	if (s == NULL)
		return -1;
	if (ghapi_digits(&p, 4, &y) == -1 || *p++ != '-' ||
	    ghapi_digits(&p, 2, &mo) == -1 || *p++ != '-' ||
	    ghapi_digits(&p, 2, &d) == -1 || (*p != 'T' && *p != 't') ||
	    (p++, ghapi_digits(&p, 2, &h)) == -1 || *p++ != ':' ||
	    ghapi_digits(&p, 2, &mi) == -1 || *p++ != ':' ||
	    ghapi_digits(&p, 2, &sec) == -1)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (ghapi_digits(&p, 2, &oh) == -1 || *p++ != ':' ||
		    ghapi_digits(&p, 2, &om) == -1 || oh > 23 || om > 59)
			return -1;
		t -= sign * (oh * 3600 + om * 60);
	} else
		return -1;
	if (*p != '\0')
		return -1;
	*out = t;
	return 0;
}

/* A header as a whole non-negative decimal number: 0, or -1. */
static int
ghapi_header_num(const struct http_response *r, const char *name,
    long long *out)
{
	const char	*v = http_response_header(r, name);
	char		*end;
	long long	 n;

	if (v == NULL || !isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

void
ghapi_rate_update(struct ghapi_rate *rate, const struct http_response *r)
{
	const char	*v;
	long long	 n;
	size_t		 len;

	if (ghapi_header_num(r, "x-ratelimit-limit", &n) == 0)
		rate->limit = (long)n;
	if (ghapi_header_num(r, "x-ratelimit-remaining", &n) == 0)
		rate->remaining = (long)n;
	if (ghapi_header_num(r, "x-ratelimit-used", &n) == 0)
		rate->used = (long)n;
	if (ghapi_header_num(r, "x-ratelimit-reset", &n) == 0)
		rate->reset = n;
	if ((v = http_response_header(r, "x-ratelimit-resource")) != NULL) {
		len = strlen(v);
		if (len >= sizeof(rate->resource))
			len = sizeof(rate->resource) - 1;
		memcpy(rate->resource, v, len);
		rate->resource[len] = '\0';
	}
}

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static int
ghapi_contains(const char *hay, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; hay && *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int
ghapi_is_rate_limited(long status, const struct http_response *r,
    const char *message)
{
	long long	 n;

	if (status == 429)
		return 1;
	if (status != 403)
		return 0;
	if (http_response_header(r, "retry-after") != NULL)
		return 1;
	if (ghapi_header_num(r, "x-ratelimit-remaining", &n) == 0 && n == 0)
		return 1;
	return ghapi_contains(message, "rate limit");
}

/* Seconds a retry-after header asks for (delta or HTTP date), or -1. */
static long
ghapi_retry_after(const struct http_response *r, time_t server_now)
{
	const char	*v = http_response_header(r, "retry-after");
	long long	 n;
	time_t		 t;

	if (v == NULL)
		return -1;
	if (ghapi_header_num(r, "retry-after", &n) == 0)
		return n > GHAPI_RETRY_AFTER_CAP_S ? GHAPI_RETRY_AFTER_CAP_S :
		    (long)n;
	if ((t = curl_getdate(v, NULL)) == -1)
		return -1;
	if (t <= server_now)
		return 0;
	return t - server_now > GHAPI_RETRY_AFTER_CAP_S ?
	    GHAPI_RETRY_AFTER_CAP_S : (long)(t - server_now);
}

void
ghapi_rate_wait(const struct http_response *r, time_t now, int n,
    struct ghapi_wait *w)
{
	const char	*d;
	time_t		 server_now = now, t;
	long long	 remaining, reset;
	long		 s;

	if ((d = http_response_header(r, "date")) != NULL &&
	    (t = curl_getdate(d, NULL)) != -1)
		server_now = t;
	if ((s = ghapi_retry_after(r, server_now)) >= 0) {
		w->kind = GHAPI_WAIT_RETRY_AFTER;
		w->seconds = s < 1 ? 1 : s;
		return;
	}
	if (ghapi_header_num(r, "x-ratelimit-remaining", &remaining) == 0 &&
	    remaining == 0 &&
	    ghapi_header_num(r, "x-ratelimit-reset", &reset) == 0) {
		w->kind = GHAPI_WAIT_RESET;
		/* One second past the reset: it is counted in whole seconds. */
		if (reset < (long long)server_now)
			w->seconds = 1;
		else if (reset >= (long long)server_now + GHAPI_RESET_CAP_S)
			w->seconds = GHAPI_RESET_CAP_S;
		else
			w->seconds = (long)(reset - server_now + 1);
		return;
	}
	w->kind = GHAPI_WAIT_SECONDARY;
	w->seconds = GHAPI_SECONDARY_S;
	while (--n > 0 && w->seconds < GHAPI_SECONDARY_CAP_S)
		w->seconds *= 2;
	if (w->seconds > GHAPI_SECONDARY_CAP_S)
		w->seconds = GHAPI_SECONDARY_CAP_S;
}

long
ghapi_backoff_ms(int n)
{
	long	 cap = GHAPI_BACKOFF_BASE_MS;

	while (--n > 0 && cap < GHAPI_BACKOFF_CAP_MS)
		cap *= 2;
	if (cap > GHAPI_BACKOFF_CAP_MS)
		cap = GHAPI_BACKOFF_CAP_MS;
	return cap / 2 + (long)arc4random_uniform((unsigned)(cap / 2) + 1);
}

/* Append src to dst (size dstsz, NUL-terminated), truncating. */
static void
ghapi_append(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = strlen(dst), m = strlen(src);

	if (n + 1 >= dstsz)
		return;
	if (m > dstsz - n - 1)
		m = dstsz - n - 1;
	memcpy(dst + n, src, m);
	dst[n + m] = '\0';
}

void
ghapi_error_message(const struct buf *body, char *out, size_t outsz)
{
	json_t		*doc, *m, *errs, *e, *f;
	size_t		 i;
	const char	*sep = ": ";

	if (outsz == 0)
		return;
	out[0] = '\0';
	if (body->len == 0 ||
	    (doc = json_loadb(body->data, body->len, 0, NULL)) == NULL)
		return;
	if (json_is_object(doc)) {
		if (json_is_string(m = json_object_get(doc, "message")))
			ghapi_append(out, outsz, json_string_value(m));
		else
			sep = "";
		errs = json_object_get(doc, "errors");
		json_array_foreach(errs, i, e) {
			ghapi_append(out, outsz, i ? "; " : sep);
			if (json_is_string(e)) {
				ghapi_append(out, outsz, json_string_value(e));
			} else if (json_is_string(m = json_object_get(e,
			    "message"))) {
				ghapi_append(out, outsz, json_string_value(m));
			} else {
				if (json_is_string(f = json_object_get(e,
				    "field"))) {
					ghapi_append(out, outsz,
					    json_string_value(f));
					ghapi_append(out, outsz, " ");
				}
				if (json_is_string(m = json_object_get(e,
				    "code")))
					ghapi_append(out, outsz,
					    json_string_value(m));
			}
		}
	}
	json_decref(doc);
	/* One line, whatever GitHub put in it. */
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

int
ghapi_map_error(const struct ghapi_error *e, const char *what,
    const char *notfound, struct dkerr *err)
{
	const char	*m = e->message;
	enum dkerr_kind	 k = e->status >= 400 && e->status < 500 ?
	    DKERR_REMOTE : DKERR_NETWORK;

	switch (e->status) {
	case 401:
		return dkerr_set(err, DKERR_REMOTE, "%s: bad token: GitHub "
		    "refused it (HTTP 401%s%s)", what, m[0] ? ": " : "", m);
	case 403:
		return dkerr_set(err, DKERR_REMOTE, "%s: forbidden (HTTP 403)"
		    ": %s", what, m[0] ? m : "the token lacks a permission");
	case 404:
		return dkerr_set(err, DKERR_REMOTE, "%s: %s not found, or the "
		    "token cannot see it (HTTP 404)", what,
		    notfound ? notfound : "repository");
	}
	if (m[0])
		return dkerr_set(err, k, "%s: %s (HTTP %ld)", what, m,
		    e->status);
	return dkerr_set(err, k, "%s: HTTP %ld from GitHub", what, e->status);
}

/* Whether url lies under base: same origin and base's path as a prefix. */
static int
ghapi_under_base(const char *url, const char *base)
{
	size_t	 n = strlen(base);
	const char *p;

	if (strncasecmp(url, base, n) != 0 ||
	    (url[n] != '/' && url[n] != '?' && url[n] != '\0'))
		return 0;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int
ghapi_link_next(const char *link, const char *base, struct buf *out)
{
	const char	*p = link, *lt, *gt, *q, *name, *val;
	size_t		 nlen, vlen, i;
	int		 next;

	buf_reset(out);
	if (link == NULL)
		return 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		if (*p != '<' || (gt = strchr(p, '>')) == NULL)
			return -1;
		lt = p + 1;
		p = gt + 1;
		next = 0;
		/* Parameters: ; name=value or ; name="value", to ',' or end. */
		for (;;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != ';')
				break;
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			name = p;
			while (*p && *p != '=' && *p != ';' && *p != ',' &&
			    *p != ' ')
				p++;
			nlen = (size_t)(p - name);
			while (*p == ' ')
				p++;
			val = "";
			vlen = 0;
			if (*p == '=') {
				p++;
				while (*p == ' ')
					p++;
				if (*p == '"') {
					val = ++p;
					if ((q = strchr(p, '"')) == NULL)
						return -1;
					vlen = (size_t)(q - p);
					p = q + 1;
				} else {
					val = p;
					while (*p && *p != ';' && *p != ',' &&
					    *p != ' ')
						p++;
					vlen = (size_t)(p - val);
				}
			}
			if (nlen == 3 && strncasecmp(name, "rel", 3) == 0) {
				/* rel may hold several space-separated types */
				for (i = 0; i < vlen; ) {
					size_t j = i;

					while (j < vlen && val[j] != ' ')
						j++;
					if (j - i == 4 &&
					    strncasecmp(val + i, "next", 4) == 0)
						next = 1;
					i = j + 1;
				}
			}
		}
		if (*p != ',' && *p != '\0')
			return -1;
		if (next) {
			if (buf_add(out, lt, (size_t)(gt - lt)) == -1)
				return -1;
			if (!ghapi_under_base(buf_str(out), base)) {
				buf_reset(out);
				return -1;
			}
			return 1;
		}
	}
}

int
ghapi_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') {
			if (buf_addc(b, (char)*p) == -1)
				return -1;
		} else if (buf_addc(b, '%') == -1 ||
		    buf_addc(b, hex[*p >> 4]) == -1 ||
		    buf_addc(b, hex[*p & 15]) == -1)
			return -1;
	}
	return 0;
}

int
ghapi_repo_url(struct buf *out, const char *base, const struct ghapi_repo *r,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	buf_reset(out);
	if (buf_addstr(out, base) == -1 || buf_addstr(out, "/repos/") == -1 ||
	    ghapi_escape(out, r->owner) == -1 || buf_addc(out, '/') == -1 ||
	    ghapi_escape(out, r->name) == -1)
		return -1;
	va_start(ap, fmt);
	rc = buf_vaddf(out, fmt, ap);
	va_end(ap);
	return rc;
}

/* --- Sending ------------------------------------------------------------ */

static void __attribute__((format(printf, 2, 3)))
ghapi_notify(struct ghapi *api, const char *fmt, ...)
{
	char	 line[600];
	va_list	 ap;
	int	 n;

	if (api->notify == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* A long line is cut, not dropped: the wait still needs saying. */
	if (n >= 0)
		api->notify(api->notify_arg, line);
}

/* Sleep ms in short slices; -1 (api->interrupted set) when *stop rises. */
static int
ghapi_sleep(struct ghapi *api, long long ms)
{
	struct timespec	 ts;
	long long	 end = ghapi_now_ms() + ms, left;

	for (;;) {
		if (api->stop && *api->stop) {
			api->interrupted = 1;
			return -1;
		}
		if ((left = end - ghapi_now_ms()) <= 0)
			return 0;
		if (left > GHAPI_SLICE_MS)
			left = GHAPI_SLICE_MS;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/*
 * Wait ms before trying again, saying why (reason) and until when, unless
 * the wait would end after the deadline (DKERR_TIMEOUT) or is interrupted
 * (DKERR_NETWORK).  Returns 0 or -1.
 */
static int
ghapi_pause(struct ghapi *api, long long ms, const char *what,
    const char *reason, const char *tail, struct dkerr *err)
{
	char	 until[32], len[32];
	time_t	 end = time(NULL) + (time_t)((ms + 999) / 1000);

	ghapi_time_format(end, until, sizeof(until));
	if (ms < 10000)
		ghapi_fmt(len, sizeof(len), "%.1f s", (double)ms / 1000);
	else
		ghapi_fmt(len, sizeof(len), "%lld s", (ms + 999) / 1000);
	if (api->deadline_ms && ghapi_now_ms() + ms > api->deadline_ms)
		return dkerr_set(err, DKERR_TIMEOUT, "%s: %s; the wait (%s, "
		    "until %s) would pass the deadline", what, reason, len,
		    until);
	ghapi_notify(api, "%s: %s; waiting %s, until %s%s", what, reason, len,
	    until, tail);
	if (ghapi_sleep(api, ms) == -1)
		return dkerr_set(err, DKERR_NETWORK, "%s: interrupted", what);
	return 0;
}

void
ghapi_reply_free(struct ghapi_reply *r)
{
	json_decref(r->json);
	free(r->next);
	memset(r, 0, sizeof(*r));
}

/* Fill a reply from a 2xx/304 answer: 0, or -1 for a body that is not JSON. */
static int
ghapi_reply_fill(const struct ghapi *api, const struct http_response *resp,
    struct ghapi_reply *reply)
{
	struct buf	 next = BUF_INIT(GHAPI_URL_MAX);
	const char	*v;
	time_t		 t;
	size_t		 n;
	int		 ret = 0;

	reply->status = resp->status;
	if ((v = http_response_header(resp, "etag")) != NULL &&
	    (n = strlen(v)) < sizeof(reply->etag))
		memcpy(reply->etag, v, n + 1);
	if ((v = http_response_header(resp, "date")) != NULL &&
	    (t = curl_getdate(v, NULL)) != -1)
		reply->date = (long)t;
	if (ghapi_link_next(http_response_header(resp, "link"), api->base,
	    &next) == 1)
		reply->next = buf_take(&next);
	buf_free(&next);
	if (resp->status != 304 && resp->body.len > 0 &&
	    (reply->json = json_loadb(resp->body.data, resp->body.len, 0,
	    NULL)) == NULL)
		ret = -1;
	return ret;
}

/* Whether a 3xx may be followed, and to where (into url). */
static int
ghapi_redirect(const struct ghapi *api, const struct http_response *resp,
    const char *method, struct buf *url)
{
	const char	*loc = http_response_header(resp, "location");
	long		 s = resp->status;

	if (loc == NULL || !ghapi_under_base(loc, api->base))
		return 0;
	if (s == 301 || s == 302 || s == 303) {
		/* GitHub moves renamed repositories; only a GET may follow
		 * without a change of meaning. */
		if (strcmp(method, "GET") != 0)
			return 0;
	} else if (s != 307 && s != 308)
		return 0;
	buf_reset(url);
	return buf_addstr(url, loc) == 0;
}

/* http_header has mutable members; http_send() only reads them. */
static void
ghapi_header(struct http_header *h, size_t *n, const char *name,
    const char *value)
{
	h[*n].name = (char *)name;
	h[*n].value = (char *)value;
	(*n)++;
}

int
ghapi_call(struct ghapi *api, const struct ghapi_call *c,
    struct ghapi_reply *reply, struct ghapi_error *gerr, struct dkerr *err)
{
	struct ghapi_error	 local;
	struct ghapi_wait	 w;
	struct http_response	 resp;
	struct http_header	 hdrs[6];
	struct buf		 auth = BUF_INIT(GHAPI_TOKEN_MAX + 16);
	struct buf		 url = BUF_INIT(GHAPI_URL_MAX);
	const char		*what = c->what ? c->what : c->method;
	const char		*method = c->method, *v;	/* kept on
						 * redirects: 307/308, or GET */
	char			 reason[DKERR_MSGMAX], tail[64];
	size_t			 nh;
	long long		 ms;
	time_t			 t;
	int			 tries = 0, waits = 0, redirects = 0, ret = -1;
	int			 max_tries, max_waits;

	if (gerr == NULL)
		gerr = &local;
	memset(gerr, 0, sizeof(*gerr));
	memset(&resp, 0, sizeof(resp));
	ghapi_reply_free(reply);
	max_tries = api->max_attempts > 0 ? api->max_attempts :
	    GHAPI_MAX_ATTEMPTS;
	max_waits = api->max_rate_waits > 0 ? api->max_rate_waits :
	    GHAPI_MAX_RATE_WAITS;
	if (!ghapi_under_base(c->url, api->base) ||
	    buf_addstr(&url, c->url) == -1)
		return dkerr_set(err, DKERR_INPUT, "%s: the URL is not under "
		    "the API base %s", what, api->base);
	if (api->token && buf_addf(&auth, "Bearer %s", api->token) == -1) {
		dkerr_set(err, DKERR_INPUT, "the token is too long");
		goto out;
	}

	for (;;) {
		struct http_request req;

		nh = 0;
		ghapi_header(hdrs, &nh, "Accept", "application/vnd.github+json");
		ghapi_header(hdrs, &nh, "X-GitHub-Api-Version",
		    GHAPI_API_VERSION);
		if (api->token)
			ghapi_header(hdrs, &nh, "Authorization", auth.data);
		if (c->etag && c->etag[0] && strcmp(method, "GET") == 0)
			ghapi_header(hdrs, &nh, "If-None-Match", c->etag);
		if (c->body)
			ghapi_header(hdrs, &nh, "Content-Type",
			    "application/json");
		memset(&req, 0, sizeof(req));
		req.method = method;
		req.url = buf_str(&url);
		req.headers = hdrs;
		req.nheaders = nh;
		req.body = c->body;
		req.body_len = c->body ? c->body_len : 0;
		/* A dispatch goes on a new connection: on a kept-alive one that
		 * died before answering, libcurl would send it again itself. */
		req.once = c->once;
		req.stop = api->stop;

		if (api->stop && *api->stop) {
			api->interrupted = 1;
			dkerr_set(err, DKERR_NETWORK, "%s: interrupted", what);
			goto out;
		}
		/* No exchange outlives the deadline: a stalled server
		 * would otherwise hold a --timeout hostage. */
		if (api->deadline_ms) {
			req.timeout_ms = (long)(api->deadline_ms -
			    ghapi_now_ms());
			if (req.timeout_ms <= 0) {
				dkerr_set(err, DKERR_TIMEOUT, "%s: the deadline "
				    "passed", what);
				goto out;
			}
		}
		http_response_free(&resp);
		resp.body.max = GHAPI_REPLY_MAX;
		if (http_send(api->http, &req, &resp, err) == -1) {
			/* Given up at the stop flag: no retry, no notice. */
			if (api->stop && *api->stop) {
				api->interrupted = 1;
				dkerr_set(err, DKERR_NETWORK, "%s: interrupted",
				    what);
				goto out;
			}
			if (err->kind == DKERR_NETWORK && api->deadline_ms &&
			    ghapi_now_ms() >= api->deadline_ms)
				err->kind = DKERR_TIMEOUT;
			if (err->kind != DKERR_NETWORK)
				goto out;
			if (c->once && resp.maybe_sent) {
				gerr->maybe_sent = 1;
				dkerr_prefix(err, "%s", what);
				goto out;
			}
			if (++tries >= max_tries) {
				dkerr_prefix(err, "%s", what);
				goto out;
			}
			ghapi_fmt(reason, sizeof(reason), "%s", err->msg);
			ghapi_fmt(tail, sizeof(tail), " (attempt %d of %d)",
			    tries + 1, max_tries);
			if (ghapi_pause(api, ghapi_backoff_ms(tries), what,
			    reason, tail, err) == -1)
				goto out;
			continue;
		}
		api->requests++;
		if (resp.status != 304)
			api->counted++;
		ghapi_rate_update(&api->rate, &resp);
		if ((v = http_response_header(&resp, "date")) != NULL &&
		    (t = curl_getdate(v, NULL)) != -1)
			api->skew = (long)(t - time(NULL));

		if ((resp.status >= 200 && resp.status < 300) ||
		    resp.status == 304) {
			if (ghapi_reply_fill(api, &resp, reply) == -1) {
				ghapi_reply_free(reply);
				gerr->status = resp.status;
				ghapi_fmt(reason, sizeof(reason), "malformed "
				    "answer from GitHub (HTTP %ld, not JSON)",
				    resp.status);
				/* A cut body is a broken transfer: an
				 * idempotent call is simply made again. */
				if (c->once || ++tries >= max_tries) {
					gerr->maybe_sent = c->once;
					dkerr_set(err, DKERR_NETWORK, "%s: %s",
					    what, reason);
					goto out;
				}
				ghapi_fmt(tail, sizeof(tail), " (attempt %d of "
				    "%d)", tries + 1, max_tries);
				if (ghapi_pause(api, ghapi_backoff_ms(tries),
				    what, reason, tail, err) == -1)
					goto out;
				continue;
			}
			ret = 0;
			goto out;
		}
		if (resp.status >= 300 && resp.status < 400 &&
		    redirects < GHAPI_MAX_REDIRECTS &&
		    ghapi_redirect(api, &resp, method, &url)) {
			redirects++;
			continue;
		}

		gerr->status = resp.status;
		ghapi_error_message(&resp.body, gerr->message,
		    sizeof(gerr->message));
		if (ghapi_is_rate_limited(resp.status, &resp, gerr->message)) {
			gerr->rate_limited = 1;
			if (++waits > max_waits) {
				dkerr_set(err, DKERR_NETWORK, "%s: still rate "
				    "limited after %d waits (HTTP %ld)", what,
				    max_waits, resp.status);
				goto out;
			}
			ghapi_rate_wait(&resp, time(NULL), waits, &w);
			switch (w.kind) {
			case GHAPI_WAIT_RETRY_AFTER:
				ghapi_fmt(reason, sizeof(reason), "rate limited "
				    "(HTTP %ld, retry-after %ld s)",
				    resp.status, w.seconds);
				break;
			case GHAPI_WAIT_RESET:
				ghapi_fmt(reason, sizeof(reason), "rate limit "
				    "exhausted (0 of %ld left%s%s)",
				    api->rate.limit,
				    api->rate.resource[0] ? " for " : "",
				    api->rate.resource);
				break;
			case GHAPI_WAIT_SECONDARY:
				ghapi_fmt(reason, sizeof(reason), "secondary "
				    "rate limit (HTTP %ld)", resp.status);
				break;
			}
			if (ghapi_pause(api, (long long)w.seconds * 1000, what,
			    reason, w.kind == GHAPI_WAIT_RESET ? " (its reset)" :
			    "", err) == -1)
				goto out;
			continue;
		}
		if (resp.status >= 500) {
			if (c->once) {
				gerr->maybe_sent = 1;
				dkerr_set(err, DKERR_NETWORK, "%s: HTTP %ld from "
				    "GitHub%s%s", what, resp.status,
				    gerr->message[0] ? ": " : "",
				    gerr->message);
				goto out;
			}
			if (++tries >= max_tries) {
				dkerr_set(err, DKERR_NETWORK, "%s: HTTP %ld from "
				    "GitHub after %d attempts", what,
				    resp.status, tries);
				goto out;
			}
			ms = ghapi_backoff_ms(tries);
			if (ghapi_header_num(&resp, "retry-after", &ms) == 0)
				ms = (ms > 60 ? 60 : ms) * 1000;
			ghapi_fmt(reason, sizeof(reason), "HTTP %ld from GitHub",
			    resp.status);
			ghapi_fmt(tail, sizeof(tail), " (attempt %d of %d)",
			    tries + 1, max_tries);
			if (ghapi_pause(api, ms, what, reason, tail, err) == -1)
				goto out;
			continue;
		}
		ghapi_map_error(gerr, what, c->notfound, err);
		goto out;
	}
out:
	buf_wipe(&auth);
	buf_free(&url);
	http_response_free(&resp);
	return ret;
}

int
ghapi_list(struct ghapi *api, const struct ghapi_call *c, const char *key,
    int max_pages, char *etag, size_t etagsz, json_t **items,
    struct ghapi_error *gerr, struct dkerr *err)
{
	struct ghapi_call	 pc = *c;
	struct ghapi_reply	 r;
	json_t			*arr;
	char			*url = NULL;
	int			 page, ret = -1;

	*items = NULL;
	memset(&r, 0, sizeof(r));
	pc.etag = etag && etag[0] ? etag : NULL;
	if ((*items = json_array()) == NULL)
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	for (page = 1; ; page++) {
		if (ghapi_call(api, &pc, &r, gerr, err) == -1)
			goto out;
		if (r.status == 304) {
			ret = 1;
			goto out;
		}
		arr = json_object_get(r.json, key);
		if (!json_is_array(arr)) {
			dkerr_set(err, DKERR_NETWORK, "%s: malformed answer "
			    "from GitHub (no %s array)", c->what, key);
			goto out;
		}
		if (json_array_extend(*items, arr) == -1) {
			dkerr_set(err, DKERR_NETWORK, "out of memory");
			goto out;
		}
		if (page == 1 && etag && etagsz) {
			/* A 304 on page 1 says nothing of the others. */
			if (r.next == NULL && strlen(r.etag) < etagsz)
				memcpy(etag, r.etag, strlen(r.etag) + 1);
			else
				etag[0] = '\0';
		}
		if (r.next == NULL)
			break;
		if (page >= max_pages) {
			dkerr_set(err, DKERR_REMOTE, "%s: more than %d pages of "
			    "%s", c->what, max_pages, key);
			goto out;
		}
		free(url);
		url = r.next;
		r.next = NULL;
		pc.url = url;
		pc.etag = NULL;
	}
	ret = 0;
out:
	if (ret != 0) {
		json_decref(*items);
		*items = NULL;
	}
	free(url);
	ghapi_reply_free(&r);
	return ret;
}

/* --- Input rules -------------------------------------------------------- */

int
ghapi_token_check(const char *tok, const char *what, struct dkerr *err)
{
	size_t	 i;

	if (tok == NULL || tok[0] == '\0')
		return dkerr_set(err, DKERR_INPUT, "%s: the token is empty",
		    what);
	for (i = 0; tok[i]; i++)
		if ((unsigned char)tok[i] <= 0x20 ||
		    (unsigned char)tok[i] >= 0x7f)
			return dkerr_set(err, DKERR_INPUT, "%s: the token holds "
			    "a space, control or non-ASCII character", what);
	if (i > GHAPI_TOKEN_MAX)
		return dkerr_set(err, DKERR_INPUT, "%s: the token is longer "
		    "than %d bytes", what, GHAPI_TOKEN_MAX);
	return 0;
}

/* Read a token file into out: 0, or -1 with err set (never its contents). */
static int
ghapi_token_file(const char *path, struct buf *out, struct dkerr *err)
{
	size_t	 start = 0;

	/* Room for white space around a token of the largest size. */
	if (secretfile_read(path, "token file", SECRETFILE_NOFOLLOW,
	    GHAPI_TOKEN_MAX + 256, out, err) == -1)
		return -1;
	while (out->len > 0 && isspace((unsigned char)out->data[out->len - 1]))
		out->data[--out->len] = '\0';
	while (start < out->len && isspace((unsigned char)out->data[start]))
		start++;
	if (start > 0) {
		memmove(out->data, out->data + start, out->len - start + 1);
		out->len -= start;
	}
	if (memchr(buf_str(out), '\0', out->len) != NULL) {
		dkerr_set(err, DKERR_INPUT, "token file %s: holds a NUL byte",
		    path);
		buf_wipe(out);
		return -1;
	}
	return 0;
}

int
ghapi_token_load(const char *path, struct buf *out, const char **source,
    struct dkerr *err)
{
	static const char *const vars[] = { "GH_TOKEN", "GITHUB_TOKEN" };
	const char	*v;
	size_t		 i;

	buf_wipe(out);
	if (path) {
		*source = "token file";
		if (ghapi_token_file(path, out, err) == -1)
			return -1;
		if (ghapi_token_check(buf_str(out), path, err) == -1) {
			buf_wipe(out);
			return dkerr_prefix(err, "token file");
		}
		return 0;
	}
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if ((v = getenv(vars[i])) == NULL || v[0] == '\0')
			continue;
		*source = vars[i];
		if (ghapi_token_check(v, vars[i], err) == -1)
			return -1;
		out->max = GHAPI_TOKEN_MAX + 1;
		if (buf_addstr(out, v) == -1)
			return dkerr_set(err, DKERR_INPUT, "%s: too long",
			    vars[i]);
		return 0;
	}
	return dkerr_set(err, DKERR_INPUT, "no GitHub token: set GH_TOKEN or "
	    "GITHUB_TOKEN, or give a token file");
}

int
ghapi_base_load(struct buf *out, struct dkerr *err)
{
	const char	*v = getenv("GITHUB_API_URL");

	return ghapi_base_check(v && v[0] ? v : GHAPI_DEFAULT_BASE, out, err);
}

int
ghapi_base_check(const char *s, struct buf *out, struct dkerr *err)
{
	struct http_url	 u;
	size_t		 n;

	buf_reset(out);
	if (http_url_parse(s, &u, err) == -1)
		return dkerr_prefix(err, "GITHUB_API_URL");
	if (u.query || strchr(s, '#') != NULL) {
		http_url_free(&u);
		return dkerr_set(err, DKERR_INPUT, "GITHUB_API_URL %s: want a "
		    "base URL without query or fragment", s);
	}
	http_url_free(&u);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	if (buf_add(out, s, n) == -1)
		return dkerr_set(err, DKERR_INPUT, "GITHUB_API_URL: too long");
	return 0;
}

int
ghapi_repo_parse(const char *s, struct ghapi_repo *r, struct dkerr *err)
{
	const char	*slash, *p;
	size_t		 on, rn;

	memset(r, 0, sizeof(*r));
	if (s == NULL || (slash = strchr(s, '/')) == NULL ||
	    strchr(slash + 1, '/') != NULL)
		return dkerr_set(err, DKERR_INPUT, "%s: want OWNER/REPO",
		    s ? s : "(none)");
	on = (size_t)(slash - s);
	rn = strlen(slash + 1);
	if (on == 0 || on >= sizeof(r->owner) || s[0] == '-' || s[0] == '_')
		return dkerr_set(err, DKERR_INPUT, "%s: the owner must be 1 to "
		    "39 letters, digits or '-', not starting with '-'", s);
	for (p = s; p < slash; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return dkerr_set(err, DKERR_INPUT, "%s: the owner must "
			    "be letters, digits or '-'", s);
	if (rn == 0 || rn >= sizeof(r->name))
		return dkerr_set(err, DKERR_INPUT, "%s: the repository name "
		    "must be 1 to 100 characters", s);
	for (p = slash + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			return dkerr_set(err, DKERR_INPUT, "%s: the repository "
			    "name must be letters, digits, '.', '-' or '_'", s);
	if (strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0)
		return dkerr_set(err, DKERR_INPUT, "%s: not a repository name",
		    s);
	if (rn > 4 && strcasecmp(slash + 1 + rn - 4, ".git") == 0)
		return dkerr_set(err, DKERR_INPUT, "%s: drop the .git suffix",
		    s);
	memcpy(r->owner, s, on);
	memcpy(r->name, slash + 1, rn + 1);
	memcpy(r->full, s, on + 1 + rn + 1);
	return 0;
}

static int
ghapi_ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
ghapi_workflow_parse(const char *s, char *out, size_t outsz,
    struct dkerr *err)
{
	const char	*p, *name = s;
	size_t		 n;

	if (s == NULL || s[0] == '\0')
		return dkerr_set(err, DKERR_INPUT, "workflow: want a file name "
		    "(deploy.yaml) or a workflow ID");
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (*p == '\0') {
		if (s[0] == '0' || strlen(s) > 19)
			return dkerr_set(err, DKERR_INPUT, "workflow %s: not a "
			    "workflow ID", s);
	} else {
		if (strncmp(name, "./", 2) == 0)
			name += 2;
		if (strncmp(name, ".github/workflows/", 18) == 0)
			name += 18;
		if (strchr(name, '/') != NULL)
			return dkerr_set(err, DKERR_INPUT, "workflow %s: give "
			    "the file name in .github/workflows (deploy.yaml) "
			    "or the workflow ID", s);
		for (p = name; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return dkerr_set(err, DKERR_INPUT, "workflow: "
				    "the name holds a control character");
		if ((!ghapi_ends_with(name, ".yml") &&
		    !ghapi_ends_with(name, ".yaml")) || name[0] == '.')
			return dkerr_set(err, DKERR_INPUT, "workflow %s: a "
			    "workflow file name ends in .yml or .yaml", s);
	}
	if ((n = strlen(name)) >= outsz || n > 255)
		return dkerr_set(err, DKERR_INPUT, "workflow: too long");
	memcpy(out, name, n + 1);
	return 0;
}

int
ghapi_ref_check(const char *s, struct dkerr *err)
{
	const char	*p, *comp;
	size_t		 n;

	if (s == NULL || (n = strlen(s)) == 0)
		return dkerr_set(err, DKERR_INPUT, "ref: empty");
	if (n > 255)
		return dkerr_set(err, DKERR_INPUT, "ref: longer than 255 "
		    "characters");
	for (p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f ||
		    strchr("~^:?*[\\", *p) != NULL)
			return dkerr_set(err, DKERR_INPUT, "ref %s: a ref "
			    "cannot hold spaces, control characters or "
			    "~^:?*[\\", s);
	if (s[0] == '/' || s[0] == '-' || s[n - 1] == '/' || s[n - 1] == '.' ||
	    strstr(s, "..") || strstr(s, "//") || strstr(s, "@{") ||
	    strcmp(s, "@") == 0)
		return dkerr_set(err, DKERR_INPUT, "ref %s: not a valid "
		    "branch or tag name", s);
	for (comp = s; comp; comp = (p = strchr(comp, '/')) ? p + 1 : NULL) {
		size_t len = strcspn(comp, "/");

		if (comp[0] == '.' || (len >= 5 &&
		    strncmp(comp + len - 5, ".lock", 5) == 0))
			return dkerr_set(err, DKERR_INPUT, "ref %s: not a "
			    "valid branch or tag name", s);
	}
	return 0;
}

int
ghapi_input_name_check(const char *s, struct dkerr *err)
{
	const char	*p;

	if (s == NULL || s[0] == '\0')
		return dkerr_set(err, DKERR_INPUT, "an input name is empty");
	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return dkerr_set(err, DKERR_INPUT, "input %s: a name starts "
		    "with a letter or '_'", s);
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return dkerr_set(err, DKERR_INPUT, "input %.100s: a name "
			    "holds only letters, digits, '-' and '_'", s);
	if (p - s > 100)
		return dkerr_set(err, DKERR_INPUT, "input %.40s...: a name is "
		    "at most 100 characters", s);
	return 0;
}

int
ghapi_inputs_add(json_t *inputs, const char *key, json_t *value,
    struct dkerr *err)
{
	const char	*k;
	json_t		*v, *s = NULL;
	char		*text;

	if (ghapi_input_name_check(key, err) == -1)
		return -1;
	/* Workflow input names are case-insensitive in expressions. */
	json_object_foreach(inputs, k, v)
		if (strcasecmp(k, key) == 0)
			return dkerr_set(err, DKERR_INPUT, "input %s: given "
			    "twice", key);
	switch (json_typeof(value)) {
	case JSON_STRING:
		s = json_stringn(json_string_value(value),
		    json_string_length(value));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		text = json_dumps(value, JSON_ENCODE_ANY |
		    JSON_REAL_PRECISION(15));
		s = text ? json_string(text) : NULL;
		free(text);
		break;
	case JSON_TRUE:
		s = json_string("true");
		break;
	case JSON_FALSE:
		s = json_string("false");
		break;
	default:
		return dkerr_set(err, DKERR_INPUT, "input %s: want a string, "
		    "number or boolean", key);
	}
	if (s == NULL)
		return dkerr_set(err, DKERR_INPUT, "input %s: the value is not "
		    "UTF-8 text", key);
	if (json_object_set_new(inputs, key, s) == -1)
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	return 0;
}

int
ghapi_inputs_add_kv(json_t *inputs, const char *kv, struct dkerr *err)
{
	const char	*eq = strchr(kv, '=');
	char		 key[128];
	json_t		*v;
	size_t		 n;
	int		 rc;

	if (eq == NULL || eq == kv)
		return dkerr_set(err, DKERR_INPUT, "-f %.100s: want KEY=VALUE",
		    kv);
	if ((n = (size_t)(eq - kv)) >= sizeof(key))
		return dkerr_set(err, DKERR_INPUT, "-f %.40s...: the input name "
		    "is too long", kv);
	memcpy(key, kv, n);
	key[n] = '\0';
	if ((v = json_string(eq + 1)) == NULL) {
		if (ghapi_input_name_check(key, err) == -1)
			return -1;
		return dkerr_set(err, DKERR_INPUT, "input %s: the value is not "
		    "UTF-8 text", key);
	}
	rc = ghapi_inputs_add(inputs, key, v, err);
	json_decref(v);
	return rc;
}

int
ghapi_inputs_check(const json_t *inputs, struct dkerr *err)
{
	char		*text;
	size_t		 chars = 0, i;

	if (json_object_size(inputs) > GHAPI_MAX_INPUTS)
		return dkerr_set(err, DKERR_INPUT, "%zu inputs: GitHub takes at "
		    "most %d", json_object_size(inputs), GHAPI_MAX_INPUTS);
	if ((text = json_dumps(inputs, JSON_COMPACT)) == NULL)
		return dkerr_set(err, DKERR_INPUT, "the inputs cannot be "
		    "encoded as JSON");
	/* Characters, not bytes: UTF-8 continuation bytes do not count. */
	for (i = 0; text[i]; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			chars++;
	OPENSSL_cleanse(text, i);
	free(text);
	if (chars > GHAPI_MAX_INPUT_CHARS)
		return dkerr_set(err, DKERR_INPUT, "the inputs are %zu "
		    "characters of JSON: GitHub takes at most %d", chars,
		    GHAPI_MAX_INPUT_CHARS);
	return 0;
}

int
ghapi_run_url_parse(const char *url, struct ghapi_repo *r,
    unsigned long long *id, struct dkerr *err)
{
	const char	*runs, *repo, *owner, *p;
	char		 full[160];
	unsigned long long v = 0;
	size_t		 n;

	if (url == NULL || (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) ||
	    (runs = strstr(url, "/actions/runs/")) == NULL)
		return dkerr_set(err, DKERR_INPUT, "%.200s: not the URL of a "
		    "workflow run (.../OWNER/REPO/actions/runs/ID)",
		    url ? url : "(none)");
	for (repo = runs; repo > url && repo[-1] != '/'; repo--)
		;
	if (repo <= url + 1 || repo == runs)
		goto bad;
	for (owner = repo - 1; owner > url && owner[-1] != '/'; owner--)
		;
	if ((n = (size_t)(runs - owner)) >= sizeof(full))
		goto bad;
	memcpy(full, owner, n);
	full[n] = '\0';
	if (ghapi_repo_parse(full, r, err) == -1)
		return dkerr_prefix(err, "%.200s", url);
	p = runs + strlen("/actions/runs/");
	if (!isdigit((unsigned char)*p) || *p == '0')
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (~0ULL - 9) / 10)
			goto bad;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
		goto bad;
	*id = v;
	return 0;
bad:
	return dkerr_set(err, DKERR_INPUT, "%.200s: not the URL of a workflow "
	    "run (.../OWNER/REPO/actions/runs/ID)", url);
}

/* --- Runs and jobs ------------------------------------------------------ */

enum ghapi_status
ghapi_status_parse(const char *s)
{
	static const struct {
		const char		*name;
		enum ghapi_status	 st;
	} map[] = {
		{ "requested", GHAPI_REQUESTED }, { "queued", GHAPI_QUEUED },
		{ "pending", GHAPI_PENDING }, { "waiting", GHAPI_WAITING },
		{ "in_progress", GHAPI_IN_PROGRESS },
		{ "completed", GHAPI_COMPLETED },
	};
	size_t	 i;

	for (i = 0; s && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i].name) == 0)
			return map[i].st;
	return GHAPI_UNKNOWN;
}

int
ghapi_conclusion_failed(const char *c)
{
	if (c == NULL)
		return 0;
	return strcmp(c, "success") != 0 && strcmp(c, "neutral") != 0 &&
	    strcmp(c, "skipped") != 0;
}

/* A string member, or NULL when absent, null or not a string. */
static const char *
ghapi_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
ghapi_run_parse(json_t *o, struct ghapi_run *run, struct dkerr *err)
{
	json_t	*id = json_object_get(o, "id");

	memset(run, 0, sizeof(*run));
	if (!json_is_object(o) || !json_is_integer(id) ||
	    json_integer_value(id) <= 0)
		return dkerr_set(err, DKERR_NETWORK, "malformed workflow run "
		    "from GitHub (no id)");
	run->raw = json_incref(o);
	run->id = json_integer_value(id);
	run->status_text = ghapi_str(o, "status");
	run->status = ghapi_status_parse(run->status_text);
	run->conclusion = ghapi_str(o, "conclusion");
	run->name = ghapi_str(o, "name");
	run->display_title = ghapi_str(o, "display_title");
	run->event = ghapi_str(o, "event");
	run->head_branch = ghapi_str(o, "head_branch");
	run->html_url = ghapi_str(o, "html_url");
	run->url = ghapi_str(o, "url");
	run->created_at = ghapi_str(o, "created_at");
	run->run_started_at = ghapi_str(o, "run_started_at");
	run->updated_at = ghapi_str(o, "updated_at");
	return 0;
}

void
ghapi_run_free(struct ghapi_run *run)
{
	json_decref(run->raw);
	memset(run, 0, sizeof(*run));
}

int
ghapi_jobs_parse(json_t *arr, struct ghapi_jobs *js, struct dkerr *err)
{
	json_t			*o, *steps, *so;
	struct ghapi_job	*j;
	struct ghapi_step	*s;
	size_t			 i, k;

	memset(js, 0, sizeof(*js));
	if (!json_is_array(arr))
		return dkerr_set(err, DKERR_NETWORK, "malformed jobs from "
		    "GitHub (not an array)");
	js->raw = json_incref(arr);
	if (json_array_size(arr) > 0 &&
	    (js->jobs = calloc(json_array_size(arr), sizeof(*js->jobs))) ==
	    NULL) {
		ghapi_jobs_free(js);
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	}
	json_array_foreach(arr, i, o) {
		j = &js->jobs[js->njobs];
		if (!json_is_integer(json_object_get(o, "id")) ||
		    ghapi_str(o, "name") == NULL) {
			ghapi_jobs_free(js);
			return dkerr_set(err, DKERR_NETWORK, "malformed job "
			    "from GitHub (no id or name)");
		}
		js->njobs++;
		j->id = json_integer_value(json_object_get(o, "id"));
		j->name = ghapi_str(o, "name");
		j->status_text = ghapi_str(o, "status");
		j->status = ghapi_status_parse(j->status_text);
		j->conclusion = ghapi_str(o, "conclusion");
		j->html_url = ghapi_str(o, "html_url");
		j->started_at = ghapi_str(o, "started_at");
		j->completed_at = ghapi_str(o, "completed_at");
		steps = json_object_get(o, "steps");
		if (json_array_size(steps) == 0)
			continue;
		if ((j->steps = calloc(json_array_size(steps),
		    sizeof(*j->steps))) == NULL) {
			ghapi_jobs_free(js);
			return dkerr_set(err, DKERR_NETWORK, "out of memory");
		}
		json_array_foreach(steps, k, so) {
			if (!json_is_object(so))
				continue;
			s = &j->steps[j->nsteps++];
			s->number = json_integer_value(json_object_get(so,
			    "number"));
			s->name = ghapi_str(so, "name");
			if (s->name == NULL)
				s->name = "";
			s->status = ghapi_status_parse(ghapi_str(so, "status"));
			s->conclusion = ghapi_str(so, "conclusion");
			s->started_at = ghapi_str(so, "started_at");
			s->completed_at = ghapi_str(so, "completed_at");
		}
	}
	return 0;
}

void
ghapi_jobs_free(struct ghapi_jobs *js)
{
	size_t	 i;

	for (i = 0; i < js->njobs; i++)
		free(js->jobs[i].steps);
	free(js->jobs);
	json_decref(js->raw);
	memset(js, 0, sizeof(*js));
}

const struct ghapi_step *
ghapi_job_failed_step(const struct ghapi_job *j)
{
	size_t	 i;

	for (i = 0; i < j->nsteps; i++)
		if (ghapi_conclusion_failed(j->steps[i].conclusion))
			return &j->steps[i];
	return NULL;
}
