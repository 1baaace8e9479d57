/*
 * fuzz_awscred_process: awscred_process_parse() on what a profile's
 * credential_process printed, and awscred_parse_time() on its text.
 *
 * Input: the output, in a buffer of exactly its length, without a NUL.
 * Checks: credentials have both keys and have not expired; a failure is
 * DKERR_INPUT with nothing left behind, and its message never quotes the
 * secret key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "awscred.h"
#include "dkerr.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(1);
	return 0;
}

/* The SecretAccessKey the output holds, when it looks like one (long and
 * with a '/' or '+': text no message could hold by chance); or NULL. */
static char *
secret_of(const char *p, size_t n)
{
	json_t		*doc, *sk;
	const char	*s;
	char		*copy = NULL;

	if ((doc = json_loadb(p, n, 0, NULL)) == NULL)
		return NULL;
	sk = json_object_get(doc, "SecretAccessKey");
	if ((s = json_string_value(sk)) != NULL && strlen(s) >= 16 &&
	    strpbrk(s, "/+") != NULL)
		copy = fuzz_strndup(s, strlen(s));
	json_decref(doc);
	return copy;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct awscred	 c;
	struct dkerr	 err;
	char		*raw = fuzz_memdup(data, size), *s, *secret;
	time_t		 t;

	memset(&err, 0, sizeof(err));
	secret = secret_of(raw, size);
	if (awscred_process_parse(raw, size, &c, &err) == 0) {
		FUZZ_ASSERT(c.access_key_id && c.access_key_id[0]);
		FUZZ_ASSERT(c.secret_access_key && c.secret_access_key[0]);
		FUZZ_ASSERT(c.session_token == NULL || c.session_token[0]);
		FUZZ_ASSERT(c.expiration == 0 || c.expiration > time(NULL) - 60);
	} else {
		FUZZ_ASSERT(err.kind == DKERR_INPUT && err.msg[0]);
		FUZZ_ASSERT(c.access_key_id == NULL &&
		    c.secret_access_key == NULL && c.session_token == NULL);
		FUZZ_ASSERT(secret == NULL || strstr(err.msg, secret) == NULL);
	}
	awscred_free(&c);

	s = fuzz_strndup(data, size);
	(void)awscred_parse_time(s, &t);
	free(s);
	free(secret);
	free(raw);
	return 0;
}
