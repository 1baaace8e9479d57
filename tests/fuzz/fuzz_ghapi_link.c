/*
 * fuzz_ghapi_link: ghapi_link_next() on a Link header from GitHub.
 *
 * Input: a line with the API base (GITHUB_API_URL; when ghapi_base_check()
 * refuses it, https://api.github.com), then the header's value.  Checks:
 * a next URL is found only under the base, with no blank or control
 * byte, and curl takes it to the base's host and port (the token goes
 * there); nothing is left in out otherwise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dkerr.h"
#include "ghapi.h"
#include "http.h"
#include "fuzz.h"

/* Whether curl would send a request for url to base's host and port. */
static void
same_origin(const char *url, const char *base)
{
	struct http_url	 u, b;
	struct dkerr	 err;

	FUZZ_ASSERT(http_url_parse(base, &b, &err) == 0);
	if (http_url_parse(url, &u, &err) == 0) {
		FUZZ_ASSERT(strcasecmp(u.scheme, b.scheme) == 0);
		FUZZ_ASSERT(strcasecmp(u.hostport, b.hostport) == 0);
		http_url_free(&u);
	}
	http_url_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 base = BUF_INIT(8192), out = BUF_INIT(1 << 20);
	struct dkerr	 err;
	char		*in = fuzz_strndup(data, size), *rest = in, *first;
	const char	*link, *b, *p;
	int		 rc;

	first = fuzz_line(&rest);
	link = rest ? rest : "";
	memset(&err, 0, sizeof(err));
	b = ghapi_base_check(first, &base, &err) == 0 ? buf_str(&base) :
	    GHAPI_DEFAULT_BASE;
	rc = ghapi_link_next(link, b, &out);
	FUZZ_ASSERT(rc >= -1 && rc <= 1);
	if (rc == 1) {
		FUZZ_ASSERT(strncasecmp(buf_str(&out), b, strlen(b)) == 0);
		for (p = buf_str(&out); *p; p++)
			FUZZ_ASSERT((unsigned char)*p > 0x20 && *p != 0x7f);
		same_origin(buf_str(&out), b);
	} else
		FUZZ_ASSERT(out.len == 0);
	FUZZ_ASSERT(ghapi_link_next(NULL, b, &out) == 0);
	buf_free(&out);
	buf_free(&base);
	free(in);
	return 0;
}
