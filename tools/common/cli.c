#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *progname = "deploykit";

/* Async-signal-safe: one write(2) of the line, then the signal again. */
static void
cli_on_signal(int sig)
{
	static const char int_msg[] = ": interrupted (SIGINT)\n";
	static const char term_msg[] = ": interrupted (SIGTERM)\n";
	const char	*m = sig == SIGINT ? int_msg : term_msg;
	char		 line[128];
	size_t		 n, k;

	n = strlen(progname);
	if (n > sizeof(line) - sizeof(term_msg))
		n = sizeof(line) - sizeof(term_msg);
	memcpy(line, progname, n);
	k = strlen(m);
	memcpy(line + n, m, k);
	if (write(STDERR_FILENO, line, n + k) == -1) {
		/* Nowhere to say it: the signal still ends us. */
	}
	/* SA_RESETHAND put the default action back; the signal is blocked
	 * until we return, then it ends the process. */
	raise(sig);
}

void
cli_init(const char *name)
{
	static const int	 sigs[] = { SIGINT, SIGTERM };
	struct sigaction	 sa, old;
	size_t			 i;

	progname = name;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cli_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

void
cli_hold_signals(int hold)
{
	sigset_t	 set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void
cli_die_signal(int sig)
{
	sigset_t	 set;

	fflush(NULL);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	exit(128 + sig);
}

const char *
cli_name(void)
{
	return progname;
}

static void __attribute__((format(printf, 1, 0)))
cli_vwarn(const char *fmt, va_list ap)
{
	char	 line[1024];
	char	*p;

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One problem, one line, whatever the message was built from. */
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	fprintf(stderr, "%s: %s\n", progname, line);
}

void
cli_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
}

void
cli_die(int code, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

void
cli_die_err(const struct dkerr *err)
{
	cli_die(dkerr_exit(err->kind), "%s",
	    err->msg[0] ? err->msg : "failed for an unknown reason");
}

void
cli_usage(const char *text, int status)
{
	fputs(text, status ? stderr : stdout);
	exit(status ? DK_EXIT_USAGE : cli_finish(DK_EXIT_OK));
}

/*
 * How much of a word on the command line may be echoed as an option's
 * name: its part before '=', if that is "--" or "-" and letters, digits and
 * '-' (64 at most); otherwise 0, and nothing of it is shown.  A PEM key or
 * a token pasted where an option was expected ("-----BEGIN ...=") must not
 * reach stderr.
 */
static int
cli_option_name(const char *a)
{
	size_t	 n = strcspn(a, "="), i;

	if (n < 2 || n > 64 || a[0] != '-' || strncmp(a, "-----", 5) == 0)
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)a[i]) && a[i] != '-')
			return 0;
	return (int)n;
}

void
cli_bad_option(char **argv, const char *usage)
{
	const char	*a = argv[optind - 1];
	int		 n = cli_option_name(a);

	if (optopt && optopt < 256 && a[0] == '-' && a[1] != '-')
		cli_warn("-%c: unknown option or missing argument", optopt);
	else if (n > 0)
		cli_warn("%.*s: unknown option or missing argument", n, a);
	else
		cli_warn("unknown option or missing argument (not shown: it "
		    "does not look like an option name, and may be a secret)");
	cli_usage(usage, 1);
}

const char *
cli_secret_file_option(char **argv, const char *name, const char *hint)
{
	const char	*a = argv[optind - 1], *opt;
	size_t		 n = strlen(name);

	if ((strncmp(a, name, n) == 0 && a[n] == '=') ||
	    (optind >= 2 && strcmp(argv[optind - 2], name) == 0))
		return optarg;
	/* "--tok=VALUE" is one word; "--tok VALUE" two. */
	opt = strncmp(a, "--", 2) == 0 && strchr(a, '=') ? a : argv[optind - 2];
	if (cli_option_name(opt) <= 0)
		cli_die(DK_EXIT_USAGE, "unknown option (a secret is never taken "
		    "from the command line: %s)", hint);
	cli_die(DK_EXIT_USAGE, "%.*s: unknown option (a secret is never taken "
	    "from the command line: %s)", cli_option_name(opt), opt, hint);
}

void
cli_version(void)
{
	printf("%s (deploykit) %s\n", progname, DK_VERSION);
	exit(cli_finish(0));
}

int
cli_parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long	 v;
	char		*end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
cli_parse_duration(const char *s, unsigned long max, unsigned long *out)
{
	char		 num[32];
	size_t		 n;
	unsigned long	 v, mult = 1;

	if (s == NULL || (n = strlen(s)) == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's':
		num[--n] = '\0';
		break;
	case 'm':
		mult = 60;
		num[--n] = '\0';
		break;
	case 'h':
		mult = 3600;
		num[--n] = '\0';
		break;
	}
	if (cli_parse_ulong(num, 0, max, &v) == -1 || v > max / mult)
		return -1;
	*out = v * mult;
	return 0;
}

void
cli_trace(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", progname, line);
}

int
cli_finish(int status)
{
	int	 bad;

	bad = fflush(stdout) == EOF || ferror(stdout);
	if (fclose(stdout) == EOF)
		bad = 1;
	if (bad) {
		cli_warn("stdout: %s", strerror(errno ? errno : EIO));
		return status ? status : DK_EXIT_NOANSWER;
	}
	return status;
}

void
cli_add_mask(FILE *f, const char *value)
{
	const char	*p;

	fputs("::add-mask::", f);
	for (p = value; *p; p++) {
		if (*p == '%')
			fputs("%25", f);
		else if (*p == '\r')
			fputs("%0D", f);
		else if (*p == '\n')
			fputs("%0A", f);
		else
			putc(*p, f);
	}
	putc('\n', f);
	fflush(f);
}

void
cli_mask_printed(const char *value, int bare)
{
	const char	*v = getenv("GITHUB_ACTIONS");
	struct stat	 st;
	FILE		*f = stderr;

	if (v == NULL || strcmp(v, "true") != 0)
		return;
	if (!bare && !(fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode)))
		f = stdout;
	cli_add_mask(f, value);
}
