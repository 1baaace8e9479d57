/*
 * Unit tests for lib/ecrtoken: server addresses, ECR registry hosts, the
 * GetAuthorizationToken answer (ECR and ECR Public), times, and the cache's
 * names, records and freshness rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "dkerr.h"
#include "ecrtoken.h"
#include "tap.h"

static void
test_server_host(void)
{
	static const struct { const char *in, *want; } ok[] = {
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		  "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
		{ "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/",
		  "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
		{ "  HTTPS://123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM\n",
		  "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com:443",
		  "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com.",
		  "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
		{ "127.0.0.1:5000", "127.0.0.1:5000" },
		{ "registry.example:443", "registry.example:443" },
		{ "http://[::1]:5000/v2/x?y", "[::1]:5000" },
		{ "public.ecr.aws", "public.ecr.aws" },
	};
	static const char *const bad[] = {
		"", "   ", "https://", "/v2/", "user@host", "https://u:p@host/",
		"host name", "ho_st", "host\x01", "host\ttrailer",
	};
	char	 host[ECRTOKEN_HOSTMAX], small[8];
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (tap_ok(ecrtoken_server_host(ok[i].in, host, sizeof(host)) == 0,
		    "server address %zu is accepted", i))
			tap_is_str(host, ok[i].want, "... as '%s'", ok[i].want);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(ecrtoken_server_host(bad[i], host, sizeof(host)) == -1,
		    "bad server address %zu is refused", i);
	tap_ok(ecrtoken_server_host("registry.example", small, sizeof(small)) == -1,
	    "a host that does not fit is refused");
}

static void
test_parse_registry(void)
{
	static const struct {
		const char	*host, *account, *region;
		int		 fips, dualstack, public;
	} ok[] = {
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		  "123456789012", "eu-west-1", 0, 0, 0 },
		{ "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com",
		  "123456789012", "us-east-1", 1, 0, 0 },
		{ "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
		  "123456789012", "cn-north-1", 0, 0, 0 },
		{ "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com",
		  "123456789012", "us-gov-west-1", 0, 0, 0 },
		{ "123456789012.dkr-ecr.eu-central-1.on.aws",
		  "123456789012", "eu-central-1", 0, 1, 0 },
		{ "123456789012.dkr-ecr-fips.us-west-2.on.aws",
		  "123456789012", "us-west-2", 1, 1, 0 },
		{ "public.ecr.aws", "", "us-east-1", 0, 0, 1 },
	};
	static const char *const bad[] = {
		"12345678901.dkr.ecr.eu-west-1.amazonaws.com",		/* 11 digits */
		"1234567890123.dkr.ecr.eu-west-1.amazonaws.com",	/* 13 */
		"12345678901a.dkr.ecr.eu-west-1.amazonaws.com",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com.cn",	/* partition */
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com",
		"123456789012.dkr.ecr.eu_west_1.amazonaws.com",
		"123456789012.dkr.ecr.amazonaws.com",
		"123456789012.dkr.ecs.eu-west-1.amazonaws.com",
		"123456789012.dkr-ecr.eu-west-1.amazonaws.com",
		"123456789012.dkr.ecr.eu-west-1.on.aws",
		"123456789012.dkr.ecr.eu-west-1.example.com",
		"x.123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		"api.ecr.eu-west-1.amazonaws.com",
		"ecr.aws", "127.0.0.1:5000", "",
	};
	struct ecrtoken_registry r;
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(&r, 0xA5, sizeof(r));
		if (!tap_ok(ecrtoken_parse_registry(ok[i].host, &r) == 0,
		    "registry %s is recognized", ok[i].host))
			continue;
		tap_ok(strcmp(r.account, ok[i].account) == 0 &&
		    strcmp(r.region, ok[i].region) == 0 &&
		    strcmp(r.host, ok[i].host) == 0 && r.fips == ok[i].fips &&
		    r.dualstack == ok[i].dualstack && r.public == ok[i].public,
		    "... account '%s', region %s, fips %d, dual-stack %d, "
		    "public %d", ok[i].account, ok[i].region, ok[i].fips,
		    ok[i].dualstack, ok[i].public);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(ecrtoken_parse_registry(bad[i], &r) == -1,
		    "'%s' is not an ECR registry", bad[i]);
	tap_ok(ecrtoken_account_valid("123456789012") &&
	    !ecrtoken_account_valid("12345678901") &&
	    !ecrtoken_account_valid("1234567890123") &&
	    !ecrtoken_account_valid("12345678901x") &&
	    !ecrtoken_account_valid(""), "account ids are exactly 12 digits");
}

