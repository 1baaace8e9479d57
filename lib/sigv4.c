/*
 * sigv4: AWS Signature Version 4, as pure functions (see sigv4.h).
 *
 * References: AWS's "Create a signed AWS API request" and its official test
 * suite (aws-c-auth tests/aws-signing-test-suite/v4, and the older
 * aws4_testsuite), which tests/unit/test_sigv4.c runs in full.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "buf.h"
#include "dkerr.h"
#include "sigv4.h"

/*
 * Caps.  Real servers refuse URLs past 8-16 KiB and header blocks past
 * 8-64 KiB, so these only stop a runaway caller from making us allocate
 * without bound.
 */
#define CAP_OUT		((size_t)1 << 20)	/* each result buffer */
#define CAP_URI		((size_t)64 << 10)	/* path, query */
#define CAP_HEADERS	256
#define CAP_NAME	256			/* header name */
#define CAP_KEY		128			/* access key id */
#define CAP_SECRET	256
#define CAP_TOKEN	(16 << 10)
#define CAP_SCOPE_PART	64			/* region, service */

#define ALL_FLAGS (SIGV4_S3 | SIGV4_NO_NORMALIZE | SIGV4_CONTENT_SHA256 | \
	SIGV4_OMIT_TOKEN)

static const char hexdig[] = "0123456789ABCDEF";
static const char hexlow[] = "0123456789abcdef";

/* Plain ASCII tests: <ctype.h> depends on the locale, the wire does not. */
static int
is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

