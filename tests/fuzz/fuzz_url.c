/*
 * fuzz_url: endpoint URLs from the configuration and the environment:
 * awsconf_url_valid() (endpoint_url, AWS_ENDPOINT_URL*), http_url_parse()
 * (every URL a tool sends to) and ghapi_base_check() (GITHUB_API_URL).
 *
 * Input: the URL.  Checks: a parsed URL has a scheme, a host and a path,
 * and plain http only to loopback; a base has no trailing '/'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awsconf.h"
#include "buf.h"
#include "dkerr.h"
#include "ghapi.h"
#include "http.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_url	 u;
	struct buf	 base = BUF_INIT(8192);
	struct dkerr	 err;
	char		*s = fuzz_strndup(data, size);

	(void)awsconf_url_valid(s);
	memset(&err, 0, sizeof(err));
	if (http_url_parse(s, &u, &err) == 0) {
		FUZZ_ASSERT(u.scheme && u.host && u.path && u.hostport);
		FUZZ_ASSERT(strcmp(u.scheme, "https") == 0 ||
		    (strcmp(u.scheme, "http") == 0 && u.loopback));
		FUZZ_ASSERT(u.path[0] != '\0');
		http_url_free(&u);
	} else
		FUZZ_ASSERT(err.kind != DKERR_NONE && u.host == NULL);
	if (ghapi_base_check(s, &base, &err) == 0)
		FUZZ_ASSERT(base.len == 0 || buf_str(&base)[base.len - 1] != '/');
	buf_free(&base);
	free(s);
	return 0;
}
