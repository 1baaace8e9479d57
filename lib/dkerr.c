#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dkerr.h"

/* Keep messages to one printable line whatever bytes they were built from. */
static void
dkerr_flatten(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static void __attribute__((format(printf, 3, 0)))
dkerr_vset(struct dkerr *err, enum dkerr_kind kind, const char *fmt,
    va_list ap)
{
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	dkerr_flatten(err->msg);
	err->kind = kind;
}

int
dkerr_set(struct dkerr *err, enum dkerr_kind kind, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	dkerr_vset(err, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int
dkerr_prefix(struct dkerr *err, const char *fmt, ...)
{
	char	 pre[DKERR_MSGMAX], old[DKERR_MSGMAX];
	va_list	 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation keeps the context and loses the tail: acceptable. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", pre, old) < 0)
		memcpy(err->msg, old, sizeof(old));
	dkerr_flatten(err->msg);
	return -1;
}

int
dkerr_errno(struct dkerr *err, enum dkerr_kind kind, const char *fmt, ...)
{
	char	 what[DKERR_MSGMAX];
	int	 saved = errno;
	va_list	 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return dkerr_set(err, kind, "%s: %s", what, strerror(saved));
}

int
dkerr_exit(enum dkerr_kind kind)
{
	switch (kind) {
	case DKERR_NONE:
		return DK_EXIT_OK;
	case DKERR_INPUT:
		return DK_EXIT_USAGE;
	case DKERR_REMOTE:
		return DK_EXIT_REMOTE;
	case DKERR_TIMEOUT:
		return DK_EXIT_TIMEOUT;
	case DKERR_NETWORK:
		break;
	}
	return DK_EXIT_NOANSWER;
}