static void
test_decode(void)
{
	struct ecrtoken	 t;
	struct dkerr	 err;

	memset(&t, 0, sizeof(t));
	/* base64("AWS:123456789012-auth-token"), as moto sends it */
	tap_ok(ecrtoken_decode("QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu", &t,
	    &err) == 0, "moto's token decodes");
	tap_is_str(t.username ? t.username : "", "AWS", "... user AWS");
	tap_is_str(t.password ? t.password : "", "123456789012-auth-token",
	    "... and its password");
	/* One and two padding characters: "AWS:pw" and "AWS:p" */
	tap_ok(ecrtoken_decode("QVdTOnB3", &t, &err) == 0 &&
	    strcmp(t.password, "pw") == 0, "no padding");
	tap_ok(ecrtoken_decode("QVdTOnB3eA==", &t, &err) == 0 &&
	    strcmp(t.password, "pwx") == 0, "two padding characters");
	tap_ok(ecrtoken_decode("QVdTOnB3eHk=", &t, &err) == 0 &&
	    strcmp(t.password, "pwxy") == 0, "one padding character");
	/* A ':' in the password stays in the password. */
	tap_ok(ecrtoken_decode("QVdTOmE6Yg==", &t, &err) == 0 &&
	    strcmp(t.username, "AWS") == 0 && strcmp(t.password, "a:b") == 0,
	    "split at the first ':'");
	tap_ok(ecrtoken_decode("", &t, &err) == -1, "empty token refused");
	tap_ok(ecrtoken_decode("QVdTOnB3e", &t, &err) == -1 &&
	    err.kind == DKERR_NETWORK, "length not a multiple of 4 refused");
	tap_ok(ecrtoken_decode("QVdT!nB3", &t, &err) == -1,
	    "a non-base64 character refused");
	tap_ok(ecrtoken_decode("QVdTcHc=", &t, &err) == -1,
	    "no ':' refused (\"AWSpw\")");
	tap_ok(ecrtoken_decode("QVdTOg==", &t, &err) == -1,
	    "an empty password refused (\"AWS:\")");
	tap_ok(ecrtoken_decode("OnB3", &t, &err) == -1,
	    "an empty user refused (\":pw\")");
	tap_ok(ecrtoken_decode("QVdTOnAKdw==", &t, &err) == -1,
	    "a newline in the password refused");
	tap_is_str(t.password, "a:b", "a refused token leaves the last one");
	ecrtoken_free(&t);
	tap_ok(t.password == NULL && t.username == NULL, "free clears");
}

