/*
 * Unit tests for lib/awsconf: the SDKs' environment variables and shared
 * files, their precedence, the INI dialect (through inih), malformed input
 * and the endpoint chain.  Works in a mkdtemp() folder with HOME and the
 * AWS_* variables set per test.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsconf.h"
#include "awshost.h"
#include "dkerr.h"
#include "tap.h"

extern char **environ;

static char	 dir[PATH_MAX];
static char	 cfgpath[PATH_MAX + 16];
static char	 credpath[PATH_MAX + 16];

/* Set by each test; only what awsconf reads. */
static const char *vars[] = {
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_CA_BUNDLE", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
	"AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_MAX_ATTEMPTS",
};

static void
die(const char *what)
{
	perror(what);
	exit(2);
}

/* path = dir/name; exits on overflow (a test bug). */
static void
path_in(char *path, size_t pathsz, const char *name)
{
	int	n = snprintf(path, pathsz, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= pathsz)
		die("path too long");
}

static void
write_path(const char *path, const char *data, size_t len)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		die(path);
	if (len && fwrite(data, 1, len, f) != len)
		die(path);
	if (fclose(f) == EOF)
		die(path);
}

/* Write the config file (NULL: remove it). */
static void
config(const char *text)
{
	if (text)
		write_path(cfgpath, text, strlen(text));
	else
		unlink(cfgpath);
}

static void
credentials(const char *text)
{
	if (text)
		write_path(credpath, text, strlen(text));
	else
		unlink(credpath);
}

