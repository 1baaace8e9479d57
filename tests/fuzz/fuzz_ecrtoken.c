/*
 * fuzz_ecrtoken: what ecr-token reads from outside: a GetAuthorizationToken
 * answer (ecrtoken_from_reply(), ECR's and ECR Public's shapes), the
 * base64 authorizationToken in it (ecrtoken_decode()), and a token cache
 * record from disk (ecrtoken_cache_decode()).
 *
 * Input: the bytes, handed to each.  Checks: a decoded token has a user
 * and a password and no control byte; a cache record that decodes encodes
 * to one that decodes to the same token.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"
#include "ecrtoken.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(1);	/* the same object order on every run */
	return 0;
}

static int
clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* user: the token was "user:password", so user holds no ':'. */
static void
check_token(const struct ecrtoken *t, int user)
{
	FUZZ_ASSERT(t->username && t->username[0] && clean(t->username));
	FUZZ_ASSERT(t->password && t->password[0] && clean(t->password));
	FUZZ_ASSERT(!user || strchr(t->username, ':') == NULL);
}

static void
cache_round_trip(const struct ecrtoken *t)
{
	struct ecrtoken	 u;
	struct buf	 rec = BUF_INIT(1 << 20);
	struct dkerr	 err;

	memset(&u, 0, sizeof(u));
	FUZZ_ASSERT(ecrtoken_cache_encode(t, &rec) == 0);
	FUZZ_ASSERT(ecrtoken_cache_decode(buf_str(&rec), rec.len, &u,
	    &err) == 0);
	FUZZ_ASSERT(strcmp(u.registry, t->registry) == 0);
	FUZZ_ASSERT(strcmp(u.username, t->username) == 0);
	FUZZ_ASSERT(strcmp(u.password, t->password) == 0);
	FUZZ_ASSERT(u.expires_at == t->expires_at);
	FUZZ_ASSERT(u.fetched_at == t->fetched_at);
	ecrtoken_free(&u);
	buf_wipe(&rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecrtoken	 t;
	struct dkerr	 err;
	json_t		*reply;
	char		*s = fuzz_strndup(data, size), *raw;
	time_t		 now = 1700000000;
	int		 pub;

	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	if (ecrtoken_decode(s, &t, &err) == 0)
		check_token(&t, 1);
	else
		FUZZ_ASSERT(err.kind == DKERR_NETWORK);
	ecrtoken_free(&t);

	raw = fuzz_memdup(data, size);
	if (ecrtoken_cache_decode(raw, size, &t, &err) == 0) {
		check_token(&t, 0);
		FUZZ_ASSERT(t.expires_at > t.fetched_at);
		(void)ecrtoken_fresh(&t, now);
		(void)ecrtoken_usable(&t, now);
		cache_round_trip(&t);
	}
	ecrtoken_free(&t);

	if ((reply = json_loadb(raw, size, 0, NULL)) != NULL) {
		for (pub = 0; pub < 2; pub++) {
			if (ecrtoken_from_reply(reply, pub, now, &t,
			    &err) == 0) {
				check_token(&t, 1);
				FUZZ_ASSERT(t.fetched_at == now);
				FUZZ_ASSERT(memchr(t.registry, '\0',
				    sizeof(t.registry)) != NULL);
				(void)ecrtoken_fresh(&t, now);
				(void)ecrtoken_usable(&t, now);
			}
			ecrtoken_free(&t);
		}
		json_decref(reply);
	}
	(void)ecrtoken_cache_name_valid(s);
	free(raw);
	free(s);
	return 0;
}
