/*
 * gh-wait: wait for a GitHub Actions workflow run to finish, show its
 * progress, and exit 0 only when it concluded "success".
 *
 * The run is polled with If-None-Match: an unchanged run is a 304, which
 * GitHub does not count against the rate limit.  Jobs (and, while the run
 * waits, its pending deployments) are fetched only when the run changed,
 * and only when progress is shown: a --quiet wait costs a handful of
 * counted requests however long it lasts.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cli.h"
#include "dkerr.h"
#include "ghapi.h"
#include "http.h"

#define STDIN_MAX		((size_t)1 << 20)
#define INTERVAL_DEFAULT	3	/* s */
#define INTERVAL_IDLE_MAX	15	/* s: queued, pending, requested */
#define INTERVAL_WAIT_MAX	30	/* s: waiting for an approval */
#define JOB_PAGES		10
#define TICK_MS			200L
#define CANCEL_BUDGET_MS	30000LL
#define WAIT_ATTEMPTS		8	/* tries per call once GitHub answered */

static const char usage_text[] =
"usage: gh-wait [-qv] [--repo owner/repo --run-id id | --url url]\n"
"               [--interval duration] [--timeout duration]\n"
"               [--cancel-on-interrupt] [--token-file file]\n";

static volatile sig_atomic_t got_signal;

static void __attribute__((noreturn))
usage(int status)
{
	cli_usage(usage_text, status);
}

enum {
	OPT_REPO = 256, OPT_RUN_ID, OPT_URL, OPT_INTERVAL, OPT_TIMEOUT,
	OPT_CANCEL, OPT_TOKEN_FILE, OPT_VERSION
};

static const struct option longopts[] = {
	{ "repo",		 required_argument,	NULL, OPT_REPO },
	{ "run-id",		 required_argument,	NULL, OPT_RUN_ID },
	{ "url",		 required_argument,	NULL, OPT_URL },
	{ "interval",		 required_argument,	NULL, OPT_INTERVAL },
	{ "timeout",		 required_argument,	NULL, OPT_TIMEOUT },
	{ "cancel-on-interrupt", no_argument,		NULL, OPT_CANCEL },
	{ "token-file",		 required_argument,	NULL, OPT_TOKEN_FILE },
	{ "quiet",		 no_argument,		NULL, 'q' },
	{ "verbose",		 no_argument,		NULL, 'v' },
	{ "help",		 no_argument,		NULL, 'h' },
	{ "version",		 no_argument,		NULL, OPT_VERSION },
	{ NULL,			 0,			NULL, 0 }
};

struct opts {
	const char	*repo, *run_id, *url, *token_file;
	unsigned long	 interval, timeout;	/* s; timeout 0: none */
	int		 cancel, quiet, verbose;
};

enum view_mode { VIEW_NONE, VIEW_LINES, VIEW_LIVE };

/* What the previous report showed of a job, for one line per change. */
struct seen_job {
	long long	 id;
	char		 status[24];
	size_t		 steps_done;	/* completed steps already reported */
};

struct view {
	enum view_mode	 mode;
	int		 color, utf8;
	int		 drawn;		/* lines of the live view on screen */
	char		 status[24];	/* the run's status last reported */
	char		 env[256];	/* what a waiting run waits for */
	char		 env_said[256];
	struct seen_job	*seen;
	size_t		 nseen;
	int		 announced;
};

struct waiter {
	struct opts		 o;
	struct ghapi_repo	 repo;
	unsigned long long	 run_id;
	struct buf		 base, token, run_url, jobs_url, pending_url;
	struct buf		 cancel_url;
	struct http_client	*http;
	struct ghapi		 api;
	char			 what[200];	/* "run 123 of org/infra" */
	char			 run_etag[256], jobs_etag[256];
	char			 pending_etag[256];
	struct ghapi_run	 run;
	int			 have_run;
	struct ghapi_jobs	 jobs;
	int			 jobs_fresh;	/* jobs match the current run */
	struct view		 v;
	long long		 deadline;	/* ghapi_now_ms(); 0: none */
};

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	int	 c;

	o->interval = INTERVAL_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_REPO:		o->repo = optarg; break;
		case OPT_RUN_ID:	o->run_id = optarg; break;
		case OPT_URL:		o->url = optarg; break;
		case OPT_INTERVAL:
			if (cli_parse_duration(optarg, 3600, &o->interval) == -1 ||
			    o->interval == 0)
				cli_die(DK_EXIT_USAGE, "--interval %s: want a "
				    "duration from 1s to 1h (90, 90s, 15m, 1h)",
				    optarg);
			break;
		case OPT_TIMEOUT:
			if (cli_parse_duration(optarg, 30 * 86400UL,
			    &o->timeout) == -1 || o->timeout == 0)
				cli_die(DK_EXIT_USAGE, "--timeout %s: want a "
				    "duration such as 90, 90s, 15m or 1h", optarg);
			break;
		case OPT_CANCEL:	o->cancel = 1; break;
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
		cli_die(DK_EXIT_USAGE, "%s: unexpected argument", argv[optind]);
	if (o->url && (o->repo || o->run_id))
		cli_die(DK_EXIT_USAGE, "--url goes without --repo and --run-id");
	if (!o->repo != !o->run_id) {
		cli_warn("--repo and --run-id go together");
		usage(1);
	}
}