/* Every AWS variable awsconf reads unset; the files in dir. */
static void
env_reset(void)
{
	char	 name[256];
	size_t	 i, n;
	int	 again = 1;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	while (again) {
		again = 0;
		for (i = 0; environ[i]; i++) {
			if (strncmp(environ[i], "AWS_ENDPOINT_URL_", 17) != 0)
				continue;
			n = strcspn(environ[i], "=");
			if (n >= sizeof(name))
				continue;
			memcpy(name, environ[i], n);
			name[n] = '\0';
			unsetenv(name);
			again = 1;
			break;
		}
	}
	setenv("HOME", dir, 1);
	setenv("AWS_CONFIG_FILE", cfgpath, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", credpath, 1);
	config(NULL);
	credentials(NULL);
}

/* Load with fresh structs; returns awsconf_load()'s value. */
static int
load(struct awsconf *c, struct dkerr *e)
{
	memset(e, 0, sizeof(*e));
	return awsconf_load(c, e);
}

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
has(const char *haystack, const char *needle)
{
	return haystack && strstr(haystack, needle) != NULL;
}

/* Loading fails with DKERR_INPUT and a message holding want. */
static void
load_fails(const char *want, const char *what)
{
	struct awsconf	 c;
	struct dkerr	 e;
	int		 rc;

	rc = load(&c, &e);
	if (!tap_ok(rc == -1 && e.kind == DKERR_INPUT && has(e.msg, want),
	    "%s: refused (%s)", what, e.msg))
		tap_diag("want a message with '%s'", want);
	awsconf_free(&c);
}

/* Load, and whether a service's endpoint is want (told why if not). */
static int
endpoint_is(const struct awshost_service *svc, const char *want)
{
	struct awsconf	 c;
	struct dkerr	 e;
	char		*u = NULL;
	int		 ok;

	ok = load(&c, &e) == 0 &&
	    streq((u = awsconf_endpoint(&c, svc, &e)), want);
	if (!ok)
		tap_diag("got %s (%s)", u ? u : "NULL", e.msg);
	free(u);
	awsconf_free(&c);
	return ok;
}

static void
test_defaults(void)
{
	struct awsconf	 c;
	struct dkerr	 e;
	char		 want[PATH_MAX + 32];
	char		 aws[PATH_MAX + 16];

	env_reset();
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	tap_ok(load(&c, &e) == 0, "no files at all: fine");
	tap_ok(streq(c.profile, "default") && !c.profile_explicit &&
	    c.region == NULL && c.ca_bundle == NULL && !c.use_fips &&
	    !c.use_dualstack && c.max_attempts == 3 &&
	    !c.ignore_endpoint_urls && c.endpoint_url == NULL,
	    "defaults: profile default, no region, 3 attempts");
	path_in(want, sizeof(want), ".aws/config");
	tap_ok(streq(c.config_file, want), "config in ~/.aws/config");
	path_in(want, sizeof(want), ".aws/credentials");
	tap_ok(streq(c.credentials_file, want),
	    "credentials in ~/.aws/credentials");
	tap_ok(awsconf_get(&c, NULL, "region") == NULL &&
	    !awsconf_has_profile(&c, "default"), "nothing to look up");
	awsconf_free(&c);

	path_in(aws, sizeof(aws), ".aws");
	if (mkdir(aws, 0700) == -1 && errno != EEXIST)
		die(aws);
	path_in(want, sizeof(want), ".aws/config");
	write_path(want, "[default]\nregion = eu-north-1\n", 30);
	path_in(want, sizeof(want), ".aws/credentials");
	write_path(want, "[default]\naws_access_key_id = AKIDHOME\n", 39);
	tap_ok(load(&c, &e) == 0 && streq(c.region, "eu-north-1") &&
	    streq(awsconf_get(&c, NULL, "aws_access_key_id"), "AKIDHOME"),
	    "both files read from HOME");
	awsconf_free(&c);

	setenv("AWS_CONFIG_FILE", "~/.aws/credentials", 1);
	tap_ok(load(&c, &e) == 0 && c.region == NULL && has(c.config_file,
	    dir) && has(c.config_file, "/.aws/credentials"),
	    "AWS_CONFIG_FILE ~/ expanded");
	awsconf_free(&c);
	path_in(want, sizeof(want), ".aws/config");
	unlink(want);
	path_in(want, sizeof(want), ".aws/credentials");
	unlink(want);
	rmdir(aws);

	env_reset();
	path_in(want, sizeof(want), "nonexistent/config");
	setenv("AWS_CONFIG_FILE", want, 1);
	tap_ok(load(&c, &e) == 0 && streq(c.config_file, want),
	    "a missing AWS_CONFIG_FILE is no error");
	awsconf_free(&c);
	awsconf_free(&c);
	tap_ok(c.profile == NULL && c.sections == NULL,
	    "awsconf_free zeroes, twice is safe");
}

static void
test_profiles(void)
{
	struct awsconf	 c;
	struct dkerr	 e;

	env_reset();
	config("[default]\nregion = eu-west-1\noutput = json\n"
	    "[profile dev]\nregion = eu-west-2\n"
	    "role_arn = arn:aws:iam::1:role/x\n"
	    "[dev]\nregion = ap-south-1\n"
	    "[profile \"my team\"]\nregion = ca-central-1\n"
	    "[profile    spaced   ]\nregion = sa-east-1\n"
	    "[profile two words]\nregion = us-west-1\n"
	    "[profilefoo]\nregion = us-west-2\n"
	    "[sso-session corp]\n"
	    "sso_start_url = https://corp.awsapps.com/start\n"
	    "sso_region = us-east-1\n"
	    "[preview]\ncloudfront = true\n");
	credentials("[default]\naws_access_key_id = AKIDDEFAULT\n"
	    "aws_secret_access_key = SECRETDEFAULT\n"
	    "[dev]\naws_access_key_id = AKIDDEV\nregion = us-east-2\n"
	    "[ci]\naws_access_key_id = AKIDCI\n"
	    "[profile odd]\naws_access_key_id = AKIDODD\n");

	tap_ok(load(&c, &e) == 0 && streq(c.profile, "default") &&
	    streq(c.region, "eu-west-1"), "default profile's region");
	tap_ok(streq(awsconf_get(&c, NULL, "aws_access_key_id"),
	    "AKIDDEFAULT") && streq(awsconf_get(&c, "default", "output"),
	    "json"), "keys from both files");
	tap_ok(streq(awsconf_get(&c, "dev", "region"), "us-east-2"),
	    "credentials file wins for the same key");
	tap_ok(streq(awsconf_get(&c, "dev", "role_arn"),
	    "arn:aws:iam::1:role/x") &&
	    streq(awsconf_get(&c, "dev", "aws_access_key_id"), "AKIDDEV"),
	    "one profile merged from [profile dev] and credentials [dev]");
	tap_ok(streq(awsconf_get(&c, "my team", "region"), "ca-central-1"),
	    "[profile \"my team\"] unquoted as shlex would");
	tap_ok(streq(awsconf_get(&c, "spaced", "region"), "sa-east-1"),
	    "[profile    spaced   ]");
	tap_ok(!awsconf_has_profile(&c, "two") &&
	    !awsconf_has_profile(&c, "two words") &&
	    !awsconf_has_profile(&c, "foo") &&
	    !awsconf_has_profile(&c, "profilefoo") &&
	    !awsconf_has_profile(&c, "preview"),
	    "[profile a b], [profilefoo], [preview] are no profiles");
	tap_ok(awsconf_has_profile(&c, "ci") &&
	    awsconf_has_profile(&c, "profile odd") &&
	    !awsconf_has_profile(&c, "odd"),
	    "credentials sections are profile names as written");
	tap_ok(streq(awsconf_lookup(&c, AWSCONF_SSO_SESSION, "corp",
	    "sso_start_url"), "https://corp.awsapps.com/start") &&
	    awsconf_get(&c, "corp", "sso_start_url") == NULL,
	    "sso-session sections apart from profiles");
	tap_ok(awsconf_get(&c, "nosuch", "region") == NULL &&
	    awsconf_get(&c, "default", "nosuch") == NULL &&
	    awsconf_get(NULL, "default", "region") == NULL,
	    "absent keys are NULL");
	awsconf_free(&c);

	setenv("AWS_PROFILE", "dev", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.profile, "dev") &&
	    c.profile_explicit && streq(c.region, "us-east-2") &&
	    streq(awsconf_get(&c, NULL, "aws_access_key_id"), "AKIDDEV"),
	    "AWS_PROFILE picks the profile");
	awsconf_free(&c);

	setenv("AWS_DEFAULT_PROFILE", "ci", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.profile, "ci") &&
	    c.region == NULL, "AWS_DEFAULT_PROFILE before AWS_PROFILE "
	    "(botocore's order); profile only in credentials");
	awsconf_free(&c);
	setenv("AWS_DEFAULT_PROFILE", "", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.profile, "dev"),
	    "an empty AWS_DEFAULT_PROFILE counts as unset");
	awsconf_free(&c);
	unsetenv("AWS_DEFAULT_PROFILE");
	setenv("AWS_PROFILE", "", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.profile, "default") &&
	    !c.profile_explicit, "an empty AWS_PROFILE counts as unset");
	awsconf_free(&c);

	setenv("AWS_PROFILE", "nosuch", 1);
	load_fails("AWS_PROFILE=nosuch: no such profile", "unknown profile");
	setenv("AWS_DEFAULT_PROFILE", "gone", 1);
	load_fails("AWS_DEFAULT_PROFILE=gone", "unknown AWS_DEFAULT_PROFILE");
	unsetenv("AWS_DEFAULT_PROFILE");
	setenv("AWS_PROFILE", "preview", 1);
	load_fails("no such profile", "a config [NAME] is not a profile");

	env_reset();
	setenv("AWS_PROFILE", "default", 1);
	load_fails("AWS_PROFILE=default", "named default must exist too");
	config("[profile default]\nregion = eu-west-3\n");
	tap_ok(load(&c, &e) == 0 && streq(c.region, "eu-west-3"),
	    "[profile default] is the default profile");
	awsconf_free(&c);
}