static int
is_unreserved(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 9110 token characters: what a method or header name may hold. */
static int
is_tchar(unsigned char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static int
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static unsigned char
to_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static void
hex_lower(const unsigned char *p, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexlow[p[i] >> 4];
		out[2 * i + 1] = hexlow[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/*
 * A failed append: the cap means the request is too big to sign (the
 * caller's input), anything else is this machine running short.
 */
static int
buf_fail(struct dkerr *err, const char *what)
{
	if (errno == EOVERFLOW)
		return dkerr_set(err, DKERR_INPUT, "%s: too long to sign", what);
	return dkerr_errno(err, DKERR_NETWORK, "%s", what);
}

/* Append c as "%XX" (upper-case hex, as SigV4 wants). */
static int
add_pct(struct buf *b, unsigned char c)
{
	char	 t[3];

	t[0] = '%';
	t[1] = hexdig[c >> 4];
	t[2] = hexdig[c & 0xf];
	return buf_add(b, t, 3);
}

/*
 * Append n bytes URI-encoded: unreserved characters (and '/' when
 * keep_slash) as they are, every other byte as %XX.  Runs of bare bytes go
 * in one append.  Returns 0 or -1 (errno from buf).
 */
static int
add_encoded(struct buf *b, const char *s, size_t n, int keep_slash)
{
	size_t	 i, run;

	for (i = 0; i < n; ) {
		for (run = i; run < n && (is_unreserved((unsigned char)s[run]) ||
		    (keep_slash && s[run] == '/')); run++)
			;
		if (run > i && buf_add(b, s + i, run - i) == -1)
			return -1;
		if (run == n)
			break;
		if (add_pct(b, (unsigned char)s[run]) == -1)
			return -1;
		i = run + 1;
	}
	return 0;
}

/*
 * Path
 */

/*
 * Check that a path can be what goes on the wire: "/" first, percent
 * escapes complete, no control bytes, and no '?' or '#' (which would end
 * the path there).  Raw spaces and 8-bit bytes are let through because the
 * official suite signs them (they are encoded in the canonical form).
 */
static int
check_path(const char *path, struct dkerr *err)
{
	const unsigned char	*p;
	size_t			 n;

	if (path == NULL || path[0] != '/')
		return dkerr_set(err, DKERR_INPUT,
		    "request path must start with \"/\"");
	if ((n = strlen(path)) > CAP_URI)
		return dkerr_set(err, DKERR_INPUT,
		    "request path longer than %zu bytes", CAP_URI);
	for (p = (const unsigned char *)path; *p; p++) {
		if (is_ctl(*p))
			return dkerr_set(err, DKERR_INPUT,
			    "request path: control character 0x%02x", *p);
		if (*p == '?' || *p == '#')
			return dkerr_set(err, DKERR_INPUT,
			    "request path: '%c' belongs outside the path", *p);
		if (*p == '%' && (hexval(p[1]) < 0 || hexval(p[2]) < 0))
			return dkerr_set(err, DKERR_INPUT,
			    "request path: bad percent-escape at byte %zu",
			    (size_t)(p - (const unsigned char *)path));
	}
	return 0;
}

/*
 * Normalize then encode: drop empty and "." segments, let ".." remove the
 * segment before it (never climbing above the root), and keep a trailing
 * slash only when something is left.  This is what aws-c-auth and botocore
 * do, and differs from RFC 3986 5.2.4 in "/a/b/.." giving "/a", not "/a/".
 */
static int
add_normalized(struct buf *out, const char *path, struct dkerr *err)
{
	struct seg {
		const char	*s;
		size_t		 n;
	}		*segs;
	const char	*p, *e;
	size_t		 nslash, nsegs, i, len;
	int		 rc = -1;

	len = strlen(path);
	for (nslash = 0, p = path; *p; p++)
		nslash += *p == '/';
	if ((segs = calloc(nslash + 1, sizeof(*segs))) == NULL)
		return dkerr_errno(err, DKERR_NETWORK, "canonical path");
	nsegs = 0;
	for (p = path; p < path + len; p = e + 1) {
		if ((e = strchr(p, '/')) == NULL)
			e = path + len;
		if (e == p || (e - p == 1 && p[0] == '.'))
			continue;
		if (e - p == 2 && p[0] == '.' && p[1] == '.') {
			if (nsegs > 0)
				nsegs--;
			continue;
		}
		segs[nsegs].s = p;
		segs[nsegs++].n = (size_t)(e - p);
	}
	if (nsegs == 0) {
		if (buf_addc(out, '/') == -1)
			goto fail;
	}
	for (i = 0; i < nsegs; i++) {
		if (buf_addc(out, '/') == -1 ||
		    add_encoded(out, segs[i].s, segs[i].n, 0) == -1)
			goto fail;
	}
	if (nsegs > 0 && path[len - 1] == '/' && buf_addc(out, '/') == -1)
		goto fail;
	rc = 0;
	goto done;
fail:
	buf_fail(err, "canonical path");
done:
	free(segs);
	return rc;
}

/*
 * Append the canonical form of a wire path to out.  S3 signs the path as
 * sent; other services sign it URI-encoded once more ('%' becomes %25),
 * after normalization unless SIGV4_NO_NORMALIZE.  Returns 0, or -1 with err
 * set (DKERR_INPUT: not a wire path, or too long).
 */
int
sigv4_canonical_path(const char *path, unsigned flags, struct buf *out,
    struct dkerr *err)
{
	if (check_path(path, err) == -1)
		return -1;
	if (flags & SIGV4_S3) {
		if (buf_addstr(out, path) == -1)
			return buf_fail(err, "canonical path");
		return 0;
	}
	if (flags & SIGV4_NO_NORMALIZE) {
		if (add_encoded(out, path, strlen(path), 1) == -1)
			return buf_fail(err, "canonical path");
		return 0;
	}
	return add_normalized(out, path, err);
}

/*
 * Query
 */

struct qpair {
	const char	*k;
	const char	*v;
};

static int
qpair_cmp(const void *a, const void *b)
{
	const struct qpair	*x = a, *y = b;
	int			 c;

	/* Key, then value: comparing "k=v" whole would put "a-b=" before
	 * "a=" since '-' sorts before '='. */
	if ((c = strcmp(x->k, y->k)) != 0)
		return c;
	return strcmp(x->v, y->v);
}

/*
 * Append s[0..n) decoded then re-encoded: %XX escapes are decoded (any hex
 * case), every other byte is itself; the bytes then go out in SigV4's one
 * encoding.  '+' is a literal plus (RFC 3986), so it becomes %2B.  Works on
 * the escapes directly so that a decoded %00 never meets a C string.
 */
static int
add_reencoded(struct buf *b, const char *s, size_t n, struct dkerr *err)
{
	size_t		 i;
	unsigned char	 c;
	int		 hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			hi = n - i < 3 ? -1 : hexval((unsigned char)s[i + 1]);
			lo = hi < 0 ? -1 : hexval((unsigned char)s[i + 2]);
			if (lo < 0)
				return dkerr_set(err, DKERR_INPUT,
				    "query: incomplete percent-escape");
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (is_ctl(c) || c == '#')
			return dkerr_set(err, DKERR_INPUT,
			    "query: character 0x%02x cannot be sent", c);
		if (is_unreserved(c) ? buf_addc(b, (char)c) : add_pct(b, c))
			return buf_fail(err, "canonical query");
	}
	return 0;
}

/* The names presigning puts in the query; a request must not bring them. */
static int
is_auth_param(const char *k)
{
	static const char *const names[] = {
		"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
		"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token",
		"X-Amz-Signature"
	};
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(k, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * Append the canonical query for a wire query plus nextra parameters given
 * unencoded (the presigning ones).  Empty "&&" segments carry no parameter
 * and are dropped.  With presign, a request parameter named like one of
 * ours is an error.  Returns 0, or -1 with err set.
 */
static int
add_canonical_query(struct buf *out, const char *query,
    const struct sigv4_header *extra, size_t nextra, int presign,
    struct dkerr *err)
{
	struct buf	 arena = BUF_INIT(CAP_OUT);
	struct qpair	*pairs = NULL;
	size_t		*offs = NULL;
	const char	*p, *e, *eq;
	size_t		 len, max, n, i;
	int		 rc = -1;

	if (query == NULL)
		query = "";
	if ((len = strlen(query)) > CAP_URI)
		return dkerr_set(err, DKERR_INPUT,
		    "request query longer than %zu bytes", CAP_URI);
	for (max = 1 + nextra, p = query; *p; p++)
		max += *p == '&';
	/* Offsets first: the arena may move while it grows. */
	if ((offs = calloc(max, 2 * sizeof(*offs))) == NULL ||
	    (pairs = calloc(max, sizeof(*pairs))) == NULL) {
		dkerr_errno(err, DKERR_NETWORK, "canonical query");
		goto done;
	}
	n = 0;
	for (p = query; p < query + len; p = e + 1) {
		if ((e = strchr(p, '&')) == NULL)
			e = query + len;
		if (e == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(e - p))) == NULL)
			eq = e;
		offs[2 * n] = arena.len;
		if (add_reencoded(&arena, p, (size_t)(eq - p), err) == -1)
			goto done;
		if (buf_addc(&arena, '\0') == -1)
			goto fail;
		offs[2 * n + 1] = arena.len;
		if (eq < e && add_reencoded(&arena, eq + 1,
		    (size_t)(e - eq - 1), err) == -1)
			goto done;
		if (buf_addc(&arena, '\0') == -1)
			goto fail;
		if (presign && is_auth_param(arena.data + offs[2 * n])) {
			dkerr_set(err, DKERR_INPUT, "query: %.64s is set by "
			    "presigning", arena.data + offs[2 * n]);
			goto done;
		}
		n++;
	}
	for (i = 0; i < nextra; i++, n++) {
		offs[2 * n] = arena.len;
		if (add_encoded(&arena, extra[i].name, strlen(extra[i].name),
		    0) == -1 || buf_addc(&arena, '\0') == -1)
			goto fail;
		offs[2 * n + 1] = arena.len;
		if (add_encoded(&arena, extra[i].value, strlen(extra[i].value),
		    0) == -1 || buf_addc(&arena, '\0') == -1)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		pairs[i].k = arena.data + offs[2 * i];
		pairs[i].v = arena.data + offs[2 * i + 1];
	}
	qsort(pairs, n, sizeof(*pairs), qpair_cmp);
	for (i = 0; i < n; i++) {
		if ((i > 0 && buf_addc(out, '&') == -1) ||
		    buf_addstr(out, pairs[i].k) == -1 ||
		    buf_addc(out, '=') == -1 ||
		    buf_addstr(out, pairs[i].v) == -1)
			goto fail;
	}
	rc = 0;
	goto done;
fail:
	buf_fail(err, "canonical query");
done:
	/* Wiped: a presign token passes through here. */
	buf_wipe(&arena);
	free(pairs);
	free(offs);
	return rc;
}

/*
 * Append the canonical form of a wire query (without '?') to out: pairs
 * decoded, re-encoded and sorted by key then value; "a" alone is "a=".
 * Returns 0, or -1 with err set (DKERR_INPUT: a bad escape or character).
 */
int
sigv4_canonical_query(const char *query, struct buf *out, struct dkerr *err)
{
	return add_canonical_query(out, query, NULL, 0, 0, err);
}

/*
 * Headers
 */

struct hent {
	const char	*lname;		/* lower-cased, in the arena */
	const char	*value;		/* as given */
	size_t		 idx;		/* input order: keeps repeats in order */
};

static int
hent_cmp(const void *a, const void *b)
{
	const struct hent	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->lname, y->lname)) != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Append v trimmed, inner runs of spaces and tabs as one space. */
static int
add_trimmed(struct buf *b, const char *v)
{
	const char	*run;

	while (is_ows(*v))
		v++;
	while (*v) {
		for (run = v; *v && !is_ows(*v); v++)
			;
		if (buf_add(b, run, (size_t)(v - run)) == -1)
			return -1;
		while (is_ows(*v))
			v++;
		if (*v && buf_addc(b, ' ') == -1)
			return -1;
	}
	return 0;
}

/* Lower-case names this signer adds itself; a request must not bring them. */
#define H_DATE		"x-amz-date"
#define H_TOKEN		"x-amz-security-token"
#define H_SHA256	"x-amz-content-sha256"
#define H_AUTH		"authorization"

/* A request header the signer sets itself: signing it too would sign two
 * values, and dropping it would change the request behind the caller. */
static int
is_ours(const char *lname, const struct sigv4_header *extra, size_t nextra,
    int token)
{
	size_t	 i;

	if (strcmp(lname, H_AUTH) == 0 || strcmp(lname, H_DATE) == 0 ||
	    (token && strcmp(lname, H_TOKEN) == 0))
		return 1;
	for (i = 0; i < nextra; i++)
		if (strcmp(lname, extra[i].name) == 0)
			return 1;
	return 0;
}

/*
 * Append the canonical header block ("name:value\n" each, sorted by name,
 * repeats joined with "," in their order) to hdrs and the signed-header list
 * to signed_list, from the request's headers plus nextra added ones (names
 * lower-case).  token: a session token is in play, so the request must not
 * bring its own.  Returns 0, or -1 with err set (DKERR_INPUT: a bad name or
 * value, no Host, or a header the signer adds itself).
 */
static int
canonical_headers(const struct sigv4_request *req,
    const struct sigv4_header *extra, size_t nextra, int token,
    struct buf *hdrs, struct buf *signed_list, struct dkerr *err)
{
	struct buf	 arena = BUF_INIT(CAP_OUT);
	struct hent	*ents = NULL;
	size_t		*offs = NULL;
	const struct sigv4_header *h;
	const unsigned char *p;
	size_t		 n, i, j;
	int		 rc = -1, have_host = 0;

	if (req->nheaders > CAP_HEADERS)
		return dkerr_set(err, DKERR_INPUT, "more than %d headers",
		    CAP_HEADERS);
	if (req->nheaders > 0 && req->headers == NULL)
		return dkerr_set(err, DKERR_INPUT, "headers missing");
	n = req->nheaders + nextra;
	if ((ents = calloc(n, sizeof(*ents))) == NULL ||
	    (offs = calloc(n, sizeof(*offs))) == NULL) {
		dkerr_errno(err, DKERR_NETWORK, "canonical headers");
		goto done;
	}
	for (i = 0; i < n; i++) {
		h = i < req->nheaders ? &req->headers[i] :
		    &extra[i - req->nheaders];
		if (h->name == NULL || h->name[0] == '\0' ||
		    strlen(h->name) > CAP_NAME) {
			dkerr_set(err, DKERR_INPUT, "header %zu: bad name", i);
			goto done;
		}
		offs[i] = arena.len;
		for (p = (const unsigned char *)h->name; *p; p++) {
			if (!is_tchar(*p)) {
				dkerr_set(err, DKERR_INPUT, "header \"%.64s\": "
				    "bad character in name", h->name);
				goto done;
			}
			if (buf_addc(&arena, (char)to_lower(*p)) == -1)
				goto fail;
		}
		if (buf_addc(&arena, '\0') == -1)
			goto fail;
		if (h->value == NULL) {
			dkerr_set(err, DKERR_INPUT, "header \"%.64s\": no value",
			    h->name);
			goto done;
		}
		/* CR and LF would smuggle headers; callers unfold obs-fold. */
		for (p = (const unsigned char *)h->value; *p; p++)
			if (is_ctl(*p) && *p != '\t') {
				dkerr_set(err, DKERR_INPUT, "header \"%.64s\": "
				    "control character in value", h->name);
				goto done;
			}
		ents[i].value = h->value;
		ents[i].idx = i;
	}
	for (i = 0; i < n; i++) {
		ents[i].lname = arena.data + offs[i];
		if (i >= req->nheaders)
			continue;
		if (strcmp(ents[i].lname, "host") == 0)
			have_host = 1;
		if (is_ours(ents[i].lname, extra, nextra, token)) {
			dkerr_set(err, DKERR_INPUT, "header \"%.64s\": set by "
			    "the signer, leave it out", req->headers[i].name);
			goto done;
		}
	}
	if (!have_host) {
		dkerr_set(err, DKERR_INPUT, "no Host header");
		goto done;
	}
	qsort(ents, n, sizeof(*ents), hent_cmp);
	for (i = 0; i < n; i = j) {
		if ((i > 0 && buf_addc(signed_list, ';') == -1) ||
		    buf_addstr(signed_list, ents[i].lname) == -1 ||
		    buf_addstr(hdrs, ents[i].lname) == -1 ||
		    buf_addc(hdrs, ':') == -1)
			goto fail;
		for (j = i; j < n && strcmp(ents[j].lname, ents[i].lname) == 0;
		    j++) {
			if ((j > i && buf_addc(hdrs, ',') == -1) ||
			    add_trimmed(hdrs, ents[j].value) == -1)
				goto fail;
		}
		if (buf_addc(hdrs, '\n') == -1)
			goto fail;
	}
	rc = 0;
	goto done;
fail:
	buf_fail(err, "canonical headers");
done:
	buf_free(&arena);
	free(ents);
	free(offs);
	return rc;
}

/*
 * Date
 */

static int
digits(const char *s, size_t n, int *v)
{
	size_t	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * "YYYYMMDDTHHMMSSZ" with a real calendar date and time of day.  Returns 0,
 * or -1 with err set (DKERR_INPUT).
 */
int
sigv4_check_date(const char *d, struct dkerr *err)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	 y, mo, da, h, mi, s, leap;

	if (d == NULL)
		return dkerr_set(err, DKERR_INPUT, "no X-Amz-Date");
	if (strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z' ||
	    digits(d, 4, &y) || digits(d + 4, 2, &mo) ||
	    digits(d + 6, 2, &da) || digits(d + 9, 2, &h) ||
	    digits(d + 11, 2, &mi) || digits(d + 13, 2, &s))
		return dkerr_set(err, DKERR_INPUT,
		    "X-Amz-Date \"%.32s\": want YYYYMMDDTHHMMSSZ", d);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || da < 1 ||
	    da > mdays[mo - 1] + (mo == 2 && leap) ||
	    h > 23 || mi > 59 || s > 59)
		return dkerr_set(err, DKERR_INPUT,
		    "X-Amz-Date \"%.32s\": no such date or time", d);
	return 0;
}

/*
 * Format t (UTC) for X-Amz-Date.  Returns 0, or -1 (out left "") when the
 * year does not fit in four digits.
 */
int
sigv4_format_date(time_t t, char out[17])
{
	struct tm	 tm;
	char		 tmp[64];

	out[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%04d%02d%02dT%02d%02d%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec) != 16)
		return -1;
	memcpy(out, tmp, 17);
	return 0;
}

