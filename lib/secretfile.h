/*
 * secretfile: read a small file that holds a secret (a token), whole.
 *
 * Regular files only, opened O_NONBLOCK so that a FIFO cannot hang the
 * caller before fstat() refuses it; a hard size cap; the read buffer wiped,
 * and the output wiped on failure.  Messages name the file, never what it
 * holds.  Trimming and checking the contents is the caller's.
 */
#ifndef DK_SECRETFILE_H
#define DK_SECRETFILE_H

#include <stddef.h>

#include "buf.h"
#include "dkerr.h"

enum {
	SECRETFILE_NOFOLLOW = 1 << 0	/* refuse a symbolic link (not for
					 * Kubernetes' projected tokens,
					 * which are links) */
};

/*
 * Read path into out (emptied first), at most max bytes.  what names the
 * file in messages ("token file", "AWS_WEB_IDENTITY_TOKEN_FILE").
 * Returns 0, or -1 with err DKERR_INPUT "what path: why" and out wiped.
 */
int	secretfile_read(const char *path, const char *what, unsigned flags,
	    size_t max, struct buf *out, struct dkerr *err);

#endif