static void
test_reply(void)
{
	struct ecrtoken	 t;
	struct dkerr	 err;
	json_t		*j;
	char		 ts[ECRTOKEN_TIMESZ];

	memset(&t, 0, sizeof(t));
	j = json_loads("{\"authorizationData\":[{\"authorizationToken\":"
	    "\"QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu\",\"expiresAt\":"
	    "1420070400.75,\"proxyEndpoint\":\"https://123456789012.dkr.ecr."
	    "us-east-1.amazonaws.com\"}]}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 0, 1000, &t, &err) == 0,
	    "an ECR answer is read");
	tap_ok(t.expires_at == 1420070400 && t.fetched_at == 1000,
	    "... expiresAt with its fraction cut off");
	tap_is_str(t.registry, "123456789012.dkr.ecr.us-east-1.amazonaws.com",
	    "... registry from proxyEndpoint");
	tap_is_str(t.password, "123456789012-auth-token", "... password");
	ecrtoken_free(&t);
	json_decref(j);

	j = json_loads("{\"authorizationData\":{\"authorizationToken\":"
	    "\"QVdTOnB3\",\"expiresAt\":1700000000}}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 1, 5, &t, &err) == 0 &&
	    strcmp(t.registry, "public.ecr.aws") == 0 &&
	    t.expires_at == 1700000000 && strcmp(t.password, "pw") == 0,
	    "an ECR Public answer (an object) is read");
	ecrtoken_free(&t);
	tap_ok(ecrtoken_from_reply(j, 0, 5, &t, &err) == -1 &&
	    err.kind == DKERR_NETWORK, "... but not as an ECR answer");
	json_decref(j);

	j = json_loads("{\"authorizationData\":[]}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 0, 5, &t, &err) == -1 &&
	    strstr(err.msg, "authorizationData") != NULL,
	    "an empty list is malformed, named");
	json_decref(j);
	j = json_loads("{\"authorizationData\":[{\"authorizationToken\":"
	    "\"QVdTOnB3\",\"expiresAt\":\"soon\"}]}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 0, 5, &t, &err) == -1 &&
	    strstr(err.msg, "expiresAt") != NULL, "a string expiresAt refused");
	json_decref(j);
	j = json_loads("{\"authorizationData\":[{\"authorizationToken\":"
	    "\"QVdTOnB3\",\"expiresAt\":-1}]}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 0, 5, &t, &err) == -1,
	    "a negative expiresAt refused");
	json_decref(j);
	j = json_loads("{\"authorizationData\":[{\"authorizationToken\":"
	    "\"QVdTOnB3\",\"expiresAt\":1e300}]}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 0, 5, &t, &err) == -1,
	    "an expiresAt past year 9999 refused");
	json_decref(j);
	j = json_loads("{\"authorizationData\":[{\"expiresAt\":1}]}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 0, 5, &t, &err) == -1 &&
	    strstr(err.msg, "authorizationToken") != NULL,
	    "a missing token is named");
	json_decref(j);
	j = json_loads("{\"authorizationData\":[{\"authorizationToken\":"
	    "\"QVdTOnB3\",\"expiresAt\":9}]}", 0, NULL);
	tap_ok(ecrtoken_from_reply(j, 0, 5, &t, &err) == 0 &&
	    t.registry[0] == '\0', "no proxyEndpoint: registry left empty");
	ecrtoken_free(&t);
	json_decref(j);

	tap_ok(ecrtoken_format_time(1420070400, ts) == 0, "format a time");
	tap_is_str(ts, "2015-01-01T00:00:00Z", "... RFC 3339 UTC");
	tap_ok(ecrtoken_format_time(253402300799, ts) == 0 &&
	    strcmp(ts, "9999-12-31T23:59:59Z") == 0, "the last second");
	tap_ok(ecrtoken_format_time(253402300800, ts) == -1,
	    "year 10000 refused");
}

