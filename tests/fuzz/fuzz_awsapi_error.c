/*
 * fuzz_awsapi_error: awsapi_parse_error() on an AWS error answer.
 *
 * Input: header lines ("Name: value") up to the first empty line, then the
 * body (a JSON 1.1 error object or a query/XML <Error>); without an empty
 * line, all of it is the body.  The body is handed over in a buffer of
 * exactly its length plus the NUL that struct buf promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awsapi.h"
#include "buf.h"
#include "http.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response	 r;
	struct awsapi_error	 e;
	int			 rc;

	fuzz_response((const char *)data, size, 400, &r);
	rc = awsapi_parse_error(r.status, &r, &e);
	FUZZ_ASSERT(e.status == r.status);
	FUZZ_ASSERT(memchr(e.code, '\0', sizeof(e.code)) != NULL);
	FUZZ_ASSERT(memchr(e.message, '\0', sizeof(e.message)) != NULL);
	FUZZ_ASSERT(memchr(e.request_id, '\0', sizeof(e.request_id)) != NULL);
	FUZZ_ASSERT((rc == 0) == (e.code[0] != '\0'));
	/* The code is cut after "namespace#" and before ":detail". */
	FUZZ_ASSERT(strchr(e.code, '#') == NULL && strchr(e.code, ':') == NULL);
	(void)awsapi_retryable(e.status, e.code);
	(void)awsapi_is_skew(e.code);

	http_response_free(&r);
	return 0;
}