/*
 * Hashing
 */

static int
sha256(const void *p, size_t n, unsigned char md[32])
{
	unsigned int	 len;

	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return -1;
	return 0;
}

/*
 * Lower-case hex SHA-256.  The prototype leaves no way to fail: should the
 * digest be unavailable, out is "" so that it can never pass for a hash.
 */
void
sigv4_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char	 md[32];

	if (sha256(p, n, md) == -1) {
		out[0] = '\0';
		return;
	}
	hex_lower(md, sizeof(md), out);
}

/* One HMAC with ctx (digest already set), re-keyed: 0 or -1. */
static int
hmac(EVP_MAC_CTX *ctx, const void *key, size_t klen, const void *msg,
    size_t mlen, unsigned char out[32])
{
	size_t	 len;

	/* NULL params: keep the digest; parsing it again costs a lookup. */
	if (EVP_MAC_init(ctx, key, klen, NULL) != 1 ||
	    EVP_MAC_update(ctx, msg, mlen) != 1 ||
	    EVP_MAC_final(ctx, out, &len, 32) != 1 || len != 32)
		return -1;
	return 0;
}

/*
 * The signature of sts: HMAC chain "AWS4"+secret -> date -> region ->
 * service -> "aws4_request" -> sts, as lower-case hex into sig.  The key
 * and every intermediate are wiped before returning.  Returns 0, or -1
 * with err set (DKERR_NETWORK: the crypto library failed).
 */
