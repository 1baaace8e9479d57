/*
 * ghapi: calls to GitHub's REST API over lib/http: authenticate, send, wait
 * out rate limits, retry, map errors to lines a user can act on, follow
 * Link pagination, and read workflow runs and jobs.
 *
 * Every request carries Accept: application/vnd.github+json,
 * X-GitHub-Api-Version: 2022-11-28 and Authorization: Bearer TOKEN (which
 * lib/http redacts in traces).
 *
 * Waiting is decided as data (ghapi_rate_wait(), ghapi_backoff_ms()) and
 * then done by ghapi_call(), which tells the notify callback what it waits
 * for and until when, sleeps in short slices, and stops early when the
 * caller's stop flag is raised or its deadline would pass.
 *
 *  - a rate-limit answer (403/429 with retry-after, x-ratelimit-remaining 0
 *    or a "rate limit" message) waits: retry-after seconds, else until
 *    x-ratelimit-reset when remaining is 0, else 60 s doubling each time;
 *    such an answer was never acted on, so even a dispatch is resent;
 *  - 5xx and connection failures back off (1 s doubling, jittered, capped
 *    at 30 s) for max_attempts, except for a call marked once (a dispatch),
 *    which is resent only when it surely never reached GitHub;
 *  - 401, 403, 404, 4xx: DKERR_REMOTE with a message naming the cause.
 */
#ifndef DK_GHAPI_H
#define DK_GHAPI_H

#include <signal.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"
#include "http.h"

#define GHAPI_DEFAULT_BASE	"https://api.github.com"
#define GHAPI_API_VERSION	"2022-11-28"
#define GHAPI_TOKEN_MAX		4096	/* bytes of a token (file) */
#define GHAPI_MAX_INPUTS	25	/* workflow_dispatch: top-level inputs */
#define GHAPI_MAX_INPUT_CHARS	65535	/* ... and characters of their JSON */

/* OWNER/REPO, checked (ghapi_repo_parse()). */
struct ghapi_repo {
	char	owner[40];	/* 1..39 */
	char	name[101];	/* 1..100 */
	char	full[142];	/* "owner/name" */
};

/* The x-ratelimit-* headers of the last answer that had them; -1: unknown. */
struct ghapi_rate {
	long		 limit;
	long		 remaining;
	long		 used;
	long long	 reset;		/* epoch seconds */
	char		 resource[32];	/* "core", "" if not said */
};

/* A client.  Zero it, then fill in the first block. */
struct ghapi {
	struct http_client	*http;		/* borrowed */
	const char		*base;		/* API base URL, borrowed; see
						 * ghapi_base_check() */
	const char		*token;		/* borrowed; NULL: anonymous */
	int			 max_attempts;	/* 5xx/network tries per call; 0: 5 */
	int			 max_rate_waits; /* rate-limit waits per call; 0: 6 */
	long long		 deadline_ms;	/* ghapi_now_ms() time after which
						 * no wait may end; 0: none */
	const volatile sig_atomic_t *stop;	/* waits end when *stop != 0 */
	void			(*notify)(void *, const char *);
	void			*notify_arg;

	/* Accounting, updated by every answer. */
	struct ghapi_rate	 rate;
	unsigned long		 requests;	/* answers received (each
						 * Date sets skew) */
	unsigned long		 counted;	/* ... that count against the
						 * primary rate limit (not 304) */
	long			 skew;		/* GitHub's clock (Date) minus
						 * ours, seconds */
	int			 interrupted;	/* a wait ended on *stop */
};

/* One request.  Pointers are borrowed for the call. */
struct ghapi_call {
	const char	*method;	/* "GET", "POST" */
	const char	*url;		/* absolute, under base */
	const char	*body;		/* JSON, or NULL */
	size_t		 body_len;
	const char	*etag;		/* sent as If-None-Match, or NULL */
	int		 once;		/* not idempotent: never resent once it
					 * may have reached GitHub */
	const char	*what;		/* names the call in messages:
					 * "dispatch deploy.yaml in org/infra" */
	const char	*notfound;	/* what a 404 did not find:
					 * "repository or workflow";
					 * NULL: "repository" */
};

/* An answer. ghapi_reply_free() releases it; zero it before first use. */
struct ghapi_reply {
	long		 status;	/* 2xx or 304 */
	json_t		*json;		/* the body, NULL when empty or 304 */
	char		 etag[256];	/* ETag, "" when none (or too long) */
	char		*next;		/* Link rel="next" under base, or NULL */
	long		 date;		/* Date header as epoch s, 0 if none */
};

/* Why a call failed, as GitHub said it. */
struct ghapi_error {
	long	 status;	/* 0 when no answer arrived */
	char	 message[400];	/* GitHub's "message" (and errors[]), or "" */
	int	 rate_limited;	/* the answer was a rate limit */
	int	 maybe_sent;	/* a once call failed after it may have
				 * reached GitHub: it may have been acted on */
};