/* The run to wait for: from the options, or gh-dispatch's line on stdin. */
static void
which_run(struct waiter *w)
{
	struct dkerr	 err;
	struct buf	 in = BUF_INIT(STDIN_MAX);
	json_error_t	 jerr;
	json_t		*doc, *id;
	const char	*repo, *url;
	char		 chunk[4096];
	unsigned long	 v;
	size_t		 n;

	memset(&err, 0, sizeof(err));
	if (w->o.url) {
		if (ghapi_run_url_parse(w->o.url, &w->repo, &w->run_id,
		    &err) == -1)
			cli_die(DK_EXIT_USAGE, "--url %s", err.msg);
		return;
	}
	if (w->o.repo) {
		if (ghapi_repo_parse(w->o.repo, &w->repo, &err) == -1)
			cli_die(DK_EXIT_USAGE, "--repo %s", err.msg);
		if (cli_parse_ulong(w->o.run_id, 1, ~0UL, &v) == -1)
			cli_die(DK_EXIT_USAGE, "--run-id %s: want a run ID "
			    "(digits)", w->o.run_id);
		w->run_id = v;
		return;
	}
	if (isatty(STDIN_FILENO))
		cli_die(DK_EXIT_USAGE, "which run? give --repo and --run-id, "
		    "--url, or pipe gh-dispatch's output on stdin");
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(&in, chunk, n) == -1)
			cli_die(DK_EXIT_USAGE, "stdin: larger than %zu bytes",
			    STDIN_MAX);
	if (ferror(stdin))
		cli_die(DK_EXIT_USAGE, "stdin: %s", strerror(errno));
	/* jansson skips a NUL between tokens; a key given twice keeps one. */
	if (memchr(buf_str(&in), '\0', in.len) != NULL)
		cli_die(DK_EXIT_USAGE, "stdin: want gh-dispatch's JSON object "
		    "(it holds a NUL byte)");
	if ((doc = json_loadb(buf_str(&in), in.len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL ||
	    !json_is_object(doc))
		cli_die(DK_EXIT_USAGE, "stdin: want gh-dispatch's JSON object "
		    "(%s)", doc ? "not an object" : jerr.text);
	repo = json_string_value(json_object_get(doc, "repository"));
	id = json_object_get(doc, "run_id");
	url = json_string_value(json_object_get(doc, "html_url"));
	if (repo && json_is_integer(id) && json_integer_value(id) > 0) {
		if (ghapi_repo_parse(repo, &w->repo, &err) == -1)
			cli_die(DK_EXIT_USAGE, "stdin: repository %s", err.msg);
		w->run_id = (unsigned long long)json_integer_value(id);
	} else if (url) {
		if (ghapi_run_url_parse(url, &w->repo, &w->run_id, &err) == -1)
			cli_die(DK_EXIT_USAGE, "stdin: html_url %s", err.msg);
	} else
		cli_die(DK_EXIT_USAGE, "stdin: want \"repository\" and "
		    "\"run_id\" (gh-dispatch's output)");
	json_decref(doc);
	buf_free(&in);
}

/* --- Progress ----------------------------------------------------------- */

static const char *
sym(const struct view *v, enum ghapi_status st, const char *conclusion,
    const char **color)
{
	*color = "";
	if (st == GHAPI_COMPLETED) {
		if (conclusion && strcmp(conclusion, "success") == 0) {
			*color = "\033[32m";
			return v->utf8 ? "\342\234\223" : "+";	/* ✓ */
		}
		if (conclusion && (strcmp(conclusion, "skipped") == 0 ||
		    strcmp(conclusion, "neutral") == 0)) {
			*color = "\033[2m";
			return v->utf8 ? "\342\212\230" : "-";	/* ⊘ */
		}
		*color = "\033[31m";
		return v->utf8 ? "\342\234\227" : "x";		/* ✗ */
	}
	if (st == GHAPI_IN_PROGRESS) {
		*color = "\033[33m";
		return v->utf8 ? "\342\227\217" : "*";		/* ● */
	}
	if (st == GHAPI_WAITING)
		*color = "\033[33m";
	return v->utf8 ? "\302\267" : ".";			/* · */
}

/* "42s", "3m12s", "1h02m"; "" when the times are not known. */
static void
elapsed(const struct waiter *w, const char *start, const char *end,
    char *out, size_t outsz)
{
	time_t	 a, b;
	long	 s;
	int	 n;

	out[0] = '\0';
	if (ghapi_time_parse(start, &a) == -1)
		return;
	if (end == NULL || ghapi_time_parse(end, &b) == -1)
		b = ghapi_server_time(&w->api);
	s = b > a ? (long)(b - a) : 0;
	if (s < 60)
		n = snprintf(out, outsz, "%lds", s);
	else if (s < 3600)
		n = snprintf(out, outsz, "%ldm%02lds", s / 60, s % 60);
	else
		n = snprintf(out, outsz, "%ldh%02ldm", s / 3600, s % 3600 / 60);
	if (n < 0 || (size_t)n >= outsz)
		out[0] = '\0';
}

/* Append s, cut to at most *room characters (UTF-8 code points). */
static void
add_cut(struct buf *b, const char *s, int *room)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80) {
			if (*room <= 0)
				break;
			(*room)--;
		}
		if (buf_addc(b, (char)*p) == -1)
			return;
	}
}

