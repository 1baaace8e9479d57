/*
 * Unit tests for lib/ghapp: base64url (RFC 4648's vectors), App IDs,
 * --permission NAME=LEVEL and the permissions an installation lacks, the
 * private key's checks (PKCS#1 and PKCS#8, and what is refused), the JWT
 * (its header and claims decoded, its signature verified with the public
 * key), and the requests' URLs and body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "buf.h"
#include "dkerr.h"
#include "ghapi.h"
#include "ghapp.h"
#include "tap.h"

static void
test_b64url(void)
{
	static const struct {
		const char	*in, *out;
	} v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
		{ "\xfb\xff\xbf", "-_-_" },	/* "+/+/" in base64 */
	};
	struct buf	 b = BUF_INIT(1024);
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		buf_reset(&b);
		tap_ok(ghapp_b64url(v[i].in, strlen(v[i].in), &b) == 0,
		    "b64url %zu", i);
		tap_is_str(buf_str(&b), v[i].out, "b64url of %zu bytes", i);
	}
	buf_free(&b);
}

static void
test_id(void)
{
	static const char *const bad[] = {
		"", "0", "-1", "+1", "1x", " 1", "0x10", "1.5",
		"99999999999999999999", "9007199254740993",
	};
	unsigned long long	 id;
	struct dkerr		 e;
	size_t			 i;

	tap_ok(ghapp_id_parse("4711", &id, &e) == 0 && id == 4711, "id 4711");
	tap_ok(ghapp_id_parse("9007199254740992", &id, &e) == 0,
	    "id 2^53");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(ghapp_id_parse(bad[i], &id, &e) == -1 &&
		    e.kind == DKERR_INPUT, "id '%s' refused", bad[i]);
}

static void
test_permissions(void)
{
	static const char *const bad[] = {
		"actions", "=write", "actions=", "actions=owner", "Actions=read",
		"1actions=read", "act ions=read", "actions=Write",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=read",
	};
	json_t		*p = json_object(), *granted;
	struct buf	 b = BUF_INIT(1024);
	struct dkerr	 e;
	char		*s;
	size_t		 i;

	tap_ok(ghapp_permission_add(p, "actions=write", &e) == 0 &&
	    ghapp_permission_add(p, "pull_requests=read", &e) == 0 &&
	    ghapp_permission_add(p, "organization_projects=admin", &e) == 0,
	    "permissions added");
	tap_ok(ghapp_permission_add(p, "actions=read", &e) == -1 &&
	    strstr(e.msg, "twice") != NULL, "a name twice refused");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(ghapp_permission_add(p, bad[i], &e) == -1 &&
		    e.kind == DKERR_INPUT, "permission '%s' refused", bad[i]);
	s = json_dumps(p, JSON_COMPACT);
	tap_is_str(s, "{\"actions\":\"write\",\"pull_requests\":\"read\","
	    "\"organization_projects\":\"admin\"}", "permissions object");
	free(s);

	granted = json_pack("{s:s, s:s, s:s}", "actions", "read",
	    "pull_requests", "write", "organization_projects", "admin");
	tap_ok(ghapp_permissions_missing(p, granted, &b) == 1, "one missing");
	tap_is_str(buf_str(&b), "actions=write (granted: read)",
	    "the missing one named with what is granted");
	json_object_del(granted, "organization_projects");
	tap_ok(ghapp_permissions_missing(p, granted, &b) == 2, "two missing");
	tap_is_str(buf_str(&b), "actions=write (granted: read), "
	    "organization_projects=admin (not granted)", "both named");
	tap_ok(ghapp_permissions_missing(p, NULL, &b) == 3,
	    "no grants: all missing");
	json_decref(granted);
	json_decref(p);
	buf_free(&b);
}