static void
test_precedence(void)
{
	struct awsconf	 c;
	struct dkerr	 e;

	env_reset();
	config("[default]\nregion = eu-west-1\nca_bundle = /etc/profile.pem\n"
	    "use_fips_endpoint = true\nuse_dualstack_endpoint = TRUE\n"
	    "max_attempts = 7\nignore_configured_endpoint_urls = false\n");
	tap_ok(load(&c, &e) == 0 && streq(c.region, "eu-west-1") &&
	    streq(c.ca_bundle, "/etc/profile.pem") && c.use_fips == 1 &&
	    c.use_dualstack == 1 && c.max_attempts == 7 &&
	    c.ignore_endpoint_urls == 0, "settings from the profile");
	awsconf_free(&c);

	setenv("AWS_DEFAULT_REGION", "eu-west-2", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.region, "eu-west-2"),
	    "AWS_DEFAULT_REGION > profile region");
	awsconf_free(&c);
	setenv("AWS_REGION", "eu-west-3", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.region, "eu-west-3"),
	    "AWS_REGION > AWS_DEFAULT_REGION");
	awsconf_free(&c);
	setenv("AWS_REGION", "", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.region, "eu-west-2"),
	    "empty AWS_REGION counts as unset");
	awsconf_free(&c);

	setenv("AWS_CA_BUNDLE", "/etc/env.pem", 1);
	setenv("AWS_USE_FIPS_ENDPOINT", "False", 1);
	setenv("AWS_USE_DUALSTACK_ENDPOINT", "false", 1);
	setenv("AWS_MAX_ATTEMPTS", "2", 1);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "tRuE", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.ca_bundle, "/etc/env.pem") &&
	    c.use_fips == 0 && c.use_dualstack == 0 && c.max_attempts == 2 &&
	    c.ignore_endpoint_urls == 1,
	    "environment > profile for every setting, any case");
	awsconf_free(&c);

	env_reset();
	config("[default]\nregion = not a region\n");
	setenv("AWS_REGION", "us-east-1", 1);
	tap_ok(load(&c, &e) == 0 && streq(c.region, "us-east-1"),
	    "an overridden profile region is not checked");
	awsconf_free(&c);
}

