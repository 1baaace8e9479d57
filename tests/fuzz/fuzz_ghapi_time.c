/*
 * fuzz_ghapi_time: ghapi_time_parse() on GitHub's RFC 3339 times
 * (created_at, started_at, ...: gh-wait computes durations from them).
 *
 * Input: the text.  Checks: a time that parses, written back by
 * ghapi_time_format() (when its year has four digits), parses to the
 * same second; awscred_parse_time() (AWS's times: Expiration), when it
 * takes the text too, reads the same second; formatting any time stays
 * within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awscred.h"
#include "ghapi.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_strndup(data, size), out[21], tiny[8];
	time_t	 t, u;

	if (ghapi_time_parse(s, &t) == 0) {
		if (awscred_parse_time(s, &u) == 0)
			FUZZ_ASSERT(u == t);
		ghapi_time_format(t, out, sizeof(out));
		if (strlen(out) == 20) {
			FUZZ_ASSERT(ghapi_time_parse(out, &u) == 0);
			FUZZ_ASSERT(u == t);
		}
	}
	if (size >= sizeof(t)) {
		memcpy(&t, data, sizeof(t));
		ghapi_time_format(t, out, sizeof(out));
		FUZZ_ASSERT(memchr(out, '\0', sizeof(out)) != NULL);
		ghapi_time_format(t, tiny, sizeof(tiny));
		FUZZ_ASSERT(memchr(tiny, '\0', sizeof(tiny)) != NULL);
	}
	free(s);
	return 0;
}