static int
compute_signature(const struct sigv4_params *pa, const char *sts,
    size_t stslen, char sig[65], struct dkerr *err)
{
	EVP_MAC		*mac;
	EVP_MAC_CTX	*ctx = NULL;
	OSSL_PARAM	 params[2];
	char		 digest[] = "SHA256";
	char		 secret[4 + CAP_SECRET];
	unsigned char	 k1[32], k2[32], out[32];
	size_t		 slen;
	int		 rc = -1;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_CTX_set_params(ctx, params) != 1) {
		dkerr_set(err, DKERR_NETWORK, "HMAC-SHA256 not available");
		goto done;
	}
	slen = strlen(pa->secret_key);	/* checked <= CAP_SECRET */
	memcpy(secret, "AWS4", 4);
	memcpy(secret + 4, pa->secret_key, slen);
	if (hmac(ctx, secret, 4 + slen, pa->amz_date, 8, k1) == -1 ||
	    hmac(ctx, k1, 32, pa->region, strlen(pa->region), k2) == -1 ||
	    hmac(ctx, k2, 32, pa->service, strlen(pa->service), k1) == -1 ||
	    hmac(ctx, k1, 32, "aws4_request", 12, k2) == -1 ||
	    hmac(ctx, k2, 32, sts, stslen, out) == -1) {
		dkerr_set(err, DKERR_NETWORK, "HMAC-SHA256 failed");
		goto done;
	}
	hex_lower(out, sizeof(out), sig);
	rc = 0;
