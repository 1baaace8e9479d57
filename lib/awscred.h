/*
 * awscred: AWS credentials from the SDKs' default chain, in their order:
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
 *   2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *      [+ AWS_ROLE_SESSION_NAME] -> STS AssumeRoleWithWebIdentity;
 *   3. the profile in the shared files: static keys, credential_process,
 *      role_arn + source_profile -> STS AssumeRole, role_arn +
 *      web_identity_token_file; SSO profiles are refused with the workaround;
 *   4. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE];
 *   5. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED.
 * When nothing is found, the error lists where it looked.
 *
 * Within a profile the SDKs' order holds: role_arn (without
 * web_identity_token_file) assumes the role first, with the credentials of
 * source_profile (followed recursively; loops refused, a profile may name
 * itself for its own static keys) or of credential_source (Environment,
 * Ec2InstanceMetadata, EcsContainer), honouring role_session_name,
 * external_id and duration_seconds (mfa_serial is refused: nothing can
 * prompt); then web identity, SSO, static keys, credential_process.
 *
 * awscred_resolve() is where lib/ reads these variables: the credential
 * ones above and AWS_EC2_METADATA_SERVICE_ENDPOINT[_MODE] (or the profile's
 * ec2_metadata_service_endpoint[_mode]).  Nothing is cached between calls:
 * token files are read again each time.  credential_process runs as
 * `/bin/sh -c CMD` with stdin from /dev/null and stderr passed through.
 * Container and instance metadata get clients of their own with short
 * timeouts (2 s, 1 s), so a laptop is not held up by link-local addresses.
 */
#ifndef DK_AWSCRED_H
#define DK_AWSCRED_H

#include <time.h>

#include "awsconf.h"
#include "buf.h"
#include "dkerr.h"
#include "http.h"

struct awscred {
	char	*access_key_id;		/* owned */
	char	*secret_access_key;	/* owned, wiped on free */
	char	*session_token;		/* owned, wiped on free; NULL if none */
	time_t	 expiration;		/* 0: does not expire */
	char	 source[96];		/* where they came from, for messages:
					 * "environment", "profile dev", ... */
};

/*
 * Resolve credentials.  http is used for STS (through lib/sts: AssumeRole
 * signed, AssumeRoleWithWebIdentity unsigned); container and IMDS calls use
 * short-timeout clients made here and freed before returning.  The struct
 * is overwritten: pass it zeroed or freed.
 * Returns 0, or -1 with err set and the struct left empty: DKERR_INPUT for
 * bad configuration or no credentials anywhere, DKERR_REMOTE when a source
 * answered no (STS denied, credential_process failed), DKERR_NETWORK when a
 * source could not be reached or gave a malformed answer.
 */
int	awscred_resolve(const struct awsconf *, struct http_client *,
	    struct awscred *, struct dkerr *);

/* Wipe and free; the struct can be reused after. */
void	awscred_free(struct awscred *);

/*
 * Copy a key pair and an optional token (NULL: none) into c, which must
 * hold none; source is left as it is.  Returns 0, or -1 with err
 * DKERR_NETWORK when memory runs out (c left empty).
 */
int	awscred_set(struct awscred *, const char *access_key_id,
	    const char *secret_access_key, const char *session_token,
	    time_t expiration, struct dkerr *);

/*
 * Parse credential_process output (len bytes, not necessarily
 * NUL-terminated): a JSON object with Version 1, AccessKeyId,
 * SecretAccessKey, optional SessionToken and Expiration (RFC 3339).
 * Credentials already past their Expiration are refused (the one use of the
 * clock).  out is overwritten; source is left empty.  Returns 0, or -1 with
 * err DKERR_INPUT ("the output is not JSON (line 1, column 3)", "the output
 * has Version 2 (...)", "SecretAccessKey is missing", "the credentials
 * expired at ...": never a value from the input) and out empty.
 */
int	awscred_process_parse(const char *json, size_t len, struct awscred *out,
	    struct dkerr *err);

/*
 * Parse an RFC 3339 time as AWS writes it ("2024-05-01T12:00:00Z", with an
 * optional fraction, or an offset "+02:00") into *t.  Returns 0, or -1 for
 * anything else.
 */
int	awscred_parse_time(const char *, time_t *t);

/*
 * Read a token file (a web identity token, a container authorization
 * token) into out, without trailing white space: a regular file (symbolic
 * links followed: Kubernetes projects tokens so), at most 32 KiB,
 * not empty, no line break or NUL inside.  what names it in
 * messages ("AWS_WEB_IDENTITY_TOKEN_FILE").  Returns 0, or -1 with err
 * DKERR_INPUT "what path: why" and out wiped.
 */
int	awscred_read_token(const char *path, const char *what, struct buf *out,
	    struct dkerr *err);

#endif
