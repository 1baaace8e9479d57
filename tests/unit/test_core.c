/*
 * Unit tests for the small core modules: buf, dkerr, the pure parts of http
 * (URL rules, secret header names) and of awsapi (error parsing, retry
 * classification, XML text).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsapi.h"
#include "buf.h"
#include "dkerr.h"
#include "http.h"
#include "tap.h"

static void
test_buf(void)
{
	struct buf	 b = BUF_INIT(8);
	char		*s;

	tap_is_str(buf_str(&b), "", "empty buf reads as \"\"");
	tap_ok(buf_addstr(&b, "abcd") == 0 && b.len == 4, "append within cap");
	tap_ok(buf_addf(&b, "%d", 1234) == 0 && b.len == 8, "printf to the cap");
	errno = 0;
	tap_ok(buf_addc(&b, 'x') == -1 && errno == EOVERFLOW && b.len == 8,
	    "one byte past the cap fails whole, EOVERFLOW");
	tap_is_str(buf_str(&b), "abcd1234", "contents intact after a refused append");
	s = buf_take(&b);
	tap_ok(s && strcmp(s, "abcd1234") == 0 && b.data == NULL && b.len == 0,
	    "take hands over and empties");
	free(s);
	s = buf_take(&b);
	tap_ok(s && s[0] == '\0', "take of an empty buf is \"\"");
	free(s);
	tap_ok(buf_add(&b, "a\0b", 3) == 0 && b.len == 3 && b.data[1] == '\0',
	    "binary bytes kept with their length");
	buf_wipe(&b);
	tap_ok(b.data == NULL && b.len == 0, "wipe frees");
}

static void
test_dkerr(void)
{
	struct dkerr	 e = { 0 };

	tap_ok(dkerr_set(&e, DKERR_INPUT, "bad %s\nvalue", "x") == -1 &&
	    e.kind == DKERR_INPUT, "set returns -1 and sets the kind");
	tap_is_str(e.msg, "bad x value", "newlines flattened: one line");
	dkerr_prefix(&e, "reading %s", "f");
	tap_is_str(e.msg, "reading f: bad x value", "prefix adds context");
	tap_ok(dkerr_exit(DKERR_INPUT) == 2 && dkerr_exit(DKERR_REMOTE) == 1 &&
	    dkerr_exit(DKERR_NETWORK) == 3 && dkerr_exit(DKERR_TIMEOUT) == 124 &&
	    dkerr_exit(DKERR_NONE) == 0, "kinds map to design.md's exit codes");
	tap_ok(dkerr_set(NULL, DKERR_INPUT, "x") == -1, "NULL err is allowed");
}

static void
test_url(void)
{
	static const struct {
		const char	*url;
		int		 ok;
		const char	*hostport, *path, *query;
	} cases[] = {
		{ "https://ssm.eu-west-1.amazonaws.com", 1,
		  "ssm.eu-west-1.amazonaws.com", "/", NULL },
		{ "https://h.example:8443/a/../b/./c?x=1&y", 1,
		  "h.example:8443", "/a/../b/./c", "x=1&y" },
		{ "http://127.0.0.1:5000/", 1, "127.0.0.1:5000", "/", NULL },
		{ "http://127.8.9.10/", 1, "127.8.9.10", "/", NULL },
		{ "http://localhost:1/%2Fx", 1, "localhost:1", "/%2Fx", NULL },
		{ "http://[::1]:80/", 1, "[::1]:80", "/", NULL },
		{ "http://example.com/", 0, NULL, NULL, NULL },
		{ "http://128.0.0.1/", 0, NULL, NULL, NULL },
		{ "http://localhost.example.com/", 0, NULL, NULL, NULL },
		{ "ftp://127.0.0.1/", 0, NULL, NULL, NULL },
		{ "https://user:secret@example.com/", 0, NULL, NULL, NULL },
		{ "not a url", 0, NULL, NULL, NULL },
		{ "", 0, NULL, NULL, NULL },
	};
	struct http_url	 u;
	struct dkerr	 e;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&e, 0, sizeof(e));
		rc = http_url_parse(cases[i].url, &u, &e);
		if (!cases[i].ok) {
			tap_ok(rc == -1 && e.kind == DKERR_INPUT &&
			    strstr(e.msg, "secret") == NULL,
			    "refused: '%s' (%s)", cases[i].url, e.msg);
			continue;
		}
		tap_ok(rc == 0, "parsed: %s", cases[i].url);
		if (rc == 0) {
			tap_is_str(u.hostport, cases[i].hostport, "  hostport");
			tap_is_str(u.path, cases[i].path, "  path as on the wire");
			tap_ok(cases[i].query ? u.query && !strcmp(u.query,
			    cases[i].query) : u.query == NULL, "  query");
		}
		http_url_free(&u);
	}
	tap_ok(http_header_is_secret("Authorization") &&
	    http_header_is_secret("x-amz-security-token") &&
	    http_header_is_secret("X-aws-ec2-metadata-token") &&
	    http_header_is_secret("Cookie") && !http_header_is_secret("Host") &&
	    !http_header_is_secret("x-amz-content-sha256") &&
	    !http_header_is_secret("Content-Type"), "secret header names");
}

/* A response as http_send() would fill it, for the error parser. */
static void
fake(struct http_response *r, const char *hname, const char *hvalue,
    const char *body)
{
	static struct http_header h;

	memset(r, 0, sizeof(*r));
	if (hname) {
		h.name = (char *)hname;
		h.value = (char *)hvalue;
		r->headers = &h;
		r->nheaders = 1;
	}
	buf_addstr(&r->body, body);
}