/* One line of the live view: indent, a coloured symbol, text, time. */
static void
live_line(const struct view *v, struct buf *b, int cols, int indent,
    enum ghapi_status st, const char *conclusion, const char *text,
    const char *time_text)
{
	const char	*color, *s = sym(v, st, conclusion, &color);
	int		 room = cols - 1 - indent - 2, i, used;
	int		 tlen = (int)strlen(time_text);

	for (i = 0; i < indent; i++)
		buf_addc(b, ' ');
	if (v->color && color[0])
		buf_addf(b, "%s%s\033[0m ", color, s);
	else
		buf_addf(b, "%s ", s);
	used = room;
	add_cut(b, text, &room);
	used -= room;
	if (tlen > 0 && room > tlen) {
		/* Times in a column, where the line has room for it. */
		for (i = used; i < 36 - indent && room > tlen + 1; i++, room--)
			buf_addc(b, ' ');
		buf_addc(b, ' ');
		buf_addstr(b, time_text);
	}
	buf_addc(b, '\n');
}

/* Whether a job's steps are shown: running or failed ones. */
static int
show_steps(const struct ghapi_job *j)
{
	return j->status == GHAPI_IN_PROGRESS ||
	    (j->status == GHAPI_COMPLETED &&
	    ghapi_conclusion_failed(j->conclusion));
}

/* Clear the live view (to print a message under nothing). */
static void
live_clear(struct view *v)
{
	if (v->mode != VIEW_LIVE || v->drawn == 0)
		return;
	fprintf(stderr, "\r\033[%dA\033[J", v->drawn);
	v->drawn = 0;
}

