/*
 * Unit tests for lib/ghapi: the input rules (OWNER/REPO, workflow, ref,
 * -f KEY=VALUE and the inputs limits, run URLs, tokens and the API base),
 * the parsing of GitHub's answers (Link headers, errors, runs, jobs, times),
 * the rate-limit decisions (which answer is a rate limit, how long to wait)
 * and error mapping; then ghapi_call() and ghapi_list() against a loopback
 * server with canned answers (retries, a dispatch never resent, 304s not
 * counted, pagination, redirects).  And cli_parse_duration(), the tools'
 * duration reader.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "dkerr.h"
#include "ghapi.h"
#include "http.h"
#include "tap.h"

/* The tools' number and duration parsers (tools/common/cli.c, linked in). */
#include "cli.h"

static void
test_repo(void)
{
	static const char *const good[] = {
		"org/infra", "a/b", "Octo-Org/my.repo_1", "o/.github",
		"octocat_acme/x", "o/a..b",
	};
	static const char *const bad[] = {
		"noslash", "/repo", "owner/", "a/b/c", "own er/repo", "-owner/r",
		"_owner/r", "owner/re po", "", "o/.", "o/..", "o/r.git",
		"o/r?x", "o/r#x", "o/r%2f", "o\n/r",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/r",	/* 40 */
	};
	struct ghapi_repo	 r;
	struct dkerr		 e;
	char			 longname[120];
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		tap_ok(ghapi_repo_parse(good[i], &r, &e) == 0 &&
		    strcmp(r.full, good[i]) == 0, "repo %s", good[i]);
	tap_ok(ghapi_repo_parse("org/infra", &r, &e) == 0 &&
	    strcmp(r.owner, "org") == 0 && strcmp(r.name, "infra") == 0,
	    "owner and name apart");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		tap_ok(ghapi_repo_parse(bad[i], &r, &e) == -1 &&
		    e.kind == DKERR_INPUT, "refused repo #%zu: %s", i, e.msg);
	}
	memset(longname, 'x', sizeof(longname));
	memcpy(longname, "o/", 2);
	longname[2 + 100] = '\0';
	tap_ok(ghapi_repo_parse(longname, &r, &e) == 0, "a 100-character name");
	longname[2 + 100] = 'x';
	longname[2 + 101] = '\0';
	tap_ok(ghapi_repo_parse(longname, &r, &e) == -1, "101 characters: no");
	tap_ok(ghapi_repo_parse(NULL, &r, &e) == -1, "NULL refused");
}

static void
test_workflow_ref(void)
{
	static const struct {
		const char	*in, *out;
	} wf[] = {
		{ "deploy.yaml", "deploy.yaml" }, { "ci.yml", "ci.yml" },
		{ "12345", "12345" },
		{ ".github/workflows/deploy.yaml", "deploy.yaml" },
		{ "./.github/workflows/a b.yml", "a b.yml" },
		{ "deploy", NULL }, { "0", NULL }, { "", NULL },
		{ "dir/deploy.yaml", NULL }, { ".yaml", NULL },
		{ "12345678901234567890", NULL }, { "x\n.yml", NULL },
	};
	static const char *const refs_ok[] = {
		"main", "release/1.2", "v1.0.0", "refs/heads/main",
		"refs/tags/v1", "feature_x-y",
	};
	static const char *const refs_bad[] = {
		"", "a b", "a..b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b",
		"/a", "a/", "a//b", "a.", "a.lock", "a/.b", "@", "x@{1}", "-x",
		"a\tb",
	};
	struct dkerr	 e;
	char		 out[256];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(wf) / sizeof(wf[0]); i++) {
		rc = ghapi_workflow_parse(wf[i].in, out, sizeof(out), &e);
		if (wf[i].out)
			tap_ok(rc == 0 && strcmp(out, wf[i].out) == 0,
			    "workflow '%s' -> '%s'", wf[i].in, wf[i].out);
		else
			tap_ok(rc == -1 && e.kind == DKERR_INPUT,
			    "workflow #%zu refused: %s", i, e.msg);
	}
	for (i = 0; i < sizeof(refs_ok) / sizeof(refs_ok[0]); i++)
		tap_ok(ghapi_ref_check(refs_ok[i], &e) == 0, "ref %s",
		    refs_ok[i]);
	for (i = 0; i < sizeof(refs_bad) / sizeof(refs_bad[0]); i++)
		tap_ok(ghapi_ref_check(refs_bad[i], &e) == -1,
		    "ref #%zu refused: %s", i, e.msg);
}

