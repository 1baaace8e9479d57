/*
 * fuzz_ghapi_args: the GitHub names gh-dispatch and gh-wait take from
 * their arguments and from gh-dispatch's output: ghapi_run_url_parse()
 * (--url, html_url), ghapi_repo_parse() (--repo, "repository"),
 * ghapi_workflow_parse(), ghapi_ref_check(), ghapi_input_name_check(),
 * ghapi_token_check().
 *
 * Input: one string.  Checks: a repository parses to OWNER/NAME that
 * spells the input; a run URL gives a positive ID and a repository that
 * parses again; a workflow is an ID or a .yml/.yaml name.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkerr.h"
#include "ghapi.h"
#include "fuzz.h"

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ghapi_repo	 repo, again;
	struct dkerr		 err;
	unsigned long long	 id;
	char			*s = fuzz_strndup(data, size), wf[256];
	const char		*p;

	memset(&err, 0, sizeof(err));
	if (ghapi_repo_parse(s, &repo, &err) == 0) {
		FUZZ_ASSERT(strcmp(repo.full, s) == 0);
		FUZZ_ASSERT(repo.owner[0] && repo.name[0]);
		FUZZ_ASSERT(strlen(repo.owner) + 1 + strlen(repo.name) ==
		    strlen(repo.full));
	}
	if (ghapi_run_url_parse(s, &repo, &id, &err) == 0) {
		FUZZ_ASSERT(id > 0);
		FUZZ_ASSERT(ghapi_repo_parse(repo.full, &again, &err) == 0);
		FUZZ_ASSERT(strcmp(again.full, repo.full) == 0);
	}
	if (ghapi_workflow_parse(s, wf, sizeof(wf), &err) == 0) {
		for (p = wf; isdigit((unsigned char)*p); p++)
			;
		FUZZ_ASSERT(*p == '\0' || ends_with(wf, ".yml") ||
		    ends_with(wf, ".yaml"));
		FUZZ_ASSERT(strchr(wf, '/') == NULL);
	}
	(void)ghapi_workflow_parse(s, wf, 8, &err);
	if (ghapi_ref_check(s, &err) == 0)
		FUZZ_ASSERT(strstr(s, "..") == NULL && s[0] != '\0');
	(void)ghapi_input_name_check(s, &err);
	(void)ghapi_token_check(s, "GH_TOKEN", &err);
	free(s);
	return 0;
}
