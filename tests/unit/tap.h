/*
 * tap.h: the Test Anything Protocol for lib/ unit tests, header-only.
 * Each test binary prints "ok N - what" / "not ok N - what" lines, then the
 * plan "1..N", and exits 1 if anything failed.  tests/run counts the lines.
 */
#ifndef DK_TAP_H
#define DK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/* Every helper is marked unused: a test file need not call them all. */

__attribute__((format(printf, 2, 3), unused))
static int
tap_ok(int cond, const char *fmt, ...)
{
	va_list	 ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((format(printf, 1, 2), unused))
static void
tap_skip(const char *fmt, ...)
{
	va_list	 ap;

	printf("ok %d # SKIP ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A comment line (diagnostics for a failure). */
__attribute__((format(printf, 1, 2), unused))
static void
tap_diag(const char *fmt, ...)
{
	va_list	 ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define tap_is_str(got, want, ...) \
	(tap_ok(strcmp((got), (want)) == 0, __VA_ARGS__) ? 1 : \
	 (tap_diag("got:  '%s'", (got)), tap_diag("want: '%s'", (want)), 0))

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
