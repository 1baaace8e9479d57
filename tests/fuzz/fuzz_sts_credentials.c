/*
 * fuzz_sts_credentials: what sts-assume and awscred read from STS and
 * from GitHub's OIDC endpoint: sts_parse_credentials() on an AssumeRole*
 * XML answer, sts_jwt_claims() on a JWT, and the role ARN and session
 * name rules (role_arn comes from the config files).
 *
 * Input: the bytes, handed to each; the XML and the JWT in buffers of
 * exactly their length, without a NUL.  Checks: credentials have both
 * keys and no NUL inside; a failure leaves nothing behind; claims are
 * NUL-terminated; a session name made from the input is one STS takes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "awscred.h"
#include "dkerr.h"
#include "sts.h"
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
	struct awscred	 c;
	struct sts_claims cl;
	struct dkerr	 err;
	char		*raw = fuzz_memdup(data, size), *s, *nl;
	char		 name[STS_SESSION_NAME_MAX + 1];

	memset(&err, 0, sizeof(err));
	if (sts_parse_credentials(raw, size, &c, &err) == 0) {
		FUZZ_ASSERT(c.access_key_id && c.access_key_id[0]);
		FUZZ_ASSERT(c.secret_access_key && c.secret_access_key[0]);
		FUZZ_ASSERT(c.session_token == NULL || c.session_token[0]);
		FUZZ_ASSERT(c.source[0] == '\0');
	} else {
		FUZZ_ASSERT(err.kind == DKERR_NETWORK);
		FUZZ_ASSERT(c.access_key_id == NULL &&
		    c.secret_access_key == NULL && c.session_token == NULL);
	}
	awscred_free(&c);

	if (sts_jwt_claims(raw, size, &cl) == 0)
		FUZZ_ASSERT(memchr(cl.iss, '\0', sizeof(cl.iss)) &&
		    memchr(cl.sub, '\0', sizeof(cl.sub)) &&
		    memchr(cl.aud, '\0', sizeof(cl.aud)));
	else
		FUZZ_ASSERT(!cl.iss[0] && !cl.sub[0] && !cl.aud[0]);

	/* "OWNER/REPO\nRUN_ID" for the session name, the whole as an ARN. */
	s = fuzz_strndup(data, size);
	(void)sts_role_arn_valid(s);
	(void)sts_session_name_valid(s);
	if ((nl = strchr(s, '\n')) != NULL)
		*nl++ = '\0';
	if (sts_session_name_make(s, nl, name) == 0)
		FUZZ_ASSERT(sts_session_name_valid(name));
	else
		FUZZ_ASSERT(s[0] == '\0' && name[0] == '\0');
	free(s);
	free(raw);
	return 0;
}
