/*
 * fuzz_ghwait_stdin: the JSON line gh-wait reads on stdin (gh-dispatch's
 * output).  gh-wait's reader is a static function of tools/gh-wait.c
 * (which_run()), so this target does what it does with the same lib/
 * pieces: json_loadb(), then "repository" + "run_id" through
 * ghapi_repo_parse(), else "html_url" through ghapi_run_url_parse().
 *
 * Input: the bytes on stdin.  Checks: the run found has a positive ID and
 * a repository that parses again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"
#include "ghapi.h"
#include "fuzz.h"

#define STDIN_MAX	((size_t)1 << 20)	/* gh-wait's */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(1);
	return 0;
}

/* gh-wait's which_run() without the exits: 0 with repo and id, or -1. */
static int
which_run(const char *p, size_t n, struct ghapi_repo *repo,
    unsigned long long *id)
{
	struct buf	 in = BUF_INIT(STDIN_MAX);
	struct dkerr	 err;
	json_error_t	 jerr;
	json_t		*doc, *jid;
	const char	*r, *url;
	int		 rc = -1;

	if (buf_add(&in, p, n) == -1)
		return -1;
	if ((doc = json_loadb(buf_str(&in), in.len, 0, &jerr)) == NULL ||
	    !json_is_object(doc))
		goto out;
	r = json_string_value(json_object_get(doc, "repository"));
	jid = json_object_get(doc, "run_id");
	url = json_string_value(json_object_get(doc, "html_url"));
	if (r && json_is_integer(jid) && json_integer_value(jid) > 0) {
		if (ghapi_repo_parse(r, repo, &err) == 0) {
			*id = (unsigned long long)json_integer_value(jid);
			rc = 0;
		}
	} else if (url)
		rc = ghapi_run_url_parse(url, repo, id, &err);
out:
	json_decref(doc);
	buf_free(&in);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ghapi_repo	 repo, again;
	struct dkerr		 err;
	unsigned long long	 id = 0;

	if (which_run((const char *)data, size, &repo, &id) == 0) {
		FUZZ_ASSERT(id > 0);
		FUZZ_ASSERT(ghapi_repo_parse(repo.full, &again, &err) == 0);
	}
	return 0;
}
