/*
 * sts: temporary credentials from AWS STS, and the GitHub Actions OIDC
 * token that web identity federation starts from.
 *
 *  - sts_web_identity(): AssumeRoleWithWebIdentity.  The call is unsigned
 *    (the token is the proof), so it goes through http_send() directly,
 *    retried as awsapi retries (connection errors, 5xx, throttling) and on
 *    STS's IDPCommunicationError, with jittered exponential backoff.
 *  - sts_assume_role(): AssumeRole, signed with the caller's credentials
 *    through awsapi and its standard retry mode (role chaining).
 *  - sts_oidc_token(): a JWT from the Actions runtime's token endpoint.
 *    The caller reads ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN and passes
 *    them in: this module reads no environment.
 *  - pure helpers: the credentials in an STS answer, a JWT's claims (for
 *    messages: they are not secret, the token is), session names and role
 *    ARNs as STS accepts them.
 *
 * STS has a global endpoint, so no region is required: without one the
 * SDKs sign for us-east-1, and so does this module.  Messages name the
 * role, the host, and STS's code and message; never a token, a key or an
 * answer's body.
 */
#ifndef DK_STS_H
#define DK_STS_H

#include <stddef.h>

#include "awsapi.h"
#include "awsconf.h"
#include "awscred.h"
#include "buf.h"
#include "dkerr.h"
#include "http.h"

#define STS_DURATION_MIN	900UL	/* DurationSeconds bounds */
#define STS_DURATION_MAX	43200UL
#define STS_SESSION_NAME_MAX	64	/* RoleSessionName: 2..64 bytes */
#define STS_ARN_MAX		2048
#define STS_TOKEN_MAX		((size_t)32 << 10)	/* STS takes 20000 */
#define STS_AUDIENCE_DEFAULT	"sts.amazonaws.com"

/* One AssumeRole* call.  Pointers are borrowed for the call. */
struct sts_call {
	const struct awsconf	*conf;		/* region, STS endpoint, CA,
						 * max_attempts (0: 3) */
	struct http_client	*http;
	const char		*role_arn;
	const char		*session_name;	/* NULL: "deploykit-session-
						 * <epoch seconds>" */
	unsigned long		 duration;	/* seconds; 0: STS's default */
	const char		*external_id;	/* AssumeRole only; NULL: none */
	/* Told about each retry ("... retrying in 0.4 s (attempt 2 of 3)"). */
	void			(*notify)(void *, const char *);
	void			*notify_arg;
};

/* What a call learnt besides the credentials.  Optional (may be NULL). */
struct sts_result {
	char			 assumed_role_arn[STS_ARN_MAX + 1];
					/* AssumedRoleUser/Arn; "" if absent */
	struct awsapi_error	 error;	/* STS's code and message when it
					 * answered with an error; code ""
					 * otherwise */
};

/*
 * AssumeRoleWithWebIdentity with token (a JWT, borrowed; the caller wipes
 * it).  out is overwritten (pass it zeroed or freed); its source is left
 * for the caller to set.
 * Returns 0, or -1 with err set ("assuming role ARN with web identity:
 * ..."): DKERR_INPUT (endpoint, request too large), DKERR_REMOTE (STS said
 * no: res->error has its code), DKERR_NETWORK (no usable answer after the
 * attempts, or a malformed one).
 */
int	sts_web_identity(const struct sts_call *, const char *token,
	    struct awscred *out, struct sts_result *res, struct dkerr *err);

/*
 * AssumeRole signed with src (role chaining).  As sts_web_identity(), the
 * messages starting "assuming role ARN: ".
 */
int	sts_assume_role(const struct sts_call *, const struct awscred *src,
	    struct awscred *out, struct sts_result *res, struct dkerr *err);

/*
 * Take <Credentials> out of an AssumeRole* answer (len bytes of XML, not
 * necessarily NUL-terminated): AccessKeyId, SecretAccessKey, optional
 * SessionToken and Expiration (RFC 3339).  Pure: no I/O, no clock.  out is
 * overwritten; source is left empty.  Returns 0, or -1 with err
 * DKERR_NETWORK ("the STS answer holds no credentials", "... has a
 * malformed Expiration") and out empty.
 */
int	sts_parse_credentials(const char *xml, size_t len, struct awscred *out,
	    struct dkerr *err);

/* A request for a GitHub Actions OIDC token.  Borrowed for the call. */
struct sts_oidc {
	const char	*request_url;	/* ACTIONS_ID_TOKEN_REQUEST_URL */
	const char	*request_token;	/* ACTIONS_ID_TOKEN_REQUEST_TOKEN (secret) */
	const char	*audience;	/* NULL: STS_AUDIENCE_DEFAULT */
	int		 max_attempts;	/* 0: 3 */
	void		(*notify)(void *, const char *);
	void		*notify_arg;
};

/*
 * Fetch a token: GET request_url with "&audience=AUD" appended ("?" when
 * the URL has no query), Authorization: Bearer request_token; the answer
 * is {"value":"<JWT>",...}.  Connection errors, 429 and 5xx are retried.
 * The JWT goes into jwt (emptied first, capped at STS_TOKEN_MAX; the
 * caller wipes it).  Returns 0, or -1 with err set ("GitHub OIDC token
 * from HOST: ..."): DKERR_INPUT (a URL that is malformed or refused, an
 * audience with control bytes), DKERR_REMOTE (a 4xx answer: the request
 * token refused), DKERR_NETWORK (no answer after the attempts, or one
 * without a token); *status, when status is not NULL, is the last HTTP
 * status (0: none).
 */
int	sts_oidc_token(struct http_client *, const struct sts_oidc *,
	    struct buf *jwt, long *status, struct dkerr *err);

/* A JWT's claims, for messages.  Longer values are cut and end in "...". */
struct sts_claims {
	char	iss[256];
	char	sub[256];
	char	aud[256];	/* a string, or the first of an array */
};

/*
 * Decode the payload of a compact JWT (len bytes: header.payload.signature,
 * base64url) and take iss, sub and aud ("" when absent).  Pure; the
 * signature is not checked.  Returns 0, or -1 when it is not a JWT whose
 * payload is a JSON object (c then all "").
 */
int	sts_jwt_claims(const char *jwt, size_t len, struct sts_claims *c);

/* Whether s is a RoleSessionName STS accepts: 2..64 of [A-Za-z0-9_+=,.@-]. */
int	sts_session_name_valid(const char *s);

/*
 * The session name of a GitHub Actions run: "gha-OWNER-REPO-RUNID" from
 * repository ("OWNER/REPO") and run_id (may be NULL), bytes outside STS's
 * set made '-', the repository part cut so that the run id stays whole in
 * STS_SESSION_NAME_MAX.  Returns 0, or -1 (out "") when repository is NULL
 * or empty.
 */
int	sts_session_name_make(const char *repository, const char *run_id,
	    char out[STS_SESSION_NAME_MAX + 1]);

/*
 * Whether s is an IAM role ARN: "arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME"
 * with a 12-digit account, a name of 1..64 and a path of [A-Za-z0-9_+=,.@-/]
 * bytes, at most STS_ARN_MAX bytes in all.
 */
int	sts_role_arn_valid(const char *s);

#endif