done:
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	OPENSSL_cleanse(out, sizeof(out));
	EVP_MAC_CTX_free(ctx);		/* cleanses its own key copy */
	EVP_MAC_free(mac);
	return rc;
}

/*
 * Checking the caller's input
 */

/* s is 1..max bytes, each accepted by ok(). */
static int
check_chars(const char *s, size_t max, int (*ok)(unsigned char))
{
	size_t	 i;

	if (s == NULL || s[0] == '\0')
		return -1;
	for (i = 0; s[i]; i++)
		if (i >= max || !ok((unsigned char)s[i]))
			return -1;
	return 0;
}

/* Access key ids go into "Credential=AK/scope, ...": no '/', ',', space. */
static int
ok_key(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '/' && c != ',';
}

static int
ok_scope(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '_' || c == '.';
}

static int
ok_any(unsigned char c)
{
	return c != '\0';
}

/* Tokens are base64 and go in a header value: printable, no space. */
static int
ok_token(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static int
ok_method(unsigned char c)
{
	return is_tchar(c);
}

static int
is_payload_hash(const char *h)
{
	size_t	 i;

	if (strcmp(h, SIGV4_UNSIGNED_PAYLOAD) == 0)
		return 1;
	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
		    (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

static int
has_token(const struct sigv4_params *pa)
{
	return pa->session_token != NULL && pa->session_token[0] != '\0';
}

/*
 * Messages name the field, never its value: keys and tokens are secrets
 * or close to it.
 */
static int
check_input(const struct sigv4_request *req, const struct sigv4_params *pa,
    int presign, struct dkerr *err)
{
	if (req == NULL || pa == NULL)
		return dkerr_set(err, DKERR_INPUT, "no request to sign");
	if (check_chars(req->method, 32, ok_method) == -1)
		return dkerr_set(err, DKERR_INPUT, "bad request method");
	if (req->payload_hash != NULL && !is_payload_hash(req->payload_hash))
		return dkerr_set(err, DKERR_INPUT, "payload hash: want 64 "
		    "lower-case hex digits or " SIGV4_UNSIGNED_PAYLOAD);
	if (check_chars(pa->access_key, CAP_KEY, ok_key) == -1)
		return dkerr_set(err, DKERR_INPUT, "bad or missing access key id");
	if (check_chars(pa->secret_key, CAP_SECRET, ok_any) == -1)
		return dkerr_set(err, DKERR_INPUT,
		    "bad or missing secret access key");
	if (pa->session_token != NULL && pa->session_token[0] != '\0' &&
	    check_chars(pa->session_token, CAP_TOKEN, ok_token) == -1)
		return dkerr_set(err, DKERR_INPUT, "bad session token");
	if (check_chars(pa->region, CAP_SCOPE_PART, ok_scope) == -1)
		return dkerr_set(err, DKERR_INPUT, "bad or missing region");
	if (check_chars(pa->service, CAP_SCOPE_PART, ok_scope) == -1)
		return dkerr_set(err, DKERR_INPUT,
		    "bad or missing service signing name");
	if (pa->flags & ~(unsigned)ALL_FLAGS)
		return dkerr_set(err, DKERR_INPUT, "unknown signing flags 0x%x",
		    pa->flags);
	if (sigv4_check_date(pa->amz_date, err) == -1)
		return -1;
	if (presign && (pa->expires < 1 || pa->expires > SIGV4_MAX_EXPIRES))
		return dkerr_set(err, DKERR_INPUT, "presign expiry %lu s: "
		    "want 1 to %lu", pa->expires, SIGV4_MAX_EXPIRES);
	return 0;
}

/*
 * Signing
 */

static void
result_caps(struct sigv4_result *r)
{
	struct buf	*b[5];
	size_t		 i;

	b[0] = &r->canonical_request;
	b[1] = &r->string_to_sign;
	b[2] = &r->authorization;
	b[3] = &r->query;
	b[4] = &r->store;
	for (i = 0; i < 5; i++)
		if (b[i]->max == 0)
			b[i]->max = CAP_OUT;
}

/* Keep a NUL-terminated copy of s in store for add[]; its offset in *off. */
static int
keep(struct buf *store, size_t *off, const char *s)
{
	*off = store->len;
	if (buf_addstr(store, s) == -1 || buf_addc(store, '\0') == -1)
		return -1;
	return 0;
}

/*
 * Both forms.  res is emptied first and left empty on failure.  Returns 0,
 * or -1 with err set.
 */
static int
sign(const struct sigv4_request *req, const struct sigv4_params *pa,
    struct sigv4_result *res, int presign, struct dkerr *err)
{
	struct sigv4_header	 hx[3], qx[6];
	struct buf		 hdrs = BUF_INIT(CAP_OUT);
	struct buf		 signed_list = BUF_INIT(CAP_OUT);
	struct buf		 cq = BUF_INIT(CAP_OUT);
	struct buf		*cr;
	const char		*ph;
	char			 scope[4 * CAP_SCOPE_PART];
	char			 cred[CAP_KEY + sizeof(scope)];
	char			 expires[32], hash[65];
	unsigned char		 md[32];
	size_t			 nhx = 0, nqx = 0, off[3] = { 0, 0, 0 };
	int			 token, sign_token, sha, rc = -1, n;

	if (res == NULL)
		return dkerr_set(err, DKERR_INPUT, "no result to sign into");
	cr = &res->canonical_request;
	sigv4_result_free(res);
	result_caps(res);
	if (check_input(req, pa, presign, err) == -1)
		return -1;
	ph = req->payload_hash ? req->payload_hash : SIGV4_EMPTY_SHA256;
	token = has_token(pa);
	sign_token = token && !(pa->flags & SIGV4_OMIT_TOKEN);
	/* A URL has no headers to carry the hash: presigning only signs it. */
	sha = !presign && (pa->flags & (SIGV4_S3 | SIGV4_CONTENT_SHA256));

	n = snprintf(scope, sizeof(scope), "%.8s/%s/%s/aws4_request",
	    pa->amz_date, pa->region, pa->service);
	if (n < 0 || (size_t)n >= sizeof(scope))
		return dkerr_set(err, DKERR_INPUT, "credential scope too long");
	n = snprintf(cred, sizeof(cred), "%s/%s", pa->access_key, scope);
	if (n < 0 || (size_t)n >= sizeof(cred))
		return dkerr_set(err, DKERR_INPUT, "credential too long");

	if (!presign) {
		hx[nhx].name = H_DATE;
		hx[nhx++].value = pa->amz_date;
		if (sign_token) {
			hx[nhx].name = H_TOKEN;
			hx[nhx++].value = pa->session_token;
		}
		if (sha) {
			hx[nhx].name = H_SHA256;
			hx[nhx++].value = ph;
		}
	}
	if (canonical_headers(req, hx, nhx, token, &hdrs, &signed_list,
	    err) == -1)
		goto done;

	if (presign) {
		n = snprintf(expires, sizeof(expires), "%lu", pa->expires);
		if (n < 0 || (size_t)n >= sizeof(expires)) {
			dkerr_set(err, DKERR_INPUT, "presign expiry too long");
			goto done;
		}
		qx[nqx].name = "X-Amz-Algorithm";
		qx[nqx++].value = SIGV4_ALGORITHM;
		qx[nqx].name = "X-Amz-Credential";
		qx[nqx++].value = cred;
		qx[nqx].name = "X-Amz-Date";
		qx[nqx++].value = pa->amz_date;
		qx[nqx].name = "X-Amz-Expires";
		qx[nqx++].value = expires;
		qx[nqx].name = "X-Amz-SignedHeaders";
		qx[nqx++].value = buf_str(&signed_list);
		if (sign_token) {
			qx[nqx].name = "X-Amz-Security-Token";
			qx[nqx++].value = pa->session_token;
		}
	}
	if (add_canonical_query(&cq, req->query, qx, nqx, presign, err) == -1)
		goto done;

	if (buf_addstr(cr, req->method) == -1 || buf_addc(cr, '\n') == -1)
		goto fail;
	if (sigv4_canonical_path(req->path, pa->flags, cr, err) == -1)
		goto done;
	if (buf_addc(cr, '\n') == -1 ||
	    buf_add(cr, cq.data, cq.len) == -1 ||
	    buf_addc(cr, '\n') == -1 ||
	    buf_add(cr, hdrs.data, hdrs.len) == -1 ||
	    buf_addc(cr, '\n') == -1 ||
	    buf_add(cr, signed_list.data, signed_list.len) == -1 ||
	    buf_addc(cr, '\n') == -1 ||
	    buf_addstr(cr, ph) == -1)
		goto fail;

	if (sha256(cr->data, cr->len, md) == -1) {
		dkerr_set(err, DKERR_NETWORK, "SHA-256 failed");
		goto done;
	}
	hex_lower(md, sizeof(md), hash);
	if (buf_addstr(&res->string_to_sign, SIGV4_ALGORITHM "\n") == -1 ||
	    buf_addstr(&res->string_to_sign, pa->amz_date) == -1 ||
	    buf_addc(&res->string_to_sign, '\n') == -1 ||
	    buf_addstr(&res->string_to_sign, scope) == -1 ||
	    buf_addc(&res->string_to_sign, '\n') == -1 ||
	    buf_addstr(&res->string_to_sign, hash) == -1)
		goto fail;
	if (compute_signature(pa, res->string_to_sign.data,
	    res->string_to_sign.len, res->signature, err) == -1)
		goto done;

	if (presign) {
		/* Send what was signed: the server then sees those bytes. */
		if (buf_add(&res->query, cq.data, cq.len) == -1 ||
		    buf_addstr(&res->query, "&X-Amz-Signature=") == -1 ||
		    buf_addstr(&res->query, res->signature) == -1)
			goto fail;
		if (token && !sign_token &&
		    (buf_addstr(&res->query, "&X-Amz-Security-Token=") == -1 ||
		    add_encoded(&res->query, pa->session_token,
		    strlen(pa->session_token), 0) == -1))
			goto fail;
		rc = 0;
		goto done;
	}

	if (buf_addstr(&res->authorization,
	    SIGV4_ALGORITHM " Credential=") == -1 ||
	    buf_addstr(&res->authorization, cred) == -1 ||
	    buf_addstr(&res->authorization, ", SignedHeaders=") == -1 ||
	    buf_add(&res->authorization, signed_list.data,
	    signed_list.len) == -1 ||
	    buf_addstr(&res->authorization, ", Signature=") == -1 ||
	    buf_addstr(&res->authorization, res->signature) == -1)
		goto fail;
	/* Offsets first, pointers after: the store may move while it grows. */
	if (keep(&res->store, &off[0], pa->amz_date) == -1 ||
	    (token && keep(&res->store, &off[1], pa->session_token) == -1) ||
	    (sha && keep(&res->store, &off[2], ph) == -1))
		goto fail;
	res->add[res->nadd].name = "X-Amz-Date";
	res->add[res->nadd++].value = res->store.data + off[0];
	if (token) {
		res->add[res->nadd].name = "X-Amz-Security-Token";
		res->add[res->nadd++].value = res->store.data + off[1];
	}
	if (sha) {
		res->add[res->nadd].name = "x-amz-content-sha256";
		res->add[res->nadd++].value = res->store.data + off[2];
	}
	res->add[res->nadd].name = "Authorization";
	res->add[res->nadd++].value = buf_str(&res->authorization);
	rc = 0;
	goto done;
fail:
	buf_fail(err, "signing");
done:
	/* The token may be in any of these. */
	buf_wipe(&hdrs);
	buf_free(&signed_list);
	buf_wipe(&cq);
	if (rc == -1)
		sigv4_result_free(res);
	return rc;
}

/*
 * Sign with an Authorization header; see sigv4.h.  res is emptied first
 * (sigv4_result_free), and left empty on failure.
 */
int
sigv4_sign(const struct sigv4_request *req, const struct sigv4_params *pa,
    struct sigv4_result *res, struct dkerr *err)
{
	return sign(req, pa, res, 0, err);
}

/*
 * Presign; see sigv4.h.  SIGV4_CONTENT_SHA256 has no effect here: a URL
 * has no headers to carry the hash.  res->query is the canonical query
 * (what was signed, so the server sees exactly that) followed by
 * X-Amz-Signature and, with SIGV4_OMIT_TOKEN, X-Amz-Security-Token.
 */
int
sigv4_presign(const struct sigv4_request *req, const struct sigv4_params *pa,
    struct sigv4_result *res, struct dkerr *err)
{
	return sign(req, pa, res, 1, err);
}

void
sigv4_result_free(struct sigv4_result *r)
{
	if (r == NULL)
		return;
	/* The canonical request and the store may hold the token. */
	buf_wipe(&r->canonical_request);
	buf_wipe(&r->string_to_sign);
	buf_wipe(&r->authorization);
	buf_wipe(&r->query);
	buf_wipe(&r->store);
	OPENSSL_cleanse(r->signature, sizeof(r->signature));
	memset(r->add, 0, sizeof(r->add));
	r->nadd = 0;
}
