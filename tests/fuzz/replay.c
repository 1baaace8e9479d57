/*
 * replay: run a fuzz target's LLVMFuzzerTestOneInput() on files, without
 * libFuzzer, so that the normal compiler (and SANITIZE=1) builds it into
 * the test suite.
 *
 *   fuzz-NAME FILE|DIR...
 *
 * A directory stands for its files (not its dot files), in name order.
 * Each input is handed over in a buffer of exactly its size, so the
 * sanitizers see a read past its end.  The name of each input goes to
 * stderr before it runs: a crash report follows the file that caused it.
 * Exit 0 when every input ran, 2 for a file that cannot be read; a crash
 * or a broken invariant aborts.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* The target may have no set-up: then this is NULL. */
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

#define REPLAY_MAX	((size_t)16 << 20)

static int
replay_file(const char *path)
{
	FILE	*f;
	char	*data;
	long	 size;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (size = ftell(f)) < 0 ||
	    (size_t)size > REPLAY_MAX || fseek(f, 0, SEEK_SET) == -1) {
		fprintf(stderr, "replay: %s: cannot size it\n", path);
		fclose(f);
		return -1;
	}
	if ((data = malloc(size ? (size_t)size : 1)) == NULL) {
		fprintf(stderr, "replay: out of memory\n");
		fclose(f);
		return -1;
	}
	n = fread(data, 1, (size_t)size, f);
	if (n != (size_t)size || ferror(f)) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput((const uint8_t *)data, n);
	free(data);
	return 0;
}

static int
no_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every file of a directory: the number that ran, or -1. */
static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent	**ents;
	char		 path[4096];
	int		 n, i, rc = 0, len;

	if ((n = scandir(dir, &ents, no_dot, alphasort)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(path, sizeof(path), "%s/%s", dir,
		    ents[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: path too long\n", dir,
			    ents[i]->d_name);
			rc = -1;
		} else if (replay_file(path) == -1)
			rc = -1;
		else
			(*count)++;
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat	 st;
	size_t		 count = 0;
	int		 i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file|dir ...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) == -1)
				rc = 2;
		} else if (replay_file(argv[i]) == -1)
			rc = 2;
		else
			count++;
	}
	fprintf(stderr, "replay: %zu inputs ran\n", count);
	return rc;
}