/* A key's PEM (PKCS#8, or PKCS#1 with traditional) into out. */
static int
pem_of(EVP_PKEY *k, int traditional, int public, struct buf *out)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n;
	int	 ok;

	if (bio == NULL)
		return -1;
	if (public)
		ok = PEM_write_bio_PUBKEY(bio, k);
	else if (traditional)
		ok = PEM_write_bio_PrivateKey_traditional(bio, k, NULL, NULL,
		    0, NULL, NULL);
	else
		ok = PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL,
		    NULL);
	n = BIO_get_mem_data(bio, &p);
	buf_reset(out);
	ok = ok == 1 && n > 0 && buf_add(out, p, (size_t)n) == 0;
	BIO_free(bio);
	return ok ? 0 : -1;
}

/* Decode one base64url part of a JWT into out, NUL-terminated. */
static int
b64url_decode(const char *s, size_t n, unsigned char *out, size_t outsz,
    size_t *len)
{
	char	 tmp[2048];
	size_t	 i, m = n;
	int	 r;

	if (n + 4 >= sizeof(tmp))
		return -1;
	for (i = 0; i < n; i++)
		tmp[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (m % 4)
		tmp[m++] = '=';
	tmp[m] = '\0';
	if (m / 4 * 3 + 1 > outsz ||
	    (r = EVP_DecodeBlock(out, (unsigned char *)tmp, (int)m)) < 0)
		return -1;
	*len = (size_t)r - (n % 4 == 2 ? 2 : n % 4 == 3 ? 1 : 0);
	out[*len] = '\0';
	return 0;
}

static void
test_key_and_jwt(void)
{
	EVP_PKEY		*rsa, *ec, *small;
	EVP_MD_CTX		*ctx;
	struct ghapp_key	*k = NULL;
	struct buf		 pem = BUF_INIT(1 << 16), pub = BUF_INIT(1 << 16);
	struct buf		 jwt = BUF_INIT(8192);
	struct dkerr		 e;
	unsigned char		 part[1024];
	const char		*d1, *d2;
	json_t			*o;
	size_t			 n;
	BIO			*bio;
	EVP_PKEY		*pk;

	rsa = EVP_RSA_gen(2048);
	small = EVP_RSA_gen(1024);
	ec = EVP_EC_gen("P-256");
	if (rsa == NULL || small == NULL || ec == NULL) {
		tap_ok(0, "keys generated");
		return;
	}

	/* What is refused, and why. */
	tap_ok(ghapp_key_new("", 0, "K", &e) == NULL &&
	    strcmp(e.msg, "K: empty") == 0, "empty key");
	tap_ok(ghapp_key_new("hello", 5, "K", &e) == NULL &&
	    strstr(e.msg, "not a PEM private key") != NULL, "not PEM");
	pem_of(rsa, 0, 1, &pub);
	tap_ok(ghapp_key_new(pub.data, pub.len, "K", &e) == NULL &&
	    strstr(e.msg, "a public key") != NULL, "a public key");
	pem_of(ec, 0, 0, &pem);
	tap_ok(ghapp_key_new(pem.data, pem.len, "K", &e) == NULL &&
	    strstr(e.msg, "not an RSA key") != NULL, "an EC key");
	pem_of(small, 0, 0, &pem);
	tap_ok(ghapp_key_new(pem.data, pem.len, "K", &e) == NULL &&
	    strstr(e.msg, "1024 bits") != NULL, "a 1024-bit key");
	pem_of(rsa, 0, 0, &pem);
	tap_ok(ghapp_key_new(pem.data, pem.len / 2, "K", &e) == NULL &&
	    strstr(e.msg, "not a readable") != NULL, "a key cut in half");
	tap_ok(strstr(e.msg, "MII") == NULL, "the message shows no key");

	/* PKCS#1, as GitHub hands keys out, and PKCS#8. */
	pem_of(rsa, 1, 0, &pem);
	tap_ok(strstr(buf_str(&pem), "BEGIN RSA PRIVATE KEY") != NULL &&
	    (k = ghapp_key_new(pem.data, pem.len, "K", &e)) != NULL,
	    "a PKCS#1 key");
	ghapp_key_free(k);
	pem_of(rsa, 0, 0, &pem);
	k = ghapp_key_new(pem.data, pem.len, "K", &e);
	tap_ok(k != NULL, "a PKCS#8 key");
	if (k == NULL)
		goto out;

	/* The JWT: three parts, the header and claims as GitHub wants them,
	 * a signature the public key verifies. */
	tap_ok(ghapp_jwt(k, 4711, 1700000000, &jwt, &e) == 0, "JWT made");
	d1 = strchr(buf_str(&jwt), '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	tap_ok(d1 && d2 && strchr(d2 + 1, '.') == NULL &&
	    strspn(buf_str(&jwt), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-_.") == jwt.len, "three base64url parts");
	if (d1 == NULL || d2 == NULL)
		goto out;
	tap_ok(b64url_decode(jwt.data, (size_t)(d1 - jwt.data), part,
	    sizeof(part), &n) == 0, "header decodes");
	tap_is_str((char *)part, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
	    "header");
	tap_ok(b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), part,
	    sizeof(part), &n) == 0, "claims decode");
	o = json_loads((char *)part, 0, NULL);
	tap_ok(json_integer_value(json_object_get(o, "iat")) == 1699999940 &&
	    json_integer_value(json_object_get(o, "exp")) == 1700000540 &&
	    json_is_string(json_object_get(o, "iss")) &&
	    strcmp(json_string_value(json_object_get(o, "iss")), "4711") == 0,
	    "claims: iat now-60, exp now+540, iss the App ID");
	json_decref(o);
	tap_ok(b64url_decode(d2 + 1, strlen(d2 + 1), part, sizeof(part),
	    &n) == 0 && n == 256, "a 2048-bit signature");
	bio = BIO_new_mem_buf(pub.data, (int)pub.len);
	pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ctx = EVP_MD_CTX_new();
	tap_ok(pk && ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    pk) == 1 && EVP_DigestVerify(ctx, part, n,
	    (const unsigned char *)jwt.data, (size_t)(d2 - jwt.data)) == 1,
	    "the public key verifies the signature (RS256)");
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	ghapp_key_free(k);
out:
	buf_wipe(&jwt);
	buf_wipe(&pem);
	buf_free(&pub);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(small);
	EVP_PKEY_free(ec);
}

