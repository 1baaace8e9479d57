/*
 * gh-dispatch: start a GitHub Actions workflow (workflow_dispatch) and say
 * which run it started.
 *
 * GitHub answers a dispatch with return_run_details: true with the run's
 * ID.  Servers that do not know the key (GitHub Enterprise Server up to
 * 3.20 refuses it; older answers are 204) get the dispatch without it, and
 * the run is then found by correlation: the workflow's workflow_dispatch
 * runs on the ref listed before and after, the new one taken only when it
 * is the only one, or when its title carries the unique ID that
 * --correlate-input put into an input.
 *
 * A dispatch is not idempotent: it is sent again only when it surely never
 * reached GitHub (a connection refused, a rate-limit answer), or when
 * correlation shows that no run came of it.  When one that may have reached
 * GitHub (a 5xx, a cut connection) is followed by a run that might also be
 * someone else's from a moment before, it names the run and exits 3 rather
 * than guess.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "cli.h"
#include "dkerr.h"
#include "ghapi.h"
#include "http.h"

#define STDIN_MAX		((size_t)1 << 20)
#define DISPATCH_TRIES		3	/* dispatches, when none made a run */
#define SKEW_TOLERANCE		2	/* s: see window() */
#define UNKNOWN_SKEW		300	/* s: when no answer told GitHub's time */
#define PROOF_MARGIN		3	/* s: a run created this long after the
					 * window opened surely came after the
					 * dispatch (given a prompt Date) */
#define LIST_PAGES		10
#define POLL_MS			2000
#define CORRELATE_DEFAULT	60	/* s */

static const char usage_text[] =
"usage: gh-dispatch [-qv] --repo owner/repo --workflow file | id [--ref ref]\n"
"                   [-f key=value ...] [--inputs-json] [--correlate-input name]\n"
"                   [--correlate-timeout duration] [--token-file file]\n";

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

enum {
	OPT_REPO = 256, OPT_WORKFLOW, OPT_REF, OPT_INPUTS_JSON,
	OPT_CORRELATE_INPUT, OPT_CORRELATE_TIMEOUT, OPT_TOKEN_FILE, OPT_VERSION
};

static const struct option longopts[] = {
	{ "repo",		required_argument,	NULL, OPT_REPO },
	{ "workflow",		required_argument,	NULL, OPT_WORKFLOW },
	{ "ref",		required_argument,	NULL, OPT_REF },
	{ "field",		required_argument,	NULL, 'f' },
	{ "inputs-json",	no_argument,		NULL, OPT_INPUTS_JSON },
	{ "correlate-input",	required_argument,	NULL, OPT_CORRELATE_INPUT },
	{ "correlate-timeout",	required_argument,	NULL, OPT_CORRELATE_TIMEOUT },
	{ "token-file",		required_argument,	NULL, OPT_TOKEN_FILE },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 }
};

struct opts {
	const char	*repo_arg, *workflow_arg, *ref, *correlate_input;
	const char	*token_file;
	const char	**fields;
	size_t		 nfields;
	int		 inputs_json, quiet, verbose;
	unsigned long	 correlate_timeout;
};

/* Everything the calls share. */
struct ctx {
	struct opts		 o;
	struct ghapi_repo	 repo;
	char			 workflow[256];
	char			*ref;		/* owned */
	const char		*branch;	/* ref without refs/heads/, refs/tags/ */
	json_t			*inputs;
	struct buf		 base, token;
	struct buf		 wf_esc;	/* workflow, percent-encoded */
	struct http_client	*http;
	struct ghapi		 api;
	char			 what[400];	/* "dispatch deploy.yaml in org/infra" */
};

/* What correlation looks for and what it found. */
struct corr {
	time_t		 anchor;	/* our clock just before the dispatch */
	time_t		 since;		/* runs created earlier are not ours
					 * (GitHub's clock) */
	time_t		 list_since;	/* the created filter of the lists */
	int		 sure;		/* GitHub answered 2xx: a run is due */
	json_t		*before;	/* object: run IDs listed before the
					 * dispatch, as keys; NULL: none */
	char		 marker[40];	/* the unique ID in --correlate-input */
	json_t		*found;		/* the run (new reference) */
	char		 why[DKERR_MSGMAX];	/* why no run can be named */
};