static void
test_bad_settings(void)
{
	static const char *badnums[] = {
		"0", "21", "abc", "-1", "+3", " 3", "3 ", "3x", "1e1",
		"999999999999999999999", "0x3", "",
	};
	struct awsconf	 c;
	struct dkerr	 e;
	char		 what[64];
	size_t		 i;

	env_reset();
	setenv("AWS_REGION", "eu-west-1.evil", 1);
	load_fails("AWS_REGION=eu-west-1.evil: not a valid region",
	    "bad AWS_REGION");
	unsetenv("AWS_REGION");
	setenv("AWS_DEFAULT_REGION", "EU-WEST-1", 1);
	load_fails("AWS_DEFAULT_REGION=EU-WEST-1", "bad AWS_DEFAULT_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	config("[default]\n\nregion = eu_west_1\n");
	load_fails(":3: region = eu_west_1: not a valid region",
	    "bad profile region names file and line");
	config(NULL);
	credentials("[default]\nregion = moon-1\n");
	load_fails("credentials:2: region", "bad region in credentials file");
	credentials(NULL);

	setenv("AWS_USE_FIPS_ENDPOINT", "yes", 1);
	load_fails("AWS_USE_FIPS_ENDPOINT=yes: expected true or false",
	    "AWS_USE_FIPS_ENDPOINT=yes");
	setenv("AWS_USE_FIPS_ENDPOINT", "1", 1);
	load_fails("AWS_USE_FIPS_ENDPOINT=1", "AWS_USE_FIPS_ENDPOINT=1");
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	setenv("AWS_USE_DUALSTACK_ENDPOINT", "truee", 1);
	load_fails("AWS_USE_DUALSTACK_ENDPOINT=truee",
	    "AWS_USE_DUALSTACK_ENDPOINT=truee");
	unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "on", 1);
	load_fails("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=on",
	    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=on");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	config("[default]\nuse_dualstack_endpoint = 0\n");
	load_fails("config:2: use_dualstack_endpoint = 0: expected true or "
	    "false", "bad boolean in the profile");
	config("[default]\nuse_fips_endpoint = maybe\n");
	load_fails("use_fips_endpoint = maybe", "use_fips_endpoint = maybe");
	config(NULL);

	for (i = 0; i < sizeof(badnums) / sizeof(badnums[0]); i++) {
		if (badnums[i][0] == '\0')
			continue;	/* empty is unset; tested below */
		setenv("AWS_MAX_ATTEMPTS", badnums[i], 1);
		snprintf(what, sizeof(what), "AWS_MAX_ATTEMPTS='%s'",
		    badnums[i]);
		load_fails("expected a number from 1 to 20", what);
	}
	setenv("AWS_MAX_ATTEMPTS", "", 1);
	tap_ok(load(&c, &e) == 0 && c.max_attempts == 3,
	    "empty AWS_MAX_ATTEMPTS: the default");
	awsconf_free(&c);
	setenv("AWS_MAX_ATTEMPTS", "20", 1);
	tap_ok(load(&c, &e) == 0 && c.max_attempts == 20, "20 attempts");
	awsconf_free(&c);
	setenv("AWS_MAX_ATTEMPTS", "1", 1);
	tap_ok(load(&c, &e) == 0 && c.max_attempts == 1, "1 attempt");
	awsconf_free(&c);
	unsetenv("AWS_MAX_ATTEMPTS");
	config("[default]\nmax_attempts = 50\n");
	load_fails("config:2: max_attempts = 50", "profile max_attempts 50");
	config("[default]\nmax_attempts=\n");
	load_fails("max_attempts", "empty profile max_attempts");
}

static void
test_malformed(void)
{
	static const struct {
		const char	*text, *want, *what;
	} t[] = {
		{ "[default]\nregion = eu-west-1\njust words\n", "config:3: ",
		    "a line without =" },
		{ "# comment\n[default\nregion = x\n", "config:2: ",
		    "unclosed section header" },
		{ "region = eu-west-1\n[default]\n", "config:1: name = value "
		    "before any [section]", "key before any section" },
		{ "[default]\ns3 =\n  addressing_style = path\n  nonsense\n",
		    "config:4: expected name = value under s3",
		    "sub-property without =" },
		{ "[default]\ns3 =\n  = path\n",
		    "config:3: expected name = value under s3",
		    "sub-property without a name" },
		{ "[default]\nregion = eu-\001west-1\n",
		    "config:2: control character", "control byte" },
		{ "[default]\nx = 1\n[a", "config:3: ", "no final newline" },
	};
	char	 big[300], *huge;
	size_t	 i, n;

	env_reset();
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		config(t[i].text);
		load_fails(t[i].want, t[i].what);
	}
	write_path(cfgpath, "[default]\nregion = eu-west-1\0x\n", 31);
	load_fails("config:2: control character", "NUL byte");

	/* The file name is in the message, the secret is not. */
	config(NULL);
	credentials("[default]\naws_access_key_id = AKIDLEAK\n"
	    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET\n"
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET2\n");
	{
		struct awsconf	 c;
		struct dkerr	 e;

		tap_ok(load(&c, &e) == -1 && has(e.msg, credpath) &&
		    has(e.msg, ":4: ") && !has(e.msg, "SECRET") &&
		    !has(e.msg, "wJalr"), "malformed credentials: file and "
		    "line, no secret (%s)", e.msg);
		awsconf_free(&c);
	}
	credentials("[default]\naws_session_token = abc\n"
	    "aws_secret_access_key = TOPSECRET\nregion = nope\n");
	{
		struct awsconf	 c;
		struct dkerr	 e;

		tap_ok(load(&c, &e) == -1 && has(e.msg, "region = nope") &&
		    !has(e.msg, "TOPSECRET"), "bad region next to a secret: "
		    "only the region quoted");
		awsconf_free(&c);
	}
	credentials(NULL);

	/* Section headers inih cannot hold. */
	memset(big, 'p', sizeof(big));
	memcpy(big, "[profile ", 9);
	memcpy(big + 250, "]\nk = v\n", 9);
	config(big);
	load_fails("config:1: section header line too long",
	    "section header over inih's line buffer");

	/* Not regular, too big. */
	setenv("AWS_CONFIG_FILE", dir, 1);
	load_fails("not a regular file", "a folder as config file");
	{
		char	fifo[PATH_MAX + 16];

		path_in(fifo, sizeof(fifo), "fifo");
		unlink(fifo);
		if (mkfifo(fifo, 0600) == 0) {
			setenv("AWS_CONFIG_FILE", fifo, 1);
			load_fails("not a regular file",
			    "a FIFO is refused without blocking");
			unlink(fifo);
		} else
			tap_skip("mkfifo: %s", strerror(errno));
	}
	setenv("AWS_CONFIG_FILE", cfgpath, 1);
	n = AWSCONF_FILE_MAX + 1;
	if ((huge = malloc(n)) == NULL)
		die("malloc");
	memset(huge, '#', n);
	huge[0] = '\n';
	write_path(cfgpath, huge, n);
	load_fails("larger than 1048576 bytes", "file over 1 MiB");
	write_path(cfgpath, huge, n - 1);
	{
		struct awsconf	 c;
		struct dkerr	 e;

		tap_ok(load(&c, &e) == 0, "file of exactly 1 MiB is read");
		awsconf_free(&c);
	}
	free(huge);

	config("[default]\nregion = eu-west-1\n");
	if (geteuid() != 0) {
		chmod(cfgpath, 0);
		load_fails("Permission denied", "unreadable config file");
		chmod(cfgpath, 0600);
	} else
		tap_skip("running as root: cannot test an unreadable file");
}

static void
test_dialect(void)
{
	struct awsconf	 c;
	struct dkerr	 e;

	env_reset();
	config("\xef\xbb\xbf# a BOM, comments of both kinds\r\n"
	    "; semicolon comment\r\n"
	    "[default]\r\n"
	    "Region = eu-west-1 ; inline comment\r\n"
	    "hash = a # not a comment\r\n"
	    "semi = a;b\r\n"
	    "colon: value\r\n"
	    "empty =\r\n"
	    "   # indented comment\r\n"
	    "multi = first\r\n"
	    "  second\r\n"
	    "\tthird ; cut\r\n"
	    "credential_process = /usr/bin/helper --profile x\r\n"
	    "dup = 1\r\n"
	    "dup = 2\r\n"
	    "[profile b]\r\n"
	    "   indented_first = yes\r\n"
	    "[default]\r\n"
	    "later = merged\r\n"
	    "[preview]\r\n"
	    "thing =\r\n"
	    "  sub = 1\r\n"
	    "[profile c]\r\n"
	    "last = no newline");
	tap_ok(load(&c, &e) == 0, "a file of every construct loads (%s)",
	    e.msg);
	tap_ok(streq(c.region, "eu-west-1"),
	    "BOM, CRLF, key case folded, \" ;\" comment cut");
	tap_ok(streq(awsconf_get(&c, NULL, "hash"), "a # not a comment") &&
	    streq(awsconf_get(&c, NULL, "semi"), "a;b"),
	    "'#' and ';' without a blank stay in values");
	tap_ok(streq(awsconf_get(&c, NULL, "colon"), "value"),
	    "name: value");
	tap_ok(streq(awsconf_get(&c, NULL, "empty"), ""), "empty value");
	tap_ok(streq(awsconf_get(&c, NULL, "multi"), "first\nsecond\nthird"),
	    "indented lines continue a value, joined with newlines");
	tap_ok(streq(awsconf_get(&c, NULL, "credential_process"),
	    "/usr/bin/helper --profile x"), "credential_process kept whole");
	tap_ok(streq(awsconf_get(&c, NULL, "dup"), "2"),
	    "repeated key: the later wins");
	tap_ok(streq(awsconf_get(&c, "b", "indented_first"), "yes"),
	    "an indented first key is a key");
	tap_ok(streq(awsconf_get(&c, NULL, "later"), "merged") &&
	    streq(awsconf_get(&c, NULL, "semi"), "a;b"),
	    "repeated section merges");
	tap_ok(streq(awsconf_get(&c, "c", "last"), "no newline"),
	    "last line without newline");
	tap_ok(awsconf_get(&c, NULL, "thing") == NULL &&
	    !awsconf_has_profile(&c, "preview"),
	    "ignored sections keep nothing");
	awsconf_free(&c);
}

/*
 * inih reads lines into 200 bytes; awsconf hands longer ones over in
 * pieces.  Values must come back exactly as a short line's would.
 */
static void
test_long_lines(void)
{
	struct awsconf	 c;
	struct dkerr	 e;
	char		*tok, *text, *want, name[80], *p;
	size_t		 len, i, cut, bad = 0, n;

	env_reset();
	/* A session token as STS hands them out: ~1000 base64 bytes. */
	len = 1100;
	tok = malloc(len + 1);
	text = malloc(4 * len);
	want = malloc(len + 1);
	if (tok == NULL || text == NULL || want == NULL)
		die("malloc");
	for (i = 0; i < len; i++)
		tok[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+/="[(i * 7) % 65];
	tok[len] = '\0';
	n = (size_t)snprintf(text, 4 * len, "[default]\naws_access_key_id = A\n"
	    "aws_session_token = %s\naws_secret_access_key = S\n"
	    "region = eu-west-1\n", tok);
	if (n >= 4 * len)
		die("snprintf");
	credentials(text);
	tap_ok(load(&c, &e) == 0 &&
	    streq(awsconf_get(&c, NULL, "aws_session_token"), tok) &&
	    streq(awsconf_get(&c, NULL, "aws_secret_access_key"), "S") &&
	    streq(c.region, "eu-west-1"),
	    "a 1100-byte session token comes back whole (%s)", e.msg);
	awsconf_free(&c);

	/* Blanks at every possible cut survive; the ends are trimmed. */
	for (i = 0; i < len; i++)
		tok[i] = i % 3 == 0 ? ' ' : (i % 5 == 0 ? '\t' : 'x');
	snprintf(text, 4 * len, "[default]\nk =%s\n", tok);
	credentials(text);
	memcpy(want, tok, len + 1);
	for (p = want; *p == ' ' || *p == '\t'; p++)
		;
	memmove(want, p, strlen(p) + 1);
	for (n = strlen(want); n && (want[n - 1] == ' ' ||
	    want[n - 1] == '\t'); n--)
		want[n - 1] = '\0';
	tap_ok(load(&c, &e) == 0 && streq(awsconf_get(&c, NULL, "k"), want),
	    "blanks inside a long value kept, ends trimmed");
	awsconf_free(&c);

	/*
	 * A " ;" comment at each position around the first three cuts: the
	 * value ends there, as on a short line.
	 */
	for (cut = 150; cut < 620; cut++) {
		memset(tok, 'v', len);
		tok[len] = '\0';
		tok[cut] = ' ';
		tok[cut + 1] = ';';
		snprintf(text, 4 * len, "[default]\nk = %s\nafter = 1\n", tok);
		credentials(text);
		memset(want, 'v', cut);
		want[cut] = '\0';
		if (load(&c, &e) != 0 ||
		    !streq(awsconf_get(&c, NULL, "k"), want) ||
		    !streq(awsconf_get(&c, NULL, "after"), "1")) {
			if (bad++ == 0)
				tap_diag("comment at %zu: got %.40s... (%s)",
				    cut, awsconf_get(&c, NULL, "k") ?
				    awsconf_get(&c, NULL, "k") : "NULL", e.msg);
		}
		awsconf_free(&c);
	}
	tap_ok(bad == 0, "\" ;\" comment cut exactly at 470 positions of a "
	    "long line");

	/* A long value continued, a long continuation, a long comment. */
	memset(tok, 'y', len);
	tok[len] = '\0';
	snprintf(text, 4 * len, "[default]\n# %s\nk = %.300s\n  %.300s\n"
	    "; %s\n   \t%s\nafter = 2\n", tok, tok, tok, tok, "");
	credentials(text);
	memset(want, 'y', 601);
	want[300] = '\n';
	want[601] = '\0';
	tap_ok(load(&c, &e) == 0 && streq(awsconf_get(&c, NULL, "k"), want) &&
	    streq(awsconf_get(&c, NULL, "after"), "2"),
	    "long comments skipped, long continuation joined (%s)", e.msg);
	awsconf_free(&c);

	/* Line numbers after long lines are the file's. */
	snprintf(text, 4 * len, "[default]\nk = %s\nk2 = %s\nbroken\n", tok,
	    tok);
	credentials(text);
	tap_ok(load(&c, &e) == -1 && has(e.msg, "credentials:4: "),
	    "error line counted in the file's lines (%s)", e.msg);
	awsconf_free(&c);

	/* Long section names: inih keeps 49 bytes. */
	memset(name, 'n', sizeof(name));
	memcpy(name, "team-", 5);
	name[70] = '\0';
	snprintf(text, 4 * len, "[profile %s]\nregion = eu-west-1\n"
	    "[profile %.45s]\nregion = eu-west-2\n", name, name);
	config(text);
	credentials(NULL);
	setenv("AWS_PROFILE", name, 1);
	tap_ok(load(&c, &e) == 0 && streq(c.region, "eu-west-1") &&
	    streq(awsconf_get(&c, "team-nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	    "nnnnnnnn", "region"), "eu-west-2"),
	    "a 70-byte profile name is not cut to inih's 49 (%s)", e.msg);
	awsconf_free(&c);
	unsetenv("AWS_PROFILE");

	/* Long key names with a continuation: inih keeps 49 of prev_name. */
	snprintf(text, 4 * len, "[default]\n%s =\n  sub = 1\n", name);
	config(text);
	snprintf(want, len, "%s.sub", name);
	tap_ok(load(&c, &e) == 0 && streq(awsconf_get(&c, NULL, want), "1"),
	    "sub-property of a 70-byte key");
	awsconf_free(&c);

	/* A long sub-property value, a key longer than inih's buffer. */
	memset(tok, 'h', 400);
	tok[400] = '\0';
	snprintf(text, 4 * len, "[services s]\nssm =\n  endpoint_url = "
	    "https://%s.example.test/\n  other = 1\n", tok);
	config(text);
	snprintf(want, len, "https://%s.example.test/", tok);
	tap_ok(load(&c, &e) == 0 && streq(awsconf_lookup(&c, AWSCONF_SERVICES,
	    "s", "ssm.endpoint_url"), want) && streq(awsconf_lookup(&c,
	    AWSCONF_SERVICES, "s", "ssm.other"), "1"),
	    "long sub-property line (%s)", e.msg);
	awsconf_free(&c);
	snprintf(text, 4 * len, "[default]\nx = 1\n%s = 1\n", tok);
	config(text);
	tap_ok(load(&c, &e) == -1 && has(e.msg, "config:3: "),
	    "a key longer than inih's buffer: refused at its line (%s)",
	    e.msg);
	awsconf_free(&c);

	free(tok);
	free(text);
	free(want);
}

static void
test_services(void)
{
	struct awsconf	 c;
	struct dkerr	 e;
	char		*u;

	env_reset();
	config("[profile dev]\n"
	    "region = eu-west-1\n"
	    "services = local\n"
	    "endpoint_url = https://profile.example.test\n"
	    "[services local]\n"
	    "SSM =\n"
	    "  endpoint_url = http://127.0.0.1:5000\n"
	    "  other = x\n"
	    "\n"
	    "ecr_public =\n"
	    "\tendpoint_url = http://localhost:5001/   ; a comment\n"
	    "sts=\n"
	    "    endpoint_url=https://sts.example.test:8443/base\n"
	    "[profile nosvc]\n"
	    "region = eu-west-1\n"
	    "services = missing\n"
	    "[profile plain]\n"
	    "region = us-west-2\n");
	setenv("AWS_PROFILE", "dev", 1);
	tap_ok(load(&c, &e) == 0, "services sections load (%s)", e.msg);
	tap_ok(streq(awsconf_lookup(&c, AWSCONF_SERVICES, "local",
	    "ssm.endpoint_url"), "http://127.0.0.1:5000") &&
	    streq(awsconf_lookup(&c, AWSCONF_SERVICES, "local", "ssm.other"),
	    "x") && streq(awsconf_lookup(&c, AWSCONF_SERVICES, "local",
	    "ssm"), ""), "sub-properties stored as parent.name");
	u = awsconf_endpoint(&c, &awshost_ssm, &e);
	tap_ok(streq(u, "http://127.0.0.1:5000"),
	    "services section > profile endpoint_url");
	free(u);
	u = awsconf_endpoint(&c, &awshost_ecr_public, &e);
	tap_ok(streq(u, "http://localhost:5001/"),
	    "ecr_public key for ECR Public, comment cut");
	free(u);
	u = awsconf_endpoint(&c, &awshost_sts, &e);
	tap_ok(streq(u, "https://sts.example.test:8443/base"),
	    "no blanks around =");
	free(u);
	u = awsconf_endpoint(&c, &awshost_ecr, &e);
	tap_ok(streq(u, "https://profile.example.test"),
	    "service not in the section: profile endpoint_url");
	free(u);
	awsconf_free(&c);

	setenv("AWS_PROFILE", "nosvc", 1);
	tap_ok(load(&c, &e) == 0, "a dangling services = loads");
	memset(&e, 0, sizeof(e));
	u = awsconf_endpoint(&c, &awshost_ssm, &e);
	tap_ok(u == NULL && e.kind == DKERR_INPUT &&
	    has(e.msg, "no [services missing] section"),
	    "services = NAME without [services NAME]: DKERR_INPUT (%s)",
	    e.msg);
	free(u);
	awsconf_free(&c);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	tap_ok(endpoint_is(&awshost_ssm, "https://ssm.eu-west-1.amazonaws.com"),
	    "ignoring configured URLs skips the dangling section");
}

static void
test_endpoints(void)
{
	static const struct {
		const struct awshost_service	*svc;
		const char			*fips, *ds, *want;
	} std[] = {
		{ &awshost_ssm, NULL, NULL,
		    "https://ssm.eu-west-1.amazonaws.com" },
		{ &awshost_ssm, "true", NULL,
		    "https://ssm-fips.eu-west-1.amazonaws.com" },
		{ &awshost_ssm, NULL, "true", "https://ssm.eu-west-1.api.aws" },
		{ &awshost_ssm, "true", "true",
		    "https://ssm-fips.eu-west-1.api.aws" },
		{ &awshost_ecr, NULL, NULL,
		    "https://api.ecr.eu-west-1.amazonaws.com" },
		{ &awshost_ecr, "true", NULL,
		    "https://ecr-fips.eu-west-1.amazonaws.com" },
		{ &awshost_ecr, NULL, "true", "https://ecr.eu-west-1.api.aws" },
		{ &awshost_ecr, "true", "true",
		    "https://ecr-fips.eu-west-1.api.aws" },
		{ &awshost_sts, NULL, NULL,
		    "https://sts.eu-west-1.amazonaws.com" },
		{ &awshost_sts, "true", "true",
		    "https://sts-fips.eu-west-1.api.aws" },
		{ &awshost_ecr_public, NULL, NULL,
		    "https://api.ecr-public.us-east-1.amazonaws.com" },
		{ &awshost_ecr_public, NULL, "true",
		    "https://ecr-public.us-east-1.api.aws" },
		{ &awshost_ecr_public, "true", NULL, NULL },
	};
	static const char *good_urls[] = {
		"http://127.0.0.1:5000", "https://ssm.example.test",
		"HTTPS://Example.test:443/path?q=1", "http://[::1]:8080/",
		"http://localhost", "https://a-b_c.example.test/x/y",
		"http://10.0.0.1:65535",
	};
	static const char *bad_urls[] = {
		"", "ftp://x", "http://", "https://:443", "http://x:0",
		"http://x:65536", "http://x:123456", "http://x:", "http://x:8a",
		"http://user:pass@x", "http://x/#frag", "http://x y",
		"http://x\n", "//x", "x.example.test", "http://[::1",
		"http://[]:80", "http://[::g]/", "http://.x", "http://x./",
		"http://a..b", "https:/x", "http://x\\y",
	};
	struct awsconf	 c;
	struct dkerr	 e;
	char		*u;
	size_t		 i;

	for (i = 0; i < sizeof(good_urls) / sizeof(good_urls[0]); i++)
		tap_ok(awsconf_url_valid(good_urls[i]), "URL %s valid",
		    good_urls[i]);
	for (i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++)
		tap_ok(!awsconf_url_valid(bad_urls[i]), "URL #%zu refused", i);
	tap_ok(!awsconf_url_valid(NULL), "NULL URL refused");

	env_reset();
	config("[default]\nregion = eu-west-1\n");
	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		if (std[i].fips)
			setenv("AWS_USE_FIPS_ENDPOINT", std[i].fips, 1);
		else
			unsetenv("AWS_USE_FIPS_ENDPOINT");
		if (std[i].ds)
			setenv("AWS_USE_DUALSTACK_ENDPOINT", std[i].ds, 1);
		else
			unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
		if (load(&c, &e) != 0) {
			tap_ok(0, "load: %s", e.msg);
			continue;
		}
		memset(&e, 0, sizeof(e));
		u = awsconf_endpoint(&c, std[i].svc, &e);
		if (std[i].want)
			tap_ok(streq(u, std[i].want), "%s fips=%s ds=%s -> %s",
			    std[i].svc->id, std[i].fips ? "on" : "off",
			    std[i].ds ? "on" : "off", std[i].want);
		else
			tap_ok(u == NULL && e.kind == DKERR_INPUT,
			    "%s FIPS: none (%s)", std[i].svc->id, e.msg);
		free(u);
		awsconf_free(&c);
	}
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	unsetenv("AWS_USE_DUALSTACK_ENDPOINT");

	/* The chain, one link at a time from the bottom. */
	config("[default]\nregion = eu-west-1\nservices = s\n"
	    "[services s]\nssm =\n  endpoint_url = http://127.0.0.1:3\n");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2", 1);
	setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:1", 1);
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9", 1);
	setenv("AWS_ENDPOINT_URL_", "http://127.0.0.1:8", 1);
	setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
	tap_ok(endpoint_is(&awshost_ssm, "http://127.0.0.1:1"),
	    "AWS_ENDPOINT_URL_SSM first, FIPS "
	    "ignored for a configured URL");
	unsetenv("AWS_ENDPOINT_URL_SSM");
	tap_ok(endpoint_is(&awshost_ssm, "http://127.0.0.1:2"),
	    "then AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL");
	tap_ok(endpoint_is(&awshost_ssm, "http://127.0.0.1:3"),
	    "then the services section");
	config("[default]\nregion = eu-west-1\n"
	    "endpoint_url = http://127.0.0.1:4\n");
	tap_ok(endpoint_is(&awshost_ssm, "http://127.0.0.1:4"),
	    "then the profile's endpoint_url");
	credentials("[default]\nendpoint_url = http://127.0.0.1:5\n");
	tap_ok(endpoint_is(&awshost_ssm, "http://127.0.0.1:5"),
	    "credentials file's endpoint_url wins");
	credentials(NULL);
	config("[default]\nregion = eu-west-1\n"
	    "ignore_configured_endpoint_urls = true\n"
	    "endpoint_url = http://127.0.0.1:4\n");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2", 1);
	tap_ok(endpoint_is(&awshost_ssm,
	    "https://ssm-fips.eu-west-1.amazonaws.com"),
	    "ignore_configured_endpoint_urls: the standard (FIPS) host");
	tap_ok(endpoint_is(&awshost_sts,
	    "https://sts-fips.eu-west-1.amazonaws.com"),
	    "... for every service");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_ENDPOINT_URL_");

	/* Bad URLs name their source, never quote themselves. */
	config("[default]\nregion = eu-west-1\n");
	setenv("AWS_ENDPOINT_URL_ECR", "https://tok3n@registry.example", 1);
	tap_ok(load(&c, &e) == 0, "URLs are checked when used, not loaded");
	memset(&e, 0, sizeof(e));
	u = awsconf_endpoint(&c, &awshost_ecr, &e);
	tap_ok(u == NULL && e.kind == DKERR_INPUT &&
	    has(e.msg, "AWS_ENDPOINT_URL_ECR: not an http") &&
	    !has(e.msg, "tok3n"), "bad AWS_ENDPOINT_URL_ECR (%s)", e.msg);
	free(u);
	u = awsconf_endpoint(&c, &awshost_ssm, &e);
	tap_ok(streq(u, "https://ssm.eu-west-1.amazonaws.com"),
	    "other services unaffected");
	free(u);
	awsconf_free(&c);
	unsetenv("AWS_ENDPOINT_URL_ECR");
	setenv("AWS_ENDPOINT_URL_ECR_PUBLIC", "http://127.0.0.1:7", 1);
	tap_ok(endpoint_is(&awshost_ecr_public, "http://127.0.0.1:7"),
	    "AWS_ENDPOINT_URL_ECR_PUBLIC");
	unsetenv("AWS_ENDPOINT_URL_ECR_PUBLIC");
	config("[default]\nregion = eu-west-1\n\n"
	    "endpoint_url = localhost:4566\n");
	tap_ok(load(&c, &e) == 0, "a bad profile URL loads");
	memset(&e, 0, sizeof(e));
	u = awsconf_endpoint(&c, &awshost_ssm, &e);
	tap_ok(u == NULL && has(e.msg, "config:4: endpoint_url: not an http"),
	    "bad profile endpoint_url names file and line (%s)", e.msg);
	free(u);
	awsconf_free(&c);

	/* No region: only global services have an endpoint. */
	config(NULL);
	tap_ok(load(&c, &e) == 0, "no region anywhere loads");
	memset(&e, 0, sizeof(e));
	u = awsconf_endpoint(&c, &awshost_ssm, &e);
	tap_ok(u == NULL && e.kind == DKERR_INPUT &&
	    has(e.msg, "no AWS region"), "SSM needs a region (%s)", e.msg);
	free(u);
	u = awsconf_endpoint(&c, &awshost_ecr_public, &e);
	tap_ok(streq(u, "https://api.ecr-public.us-east-1.amazonaws.com"),
	    "ECR Public uses its global region");
	free(u);
	awsconf_free(&c);

	setenv("AWS_REGION", "cn-north-1", 1);
	setenv("AWS_USE_DUALSTACK_ENDPOINT", "true", 1);
	tap_ok(endpoint_is(&awshost_ecr,
	    "https://ecr.cn-north-1.api.amazonwebservices.com.cn"),
	    "China dual-stack ECR");
	setenv("AWS_REGION", "us-gov-west-1", 1);
	setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
	unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
	tap_ok(endpoint_is(&awshost_ssm,
	    "https://ssm.us-gov-west-1.amazonaws.com"),
	    "GovCloud FIPS SSM is the standard host");
	tap_ok(awsconf_endpoint(NULL, &awshost_ssm, &e) == NULL,
	    "NULL conf: NULL");
}

int
main(void)
{
	const char	*tmp = getenv("TMPDIR");
	int		 n, rc;

	n = snprintf(dir, sizeof(dir), "%s/dk-awsconf.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(dir) || mkdtemp(dir) == NULL)
		die("mkdtemp");
	path_in(cfgpath, sizeof(cfgpath), "config");
	path_in(credpath, sizeof(credpath), "credentials");

	test_defaults();
	test_profiles();
	test_precedence();
	test_bad_settings();
	test_malformed();
	test_dialect();
	test_long_lines();
	test_services();
	test_endpoints();

	rc = tap_done();
	config(NULL);
	credentials(NULL);
	if (rmdir(dir) == -1)
		fprintf(stderr, "# could not remove %s: %s\n", dir,
		    strerror(errno));
	return rc;
}
