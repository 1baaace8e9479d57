#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "http.h"

#define HTTP_CONNECT_TIMEOUT_MS	10000L
#define HTTP_STALL_SECONDS	60L
#define HTTP_HEADERS_MAX	200	/* response headers kept */
#define HTTP_HEADER_LINE_MAX	16384

struct http_client {
	CURL			*curl;
	struct http_options	 opt;
	char			 ua[96];
	char			*ca_bundle;	/* owned copy */
};

/* State of one exchange, seen by the curl callbacks. */
struct http_xfer {
	struct http_client	*client;
	struct http_response	*resp;
	const struct http_request *req;
	int			 too_large;	/* body passed the cap */
	int			 sink_failed;	/* writing to the sink failed */
	int			 sink_errno;
	int			 too_many_headers;
	off_t			 file_start;
	size_t			 file_left;
};

static int curl_ready;

static int http_url_parse_with(const char *, const char *const *,
    struct http_url *, struct dkerr *);

struct http_client *
http_client_new(const struct http_options *opt, struct dkerr *err)
{
	struct http_client	*c;
	struct stat		 st;
	int			 n;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		dkerr_errno(err, DKERR_NETWORK, "http client");
		return NULL;
	}
	c->opt = *opt;
	n = snprintf(c->ua, sizeof(c->ua), "deploykit/%s %s", DK_VERSION,
	    opt->tool ? opt->tool : "lib");
	if (n < 0 || (size_t)n >= sizeof(c->ua))
		c->ua[sizeof(c->ua) - 1] = '\0';
	/* A missing bundle is a configuration error, not a network one. */
	if (opt->ca_bundle && stat(opt->ca_bundle, &st) == -1) {
		dkerr_errno(err, DKERR_INPUT, "CA bundle %s", opt->ca_bundle);
		http_client_free(c);
		return NULL;
	}
	if (opt->ca_bundle && !S_ISREG(st.st_mode)) {
		dkerr_set(err, DKERR_INPUT, "CA bundle %s: not a regular file",
		    opt->ca_bundle);
		http_client_free(c);
		return NULL;
	}
	if (opt->ca_bundle && (c->ca_bundle = strdup(opt->ca_bundle)) == NULL) {
		dkerr_set(err, DKERR_NETWORK, "http client: out of memory");
		http_client_free(c);
		return NULL;
	}
	c->opt.ca_bundle = c->ca_bundle;
	return c;
}

/*
 * Start libcurl and the handle on the first request, not before: a tool
 * that answers from a cache never pays for TLS set-up (megabytes of RSS).
 */
static int
http_client_start(struct http_client *c, struct dkerr *err)
{
	if (c->curl)
		return 0;
	/* libcurl's global init is not thread-safe and must run once before
	 * any handle; tools are single-threaded. */
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return dkerr_set(err, DKERR_NETWORK,
			    "libcurl failed to start");
		curl_ready = 1;
	}
	if ((c->curl = curl_easy_init()) == NULL)
		return dkerr_set(err, DKERR_NETWORK, "http client: out of memory");
	return 0;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->ca_bundle);
	free(c);
}

