/*
 * fuzz_ghapi_headers: how long gh-dispatch and gh-wait wait when GitHub
 * says to: ghapi_rate_update(), ghapi_is_rate_limited() and
 * ghapi_rate_wait() on an answer's headers (retry-after as seconds or an
 * HTTP date, x-ratelimit-*, Date) and its message.
 *
 * Input: the status on the first line, then header lines, an empty line
 * and the body (GitHub's error JSON).  Checks: a wait is at least a second
 * and at most the longest one GitHub's rules call for (an hour and a
 * minute), whatever the server sends.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "ghapi.h"
#include "http.h"
#include "fuzz.h"

#define LONGEST_WAIT	3660L	/* x-ratelimit-reset's window, retry-after */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response	 r;
	struct ghapi_rate	 rate;
	struct ghapi_wait	 w;
	const char		*in = (const char *)data, *nl;
	char			 msg[400];
	long			 status = 0;
	size_t			 i;
	int			 n;

	if ((nl = memchr(in, '\n', size)) == NULL)
		return 0;
	for (i = 0; in + i < nl && isdigit((unsigned char)in[i]) &&
	    status < 1000; i++)
		status = status * 10 + (in[i] - '0');
	fuzz_response(nl + 1, size - (size_t)(nl + 1 - in), status, &r);

	memset(&rate, 0, sizeof(rate));
	rate.limit = rate.remaining = rate.used = -1;
	rate.reset = -1;
	ghapi_rate_update(&rate, &r);
	FUZZ_ASSERT(memchr(rate.resource, '\0', sizeof(rate.resource)));
	ghapi_error_message(&r.body, msg, sizeof(msg));
	(void)ghapi_is_rate_limited(status, &r, msg);
	for (n = 1; n <= 8; n++) {
		ghapi_rate_wait(&r, 1700000000, n, &w);
		FUZZ_ASSERT(w.kind == GHAPI_WAIT_RETRY_AFTER ||
		    w.kind == GHAPI_WAIT_RESET || w.kind == GHAPI_WAIT_SECONDARY);
		FUZZ_ASSERT(w.seconds >= 1 && w.seconds <= LONGEST_WAIT);
	}
	http_response_free(&r);
	return 0;
}
