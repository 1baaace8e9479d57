/*
 * Unit tests for lib/sts's pure parts (the credentials in an STS answer, a
 * JWT's claims, session names, role ARNs) and lib/awscred's parser of
 * credential_process output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awscred.h"
#include "dkerr.h"
#include "sts.h"
#include "tap.h"

#define REPLY(creds) \
	"<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/" \
	"doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult><Credentials>" \
	creds "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:" \
	"assumed-role/r/s</Arn></AssumedRoleUser></AssumeRoleWithWebIdentity" \
	"Result></AssumeRoleWithWebIdentityResponse>"

static void
test_parse_credentials(void)
{
	static const char good[] = REPLY(
	    "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
	    "<SecretAccessKey>s3cr&amp;t</SecretAccessKey>"
	    "<SessionToken>tok/+=</SessionToken>"
	    "<Expiration>2026-11-29T08:54:49.307395Z</Expiration>");
	static const char notoken[] = REPLY(
	    "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
	    "<SecretAccessKey>s</SecretAccessKey>");
	static const char *const bad[] = {
		"", "<x/>", REPLY("<AccessKeyId>A</AccessKeyId>"),
		REPLY("<SecretAccessKey>s</SecretAccessKey>"),
		REPLY("<AccessKeyId></AccessKeyId><SecretAccessKey>s"
		    "</SecretAccessKey>"),
		REPLY("<AccessKeyId>A</AccessKeyId><SecretAccessKey>s"),
		REPLY("<AccessKeyId>A&#0;B</AccessKeyId><SecretAccessKey>s"
		    "</SecretAccessKey>"),
	};
	struct awscred	 c;
	struct dkerr	 err;
	size_t		 i;

	memset(&err, 0, sizeof(err));
	if (tap_ok(sts_parse_credentials(good, sizeof(good) - 1, &c, &err) == 0,
	    "an AssumeRoleWithWebIdentity answer is parsed")) {
		tap_is_str(c.access_key_id, "ASIAEXAMPLE", "... the key id");
		tap_is_str(c.secret_access_key, "s3cr&t", "... the secret, "
		    "entities decoded");
		tap_is_str(c.session_token, "tok/+=", "... the session token");
		tap_ok(c.expiration == 1795942489, "... the expiration "
		    "(fraction dropped)");
		tap_is_str(c.source, "", "... and no source");
		awscred_free(&c);
	}
	if (tap_ok(sts_parse_credentials(notoken, sizeof(notoken) - 1, &c,
	    &err) == 0, "no token, no expiration: accepted")) {
		tap_ok(c.session_token == NULL && c.expiration == 0,
		    "... as none and never");
		awscred_free(&c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		tap_ok(sts_parse_credentials(bad[i], strlen(bad[i]), &c,
		    &err) == -1 && err.kind == DKERR_NETWORK &&
		    (strcmp(err.msg, "the STS answer holds no credentials") == 0 ||
		    (i < 2 && strstr(err.msg, "cut short") != NULL)) &&
		    c.access_key_id == NULL, "bad answer %zu is refused", i);
	}
	for (i = 1; i < sizeof(good) - 1; i += 97) {
		memset(&err, 0, sizeof(err));
		tap_ok(sts_parse_credentials(good, i, &c, &err) == -1 &&
		    err.kind == DKERR_NETWORK && strcmp(err.msg, "the STS answer "
		    "is cut short (not a whole XML document)") == 0,
		    "the answer cut to %zu bytes is refused", i);
	}
	memset(&err, 0, sizeof(err));
	if (tap_ok(sts_parse_credentials(good, sizeof(good) - 1, &c, &err) == 0,
	    "... and whole, with a declaration and white space, accepted"))
		awscred_free(&c);
	{
		static const char badexp[] = REPLY(
		    "<AccessKeyId>A</AccessKeyId><SecretAccessKey>s"
		    "</SecretAccessKey><Expiration>tomorrow</Expiration>");

		tap_ok(sts_parse_credentials(badexp, sizeof(badexp) - 1, &c,
		    &err) == -1 && strcmp(err.msg, "the STS answer has a "
		    "malformed Expiration") == 0 && c.access_key_id == NULL,
		    "a malformed Expiration is refused");
	}
	/* len, not the NUL, ends the input. */
	tap_ok(sts_parse_credentials(good, 60, &c, &err) == -1,
	    "a cut answer is refused");
}

