/*
 * gh-app-token: a GitHub App installation token for one repository, so
 * that a workflow can act on another repository (dispatch into the infra
 * repository) without anyone's personal token.
 *
 * The App's private key comes from a file or the environment, never from
 * the command line.  The token is narrowed to the repository and to the
 * permissions asked for (actions: write by default), and lives an hour.
 * In GitHub Actions it is masked before it is written anywhere, and
 * --github-env hands it to the job's later steps as GH_TOKEN without
 * printing it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "cli.h"
#include "dkerr.h"
#include "ghapi.h"
#include "ghapp.h"
#include "http.h"

#define ENV_NAME	"GH_TOKEN"	/* what --github-env sets */

static const char usage_text[] =
"usage: gh-app-token [-qv] [--app-id id] --repo owner/repo\n"
"                    [--private-key-file file] [--permission name=level ...]\n"
"                    [--token | --github-env]\n";

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

enum {
	OPT_APP_ID = 256, OPT_REPO, OPT_KEY_FILE, OPT_PERMISSION, OPT_TOKEN,
	OPT_GITHUB_ENV, OPT_VERSION
};

static const struct option longopts[] = {
	{ "app-id",		required_argument,	NULL, OPT_APP_ID },
	{ "repo",		required_argument,	NULL, OPT_REPO },
	{ "private-key-file",	required_argument,	NULL, OPT_KEY_FILE },
	{ "permission",		required_argument,	NULL, OPT_PERMISSION },
	{ "token",		no_argument,		NULL, OPT_TOKEN },
	{ "github-env",		no_argument,		NULL, OPT_GITHUB_ENV },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 }
};

struct opts {
	const char	*app_id, *repo, *key_file;
	const char	**perms;
	size_t		 nperms;
	int		 token, github_env, quiet, verbose;
};

/*
 * A word of the command line that holds a key (a PEM given by mistake) is
 * never echoed: refuse it without naming it.
 */
static void
refuse_key_word(const char *w)
{
	if (strstr(w, "-----BEGIN") == NULL && strchr(w, '\n') == NULL)
		return;
	cli_die(DK_EXIT_USAGE, "a private key on the command line (not shown): "
	    "it is never taken from there; give --private-key-file FILE or set "
	    GHAPP_KEY_ENV);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int	 c;

	if ((o->perms = calloc((size_t)argc + 1, sizeof(*o->perms))) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_APP_ID:	o->app_id = optarg; break;
		case OPT_REPO:		o->repo = optarg; break;
		case OPT_KEY_FILE:
			/*
			 * An abbreviation with the key as the next word: name
			 * the option word.  cli_secret_file_option() would
			 * take a word starting "--" and holding '=' for
			 * "--opt=VALUE" and print it up to the '=', and a PEM
			 * starts "-----BEGIN" and often holds base64 '='.
			 */
			if (optind >= 2 && optarg == argv[optind - 1] &&
			    strcmp(argv[optind - 2], "--private-key-file") != 0)
				cli_die(DK_EXIT_USAGE, "%.40s: unknown option (a "
				    "secret is never taken from the command "
				    "line: give --private-key-file FILE or set "
				    GHAPP_KEY_ENV ")", argv[optind - 2]);
			o->key_file = cli_secret_file_option(argv,
			    "--private-key-file", "give --private-key-file FILE "
			    "or set " GHAPP_KEY_ENV);
			break;
		case OPT_PERMISSION:	o->perms[o->nperms++] = optarg; break;
		case OPT_TOKEN:		o->token = 1; break;
		case OPT_GITHUB_ENV:	o->github_env = 1; break;
		case 'q':		o->quiet = 1; break;
		case 'v':		o->verbose = 1; break;
		case 'h':		usage(0);
		case OPT_VERSION:	cli_version();
		default:
			/* cli_bad_option() names the word up to any '='. */
			refuse_key_word(argv[optind - 1]);
			cli_bad_option(argv, usage_text);
		}
	}
	if (optind < argc) {
		refuse_key_word(argv[optind]);
		cli_die(DK_EXIT_USAGE, "%.100s: unexpected argument",
		    argv[optind]);
	}
	if (o->repo == NULL) {
		cli_warn("--repo is required");
		usage(1);
	}
	if (o->token && o->github_env)
		cli_die(DK_EXIT_USAGE, "--token and --github-env: give one");
}