static void
live_draw(struct waiter *w)
{
	struct view		*v = &w->v;
	struct buf		 b = BUF_INIT(1 << 20), head = BUF_INIT(1024);
	struct winsize		 ws;
	const struct ghapi_job	*j;
	char			 t[32];
	int			 cols = 80, rows = 24, lines, budget, steps;
	size_t			 i, k;

	if (!w->have_run)
		return;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 &&
	    ws.ws_row > 4) {
		cols = ws.ws_col;
		rows = ws.ws_row;
	}
	elapsed(w, w->run.run_started_at ? w->run.run_started_at :
	    w->run.created_at, w->run.status == GHAPI_COMPLETED ?
	    w->run.updated_at : NULL, t, sizeof(t));
	buf_addf(&head, "%s %s", w->what, w->run.status_text ?
	    w->run.status_text : "unknown");
	if (w->run.conclusion)
		buf_addf(&head, ", %s", w->run.conclusion);
	live_line(v, &b, cols, 0, w->run.status, w->run.conclusion,
	    buf_str(&head), t);
	buf_reset(&head);
	if (w->run.status == GHAPI_WAITING && v->env[0])
		buf_addstr(&head, v->env);
	else
		buf_addstr(&head, w->run.html_url ? w->run.html_url : "");
	{
		int room = cols - 3;

		buf_addstr(&b, "  ");
		add_cut(&b, buf_str(&head), &room);
		buf_addc(&b, '\n');
	}
	lines = 2;
	budget = rows - 1 - lines;
	/* Steps only while there is room for them and every job line. */
	steps = 0;
	for (i = 0; i < w->jobs.njobs; i++)
		if (show_steps(&w->jobs.jobs[i]))
			steps += (int)w->jobs.jobs[i].nsteps;
	if ((int)w->jobs.njobs + steps > budget)
		steps = -1;
	for (i = 0; i < w->jobs.njobs; i++) {
		j = &w->jobs.jobs[i];
		if (lines >= rows - 2 && i + 1 < w->jobs.njobs) {
			buf_addf(&b, "  ... %zu more jobs\n",
			    w->jobs.njobs - i);
			lines++;
			break;
		}
		elapsed(w, j->started_at, j->status == GHAPI_COMPLETED ?
		    j->completed_at : NULL, t, sizeof(t));
		if (j->status != GHAPI_IN_PROGRESS &&
		    j->status != GHAPI_COMPLETED)
			t[0] = '\0';
		live_line(v, &b, cols, 2, j->status, j->conclusion, j->name, t);
		lines++;
		if (steps < 0 || !show_steps(j))
			continue;
		for (k = 0; k < j->nsteps; k++) {
			const struct ghapi_step *s = &j->steps[k];

			elapsed(w, s->started_at, s->status == GHAPI_COMPLETED ?
			    s->completed_at : NULL, t, sizeof(t));
			if (s->status != GHAPI_IN_PROGRESS &&
			    s->status != GHAPI_COMPLETED)
				t[0] = '\0';
			live_line(v, &b, cols, 6, s->status, s->conclusion,
			    s->name, t);
			lines++;
		}
	}
	live_clear(v);
	fwrite(b.data ? b.data : "", 1, b.len, stderr);
	fflush(stderr);
	v->drawn = lines;
	buf_free(&b);
	buf_free(&head);
}

static struct seen_job *
seen_find(struct view *v, long long id)
{
	size_t	 i;

	for (i = 0; i < v->nseen; i++)
		if (v->seen[i].id == id)
			return &v->seen[i];
	return NULL;
}