static void
test_jwt_claims(void)
{
	/* {"alg":"RS256"} . {"iss":"https://token.actions.githubusercontent.com",
	 * "sub":"repo:acme/app:environment:prod","aud":["sts.amazonaws.com","x"]} */
	static const char jwt[] = "eyJhbGciOiJSUzI1NiJ9."
	    "eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQu"
	    "Y29tIiwic3ViIjoicmVwbzphY21lL2FwcDplbnZpcm9ubWVudDpwcm9kIiwiYXVk"
	    "IjpbInN0cy5hbWF6b25hd3MuY29tIiwieCJdfQ.c2ln";
	/* {"sub":"a?b>"}: base64url's '-' and '_' and no padding. */
	static const char url[] = "e30.eyJzdWIiOiJhP2I-In0.x";
	static const char *const bad[] = {
		"", "abc", "a.b", "e30.!!!!.x", "e30.eyJzdWIi.x", "e30.WzFd.x",
		"e30..x", "e30.e.x",
	};
	struct sts_claims	 c;
	size_t			 i;

	if (tap_ok(sts_jwt_claims(jwt, sizeof(jwt) - 1, &c) == 0,
	    "a GitHub token's claims are decoded")) {
		tap_is_str(c.iss, "https://token.actions.githubusercontent.com",
		    "... iss");
		tap_is_str(c.sub, "repo:acme/app:environment:prod", "... sub");
		tap_is_str(c.aud, "sts.amazonaws.com", "... aud, the first of "
		    "an array");
	}
	if (tap_ok(sts_jwt_claims(url, sizeof(url) - 1, &c) == 0,
	    "base64url without padding"))
		tap_ok(strcmp(c.sub, "a?b>") == 0 && c.iss[0] == '\0' &&
		    c.aud[0] == '\0', "... sub, and absent claims empty");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(sts_jwt_claims(bad[i], strlen(bad[i]), &c) == -1 &&
		    c.sub[0] == '\0', "not a JWT %zu: refused", i);
}