/* Everything the run holds, released by close_ctx(). */
struct ctx {
	struct opts		 o;
	unsigned long long	 app_id;
	struct ghapi_repo	 repo;
	json_t			*perms;
	struct ghapp_key	*key;
	struct buf		 base;
	struct http_client	*http;
	struct ghapi		 api;
	int			 envfd;		/* $GITHUB_ENV, or -1 */
	const char		*envpath;
};

/* $GITHUB_ENV, opened before anything is sent: a token is not minted for
 * a file it cannot go to. */
static void
open_github_env(struct ctx *c)
{
	struct stat	 st;
	const char	*p = getenv("GITHUB_ENV");

	if (p == NULL || p[0] == '\0')
		cli_die(DK_EXIT_USAGE, "--github-env: GITHUB_ENV is not set "
		    "(it is, in a GitHub Actions step)");
	c->envpath = p;
	c->envfd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (c->envfd == -1)
		cli_die(DK_EXIT_USAGE, "GITHUB_ENV %s: %s", p, errno == ELOOP ?
		    "a symbolic link: not followed" : strerror(errno));
	if (fstat(c->envfd, &st) == -1 || !S_ISREG(st.st_mode))
		cli_die(DK_EXIT_USAGE, "GITHUB_ENV %s: not a regular file", p);
}

/* Check every input, and load the key, before anything is sent. */
static void
validate(struct ctx *c)
{
	struct dkerr	 err;
	const char	*id = c->o.app_id, *source;
	size_t		 i;

	memset(&err, 0, sizeof(err));
	if (id == NULL && (id = getenv("GH_APP_ID")) != NULL && id[0] == '\0')
		id = NULL;
	if (id == NULL)
		cli_die(DK_EXIT_USAGE, "no App ID: give --app-id or set "
		    "GH_APP_ID");
	if (ghapp_id_parse(id, &c->app_id, &err) == -1)
		cli_die(DK_EXIT_USAGE, "%s%s", c->o.app_id ? "--app-id: " :
		    "GH_APP_ID: ", err.msg);
	if (ghapi_repo_parse(c->o.repo, &c->repo, &err) == -1)
		cli_die(DK_EXIT_USAGE, "--repo %s", err.msg);
	if ((c->perms = json_object()) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	for (i = 0; i < c->o.nperms; i++)
		if (ghapp_permission_add(c->perms, c->o.perms[i], &err) == -1)
			cli_die_err(&err);
	if (c->o.nperms == 0 &&
	    ghapp_permission_add(c->perms, "actions=write", &err) == -1)
		cli_die_err(&err);
	if (ghapi_base_load(&c->base, &err) == -1)
		cli_die_err(&err);
	if (c->o.github_env)
		open_github_env(c);
	if ((c->key = ghapp_key_load(c->o.key_file, &source, &err)) == NULL)
		cli_die_err(&err);
}

static void
notify(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

static void
open_api(struct ctx *c)
{
	struct http_options	 hopt;
	struct dkerr		 err;

	memset(&err, 0, sizeof(err));
	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = cli_name();
	hopt.timeout_ms = 60000;
	if (c->o.verbose)
		hopt.trace = cli_trace;
	if ((c->http = http_client_new(&hopt, &err)) == NULL)
		cli_die_err(&err);
	c->api.http = c->http;
	c->api.base = buf_str(&c->base);
	if (!c->o.quiet)
		c->api.notify = notify;
}

/*
 * In GitHub Actions, register the token as a secret before it is written
 * anywhere.  As ecr-token does: on stdout ahead of the JSON line, which
 * the runner reads first; on stderr when stdout is the token itself
 * (--token) or a file, which must stay JSON.
 */
static void
github_mask(const struct opts *o, const char *token)
{
	cli_mask_printed(token, o->token);
}

/*
 * Append GH_TOKEN to $GITHUB_ENV in the multiline form NAME<<DELIMITER,
 * with a random delimiter that the token cannot hold, in one write so that
 * a reader never sees half of it.
 */
static void
write_github_env(struct ctx *c, const char *token)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 r[16];
	char		 delim[sizeof("ghadelimiter_") + 2 * sizeof(r)];
	struct buf	 b = BUF_INIT(GHAPI_TOKEN_MAX + 256);
	size_t		 i, n = sizeof("ghadelimiter_") - 1;
	ssize_t		 w;

	arc4random_buf(r, sizeof(r));
	memcpy(delim, "ghadelimiter_", n);
	for (i = 0; i < sizeof(r); i++) {
		delim[n++] = hex[r[i] >> 4];
		delim[n++] = hex[r[i] & 15];
	}
	delim[n] = '\0';
	if (buf_addf(&b, "%s<<%s\n%s\n%s\n", ENV_NAME, delim, token,
	    delim) == -1)
		cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV: out of memory");
	while ((w = write(c->envfd, b.data, b.len)) == -1 && errno == EINTR)
		;
	if (w == -1 || (size_t)w != b.len) {
		buf_wipe(&b);
		cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV %s: %s", c->envpath,
		    w == -1 ? strerror(errno) : "short write");
	}
	buf_wipe(&b);
	if (close(c->envfd) == -1)
		cli_die(DK_EXIT_NOANSWER, "GITHUB_ENV %s: %s", c->envpath,
		    strerror(errno));
	c->envfd = -1;
}

