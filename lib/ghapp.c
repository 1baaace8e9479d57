#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ghapp.h"
#include "secretfile.h"

#define GHAPP_APP_ID_MAX	(1ULL << 53)
#define GHAPP_URL_MAX		8192

struct ghapp_key {
	EVP_PKEY	*pkey;
};

/* The PEM passphrase callback: there is none to give. */
static int
ghapp_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Whether the n bytes at p hold the string s. */
static int
ghapp_has(const char *p, size_t n, const char *s)
{
	size_t	 m = strlen(s), i;

	for (i = 0; m <= n && i <= n - m; i++)
		if (memcmp(p + i, s, m) == 0)
			return 1;
	return 0;
}

struct ghapp_key *
ghapp_key_new(const char *pem, size_t len, const char *what,
    struct dkerr *err)
{
	struct ghapp_key	*k;
	EVP_PKEY		*pkey;
	BIO			*bio;
	int			 bits;

	if (len == 0) {
		dkerr_set(err, DKERR_INPUT, "%s: empty", what);
		return NULL;
	}
	if (len > GHAPP_KEY_MAX || len > INT_MAX) {
		dkerr_set(err, DKERR_INPUT, "%s: larger than %d bytes: not a "
		    "private key", what, GHAPP_KEY_MAX);
		return NULL;
	}
	/* Say what is wrong with the usual mistakes, rather than what
	 * OpenSSL's decoder would. */
	if (!ghapp_has(pem, len, "-----BEGIN ")) {
		dkerr_set(err, DKERR_INPUT, "%s: not a PEM private key (no "
		    "-----BEGIN line); want the .pem file GitHub gave for the "
		    "App", what);
		return NULL;
	}
	if (ghapp_has(pem, len, "PUBLIC KEY-----")) {
		dkerr_set(err, DKERR_INPUT, "%s: a public key; want the App's "
		    "private key", what);
		return NULL;
	}
	if (ghapp_has(pem, len, "ENCRYPTED")) {
		dkerr_set(err, DKERR_INPUT, "%s: the key is encrypted; give it "
		    "unencrypted (openssl pkey -in KEY -out PLAIN)", what);
		return NULL;
	}
	if (memchr(pem, '\n', len) == NULL && ghapp_has(pem, len, "\\n")) {
		dkerr_set(err, DKERR_INPUT, "%s: the PEM holds \\n escapes "
		    "instead of line breaks; store the key's text as it is",
		    what);
		return NULL;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, ghapp_no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (pkey == NULL) {
		dkerr_set(err, DKERR_INPUT, "%s: not a readable PEM private "
		    "key (cut short, or damaged?)", what);
		return NULL;
	}
	if (EVP_PKEY_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		dkerr_set(err, DKERR_INPUT, "%s: not an RSA key; a GitHub App's "
		    "key is RSA (RS256)", what);
		return NULL;
	}
	if ((bits = EVP_PKEY_bits(pkey)) < GHAPP_KEY_MIN_BITS) {
		EVP_PKEY_free(pkey);
		dkerr_set(err, DKERR_INPUT, "%s: an RSA key of %d bits; GitHub "
		    "wants at least %d", what, bits, GHAPP_KEY_MIN_BITS);
		return NULL;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		return NULL;
	}
	k->pkey = pkey;
	return k;
}

void
ghapp_key_free(struct ghapp_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

struct ghapp_key *
ghapp_key_load(const char *path, const char **source, struct dkerr *err)
{
	struct buf		 pem = BUF_INIT(GHAPP_KEY_MAX);
	struct ghapp_key	*k;
	const char		*v;
	char			 what[300];

	if (path) {
		*source = "key file";
		if (secretfile_read(path, "key file", SECRETFILE_NOFOLLOW,
		    GHAPP_KEY_MAX, &pem, err) == -1)
			return NULL;
		if (snprintf(what, sizeof(what), "key file %s", path) >=
		    (int)sizeof(what))
			memcpy(what, "key file", sizeof("key file"));
		k = ghapp_key_new(buf_str(&pem), pem.len, what, err);
		buf_wipe(&pem);
		return k;
	}
	if ((v = getenv(GHAPP_KEY_ENV)) == NULL || v[0] == '\0') {
		dkerr_set(err, DKERR_INPUT, "no private key: give "
		    "--private-key-file or set %s to the key's PEM text",
		    GHAPP_KEY_ENV);
		return NULL;
	}
	*source = GHAPP_KEY_ENV;
	return ghapp_key_new(v, strlen(v), GHAPP_KEY_ENV, err);
}

int
ghapp_id_parse(const char *s, unsigned long long *out, struct dkerr *err)
{
	unsigned long long	 v = 0;
	const char		*p;

	if (s == NULL || s[0] == '\0')
		return dkerr_set(err, DKERR_INPUT, "App ID: empty");
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) || p - s >= 17)
			return dkerr_set(err, DKERR_INPUT, "App ID %.40s: want "
			    "the App's numeric ID (its settings page shows "
			    "it)", s);
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v == 0 || v > GHAPP_APP_ID_MAX)
		return dkerr_set(err, DKERR_INPUT, "App ID %s: out of range",
		    s);
	*out = v;
	return 0;
}