int
http_header_is_secret(const char *name)
{
	static const char *const exact[] = {
		"authorization", "proxy-authorization", "cookie", "set-cookie",
	};
	static const char *const parts[] = {
		"token", "secret", "password", "passwd", "credential", "api-key",
		"apikey", "session",
	};
	char	 low[128];
	size_t	 i;

	for (i = 0; name[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(low, exact[i]) == 0)
			return 1;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strstr(low, parts[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Redact the values of secret-looking query parameters in a request line
 * or URL (presigned URLs carry X-Amz-Signature, -Credential and
 * -Security-Token).  Writes into out, always NUL-terminated.
 */
static void
http_redact_query(const char *in, char *out, size_t outsz)
{
	const char	*q, *p;
	size_t		 o = 0;

	q = strchr(in, '?');
	for (p = in; *p && o + 1 < outsz; ) {
		if (q && p > q && (p[-1] == '?' || p[-1] == '&')) {
			char		 name[128];
			const char	*eq = strchr(p, '='), *end;
			size_t		 nl;

			end = p + strcspn(p, "& ");
			if (eq && eq < end && (nl = (size_t)(eq - p)) < sizeof(name)) {
				memcpy(name, p, nl);
				name[nl] = '\0';
				if (http_header_is_secret(name) ||
				    strcasecmp(name, "X-Amz-Signature") == 0) {
					int n = snprintf(out + o, outsz - o,
					    "%s=[redacted]", name);
					if (n < 0 || (size_t)n >= outsz - o)
						break;
					o += (size_t)n;
					p = end;
					continue;
				}
			}
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

/* Trace one header line, with its value redacted if secret. */
static void
http_trace_line(const struct http_client *c, char dir, const char *line,
    size_t len)
{
	char		 text[2048], shown[2048], name[128];
	const char	*colon;
	size_t		 nl;
	int		 n;

	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	memcpy(text, line, len);
	text[len] = '\0';
	colon = strchr(text, ':');
	if (colon && (nl = (size_t)(colon - text)) < sizeof(name) &&
	    strchr(text, ' ') > colon) {
		memcpy(name, text, nl);
		name[nl] = '\0';
		if (http_header_is_secret(name)) {
			n = snprintf(shown, sizeof(shown), "%c %s: [redacted]",
			    dir, name);
			goto out;
		}
	}
	http_redact_query(text, shown + 2, sizeof(shown) - 2);
	shown[0] = dir;
	shown[1] = ' ';
	n = 0;
out:
	if (n >= 0)
		c->opt.trace(c->opt.trace_arg, shown);
}

static int
http_debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct http_client	*c = arg;
	size_t			 i, start;
	char			 dir, note[64];

	(void)h;
	switch (type) {
	case CURLINFO_TEXT:
		dir = '*';
		break;
	case CURLINFO_HEADER_IN:
		dir = '<';
		break;
	case CURLINFO_HEADER_OUT:
		dir = '>';
		break;
	case CURLINFO_DATA_OUT:
	case CURLINFO_DATA_IN:
		/* Bodies can hold secrets (STS keys, ECR tokens): sizes only. */
		snprintf(note, sizeof(note), "%c [%zu bytes of data]",
		    type == CURLINFO_DATA_OUT ? '>' : '<', size);
		c->opt.trace(c->opt.trace_arg, note);
		return 0;
	default:
		return 0;
	}
	for (start = 0, i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			size_t len = i - start;
			if (len && data[start + len - 1] == '\r')
				len--;
			if (len)
				http_trace_line(c, dir, data + start, len);
			start = i + 1;
		}
	}
	return 0;
}

static size_t
http_header_cb(char *data, size_t size, size_t nitems, void *arg)
{
	struct http_xfer	*x = arg;
	struct http_response	*r = x->resp;
	struct http_header	*h, *nv;
	size_t			 len = size * nitems, nlen, vstart, vend;
	const char		*colon;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue, or a proxy's CONNECT):
		 * keep only the last one's headers. */
		while (r->nheaders > 0) {
			h = &r->headers[--r->nheaders];
			free(h->name);
			free(h->value);
		}
		return len;
	}
	if (len > HTTP_HEADER_LINE_MAX)
		return len;	/* no AWS or GitHub header is this long: skip */
	colon = memchr(data, ':', len);
	if (colon == NULL)
		return len;
	if (r->nheaders >= HTTP_HEADERS_MAX) {
		x->too_many_headers = 1;
		return len;
	}
	nlen = (size_t)(colon - data);
	vstart = nlen + 1;
	vend = len;
	while (vstart < vend && (data[vstart] == ' ' || data[vstart] == '\t'))
		vstart++;
	while (vend > vstart && isspace((unsigned char)data[vend - 1]))
		vend--;
	nv = realloc(r->headers, (r->nheaders + 1) * sizeof(*nv));
	if (nv == NULL)
		return 0;
	r->headers = nv;
	h = &r->headers[r->nheaders];
	h->name = strndup(data, nlen);
	h->value = strndup(data + vstart, vend - vstart);
	if (h->name == NULL || h->value == NULL) {
		free(h->name);
		free(h->value);
		return 0;
	}
	r->nheaders++;
	return len;
}

static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_xfer	*x = arg;
	struct http_response	*r = x->resp;
	size_t			 len = size * nmemb;
	long			 status = 0;

	curl_easy_getinfo(x->client->curl, CURLINFO_RESPONSE_CODE, &status);
	if (r->sink && (status < 400 || r->sink_errors)) {
		if (fwrite(data, 1, len, r->sink) != len) {
			x->sink_failed = 1;
			x->sink_errno = errno;
			return 0;
		}
		return len;
	}
	if (buf_add(&r->body, data, len) == -1) {
		x->too_large = 1;
		return 0;
	}
	return len;
}

/* Give the exchange up once the caller's stop flag is raised. */
static int
http_progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const struct http_xfer	*x = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return *x->req->stop != 0;
}

static size_t
http_read_cb(char *dst, size_t size, size_t nitems, void *arg)
{
	struct http_xfer	*x = arg;
	size_t			 want = size * nitems, got;

	if (want > x->file_left)
		want = x->file_left;
	if (want == 0)
		return 0;
	got = fread(dst, 1, want, x->req->body_file);
	if (got == 0 && ferror(x->req->body_file))
		return CURL_READFUNC_ABORT;
	x->file_left -= got;
	return got;
}

/* Build the header list: the request's own, then curl's defaults switched
 * off where they would change what was signed. */
static struct curl_slist *
http_header_list(const struct http_request *req)
{
	struct curl_slist	*list = NULL, *nl;
	struct buf		 line = BUF_INIT(HTTP_HEADER_LINE_MAX * 4);
	size_t			 i;
	int			 have_expect = 0;

	for (i = 0; i < req->nheaders; i++) {
		const struct http_header *h = &req->headers[i];

		buf_reset(&line);
		/* "Name;" is how libcurl sends a header with an empty value. */
		if ((h->value[0] ? buf_addf(&line, "%s: %s", h->name, h->value) :
		    buf_addf(&line, "%s;", h->name)) == -1)
			goto fail;
		if (strcasecmp(h->name, "Expect") == 0)
			have_expect = 1;
		if ((nl = curl_slist_append(list, buf_str(&line))) == NULL)
			goto fail;
		list = nl;
	}
	if (!have_expect) {
		if ((nl = curl_slist_append(list, "Expect:")) == NULL)
			goto fail;
		list = nl;
	}
	buf_wipe(&line);
	return list;
fail:
	buf_wipe(&line);
	curl_slist_free_all(list);
	return NULL;
}

int
http_send(struct http_client *c, const struct http_request *req,
    struct http_response *resp, struct dkerr *err)
{
	struct http_url		 u;
	struct http_xfer	 x;
	struct curl_slist	*hdrs = NULL;
	CURL			*h;
	CURLcode		 rc;
	char			 ebuf[CURL_ERROR_SIZE];
	curl_off_t		 reqsize = 0;
	int			 ret = -1;
	long			 tmo;

	memset(&u, 0, sizeof(u));
	if (http_url_parse_with(req->url, c->opt.plain_http_hosts, &u, err) == -1)
		return -1;
	if (http_client_start(c, err) == -1) {
		http_url_free(&u);
		return -1;
	}
	h = c->curl;
	memset(&x, 0, sizeof(x));
	x.client = c;
	x.resp = resp;
	x.req = req;
	resp->status = 0;
	resp->maybe_sent = 0;
	if (resp->body.max == 0)
		resp->body.max = c->opt.max_body ? c->opt.max_body : BUF_MAX_DEFAULT;

	if (req->nheaders && (hdrs = http_header_list(req)) == NULL) {
		dkerr_set(err, DKERR_NETWORK, "%s %s: out of memory",
		    req->method, u.hostport);
		goto out;
	}
	/* Reset keeps the connection cache: keep-alive across requests. */
	curl_easy_reset(h);
	ebuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->ua);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->opt.ca_bundle)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->opt.ca_bundle);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    c->opt.connect_timeout_ms > 0 ? c->opt.connect_timeout_ms :
	    HTTP_CONNECT_TIMEOUT_MS);
	tmo = c->opt.timeout_ms;
	if (req->timeout_ms > 0 && (tmo <= 0 || req->timeout_ms < tmo))
		tmo = req->timeout_ms;
	if (tmo > 0)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, tmo);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, HTTP_STALL_SECONDS);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	if (hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (req->once)
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	if (req->stop) {
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, http_progress_cb);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
	}
	if (c->opt.trace) {
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, http_debug_cb);
		curl_easy_setopt(h, CURLOPT_DEBUGDATA, c);
	}

	if (strcmp(req->method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (req->body_file) {
		if ((x.file_start = ftello(req->body_file)) == -1 &&
		    req->body_len > 0) {
			dkerr_errno(err, DKERR_INPUT, "request body");
			goto out;
		}
		x.file_left = req->body_len;
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, http_read_cb);
		curl_easy_setopt(h, CURLOPT_READDATA, &x);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
	} else if (req->body || strcmp(req->method, "POST") == 0 ||
	    strcmp(req->method, "PUT") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "POST") != 0 &&
	    strcmp(req->method, "HEAD") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	if (req->body_file && x.file_start != -1)
		fseeko(req->body_file, x.file_start, SEEK_SET);
	if (rc != CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &reqsize);
		resp->maybe_sent = rc != CURLE_COULDNT_CONNECT &&
		    rc != CURLE_COULDNT_RESOLVE_HOST &&
		    rc != CURLE_COULDNT_RESOLVE_PROXY && reqsize > 0;
		if (x.too_large)
			dkerr_set(err, DKERR_NETWORK,
			    "%s %s: the answer is larger than %zu bytes",
			    req->method, u.hostport, resp->body.max);
		else if (x.sink_failed)
			dkerr_set(err, DKERR_NETWORK, "writing the answer: %s",
			    strerror(x.sink_errno ? x.sink_errno : EIO));
		else
			dkerr_set(err, DKERR_NETWORK, "%s %s: %s", req->method,
			    u.hostport, ebuf[0] ? ebuf : curl_easy_strerror(rc));
		resp->status = 0;
		goto out;
	}
	ret = 0;
