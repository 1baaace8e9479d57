/*
 * fuzz_ghapi_jobs: a run's jobs as GitHub lists them: ghapi_jobs_parse()
 * on the array (or on the "jobs" member of a page), then what gh-wait
 * does with them: failed steps, conclusions, times.
 *
 * Input: the JSON.  Checks: every job is kept with its name; steps are at
 * most the array's; the failed step is one whose conclusion failed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ghapi_jobs	 js;
	const struct ghapi_job	*j;
	const struct ghapi_step	*s;
	struct dkerr		 err;
	json_t			*doc, *arr;
	time_t			 t;
	size_t			 i, k;

	if ((doc = json_loadb((const char *)data, size, 0, NULL)) == NULL)
		return 0;
	arr = json_is_object(doc) ? json_object_get(doc, "jobs") : doc;
	memset(&err, 0, sizeof(err));
	if (ghapi_jobs_parse(arr, &js, &err) == -1) {
		FUZZ_ASSERT(err.kind == DKERR_NETWORK);
		FUZZ_ASSERT(js.jobs == NULL && js.njobs == 0 && js.raw == NULL);
		json_decref(doc);
		return 0;
	}
	FUZZ_ASSERT(js.njobs == json_array_size(arr));
	for (i = 0; i < js.njobs; i++) {
		j = &js.jobs[i];
		FUZZ_ASSERT(j->name != NULL);
		FUZZ_ASSERT(j->nsteps <= json_array_size(json_object_get(
		    json_array_get(arr, i), "steps")));
		(void)ghapi_conclusion_failed(j->conclusion);
		(void)ghapi_time_parse(j->started_at, &t);
		(void)ghapi_time_parse(j->completed_at, &t);
		for (k = 0; k < j->nsteps; k++) {
			FUZZ_ASSERT(j->steps[k].name != NULL);
			(void)ghapi_time_parse(j->steps[k].started_at, &t);
		}
		if ((s = ghapi_job_failed_step(j)) != NULL)
			FUZZ_ASSERT(ghapi_conclusion_failed(s->conclusion));
	}
	ghapi_jobs_free(&js);
	json_decref(doc);
	return 0;
}