enum { CORR_FOUND, CORR_NONE, CORR_AMBIGUOUS, CORR_UNSURE };

/* snprintf into a message buffer: a line too long is cut with "...". */
static void __attribute__((format(printf, 3, 4)))
msgf(char *out, size_t outsz, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
	if (n < 0)
		out[0] = '\0';
	else if ((size_t)n >= outsz && outsz > 4)
		memcpy(out + outsz - 4, "...", 4);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int	 c;

	if ((o->fields = calloc((size_t)argc + 1, sizeof(*o->fields))) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	o->correlate_timeout = CORRELATE_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_REPO:		o->repo_arg = optarg; break;
		case OPT_WORKFLOW:	o->workflow_arg = optarg; break;
		case OPT_REF:		o->ref = optarg; break;
		case 'f':		o->fields[o->nfields++] = optarg; break;
		case OPT_INPUTS_JSON:	o->inputs_json = 1; break;
		case OPT_CORRELATE_INPUT: o->correlate_input = optarg; break;
		case OPT_CORRELATE_TIMEOUT:
			if (cli_parse_duration(optarg, 86400,
			    &o->correlate_timeout) == -1 ||
			    o->correlate_timeout == 0)
				cli_die(DK_EXIT_USAGE, "--correlate-timeout %s: "
				    "want a duration such as 90, 90s, 15m or 1h",
				    optarg);
			break;
		case OPT_TOKEN_FILE:	o->token_file = cli_secret_file_option(argv, "--token-file",
			    "set GH_TOKEN or give --token-file"); break;
		case 'q':		o->quiet = 1; break;
		case 'v':		o->verbose = 1; break;
		case 'h':		usage(0);
		case OPT_VERSION:	cli_version();
		default:		cli_bad_option(argv, usage_text);
		}
	}
	if (optind < argc)
		cli_die(DK_EXIT_USAGE, "%s: unexpected argument (inputs go in "
		    "-f KEY=VALUE)", argv[optind]);
	if (o->repo_arg == NULL || o->workflow_arg == NULL) {
		cli_warn("%s is required", o->repo_arg ? "--workflow" : "--repo");
		usage(1);
	}
}

