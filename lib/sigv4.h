/*
 * sigv4: AWS Signature Version 4 as pure functions.
 *
 * No I/O, no clock, no environment: the caller passes the request as it will
 * go on the wire, the credentials and the signing time, and gets back what to
 * add to the request.  Canonicalization follows AWS's specification and its
 * official test suite:
 *   - path: as sent (percent-encoded); normalized (RFC 3986 dot segments,
 *     repeated slashes merged) and URI-encoded a second time, except with
 *     SIGV4_S3 (encoded once, not normalized) or SIGV4_NO_NORMALIZE;
 *   - query: pairs decoded, re-encoded (unreserved characters bare, the rest
 *     %XX upper case) and sorted by key then value; "a" alone is "a=";
 *   - headers: names lower-cased, values trimmed with inner runs of spaces
 *     collapsed, repeated names joined with "," in order, sorted by name.
 */
#ifndef DK_SIGV4_H
#define DK_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "dkerr.h"

#define SIGV4_ALGORITHM		"AWS4-HMAC-SHA256"
#define SIGV4_UNSIGNED_PAYLOAD	"UNSIGNED-PAYLOAD"
#define SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SIGV4_MAX_EXPIRES	604800UL	/* 7 days, AWS's limit */

struct sigv4_header {
	const char	*name;
	const char	*value;
};

/* The request as it will be sent.  All pointers are borrowed for the call. */
struct sigv4_request {
	const char			*method;	/* "GET", "POST", ... */
	const char			*path;		/* as on the wire, "/" at least */
	const char			*query;		/* raw, without '?'; NULL or "" if none */
	const struct sigv4_header	*headers;	/* must include Host */
	size_t				 nheaders;
	const char			*payload_hash;	/* lower-case hex SHA-256 of
							 * the body, or "UNSIGNED-PAYLOAD";
							 * NULL: the empty body's hash */
};

enum {
	SIGV4_S3		= 1 << 0,	/* S3 rules: path encoded once, not
						 * normalized; x-amz-content-sha256 */
	SIGV4_NO_NORMALIZE	= 1 << 1,	/* keep ".", ".." and "//" segments */
	SIGV4_CONTENT_SHA256	= 1 << 2,	/* add and sign x-amz-content-sha256 */
	SIGV4_OMIT_TOKEN	= 1 << 3	/* add the session token after signing,
						 * unsigned (some services want this) */
};

struct sigv4_params {
	const char	*access_key;
	const char	*secret_key;
	const char	*session_token;	/* NULL when none */
	const char	*region;
	const char	*service;	/* signing name: "ssm", "ecr", "s3", ... */
	const char	*amz_date;	/* "YYYYMMDDTHHMMSSZ" */
	unsigned	 flags;		/* SIGV4_* */
	unsigned long	 expires;	/* presigning: X-Amz-Expires, 1..SIGV4_MAX_EXPIRES */
};

#define SIGV4_MAX_ADD	4

/*
 * What signing produced.  Owned by the caller: zero it before the first use
 * (struct sigv4_result r = { 0 };) and release it with sigv4_result_free().
 */
struct sigv4_result {
	struct buf		canonical_request;
	struct buf		string_to_sign;
	char			signature[65];		/* lower-case hex */
	struct buf		authorization;		/* header form: the Authorization value */
	struct buf		query;			/* presign form: the whole query to send */
	/* Header form: headers to send besides the request's own, in this
	 * order (X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256,
	 * Authorization).  Names are static strings, values point into this
	 * result and live until sigv4_result_free(). */
	struct sigv4_header	add[SIGV4_MAX_ADD];
	size_t			nadd;
	struct buf		store;			/* holds add[]'s values */
};

/*
 * Sign with an Authorization header.  Returns 0, or -1 with err set
 * (DKERR_INPUT: a malformed date, path, header or parameter).
 */
int	sigv4_sign(const struct sigv4_request *, const struct sigv4_params *,
	    struct sigv4_result *, struct dkerr *);

/*
 * Presign: the signature goes into the query (X-Amz-Algorithm, -Credential,
 * -Date, -Expires, -SignedHeaders, -Security-Token, -Signature), the payload
 * hash is that of the request (use SIGV4_UNSIGNED_PAYLOAD for S3 URLs).
 * result->query holds the complete query string to send.
 */
int	sigv4_presign(const struct sigv4_request *, const struct sigv4_params *,
	    struct sigv4_result *, struct dkerr *);

/* Wipe and free everything a result holds; it can be reused after. */
void	sigv4_result_free(struct sigv4_result *);

/* The pieces, for tests and for callers that need one of them. */
int	sigv4_canonical_path(const char *, unsigned, struct buf *, struct dkerr *);
int	sigv4_canonical_query(const char *, struct buf *, struct dkerr *);

/* "YYYYMMDDTHHMMSSZ" for a time; 0, or -1 if it cannot be represented. */
int	sigv4_format_date(time_t, char [17]);

/* Check the form of an X-Amz-Date value: 0, or -1 with err set. */
int	sigv4_check_date(const char *, struct dkerr *);

/* Lower-case hex SHA-256 of n bytes. */
void	sigv4_sha256_hex(const void *, size_t, char [65]);

#endif
