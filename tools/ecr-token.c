/*
 * ecr-token: an ECR registry login (GetAuthorizationToken), cached, and
 * the Docker credential helper docker-credential-ecr-token (same binary,
 * chosen by the name it is run as).
 *
 * A cached token makes no network call: credentials from the environment
 * or a profile's static keys are read locally, the cache is consulted,
 * and only a miss resolves the endpoint and calls AWS.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "awsapi.h"
#include "awsconf.h"
#include "awscred.h"
#include "awshost.h"
#include "buf.h"
#include "cli.h"
#include "dkerr.h"
#include "ecrtoken.h"
#include "http.h"

#define HELPER_NAME	"docker-credential-ecr-token"
#define CACHE_FILE_MAX	((size_t)64 << 10)
#define STDIN_MAX	((size_t)4 << 10)
/* The protocol's own texts: clients compare them verbatim. */
#define NOT_FOUND	"credentials not found in native keychain"
#define NO_SERVER	"no credentials server URL"

static const char usage_text[] =
"usage: ecr-token [-qv] [--password] [--registry host | --public]\n"
"                 [--region region] [--no-cache]\n"
"       docker-credential-ecr-token get | list | store | erase\n";

enum {
	OPT_PASSWORD = 256, OPT_REGISTRY, OPT_PUBLIC, OPT_REGION, OPT_NO_CACHE,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "password",	no_argument,		NULL, OPT_PASSWORD },
	{ "registry",	required_argument,	NULL, OPT_REGISTRY },
	{ "public",	no_argument,		NULL, OPT_PUBLIC },
	{ "region",	required_argument,	NULL, OPT_REGION },
	{ "no-cache",	no_argument,		NULL, OPT_NO_CACHE },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL,		0,			NULL, 0 }
};

struct opts {
	const char	*registry, *region;
	int		 password, public, no_cache, quiet, verbose;
};

/* What to ask for: a registry, its account (may be "") and region. */
struct target {
	struct ecrtoken_registry reg;
	int			 named;	/* reg.host is the host the user named */
};

/* As docker-credential-ecr-token: failures go to stdout, exit 1. */
static int helper;

/* stdout's buffer, ours so that the password can be wiped from it. */
static char outbuf[BUFSIZ];

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

/*
 * Die with a message.  The credential-helper protocol reads a failure's
 * text from stdout and wants exit 1 (clients compare NOT_FOUND verbatim,
 * so no prefix there); the tool says it on stderr with the code given.
 */
static void __attribute__((noreturn, format(printf, 2, 3)))
fail(int code, const char *fmt, ...)
{
	char	 line[DKERR_MSGMAX + 128], *p;
	va_list	 ap;

	va_start(ap, fmt);
	if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
		line[0] = '\0';
	va_end(ap);
	if (!helper)
		cli_die(code, "%s", line);
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	printf("%s\n", line);
	exit(cli_finish(DK_EXIT_REMOTE));
}

static void __attribute__((noreturn))
fail_err(const struct dkerr *err)
{
	fail(dkerr_exit(err->kind), "%s",
	    err->msg[0] ? err->msg : "failed for an unknown reason");
}

static void __attribute__((format(printf, 2, 3)))
note(const struct opts *o, const char *fmt, ...)
{
	char	 line[DKERR_MSGMAX + 128];
	va_list	 ap;

	if (!o->verbose)
		return;
	va_start(ap, fmt);
	if (vsnprintf(line, sizeof(line), fmt, ap) >= 0)
		cli_warn("%s", line);
	va_end(ap);
}

