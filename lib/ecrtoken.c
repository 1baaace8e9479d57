#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "awshost.h"
#include "ecrtoken.h"
#include "sigv4.h"

/* The largest authorizationToken accepted: real ones are a few KiB. */
#define ECRTOKEN_B64MAX		((size_t)64 << 10)
/* 9999-12-31T23:59:59Z: the last second RFC 3339 can write. */
#define ECRTOKEN_TIME_MAX	253402300799.0

static int
ecrtoken_hostchar(int c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == ':' ||
	    c == '[' || c == ']';
}

int
ecrtoken_server_host(const char *addr, char *host, size_t hostsz)
{
	const char	*p, *e, *s;
	struct ecrtoken_registry r;
	size_t		 n, i;

	for (p = addr; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
		;
	/* A scheme, when the text before "://" is one. */
	if ((s = strstr(p, "://")) != NULL) {
		for (e = p; e < s && (isalnum((unsigned char)*e) || *e == '+' ||
		    *e == '-' || *e == '.'); e++)
			;
		if (e == s && s > p)
			p = s + 3;
	}
	n = strcspn(p, "/?# \t\r\n");
	/* A path, query or fragment may follow the host; white space only
	 * at the end. */
	for (e = p + n; *e == ' ' || *e == '\t' || *e == '\r' || *e == '\n'; e++)
		;
	if (n == 0 || n >= hostsz || (e > p + n && *e != '\0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (!ecrtoken_hostchar(p[i]))
			return -1;
		host[i] = (char)tolower((unsigned char)p[i]);
	}
	host[n] = '\0';
	/* A fully qualified name ("HOST.") is the same host. */
	if (n > 1 && host[n - 1] == '.')
		host[--n] = '\0';
	/* ECR hosts are HTTPS on 443: "HOST:443" names the same registry. */
	if (n > 4 && strcmp(host + n - 4, ":443") == 0) {
		host[n - 4] = '\0';
		if (ecrtoken_parse_registry(host, &r) == -1)
			host[n - 4] = ':';
	}
	return 0;
}

int
ecrtoken_account_valid(const char *s)
{
	size_t	 i;

	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[12] == '\0';
}

int
ecrtoken_parse_registry(const char *host, struct ecrtoken_registry *r)
{
	struct ecrtoken_registry out;
	size_t		 n;

	memset(&out, 0, sizeof(out));
	if ((n = strlen(host)) >= sizeof(out.host))
		return -1;
	memcpy(out.host, host, n + 1);
	if (strcmp(host, ECRTOKEN_PUBLIC_HOST) == 0) {
		out.public = 1;
		memcpy(out.region, ECRTOKEN_PUBLIC_REGION,
		    sizeof(ECRTOKEN_PUBLIC_REGION));
	} else if (awshost_parse_registry(host, out.account, out.region,
	    sizeof(out.region), &out.fips) == 0)
		out.dualstack = n > 7 && strcmp(host + n - 7, ".on.aws") == 0;
	else
		return -1;
	*r = out;
	return 0;
}

/* Whether a string holds no control character (it ends up in lines). */
static int
ecrtoken_clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

void
ecrtoken_free(struct ecrtoken *t)
{
	if (t->password) {
		OPENSSL_cleanse(t->password, strlen(t->password));
		free(t->password);
	}
	free(t->username);
	memset(t, 0, sizeof(*t));
}

int
ecrtoken_decode(const char *b64, struct ecrtoken *t, struct dkerr *err)
{
	unsigned char	*raw;
	char		*user = NULL, *pass = NULL, *colon;
	size_t		 len = strlen(b64), pad = 0;
	int		 n, ret = -1;

	if (len == 0 || len % 4 != 0 || len > ECRTOKEN_B64MAX)
		return dkerr_set(err, DKERR_NETWORK, "the authorization token "
		    "is not base64");
	if ((raw = malloc(len / 4 * 3 + 1)) == NULL)
		return dkerr_set(err, DKERR_NETWORK, "out of memory");
	/* EVP_DecodeBlock counts the bytes padding stands for: take them off. */
	if ((n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len)) < 0) {
		dkerr_set(err, DKERR_NETWORK, "the authorization token is not "
		    "base64");
		goto out;
	}
	while (pad < 2 && b64[len - 1 - pad] == '=')
		pad++;
	n -= (int)pad;
	raw[n] = '\0';
	if (memchr(raw, '\0', (size_t)n) != NULL ||
	    !ecrtoken_clean((char *)raw)) {
		dkerr_set(err, DKERR_NETWORK, "the authorization token holds a "
		    "control character");
		goto out;
	}
	if ((colon = strchr((char *)raw, ':')) == NULL ||
	    colon == (char *)raw || colon[1] == '\0') {
		dkerr_set(err, DKERR_NETWORK, "the authorization token is not "
		    "\"user:password\"");
		goto out;
	}
	if ((user = strndup((char *)raw, (size_t)(colon - (char *)raw))) == NULL ||
	    (pass = strdup(colon + 1)) == NULL) {
		free(user);
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	if (t->password) {
		OPENSSL_cleanse(t->password, strlen(t->password));
		free(t->password);
	}
	free(t->username);
	t->username = user;
	t->password = pass;
	ret = 0;
out:
	OPENSSL_cleanse(raw, len / 4 * 3 + 1);
	free(raw);
	return ret;
}

/* Epoch seconds from a JSON number, a fraction cut off: 0, or -1. */
static int
ecrtoken_epoch(const json_t *j, time_t *out)
{
	double	 d;

	if (!json_is_number(j))
		return -1;
	d = json_number_value(j);
	if (!(d >= 0 && d <= ECRTOKEN_TIME_MAX))
		return -1;
	*out = (time_t)d;
	return 0;
}

int
ecrtoken_from_reply(const json_t *reply, int public, time_t now,
    struct ecrtoken *t, struct dkerr *err)
{
	const json_t	*ad, *tok, *pe;

	ad = json_object_get(reply, "authorizationData");
	if (!public) {
		if (!json_is_array(ad) || json_array_size(ad) == 0)
			return dkerr_set(err, DKERR_NETWORK, "GetAuthorizationToken: "
			    "no authorizationData in the answer");
		ad = json_array_get(ad, 0);
	}
	if (!json_is_object(ad))
		return dkerr_set(err, DKERR_NETWORK, "GetAuthorizationToken: "
		    "authorizationData is not an object");
	tok = json_object_get(ad, "authorizationToken");
	if (!json_is_string(tok))
		return dkerr_set(err, DKERR_NETWORK, "GetAuthorizationToken: "
		    "no authorizationToken in the answer");
	if (ecrtoken_epoch(json_object_get(ad, "expiresAt"), &t->expires_at) == -1)
		return dkerr_set(err, DKERR_NETWORK, "GetAuthorizationToken: "
		    "expiresAt is missing or not a time");
	if (ecrtoken_decode(json_string_value(tok), t, err) == -1)
		return dkerr_prefix(err, "GetAuthorizationToken");
	t->fetched_at = now;
	t->registry[0] = '\0';
	if (public)
		memcpy(t->registry, ECRTOKEN_PUBLIC_HOST,
		    sizeof(ECRTOKEN_PUBLIC_HOST));
	else if (json_is_string(pe = json_object_get(ad, "proxyEndpoint")) &&
	    ecrtoken_server_host(json_string_value(pe), t->registry,
	    sizeof(t->registry)) == -1)
		t->registry[0] = '\0';
	return 0;
}

int
ecrtoken_format_time(time_t t, char out[ECRTOKEN_TIMESZ])
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year > 9999 - 1900 ||
	    strftime(out, ECRTOKEN_TIMESZ, "%Y-%m-%dT%H:%M:%SZ", &tm) !=
	    ECRTOKEN_TIMESZ - 1)
		return -1;
	return 0;
}

