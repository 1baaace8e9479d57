/*
 * buf: a growable byte buffer with a hard size cap.
 *
 * The bytes are always followed by a NUL that is not counted in len, so
 * buf_str() can hand them to string functions.  Every append fails as a whole
 * (nothing added) when the result would pass the cap or memory runs out.
 * A zeroed struct with max set is ready to use: struct buf b = BUF_INIT(1 << 20);
 */
#ifndef DK_BUF_H
#define DK_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* owned; NULL until the first append */
	size_t	 len;	/* bytes in use, without the trailing NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* hard cap on len; 0 means BUF_MAX_DEFAULT */
};

#define BUF_MAX_DEFAULT	((size_t)16 << 20)
#define BUF_INIT(m)	{ NULL, 0, 0, (m) }

/* Each returns 0, or -1 with errno ENOMEM or EOVERFLOW (cap reached). */
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_addstr(struct buf *, const char *);
int	 buf_addc(struct buf *, char);
int	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vaddf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* The contents as a string: "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *);

/* Forget the contents, keep the memory (and cap). */
void	 buf_reset(struct buf *);

/* Release the memory; buf_wipe() clears it first (for secrets). */
void	 buf_free(struct buf *);
void	 buf_wipe(struct buf *);

/* Hand the contents over: the caller frees the result (never NULL on
 * success; NULL only when memory runs out).  The buffer is left empty. */
char	*buf_take(struct buf *);

#endif
