/*
 * dkerr: the structured error every lib/ function fills instead of printing,
 * and the exit codes of ../shared/design.md that each kind of error maps to.
 *
 * lib/ never prints and never exits: it sets a struct dkerr and returns -1.
 * A tool's main() decides what to say (dkerr.msg, one line, no prefix) and
 * exits with dkerr_exit(kind).  Messages must never contain secrets.
 */
#ifndef DK_DKERR_H
#define DK_DKERR_H

#include <stdarg.h>

/* Exit statuses shared by every tool (design.md, "Exit status"). */
enum {
	DK_EXIT_OK = 0,		/* success */
	DK_EXIT_REMOTE = 1,	/* the remote side said no, or the awaited thing failed */
	DK_EXIT_USAGE = 2,	/* usage error or invalid input; nothing was sent */
	DK_EXIT_NOANSWER = 3,	/* no usable answer: network, TLS, 5xx after retries */
	DK_EXIT_TIMEOUT = 124,	/* a --timeout ran out */
	DK_EXIT_SIGINT = 130,
	DK_EXIT_SIGTERM = 143
};

enum dkerr_kind {
	DKERR_NONE = 0,
	DKERR_INPUT,		/* bad argument, file, environment or config: exit 2 */
	DKERR_REMOTE,		/* the server answered no: exit 1 */
	DKERR_NETWORK,		/* no usable answer, or a local I/O failure: exit 3 */
	DKERR_TIMEOUT		/* a deadline passed: exit 124 */
};

#define DKERR_MSGMAX	512

struct dkerr {
	enum dkerr_kind	kind;
	char		msg[DKERR_MSGMAX];	/* one line, NUL-terminated */
};

/* Set kind and message (truncated to fit, newlines replaced). Returns -1 so
 * that callers can write: return dkerr_set(err, DKERR_INPUT, "...");
 * err may be NULL. */
int	dkerr_set(struct dkerr *, enum dkerr_kind, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Put "context: " in front of the current message.  Returns -1. */
int	dkerr_prefix(struct dkerr *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Set an error from errno, as "what: strerror(errno)".  Returns -1. */
int	dkerr_errno(struct dkerr *, enum dkerr_kind, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* The exit status for a kind of error. */
int	dkerr_exit(enum dkerr_kind);

#endif