int
ecrtoken_cache_dir(const char *xdg, const char *home, struct buf *out)
{
	/* XDG: a relative XDG_CACHE_HOME is invalid and ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return buf_addf(out, "%s/deploykit", xdg);
	if (home != NULL && home[0] == '/')
		return buf_addf(out, "%s/.cache/deploykit",
		    strcmp(home, "/") == 0 ? "" : home);
	errno = ENOENT;
	return -1;
}

int
ecrtoken_cache_name(const char *region, const char *account, int public,
    const char *access_key_id, char *out, size_t outsz)
{
	char	 hash[65];
	int	 n;

	sigv4_sha256_hex(access_key_id, strlen(access_key_id), hash);
	hash[16] = '\0';
	if (public)
		n = snprintf(out, outsz, "ecr-public-%s.json", hash);
	else {
		if (account == NULL || account[0] == '\0')
			account = "default";
		else if (!ecrtoken_account_valid(account))
			return -1;
		if (region == NULL || !awshost_region_valid(region) ||
		    strlen(region) >= 32)
			return -1;
		n = snprintf(out, outsz, "ecr-%s-%s-%s.json", region, account,
		    hash);
	}
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
ecrtoken_cache_name_valid(const char *name)
{
	size_t	 n = strlen(name), i;

	if (n < 10 || n >= ECRTOKEN_NAMEMAX || strncmp(name, "ecr-", 4) != 0 ||
	    strcmp(name + n - 5, ".json") != 0)
		return 0;
	for (i = 0; i < n - 5; i++)
		if (!islower((unsigned char)name[i]) &&
		    !isdigit((unsigned char)name[i]) && name[i] != '-')
			return 0;
	return 1;
}

int
ecrtoken_cache_encode(const struct ecrtoken *t, struct buf *out)
{
	json_t	*j;
	char	*s;
	int	 ret;

	j = json_pack("{s:s, s:s, s:s, s:I, s:I}", "registry", t->registry,
	    "username", t->username, "password", t->password,
	    "expires_at", (json_int_t)t->expires_at,
	    "fetched_at", (json_int_t)t->fetched_at);
	if (j == NULL)
		return -1;
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		return -1;
	ret = buf_addstr(out, s) == -1 || buf_addc(out, '\n') == -1 ? -1 : 0;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
	return ret;
}

int
ecrtoken_cache_decode(const char *data, size_t len, struct ecrtoken *t,
    struct dkerr *err)
{
	json_t		*j;
	const char	*reg, *user, *pass;
	json_int_t	 exp, fetched;
	char		 host[ECRTOKEN_HOSTMAX];
	int		 ret = -1;

	if ((j = json_loadb(data, len, 0, NULL)) == NULL)
		return dkerr_set(err, DKERR_INPUT, "not JSON");
	if (json_unpack(j, "{s:s, s:s, s:s, s:I, s:I}", "registry", &reg,
	    "username", &user, "password", &pass, "expires_at", &exp,
	    "fetched_at", &fetched) != 0) {
		dkerr_set(err, DKERR_INPUT, "not a token record");
		goto out;
	}
	if (ecrtoken_server_host(reg, host, sizeof(host)) == -1 ||
	    strcmp(host, reg) != 0 || !*user || !*pass ||
	    !ecrtoken_clean(user) || !ecrtoken_clean(pass) || fetched < 0 ||
	    exp <= fetched || (double)exp > ECRTOKEN_TIME_MAX) {
		dkerr_set(err, DKERR_INPUT, "a field is out of range");
		goto out;
	}
	memcpy(t->registry, host, strlen(host) + 1);
	if ((t->username = strdup(user)) == NULL ||
	    (t->password = strdup(pass)) == NULL) {
		ecrtoken_free(t);
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		goto out;
	}
	t->expires_at = (time_t)exp;
	t->fetched_at = (time_t)fetched;
	ret = 0;
out:
	json_decref(j);
	return ret;
}

int
ecrtoken_fresh(const struct ecrtoken *t, time_t now)
{
	return now >= t->fetched_at &&
	    now - t->fetched_at < (t->expires_at - t->fetched_at) / 2 &&
	    ecrtoken_usable(t, now);
}

int
ecrtoken_usable(const struct ecrtoken *t, time_t now)
{
	return now < t->expires_at - ECRTOKEN_MARGIN;
}
