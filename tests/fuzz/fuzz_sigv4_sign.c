/*
 * fuzz_sigv4_sign: sigv4_sign() and sigv4_presign() of a fuzzed request.
 *
 * Input: one byte of options, then lines:
 *   METHOD
 *   PATH
 *   QUERY                     (empty: none)
 *   [PAYLOAD-HASH]            (option 0x40)
 *   [SESSION-TOKEN]           (option 0x10)
 *   [X-AMZ-DATE]              (option 0x80)
 *   Name: value ...           (every further line; no ':' means no value)
 * The low four bits of the options are the SIGV4_* flags; 0x20 presigns.
 * Checks: signing the same request twice gives the same signature, and
 * the header form's Authorization is AWS4-HMAC-SHA256 with that signature.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dkerr.h"
#include "sigv4.h"
#include "fuzz.h"

#define MAX_HEADERS	300	/* past the signer's cap of 256 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigv4_header	*h;
	struct sigv4_request	 req;
	struct sigv4_params	 pa;
	struct sigv4_result	 r1, r2;
	struct dkerr		 err;
	char			*in, *rest, *line, *colon, sig[65];
	unsigned		 opt;
	int			 presign, rc;
	size_t			 i;

	if (size < 1)
		return 0;
	opt = data[0];
	presign = (opt & 0x20) != 0;
	rest = in = fuzz_strndup(data + 1, size - 1);
	if ((h = calloc(MAX_HEADERS, sizeof(*h))) == NULL)
		abort();
	memset(&req, 0, sizeof(req));
	memset(&pa, 0, sizeof(pa));
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	memset(&err, 0, sizeof(err));

	req.method = fuzz_line(&rest);
	req.path = fuzz_line(&rest);
	req.query = fuzz_line(&rest);
	if (opt & 0x40)
		req.payload_hash = fuzz_line(&rest);
	pa.access_key = "AKIDEXAMPLE";
	pa.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	pa.region = "us-east-1";
	pa.service = "service";
	pa.amz_date = "20150830T123600Z";
	pa.flags = opt & 0x0f;
	pa.expires = 900;
	if (opt & 0x10)
		pa.session_token = fuzz_line(&rest);
	if (opt & 0x80 && (line = fuzz_line(&rest)) != NULL)
		pa.amz_date = line;
	if (req.method == NULL || req.path == NULL)
		goto out;
	while (req.nheaders < MAX_HEADERS &&
	    (line = fuzz_line(&rest)) != NULL) {
		h[req.nheaders].name = line;
		h[req.nheaders].value = "";
		if ((colon = strchr(line, ':')) != NULL) {
			*colon = '\0';
			h[req.nheaders].value = colon + 1;
		}
		req.nheaders++;
	}
	req.headers = h;

	rc = presign ? sigv4_presign(&req, &pa, &r1, &err) :
	    sigv4_sign(&req, &pa, &r1, &err);
	if (rc == -1) {
		FUZZ_ASSERT(err.kind != DKERR_NONE && err.msg[0] != '\0');
		FUZZ_ASSERT(r1.nadd == 0 && r1.canonical_request.len == 0);
		goto out;
	}
	FUZZ_ASSERT(strlen(r1.signature) == 64);
	memcpy(sig, r1.signature, sizeof(sig));
	rc = presign ? sigv4_presign(&req, &pa, &r2, &err) :
	    sigv4_sign(&req, &pa, &r2, &err);
	FUZZ_ASSERT(rc == 0 && strcmp(r2.signature, sig) == 0);
	if (presign) {
		FUZZ_ASSERT(strstr(buf_str(&r1.query), "X-Amz-Signature=") !=
		    NULL);
	} else {
		FUZZ_ASSERT(strncmp(buf_str(&r1.authorization),
		    SIGV4_ALGORITHM " Credential=",
		    sizeof(SIGV4_ALGORITHM " Credential=") - 1) == 0);
		FUZZ_ASSERT(r1.nadd >= 2 && r1.nadd <= SIGV4_MAX_ADD);
		for (i = 0; i < r1.nadd; i++)
			FUZZ_ASSERT(r1.add[i].name && r1.add[i].value);
	}
out:
	sigv4_result_free(&r1);
	sigv4_result_free(&r2);
	free(h);
	free(in);
	return 0;
}