/* The inputs object from stdin: an object of strings, numbers, booleans. */
static void
read_inputs_json(json_t *inputs)
{
	struct buf	 in = BUF_INIT(STDIN_MAX);
	json_error_t	 jerr;
	json_t		*doc, *v;
	const char	*k;
	char		 chunk[4096];
	size_t		 n;
	struct dkerr	 err;

	memset(&err, 0, sizeof(err));
	if (isatty(STDIN_FILENO))
		cli_die(DK_EXIT_USAGE, "--inputs-json: pipe a JSON object of "
		    "inputs on stdin");
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(&in, chunk, n) == -1)
			cli_die(DK_EXIT_USAGE, "stdin: larger than %zu bytes",
			    STDIN_MAX);
	if (ferror(stdin))
		cli_die(DK_EXIT_USAGE, "stdin: %s", strerror(errno));
	/* jansson skips a NUL between tokens; a key given twice keeps one. */
	if (memchr(buf_str(&in), '\0', in.len) != NULL)
		cli_die(DK_EXIT_USAGE, "stdin: not JSON: holds a NUL byte");
	if ((doc = json_loadb(buf_str(&in), in.len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL)
		cli_die(DK_EXIT_USAGE, "stdin: not JSON: %s (line %d)",
		    jerr.text, jerr.line);
	if (!json_is_object(doc))
		cli_die(DK_EXIT_USAGE, "stdin: want a JSON object of inputs");
	json_object_foreach(doc, k, v)
		if (ghapi_inputs_add(inputs, k, v, &err) == -1)
			cli_die_err(&err);
	json_decref(doc);
	buf_free(&in);
}

/* Check every argument before anything is sent. */
static void
validate(struct ctx *c)
{
	struct dkerr	 err;
	json_t		*v;
	size_t		 i;

	memset(&err, 0, sizeof(err));
	if (ghapi_repo_parse(c->o.repo_arg, &c->repo, &err) == -1)
		cli_die(DK_EXIT_USAGE, "--repo %s", err.msg);
	if (ghapi_workflow_parse(c->o.workflow_arg, c->workflow,
	    sizeof(c->workflow), &err) == -1)
		cli_die(DK_EXIT_USAGE, "--%s", err.msg);
	if (c->o.ref && ghapi_ref_check(c->o.ref, &err) == -1)
		cli_die(DK_EXIT_USAGE, "--%s", err.msg);
	if ((c->inputs = json_object()) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	if (c->o.inputs_json)
		read_inputs_json(c->inputs);
	for (i = 0; i < c->o.nfields; i++)
		if (ghapi_inputs_add_kv(c->inputs, c->o.fields[i], &err) == -1)
			cli_die_err(&err);
	if (c->o.correlate_input) {
		if (ghapi_input_name_check(c->o.correlate_input, &err) == -1)
			cli_die(DK_EXIT_USAGE, "--correlate-input: %s", err.msg);
		/* Reserve its place (and size): each dispatch sets it anew. */
		if ((v = json_string("gh-dispatch-0123456789abcdef")) == NULL)
			cli_die(DK_EXIT_NOANSWER, "out of memory");
		if (ghapi_inputs_add(c->inputs, c->o.correlate_input, v,
		    &err) == -1)
			cli_die(DK_EXIT_USAGE, "--correlate-input %s: the input "
			    "is set by gh-dispatch, not by -f or stdin",
			    c->o.correlate_input);
		json_decref(v);
	}
	if (ghapi_inputs_check(c->inputs, &err) == -1)
		cli_die_err(&err);
	if (ghapi_escape(&c->wf_esc, c->workflow) == -1 ||
	    snprintf(c->what, sizeof(c->what), "dispatch %s in %s",
	    c->workflow, c->repo.full) >= (int)sizeof(c->what))
		cli_die(DK_EXIT_USAGE, "--workflow: too long");
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
	const char		*source;

	memset(&err, 0, sizeof(err));
	if (ghapi_token_load(c->o.token_file, &c->token, &source, &err) == -1)
		cli_die_err(&err);
	if (ghapi_base_load(&c->base, &err) == -1)
		cli_die_err(&err);
	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = cli_name();
	hopt.timeout_ms = 60000;
	if (c->o.verbose)
		hopt.trace = cli_trace;
	if ((c->http = http_client_new(&hopt, &err)) == NULL)
		cli_die_err(&err);
	c->api.http = c->http;
	c->api.base = buf_str(&c->base);
	c->api.token = buf_str(&c->token);
	if (!c->o.quiet)
		c->api.notify = notify;
}

/* The repository's default branch, when no --ref was given. */
static void
default_ref(struct ctx *c)
{
	struct ghapi_call	 call;
	struct ghapi_reply	 r;
	struct dkerr		 err;
	struct buf		 url = BUF_INIT(8192), what = BUF_INIT(512);
	const char		*b;

	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	if (ghapi_repo_url(&url, c->api.base, &c->repo, "%s", "") == -1 ||
	    buf_addf(&what, "repository %s", c->repo.full) == -1)
		cli_die(DK_EXIT_USAGE, "--repo: too long");
	memset(&call, 0, sizeof(call));
	call.method = "GET";
	call.url = buf_str(&url);
	call.what = buf_str(&what);
	if (ghapi_call(&c->api, &call, &r, NULL, &err) == -1)
		cli_die_err(&err);
	b = json_string_value(json_object_get(r.json, "default_branch"));
	if (b == NULL || b[0] == '\0')
		cli_die(DK_EXIT_NOANSWER, "repository %s: malformed answer from "
		    "GitHub (no default_branch)", c->repo.full);
	if (ghapi_ref_check(b, &err) == -1)
		cli_die(DK_EXIT_REMOTE, "repository %s: the default branch is "
		    "not a usable ref; give --ref", c->repo.full);
	if ((c->ref = strdup(b)) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	ghapi_reply_free(&r);
	buf_free(&url);
	buf_free(&what);
}

/* The workflow's dispatch runs on our branch created since `since`. */
static int
list_runs(struct ctx *c, time_t since, json_t **runs, struct dkerr *err)
{
	struct ghapi_call	 call;
	struct buf		 url = BUF_INIT(8192), q = BUF_INIT(512);
	char			 t[32], what[400];
	int			 rc = -1;

	ghapi_time_format(since, t, sizeof(t));
	if (buf_addstr(&q, ">=") == -1 || buf_addstr(&q, t) == -1 ||
	    ghapi_repo_url(&url, c->api.base, &c->repo, "/actions/workflows/%s"
	    "/runs?event=workflow_dispatch&branch=", buf_str(&c->wf_esc)) == -1 ||
	    ghapi_escape(&url, c->branch) == -1 ||
	    buf_addstr(&url, "&created=") == -1 ||
	    ghapi_escape(&url, buf_str(&q)) == -1 ||
	    buf_addstr(&url, "&per_page=100&exclude_pull_requests=true") == -1) {
		dkerr_set(err, DKERR_INPUT, "the runs URL is too long");
		goto out;
	}
	msgf(what, sizeof(what), "list runs of %s in %s", c->workflow,
	    c->repo.full);
	memset(&call, 0, sizeof(call));
	call.method = "GET";
	call.url = buf_str(&url);
	call.what = what;
	call.notfound = "repository or workflow";
	rc = ghapi_list(&c->api, &call, "workflow_runs", LIST_PAGES, NULL, 0,
	    runs, NULL, err);
out:
	buf_free(&url);
	buf_free(&q);
	return rc;
}

/*
 * The correlation window.  GitHub's clock is ours plus the skew its Date
 * headers showed.  Both Date and created_at are whole seconds, and the run
 * is created after the request arrived: anchor + skew - 2 is then never
 * later than our run's created_at.  Before any answer told the skew, the
 * lists reach further back, and the window narrows once one has.
 */
static void
window(struct ctx *c, struct corr *k)
{
	k->since = k->anchor + c->api.skew - SKEW_TOLERANCE;
	k->list_since = c->api.requests > 0 ? k->since :
	    k->since - UNKNOWN_SKEW;
}

/* Whether a listed run could be ours: new, right event, branch and time. */
static int
candidate(const struct ctx *c, const struct corr *k, json_t *o,
    struct ghapi_run *run, time_t *created)
{
	struct dkerr	 err;
	char		 id[32];

	if (ghapi_run_parse(o, run, &err) == -1)
		return 0;
	if (ghapi_time_parse(run->created_at, created) == -1)
		*created = k->since;
	if (snprintf(id, sizeof(id), "%lld", run->id) >= (int)sizeof(id) ||
	    json_object_get(k->before, id) != NULL ||
	    (run->event && strcmp(run->event, "workflow_dispatch") != 0) ||
	    (run->head_branch && strcmp(run->head_branch, c->branch) != 0) ||
	    *created < k->since) {
		ghapi_run_free(run);
		return 0;
	}
	return 1;
}

static int
has_marker(const struct ghapi_run *run, const char *marker)
{
	return (run->display_title && strstr(run->display_title, marker)) ||
	    (run->name && strstr(run->name, marker));
}

static void
sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Find the run a dispatch started, listing every 2 s for the correlate
 * timeout.  A run is ours when it shows our marker; else when it is the
 * only candidate twice running and a run is due (a 2xx) or the runs
 * before the dispatch were listed; else, after a dispatch that may not
 * have reached GitHub, only when its created_at is clearly later than
 * the dispatch.  Returns CORR_FOUND (k->found set), CORR_NONE, or, with
 * k->why set, CORR_AMBIGUOUS (several) or CORR_UNSURE (maybe not ours);
 * -1 with err set.
 */
static int
correlate(struct ctx *c, struct corr *k, struct dkerr *err)
{
	struct ghapi_run	 run;
	json_t			*runs, *o, *one = NULL;
	struct buf		 ids = BUF_INIT(DKERR_MSGMAX / 2);
	long long		 end, prev = 0, one_id = 0;
	time_t			 created, one_created = 0;
	size_t			 i, n, unmarked;
	int			 rc;

	end = ghapi_now_ms() + (long long)c->o.correlate_timeout * 1000;
	for (;;) {
		sleep_ms(POLL_MS);
		if (list_runs(c, k->list_since, &runs, err) == -1) {
			rc = -1;
			break;
		}
		/* The list's answer may be the first to tell GitHub's time. */
		window(c, k);
		n = unmarked = 0;
		buf_reset(&ids);
		json_decref(one);
		one = NULL;
		json_array_foreach(runs, i, o) {
			if (!candidate(c, k, o, &run, &created))
				continue;
			if (k->marker[0] && !has_marker(&run, k->marker)) {
				unmarked++;
			} else {
				if (buf_addf(&ids, "%s%lld", n ? ", " : "",
				    run.id) == -1)
					buf_addstr(&ids, "...");
				n++;
				json_decref(one);
				one = json_incref(o);
				one_id = run.id;
				one_created = created;
			}
			ghapi_run_free(&run);
		}
		json_decref(runs);
		if (n > 1) {
			msgf(k->why, sizeof(k->why), "%zu new runs of %s on %s "
			    "(%s): another dispatch came at the same time and "
			    "this one cannot be told apart%s", n, c->workflow,
			    c->branch, buf_str(&ids), k->marker[0] ? "" :
			    "; use --correlate-input with an input that the "
			    "workflow's run-name shows");
			rc = k->sure || k->before ? CORR_AMBIGUOUS : CORR_UNSURE;
			break;
		}
		if (n == 1 && !k->marker[0] && !k->sure && k->before == NULL &&
		    one_created < k->since + SKEW_TOLERANCE + PROOF_MARGIN) {
			msgf(k->why, sizeof(k->why), "run %lld of %s on %s "
			    "appeared, but it may have been started just before "
			    "this dispatch, which may not have reached GitHub: "
			    "see %s before dispatching again (with "
			    "--correlate-input a run tells which dispatch it "
			    "came from)", one_id, c->workflow, c->branch,
			    json_string_value(json_object_get(one, "html_url")) ?
			    json_string_value(json_object_get(one, "html_url")) :
			    "the run");
			rc = CORR_UNSURE;
			break;
		}
		/* One candidate: ours once a second look finds no other. */
		if (n == 1 && (k->marker[0] || one_id == prev)) {
			k->found = json_incref(one);
			rc = CORR_FOUND;
			break;
		}
		prev = n == 1 ? one_id : 0;
		if (ghapi_now_ms() >= end) {
			if (n == 1) {
				k->found = json_incref(one);
				rc = CORR_FOUND;
			} else if (unmarked > 0) {
				msgf(k->why, sizeof(k->why), "new runs of %s "
				    "appeared, but none shows the ID given in "
				    "input %s (%s) in its title: does the "
				    "workflow's run-name include ${{ inputs.%s "
				    "}}?", c->workflow, c->o.correlate_input,
				    k->marker, c->o.correlate_input);
				rc = k->sure ? CORR_AMBIGUOUS : CORR_UNSURE;
			} else
				rc = CORR_NONE;
			break;
		}
	}
	json_decref(one);
	buf_free(&ids);
	return rc;
}

/* Set the input --correlate-input names to a new unique ID. */
static void
new_marker(struct ctx *c, struct corr *k)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 r[8];
	size_t		 i, n = sizeof("gh-dispatch-") - 1;

	if (c->o.correlate_input == NULL)
		return;
	arc4random_buf(r, sizeof(r));
	memcpy(k->marker, "gh-dispatch-", n);
	for (i = 0; i < sizeof(r); i++) {
		k->marker[n++] = hex[r[i] >> 4];
		k->marker[n++] = hex[r[i] & 15];
	}
	k->marker[n] = '\0';
	if (json_object_set_new(c->inputs, c->o.correlate_input,
	    json_string(k->marker)) == -1)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
}

/* The runs already there, so that correlation can tell the new one. */
static void
snapshot(struct ctx *c, struct corr *k)
{
	struct dkerr	 err;
	json_t		*runs, *o;
	char		 id[32];
	size_t		 i;

	memset(&err, 0, sizeof(err));
	k->anchor = time(NULL);
	window(c, k);
	if (list_runs(c, k->list_since, &runs, &err) == -1)
		cli_die_err(&err);
	if ((k->before = json_object()) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	json_array_foreach(runs, i, o) {
		json_t *v = json_object_get(o, "id");

		if (!json_is_integer(v) || snprintf(id, sizeof(id), "%lld",
		    (long long)json_integer_value(v)) >= (int)sizeof(id))
			continue;
		json_object_set_new(k->before, id, json_true());
	}
	json_decref(runs);
}

/* Print the result line. */
static void
output(struct ctx *c, long long id, const char *run_url, const char *html_url)
{
	json_t	*out;

	out = json_pack("{s:s, s:s, s:s, s:I, s:s?, s:s?}",
	    "repository", c->repo.full, "workflow", c->workflow, "ref", c->ref,
	    "run_id", (json_int_t)id, "run_url", run_url, "html_url", html_url);
	if (out == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	if (!c->o.quiet && isatty(STDERR_FILENO))
		cli_warn("started run %lld of %s on %s: %s", id, c->workflow,
		    c->ref, html_url ? html_url : "");
	if (json_dumpf(out, stdout, JSON_COMPACT) == -1 || putchar('\n') == EOF)
		cli_die(DK_EXIT_NOANSWER, "stdout: write failed");
	json_decref(out);
}

static void
output_run(struct ctx *c, json_t *o)
{
	struct ghapi_run	 run;
	struct dkerr		 err;

	if (ghapi_run_parse(o, &run, &err) == -1)
		cli_die_err(&err);
	output(c, run.id, run.url, run.html_url);
	ghapi_run_free(&run);
}

/* Release everything, the token wiped. */
static void
close_ctx(struct ctx *c, struct corr *k)
{
	http_client_free(c->http);
	buf_wipe(&c->token);
	buf_free(&c->base);
	buf_free(&c->wf_esc);
	json_decref(c->inputs);
	json_decref(k->before);
	json_decref(k->found);
	free(c->ref);
	free(c->o.fields);
}

/* Whether an error answer refuses the return_run_details key. */
static int
refuses_details(const struct ghapi_error *g)
{
	return (g->status == 400 || g->status == 422) &&
	    strstr(g->message, "return_run_details") != NULL;
}

int
main(int argc, char *argv[])
{
	struct ctx		 c;
	struct corr		 k;
	struct ghapi_call	 call;
	struct ghapi_reply	 r;
	struct ghapi_error	 gerr;
	struct dkerr		 err;
	struct buf		 url = BUF_INIT(8192);
	json_t			*body, *id;
	char			*text;
	int			 tries, details = 1, rc;

	cli_init("gh-dispatch");
	memset(&c, 0, sizeof(c));
	memset(&k, 0, sizeof(k));
	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	c.base.max = c.wf_esc.max = 8192;
	parse_args(argc, argv, &c.o);
	validate(&c);
	open_api(&c);

	if (c.o.ref == NULL)
		default_ref(&c);
	else if ((c.ref = strdup(c.o.ref)) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	c.branch = c.ref;
	if (strncmp(c.branch, "refs/heads/", 11) == 0)
		c.branch += 11;
	else if (strncmp(c.branch, "refs/tags/", 10) == 0)
		c.branch += 10;
	if (ghapi_repo_url(&url, c.api.base, &c.repo, "/actions/workflows/%s"
	    "/dispatches", buf_str(&c.wf_esc)) == -1)
		cli_die(DK_EXIT_USAGE, "--workflow: too long");

	for (tries = 1; ; tries++) {
		/* Without run details, or once a dispatch went astray, the
		 * runs listed before tell ours apart. */
		if ((!details || tries > 1) && k.before == NULL)
			snapshot(&c, &k);
		new_marker(&c, &k);
		body = json_pack("{s:s, s:O}", "ref", c.ref, "inputs", c.inputs);
		if (body && json_object_size(c.inputs) == 0)
			json_object_del(body, "inputs");
		if (body && details)
			json_object_set_new(body, "return_run_details",
			    json_true());
		if (body == NULL ||
		    (text = json_dumps(body, JSON_COMPACT)) == NULL)
			cli_die(DK_EXIT_NOANSWER, "out of memory");
		json_decref(body);
		memset(&call, 0, sizeof(call));
		call.method = "POST";
		call.url = buf_str(&url);
		call.body = text;
		call.body_len = strlen(text);
		call.once = 1;
		call.what = c.what;
		call.notfound = "repository or workflow";
		/*
		 * A signal ends us here, where no dispatch is in flight (an
		 * earlier one surely made no run).  From here on it waits
		 * until the run is printed: a dispatch that may have reached
		 * GitHub is never left without its run on stdout.
		 */
		cli_hold_signals(0);
		cli_hold_signals(1);
		k.anchor = time(NULL);
		rc = ghapi_call(&c.api, &call, &r, &gerr, &err);
		OPENSSL_cleanse(text, strlen(text));
		free(text);

		if (rc == 0 && r.status == 200 &&
		    json_is_integer(id = json_object_get(r.json,
		    "workflow_run_id"))) {
			output(&c, json_integer_value(id),
			    json_string_value(json_object_get(r.json,
			    "run_url")), json_string_value(json_object_get(
			    r.json, "html_url")));
			break;
		}
		if (rc == -1 && details && refuses_details(&gerr)) {
			if (!c.o.quiet)
				cli_warn("%s: the server does not take "
				    "return_run_details (GitHub Enterprise "
				    "Server?): dispatching without it and "
				    "finding the run by correlation", c.what);
			details = 0;
			tries--;
			continue;
		}
		if (rc == -1 && !gerr.maybe_sent)
			cli_die_err(&err);
		k.sure = rc == 0;
		if (rc == -1 && !c.o.quiet)
			cli_warn("%s; looking for its run to learn whether "
			    "GitHub acted on it", err.msg);
		if (rc == 0 && details && !c.o.quiet)
			cli_warn("%s: HTTP %ld without run details: finding the "
			    "run by correlation", c.what, r.status);

		window(&c, &k);
		switch (correlate(&c, &k, &err)) {
		case CORR_FOUND:
			if (rc == -1 && !c.o.quiet)
				cli_warn("%s: GitHub did start a run", c.what);
			output_run(&c, k.found);
			break;
		case CORR_AMBIGUOUS:
			cli_die(DK_EXIT_REMOTE, "%s: %s", c.what, k.why);
		case CORR_UNSURE:
			cli_die(DK_EXIT_NOANSWER, "%s: %s", c.what, k.why);
		case -1:
			cli_die_err(&err);
		}
		if (k.found)
			break;
		if (k.sure)
			cli_die(DK_EXIT_REMOTE, "%s: GitHub accepted the dispatch "
			    "but no run of it appeared within %lu s; see the "
			    "workflow's runs on GitHub before dispatching again",
			    c.what, c.o.correlate_timeout);
		if (tries >= DISPATCH_TRIES)
			cli_die(DK_EXIT_NOANSWER, "%s: no answer after %d "
			    "dispatches, and no run came of them", c.what,
			    tries);
		if (!c.o.quiet)
			cli_warn("%s: no run came of it within %lu s: "
			    "dispatching again", c.what,
			    c.o.correlate_timeout);
	}
	ghapi_reply_free(&r);
	buf_free(&url);
	close_ctx(&c, &k);
	rc = cli_finish(DK_EXIT_OK);
	/* A signal held over the dispatch ends us now, the run printed. */
	cli_hold_signals(0);
	return rc;
}
