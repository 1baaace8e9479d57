/*
 * ghapp: a GitHub App's installation access token.  The App proves itself
 * with a JWT (RS256, signed with its private key); the JWT finds the App's
 * installation on a repository (GET /repos/{o}/{r}/installation) and mints
 * a token for it (POST /app/installations/{id}/access_tokens), narrowed to
 * that one repository and to the permissions asked for.
 *
 * The calls go through lib/ghapi (retries, rate limits, base URL), with the
 * JWT as the Bearer token.  Each JWT is signed on GitHub's clock as the
 * last answer's Date told it (ghapi's skew): iat 60 s in the past, exp 540 s
 * ahead, as GitHub advises.  A 401 to a JWT made before an answer showed
 * the skew is signed again on GitHub's time and sent once more.
 *
 * The key, the JWT and the token are secrets: never in a message, wiped
 * from memory when freed.
 */
#ifndef DK_GHAPP_H
#define DK_GHAPP_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"
#include "ghapi.h"

#define GHAPP_KEY_ENV		"GH_APP_PRIVATE_KEY"
#define GHAPP_KEY_MAX		(32 << 10)	/* bytes of PEM (8192-bit: 6.5 KiB) */
#define GHAPP_KEY_MIN_BITS	2048
#define GHAPP_JWT_BACKDATE	60	/* iat = now - 60: GitHub's advice */
#define GHAPP_JWT_LIFETIME	540	/* exp = now + 540; GitHub takes <= 600 */
#define GHAPP_SKEW_RETRY	30	/* s of newly seen skew worth a re-sign */
#define GHAPP_PERM_NAME_MAX	64

/* An RSA private key, opaque. */
struct ghapp_key;

/*
 * Read a PEM private key from memory: an unencrypted RSA key of at least
 * GHAPP_KEY_MIN_BITS, PKCS#1 ("BEGIN RSA PRIVATE KEY", as GitHub hands it
 * out) or PKCS#8 ("BEGIN PRIVATE KEY").  what names where it came from in
 * messages ("key file k.pem", "GH_APP_PRIVATE_KEY").  pem is not kept: the
 * caller wipes it.  Returns a key (free with ghapp_key_free()), or NULL
 * with err DKERR_INPUT saying what is wrong (never the key's bytes).
 */
struct ghapp_key *ghapp_key_new(const char *pem, size_t len, const char *what,
	    struct dkerr *err);
void	ghapp_key_free(struct ghapp_key *);

/*
 * The key from the file at path when it is not NULL (opened with
 * O_NOFOLLOW, a regular file of at most GHAPP_KEY_MAX bytes, see
 * lib/secretfile), else from GH_APP_PRIVATE_KEY (not empty); *source
 * names which ("key file", GHAPP_KEY_ENV).  The PEM read is wiped.
 * Returns a key, or NULL with err DKERR_INPUT (no key: both are named).
 */
struct ghapp_key *ghapp_key_load(const char *path, const char **source,
	    struct dkerr *err);

/* An App ID: decimal digits, 1 to 2^53 (a JSON integer everywhere). */
int	ghapp_id_parse(const char *, unsigned long long *, struct dkerr *);

/* bytes as base64url without padding (RFC 7515, 2), appended to out. */
int	ghapp_b64url(const void *, size_t, struct buf *out);

/*
 * The JWT of app_id at time now (GitHub's clock): header
 * {"alg":"RS256","typ":"JWT"}, claims {"iat":now-60,"exp":now+540,
 * "iss":"APP_ID"}, signed RSASSA-PKCS1-v1_5 SHA-256.  Into out (reset
 * first; the caller wipes it, buf_wipe()).  0, or -1 with err.
 */
int	ghapp_jwt(const struct ghapp_key *, unsigned long long app_id,
	    time_t now, struct buf *out, struct dkerr *err);

/*
 * Add "NAME=LEVEL" to perms (an object): NAME as GitHub names App
 * permissions (lower-case letters, digits and '_', starting with a
 * letter), LEVEL read, write or admin.  A name given twice is refused.
 * DKERR_INPUT.
 */
int	ghapp_permission_add(json_t *perms, const char *kv, struct dkerr *);

/*
 * The permissions in want that granted (an installation's) does not cover:
 * "name=level (granted: read)" or "name=level (not granted)", joined by
 * ", ", into out (reset first).  Returns how many.
 */
int	ghapp_permissions_missing(const json_t *want, const json_t *granted,
	    struct buf *out);

/* --- Requests ----------------------------------------------------------- */

/* base/repos/OWNER/NAME/installation and base/app/installations/ID/
 * access_tokens, into out (reset first).  0, or -1 (too long). */
int	ghapp_installation_url(struct buf *out, const char *base,
	    const struct ghapi_repo *);
int	ghapp_token_url(struct buf *out, const char *base, long long id);

/* The body of access_tokens: {"repositories":["NAME"],"permissions":perms}
 * (no permissions member when perms is NULL or empty).  A string to free,
 * or NULL when memory ran out. */
char	*ghapp_token_body(const struct ghapi_repo *, const json_t *perms);

/* --- Minting a token ---------------------------------------------------- */

/* The App and the client it talks through. */
struct ghapp {
	struct ghapi		*api;	/* borrowed; its token is the JWT during
					 * a call and NULL after */
	const struct ghapp_key	*key;	/* borrowed */
	unsigned long long	 app_id;
};

/* A minted token.  ghapp_token_free() wipes and releases it. */
struct ghapp_token {
	char		*token;		/* owned, secret */
	char		 expires_at[32];	/* as GitHub wrote it */
	long long	 installation_id;
	json_t		*permissions;	/* owned: what the token was granted */
	json_t		*installation;	/* owned: the installation object */
};

/*
 * Find the App's installation on repo and mint a token for it, narrowed to
 * repo and to perms (NULL: all the installation has).  Returns 0 with tok
 * filled, or -1 with err: DKERR_REMOTE for GitHub's refusals, worded for a
 * user to act on (401: the App ID, the key or the clock; 404: the App is
 * not installed on repo; 422: the permissions not granted, named), else as
 * ghapi_call().  status, when not NULL, gets the refusal's HTTP status.
 */
int	ghapp_mint(struct ghapp *, const struct ghapi_repo *repo,
	    const json_t *perms, struct ghapp_token *tok, long *status,
	    struct dkerr *err);
void	ghapp_token_free(struct ghapp_token *);

#endif