out:
	curl_slist_free_all(hdrs);
	http_url_free(&u);
	return ret;
}

void
http_response_free(struct http_response *r)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		/* Header values can be tokens (Set-Cookie, GitHub's own). */
		if (r->headers[i].value)
			explicit_bzero(r->headers[i].value,
			    strlen(r->headers[i].value));
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->nheaders = 0;
	buf_wipe(&r->body);
	r->status = 0;
}

const char *
http_response_header(const struct http_response *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

/* Whether a host (as curl gives it, IPv6 in brackets) is loopback. */
static int
http_host_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 v6[64];
	size_t		 n;

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	n = strlen(host);
	if (n > 2 && n < sizeof(v6) + 2 && host[0] == '[' && host[n - 1] == ']') {
		memcpy(v6, host + 1, n - 2);
		v6[n - 2] = '\0';
		if (inet_pton(AF_INET6, v6, &a6) == 1) {
			if (IN6_IS_ADDR_LOOPBACK(&a6))
				return 1;
			if (IN6_IS_ADDR_V4MAPPED(&a6))
				return a6.s6_addr[12] == 127;
		}
	}
	return 0;
}

static char *
http_url_part(CURLU *h, CURLUPart part)
{
	char	*v = NULL, *copy;

	if (curl_url_get(h, part, &v, 0) != CURLUE_OK || v == NULL)
		return NULL;
	copy = strdup(v);
	curl_free(v);
	return copy;
}