int
ghapp_b64url(const void *in, size_t n, struct buf *out)
{
	unsigned char	*enc;
	size_t		 m, i;
	int		 len, rc;

	if (n > (size_t)INT_MAX / 4 * 3 - 3)
		return -1;
	m = (n + 2) / 3 * 4 + 1;
	if ((enc = malloc(m)) == NULL)
		return -1;
	len = EVP_EncodeBlock(enc, in, (int)n);
	/* base64url: '-' and '_' for '+' and '/', no '=' padding. */
	while (len > 0 && enc[len - 1] == '=')
		len--;
	for (i = 0; i < (size_t)len; i++)
		if (enc[i] == '+')
			enc[i] = '-';
		else if (enc[i] == '/')
			enc[i] = '_';
	rc = buf_add(out, enc, (size_t)len);
	OPENSSL_cleanse(enc, m);
	free(enc);
	return rc;
}

int
ghapp_jwt(const struct ghapp_key *k, unsigned long long app_id, time_t now,
    struct buf *out, struct dkerr *err)
{
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	*sig = NULL;
	char		 claims[128];
	size_t		 siglen = 0;
	int		 n, ret = -1;

	buf_reset(out);
	n = snprintf(claims, sizeof(claims), "{\"iat\":%lld,\"exp\":%lld,"
	    "\"iss\":\"%llu\"}", (long long)now - GHAPP_JWT_BACKDATE,
	    (long long)now + GHAPP_JWT_LIFETIME, app_id);
	if (n < 0 || (size_t)n >= sizeof(claims))
		return dkerr_set(err, DKERR_INPUT, "App ID: too long");
	if (ghapp_b64url(header, sizeof(header) - 1, out) == -1 ||
	    buf_addc(out, '.') == -1 ||
	    ghapp_b64url(claims, (size_t)n, out) == -1) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, (const unsigned char *)out->data,
	    out->len) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)out->data,
	    out->len) != 1) {
		ERR_clear_error();
		dkerr_set(err, DKERR_INPUT, "the private key cannot sign (RS256)");
		goto out;
	}
	if (buf_addc(out, '.') == -1 || ghapp_b64url(sig, siglen, out) == -1) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(sig);
	if (ret == -1)
		buf_wipe(out);
	return ret;
}

/* read 1, write 2, admin 3; 0 for anything else. */
static int
ghapp_level(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "read") == 0)
		return 1;
	if (strcmp(s, "write") == 0)
		return 2;
	if (strcmp(s, "admin") == 0)
		return 3;
	return 0;
}

