/*
 * fuzz_sigv4_canonical: sigv4_canonical_path() and sigv4_canonical_query()
 * on a request target as it comes in a URL (sigv4-curl's argument), and
 * sigv4_check_date() on the same text.
 *
 * Input: PATH[?QUERY].  Checks: S3 paths are signed as sent; a normalized
 * path has no empty, "." or ".." segment left; the canonical query is a
 * fixed point (canonicalizing it again changes nothing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dkerr.h"
#include "sigv4.h"
#include "fuzz.h"

static void
check_normalized(const char *s)
{
	size_t	 n = strlen(s);

	FUZZ_ASSERT(s[0] == '/');
	FUZZ_ASSERT(strstr(s, "//") == NULL);
	FUZZ_ASSERT(strstr(s, "/./") == NULL && strstr(s, "/../") == NULL);
	FUZZ_ASSERT(!(n >= 2 && strcmp(s + n - 2, "/.") == 0));
	FUZZ_ASSERT(!(n >= 3 && strcmp(s + n - 3, "/..") == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 out = BUF_INIT(0), again = BUF_INIT(0);
	struct dkerr	 err;
	char		*in = fuzz_strndup(data, size), *q;

	memset(&err, 0, sizeof(err));
	(void)sigv4_check_date(in, &err);
	if ((q = strchr(in, '?')) != NULL)
		*q++ = '\0';

	if (sigv4_canonical_path(in, SIGV4_S3, &out, &err) == 0)
		FUZZ_ASSERT(strcmp(buf_str(&out), in) == 0);
	buf_reset(&out);
	if (sigv4_canonical_path(in, SIGV4_NO_NORMALIZE, &out, &err) == 0)
		FUZZ_ASSERT(out.len >= strlen(in));
	buf_reset(&out);
	if (sigv4_canonical_path(in, 0, &out, &err) == 0)
		check_normalized(buf_str(&out));
	buf_reset(&out);

	if (q != NULL && sigv4_canonical_query(q, &out, &err) == 0) {
		FUZZ_ASSERT(sigv4_canonical_query(buf_str(&out), &again,
		    &err) == 0);
		FUZZ_ASSERT(strcmp(buf_str(&again), buf_str(&out)) == 0);
	}
	buf_free(&out);
	buf_free(&again);
	free(in);
	return 0;
}
