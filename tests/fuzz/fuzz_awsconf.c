/*
 * fuzz_awsconf: awsconf_load() on the shared config and credentials files.
 *
 * Input: the config file, then optionally a form feed (0x0c, a byte the
 * reader refuses anyway) and the credentials file.  A first line
 * "#profile=NAME" also sets AWS_PROFILE=NAME (the line stays: it is a
 * comment).  The files are memfds reached through /proc/self/fd/N:
 * regular files that never touch the disk.  After a load the profile's
 * settings are looked up and every service's endpoint is resolved.
 *
 * Checks: values hold no control byte but newlines and tabs (the reader's
 * MARK never leaks) and no comment; and, since inih reads lines through a
 * 200-byte buffer that awsconf feeds long lines to in pieces, the same
 * files with blanks added at the end of their lines (so that short lines
 * become long ones, cut elsewhere) load to the same result: the same
 * values, or the same error at the same line.
 */
#define _GNU_SOURCE	/* memfd_create() */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsconf.h"
#include "awshost.h"
#include "buf.h"
#include "dkerr.h"
#include "fuzz.h"

extern char **environ;

static int	 conf_fd = -1, cred_fd = -1;

static const struct awshost_service *const services[] = {
	&awshost_ssm, &awshost_ecr, &awshost_ecr_public, &awshost_sts,
};

static const char *const profiles[] = { NULL, "default", "dev", "prod" };

static const char *const keys[] = {
	"region", "aws_access_key_id", "aws_secret_access_key",
	"aws_session_token", "credential_process", "role_arn",
	"source_profile", "credential_source", "web_identity_token_file",
	"sso_session", "sso_start_url", "services", "endpoint_url",
	"ssm.endpoint_url", "max_attempts", "duration_seconds", "extra",
};

#define NPROFILES	(sizeof(profiles) / sizeof(profiles[0]))
#define NKEYS		(sizeof(keys) / sizeof(keys[0]))
#define NSERVICES	(sizeof(services) / sizeof(services[0]))

/* What a load came to, to compare two loads by. */
struct outcome {
	int	 rc;
	char	 msg[DKERR_MSGMAX];
	char	*value[NPROFILES][NKEYS];
	char	*endpoint[NSERVICES];
	char	*region;
	int	 use_fips, use_dualstack, max_attempts, ignore;
};