static void
notify(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

/*
 * jansson's free: the reply and cache records hold the password, and
 * jansson copies strings, so everything it frees is wiped first.  Plain
 * malloc stays the allocator: lib/ frees json_dumps() output with free().
 */
static void
wipe_free(void *p)
{
	if (p != NULL)
		OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

/* An RFC 3339 time for messages; "?" for one out of range. */
static const char *
rfc3339(time_t t, char buf[ECRTOKEN_TIMESZ])
{
	if (ecrtoken_format_time(t, buf) == -1)
		memcpy(buf, "?", 2);
	return buf;
}

/* DEPLOYKIT_ECR_REGISTRY_ID into t->reg.account when set. */
static void
env_account(struct target *t)
{
	const char	*id = getenv("DEPLOYKIT_ECR_REGISTRY_ID");

	if (id == NULL || *id == '\0')
		return;
	if (!ecrtoken_account_valid(id))
		fail(DK_EXIT_USAGE, "DEPLOYKIT_ECR_REGISTRY_ID %s: not an AWS "
		    "account id (12 digits)", id);
	memcpy(t->reg.account, id, 13);
}

static int
env_no_cache(void)
{
	const char	*v = getenv("DEPLOYKIT_NO_CACHE");

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

static void
parse_args(int argc, char **argv, struct opts *o, struct target *t)
{
	int	 c;
	char	 host[ECRTOKEN_HOSTMAX];

	/* cli_bad_option() names an unknown option without its value. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PASSWORD:	o->password = 1; break;
		case OPT_REGISTRY:	o->registry = optarg; break;
		case OPT_PUBLIC:	o->public = 1; break;
		case OPT_REGION:	o->region = optarg; break;
		case OPT_NO_CACHE:	o->no_cache = 1; break;
		case 'q':		o->quiet = 1; break;
		case 'v':		o->verbose = 1; break;
		case 'h':		usage(0);
		case OPT_VERSION:	cli_version();
		default:		cli_bad_option(argv, usage_text);
		}
	}
	if (optind < argc)
		cli_die(DK_EXIT_USAGE, "%s: unexpected argument (the registry "
		    "goes in --registry)", argv[optind]);
	if (o->quiet && o->verbose)
		cli_die(DK_EXIT_USAGE, "-q and -v contradict each other: "
		    "give one");
	if (o->registry && o->public)
		cli_die(DK_EXIT_USAGE, "--registry and --public contradict each "
		    "other: give one");
	if (o->region && !awshost_region_valid(o->region))
		cli_die(DK_EXIT_USAGE, "--region %s: not a valid region name",
		    o->region);
	if (o->registry) {
		if (ecrtoken_server_host(o->registry, host, sizeof(host)) == -1 ||
		    ecrtoken_parse_registry(host, &t->reg) == -1)
			cli_die(DK_EXIT_USAGE, "--registry %s: not an ECR registry "
			    "host (ACCOUNT.dkr.ecr.REGION.amazonaws.com, "
			    "ACCOUNT.dkr-ecr.REGION.on.aws or public.ecr.aws)",
			    o->registry);
		t->named = 1;
	} else if (o->public) {
		if (ecrtoken_parse_registry(ECRTOKEN_PUBLIC_HOST, &t->reg) == -1)
			cli_die(DK_EXIT_USAGE, "ECR Public: no region");
	} else
		env_account(t);
	if (o->region && t->reg.region[0] &&
	    strcmp(o->region, t->reg.region) != 0)
		cli_die(DK_EXIT_USAGE, "--region %s contradicts %s, whose "
		    "region is %s: give one", o->region, t->reg.public ?
		    "ECR Public" : t->reg.host, t->reg.region);
	if (env_no_cache())
		o->no_cache = 1;
}

/*
 * Open the cache folder (creating it, and its parent, 0700 when create is
 * set): a directory, not a symbolic link, ours, closed to group and others.
 * Returns a descriptor, or -1 with err set (ENOENT when absent and not
 * created: err->kind DKERR_NONE).  path receives the folder's path.
 */
static int
cache_open(int create, struct buf *path, struct dkerr *err)
{
	struct stat	 st;
	char		*slash;
	int		 fd;

	if (ecrtoken_cache_dir(getenv("XDG_CACHE_HOME"), getenv("HOME"),
	    path) == -1)
		return dkerr_set(err, DKERR_INPUT, "no cache folder: neither "
		    "XDG_CACHE_HOME nor HOME is an absolute path");
	if (create && mkdir(path->data, 0700) == -1 && errno == ENOENT) {
		/* The XDG base folder itself may not exist yet. */
		slash = strrchr(path->data, '/');
		*slash = '\0';
		if (mkdir(path->data, 0700) == -1 && errno != EEXIST) {
			dkerr_errno(err, DKERR_NETWORK, "%s", path->data);
			*slash = '/';
			return -1;
		}
		*slash = '/';
		if (mkdir(path->data, 0700) == -1 && errno != EEXIST)
			return dkerr_errno(err, DKERR_NETWORK, "%s", path->data);
	}
	fd = open(path->data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT && !create) {
			err->kind = DKERR_NONE;
			return -1;
		}
		return dkerr_errno(err, DKERR_NETWORK, "%s", path->data);
	}
	if (fstat(fd, &st) == -1) {
		dkerr_errno(err, DKERR_NETWORK, "%s", path->data);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		close(fd);
		return dkerr_set(err, DKERR_INPUT, "%s: not a private folder "
		    "of this user (want owner %lu, mode 0700): not used",
		    path->data, (unsigned long)geteuid());
	}
	return fd;
}

/*
 * Read one cache record.  Returns 0 with *t filled, 1 when there is none,
 * -1 with err set when the file is unsafe (a link, not ours, readable by
 * others) or not a record: such a file is never trusted.
 */
static int
cache_read(int dfd, const char *name, struct ecrtoken *t, struct dkerr *err)
{
	struct stat	 st;
	struct buf	 b = BUF_INIT(CACHE_FILE_MAX);
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd, ret = -1;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		return dkerr_errno(err, DKERR_INPUT, "%s", name);
	}
	if (fstat(fd, &st) == -1) {
		dkerr_errno(err, DKERR_INPUT, "%s", name);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0 || (size_t)st.st_size > CACHE_FILE_MAX) {
		dkerr_set(err, DKERR_INPUT, "%s: not a private file of this "
		    "user (want mode 0600): ignored", name);
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf_add(&b, chunk, (size_t)n) == -1) {
			dkerr_errno(err, DKERR_INPUT, "%s", name);
			goto out;
		}
	}
	if (ecrtoken_cache_decode(buf_str(&b), b.len, t, err) == -1) {
		dkerr_prefix(err, "%s", name);
		goto out;
	}
	ret = 0;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	buf_wipe(&b);
	close(fd);
	return ret;
}

/* Write all of a buffer: 0, or -1 with errno set. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Store a record atomically: a new 0600 file beside it, then rename over.
 * A crash leaves the old record or a stray temporary, never half a record
 * under the real name.  Returns 0, or -1 with err set.
 */
static int
cache_write(int dfd, const char *name, const struct ecrtoken *t,
    struct dkerr *err)
{
	struct buf	 rec = BUF_INIT(CACHE_FILE_MAX);
	char		 tmp[ECRTOKEN_NAMEMAX + 32];
	int		 fd, n, ret = -1;

	n = snprintf(tmp, sizeof(tmp), ".%s.%08x.tmp", name, arc4random());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return dkerr_set(err, DKERR_INPUT, "%s: name too long", name);
	if (ecrtoken_cache_encode(t, &rec) == -1)
		return dkerr_set(err, DKERR_NETWORK, "%s: out of memory", name);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1) {
		dkerr_errno(err, DKERR_NETWORK, "%s", tmp);
		goto out;
	}
	if (fchmod(fd, 0600) == -1 || write_all(fd, rec.data, rec.len) == -1) {
		dkerr_errno(err, DKERR_NETWORK, "%s", tmp);
		close(fd);
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	if (close(fd) == -1 || renameat(dfd, tmp, dfd, name) == -1) {
		dkerr_errno(err, DKERR_NETWORK, "%s", name);
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	ret = 0;
out:
	buf_wipe(&rec);
	return ret;
}

/*
 * Call fn for every readable record in the cache folder (keys rotate, so
 * old records are many).  fn gets the file name and the token, which it
 * borrows.
 */
static void
cache_each(int dfd, void (*fn)(int, const char *, const struct ecrtoken *,
    void *), void *arg)
{
	struct dirent	*de;
	struct ecrtoken	 t;
	struct dkerr	 err;
	DIR		*d;
	int		 fd;

	if ((fd = dup(dfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!ecrtoken_cache_name_valid(de->d_name))
			continue;
		memset(&t, 0, sizeof(t));
		if (cache_read(dfd, de->d_name, &t, &err) == 0)
			fn(dfd, de->d_name, &t, arg);
		ecrtoken_free(&t);
	}
	closedir(d);
}

/* cache_each(): remove expired records, except the one being written. */
static void
prune_one(int dfd, const char *name, const struct ecrtoken *t, void *arg)
{
	if (!ecrtoken_usable(t, time(NULL)) && strcmp(name, arg) != 0)
		unlinkat(dfd, name, 0);
}

/* cache_each(): {registry: username} of the records still usable. */
static void
list_one(int dfd, const char *name, const struct ecrtoken *t, void *arg)
{
	(void)dfd;
	(void)name;
	if (ecrtoken_usable(t, time(NULL)) && t->registry[0])
		json_object_set_new(arg, t->registry, json_string(t->username));
}

/*
 * Ask AWS for a token.  Resolves the endpoint only now, so that a cached
 * answer never does.  Returns 0, or -1 with err set.
 */
static int
fetch(struct awsconf *conf, struct http_client *http, struct awscred *cred,
    const struct target *tg, const struct opts *o, struct ecrtoken *t,
    struct dkerr *err)
{
	const struct awshost_service *svc;
	struct awsapi	 api;
	json_t		*req, *reply = NULL;
	char		*endpoint;
	int		 ret = -1;

	svc = tg->reg.public ? &awshost_ecr_public : &awshost_ecr;
	if ((endpoint = awsconf_endpoint(conf, svc, err)) == NULL)
		return -1;
	note(o, "asking %s for a token%s%s", endpoint,
	    tg->reg.account[0] ? " for registry id " : "", tg->reg.account);
	memset(&api, 0, sizeof(api));
	api.http = http;
	api.cred = cred;
	api.service = svc;
	api.region = tg->reg.region;
	api.endpoint = endpoint;
	api.max_attempts = conf->max_attempts;
	if (!o->quiet)
		api.notify = notify;
	if (tg->reg.account[0] && !tg->reg.public)
		req = json_pack("{s:[s]}", "registryIds", tg->reg.account);
	else
		req = json_object();
	if (req == NULL) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	if (awsapi_json(&api, "GetAuthorizationToken", req, &reply, NULL,
	    err) == -1 ||
	    ecrtoken_from_reply(reply, tg->reg.public, time(NULL), t, err) == -1)
		goto out;
	if (tg->named)
		memcpy(t->registry, tg->reg.host, sizeof(t->registry));
	else if (t->registry[0] == '\0') {
		dkerr_set(err, DKERR_NETWORK, "GetAuthorizationToken: no "
		    "proxyEndpoint in the answer");
		goto out;
	}
	ret = 0;
out:
	json_decref(req);
	json_decref(reply);
	free(endpoint);
	return ret;
}

/*
 * A token for the target: from the cache while fresh, else from AWS (and
 * then cached), else from the cache while still usable.  Dies on failure.
 */
static void
obtain(struct target *tg, const struct opts *o, struct ecrtoken *t)
{
	struct awsconf		 conf;
	struct awscred		 cred;
	struct http_options	 hopt;
	struct http_client	*http;
	struct ecrtoken		 cached;
	struct dkerr		 err, cerr;
	struct buf		 dir = BUF_INIT(4096);
	char			 name[ECRTOKEN_NAMEMAX], when[ECRTOKEN_TIMESZ];
	char			 until[ECRTOKEN_TIMESZ];
	int			 dfd = -1, have = 0, r;
	time_t			 now;

	memset(&err, 0, sizeof(err));
	memset(&cached, 0, sizeof(cached));
	memset(&cred, 0, sizeof(cred));
	if (awsconf_load(&conf, &err) == -1)
		fail_err(&err);
	/* Both were checked: --region in parse_args(), the rest by awsconf. */
	if (tg->reg.region[0] == '\0') {
		const char *region = o->region ? o->region : conf.region;
		int n;

		if (region == NULL)
			fail(DK_EXIT_USAGE, "no AWS region: set AWS_REGION, give "
			    "--region, or put region in the profile");
		n = snprintf(tg->reg.region, sizeof(tg->reg.region), "%s", region);
		if (n < 0 || (size_t)n >= sizeof(tg->reg.region))
			fail(DK_EXIT_USAGE, "region %s: too long", region);
	}
	/* The endpoint follows the registry: its region, FIPS, dual-stack. */
	free(conf.region);
	if ((conf.region = strdup(tg->reg.region)) == NULL)
		fail(DK_EXIT_NOANSWER, "out of memory");
	conf.use_fips |= tg->reg.fips;
	conf.use_dualstack |= tg->reg.dualstack;

	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = cli_name();
	hopt.ca_bundle = conf.ca_bundle;
	hopt.timeout_ms = 60000;
	if (o->verbose)
		hopt.trace = cli_trace;
	if ((http = http_client_new(&hopt, &err)) == NULL)
		fail_err(&err);
	if (awscred_resolve(&conf, http, &cred, &err) == -1)
		fail_err(&err);

	if (!o->no_cache) {
		memset(&cerr, 0, sizeof(cerr));
		if (ecrtoken_cache_name(tg->reg.region, tg->reg.account,
		    tg->reg.public, cred.access_key_id, name, sizeof(name)) == -1)
			fail(DK_EXIT_USAGE, "no cache name for region %s",
			    tg->reg.region);
		if ((dfd = cache_open(1, &dir, &cerr)) == -1) {
			if (!o->quiet)
				cli_warn("token cache: %s", cerr.msg);
		} else if ((r = cache_read(dfd, name, &cached, &cerr)) == 0) {
			have = 1;
			now = time(NULL);
			if (ecrtoken_fresh(&cached, now)) {
				note(o, "cached token from %s/%s, fetched %s, "
				    "valid until %s", buf_str(&dir), name,
				    rfc3339(cached.fetched_at, when),
				    rfc3339(cached.expires_at, until));
				*t = cached;
				goto done;
			}
			note(o, "cached token %s/%s is past half its lifetime: "
			    "refreshing", buf_str(&dir), name);
		} else if (r == -1) {
			ecrtoken_free(&cached);
			if (!o->quiet)
				cli_warn("token cache: %s/%s", buf_str(&dir),
				    cerr.msg);
		} else
			note(o, "no cached token in %s/%s", buf_str(&dir), name);
	} else
		note(o, "token cache off");

	if (fetch(&conf, http, &cred, tg, o, t, &err) == -1) {
		now = time(NULL);
		if (!have || !ecrtoken_usable(&cached, now) ||
		    (err.kind != DKERR_REMOTE && err.kind != DKERR_NETWORK))
			fail_err(&err);
		ecrtoken_free(t);
		if (!o->quiet)
			cli_warn("refreshing the token failed (%s); using the "
			    "cached one, valid until %s", err.msg,
			    rfc3339(cached.expires_at, until));
		*t = cached;
		goto done;
	}
	ecrtoken_free(&cached);
	now = time(NULL);
	if (!ecrtoken_usable(t, now))
		note(o, "not cached: the token expires at %s, which is past "
		    "or within %d s", rfc3339(t->expires_at, until),
		    ECRTOKEN_MARGIN);
	else if (dfd != -1) {
		/* An interrupt waits: no stray temporary holding a token. */
		cli_hold_signals(1);
		r = cache_write(dfd, name, t, &cerr);
		cli_hold_signals(0);
		if (r == -1) {
			if (!o->quiet)
				cli_warn("token cache: %s/%s", buf_str(&dir),
				    cerr.msg);
		} else
			note(o, "cached in %s/%s until %s", buf_str(&dir), name,
			    rfc3339(t->expires_at, until));
		cache_each(dfd, prune_one, name);
	}
done:
	/* One token serves an account's hosts (FIPS, dual-stack): name the
	 * one asked for. */
	if (tg->named)
		memcpy(t->registry, tg->reg.host, sizeof(t->registry));
	if (dfd != -1)
		close(dfd);
	buf_free(&dir);
	awscred_free(&cred);
	http_client_free(http);
	awsconf_free(&conf);
}

/*
 * In GitHub Actions, register the password as a secret before it is
 * written anywhere.  The runner reads workflow commands from a step's
 * stdout (and, in its source, from stderr too).  Where the password goes
 * to stdout as JSON, the mask must travel the same stream ahead of it, so
 * it cannot be logged first; but with --password stdout is the password
 * itself (piped to docker login), and a JSON file must stay JSON: then the
 * mask goes to stderr.
 */
static void
github_mask(const struct opts *o, const char *password)
{
	cli_mask_printed(password, o->password);
}

static void
print_token(const struct opts *o, const struct ecrtoken *t)
{
	char	 exp[ECRTOKEN_TIMESZ];
	json_t	*out;
	int	 bad;

	github_mask(o, t->password);
	if (o->password) {
		bad = fputs(t->password, stdout) == EOF || putchar('\n') == EOF;
	} else {
		if (ecrtoken_format_time(t->expires_at, exp) == -1)
			fail(DK_EXIT_NOANSWER, "expiresAt out of range");
		out = json_pack("{s:s, s:s, s:s, s:s}", "registry", t->registry,
		    "username", t->username, "password", t->password,
		    "expires_at", exp);
		if (out == NULL)
			fail(DK_EXIT_NOANSWER, "out of memory");
		bad = json_dumpf(out, stdout, JSON_COMPACT) == -1 ||
		    putchar('\n') == EOF;
		json_decref(out);
	}
	if (bad)
		fail(DK_EXIT_NOANSWER, "stdout: write failed");
}

/* Read stdin whole (at most STDIN_MAX bytes kept) into b. */
static void
read_stdin(struct buf *b, int keep)
{
	char	 chunk[1024];
	size_t	 n;

	b->max = STDIN_MAX;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (keep && buf_add(b, chunk, n) == -1)
			fail(DK_EXIT_USAGE, "the server address is longer than "
			    "%zu bytes", STDIN_MAX);
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (ferror(stdin))
		fail(DK_EXIT_USAGE, "stdin: %s", strerror(errno));
}

/* get: the server address on stdin; {"ServerURL","Username","Secret"}. */
static int
helper_get(const struct opts *o)
{
	struct buf	 in = BUF_INIT(0);
	struct target	 tg;
	struct ecrtoken	 t;
	char		 host[ECRTOKEN_HOSTMAX], *s, *e;
	json_t		*out;
	int		 bad;

	memset(&tg, 0, sizeof(tg));
	memset(&t, 0, sizeof(t));
	read_stdin(&in, 1);
	if (memchr(buf_str(&in), '\0', in.len) != NULL)
		fail(DK_EXIT_USAGE, "the server address holds a NUL byte");
	if (in.len == 0)
		fail(DK_EXIT_USAGE, NO_SERVER);
	/* The protocol sends no newline; people typing do. */
	for (s = in.data; *s == ' ' || *s == '\t' ||
	    *s == '\r' || *s == '\n'; s++)
		;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t' ||
	    e[-1] == '\r' || e[-1] == '\n'); e--)
		;
	*e = '\0';
	if (*s == '\0')
		fail(DK_EXIT_USAGE, NO_SERVER);
	if (ecrtoken_server_host(s, host, sizeof(host)) == -1)
		fail(DK_EXIT_USAGE, "%s: not a server address", s);
	if (ecrtoken_parse_registry(host, &tg.reg) == 0)
		tg.named = 1;
	else {
		/* Another host stands for a registry only when told which. */
		env_account(&tg);
		if (tg.reg.account[0] == '\0')
			fail(DK_EXIT_REMOTE, NOT_FOUND);
	}
	obtain(&tg, o, &t);
	out = json_pack("{s:s, s:s, s:s}", "ServerURL", s,
	    "Username", t.username, "Secret", t.password);
	if (out == NULL)
		fail(DK_EXIT_NOANSWER, "out of memory");
	bad = json_dumpf(out, stdout, JSON_COMPACT) == -1 || putchar('\n') == EOF;
	json_decref(out);
	ecrtoken_free(&t);
	buf_wipe(&in);
	if (bad)
		fail(DK_EXIT_NOANSWER, "stdout: write failed");
	return cli_finish(DK_EXIT_OK);
}

/* list: {registry: username} for the usable tokens in the cache. */
static int
helper_list(void)
{
	struct buf	 dir = BUF_INIT(4096);
	struct dkerr	 err;
	json_t		*out;
	int		 dfd, bad;

	memset(&err, 0, sizeof(err));
	if ((out = json_object()) == NULL)
		fail(DK_EXIT_NOANSWER, "out of memory");
	if (!env_no_cache()) {
		if ((dfd = cache_open(0, &dir, &err)) != -1) {
			cache_each(dfd, list_one, out);
			close(dfd);
		} else if (err.kind != DKERR_NONE)
			cli_warn("token cache: %s", err.msg);
	}
	bad = json_dumpf(out, stdout, JSON_COMPACT) == -1 || putchar('\n') == EOF;
	json_decref(out);
	buf_free(&dir);
	if (bad)
		fail(DK_EXIT_NOANSWER, "stdout: write failed");
	return cli_finish(DK_EXIT_OK);
}

/*
 * docker-credential-ecr-token ACTION.  store and erase succeed doing
 * nothing: ECR tokens are not stored by the client, and a helper that
 * fails them breaks `docker login` and `docker logout`.
 */
static int
helper_main(int argc, char **argv)
{
	struct opts	 o;
	struct buf	 in = BUF_INIT(0);

	helper = 1;
	cli_init(HELPER_NAME);
	memset(&o, 0, sizeof(o));
	o.no_cache = env_no_cache();
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		usage(0);
	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		cli_version();
	if (argc != 2)
		fail(DK_EXIT_USAGE, "usage: %s get | list | store | erase",
		    HELPER_NAME);
	if (strcmp(argv[1], "get") == 0)
		return helper_get(&o);
	if (strcmp(argv[1], "list") == 0)
		return helper_list();
	if (strcmp(argv[1], "store") == 0 || strcmp(argv[1], "erase") == 0) {
		read_stdin(&in, 0);
		return cli_finish(DK_EXIT_OK);
	}
	fail(DK_EXIT_USAGE, "%s: unknown action (want get, list, store or "
	    "erase)", argv[1]);
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct target	 tg;
	struct ecrtoken	 t;
	const char	*base;
	int		 rc;

	json_set_alloc_funcs(malloc, wipe_free);
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strcmp(base, HELPER_NAME) == 0) {
		rc = helper_main(argc, argv);
		OPENSSL_cleanse(outbuf, sizeof(outbuf));
		return rc;
	}

	cli_init("ecr-token");
	memset(&o, 0, sizeof(o));
	memset(&tg, 0, sizeof(tg));
	memset(&t, 0, sizeof(t));
	parse_args(argc, argv, &o, &tg);
	obtain(&tg, &o, &t);
	print_token(&o, &t);
	ecrtoken_free(&t);
	rc = cli_finish(DK_EXIT_OK);
	OPENSSL_cleanse(outbuf, sizeof(outbuf));
	return rc;
}
