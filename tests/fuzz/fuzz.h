/*
 * fuzz.h: what the fuzz targets share.
 *
 * Each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput() (and, when
 * it needs a set-up, LLVMFuzzerInitialize()) around public lib/ functions.
 * `make fuzz` links it with libFuzzer (clang -fsanitize=fuzzer); the test
 * suite links it with replay.c, which feeds it the seeds and reproducers.
 * A target returns 0 whatever the input; a broken invariant aborts, which
 * both drivers report as a crash.
 */
#ifndef DK_FUZZ_H
#define DK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* Abort with the condition's text: libFuzzer keeps the input that did it. */
#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

/* A copy of n bytes with a NUL after them; never NULL (aborts instead). */
static inline char *
fuzz_strndup(const void *p, size_t n)
{
	char	*s;

	if ((s = malloc(n + 1)) == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* A copy of exactly n bytes, no NUL: ASan sees any read past the end. */
static inline char *
fuzz_memdup(const void *p, size_t n)
{
	char	*s;

	if ((s = malloc(n ? n : 1)) == NULL)
		abort();
	memcpy(s, p, n);
	return s;
}

/* The first occurrence of needle in p[0..n), or NULL (memmem, in C11). */
static inline const char *
fuzz_find(const char *p, size_t n, const char *needle)
{
	size_t	 m = strlen(needle), i;

	for (i = 0; m > 0 && i + m <= n; i++)
		if (memcmp(p + i, needle, m) == 0)
			return p + i;
	return NULL;
}

/*
 * The next line of a NUL-terminated string cut in place: returns it (its
 * '\n' replaced by NUL) and moves *rest past it; NULL once *rest is NULL.
 */
static inline char *
fuzz_line(char **rest)
{
	char	*line = *rest, *nl;

	if (line == NULL)
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*rest = nl + 1;
	} else
		*rest = NULL;
	return line;
}

/*
 * An HTTP answer from "Name: value" header lines (lines without ':' are
 * skipped), an empty line, and the body; without an empty line all of it
 * is the body.  The body is allocated with exactly its length and the NUL
 * a struct buf promises.  Free with http_response_free().
 */
static inline void
fuzz_response(const char *in, size_t size, long status,
    struct http_response *r)
{
	const char	*p = in, *end, *eol, *colon, *v, *body = in;
	size_t		 max = 32;

	memset(r, 0, sizeof(*r));
	r->status = status;
	if ((end = fuzz_find(in, size, "\n\n")) != NULL) {
		if ((r->headers = calloc(max, sizeof(*r->headers))) == NULL)
			abort();
		for (; p < end && r->nheaders < max; p = eol + 1) {
			if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
				eol = end;
			if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL)
				continue;
			for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t');
			    v++)
				;
			r->headers[r->nheaders].name = fuzz_strndup(p,
			    (size_t)(colon - p));
			r->headers[r->nheaders++].value = fuzz_strndup(v,
			    (size_t)(eol - v));
		}
		body = end + 2;
	}
	r->body.len = size - (size_t)(body - in);
	r->body.data = fuzz_strndup(body, r->body.len);
	r->body.cap = r->body.len + 1;
}

#endif