static int
memfd(const char *name, const char *var)
{
	char	 path[64];
	int	 fd;

	if ((fd = memfd_create(name, 0)) == -1) {
		perror("fuzz_awsconf: memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (setenv(var, path, 1) == -1)
		abort();
	return fd;
}

/* A clean AWS environment: nothing from the machine leaks in. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 name[256], **ep;
	size_t	 n;
	int	 again = 1;

	(void)argc;
	(void)argv;
	while (again) {
		again = 0;
		for (ep = environ; ep && *ep; ep++) {
			if (strncmp(*ep, "AWS_", 4) != 0)
				continue;
			n = strcspn(*ep, "=");
			if (n >= sizeof(name))
				continue;
			memcpy(name, *ep, n);
			name[n] = '\0';
			unsetenv(name);
			again = 1;
			break;
		}
	}
	setenv("HOME", "/nonexistent", 1);
	conf_fd = memfd("aws-config", "AWS_CONFIG_FILE");
	cred_fd = memfd("aws-credentials", "AWS_SHARED_CREDENTIALS_FILE");
	return 0;
}

static void
put(int fd, const char *p, size_t n)
{
	if (ftruncate(fd, 0) == -1 ||
	    (n > 0 && pwrite(fd, p, n, 0) != (ssize_t)n))
		abort();
}

static char *
dup_or_null(const char *s)
{
	return s ? fuzz_strndup(s, strlen(s)) : NULL;
}

static void
check_value(const char *v)
{
	const char	*p;

	for (p = v; *p; p++) {
		FUZZ_ASSERT((unsigned char)*p >= 0x20 || *p == '\n' ||
		    *p == '\t');
		FUZZ_ASSERT(*p != ';' || p == v ||
		    (p[-1] != ' ' && p[-1] != '\t'));
	}
}

/* Load the two files as they are in the memfds into *o. */
static void
load(struct outcome *o)
{
	struct awsconf	 conf;
	struct dkerr	 err;
	size_t		 i, j;

	memset(o, 0, sizeof(*o));
	memset(&err, 0, sizeof(err));
	if ((o->rc = awsconf_load(&conf, &err)) == -1) {
		FUZZ_ASSERT(err.kind != DKERR_NONE && err.msg[0] != '\0');
		FUZZ_ASSERT(strchr(err.msg, '\n') == NULL);
		memcpy(o->msg, err.msg, sizeof(o->msg));
		awsconf_free(&conf);
		return;
	}
	FUZZ_ASSERT(conf.profile != NULL);
	FUZZ_ASSERT(conf.max_attempts >= 1 && conf.max_attempts <= 20);
	FUZZ_ASSERT(conf.region == NULL || awshost_region_valid(conf.region));
	o->region = dup_or_null(conf.region);
	o->use_fips = conf.use_fips;
	o->use_dualstack = conf.use_dualstack;
	o->max_attempts = conf.max_attempts;
	o->ignore = conf.ignore_endpoint_urls;
	for (i = 0; i < NPROFILES; i++) {
		(void)awsconf_has_profile(&conf, profiles[i]);
		for (j = 0; j < NKEYS; j++) {
			o->value[i][j] = dup_or_null(awsconf_get(&conf,
			    profiles[i], keys[j]));
			if (o->value[i][j])
				check_value(o->value[i][j]);
		}
	}
	(void)awsconf_lookup(&conf, AWSCONF_SSO_SESSION, "sso",
	    "sso_start_url");
	(void)awsconf_lookup(&conf, AWSCONF_SERVICES, "local",
	    "ssm.endpoint_url");
	for (i = 0; i < NSERVICES; i++) {
		memset(&err, 0, sizeof(err));
		if ((o->endpoint[i] = awsconf_endpoint(&conf, services[i],
		    &err)) != NULL)
			FUZZ_ASSERT(awsconf_url_valid(o->endpoint[i]));
		else
			FUZZ_ASSERT(err.kind != DKERR_NONE);
	}
	awsconf_free(&conf);
}

static void
outcome_free(struct outcome *o)
{
	size_t	 i, j;

	for (i = 0; i < NPROFILES; i++)
		for (j = 0; j < NKEYS; j++)
			free(o->value[i][j]);
	for (i = 0; i < NSERVICES; i++)
		free(o->endpoint[i]);
	free(o->region);
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void
compare(const struct outcome *a, const struct outcome *b)
{
	size_t	 i, j;

	if (a->rc != b->rc || strcmp(a->msg, b->msg) != 0)
		fprintf(stderr, "as given: %d %s\nwith blanks: %d %s\n",
		    a->rc, a->msg, b->rc, b->msg);
	FUZZ_ASSERT(a->rc == b->rc);
	FUZZ_ASSERT(strcmp(a->msg, b->msg) == 0);
	FUZZ_ASSERT(same_str(a->region, b->region));
	FUZZ_ASSERT(a->use_fips == b->use_fips &&
	    a->use_dualstack == b->use_dualstack &&
	    a->max_attempts == b->max_attempts && a->ignore == b->ignore);
	for (i = 0; i < NPROFILES; i++)
		for (j = 0; j < NKEYS; j++)
			FUZZ_ASSERT(same_str(a->value[i][j], b->value[i][j]));
	for (i = 0; i < NSERVICES; i++)
		FUZZ_ASSERT(same_str(a->endpoint[i], b->endpoint[i]));
}

/*
 * The file with pad blanks added at the end of each line (before a CR
 * that ends it), except section headers (a BOM before one too), which
 * must fit inih's buffer whole, and lines whose '=' or ':' comes too late
 * to stay in the first piece of a cut line (key names of 150 bytes and
 * more).
 */
static void
padded(const char *p, size_t n, size_t pad, struct buf *out)
{
	const char	*start = p, *end = p + n, *eol, *t, *sep;
	size_t		 len, cr, i;

	while (p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		len = (size_t)(eol - p);
		cr = len > 0 && p[len - 1] == '\r';
		t = p;
		if (p == start && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			t += 3;
		for (; t < eol && (*t == ' ' || *t == '\t'); t++)
			;
		sep = p;
		while (sep < eol && *sep != '=' && *sep != ':')
			sep++;
		if (buf_add(out, p, len - cr) == -1)
			abort();
		if ((t == eol || *t != '[') && (sep == eol || sep - p < 150))
			for (i = 0; i < pad; i++)
				if (buf_addc(out, ' ') == -1)
					abort();
		if (buf_add(out, p + len - cr, cr + (eol < end)) == -1)
			abort();
		p = eol + (eol < end);
	}
}

static void
put_files(const char *in, size_t size, size_t pad)
{
	struct buf	 a = BUF_INIT(0), b = BUF_INIT(0);
	const char	*ff;

	if ((ff = memchr(in, '\f', size)) != NULL) {
		padded(in, (size_t)(ff - in), pad, &a);
		padded(ff + 1, size - (size_t)(ff + 1 - in), pad, &b);
	} else
		padded(in, size, pad, &a);
	put(conf_fd, a.data, a.len);
	put(cred_fd, b.data, b.len);
	buf_free(&a);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome	 plain, wide;
	const char	*in = (const char *)data, *nl;
	char		*profile = NULL;

	unsetenv("AWS_PROFILE");
	if (size > 9 && memcmp(in, "#profile=", 9) == 0) {
		nl = memchr(in, '\n', size);
		profile = fuzz_strndup(in + 9, (nl ? (size_t)(nl - in) : size) -
		    9);
		if (profile[0] != '\0')
			setenv("AWS_PROFILE", profile, 1);
	}
	put_files(in, size, 0);
	load(&plain);
	put_files(in, size, 180 + size % 240);
	load(&wide);
	compare(&plain, &wide);
	outcome_free(&plain);
	outcome_free(&wide);
	free(profile);
	return 0;
}
