/*
 * fuzz_ghapi_run: a GitHub answer about a workflow run: ghapi_run_parse()
 * on the JSON, the times (ghapi_time_parse()) and URLs
 * (ghapi_run_url_parse()) gh-wait reads from it, and ghapi_error_message()
 * on the same bytes as an error body.
 *
 * Input: the body.  Checks: a run has a positive id; the error message is
 * one line and fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"
#include "ghapi.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(1);
	return 0;
}

static void
time_of(const char *s)
{
	time_t	 t;

	(void)ghapi_time_parse(s, &t);
}

static void
url_of(const char *s)
{
	struct ghapi_repo	 repo;
	struct dkerr		 err;
	unsigned long long	 id;

	if (s && ghapi_run_url_parse(s, &repo, &id, &err) == 0)
		FUZZ_ASSERT(id > 0 && strchr(repo.full, '/') != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ghapi_run	 run;
	struct dkerr		 err;
	struct buf		 body = BUF_INIT(0);
	json_t			*doc;
	char			 msg[400], *raw = fuzz_strndup(data, size);
	size_t			 i;

	memset(&err, 0, sizeof(err));
	if ((doc = json_loadb(raw, size, 0, NULL)) != NULL) {
		if (ghapi_run_parse(doc, &run, &err) == 0) {
			FUZZ_ASSERT(run.id > 0 && run.raw == doc);
			(void)ghapi_conclusion_failed(run.conclusion);
			time_of(run.created_at);
			time_of(run.run_started_at);
			time_of(run.updated_at);
			url_of(run.html_url);
			url_of(run.url);
		} else
			FUZZ_ASSERT(err.kind == DKERR_NETWORK);
		ghapi_run_free(&run);
		json_decref(doc);
	}

	/* A struct buf as lib/http fills it: a NUL after len. */
	body.data = raw;
	body.len = size;
	body.cap = size + 1;
	ghapi_error_message(&body, msg, sizeof(msg));
	FUZZ_ASSERT(memchr(msg, '\0', sizeof(msg)) != NULL);
	for (i = 0; msg[i]; i++)
		FUZZ_ASSERT((unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f);
	free(raw);
	return 0;
}