/*
 * Send one call, waiting and retrying as the top of this file says.
 * Returns 0 with reply filled for 2xx and 304 (a 2xx body that is not JSON
 * is retried as a broken transfer, except for a once call: DKERR_NETWORK
 * and maybe_sent); -1 with err set
 * (and gerr, which may be NULL): DKERR_REMOTE for GitHub's refusals,
 * DKERR_NETWORK when no usable answer came after the retries or a wait was
 * interrupted (api->interrupted), DKERR_TIMEOUT when a wait would pass
 * deadline_ms, DKERR_INPUT for a URL that is refused.
 */
int	ghapi_call(struct ghapi *, const struct ghapi_call *,
	    struct ghapi_reply *, struct ghapi_error *, struct dkerr *);
void	ghapi_reply_free(struct ghapi_reply *);

/*
 * GET a paginated list (per_page is the caller's) and gather the array
 * member key of every page (at most max_pages) into *items (a new array).
 * etag, etagsz: in, the ETag of the previous answer or ""; out, the new
 * one when the list fitted one page, else "".  Returns 0, 1 when GitHub
 * answered 304 to etag (*items NULL: nothing changed), -1 as ghapi_call().
 */
int	ghapi_list(struct ghapi *, const struct ghapi_call *, const char *key,
	    int max_pages, char *etag, size_t etagsz, json_t **items,
	    struct ghapi_error *, struct dkerr *);

/* Monotonic milliseconds, the clock of deadline_ms. */
long long ghapi_now_ms(void);

/* GitHub's time as we estimate it: time(NULL) + api->skew. */
time_t	ghapi_server_time(const struct ghapi *);

/* --- Input rules (DKERR_INPUT, naming what is wrong) ------------------- */

/*
 * The token: printable ASCII without spaces, 1..GHAPI_TOKEN_MAX bytes.
 * what names its source ("GH_TOKEN"); the message never shows the token.
 */
int	ghapi_token_check(const char *, const char *what, struct dkerr *);

/*
 * The token: from the file at path when it is not NULL (opened with
 * O_NOFOLLOW, a regular file of at most GHAPI_TOKEN_MAX bytes, white space
 * around it dropped), else GH_TOKEN, else GITHUB_TOKEN (empty ones are
 * skipped).  Into out, which the caller wipes (buf_wipe()); *source names
 * where it came from.  DKERR_INPUT when there is none or it is no token.
 */
int	ghapi_token_load(const char *path, struct buf *out, const char **source,
	    struct dkerr *);

/* The API base: GITHUB_API_URL when set and not empty, else
 * GHAPI_DEFAULT_BASE, checked by ghapi_base_check(). */
int	ghapi_base_load(struct buf *out, struct dkerr *);

/* GITHUB_API_URL: https (or http to loopback), no query or fragment; a
 * trailing '/' is dropped into out. */
int	ghapi_base_check(const char *, struct buf *out, struct dkerr *);

/* "OWNER/REPO": owner 1..39 of [A-Za-z0-9-_], not starting with '-' or
 * '_'; name 1..100 of [A-Za-z0-9._-], not "." or ".." nor ending ".git". */
int	ghapi_repo_parse(const char *, struct ghapi_repo *, struct dkerr *);

/* A workflow: an ID (digits) or a file name ending .yml/.yaml; a path
 * .github/workflows/NAME is reduced to NAME.  Writes the name to use into
 * out (at least 256 bytes). */
int	ghapi_workflow_parse(const char *, char *out, size_t, struct dkerr *);

/* A branch or tag name as git check-ref-format takes it (refs/heads/ and
 * refs/tags/ allowed). */
int	ghapi_ref_check(const char *, struct dkerr *);

/* A workflow input name: [A-Za-z_][A-Za-z0-9_-]*, at most 100 bytes. */
int	ghapi_input_name_check(const char *, struct dkerr *);

/*
 * Add "KEY=VALUE" to the inputs object, or key and a value (as a string:
 * JSON numbers and booleans become their text).  A key given twice, a
 * value that is not UTF-8, null, an array or an object are refused.
 */
int	ghapi_inputs_add_kv(json_t *inputs, const char *kv, struct dkerr *);
int	ghapi_inputs_add(json_t *inputs, const char *key, json_t *value,
	    struct dkerr *);

/* At most GHAPI_MAX_INPUTS inputs, GHAPI_MAX_INPUT_CHARS characters. */
int	ghapi_inputs_check(const json_t *inputs, struct dkerr *);

/*
 * The owner, repo and run ID in a run's URL, HTML
 * (https://github.com/O/R/actions/runs/ID[/...]) or API
 * (.../repos/O/R/actions/runs/ID).  Only these are taken: the host is not,
 * so that a URL never chooses where the token goes.
 */
int	ghapi_run_url_parse(const char *, struct ghapi_repo *,
	    unsigned long long *id, struct dkerr *);

/* --- Answers ------------------------------------------------------------ */

/*
 * The rel="next" URL of a Link header, into out.  Returns 1 when found
 * and under base (same scheme, host, port and path prefix), 0 when there
 * is none, -1 when it points elsewhere or is malformed.
 */
int	ghapi_link_next(const char *link, const char *base, struct buf *out);

/* Read x-ratelimit-* from an answer into rate (fields absent stay). */
void	ghapi_rate_update(struct ghapi_rate *, const struct http_response *);

