/*
 * ecrtoken: the pure parts of ecr-token.  ECR registry host names, the
 * GetAuthorizationToken answer (ECR and ECR Public), RFC 3339 times, and
 * the token cache's folder, file names, records and freshness rules.
 *
 * Nothing here reads the environment, touches a file or the network: the
 * tool hands in what it read and does the I/O itself.
 */
#ifndef DK_ECRTOKEN_H
#define DK_ECRTOKEN_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"

#define ECRTOKEN_PUBLIC_HOST	"public.ecr.aws"
#define ECRTOKEN_PUBLIC_REGION	"us-east-1"
#define ECRTOKEN_HOSTMAX	256
#define ECRTOKEN_TIMESZ		21	/* "2006-01-02T15:04:05Z" and NUL */
#define ECRTOKEN_NAMEMAX	96	/* a cache file name, with NUL */
/* A cached token still counts as valid only with this much time left. */
#define ECRTOKEN_MARGIN		60

/* What a registry host stands for. */
struct ecrtoken_registry {
	char	host[ECRTOKEN_HOSTMAX];	/* lower case, without scheme or path */
	char	account[13];		/* 12 digits; "" for ECR Public */
	char	region[32];
	int	fips;			/* dkr.ecr-fips / dkr-ecr-fips */
	int	dualstack;		/* dkr-ecr.REGION.on.aws */
	int	public;			/* public.ecr.aws */
};

/*
 * The host[:port] of a server address as Docker clients pass it:
 * "https://HOST/v2/", "HOST:5000", "HOST" (surrounding white space, a
 * scheme, a path, and a port 443 after an ECR-style host are dropped), in
 * lower case, into host.  Returns 0, or -1 when nothing host-like is left,
 * it holds user info ('@') or a character no host name has, or it does not
 * fit.
 */
int	ecrtoken_server_host(const char *addr, char *host, size_t hostsz);

/*
 * Whether host (as ecrtoken_server_host() leaves it) is an ECR registry:
 * public.ecr.aws, or what awshost_parse_registry() takes apart
 * (ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn],
 * ACCOUNT.dkr-ecr[-fips].REGION.on.aws), with dual-stack told apart.
 * Returns 0 with *r filled, or -1 (r untouched).
 */
int	ecrtoken_parse_registry(const char *host, struct ecrtoken_registry *r);

/* Whether s is an AWS account id (a registry id): exactly 12 digits. */
int	ecrtoken_account_valid(const char *s);

/* A token, fetched or cached.  Zero it before use; ecrtoken_free() after. */
struct ecrtoken {
	char	 registry[ECRTOKEN_HOSTMAX];	/* "" when the answer named none */
	char	*username;	/* owned: "AWS" */
	char	*password;	/* owned, secret: wiped by ecrtoken_free() */
	time_t	 expires_at;
	time_t	 fetched_at;
};

/* Wipe the password, free both strings, zero the struct. */
void	ecrtoken_free(struct ecrtoken *);

/*
 * Split a base64 authorizationToken ("AWS:<password>", decoded with
 * OpenSSL) into t->username and t->password, replacing what they held.
 * Returns 0, or -1 with err DKERR_NETWORK (the answer is malformed): not
 * base64, no ':', an empty part, or a control byte.  The decoded bytes are
 * wiped before it returns.
 */
int	ecrtoken_decode(const char *b64, struct ecrtoken *t, struct dkerr *);

/*
 * Read a GetAuthorizationToken answer: ECR's authorizationData is a list
 * (the first entry is taken), ECR Public's (public != 0) an object.  Fills
 * username, password, expires_at (epoch seconds, a fraction cut off),
 * registry (proxyEndpoint's host, or public.ecr.aws) and fetched_at = now.
 * Returns 0, or -1 with err DKERR_NETWORK naming what is missing.
 * Borrows reply; t must be zeroed or freed before.
 */
int	ecrtoken_from_reply(const json_t *reply, int public, time_t now,
	    struct ecrtoken *t, struct dkerr *);

/* An epoch time as RFC 3339 UTC ("2015-01-01T00:00:00Z"): 0, or -1. */
int	ecrtoken_format_time(time_t, char out[ECRTOKEN_TIMESZ]);

/*
 * The cache folder: XDG_CACHE_HOME/deploykit when that is an absolute
 * path, else HOME/.cache/deploykit; either argument may be NULL.  Appends
 * to out.  Returns 0, or -1 when neither gives an absolute path or it
 * does not fit (errno EOVERFLOW/ENOMEM from buf).
 */
int	ecrtoken_cache_dir(const char *xdg_cache_home, const char *home,
	    struct buf *out);

/*
 * The cache file name for a token: "ecr-REGION-ACCOUNT-HASH.json" (ACCOUNT
 * "default" when account is NULL or "", the caller's own registry) or
 * "ecr-public-HASH.json", where HASH is 16 hex digits of the SHA-256 of
 * the access key id, so that the key never appears in a file name and
 * another key never reads this one's token.  Returns 0, or -1 when the
 * region or account is malformed or out is too small.
 */
int	ecrtoken_cache_name(const char *region, const char *account, int public,
	    const char *access_key_id, char *out, size_t outsz);

/* Whether a name is one ecrtoken_cache_name() makes (for listing). */
int	ecrtoken_cache_name_valid(const char *name);

/*
 * A cache record: one JSON object, {"registry","username","password",
 * "expires_at","fetched_at"} (times in epoch seconds), then a newline.
 * Appends to out; the caller wipes it.  Returns 0, or -1 on ENOMEM.
 */
int	ecrtoken_cache_encode(const struct ecrtoken *, struct buf *out);

/*
 * Parse a cache record into t (zeroed or freed before).  Returns 0, or -1
 * with err DKERR_INPUT naming what is wrong.
 */
int	ecrtoken_cache_decode(const char *data, size_t len, struct ecrtoken *t,
	    struct dkerr *);

/*
 * Whether a cached token is reused as it is: less than half its lifetime
 * (fetched_at to expires_at) has passed at now.
 */
int	ecrtoken_fresh(const struct ecrtoken *, time_t now);

/*
 * Whether a token can still be used: at least ECRTOKEN_MARGIN seconds
 * before it expires at now.  A token already expired when it was fetched
 * is never cached (the caller checks this before storing).
 */
int	ecrtoken_usable(const struct ecrtoken *, time_t now);

#endif