int
http_url_parse(const char *url, struct http_url *u, struct dkerr *err)
{
	return http_url_parse_with(url, NULL, u, err);
}

/* Whether a host is one of the extra plain-http hosts of a client. */
static int
http_host_listed(const char *host, const char *const *list)
{
	for (; list && *list; list++)
		if (strcasecmp(host, *list) == 0)
			return 1;
	return 0;
}

static int
http_url_parse_with(const char *url, const char *const *plain_ok,
    struct http_url *u, struct dkerr *err)
{
	CURLU		*h;
	CURLUcode	 uc;
	char		*user = NULL;
	struct buf	 hp = BUF_INIT(1024);
	int		 ret = -1;

	memset(u, 0, sizeof(*u));
	if ((h = curl_url()) == NULL)
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	uc = curl_url_set(h, CURLUPART_URL, url, CURLU_PATH_AS_IS);
	if (uc != CURLUE_OK) {
		dkerr_set(err, DKERR_INPUT, "%.200s: not a valid URL: %s", url,
		    curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		curl_free(user);
		/* Do not echo the URL: its user part may be a secret. */
		dkerr_set(err, DKERR_INPUT,
		    "credentials in a URL are refused: they would show in argv "
		    "and logs");
		goto out;
	}
	u->scheme = http_url_part(h, CURLUPART_SCHEME);
	u->host = http_url_part(h, CURLUPART_HOST);
	u->port = http_url_part(h, CURLUPART_PORT);
	u->path = http_url_part(h, CURLUPART_PATH);
	u->query = http_url_part(h, CURLUPART_QUERY);
	if (u->scheme == NULL || u->host == NULL || u->path == NULL) {
		dkerr_set(err, DKERR_INPUT, "%.200s: not a valid URL", url);
		goto out;
	}
	u->loopback = http_host_loopback(u->host);
	if (strcmp(u->scheme, "https") != 0 &&
	    !(strcmp(u->scheme, "http") == 0 &&
	    (u->loopback || http_host_listed(u->host, plain_ok)))) {
		if (strcmp(u->scheme, "http") == 0)
			dkerr_set(err, DKERR_INPUT,
			    "%.200s: plain http is refused for a host that is "
			    "not loopback: use https", url);
		else
			dkerr_set(err, DKERR_INPUT,
			    "%.200s: unsupported scheme %s: use https", url,
			    u->scheme);
		goto out;
	}
	if (u->path[0] == '\0') {
		free(u->path);
		if ((u->path = strdup("/")) == NULL)
			goto oom;
	}
	if ((u->port ? buf_addf(&hp, "%s:%s", u->host, u->port) :
	    buf_addstr(&hp, u->host)) == -1 ||
	    (u->hostport = buf_take(&hp)) == NULL)
		goto oom;
	ret = 0;
	goto out;
oom:
	dkerr_set(err, DKERR_NETWORK, "out of memory");
out:
	buf_free(&hp);
	curl_url_cleanup(h);
	if (ret == -1)
		http_url_free(u);
	return ret;
}

void
http_url_free(struct http_url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->port);
	free(u->hostport);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof(*u));
}