static void
copy_str(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = src ? strlen(src) : 0;

	if (n >= dstsz)
		n = dstsz - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* One line per change: run status, jobs starting and ending, steps ending. */
static void
lines_report(struct waiter *w)
{
	struct view		*v = &w->v;
	const struct ghapi_job	*j;
	const struct ghapi_step	*s;
	struct seen_job		*sj, *ns;
	const char		*st = w->run.status_text ? w->run.status_text :
	    "unknown";
	char			 t[32];
	size_t			 i, k;

	if (!v->announced) {
		cli_warn("%s: %s", w->what, w->run.html_url ?
		    w->run.html_url : "(no URL)");
		v->announced = 1;
	}
	if (strcmp(v->status, st) != 0 && w->run.status != GHAPI_COMPLETED)
		cli_warn("%s: %s", w->what, st);
	copy_str(v->status, sizeof(v->status), st);
	if (w->run.status == GHAPI_WAITING && v->env[0] &&
	    strcmp(v->env, v->env_said) != 0)
		cli_warn("%s: %s", w->what, v->env);
	copy_str(v->env_said, sizeof(v->env_said), v->env);

	for (i = 0; w->jobs_fresh && i < w->jobs.njobs; i++) {
		j = &w->jobs.jobs[i];
		if ((sj = seen_find(v, j->id)) == NULL) {
			ns = reallocarray(v->seen, v->nseen + 1, sizeof(*ns));
			if (ns == NULL)
				return;
			v->seen = ns;
			sj = &v->seen[v->nseen++];
			memset(sj, 0, sizeof(*sj));
			sj->id = j->id;
		}
		for (k = sj->steps_done; k < j->nsteps; k++) {
			s = &j->steps[k];
			if (s->status != GHAPI_COMPLETED)
				break;
			elapsed(w, s->started_at, s->completed_at, t, sizeof(t));
			cli_warn("job %s: step %s: %s%s%s%s", j->name, s->name,
			    s->conclusion ? s->conclusion : "completed",
			    t[0] ? " (" : "", t, t[0] ? ")" : "");
			sj->steps_done = k + 1;
		}
		if (j->status_text && strcmp(sj->status, j->status_text) != 0) {
			if (j->status == GHAPI_COMPLETED) {
				elapsed(w, j->started_at, j->completed_at, t,
				    sizeof(t));
				cli_warn("job %s: %s%s%s%s", j->name,
				    j->conclusion ? j->conclusion : "completed",
				    t[0] ? " (" : "", t, t[0] ? ")" : "");
			} else
				cli_warn("job %s: %s", j->name, j->status_text);
			copy_str(sj->status, sizeof(sj->status),
			    j->status_text);
		}
	}
}

static void
report(struct waiter *w)
{
	if (w->v.mode == VIEW_LIVE)
		live_draw(w);
	else if (w->v.mode == VIEW_LINES)
		lines_report(w);
}

/* lib/ghapi's notices (rate limits, retries), under the live view. */
static void
notify(void *arg, const char *msg)
{
	struct waiter	*w = arg;

	live_clear(&w->v);
	cli_warn("%s", msg);
}

/* --- Calls ---------------------------------------------------------------- */

static void
open_api(struct waiter *w)
{
	struct http_options	 hopt;
	struct dkerr		 err;
	const char		*source;

	memset(&err, 0, sizeof(err));
	if (ghapi_token_load(w->o.token_file, &w->token, &source, &err) == -1)
		cli_die_err(&err);
	if (ghapi_base_load(&w->base, &err) == -1)
		cli_die_err(&err);
	if (ghapi_repo_url(&w->run_url, buf_str(&w->base), &w->repo,
	    "/actions/runs/%llu", w->run_id) == -1 ||
	    ghapi_repo_url(&w->jobs_url, buf_str(&w->base), &w->repo,
	    "/actions/runs/%llu/jobs?per_page=100", w->run_id) == -1 ||
	    ghapi_repo_url(&w->pending_url, buf_str(&w->base), &w->repo,
	    "/actions/runs/%llu/pending_deployments", w->run_id) == -1 ||
	    ghapi_repo_url(&w->cancel_url, buf_str(&w->base), &w->repo,
	    "/actions/runs/%llu/cancel", w->run_id) == -1)
		cli_die(DK_EXIT_USAGE, "GITHUB_API_URL: too long");
	if (snprintf(w->what, sizeof(w->what), "run %llu of %s", w->run_id,
	    w->repo.full) >= (int)sizeof(w->what))
		cli_die(DK_EXIT_USAGE, "--repo: too long");
	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = cli_name();
	hopt.timeout_ms = 30000;
	if (w->o.verbose)
		hopt.trace = cli_trace;
	if ((w->http = http_client_new(&hopt, &err)) == NULL)
		cli_die_err(&err);
	w->api.http = w->http;
	w->api.base = buf_str(&w->base);
	w->api.token = buf_str(&w->token);
	/* Until GitHub first answers, a failure is more likely a wrong
	 * GITHUB_API_URL than an outage: the default tries only. */
	w->api.max_attempts = 0;
	w->api.stop = &got_signal;
	w->api.deadline_ms = w->deadline;
	if (!w->o.quiet) {
		w->api.notify = notify;
		w->api.notify_arg = w;
	}
}

static void
call_init(struct ghapi_call *c, const char *method, const char *url,
    const char *what)
{
	memset(c, 0, sizeof(*c));
	c->method = method;
	c->url = url;
	c->what = what;
	c->notfound = "repository or run";
}

/* GET the run; *changed when it differs from the last answer.  0 or -1. */
static int
poll_run(struct waiter *w, int *changed, struct dkerr *err)
{
	struct ghapi_call	 c;
	struct ghapi_reply	 r;
	struct ghapi_run	 run;
	int			 rc = -1;

	memset(&r, 0, sizeof(r));
	*changed = 0;
	call_init(&c, "GET", buf_str(&w->run_url), w->what);
	c.etag = w->have_run ? w->run_etag : NULL;
	if (ghapi_call(&w->api, &c, &r, NULL, err) == -1)
		return -1;
	if (r.status == 304 && w->have_run) {
		rc = 0;
		goto out;
	}
	if (ghapi_run_parse(r.json, &run, err) == -1) {
		dkerr_prefix(err, "%s", w->what);
		goto out;
	}
	if (w->have_run)
		ghapi_run_free(&w->run);
	w->run = run;
	w->have_run = 1;
	w->jobs_fresh = 0;
	copy_str(w->run_etag, sizeof(w->run_etag), r.etag);
	*changed = 1;
	rc = 0;
out:
	ghapi_reply_free(&r);
	return rc;
}

/* The run's jobs, conditionally.  0 (or 0 when unchanged), -1. */
static int
fetch_jobs(struct waiter *w, struct dkerr *err)
{
	struct ghapi_call	 c;
	struct ghapi_jobs	 js;
	json_t			*items;
	char			 what[260];
	int			 rc;

	if (snprintf(what, sizeof(what), "jobs of %s", w->what) >=
	    (int)sizeof(what))
		what[sizeof(what) - 1] = '\0';
	call_init(&c, "GET", buf_str(&w->jobs_url), what);
	rc = ghapi_list(&w->api, &c, "jobs", JOB_PAGES, w->jobs_etag,
	    sizeof(w->jobs_etag), &items, NULL, err);
	if (rc == -1)
		return -1;
	if (rc == 0) {
		if (ghapi_jobs_parse(items, &js, err) == -1) {
			json_decref(items);
			return -1;
		}
		json_decref(items);
		ghapi_jobs_free(&w->jobs);
		w->jobs = js;
	}
	w->jobs_fresh = 1;
	return 0;
}

/* What a waiting run waits for, from its pending deployments, into env. */
static int
fetch_pending(struct waiter *w, struct dkerr *err)
{
	struct ghapi_call	 c;
	struct ghapi_reply	 r;
	struct buf		 names = BUF_INIT(200);
	json_t			*d, *rev;
	const char		*name;
	char			 what[260];
	long long		 timer = 0;
	size_t			 i, n = 0, approvals = 0;
	int			 m;

	memset(&r, 0, sizeof(r));
	if (snprintf(what, sizeof(what), "pending deployments of %s",
	    w->what) >= (int)sizeof(what))
		what[sizeof(what) - 1] = '\0';
	call_init(&c, "GET", buf_str(&w->pending_url), what);
	/* Unchanged (a free 304): what it waits for is what it was. */
	c.etag = w->v.env[0] ? w->pending_etag : NULL;
	if (ghapi_call(&w->api, &c, &r, NULL, err) == -1)
		return -1;
	if (r.status == 304) {
		ghapi_reply_free(&r);
		return 0;
	}
	copy_str(w->pending_etag, sizeof(w->pending_etag), r.etag);
	w->v.env[0] = '\0';
	json_array_foreach(r.json, i, d) {
		name = json_string_value(json_object_get(json_object_get(d,
		    "environment"), "name"));
		if (name == NULL)
			continue;
		rev = json_object_get(d, "reviewers");
		if (json_array_size(rev) > 0)
			approvals++;
		else if (json_is_integer(json_object_get(d, "wait_timer")))
			timer = json_integer_value(json_object_get(d,
			    "wait_timer"));
		if (buf_addf(&names, "%s%s", n++ ? ", " : "", name) == -1)
			break;
	}
	if (n > 0 && approvals > 0)
		m = snprintf(w->v.env, sizeof(w->v.env), "waiting for approval "
		    "of environment%s %s", n > 1 ? "s" : "", buf_str(&names));
	else if (n > 0)
		m = snprintf(w->v.env, sizeof(w->v.env), "waiting for the wait "
		    "timer of environment%s %s (%lld min)", n > 1 ? "s" : "",
		    buf_str(&names), timer);
	else
		m = 0;
	if (m < 0 || (size_t)m >= sizeof(w->v.env))
		copy_str(w->v.env, sizeof(w->v.env), "waiting for approval");
	buf_free(&names);
	ghapi_reply_free(&r);
	return 0;
}

/* Progress fetches are worth a warning, not the wait: the run decides. */
static void
progress_failed(struct waiter *w, const struct dkerr *err)
{
	if (err->kind == DKERR_TIMEOUT || got_signal)
		return;
	live_clear(&w->v);
	cli_warn("%s (progress only: still waiting)", err->msg);
}

/* --- Endings ---------------------------------------------------------- */

/* The result line: the run as last seen, with the failed jobs. */
static void
print_result(struct waiter *w)
{
	const struct ghapi_job	*j;
	const struct ghapi_step	*s;
	json_t			*out, *failed;
	size_t			 i;

	if (!w->have_run)
		return;
	if ((failed = json_array()) == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	for (i = 0; w->jobs_fresh && i < w->jobs.njobs; i++) {
		j = &w->jobs.jobs[i];
		if (!ghapi_conclusion_failed(j->conclusion))
			continue;
		s = ghapi_job_failed_step(j);
		json_array_append_new(failed, json_pack("{s:s, s:s, s:s?, s:s?}",
		    "name", j->name, "conclusion", j->conclusion,
		    "step", s ? s->name : NULL, "html_url", j->html_url));
	}
	out = json_pack("{s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o}",
	    "repository", w->repo.full, "run_id", (json_int_t)w->run_id,
	    "status", w->run.status_text, "conclusion", w->run.conclusion,
	    "html_url", w->run.html_url,
	    "started_at", w->run.run_started_at ? w->run.run_started_at :
	    w->run.created_at,
	    "completed_at", w->run.status == GHAPI_COMPLETED ?
	    w->run.updated_at : NULL, "failed_jobs", failed);
	if (out == NULL)
		cli_die(DK_EXIT_NOANSWER, "out of memory");
	if (json_dumpf(out, stdout, JSON_COMPACT) == -1 || putchar('\n') == EOF)
		cli_die(DK_EXIT_NOANSWER, "stdout: write failed");
	json_decref(out);
}

static void
stats(struct waiter *w)
{
	if (w->o.verbose)
		cli_warn("%lu requests, %lu counted against the rate limit "
		    "(%ld of %ld left)", w->api.requests, w->api.counted,
		    w->api.rate.remaining, w->api.rate.limit);
}

static void __attribute__((noreturn))
finish(struct waiter *w, int code)
{
	stats(w);
	exit(cli_finish(code));
}

/* The run completed: say how, print the result, exit 0 only for success. */
static void __attribute__((noreturn))
completed(struct waiter *w)
{
	struct dkerr		 err;
	const struct ghapi_job	*j, *bad = NULL;
	const struct ghapi_step	*s = NULL;
	const char		*c = w->run.conclusion;
	char			 t[32];
	size_t			 i;

	memset(&err, 0, sizeof(err));
	if (c && strcmp(c, "success") == 0) {
		if (w->v.mode == VIEW_LINES) {
			elapsed(w, w->run.run_started_at, w->run.updated_at, t,
			    sizeof(t));
			cli_warn("%s: success%s%s%s", w->what, t[0] ? " (" : "",
			    t, t[0] ? ")" : "");
		}
		print_result(w);
		finish(w, DK_EXIT_OK);
	}
	/* Name the failed job and step: fetch the jobs if not done. */
	if (!w->jobs_fresh && fetch_jobs(w, &err) == -1)
		progress_failed(w, &err);
	if (w->v.mode == VIEW_LIVE)
		live_draw(w);
	for (i = 0; w->jobs_fresh && i < w->jobs.njobs && bad == NULL; i++) {
		j = &w->jobs.jobs[i];
		if (ghapi_conclusion_failed(j->conclusion) &&
		    strcmp(j->conclusion, "cancelled") != 0) {
			bad = j;
			s = ghapi_job_failed_step(j);
		}
	}
	for (i = 0; w->jobs_fresh && i < w->jobs.njobs && bad == NULL; i++)
		if (ghapi_conclusion_failed(w->jobs.jobs[i].conclusion))
			bad = &w->jobs.jobs[i];
	print_result(w);
	if (bad && s)
		cli_warn("%s concluded %s: job \"%s\" failed at step \"%s\": "
		    "%s", w->what, c ? c : "(none)", bad->name, s->name,
		    w->run.html_url ? w->run.html_url : "");
	else if (bad)
		cli_warn("%s concluded %s: job \"%s\" %s: %s", w->what,
		    c ? c : "(none)", bad->name, bad->conclusion,
		    w->run.html_url ? w->run.html_url : "");
	else
		cli_warn("%s concluded %s: %s", w->what, c ? c : "(none)",
		    w->run.html_url ? w->run.html_url : "");
	finish(w, DK_EXIT_REMOTE);
}

static void __attribute__((noreturn))
timed_out(struct waiter *w)
{
	live_clear(&w->v);
	if (w->v.mode == VIEW_LIVE)
		live_draw(w);
	print_result(w);
	if (!w->have_run)
		cli_warn("timed out after %lu s: no answer yet about %s",
		    w->o.timeout, w->what);
	else
		cli_warn("timed out after %lu s: %s is still %s: %s",
		    w->o.timeout, w->what, w->run.status_text ?
		    w->run.status_text : "unknown", w->run.html_url ?
		    w->run.html_url : "");
	finish(w, DK_EXIT_TIMEOUT);
}

/* SIGINT or SIGTERM: cancel the run if asked, then stop. */
static void __attribute__((noreturn))
interrupted(struct waiter *w)
{
	struct sigaction	 sa;
	struct ghapi_call	 c;
	struct ghapi_reply	 r;
	struct ghapi_error	 gerr;
	struct dkerr		 err;
	int			 sig = got_signal;

	/* A second signal ends us at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	live_clear(&w->v);
	if (w->o.cancel) {
		memset(&r, 0, sizeof(r));
		memset(&err, 0, sizeof(err));
		w->api.stop = NULL;
		w->api.deadline_ms = ghapi_now_ms() + CANCEL_BUDGET_MS;
		w->api.max_attempts = 2;
		w->api.max_rate_waits = 1;
		call_init(&c, "POST", buf_str(&w->cancel_url), w->what);
		if (!w->o.quiet)
			cli_warn("interrupted: cancelling %s", w->what);
		if (ghapi_call(&w->api, &c, &r, &gerr, &err) == 0) {
			if (!w->o.quiet)
				cli_warn("%s: cancel requested (HTTP %ld)",
				    w->what, r.status);
		} else if (gerr.status == 409) {
			if (!w->o.quiet)
				cli_warn("%s: already completed, nothing to "
				    "cancel", w->what);
		} else
			cli_warn("%s", err.msg);
		ghapi_reply_free(&r);
	} else if (!w->o.quiet && !w->have_run)
		cli_warn("interrupted before any answer about %s", w->what);
	else if (!w->o.quiet)
		cli_warn("interrupted: %s goes on: %s", w->what,
		    w->run.html_url ? w->run.html_url : "");
	print_result(w);
	stats(w);
	/* End by the signal itself (a shell reports 130 or 143), so that a
	 * script that ran us stops too. */
	cli_finish(0);
	cli_die_signal(sig);
}

/* Sleep ms, redrawing the live view each second; watch signal, deadline. */
static void
nap(struct waiter *w, long long ms)
{
	struct timespec	 ts;
	long long	 now = ghapi_now_ms(), end = now + ms, left, drawn = now;

	for (;;) {
		if (got_signal)
			interrupted(w);
		now = ghapi_now_ms();
		if (w->deadline && now >= w->deadline)
			timed_out(w);
		if ((left = end - now) <= 0)
			return;
		if (w->v.mode == VIEW_LIVE && now - drawn >= 1000) {
			live_draw(w);
			drawn = now;
		}
		if (left > TICK_MS)
			left = TICK_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/* The next poll's interval: the base while running, longer while idle. */
static long long
next_interval(const struct waiter *w, long long cur, int changed)
{
	long long	 base = (long long)w->o.interval * 1000, cap;

	if (changed || w->run.status == GHAPI_IN_PROGRESS ||
	    w->run.status == GHAPI_UNKNOWN)
		return base;
	cap = (w->run.status == GHAPI_WAITING ? INTERVAL_WAIT_MAX :
	    INTERVAL_IDLE_MAX) * 1000LL;
	if (cap < base)
		cap = base;
	cur = cur * 3 / 2;
	return cur > cap ? cap : cur;
}

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static int
contains(const char *hay, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

static int
utf8_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && v[0])
			return contains(v, "utf-8") || contains(v, "utf8");
	return 0;
}

static void
setup_view(struct waiter *w)
{
	const char	*term = getenv("TERM"), *nc = getenv("NO_COLOR");

	if (w->o.quiet)
		w->v.mode = VIEW_NONE;
	else if (isatty(STDERR_FILENO) && term && term[0] &&
	    strcmp(term, "dumb") != 0)
		w->v.mode = VIEW_LIVE;
	else
		w->v.mode = VIEW_LINES;
	w->v.color = !(nc && nc[0]);
	w->v.utf8 = utf8_locale();
}

static void
setup_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: sleeps end early and the loop sees the flag. */
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
main(int argc, char *argv[])
{
	struct waiter	 w;
	struct dkerr	 err;
	long long	 interval;
	int		 changed;

	cli_init("gh-wait");
	memset(&w, 0, sizeof(w));
	memset(&err, 0, sizeof(err));
	w.base.max = w.run_url.max = w.jobs_url.max = 8192;
	w.pending_url.max = w.cancel_url.max = 8192;
	parse_args(argc, argv, &w.o);
	which_run(&w);
	if (w.o.timeout)
		w.deadline = ghapi_now_ms() + (long long)w.o.timeout * 1000;
	setup_view(&w);
	open_api(&w);
	setup_signals();

	interval = (long long)w.o.interval * 1000;
	for (;;) {
		if (got_signal)
			interrupted(&w);
		if (poll_run(&w, &changed, &err) == -1) {
			if (got_signal)
				interrupted(&w);
			if (err.kind == DKERR_TIMEOUT)
				timed_out(&w);
			live_clear(&w.v);
			stats(&w);
			cli_die_err(&err);
		}
		/* A wait outlives short outages: more tries than at first. */
		w.api.max_attempts = WAIT_ATTEMPTS;
		if (changed && w.v.mode != VIEW_NONE) {
			if (w.run.status == GHAPI_WAITING) {
				if (fetch_pending(&w, &err) == -1)
					progress_failed(&w, &err);
			} else
				w.v.env[0] = '\0';
			if (fetch_jobs(&w, &err) == -1)
				progress_failed(&w, &err);
			if (got_signal)
				interrupted(&w);
			report(&w);
		}
		if (w.run.status == GHAPI_COMPLETED)
			completed(&w);
		interval = next_interval(&w, interval, changed);
		nap(&w, interval);
	}
}