static void
test_cache(void)
{
	struct buf	 b = BUF_INIT(0);
	struct ecrtoken	 t, u;
	struct dkerr	 err;
	char		 name[ECRTOKEN_NAMEMAX], small[20];

	tap_ok(ecrtoken_cache_dir("/x/cache", "/home/u", &b) == 0 &&
	    strcmp(buf_str(&b), "/x/cache/deploykit") == 0,
	    "XDG_CACHE_HOME wins");
	buf_reset(&b);
	tap_ok(ecrtoken_cache_dir("relative", "/home/u", &b) == 0 &&
	    strcmp(buf_str(&b), "/home/u/.cache/deploykit") == 0,
	    "a relative XDG_CACHE_HOME is ignored");
	buf_reset(&b);
	tap_ok(ecrtoken_cache_dir(NULL, "/", &b) == 0 &&
	    strcmp(buf_str(&b), "/.cache/deploykit") == 0, "HOME=/");
	buf_reset(&b);
	tap_ok(ecrtoken_cache_dir(NULL, NULL, &b) == -1 &&
	    ecrtoken_cache_dir("", "rel", &b) == -1, "no absolute path: -1");
	buf_free(&b);

	tap_ok(ecrtoken_cache_name("eu-west-1", "123456789012", 0,
	    "AKIAIOSFODNN7EXAMPLE", name, sizeof(name)) == 0, "a cache name");
	tap_ok(strncmp(name, "ecr-eu-west-1-123456789012-", 27) == 0 &&
	    strlen(name) == 27 + 16 + 5 && strstr(name, "AKIA") == NULL &&
	    ecrtoken_cache_name_valid(name), "... region, account, hash: %s",
	    name);
	tap_ok(ecrtoken_cache_name("eu-west-1", NULL, 0, "AKIAIOSFODNN7EXAMPLE",
	    name, sizeof(name)) == 0 &&
	    strncmp(name, "ecr-eu-west-1-default-", 22) == 0,
	    "no account: \"default\"");
	tap_ok(ecrtoken_cache_name("us-east-1", NULL, 1, "AKIAIOSFODNN7EXAMPLE",
	    name, sizeof(name)) == 0 && strncmp(name, "ecr-public-", 11) == 0,
	    "ECR Public: %s", name);
	{
		char	 a[ECRTOKEN_NAMEMAX], c[ECRTOKEN_NAMEMAX];

		ecrtoken_cache_name("eu-west-1", NULL, 0, "AKIA1", a, sizeof(a));
		ecrtoken_cache_name("eu-west-1", NULL, 0, "AKIA2", c, sizeof(c));
		tap_ok(strcmp(a, c) != 0, "another key, another file");
	}
	tap_ok(ecrtoken_cache_name("../etc", NULL, 0, "AKIA1", name,
	    sizeof(name)) == -1, "a malformed region makes no name");
	tap_ok(ecrtoken_cache_name("eu-west-1", "../../x", 0, "AKIA1", name,
	    sizeof(name)) == -1, "a malformed account makes no name");
	tap_ok(ecrtoken_cache_name("eu-west-1", NULL, 0, "AKIA1", small,
	    sizeof(small)) == -1, "a name that does not fit: -1");
	tap_ok(!ecrtoken_cache_name_valid(".ecr-x.json.1234.tmp") &&
	    !ecrtoken_cache_name_valid("ecr-../x.json") &&
	    !ecrtoken_cache_name_valid("other.json"),
	    "temporaries and strangers are not records");

	memset(&t, 0, sizeof(t));
	memset(&u, 0, sizeof(u));
	memcpy(t.registry, "123456789012.dkr.ecr.eu-west-1.amazonaws.com", 45);
	t.username = strdup("AWS");
	t.password = strdup("p\"w\\x");
	t.fetched_at = 1000;
	t.expires_at = 1000 + 43200;
	b.max = 0;
	tap_ok(ecrtoken_cache_encode(&t, &b) == 0 &&
	    b.data[b.len - 1] == '\n', "encode a record, one line");
	tap_ok(ecrtoken_cache_decode(b.data, b.len, &u, &err) == 0 &&
	    strcmp(u.registry, t.registry) == 0 &&
	    strcmp(u.password, t.password) == 0 &&
	    u.expires_at == t.expires_at && u.fetched_at == t.fetched_at,
	    "it decodes to the same token");
	ecrtoken_free(&u);
	buf_wipe(&b);
	tap_ok(ecrtoken_cache_decode("{}", 2, &u, &err) == -1 &&
	    err.kind == DKERR_INPUT, "an empty object is not a record");
	tap_ok(ecrtoken_cache_decode("nonsense", 8, &u, &err) == -1,
	    "not JSON is not a record");
	{
		static const char *const bad[] = {
		    "{\"registry\":\"a b\",\"username\":\"AWS\",\"password\":"
		    "\"p\",\"expires_at\":20,\"fetched_at\":10}",
		    "{\"registry\":\"r\",\"username\":\"AWS\",\"password\":"
		    "\"\",\"expires_at\":20,\"fetched_at\":10}",
		    "{\"registry\":\"r\",\"username\":\"AWS\",\"password\":"
		    "\"p\",\"expires_at\":10,\"fetched_at\":20}",
		    "{\"registry\":\"R\",\"username\":\"AWS\",\"password\":"
		    "\"p\",\"expires_at\":20,\"fetched_at\":10}",
		    "{\"registry\":\"r\",\"username\":\"AWS\",\"password\":"
		    "\"p\\n::x\",\"expires_at\":20,\"fetched_at\":10}",
		};
		size_t	 i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			tap_ok(ecrtoken_cache_decode(bad[i], strlen(bad[i]), &u,
			    &err) == -1, "record %zu out of range refused", i);
	}

	/* 12 hours: fresh for 6, usable until a minute before the end. */
	tap_ok(ecrtoken_fresh(&t, 1000), "fresh when just fetched");
	tap_ok(ecrtoken_fresh(&t, 1000 + 21599), "fresh just before half");
	tap_ok(!ecrtoken_fresh(&t, 1000 + 21600), "stale at half its lifetime");
	tap_ok(!ecrtoken_fresh(&t, 999), "not fresh from the future");
	tap_ok(ecrtoken_usable(&t, 1000 + 43200 - ECRTOKEN_MARGIN - 1),
	    "usable until the margin");
	tap_ok(!ecrtoken_usable(&t, 1000 + 43200 - ECRTOKEN_MARGIN),
	    "not usable within the margin");
	t.expires_at = 900;
	tap_ok(!ecrtoken_usable(&t, 1000) && !ecrtoken_fresh(&t, 1000),
	    "an expired token is neither");
	ecrtoken_free(&t);
}

int
main(void)
{
	test_server_host();
	test_parse_registry();
	test_decode();
	test_reply();
	test_cache();
	return tap_done();
}