int
ghapp_permission_add(json_t *perms, const char *kv, struct dkerr *err)
{
	const char	*eq = strchr(kv, '='), *p;
	char		 name[GHAPP_PERM_NAME_MAX + 1];
	size_t		 n;

	if (eq == NULL || eq == kv)
		return dkerr_set(err, DKERR_INPUT, "--permission %.100s: want "
		    "NAME=LEVEL, such as actions=write", kv);
	if ((n = (size_t)(eq - kv)) > GHAPP_PERM_NAME_MAX)
		return dkerr_set(err, DKERR_INPUT, "--permission %.40s...: the "
		    "name is too long", kv);
	memcpy(name, kv, n);
	name[n] = '\0';
	if (!islower((unsigned char)name[0]))
		goto badname;
	for (p = name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_')
			goto badname;
	if (ghapp_level(eq + 1) == 0)
		return dkerr_set(err, DKERR_INPUT, "--permission %.100s: the "
		    "level is read, write or admin", kv);
	if (json_object_get(perms, name) != NULL)
		return dkerr_set(err, DKERR_INPUT, "--permission %s: given "
		    "twice", name);
	if (json_object_set_new(perms, name, json_string(eq + 1)) == -1)
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	return 0;
badname:
	return dkerr_set(err, DKERR_INPUT, "--permission %.100s: a name is "
	    "lower-case letters, digits and '_', as GitHub names them "
	    "(actions, contents, pull_requests ...)", kv);
}

int
ghapp_permissions_missing(const json_t *want, const json_t *granted,
    struct buf *out)
{
	const char	*name;
	const char	*has;
	json_t		*v;
	int		 n = 0;

	buf_reset(out);
	json_object_foreach((json_t *)want, name, v) {
		has = json_string_value(json_object_get(granted, name));
		if (ghapp_level(has) >= ghapp_level(json_string_value(v)))
			continue;
		if (has)
			buf_addf(out, "%s%s=%s (granted: %s)", n ? ", " : "",
			    name, json_string_value(v), has);
		else
			buf_addf(out, "%s%s=%s (not granted)", n ? ", " : "",
			    name, json_string_value(v));
		n++;
	}
	return n;
}

/* --- Requests ----------------------------------------------------------- */

int
ghapp_installation_url(struct buf *out, const char *base,
    const struct ghapi_repo *repo)
{
	return ghapi_repo_url(out, base, repo, "%s", "/installation");
}

int
ghapp_token_url(struct buf *out, const char *base, long long id)
{
	buf_reset(out);
	return buf_addf(out, "%s/app/installations/%lld/access_tokens", base,
	    id);
}

char *
ghapp_token_body(const struct ghapi_repo *repo, const json_t *perms)
{
	json_t	*body;
	char	*text;

	body = json_pack("{s:[s]}", "repositories", repo->name);
	if (body && json_object_size(perms) > 0 &&
	    json_object_set(body, "permissions", (json_t *)perms) == -1) {
		json_decref(body);
		return NULL;
	}
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	return text;
}

/* --- Minting a token ---------------------------------------------------- */

/*
 * One call authenticated by a fresh JWT on GitHub's clock.  After a 401 to
 * a JWT signed before an answer showed a skew of GHAPP_SKEW_RETRY or more,
 * sign again on GitHub's time and send once more.  As ghapi_call().
 */
static int
ghapp_call(struct ghapp *app, const struct ghapi_call *c,
    struct ghapi_reply *r, struct ghapi_error *gerr, struct dkerr *err)
{
	struct buf	 jwt = BUF_INIT(GHAPI_TOKEN_MAX);
	char		 line[300];
	long		 used, d;
	int		 rc = -1, again;

	for (again = 0; ; again++) {
		used = app->api->skew;
		if (ghapp_jwt(app->key, app->app_id,
		    ghapi_server_time(app->api), &jwt, err) == -1)
			break;
		app->api->token = buf_str(&jwt);
		rc = ghapi_call(app->api, c, r, gerr, err);
		app->api->token = NULL;
		d = app->api->skew - used;
		if (rc == 0 || gerr->status != 401 || again ||
		    (d > -GHAPP_SKEW_RETRY && d < GHAPP_SKEW_RETRY))
			break;
		if (app->api->notify &&
		    snprintf(line, sizeof(line), "%s: GitHub's clock is %ld s "
		    "%s this machine's: signing the JWT again on its time",
		    c->what, labs(app->api->skew), app->api->skew > 0 ?
		    "ahead of" : "behind") < (int)sizeof(line))
			app->api->notify(app->api->notify_arg, line);
	}
	buf_wipe(&jwt);
	return rc;
}

/* The dkerr for a 401 to the JWT.  Returns -1. */
static int
ghapp_jwt_refused(const struct ghapp *app, const char *what,
    const struct ghapi_error *g, struct dkerr *err)
{
	const char	*m = g->message;
	long		 skew = app->api->skew;

	/* GitHub names the claim it refused: 'exp' or 'iat'. */
	if ((strstr(m, "'exp'") || strstr(m, "'iat'") || strstr(m, "claim")) &&
	    (skew >= 1 || skew <= -1))
		return dkerr_set(err, DKERR_REMOTE, "%s: GitHub refused the "
		    "App's JWT (HTTP 401: %s): its times do not fit GitHub's "
		    "clock, %ld s %s this machine's: set the clock right", what,
		    m, labs(skew), skew > 0 ? "ahead of" : "behind");
	if (strstr(m, "'exp'") || strstr(m, "'iat'") || strstr(m, "claim"))
		return dkerr_set(err, DKERR_REMOTE, "%s: GitHub refused the "
		    "App's JWT (HTTP 401: %s): its times do not fit GitHub's "
		    "clock, although GitHub's Date header agrees with this "
		    "machine's: is a proxy or the server's clock off?", what, m);
	return dkerr_set(err, DKERR_REMOTE, "%s: GitHub refused the App's JWT "
	    "(HTTP 401%s%s): is %llu the App's ID, and the key that App's "
	    "private key (not another App's, not deleted)?", what,
	    m[0] ? ": " : "", m, app->app_id);
}

/* GET the installation: its ID and permissions into tok. */
static int
ghapp_find(struct ghapp *app, const struct ghapi_repo *repo,
    struct ghapp_token *tok, long *status, struct dkerr *err)
{
	struct ghapi_call	 call;
	struct ghapi_reply	 r;
	struct ghapi_error	 g;
	struct buf		 url = BUF_INIT(GHAPP_URL_MAX);
	char			 what[300];
	json_t			*id;
	int			 ret = -1;

	memset(&r, 0, sizeof(r));
	memset(&g, 0, sizeof(g));
	if (snprintf(what, sizeof(what), "find App %llu's installation on %s",
	    app->app_id, repo->full) >= (int)sizeof(what) ||
	    ghapp_installation_url(&url, app->api->base, repo) == -1) {
		dkerr_set(err, DKERR_INPUT, "%s: the URL is too long",
		    repo->full);
		goto out;
	}
	memset(&call, 0, sizeof(call));
	call.method = "GET";
	call.url = buf_str(&url);
	call.what = what;
	if (ghapp_call(app, &call, &r, &g, err) == -1) {
		*status = g.status;
		if (g.status == 401)
			ghapp_jwt_refused(app, what, &g, err);
		else if (g.status == 404)
			dkerr_set(err, DKERR_REMOTE, "the App (ID %llu) is not "
			    "installed on %s, or that repository does not exist "
			    "(HTTP 404): install the App on the repository",
			    app->app_id, repo->full);
		goto out;
	}
	id = json_object_get(r.json, "id");
	if (!json_is_integer(id) || json_integer_value(id) <= 0) {
		dkerr_set(err, DKERR_NETWORK, "%s: malformed answer from GitHub "
		    "(no installation id)", what);
		goto out;
	}
	tok->installation_id = json_integer_value(id);
	tok->installation = json_incref(r.json);
	ret = 0;
out:
	ghapi_reply_free(&r);
	buf_free(&url);
	return ret;
}

/* Wipe the token string inside a JSON answer before it is released. */
static void
ghapp_json_wipe(json_t *o)
{
	json_t	*t = json_object_get(o, "token");

	if (json_is_string(t))
		OPENSSL_cleanse((char *)json_string_value(t),
		    json_string_length(t));
}

int
ghapp_mint(struct ghapp *app, const struct ghapi_repo *repo,
    const json_t *perms, struct ghapp_token *tok, long *status,
    struct dkerr *err)
{
	struct ghapi_call	 call;
	struct ghapi_reply	 r;
	struct ghapi_error	 g;
	struct buf		 url = BUF_INIT(GHAPP_URL_MAX);
	struct buf		 missing = BUF_INIT(4096);
	char			 what[300];
	char			*body = NULL;
	const char		*t, *exp;
	json_t			*granted;
	time_t			 when;
	long			 st = 0;
	int			 ret = -1;

	memset(tok, 0, sizeof(*tok));
	memset(&r, 0, sizeof(r));
	memset(&g, 0, sizeof(g));
	if (status == NULL)
		status = &st;
	*status = 0;
	if (ghapp_find(app, repo, tok, status, err) == -1)
		goto out;

	if (snprintf(what, sizeof(what), "create a token of App %llu for %s",
	    app->app_id, repo->full) >= (int)sizeof(what) ||
	    ghapp_token_url(&url, app->api->base, tok->installation_id) == -1 ||
	    (body = ghapp_token_body(repo, perms)) == NULL) {
		dkerr_set(err, DKERR_NETWORK, "create a token for %s: out of "
		    "memory", repo->full);
		goto out;
	}
	memset(&call, 0, sizeof(call));
	call.method = "POST";
	call.url = buf_str(&url);
	call.body = body;
	call.body_len = strlen(body);
	call.what = what;
	call.notfound = "installation";
	if (ghapp_call(app, &call, &r, &g, err) == -1) {
		*status = g.status;
		granted = json_object_get(tok->installation, "permissions");
		if (g.status == 401)
			ghapp_jwt_refused(app, what, &g, err);
		else if (g.status == 422 && perms &&
		    ghapp_permissions_missing(perms, granted, &missing) > 0)
			dkerr_set(err, DKERR_REMOTE, "%s: the installation does "
			    "not grant %s (HTTP 422%s%s): give the App these "
			    "permissions, or ask for less with --permission",
			    what, buf_str(&missing), g.message[0] ? ": " : "",
			    g.message);
		goto out;
	}
	t = json_string_value(json_object_get(r.json, "token"));
	exp = json_string_value(json_object_get(r.json, "expires_at"));
	if (t == NULL || ghapi_token_check(t, "token", err) == -1 ||
	    exp == NULL || strlen(exp) >= sizeof(tok->expires_at) ||
	    ghapi_time_parse(exp, &when) == -1) {
		dkerr_set(err, DKERR_NETWORK, "%s: malformed answer from GitHub "
		    "(no usable token or expires_at)", what);
		goto out;
	}
	if ((tok->token = strdup(t)) == NULL) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	memcpy(tok->expires_at, exp, strlen(exp) + 1);
	granted = json_object_get(r.json, "permissions");
	tok->permissions = json_is_object(granted) ? json_deep_copy(granted) :
	    json_object();
	if (tok->permissions == NULL) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	ret = 0;
out:
	ghapp_json_wipe(r.json);
	ghapi_reply_free(&r);
	buf_free(&url);
	buf_free(&missing);
	free(body);
	if (ret == -1)
		ghapp_token_free(tok);
	return ret;
}

void
ghapp_token_free(struct ghapp_token *tok)
{
	if (tok->token) {
		OPENSSL_cleanse(tok->token, strlen(tok->token));
		free(tok->token);
	}
	json_decref(tok->permissions);
	json_decref(tok->installation);
	memset(tok, 0, sizeof(*tok));
}
