/*
 * cli: what every tool's main() shares, and only main() uses: diagnostics
 * ("tool: message" on stderr, one line each), the bounded number and
 * duration parsers, --version, the trace printer for --verbose, and the
 * check of stdout at exit.  This is the one place that prints and exits;
 * lib/ does neither.
 */
#ifndef DK_CLI_H
#define DK_CLI_H

#include <stdio.h>

#include "dkerr.h"

/*
 * Set the name used in messages (the tool's name, not argv[0]'s path), and
 * catch SIGINT and SIGTERM (unless ignored when we started): one line,
 * "tool: interrupted (SIGINT)", then the tool ends by that signal, which a
 * shell reports as 130 or 143 and which stops a script that ran it.
 */
void	cli_init(const char *);
const char *cli_name(void);

/*
 * Hold SIGINT and SIGTERM over a step that must not be cut halfway (a
 * request that may not be sent twice, until its result is printed) with
 * 1; with 0, one that came meanwhile ends the tool there, as above.
 */
void	cli_hold_signals(int);

/*
 * End by signal sig (its default action), as cli_init()'s handler does;
 * exits 128 + sig should the signal not end the process.
 */
void	cli_die_signal(int) __attribute__((noreturn));

/* "tool: message" to stderr.  cli_die() exits with the code given. */
void	cli_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	cli_die(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* Report a lib/ error and exit with the code its kind maps to. */
void	cli_die_err(const struct dkerr *) __attribute__((noreturn));

/*
 * Print a usage text and exit: status 0 prints it to stdout (--help),
 * anything else to stderr with DK_EXIT_USAGE.
 */
void	cli_usage(const char *, int) __attribute__((noreturn));

/*
 * After getopt_long returned '?': name the option it did not know, never
 * what follows an '=' ("--token=SECRET" must not reach stderr), then the
 * usage, exit 2.
 */
void	cli_bad_option(char **, const char *) __attribute__((noreturn));

/*
 * The argument of an option that names a secret's file (name, e.g.
 * "--token-file"), accepted only when spelled out in full: getopt_long
 * would take an abbreviation ("--token") for it, and its argument, a secret
 * given by mistake, would then be named in a message as a file.  Otherwise
 * exit 2 with hint ("set GH_TOKEN or give --token-file").
 */
const char *cli_secret_file_option(char **, const char *, const char *);

/* Print "tool (deploykit) VERSION" to stdout and exit 0. */
void	cli_version(void) __attribute__((noreturn));

/*
 * Parse a decimal number in [min, max]: 0, or -1 (not a number, trailing
 * junk, out of range).  No sign, no leading space, no base prefixes.
 */
int	cli_parse_ulong(const char *, unsigned long min, unsigned long max,
	    unsigned long *);

/* Parse "90", "90s", "15m", "1h" into seconds, at most max: 0 or -1. */
int	cli_parse_duration(const char *, unsigned long max, unsigned long *);

/* http trace callback: the line to stderr as "tool: line". */
void	cli_trace(void *, const char *);

/*
 * GitHub Actions' "::add-mask::VALUE" line on f (flushed), the value
 * escaped as workflow commands want (%, CR, LF), so that the runner hides
 * it from the log before it appears there.
 */
void	cli_add_mask(FILE *, const char *);

/*
 * In GitHub Actions (GITHUB_ACTIONS=true), mask a secret the tool is about
 * to print: on stdout, ahead of the JSON line that holds it, so that the
 * runner reads the mask first; on stderr when stdout is the bare secret
 * (bare != 0: piped on, as to docker login) or a file, which must stay
 * JSON.  Outside Actions, nothing.
 */
void	cli_mask_printed(const char *, int bare);

/*
 * Flush and close stdout.  Returns status unchanged when that worked, else
 * warns ("stdout: ...") and returns DK_EXIT_NOANSWER so that a result lost to
 * EPIPE or ENOSPC is never a silent success.  Use: return cli_finish(rc);
 */
int	cli_finish(int status);

#endif