static void
test_inputs(void)
{
	struct dkerr	 e;
	json_t		*in, *v;
	char		 k[16], *big;
	size_t		 i;

	in = json_object();
	tap_ok(ghapi_inputs_add_kv(in, "app=web", &e) == 0 &&
	    strcmp(json_string_value(json_object_get(in, "app")), "web") == 0,
	    "-f app=web");
	tap_ok(ghapi_inputs_add_kv(in, "msg=a=b c", &e) == 0 &&
	    strcmp(json_string_value(json_object_get(in, "msg")), "a=b c") == 0,
	    "the value is everything after the first '='");
	tap_ok(ghapi_inputs_add_kv(in, "empty=", &e) == 0 &&
	    strcmp(json_string_value(json_object_get(in, "empty")), "") == 0,
	    "an empty value");
	tap_ok(ghapi_inputs_add_kv(in, "no-equals", &e) == -1 &&
	    e.kind == DKERR_INPUT && strstr(e.msg, "KEY=VALUE"),
	    "no '=': %s", e.msg);
	tap_ok(ghapi_inputs_add_kv(in, "=value", &e) == -1, "no key");
	tap_ok(ghapi_inputs_add_kv(in, "app=again", &e) == -1 &&
	    strstr(e.msg, "twice"), "a key given twice: %s", e.msg);
	tap_ok(ghapi_inputs_add_kv(in, "APP=x", &e) == -1,
	    "... also in another case");
	tap_ok(ghapi_inputs_add_kv(in, "9x=1", &e) == -1 &&
	    ghapi_inputs_add_kv(in, "a b=1", &e) == -1 &&
	    ghapi_inputs_add_kv(in, "a.b=1", &e) == -1, "bad input names");
	tap_ok(ghapi_inputs_add_kv(in, "_ok-name_2=1", &e) == 0,
	    "letters, digits, '-' and '_'");
	tap_ok(ghapi_inputs_add_kv(in, "bin=\xff\xfe", &e) == -1 &&
	    strstr(e.msg, "UTF-8"), "a value that is not UTF-8: %s", e.msg);
	v = json_integer(2);
	tap_ok(ghapi_inputs_add(in, "num", v, &e) == 0 &&
	    strcmp(json_string_value(json_object_get(in, "num")), "2") == 0,
	    "a JSON number goes as a string");
	json_decref(v);
	v = json_real(1.5);
	tap_ok(ghapi_inputs_add(in, "real", v, &e) == 0 &&
	    strcmp(json_string_value(json_object_get(in, "real")), "1.5") == 0,
	    "a real too");
	json_decref(v);
	tap_ok(ghapi_inputs_add(in, "t", json_true(), &e) == 0 &&
	    strcmp(json_string_value(json_object_get(in, "t")), "true") == 0,
	    "true as \"true\"");
	tap_ok(ghapi_inputs_add(in, "n", json_null(), &e) == -1,
	    "null refused");
	v = json_array();
	tap_ok(ghapi_inputs_add(in, "arr", v, &e) == -1, "an array refused");
	json_decref(v);
	json_decref(in);

	in = json_object();
	for (i = 0; i < 25; i++) {
		snprintf(k, sizeof(k), "k%zu", i);
		json_object_set_new(in, k, json_string("v"));
	}
	tap_ok(ghapi_inputs_check(in, &e) == 0, "25 inputs");
	json_object_set_new(in, "k25", json_string("v"));
	tap_ok(ghapi_inputs_check(in, &e) == -1 && strstr(e.msg, "25"),
	    "26 inputs: %s", e.msg);
	json_decref(in);

	in = json_object();
	big = malloc(70000);
	memset(big, 'x', 65535 - 8);	/* {"a":"..."} is 8 more */
	big[65535 - 8] = '\0';
	json_object_set_new(in, "a", json_string(big));
	tap_ok(ghapi_inputs_check(in, &e) == 0, "65,535 characters");
	json_object_set_new(in, "b", json_string(""));
	tap_ok(ghapi_inputs_check(in, &e) == -1 && strstr(e.msg, "65535"),
	    "more: %s", e.msg);
	json_decref(in);
	/* Characters, not bytes: 30,000 two-byte letters fit. */
	in = json_object();
	for (i = 0; i < 30000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[60000] = '\0';
	json_object_set_new(in, "a", json_string(big));
	tap_ok(ghapi_inputs_check(in, &e) == 0, "UTF-8 counted in characters");
	json_decref(in);
	free(big);
}

static void
test_run_url(void)
{
	static const struct {
		const char		*url, *repo;
		unsigned long long	 id;
	} good[] = {
		{ "https://github.com/org/infra/actions/runs/123", "org/infra", 123 },
		{ "https://github.com/org/infra/actions/runs/123/attempts/2",
		  "org/infra", 123 },
		{ "https://github.com/org/infra/actions/runs/30000000001/job/9",
		  "org/infra", 30000000001ULL },
		{ "https://api.github.com/repos/o/r/actions/runs/5", "o/r", 5 },
		{ "https://ghe.example/api/v3/repos/o/r/actions/runs/7?x=1",
		  "o/r", 7 },
		{ "http://127.0.0.1:9/o/r/actions/runs/8#frag", "o/r", 8 },
	};
	static const char *const bad[] = {
		"https://github.com/org/infra/pulls/3", "not a url",
		"https://github.com/org/infra/actions/runs/",
		"https://github.com/org/infra/actions/runs/0",
		"https://github.com/org/infra/actions/runs/12x",
		"https://github.com/infra/actions/runs/1",
		"ftp://github.com/o/r/actions/runs/1",
		"https://github.com/o/r/actions/runs/99999999999999999999999",
	};
	struct ghapi_repo	 r;
	unsigned long long	 id;
	struct dkerr		 e;
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		tap_ok(ghapi_run_url_parse(good[i].url, &r, &id, &e) == 0 &&
		    strcmp(r.full, good[i].repo) == 0 && id == good[i].id,
		    "run URL %s", good[i].url);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(ghapi_run_url_parse(bad[i], &r, &id, &e) == -1 &&
		    e.kind == DKERR_INPUT, "not a run URL: %s", bad[i]);
}

static void
test_token_base(void)
{
	struct dkerr	 e;
	struct buf	 b = BUF_INIT(0);
	const char	*src = NULL;
	char		 dir[] = "/tmp/dk-ghapi.XXXXXX", path[128], link[128];
	char		*big;
	int		 fd;

	tap_ok(ghapi_token_check("ghp_abcDEF123", "GH_TOKEN", &e) == 0,
	    "a token");
	tap_ok(ghapi_token_check("ghp abc", "GH_TOKEN", &e) == -1 &&
	    strstr(e.msg, "ghp") == NULL, "a space: refused, not shown");
	tap_ok(ghapi_token_check("a\r\nX-Evil: 1", "GH_TOKEN", &e) == -1,
	    "a header injection refused");
	tap_ok(ghapi_token_check("", "GH_TOKEN", &e) == -1, "empty");

	setenv("GH_TOKEN", "first", 1);
	setenv("GITHUB_TOKEN", "second", 1);
	tap_ok(ghapi_token_load(NULL, &b, &src, &e) == 0 &&
	    strcmp(buf_str(&b), "first") == 0 && strcmp(src, "GH_TOKEN") == 0,
	    "GH_TOKEN first");
	setenv("GH_TOKEN", "", 1);
	tap_ok(ghapi_token_load(NULL, &b, &src, &e) == 0 &&
	    strcmp(buf_str(&b), "second") == 0, "an empty GH_TOKEN skipped");
	unsetenv("GITHUB_TOKEN");
	unsetenv("GH_TOKEN");
	tap_ok(ghapi_token_load(NULL, &b, &src, &e) == -1 &&
	    e.kind == DKERR_INPUT && strstr(e.msg, "GH_TOKEN"),
	    "none: %s", e.msg);

	if (mkdtemp(dir) == NULL) {
		tap_skip("mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/tok", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd != -1) {
		if (write(fd, "  tok_from_file\n\n", 17) != 17)
			tap_diag("short write");
		close(fd);
	}
	setenv("GH_TOKEN", "env", 1);
	tap_ok(ghapi_token_load(path, &b, &src, &e) == 0 &&
	    strcmp(buf_str(&b), "tok_from_file") == 0,
	    "--token-file wins, white space dropped");
	if (symlink(path, link) == 0)
		tap_ok(ghapi_token_load(link, &b, &src, &e) == -1 &&
		    strstr(e.msg, "link"), "a symbolic link refused: %s",
		    e.msg);
	else
		tap_skip("symlink: %s", strerror(errno));
	tap_ok(ghapi_token_load(dir, &b, &src, &e) == -1 &&
	    strstr(e.msg, "regular"), "a directory refused: %s", e.msg);
	big = malloc(GHAPI_TOKEN_MAX + 512);
	memset(big, 'a', GHAPI_TOKEN_MAX + 511);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd != -1) {
		if (write(fd, big, GHAPI_TOKEN_MAX + 511) == -1)
			tap_diag("write: %s", strerror(errno));
		close(fd);
	}
	tap_ok(ghapi_token_load(path, &b, &src, &e) == -1 &&
	    b.len == 0, "a file past the cap refused: %s", e.msg);
	free(big);
	unlink(link);
	unlink(path);
	rmdir(dir);
	unsetenv("GH_TOKEN");
	buf_wipe(&b);

	tap_ok(ghapi_base_check("https://api.github.com/", &b, &e) == 0 &&
	    strcmp(buf_str(&b), "https://api.github.com") == 0,
	    "base: trailing '/' dropped");
	tap_ok(ghapi_base_check("https://ghe.example/api/v3", &b, &e) == 0 &&
	    strcmp(buf_str(&b), "https://ghe.example/api/v3") == 0, "GHES base");
	tap_ok(ghapi_base_check("http://127.0.0.1:8080", &b, &e) == 0,
	    "plain http to loopback");
	tap_ok(ghapi_base_check("http://example.com", &b, &e) == -1 &&
	    strstr(e.msg, "GITHUB_API_URL"), "plain http elsewhere: %s", e.msg);
	tap_ok(ghapi_base_check("https://x.example/?a=1", &b, &e) == -1,
	    "a query refused");
	unsetenv("GITHUB_API_URL");
	tap_ok(ghapi_base_load(&b, &e) == 0 &&
	    strcmp(buf_str(&b), GHAPI_DEFAULT_BASE) == 0, "the default base");
	buf_free(&b);
}

static void
test_link(void)
{
	static const char base[] = "https://api.github.com";
	struct buf	 b = BUF_INIT(0);

	tap_ok(ghapi_link_next("<https://api.github.com/repositories/1/actions/"
	    "runs?page=2>; rel=\"next\", <https://api.github.com/repositories/1"
	    "/actions/runs?page=5>; rel=\"last\"", base, &b) == 1 &&
	    strcmp(buf_str(&b), "https://api.github.com/repositories/1/actions"
	    "/runs?page=2") == 0, "GitHub's Link: next");
	tap_ok(ghapi_link_next("<https://api.github.com/x?page=1>; rel=\"prev\", "
	    "<https://api.github.com/x?page=3>; rel=\"next\"", base, &b) == 1 &&
	    strcmp(buf_str(&b), "https://api.github.com/x?page=3") == 0,
	    "next after prev");
	tap_ok(ghapi_link_next("<https://api.github.com/x?page=1>; rel=\"first\", "
	    "<https://api.github.com/x?page=1>; rel=\"prev\"", base, &b) == 0,
	    "last page: no next");
	tap_ok(ghapi_link_next(NULL, base, &b) == 0, "no Link header");
	tap_ok(ghapi_link_next("<https://api.github.com/x?a=1,2>;rel=next",
	    base, &b) == 1 && strcmp(buf_str(&b), "https://api.github.com/x?"
	    "a=1,2") == 0, "a comma inside <>, an unquoted rel");
	tap_ok(ghapi_link_next("<https://api.github.com/x>; rel=\"last next\"",
	    base, &b) == 1, "rel with several types");
	tap_ok(ghapi_link_next("<https://evil.example/x?page=2>; rel=\"next\"",
	    base, &b) == -1 && b.len == 0, "another host: refused");
	tap_ok(ghapi_link_next("<https://api.github.com.evil.example/x>; "
	    "rel=\"next\"", base, &b) == -1, "a longer host: refused");
	tap_ok(ghapi_link_next("<http://api.github.com/x>; rel=\"next\"", base,
	    &b) == -1, "another scheme: refused");
	tap_ok(ghapi_link_next("https://api.github.com/x; rel=\"next\"", base,
	    &b) == -1, "no <>: malformed");
	tap_ok(ghapi_link_next("<https://ghe.example/api/v3/repositories/1/"
	    "actions/runs?page=2>; rel=\"next\"", "https://ghe.example/api/v3",
	    &b) == 1, "GHES: under /api/v3");
	tap_ok(ghapi_link_next("<https://ghe.example/other/x>; rel=\"next\"",
	    "https://ghe.example/api/v3", &b) == -1,
	    "GHES: outside the base path refused");
	buf_free(&b);
}

/* A response as http_send() fills it: headers as name, value pairs. */
static void
fake(struct http_response *r, long status, const char *const *h,
    const char *body)
{
	size_t	 n = 0, i;

	memset(r, 0, sizeof(*r));
	r->status = status;
	while (h && h[2 * n])
		n++;
	r->headers = calloc(n ? n : 1, sizeof(*r->headers));
	for (i = 0; i < n; i++) {
		r->headers[i].name = strdup(h[2 * i]);
		r->headers[i].value = strdup(h[2 * i + 1]);
	}
	r->nheaders = n;
	if (body)
		buf_addstr(&r->body, body);
}

static void
test_rate(void)
{
	struct http_response	 r;
	struct ghapi_rate	 rate = { -1, -1, -1, -1, "" };
	struct ghapi_wait	 w;
	time_t			 now = 1800000000;
	char			 date[64], reset[32], hdate[64];
	struct tm		 tm;

	/* The Date header: GitHub's clock, here 100 s ahead of ours. */
	gmtime_r(&(time_t){ now + 100 }, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(reset, sizeof(reset), "%lld", (long long)now + 100 + 600);

	{
		const char *const h[] = { "x-ratelimit-limit", "5000",
		    "x-ratelimit-remaining", "0", "x-ratelimit-used", "5000",
		    "x-ratelimit-reset", reset, "x-ratelimit-resource", "core",
		    "date", date, NULL };
		fake(&r, 403, h, "{\"message\":\"API rate limit exceeded for "
		    "user ID 1.\"}");
	}
	ghapi_rate_update(&rate, &r);
	tap_ok(rate.limit == 5000 && rate.remaining == 0 && rate.used == 5000 &&
	    rate.reset == now + 700 && strcmp(rate.resource, "core") == 0,
	    "x-ratelimit-* read");
	tap_ok(ghapi_is_rate_limited(403, &r, "API rate limit exceeded"),
	    "403 with remaining 0: a rate limit");
	ghapi_rate_wait(&r, now, 1, &w);
	tap_ok(w.kind == GHAPI_WAIT_RESET && w.seconds == 601,
	    "primary: until the reset on GitHub's clock, +1 s (%ld)",
	    w.seconds);
	http_response_free(&r);

	{
		const char *const h[] = { "x-ratelimit-remaining", "4999",
		    "retry-after", "30", NULL };
		fake(&r, 403, h, "{\"message\":\"You have exceeded a secondary "
		    "rate limit.\"}");
	}
	tap_ok(ghapi_is_rate_limited(403, &r, ""), "403 with retry-after");
	ghapi_rate_wait(&r, now, 3, &w);
	tap_ok(w.kind == GHAPI_WAIT_RETRY_AFTER && w.seconds == 30,
	    "retry-after wins, whatever the count");
	http_response_free(&r);

	gmtime_r(&(time_t){ now + 45 }, &tm);
	strftime(hdate, sizeof(hdate), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	{
		const char *const h[] = { "retry-after", hdate, NULL };
		fake(&r, 429, h, "");
	}
	ghapi_rate_wait(&r, now, 1, &w);
	tap_ok(ghapi_is_rate_limited(429, &r, "") &&
	    w.kind == GHAPI_WAIT_RETRY_AFTER && w.seconds == 45,
	    "429 with retry-after as an HTTP date");
	http_response_free(&r);

	{
		const char *const h[] = { "x-ratelimit-remaining", "4000", NULL };
		fake(&r, 403, h, "");
	}
	tap_ok(ghapi_is_rate_limited(403, &r, "You have exceeded a secondary "
	    "rate limit and have been temporarily blocked"),
	    "403 whose message says rate limit");
	ghapi_rate_wait(&r, now, 1, &w);
	tap_ok(w.kind == GHAPI_WAIT_SECONDARY && w.seconds == 60,
	    "secondary, no hint: 60 s");
	ghapi_rate_wait(&r, now, 2, &w);
	tap_ok(w.seconds == 120, "then 120 s");
	ghapi_rate_wait(&r, now, 10, &w);
	tap_ok(w.seconds == 960, "capped at 16 min");
	tap_ok(!ghapi_is_rate_limited(403, &r, "Resource not accessible by "
	    "integration"), "a 403 refusal is not a rate limit");
	tap_ok(!ghapi_is_rate_limited(404, &r, "rate limit"),
	    "only 403 and 429");
	http_response_free(&r);

	snprintf(reset, sizeof(reset), "%lld", (long long)now - 50);
	{
		const char *const h[] = { "x-ratelimit-remaining", "0",
		    "x-ratelimit-reset", reset, NULL };
		fake(&r, 429, h, "");
	}
	ghapi_rate_wait(&r, now, 1, &w);
	tap_ok(w.kind == GHAPI_WAIT_RESET && w.seconds == 1,
	    "a reset already past: 1 s");
	http_response_free(&r);

	tap_ok(ghapi_backoff_ms(1) >= 500 && ghapi_backoff_ms(1) <= 1000 &&
	    ghapi_backoff_ms(3) >= 2000 && ghapi_backoff_ms(3) <= 4000 &&
	    ghapi_backoff_ms(20) >= 15000 && ghapi_backoff_ms(20) <= 30000,
	    "backoff: 1 s doubling, jittered, capped at 30 s");
}

static void
test_errors(void)
{
	struct buf		 b = BUF_INIT(0);
	struct ghapi_error	 g;
	struct dkerr		 e;
	char			 m[400];

	buf_addstr(&b, "{\"message\":\"Unexpected inputs provided: "
	    "[\\\"colour\\\"]\",\"documentation_url\":\"https://docs\"}");
	ghapi_error_message(&b, m, sizeof(m));
	tap_is_str(m, "Unexpected inputs provided: [\"colour\"]",
	    "GitHub's message");
	buf_reset(&b);
	buf_addstr(&b, "{\"message\":\"Validation Failed\",\"errors\":[{"
	    "\"resource\":\"Run\",\"field\":\"ref\",\"code\":\"invalid\"},"
	    "{\"message\":\"second\"},\"third\"]}");
	ghapi_error_message(&b, m, sizeof(m));
	tap_is_str(m, "Validation Failed: ref invalid; second; third",
	    "with errors[]");
	buf_reset(&b);
	buf_addstr(&b, "<html>502 Bad Gateway</html>");
	ghapi_error_message(&b, m, sizeof(m));
	tap_is_str(m, "", "not JSON: nothing");
	buf_reset(&b);
	buf_addstr(&b, "{\"message\":\"line\\nbreak\"}");
	ghapi_error_message(&b, m, sizeof(m));
	tap_is_str(m, "line break", "one line");
	buf_free(&b);

	memset(&g, 0, sizeof(g));
	g.status = 401;
	snprintf(g.message, sizeof(g.message), "Bad credentials");
	ghapi_map_error(&g, "dispatch d.yaml in o/r", NULL, &e);
	tap_ok(e.kind == DKERR_REMOTE && strstr(e.msg, "bad token") &&
	    strstr(e.msg, "Bad credentials"), "401: %s", e.msg);
	g.status = 404;
	ghapi_map_error(&g, "dispatch d.yaml in o/r", "repository or workflow",
	    &e);
	tap_ok(e.kind == DKERR_REMOTE && strstr(e.msg, "repository or workflow "
	    "not found, or the token cannot see it"), "404: %s", e.msg);
	g.status = 422;
	snprintf(g.message, sizeof(g.message), "Required input 'app' not "
	    "provided");
	ghapi_map_error(&g, "dispatch", NULL, &e);
	tap_ok(e.kind == DKERR_REMOTE && strstr(e.msg, "Required input 'app' "
	    "not provided") && strstr(e.msg, "422"), "422: %s", e.msg);
	g.status = 403;
	snprintf(g.message, sizeof(g.message), "Resource not accessible by "
	    "integration");
	ghapi_map_error(&g, "dispatch", NULL, &e);
	tap_ok(e.kind == DKERR_REMOTE && strstr(e.msg, "forbidden") &&
	    strstr(e.msg, "not accessible"), "403: %s", e.msg);
	g.status = 503;
	g.message[0] = '\0';
	ghapi_map_error(&g, "run 1", NULL, &e);
	tap_ok(e.kind == DKERR_NETWORK && dkerr_exit(e.kind) == 3,
	    "5xx: no usable answer, exit 3");
}

static void
test_times(void)
{
	time_t	 t;
	char	 s[32];

	tap_ok(ghapi_time_parse("2026-11-29T07:00:00Z", &t) == 0 &&
	    t == 1795935600, "RFC 3339 UTC");
	tap_ok(ghapi_time_parse("2026-11-29T08:00:00+01:00", &t) == 0 &&
	    t == 1795935600, "with an offset");
	tap_ok(ghapi_time_parse("2026-11-29T07:00:00.123Z", &t) == 0 &&
	    t == 1795935600, "with a fraction");
	tap_ok(ghapi_time_parse("2026-11-29 07:00:00Z", &t) == -1 &&
	    ghapi_time_parse("2026-11-29T07:00:00", &t) == -1 &&
	    ghapi_time_parse("2026-13-01T00:00:00Z", &t) == -1 &&
	    ghapi_time_parse(NULL, &t) == -1 &&
	    ghapi_time_parse("2026-11-29T07:00:00Zjunk", &t) == -1,
	    "malformed times refused");
	ghapi_time_format(1795935600, s, sizeof(s));
	tap_is_str(s, "2026-11-29T07:00:00Z", "formatted back");
}

static void
test_runs(void)
{
	struct ghapi_run	 run;
	struct ghapi_jobs	 js;
	struct dkerr		 e;
	const struct ghapi_step	*s;
	json_t			*o;

	o = json_loads("{\"id\":30433642,\"name\":\"Deploy\",\"display_title\":"
	    "\"Deploy web [gh-dispatch-1]\",\"status\":\"waiting\",\"conclusion\""
	    ":null,\"event\":\"workflow_dispatch\",\"head_branch\":\"main\","
	    "\"html_url\":\"https://github.com/o/r/actions/runs/30433642\","
	    "\"url\":\"https://api.github.com/repos/o/r/actions/runs/30433642\","
	    "\"created_at\":\"2026-11-29T07:00:00Z\",\"run_started_at\":"
	    "\"2026-11-29T07:00:01Z\",\"updated_at\":\"2026-11-29T07:03:00Z\"}",
	    0, NULL);
	tap_ok(ghapi_run_parse(o, &run, &e) == 0 && run.id == 30433642 &&
	    run.status == GHAPI_WAITING && run.conclusion == NULL &&
	    strcmp(run.display_title, "Deploy web [gh-dispatch-1]") == 0 &&
	    strcmp(run.event, "workflow_dispatch") == 0 &&
	    strcmp(run.run_started_at, "2026-11-29T07:00:01Z") == 0,
	    "a run");
	json_decref(o);
	tap_ok(run.html_url && strstr(run.html_url, "/runs/30433642") != NULL,
	    "strings live as long as the run");
	ghapi_run_free(&run);
	o = json_loads("{\"status\":\"queued\"}", 0, NULL);
	tap_ok(ghapi_run_parse(o, &run, &e) == -1 && e.kind == DKERR_NETWORK,
	    "a run without id: malformed");
	json_decref(o);
	tap_ok(ghapi_run_parse(NULL, &run, &e) == -1, "no run at all");

	tap_ok(ghapi_status_parse("in_progress") == GHAPI_IN_PROGRESS &&
	    ghapi_status_parse("requested") == GHAPI_REQUESTED &&
	    ghapi_status_parse("pending") == GHAPI_PENDING &&
	    ghapi_status_parse("completed") == GHAPI_COMPLETED &&
	    ghapi_status_parse("brand_new") == GHAPI_UNKNOWN &&
	    ghapi_status_parse(NULL) == GHAPI_UNKNOWN,
	    "statuses; unknown ones are still running");
	tap_ok(!ghapi_conclusion_failed("success") &&
	    !ghapi_conclusion_failed("skipped") &&
	    !ghapi_conclusion_failed("neutral") &&
	    !ghapi_conclusion_failed(NULL) &&
	    ghapi_conclusion_failed("failure") &&
	    ghapi_conclusion_failed("timed_out") &&
	    ghapi_conclusion_failed("cancelled") &&
	    ghapi_conclusion_failed("startup_failure") &&
	    ghapi_conclusion_failed("something_new"), "failed conclusions");

	o = json_loads("[{\"id\":1,\"name\":\"build\",\"status\":\"completed\","
	    "\"conclusion\":\"failure\",\"html_url\":\"https://x/job/1\","
	    "\"started_at\":\"2026-11-29T07:00:00Z\",\"completed_at\":"
	    "\"2026-11-29T07:01:00Z\",\"steps\":[{\"name\":\"Set up job\","
	    "\"status\":\"completed\",\"conclusion\":\"success\",\"number\":1},"
	    "{\"name\":\"unit tests\",\"status\":\"completed\",\"conclusion\":"
	    "\"failure\",\"number\":2},{\"name\":\"upload\",\"status\":"
	    "\"completed\",\"conclusion\":\"skipped\",\"number\":3}]},"
	    "{\"id\":2,\"name\":\"deploy\",\"status\":\"queued\",\"conclusion\":"
	    "null}]", 0, NULL);
	tap_ok(ghapi_jobs_parse(o, &js, &e) == 0 && js.njobs == 2 &&
	    js.jobs[0].nsteps == 3 && js.jobs[1].nsteps == 0 &&
	    js.jobs[1].status == GHAPI_QUEUED, "jobs with steps");
	json_decref(o);
	s = ghapi_job_failed_step(&js.jobs[0]);
	tap_ok(s && strcmp(s->name, "unit tests") == 0 && s->number == 2,
	    "the failed step, not the skipped one after it");
	tap_ok(ghapi_job_failed_step(&js.jobs[1]) == NULL, "none yet");
	ghapi_jobs_free(&js);
	o = json_loads("[{\"id\":1}]", 0, NULL);
	tap_ok(ghapi_jobs_parse(o, &js, &e) == -1, "a job without name");
	json_decref(o);
}

static void
test_urls(void)
{
	struct buf		 b = BUF_INIT(0);
	struct ghapi_repo	 r;
	struct dkerr		 e;

	ghapi_escape(&b, "a b/c?d=é~-._");
	tap_is_str(buf_str(&b), "a%20b%2Fc%3Fd%3D%C3%A9~-._", "escape");
	ghapi_repo_parse("org/infra", &r, &e);
	ghapi_repo_url(&b, "https://api.github.com", &r, "/actions/runs/%d", 7);
	tap_is_str(buf_str(&b), "https://api.github.com/repos/org/infra/"
	    "actions/runs/7", "repo URL");
	buf_free(&b);
}

static void
test_durations(void)
{
	static const struct {
		const char	*in;
		long		 out;	/* -1: refused */
	} d[] = {
		{ "90", 90 }, { "90s", 90 }, { "15m", 900 }, { "1h", 3600 },
		{ "0", 0 }, { "", -1 }, { "1x", -1 }, { "-1", -1 },
		{ "5d", -1 }, { "soon", -1 }, { "m", -1 }, { " 5", -1 },
		{ "1.5m", -1 }, { "+5", -1 }, { "99999999999999999999", -1 },
		{ "25h", -1 },	/* past the max given below */
	};
	unsigned long	 v;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		rc = cli_parse_duration(d[i].in, 86400, &v);
		if (d[i].out < 0)
			tap_ok(rc == -1, "duration '%s' refused", d[i].in);
		else
			tap_ok(rc == 0 && v == (unsigned long)d[i].out,
			    "duration '%s' = %ld s", d[i].in, d[i].out);
	}
}

/* --- ghapi_call() against canned answers ------------------------------ */

/*
 * A loopback server in a child: for each connection, read one request,
 * record its first line and headers into the log pipe, answer the next
 * canned response (NULL: close without answering) and close.
 */
static pid_t	 srv_pid;
static int	 srv_port, srv_log;

static void
serve(int ls, const char *const *answers, int logfd)
{
	char	 req[16384];
	size_t	 n;
	ssize_t	 k;
	int	 c;

	for (; *answers; answers++) {
		if ((c = accept(ls, NULL, NULL)) == -1)
			_exit(1);
		n = 0;
		while (n < sizeof(req) - 1 &&
		    (k = read(c, req + n, sizeof(req) - 1 - n)) > 0) {
			n += (size_t)k;
			req[n] = '\0';
			if (strstr(req, "\r\n\r\n")) {
				const char *cl = strstr(req, "Content-Length: ");
				const char *end = strstr(req, "\r\n\r\n") + 4;

				if (cl == NULL || (size_t)(req + n - end) >=
				    strtoul(cl + 16, NULL, 10))
					break;
			}
		}
		req[n] = '\0';
		if (write(logfd, req, n + 1) == -1)
			_exit(1);
		if (strcmp(*answers, "DROP") != 0 &&
		    write(c, *answers, strlen(*answers)) == -1)
			_exit(1);
		close(c);
	}
	_exit(0);
}

static int	 srv_listener = -1;

/* Listen on a free loopback port (srv_port): answers may name it. */
static void
srv_listen(void)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);

	srv_listener = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (srv_listener == -1 ||
	    bind(srv_listener, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(srv_listener, 8) == -1 ||
	    getsockname(srv_listener, (struct sockaddr *)&a, &len) == -1) {
		perror("server");
		exit(1);
	}
	srv_port = ntohs(a.sin_port);
}

/* Serve the answers from a child. */
static void
srv_run(const char *const *answers)
{
	int	 p[2];

	if (pipe(p) == -1) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	if ((srv_pid = fork()) == 0) {
		close(p[0]);
		serve(srv_listener, answers, p[1]);
	}
	close(srv_listener);
	close(p[1]);
	srv_log = p[0];
}

static void
srv_start(const char *const *answers)
{
	srv_listen();
	srv_run(answers);
}

/* Everything the server saw, NUL-separated requests in one buffer. */
static void
srv_stop(struct buf *seen)
{
	char	 chunk[4096];
	ssize_t	 n;

	kill(srv_pid, SIGTERM);
	waitpid(srv_pid, NULL, 0);
	buf_reset(seen);
	while ((n = read(srv_log, chunk, sizeof(chunk))) > 0)
		buf_add(seen, chunk, (size_t)n);
	close(srv_log);
}

/* How many requests in seen start with prefix. */
static int
srv_count(const struct buf *seen, const char *prefix)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < seen->len; i += strlen(seen->data + i) + 1)
		if (strncmp(seen->data + i, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static void
notes(void *arg, const char *line)
{
	struct buf *b = arg;

	if (b->len)
		buf_addstr(b, "; ");
	buf_addstr(b, line);
}

#define OK_JSON(body) "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" \
	"ETag: \"e1\"\r\nx-ratelimit-limit: 5000\r\nx-ratelimit-remaining: " \
	"4999\r\nConnection: close\r\nContent-Length: " body

static void
test_call(void)
{
	static const char *const retry[] = {
		"HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n"
		"Content-Length: 0\r\n\r\n",
		OK_JSON("9\r\n\r\n{\"id\":1}\n"),
		NULL
	};
	static const char *const once[] = {
		"HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n"
		"Content-Length: 0\r\n\r\n",
		OK_JSON("2\r\n\r\n{}"),
		NULL
	};
	static const char *const dropped[] = { "DROP", "DROP", NULL };
	static const char *const secondary[] = {
		"HTTP/1.1 403 Forbidden\r\nretry-after: 1\r\n"
		"x-ratelimit-remaining: 4000\r\nConnection: close\r\n"
		"Content-Type: application/json\r\nContent-Length: 48\r\n\r\n"
		"{\"message\":\"You have exceeded a secondary rate\"}",
		"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
		NULL
	};
	static const char *const refused[] = {
		"HTTP/1.1 403 Forbidden\r\nx-ratelimit-remaining: 4000\r\n"
		"Connection: close\r\nContent-Length: 52\r\n\r\n"
		"{\"message\":\"Resource not accessible by integration\"}",
		NULL
	};
	static const char *const cond[] = {
		"HTTP/1.1 304 Not Modified\r\nETag: \"e1\"\r\n"
		"Connection: close\r\n\r\n",
		NULL
	};
	struct http_options	 ho;
	struct http_client	*h;
	struct ghapi		 api;
	struct ghapi_call	 c;
	struct ghapi_reply	 r;
	struct ghapi_error	 g;
	struct dkerr		 e;
	struct buf		 base = BUF_INIT(0), url = BUF_INIT(0);
	struct buf		 seen = BUF_INIT(0), said = BUF_INIT(0);
	int			 rc;

	memset(&ho, 0, sizeof(ho));
	ho.tool = "test_ghapi";
	ho.timeout_ms = 10000;
	memset(&e, 0, sizeof(e));
	h = http_client_new(&ho, &e);
	memset(&r, 0, sizeof(r));
	memset(&api, 0, sizeof(api));
	api.http = h;
	api.token = "tok_SECRET";
	api.notify = notes;
	api.notify_arg = &said;

	/* A GET that meets a 502 is made again. */
	srv_start(retry);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/repos/o/r/actions/runs/1", api.base);
	memset(&c, 0, sizeof(c));
	c.method = "GET";
	c.url = buf_str(&url);
	c.what = "run 1";
	rc = ghapi_call(&api, &c, &r, &g, &e);
	srv_stop(&seen);
	tap_ok(rc == 0 && r.status == 200 && json_is_object(r.json) &&
	    strcmp(r.etag, "\"e1\"") == 0, "GET after a 502: retried, 200");
	tap_ok(srv_count(&seen, "GET /repos/o/r/actions/runs/1 ") == 2,
	    "two GETs");
	tap_ok(strstr(seen.data, "Accept: application/vnd.github+json\r\n") &&
	    strstr(seen.data, "X-GitHub-Api-Version: 2022-11-28\r\n") &&
	    strstr(seen.data, "Authorization: Bearer tok_SECRET\r\n"),
	    "the headers GitHub asks for");
	tap_ok(strstr(buf_str(&said), "HTTP 502") &&
	    strstr(buf_str(&said), "until") &&
	    strstr(buf_str(&said), "tok_SECRET") == NULL,
	    "the wait was said: %s", buf_str(&said));
	tap_ok(api.rate.remaining == 4999 && api.counted == 2 &&
	    api.requests == 2, "accounting");

	/* A dispatch that met a 502 is not sent again. */
	srv_start(once);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/repos/o/r/actions/workflows/d.yaml/dispatches",
	    api.base);
	memset(&c, 0, sizeof(c));
	c.method = "POST";
	c.url = buf_str(&url);
	c.body = "{\"ref\":\"main\"}";
	c.body_len = strlen(c.body);
	c.once = 1;
	c.what = "dispatch";
	rc = ghapi_call(&api, &c, &r, &g, &e);
	srv_stop(&seen);
	tap_ok(rc == -1 && g.maybe_sent && g.status == 502 &&
	    e.kind == DKERR_NETWORK, "dispatch, 502: maybe sent, exit 3 (%s)",
	    e.msg);
	tap_ok(srv_count(&seen, "POST ") == 1, "sent once only");
	tap_ok(strstr(seen.data, "Content-Type: application/json\r\n") != NULL,
	    "a JSON body says so");

	/* A dropped connection on a dispatch: maybe sent, not resent. */
	srv_start(dropped);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/x", api.base);
	c.url = buf_str(&url);
	rc = ghapi_call(&api, &c, &r, &g, &e);
	kill(srv_pid, SIGTERM);
	srv_stop(&seen);
	tap_ok(rc == -1 && g.maybe_sent && srv_count(&seen, "POST ") == 1,
	    "dispatch, connection dropped: maybe sent, once (%s)", e.msg);

	/* A connection refused: surely not sent, even a dispatch is tried
	 * again (here: max_attempts 2, then no answer). */
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	api.max_attempts = 2;
	buf_reset(&said);
	rc = ghapi_call(&api, &c, &r, &g, &e);
	tap_ok(rc == -1 && !g.maybe_sent && e.kind == DKERR_NETWORK &&
	    strstr(buf_str(&said), "attempt 2 of 2"),
	    "connection refused: retried, then exit 3 (%s)", e.msg);
	api.max_attempts = 0;

	/* A secondary rate limit on a dispatch: waited out, resent. */
	srv_start(secondary);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/x", api.base);
	c.url = buf_str(&url);
	buf_reset(&said);
	rc = ghapi_call(&api, &c, &r, &g, &e);
	srv_stop(&seen);
	tap_ok(rc == 0 && r.status == 204 && r.json == NULL &&
	    srv_count(&seen, "POST ") == 2, "secondary limit: resent, 204");
	tap_ok(strstr(buf_str(&said), "retry-after 1 s") != NULL,
	    "said: %s", buf_str(&said));

	/* A deadline the wait would pass: DKERR_TIMEOUT at once. */
	srv_start(secondary);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/x", api.base);
	c.url = buf_str(&url);
	api.deadline_ms = ghapi_now_ms() + 300;
	rc = ghapi_call(&api, &c, &r, &g, &e);
	kill(srv_pid, SIGTERM);
	srv_stop(&seen);
	api.deadline_ms = 0;
	tap_ok(rc == -1 && e.kind == DKERR_TIMEOUT && g.rate_limited,
	    "a wait past the deadline: timeout (%s)", e.msg);

	/* A 403 that is no rate limit: a refusal, at once. */
	srv_start(refused);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/x", api.base);
	c.url = buf_str(&url);
	rc = ghapi_call(&api, &c, &r, &g, &e);
	srv_stop(&seen);
	tap_ok(rc == -1 && e.kind == DKERR_REMOTE && !g.rate_limited &&
	    strstr(e.msg, "not accessible"), "403 refusal: %s", e.msg);

	/* If-None-Match sent; a 304 is not counted. */
	srv_start(cond);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/x", api.base);
	memset(&c, 0, sizeof(c));
	c.method = "GET";
	c.url = buf_str(&url);
	c.etag = "\"e1\"";
	api.counted = api.requests = 0;
	rc = ghapi_call(&api, &c, &r, &g, &e);
	srv_stop(&seen);
	tap_ok(rc == 0 && r.status == 304 && r.json == NULL &&
	    api.requests == 1 && api.counted == 0, "304: unchanged, free");
	tap_ok(strstr(seen.data, "If-None-Match: \"e1\"\r\n") != NULL,
	    "If-None-Match sent");

	/* A URL outside the base is refused before anything is sent. */
	c.url = "https://elsewhere.example/x";
	tap_ok(ghapi_call(&api, &c, &r, &g, &e) == -1 &&
	    e.kind == DKERR_INPUT, "a URL off the base: %s", e.msg);

	ghapi_reply_free(&r);
	http_client_free(h);
	buf_free(&base);
	buf_free(&url);
	buf_free(&seen);
	buf_free(&said);
}

static void
test_list(void)
{
	char			 p1[1024], mv[512], p2[512], far[512];
	const char		*pages[] = { p1, mv, p2, NULL };
	const char		*cond[] = { far, NULL };
	struct http_options	 ho;
	struct http_client	*h;
	struct ghapi		 api;
	struct ghapi_call	 c;
	struct dkerr		 e;
	struct buf		 base = BUF_INIT(0), url = BUF_INIT(0);
	struct buf		 seen = BUF_INIT(0);
	json_t			*items = NULL;
	char			 etag[64] = "";
	int			 rc;

	memset(&ho, 0, sizeof(ho));
	ho.tool = "test_ghapi";
	ho.timeout_ms = 10000;
	h = http_client_new(&ho, &e);
	memset(&api, 0, sizeof(api));
	api.http = h;
	api.token = "t";

	/* Page 1 links to page 2, which has moved (301, followed). */
	srv_listen();
	snprintf(p1, sizeof(p1), "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nETag: \"p1\"\r\nLink: <http://127.0.0.1:%d/"
	    "repositories/9/jobs?page=2>; rel=\"next\"\r\nConnection: close"
	    "\r\nContent-Length: 35\r\n\r\n{\"total_count\":2,\"jobs\":"
	    "[{\"id\":1}]}", srv_port);
	snprintf(mv, sizeof(mv), "HTTP/1.1 301 Moved Permanently\r\nLocation: "
	    "http://127.0.0.1:%d/repositories/9/jobs?page=2&x=1\r\n"
	    "Connection: close\r\nContent-Length: 0\r\n\r\n", srv_port);
	snprintf(p2, sizeof(p2), "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nConnection: close\r\nContent-Length: 35\r\n"
	    "\r\n{\"total_count\":2,\"jobs\":[{\"id\":2}]}");
	srv_run(pages);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_addf(&url, "%s/repos/o/r/actions/runs/9/jobs?per_page=100",
	    api.base);
	memset(&c, 0, sizeof(c));
	c.method = "GET";
	c.url = buf_str(&url);
	c.what = "jobs";
	rc = ghapi_list(&api, &c, "jobs", 10, etag, sizeof(etag), &items, NULL,
	    &e);
	srv_stop(&seen);
	tap_ok(rc == 0 && json_array_size(items) == 2 &&
	    json_integer_value(json_object_get(json_array_get(items, 1),
	    "id")) == 2, "two pages gathered (%s)", rc ? e.msg : "");
	tap_ok(srv_count(&seen, "GET /repositories/9/jobs?page=2 ") == 1 &&
	    srv_count(&seen, "GET /repositories/9/jobs?page=2&x=1 ") == 1,
	    "Link followed, then the redirect");
	tap_ok(etag[0] == '\0', "several pages: no ETag kept");
	json_decref(items);

	/* One page: its ETag is kept; a Link off the API is not followed. */
	srv_listen();
	snprintf(far, sizeof(far), "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nETag: W/\"one\"\r\nLink: <https://evil."
	    "example/steal?page=2>; rel=\"next\"\r\nConnection: close\r\n"
	    "Content-Length: 27\r\n\r\n{\"total_count\":0,\"jobs\":[]}");
	srv_run(cond);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/repos/o/r/actions/runs/9/jobs", api.base);
	c.url = buf_str(&url);
	rc = ghapi_list(&api, &c, "jobs", 10, etag, sizeof(etag), &items, NULL,
	    &e);
	srv_stop(&seen);
	tap_ok(rc == 0 && json_array_size(items) == 0 &&
	    strcmp(etag, "W/\"one\"") == 0, "one page: ETag kept; foreign "
	    "Link ignored");
	json_decref(items);

	/* ... and sent next time: a 304 is "unchanged". */
	srv_listen();
	snprintf(far, sizeof(far), "HTTP/1.1 304 Not Modified\r\n"
	    "ETag: W/\"one\"\r\nConnection: close\r\n\r\n");
	srv_run(cond);
	buf_reset(&base);
	buf_addf(&base, "http://127.0.0.1:%d", srv_port);
	api.base = buf_str(&base);
	buf_reset(&url);
	buf_addf(&url, "%s/repos/o/r/actions/runs/9/jobs", api.base);
	c.url = buf_str(&url);
	rc = ghapi_list(&api, &c, "jobs", 10, etag, sizeof(etag), &items, NULL,
	    &e);
	srv_stop(&seen);
	tap_ok(rc == 1 && items == NULL &&
	    strstr(seen.data, "If-None-Match: W/\"one\"\r\n") != NULL,
	    "304 to the kept ETag: unchanged");

	http_client_free(h);
	buf_free(&base);
	buf_free(&url);
	buf_free(&seen);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_repo();
	test_workflow_ref();
	test_inputs();
	test_run_url();
	test_token_base();
	test_link();
	test_rate();
	test_errors();
	test_times();
	test_runs();
	test_urls();
	test_durations();
	test_call();
	test_list();
	return tap_done();
}
