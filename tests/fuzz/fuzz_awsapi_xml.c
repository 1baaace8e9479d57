/*
 * fuzz_awsapi_xml: awsapi_xml_text() on an XML reply (STS, query errors).
 *
 * Input: the document, looked into for the elements AWS's replies carry;
 * or "@NAME\n" then the document, looked into for NAME.  The document is
 * handed over in a buffer of exactly its length, without a NUL: the
 * function takes a length and must not read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awsapi.h"
#include "buf.h"
#include "fuzz.h"

static const char *const names[] = {
	"Code", "Message", "RequestId", "Type", "AccessKeyId",
	"SecretAccessKey", "SessionToken", "Expiration", "Arn",
	"AssumedRoleId", "SubjectFromWebIdentityToken",
};

static void
look(const char *xml, size_t len, const char *name)
{
	struct buf	 out = BUF_INIT(1 << 20);

	if (awsapi_xml_text(xml, len, name, &out) == 0) {
		/* Decoding never makes the text longer than its source. */
		FUZZ_ASSERT(out.len <= len);
		FUZZ_ASSERT(buf_str(&out)[out.len] == '\0');
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data, *nl;
	char		*xml, *name;
	size_t		 i, len;

	if (size > 0 && in[0] == '@' &&
	    (nl = memchr(in, '\n', size)) != NULL) {
		name = fuzz_strndup(in + 1, (size_t)(nl - in - 1));
		len = size - (size_t)(nl + 1 - in);
		xml = fuzz_memdup(nl + 1, len);
		look(xml, len, name);
		free(xml);
		free(name);
		return 0;
	}
	xml = fuzz_memdup(in, size);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		look(xml, size, names[i]);
	free(xml);
	return 0;
}