static void
test_session_names(void)
{
	static const char *const ok[] = {
		"ab", "gha-acme-app-7", "a_b+c=d,e.f@g-h",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const bad[] = {
		"", "a", "two words", "a/b", "caf\xc3\xa9",
		"01234567890123456789012345678901234567890123456789012345678901234",
	};
	char	 out[STS_SESSION_NAME_MAX + 1], repo[200];
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		tap_ok(sts_session_name_valid(ok[i]), "session name %zu is "
		    "valid", i);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(!sts_session_name_valid(bad[i]), "session name %zu is "
		    "not", i);
	tap_ok(sts_session_name_make("acme/app", "7", out) == 0 &&
	    strcmp(out, "gha-acme-app-7") == 0, "gha-OWNER-REPO-RUNID");
	tap_ok(sts_session_name_make("Ac me/\xc3\xa9!", NULL, out) == 0 &&
	    strcmp(out, "gha-Ac-me----") == 0, "other bytes made '-', no run "
	    "id");
	memset(repo, 'r', sizeof(repo) - 1);
	repo[sizeof(repo) - 1] = '\0';
	repo[1] = '/';
	tap_ok(sts_session_name_make(repo, "123456", out) == 0 &&
	    strlen(out) == STS_SESSION_NAME_MAX &&
	    strcmp(out + STS_SESSION_NAME_MAX - 7, "-123456") == 0 &&
	    sts_session_name_valid(out), "a long repository is cut, the run "
	    "id kept whole");
	tap_ok(sts_session_name_make(repo, "1234567890123456789012345", out) == 0 &&
	    strlen(out) == STS_SESSION_NAME_MAX && sts_session_name_valid(out),
	    "an absurd run id is cut too");
	tap_ok(sts_session_name_make(NULL, "7", out) == -1 && out[0] == '\0' &&
	    sts_session_name_make("", "7", out) == -1,
	    "no repository, no name");
}

static void
test_role_arns(void)
{
	static const char *const ok[] = {
		"arn:aws:iam::123456789012:role/deploy",
		"arn:aws-cn:iam::123456789012:role/path/to/Deploy+Role=1,a.b@c-d_e",
		"arn:aws-us-gov:iam::123456789012:role/x",
	};
	static const char *const bad[] = {
		"", "deploy", "arn:aws:iam::123456789012:user/deploy",
		"arn:aws:iam::12345678901:role/deploy",
		"arn:aws:iam::1234567890123:role/deploy",
		"arn:aws:sts::123456789012:role/deploy",
		"arn:AWS:iam::123456789012:role/deploy",
		"arn::iam::123456789012:role/deploy",
		"arn:aws:iam::123456789012:role/",
		"arn:aws:iam::123456789012:role//x",
		"arn:aws:iam::123456789012:role/x/",
		"arn:aws:iam::123456789012:role/a b",
		("arn:aws:iam::123456789012:role/"
		    "x12345678901234567890123456789012345678901234567890123456789012345"),
	};
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		tap_ok(sts_role_arn_valid(ok[i]), "role ARN %zu is valid", i);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(!sts_role_arn_valid(bad[i]), "role ARN %zu is not", i);
}

static int
process(const char *json, struct awscred *c, struct dkerr *err)
{
	memset(err, 0, sizeof(*err));
	return awscred_process_parse(json, strlen(json), c, err);
}

static void
test_process_parse(void)
{
	static const struct { const char *json, *msg; } bad[] = {
		{ "", "the output is empty" },
		{ "AccessKeyId=x", "the output is not JSON (line 1, column 11)" },
		{ "[1]", "the output is not a JSON object" },
		{ "{\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\"}",
		  "the output has no Version (deploykit speaks Version 1)" },
		{ "{\"Version\":2,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\"}",
		  "the output has Version 2 (deploykit speaks Version 1)" },
		{ "{\"Version\":\"1\"}", "Version is not the number 1" },
		{ "{\"Version\":1,\"SecretAccessKey\":\"s\"}",
		  "AccessKeyId is missing" },
		{ "{\"Version\":1,\"AccessKeyId\":\"a\"}",
		  "SecretAccessKey is missing" },
		{ "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\","
		  "\"SessionToken\":7}", "SessionToken is not a string" },
		{ "{\"Version\":1,\"AccessKeyId\":\"a\\u0000b\","
		  "\"SecretAccessKey\":\"s\"}",
		  "the output is not JSON (line 1, column 37)" },
		{ "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\","
		  "\"Expiration\":\"soon\"}",
		  "Expiration is not an RFC 3339 time" },
		{ "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\","
		  "\"Expiration\":\"2001-02-03T04:05:06Z\"}",
		  "the credentials expired at 2001-02-03T04:05:06Z" },
	};
	struct awscred	 c;
	struct dkerr	 err;
	size_t		 i;

	if (tap_ok(process("{\"Version\":1,\"AccessKeyId\":\"ASIA\","
	    "\"SecretAccessKey\":\"sk\",\"SessionToken\":\"t\","
	    "\"Expiration\":\"2099-01-01T02:00:00+02:00\"}", &c, &err) == 0,
	    "credential_process output is parsed")) {
		tap_ok(strcmp(c.access_key_id, "ASIA") == 0 &&
		    strcmp(c.secret_access_key, "sk") == 0 &&
		    strcmp(c.session_token, "t") == 0 &&
		    c.expiration == 4070908800, "... keys, token, expiration");
		awscred_free(&c);
	}
	if (tap_ok(process("{\"Version\":1,\"AccessKeyId\":\"a\","
	    "\"SecretAccessKey\":\"s\",\"SessionToken\":null,"
	    "\"Expiration\":null}", &c, &err) == 0, "null token and expiration"))
		awscred_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!tap_ok(process(bad[i].json, &c, &err) == -1 &&
		    err.kind == DKERR_INPUT && c.access_key_id == NULL,
		    "bad output %zu is refused", i))
			continue;
		tap_is_str(err.msg, bad[i].msg, "... saying so");
	}
	/* The length is the input's end, not a NUL. */
	tap_ok(awscred_process_parse("{\"Version\":1}xx", 13, &c, &err) == -1 &&
	    strcmp(err.msg, "AccessKeyId is missing") == 0,
	    "len bounds the input");
}

int
main(void)
{
	test_parse_credentials();
	test_jwt_claims();
	test_session_names();
	test_role_arns();
	test_process_parse();
	return tap_done();
}
