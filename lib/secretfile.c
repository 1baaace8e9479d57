#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "secretfile.h"

int
secretfile_read(const char *path, const char *what, unsigned flags,
    size_t max, struct buf *out, struct dkerr *err)
{
	struct stat	 st;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd, ret = -1;

	buf_wipe(out);
	out->max = max;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    ((flags & SECRETFILE_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd == -1) {
		if (errno == ELOOP && (flags & SECRETFILE_NOFOLLOW))
			return dkerr_set(err, DKERR_INPUT, "%s %s: a symbolic "
			    "link: not followed", what, path);
		return dkerr_errno(err, DKERR_INPUT, "%s %s", what, path);
	}
	if (fstat(fd, &st) == -1) {
		dkerr_errno(err, DKERR_INPUT, "%s %s", what, path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		dkerr_set(err, DKERR_INPUT, "%s %s: not a regular file", what,
		    path);
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			dkerr_errno(err, DKERR_INPUT, "%s %s", what, path);
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(out, chunk, (size_t)n) == -1) {
			dkerr_set(err, DKERR_INPUT, "%s %s: larger than %zu "
			    "bytes", what, path, max);
			goto out;
		}
	}
	ret = 0;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	close(fd);
	if (ret == -1)
		buf_wipe(out);
	return ret;
}