/* The result: the mask, $GITHUB_ENV, then stdout. */
static void
output(struct ctx *c, const struct ghapp_token *t)
{
	json_t	*out, *tv;
	char	*text;
	int	 bad;

	github_mask(&c->o, t->token);
	if (c->o.github_env)
		write_github_env(c, t->token);
	if (c->o.token) {
		bad = fputs(t->token, stdout) == EOF || putchar('\n') == EOF;
	} else {
		if (c->o.github_env)
			out = json_pack("{s:s, s:s, s:I, s:O}", "expires_at",
			    t->expires_at, "repository", c->repo.full,
			    "installation_id", (json_int_t)t->installation_id,
			    "permissions", t->permissions);
		else
			out = json_pack("{s:s, s:s, s:s, s:I, s:O}", "token",
			    t->token, "expires_at", t->expires_at,
			    "repository", c->repo.full, "installation_id",
			    (json_int_t)t->installation_id, "permissions",
			    t->permissions);
		if (out == NULL)
			cli_die(DK_EXIT_NOANSWER, "out of memory");
		text = json_dumps(out, JSON_COMPACT);
		/* jansson frees its copy of the token without wiping it. */
		tv = json_object_get(out, "token");
		if (json_is_string(tv))
			OPENSSL_cleanse((char *)json_string_value(tv),
			    json_string_length(tv));
		json_decref(out);
		if (text == NULL)
			cli_die(DK_EXIT_NOANSWER, "out of memory");
		bad = fputs(text, stdout) == EOF || putchar('\n') == EOF;
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	if (bad)
		cli_die(DK_EXIT_NOANSWER, "stdout: write failed");
	if (!c->o.quiet && isatty(STDERR_FILENO))
		cli_warn("a token of installation %lld for %s, until %s%s",
		    t->installation_id, c->repo.full, t->expires_at,
		    c->o.github_env ? ", is in $" ENV_NAME " for the next steps" :
		    "");
}

static void
close_ctx(struct ctx *c)
{
	http_client_free(c->http);
	ghapp_key_free(c->key);
	buf_free(&c->base);
	json_decref(c->perms);
	free(c->o.perms);
	if (c->envfd != -1)
		close(c->envfd);
}

int
main(int argc, char *argv[])
{
	struct ctx		 c;
	struct ghapp		 app;
	struct ghapp_token	 t;
	struct dkerr		 err;

	cli_init("gh-app-token");
	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	c.envfd = -1;
	c.base.max = 8192;
	parse_args(argc, argv, &c.o);
	validate(&c);
	open_api(&c);

	memset(&app, 0, sizeof(app));
	app.api = &c.api;
	app.key = c.key;
	app.app_id = c.app_id;
	if (ghapp_mint(&app, &c.repo, c.perms, &t, NULL, &err) == -1)
		cli_die_err(&err);
	output(&c, &t);
	ghapp_token_free(&t);
	close_ctx(&c);
	return cli_finish(DK_EXIT_OK);
}