static void
test_requests(void)
{
	struct ghapi_repo	 r;
	struct buf		 u = BUF_INIT(8192);
	struct dkerr		 e;
	json_t			*p = json_object();
	char			*body;

	ghapi_repo_parse("org/infra", &r, &e);
	tap_ok(ghapp_installation_url(&u, "https://api.github.com", &r) == 0,
	    "installation URL");
	tap_is_str(buf_str(&u), "https://api.github.com/repos/org/infra/"
	    "installation", "installation URL");
	tap_ok(ghapp_token_url(&u, "https://ghe.example/api/v3", 99) == 0,
	    "token URL");
	tap_is_str(buf_str(&u), "https://ghe.example/api/v3/app/installations/"
	    "99/access_tokens", "token URL");
	body = ghapp_token_body(&r, p);
	tap_is_str(body, "{\"repositories\":[\"infra\"]}",
	    "body without permissions");
	free(body);
	ghapp_permission_add(p, "actions=write", &e);
	body = ghapp_token_body(&r, p);
	tap_is_str(body, "{\"repositories\":[\"infra\"],\"permissions\":"
	    "{\"actions\":\"write\"}}", "body: the repository's name, the "
	    "permissions");
	free(body);
	json_decref(p);
	buf_free(&u);
}

int
main(void)
{
	test_b64url();
	test_id();
	test_permissions();
	test_key_and_jwt();
	test_requests();
	return tap_done();
}