/* Whether a 403/429 answer is a rate limit rather than a refusal. */
int	ghapi_is_rate_limited(long status, const struct http_response *,
	    const char *message);

enum ghapi_wait_kind {
	GHAPI_WAIT_RETRY_AFTER,		/* retry-after said how long */
	GHAPI_WAIT_RESET,		/* primary limit: until x-ratelimit-reset */
	GHAPI_WAIT_SECONDARY		/* no hint: 60 s, doubling */
};

struct ghapi_wait {
	enum ghapi_wait_kind	 kind;
	long			 seconds;	/* how long, >= 1 */
};

/*
 * How long to wait after the n-th (from 1) rate-limit answer.  now is our
 * clock; the answer's Date header, when present, is GitHub's, and reset is
 * counted on GitHub's clock.
 */
void	ghapi_rate_wait(const struct http_response *, time_t now, int n,
	    struct ghapi_wait *);

/* Backoff before try n+1 after a 5xx or a connection failure (n >= 1):
 * in [cap/2, cap], cap = 1 s doubling, at most 30 s. */
long	ghapi_backoff_ms(int n);

/* GitHub's error message (message, then errors[].message or code/field)
 * from an error answer's body into out; "" when there is none. */
void	ghapi_error_message(const struct buf *body, char *out, size_t);

/*
 * The dkerr for an error answer: 401 a bad token, 403 forbidden, 404 the
 * notfound text with "or the token cannot see it", other 4xx GitHub's
 * message.  Always returns -1.
 */
int	ghapi_map_error(const struct ghapi_error *, const char *what,
	    const char *notfound, struct dkerr *);

/* RFC 3339 ("2026-11-29T07:00:00Z", offsets, fractions) to epoch: 0 or -1. */
int	ghapi_time_parse(const char *, time_t *);

/* Format epoch seconds as RFC 3339 UTC into out (at least 21 bytes). */
void	ghapi_time_format(time_t, char *out, size_t);

/* --- Runs and jobs ------------------------------------------------------ */

enum ghapi_status {
	GHAPI_UNKNOWN,		/* a status we do not know: still running */
	GHAPI_REQUESTED,
	GHAPI_QUEUED,
	GHAPI_PENDING,
	GHAPI_WAITING,
	GHAPI_IN_PROGRESS,
	GHAPI_COMPLETED
};

enum ghapi_status ghapi_status_parse(const char *);

/* A workflow run.  Strings are borrowed from raw: valid until
 * ghapi_run_free().  Absent or null strings are NULL. */
struct ghapi_run {
	json_t			*raw;		/* owned reference */
	long long		 id;
	enum ghapi_status	 status;
	const char		*status_text;
	const char		*conclusion;
	const char		*name;
	const char		*display_title;
	const char		*event;
	const char		*head_branch;
	const char		*html_url;
	const char		*url;
	const char		*created_at;
	const char		*run_started_at;
	const char		*updated_at;
};

/* Read a run object (takes a new reference to it).  0, or -1 when it is
 * not a run (no integer id, no status): DKERR_NETWORK "malformed". */
int	ghapi_run_parse(json_t *, struct ghapi_run *, struct dkerr *);
void	ghapi_run_free(struct ghapi_run *);

struct ghapi_step {
	long long		 number;
	enum ghapi_status	 status;
	const char		*name;
	const char		*conclusion;
	const char		*started_at;
	const char		*completed_at;
};

struct ghapi_job {
	long long		 id;
	enum ghapi_status	 status;
	const char		*status_text;
	const char		*name;
	const char		*conclusion;
	const char		*html_url;
	const char		*started_at;
	const char		*completed_at;
	struct ghapi_step	*steps;		/* owned */
	size_t			 nsteps;
};

/* A run's jobs.  Strings borrowed from raw, valid until ghapi_jobs_free(). */
struct ghapi_jobs {
	json_t			*raw;		/* owned reference */
	struct ghapi_job	*jobs;		/* owned */
	size_t			 njobs;
};

/* Read an array of job objects (takes a new reference).  Malformed jobs
 * (no id or name) are an error: DKERR_NETWORK. */
int	ghapi_jobs_parse(json_t *, struct ghapi_jobs *, struct dkerr *);
void	ghapi_jobs_free(struct ghapi_jobs *);

/* Whether a conclusion counts as a failure of a job or step (failure,
 * timed_out, cancelled, action_required, startup_failure, unknown ones);
 * success, neutral and skipped do not; NULL does not. */
int	ghapi_conclusion_failed(const char *);

/* The first failed step of a job, or NULL. */
const struct ghapi_step *ghapi_job_failed_step(const struct ghapi_job *);

/* --- URLs --------------------------------------------------------------- */

/* Append s percent-encoded (all but A-Z a-z 0-9 - . _ ~).  0 or -1. */
int	ghapi_escape(struct buf *, const char *);

/* base + "/repos/OWNER/NAME" + the printf-formatted rest into out (reset
 * first).  0, or -1 with errno (EOVERFLOW) when it does not fit. */
int	ghapi_repo_url(struct buf *out, const char *base,
	    const struct ghapi_repo *, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