static void
test_errors(void)
{
	struct http_response	 r;
	struct awsapi_error	 e;

	fake(&r, NULL, NULL, "{\"__type\":\"com.amazonaws.ssm#ParameterNotFound\","
	    "\"message\":\"not here\"}");
	tap_ok(awsapi_parse_error(400, &r, &e) == 0, "JSON __type found");
	tap_is_str(e.code, "ParameterNotFound", "  namespace cut before #");
	tap_is_str(e.message, "not here", "  message");
	buf_free(&r.body);

	fake(&r, "X-Amzn-Errortype", "AccessDeniedException:http://internal.amazon.com/",
	    "{\"__type\":\"Other\",\"Message\":\"User is not authorized\"}");
	tap_ok(awsapi_parse_error(400, &r, &e) == 0, "X-Amzn-Errortype wins");
	tap_is_str(e.code, "AccessDeniedException", "  cut from ':'");
	tap_is_str(e.message, "User is not authorized", "  Message capitalized");
	buf_free(&r.body);

	fake(&r, NULL, NULL, "{\"code\":\"ThrottlingException\"}");
	tap_ok(awsapi_parse_error(400, &r, &e) == 0 &&
	    !strcmp(e.code, "ThrottlingException"), "JSON code");
	buf_free(&r.body);

	fake(&r, NULL, NULL, "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>"
	    "Sender</Type><Code>SignatureDoesNotMatch</Code><Message>a &amp; b "
	    "&lt;c&gt; &#233;</Message></Error><RequestId>r-1</RequestId>"
	    "</ErrorResponse>");
	tap_ok(awsapi_parse_error(403, &r, &e) == 0, "XML error found");
	tap_is_str(e.code, "SignatureDoesNotMatch", "  XML code");
	tap_is_str(e.message, "a & b <c> \xc3\xa9", "  XML entities decoded");
	tap_is_str(e.request_id, "r-1", "  request id");
	buf_free(&r.body);

	fake(&r, NULL, NULL, "<html>Bad Gateway</html>");
	tap_ok(awsapi_parse_error(502, &r, &e) == -1 && e.status == 502 &&
	    e.code[0] == '\0', "no code in an HTML page");
	buf_free(&r.body);
	fake(&r, NULL, NULL, "{\"__type\":");
	tap_ok(awsapi_parse_error(400, &r, &e) == -1, "truncated JSON: no code");
	buf_free(&r.body);

	tap_ok(awsapi_retryable(503, "") && awsapi_retryable(500, NULL) &&
	    awsapi_retryable(400, "ThrottlingException") &&
	    awsapi_retryable(400, "TooManyUpdates") &&
	    !awsapi_retryable(400, "ValidationException") &&
	    !awsapi_retryable(403, "AccessDeniedException") &&
	    !awsapi_retryable(404, ""), "standard-mode retry classes");
	tap_ok(awsapi_is_skew("RequestTimeTooSkewed") &&
	    !awsapi_is_skew("AccessDenied"), "clock-skew codes");
}

static void
test_xml(void)
{
	struct buf	 t = BUF_INIT(1024);
	const char	*x = "<R xmlns=\"x\"><AccessKeyId>AKID</AccessKeyId>"
	    "<AccessKeyIdX>no</AccessKeyIdX><Empty/><Nested><A>1</A></Nested>"
	    "<Bad>&bogus;</Bad><Open>never closed";

	tap_ok(awsapi_xml_text(x, strlen(x), "AccessKeyId", &t) == 0 &&
	    !strcmp(buf_str(&t), "AKID"), "element text");
	tap_ok(awsapi_xml_text(x, strlen(x), "AccessKeyIdX", &t) == 0 &&
	    !strcmp(buf_str(&t), "no"), "longer name not confused");
	tap_ok(awsapi_xml_text(x, strlen(x), "Empty", &t) == 0 && t.len == 0,
	    "self-closing element is empty");
	tap_ok(awsapi_xml_text(x, strlen(x), "R", &t) == -1,
	    "element with children is not flat text");
	tap_ok(awsapi_xml_text(x, strlen(x), "Missing", &t) == -1, "absent");
	tap_ok(awsapi_xml_text(x, strlen(x), "Bad", &t) == -1, "unknown entity");
	tap_ok(awsapi_xml_text(x, strlen(x), "Open", &t) == -1, "unclosed");
	tap_ok(awsapi_xml_text(x, 20, "AccessKeyId", &t) == -1,
	    "length is respected");
	buf_free(&t);
}

int
main(void)
{
	test_buf();
	test_dkerr();
	test_url();
	test_errors();
	test_xml();
	return tap_done();
}
