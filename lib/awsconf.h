/*
 * awsconf: the AWS configuration as the SDKs read it.
 *
 * The environment (AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_REGION,
 * AWS_DEFAULT_REGION, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
 * AWS_CA_BUNDLE, AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT,
 * AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, AWS_MAX_ATTEMPTS) and the shared
 * `config` and `credentials` files (INI, parsed with inih), read once into a
 * struct that the rest of lib/ consults.  Reading the environment is
 * explicit: the configuration's variables here, in awsconf_load(); the
 * credential sources' own (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE,
 * the container and metadata ones) in awscred_resolve(), which reads them
 * when it gets to them, as the SDKs do.
 * An empty variable counts as unset.
 *
 * The files as botocore reads them:
 *  - config: [default], [profile NAME] (also [profile "NAME"]),
 *    [sso-session NAME], [services NAME]; other sections are ignored.
 *    credentials: [NAME], every section a profile.  For the same key of
 *    the same profile the credentials file wins.
 *  - Key names are folded to lower case (configparser does); section and
 *    profile names are case-sensitive.  Lines start comments with '#' or ';'.
 *  - An indented line continues the value above it.  Under a key with an
 *    empty value ("ssm =") the indented lines are sub-properties
 *    ("  endpoint_url = URL"), stored as "ssm.endpoint_url".
 *  - Unlike botocore: a repeated section or key is merged, the later value
 *    winning (the other SDKs do that; botocore refuses the file), and a
 *    ';' after a blank starts a comment inside any value, continuation
 *    lines too (inih's inline comments, applied alike whatever inih
 *    version is linked).
 *  - Lines may be of any length: they are handed to inih in pieces (its
 *    line buffer is 200 bytes), so session tokens fit; a section header
 *    must fit the buffer.  This and the sub-properties need inih built
 *    with multi-line values (INI_ALLOW_MULTILINE, its default and
 *    Debian's).
 */
#ifndef DK_AWSCONF_H
#define DK_AWSCONF_H

#include <stddef.h>

#include "awshost.h"
#include "dkerr.h"

/* Largest config or credentials file read. */
#define AWSCONF_FILE_MAX	((size_t)1 << 20)

/* Kinds of sections a lookup can ask for. */
enum awsconf_kind {
	AWSCONF_PROFILE,	/* [default], [profile NAME], credentials [NAME] */
	AWSCONF_SSO_SESSION,	/* [sso-session NAME] */
	AWSCONF_SERVICES	/* [services NAME] */
};

struct awsconf_section;		/* opaque: one section's keys */
struct awsconf_envurl;		/* opaque: one AWS_ENDPOINT_URL_<ID> */

struct awsconf {
	char	*profile;	/* AWS_DEFAULT_PROFILE > AWS_PROFILE (botocore's
				 * order), else "default" */
	int	 profile_explicit;	/* one of them was set */
	char	*region;	/* AWS_REGION > AWS_DEFAULT_REGION > profile; may be NULL */
	char	*ca_bundle;	/* AWS_CA_BUNDLE > profile ca_bundle; may be NULL */
	int	 use_fips;	/* AWS_USE_FIPS_ENDPOINT > use_fips_endpoint */
	int	 use_dualstack;	/* AWS_USE_DUALSTACK_ENDPOINT > use_dualstack_endpoint */
	int	 max_attempts;	/* AWS_MAX_ATTEMPTS > profile max_attempts > 3 */
	int	 ignore_endpoint_urls;	/* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS >
					 * ignore_configured_endpoint_urls */
	char	*endpoint_url;	/* AWS_ENDPOINT_URL as set (checked when used); NULL */
	char	*config_file;	/* paths consulted (for messages); NULL */
	char	*credentials_file;	/* when there is no home to find them in */
	/* Private to awsconf.c. */
	struct awsconf_section	*sections;
	size_t			 nsections;
	size_t			 sectionscap;
	struct awsconf_envurl	*envurls;
	size_t			 nenvurls;
};

/*
 * Read the environment and the two shared files.  A missing file is not an
 * error; a malformed one is (DKERR_INPUT naming the file and line), and so
 * is an AWS_PROFILE that names a profile neither file has, a bad region, a
 * boolean other than true/false, or max_attempts outside 1..20.  Files must
 * be regular files of at most AWSCONF_FILE_MAX bytes (symbolic links are
 * followed).  Error messages never quote secret values.
 * Returns 0, or -1 with err set.  Free with awsconf_free() either way.
 */
int	awsconf_load(struct awsconf *, struct dkerr *);

/* Release everything, wiping the values read (they include secrets). */
void	awsconf_free(struct awsconf *);

/*
 * A key of a profile (`[profile NAME]` in config, `[NAME]` in credentials;
 * the credentials file wins), or NULL.  profile NULL means conf->profile.
 * Borrowed, valid until awsconf_free().
 */
const char *awsconf_get(const struct awsconf *, const char *profile,
	    const char *key);

/*
 * A key of any kind of section (an sso-session's sso_start_url, a services
 * section's "ssm.endpoint_url"), or NULL.  Borrowed as awsconf_get().
 */
const char *awsconf_lookup(const struct awsconf *, enum awsconf_kind,
	    const char *name, const char *key);

/* Whether a profile exists in either file. */
int	awsconf_has_profile(const struct awsconf *, const char *profile);

/*
 * Whether a string is an http:// or https:// URL with a host, an optional
 * port (1-65535) and path, and nothing odd (no user info, fragment, space
 * or control bytes).  The loopback rule for http is http_url_parse()'s.
 */
int	awsconf_url_valid(const char *);

/*
 * The endpoint URL for a service: AWS_ENDPOINT_URL_<ID> > AWS_ENDPOINT_URL >
 * the profile's services section (`services = NAME`, then
 * [services NAME] <id in lower case> = / endpoint_url = ...) > the
 * profile's endpoint_url > the standard host (awshost_endpoint(), with the
 * FIPS/dual-stack settings, which a configured URL overrides).  With
 * ignore_endpoint_urls only the standard host.  The region is the service's
 * global_region, else conf->region.  Returns a URL the caller frees, or
 * NULL with err set: DKERR_INPUT for no region, a malformed configured URL,
 * a services section that does not exist.
 */
char	*awsconf_endpoint(const struct awsconf *, const struct awshost_service *,
	    struct dkerr *);

#endif
