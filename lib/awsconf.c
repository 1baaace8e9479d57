#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "awsconf.h"
#include "awshost.h"
#include "buf.h"
#include "dkerr.h"

extern char **environ;

enum origin {
	ORIGIN_CONFIG,
	ORIGIN_CREDENTIALS
};

struct awsconf_entry {
	char	*key;		/* lower case; "parent.sub" for sub-properties */
	char	*value;		/* may be a secret: wiped on free */
	int	 line;		/* where it was set, for messages */
	int	 nested;	/* empty value: indented lines are sub-properties */
};

struct awsconf_section {
	enum awsconf_kind	 kind;
	enum origin		 origin;
	char			*name;
	struct awsconf_entry	*ents;
	size_t			 nents;
	size_t			 cap;
};

struct awsconf_envurl {
	char	*id;		/* what follows AWS_ENDPOINT_URL_ */
	char	*url;
};

#define ENVURL_MAX	256
#define MAX_ATTEMPTS_MAX	20
#define VALUE_ECHO	"%.64s"		/* settings quoted in messages are short */

/*
 * Joins the pieces of a line longer than inih's line buffer (200 bytes in
 * Debian's build): the reader hands such a line over as a head ending in
 * MARK and indented continuation lines " MARK piece [MARK]", which inih
 * passes on as continuations of the same key; the handler glues them back.
 * The marks also keep inih from trimming blanks at the cuts.  Files with
 * control bytes are refused, so a MARK never comes from the file.
 */
#define MARK	'\x1f'

/* A long line's pieces: inih's line numbers first..first+count-1. */
struct run {
	int	first;
	int	count;
	int	phys;
};

#define SECTION_NONE	((size_t)-1)	/* keys of a section we do not keep */

/* What inih keeps of a section name (its MAX_SECTION, 50, less the NUL). */
#define INIH_SECTION_KEEP	49

/* State shared by the reader and the handler while inih parses one file. */
struct parse {
	struct awsconf	*conf;
	enum origin	 origin;
	const char	*path;
	struct dkerr	*err;
	int		 failed;
	int		 errline;

	/* Reader: the file, and where in it. */
	const char	*data;
	size_t		 len;
	size_t		 pos;
	int		 phys;		/* physical line being parsed */
	int		 emitted;	/* lines handed to inih (its lineno) */
	const char	*piece;		/* rest of a long line, still to hand over */
	size_t		 piecelen;
	int		 chunking;
	int		 head;		/* inih is at the head piece of a cut
					 * line: a value that starts with MARK
					 * is empty up to the cut, not a
					 * continuation */
	struct run	*runs;
	size_t		 nruns;
	size_t		 runscap;
	int		 indented;	/* the current line starts with a blank */
	unsigned	 secseq;	/* section header lines so far */
	char		 rawsec[512];	/* the last section name, in full */

	/* Handler: inih's prev_name, mirrored. */
	unsigned	 keyseq;	/* secseq when the last key was stored */
	int		 keyvalid;
	char		*secname;	/* section the handler last resolved */
	size_t		 sec;		/* its index, or SECTION_NONE */
	size_t		 lastent;	/* entry of the last key in sec */

	/* A logical line being put together from pieces. */
	struct buf	 pend;
	struct buf	 pendkey;
	int		 pendopen;
	int		 pendcont;
};

static int
nomem(struct dkerr *err)
{
	return dkerr_set(err, DKERR_NETWORK, "out of memory");
}

/* A variable's value; empty counts as unset, as in most SDKs. */
static const char *
envget(const char *name)
{
	const char	*v = getenv(name);

	return v && *v ? v : NULL;
}

static void
wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim blanks (inih's isspace, minus what the reader refuses) in place. */
static char *
trim(char *s)
{
	size_t	len;

	while (is_blank(*s))
		s++;
	len = strlen(s);
	while (len > 0 && (is_blank(s[len - 1]) || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* --- storage ------------------------------------------------------------ */

/* A section of one file by kind and name, or NULL. */
static const struct awsconf_section *
find_section(const struct awsconf *conf, enum origin origin,
    enum awsconf_kind kind, const char *name)
{
	size_t	i;

	for (i = 0; i < conf->nsections; i++)
		if (conf->sections[i].origin == origin &&
		    conf->sections[i].kind == kind &&
		    strcmp(conf->sections[i].name, name) == 0)
			return &conf->sections[i];
	return NULL;
}

/*
 * The index of a section, added if new (a repeated header merges into the
 * first).  Returns 0, or -1 with err set when memory runs out.
 */
static int
add_section(struct awsconf *conf, enum origin origin, enum awsconf_kind kind,
    const char *name, size_t *idx, struct dkerr *err)
{
	const struct awsconf_section	*found;
	struct awsconf_section		*s;
	size_t				 ncap;

	if ((found = find_section(conf, origin, kind, name)) != NULL) {
		*idx = (size_t)(found - conf->sections);
		return 0;
	}
	if (conf->nsections == conf->sectionscap) {
		ncap = conf->sectionscap ? conf->sectionscap * 2 : 8;
		s = reallocarray(conf->sections, ncap, sizeof(*s));
		if (s == NULL)
			return nomem(err);
		conf->sections = s;
		conf->sectionscap = ncap;
	}
	s = &conf->sections[conf->nsections];
	memset(s, 0, sizeof(*s));
	if ((s->name = strdup(name)) == NULL)
		return nomem(err);
	s->kind = kind;
	s->origin = origin;
	*idx = conf->nsections++;
	return 0;
}

static struct awsconf_entry *
find_entry(const struct awsconf_section *s, const char *key)
{
	size_t	i;

	for (i = 0; i < s->nents; i++)
		if (strcmp(s->ents[i].key, key) == 0)
			return &s->ents[i];
	return NULL;
}

/*
 * Set key = value in a section; a repeated key takes the later value.
 * Stores the entry's index in *idx.  Returns 0, or -1 with err set.
 */
static int
set_entry(struct awsconf_section *s, const char *key, const char *value,
    int line, size_t *idx, struct dkerr *err)
{
	struct awsconf_entry	*e;
	char			*v;
	size_t			 ncap;

	if ((v = strdup(value)) == NULL)
		return nomem(err);
	if ((e = find_entry(s, key)) == NULL) {
		if (s->nents == s->cap) {
			ncap = s->cap ? s->cap * 2 : 8;
			e = reallocarray(s->ents, ncap, sizeof(*e));
			if (e == NULL) {
				wipe_free(v);
				return nomem(err);
			}
			s->ents = e;
			s->cap = ncap;
		}
		e = &s->ents[s->nents];
		memset(e, 0, sizeof(*e));
		if ((e->key = strdup(key)) == NULL) {
			wipe_free(v);
			return nomem(err);
		}
		s->nents++;
	}
	wipe_free(e->value);
	e->value = v;
	e->line = line;
	e->nested = value[0] == '\0';
	*idx = (size_t)(e - s->ents);
	return 0;
}

/*
 * The entry for a key of a section kind and name, credentials file first
 * (it wins for profiles; it has no other kinds).  *origin says which file.
 */
static const struct awsconf_entry *
lookup_entry(const struct awsconf *conf, enum awsconf_kind kind,
    const char *name, const char *key, enum origin *origin)
{
	static const enum origin	 order[] = { ORIGIN_CREDENTIALS,
					    ORIGIN_CONFIG };
	const struct awsconf_section	*s;
	const struct awsconf_entry	*e;
	size_t				 i;

	if (conf == NULL || name == NULL || key == NULL)
		return NULL;
	for (i = 0; i < 2; i++) {
		if ((s = find_section(conf, order[i], kind, name)) == NULL)
			continue;
		if ((e = find_entry(s, key)) != NULL) {
			if (origin)
				*origin = order[i];
			return e;
		}
	}
	return NULL;
}

const char *
awsconf_lookup(const struct awsconf *conf, enum awsconf_kind kind,
    const char *name, const char *key)
{
	const struct awsconf_entry	*e;

	e = lookup_entry(conf, kind, name, key, NULL);
	return e ? e->value : NULL;
}

const char *
awsconf_get(const struct awsconf *conf, const char *profile, const char *key)
{
	if (conf == NULL)
		return NULL;
	return awsconf_lookup(conf, AWSCONF_PROFILE,
	    profile ? profile : conf->profile, key);
}

int
awsconf_has_profile(const struct awsconf *conf, const char *profile)
{
	return profile != NULL &&
	    (find_section(conf, ORIGIN_CONFIG, AWSCONF_PROFILE, profile) ||
	    find_section(conf, ORIGIN_CREDENTIALS, AWSCONF_PROFILE, profile));
}

/* --- the reader: lines for inih, long ones in pieces -------------------- */

/* Record the file's first error, at a physical line.  Returns -1. */
static int
parse_fail(struct parse *ps, int line, const char *why)
{
	ps->failed = 1;
	ps->errline = line;
	return dkerr_set(ps->err, DKERR_INPUT, "%s:%d: %s", ps->path, line,
	    why);
}

/* Whether inih has a prev_name: a key seen since the last section header. */
static int
have_key(const struct parse *ps)
{
	return ps->keyvalid && ps->keyseq == ps->secseq;
}

/* Hand inih the next piece of a long line (see MARK). */
static char *
next_piece(struct parse *ps, char *str, size_t num, int head)
{
	size_t	 pre = head ? 0 : 2, take, more;
	char	*p = str;

	if (ps->piecelen + pre + 2 <= num) {
		take = ps->piecelen;
		more = 0;
	} else {
		take = num - pre - 3;
		more = 1;
		/* Keep a blank and a following ';' together: a comment. */
		if (take > 1 && ps->piece[take] == ';' &&
		    is_blank(ps->piece[take - 1]))
			take--;
	}
	if (!head) {
		*p++ = ' ';
		*p++ = MARK;
	}
	memcpy(p, ps->piece, take);
	p += take;
	if (more)
		*p++ = MARK;
	*p++ = '\n';
	*p = '\0';
	ps->piece += take;
	ps->piecelen -= take;
	ps->chunking = (int)more;
	ps->head = head;
	ps->runs[ps->nruns - 1].count++;
	ps->emitted++;
	return str;
}

/*
 * inih's fgets: one physical line at a time, or a long one in pieces.
 * Refuses control bytes and over-long section headers (sets ps->failed and
 * ends the input).
 */
static char *
reader(char *str, int num, void *stream)
{
	struct parse	*ps = stream;
	const char	*line, *eol, *s, *t, *e, *rb;
	struct run	*r;
	size_t		 n, i, ncap;

	if (ps->failed)
		return NULL;
	ps->head = 0;
	if (num < 16) {
		parse_fail(ps, ps->phys, "inih line buffer too small");
		return NULL;
	}
	if (ps->chunking)
		return next_piece(ps, str, (size_t)num, 0);
	if (ps->pos >= ps->len)
		return NULL;

	line = ps->data + ps->pos;
	eol = memchr(line, '\n', ps->len - ps->pos);
	n = eol ? (size_t)(eol - line) : ps->len - ps->pos;
	ps->pos += n + (eol != NULL);
	ps->phys++;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			parse_fail(ps, ps->phys, "control character in the "
			    "file");
			return NULL;
		}
	}

	/* Classify as inih will: leading blanks, a section header. */
	s = line;
	e = line + n;
	if (ps->phys == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	for (t = s; t < e && is_blank(*t); t++)
		;
	ps->indented = t > s;
	if (t < e && *t == '[' && (!ps->indented || !have_key(ps))) {
		/* inih keeps 49 bytes of a section name; keep it all. */
		ps->secseq++;
		rb = memchr(t, ']', (size_t)(e - t));
		n = rb ? (size_t)(rb - t - 1) : 0;
		if (n >= sizeof(ps->rawsec)) {
			parse_fail(ps, ps->phys, "section name too long");
			return NULL;
		}
		memcpy(ps->rawsec, t + 1, n);
		ps->rawsec[n] = '\0';
		n = (size_t)(e - line);
	}

	if (n + 2 <= (size_t)num) {
		memcpy(str, line, n);
		str[n] = '\n';
		str[n + 1] = '\0';
		ps->emitted++;
		return str;
	}
	if (t == e || *t == '#' || *t == ';') {
		/* Blank or comment: what inih would not look at anyway. */
		n = t == e ? 0 : (size_t)num - 2;
		memcpy(str, line, n);
		str[n] = '\n';
		str[n + 1] = '\0';
		ps->emitted++;
		return str;
	}
	if (*t == '[' && (!ps->indented || !have_key(ps))) {
		parse_fail(ps, ps->phys, "section header line too long");
		return NULL;
	}
	if (ps->nruns == ps->runscap) {
		ncap = ps->runscap ? ps->runscap * 2 : 8;
		if ((r = reallocarray(ps->runs, ncap, sizeof(*r))) == NULL) {
			ps->failed = 1;
			ps->errline = ps->phys;
			nomem(ps->err);
			return NULL;
		}
		ps->runs = r;
		ps->runscap = ncap;
	}
	r = &ps->runs[ps->nruns++];
	r->first = ps->emitted + 1;
	r->count = 0;
	r->phys = ps->phys;
	ps->piece = line;
	ps->piecelen = n;
	return next_piece(ps, str, (size_t)num, 1);
}

/* The physical line of one of inih's line numbers. */
static int
phys_line(const struct parse *ps, int lineno)
{
	size_t	i;
	int	extra = 0;

	for (i = 0; i < ps->nruns; i++) {
		if (lineno < ps->runs[i].first)
			break;
		if (lineno < ps->runs[i].first + ps->runs[i].count)
			return ps->runs[i].phys;
		extra += ps->runs[i].count - 1;
	}
	return lineno - extra;
}

/* --- the handler: sections and keys ------------------------------------- */

/*
 * The profile, sso-session or services name a config file section header
 * gives after its keyword, unquoted as botocore's shlex.split() would
 * ("profile dev", "profile \"my dev\"").  Returns 0, or -1 when the header
 * is not WORD NAME.
 */
static int
section_word_name(char *sec, const char *word, char **name)
{
	size_t	 len = strlen(word);
	char	*p, *q, quote;

	if (strncmp(sec, word, len) != 0 || !is_blank(sec[len]))
		return -1;
	for (p = sec + len; is_blank(*p); p++)
		;
	if (*p == '"' || *p == '\'') {
		quote = *p++;
		if ((q = strchr(p, quote)) == NULL)
			return -1;
		*q++ = '\0';
	} else {
		for (q = p; *q && !is_blank(*q); q++)
			;
		if (*q)
			*q++ = '\0';
	}
	while (is_blank(*q))
		q++;
	if (*q || *p == '\0')
		return -1;
	*name = p;
	return 0;
}

/*
 * Point ps->sec at the section inih names (its full name from the reader
 * when inih cut it short).  Returns 0, or -1 with ps->err set.
 */
static int
resolve_section(struct parse *ps, const char *section)
{
	static const struct {
		const char		*word;
		enum awsconf_kind	 kind;
	} words[] = {
		{ "profile", AWSCONF_PROFILE },
		{ "sso-session", AWSCONF_SSO_SESSION },
		{ "services", AWSCONF_SERVICES },
	};
	const char	*full = section;
	char		*tmp, *name;
	size_t		 len = strlen(section), i;
	int		 rc = 0;

	if (len >= INIH_SECTION_KEEP && strlen(ps->rawsec) > len &&
	    strncmp(ps->rawsec, section, len) == 0)
		full = ps->rawsec;
	if (ps->secname && strcmp(ps->secname, full) == 0)
		return 0;
	free(ps->secname);
	if ((ps->secname = strdup(full)) == NULL)
		return nomem(ps->err);
	ps->sec = SECTION_NONE;
	if (*full == '\0')
		return parse_fail(ps, ps->phys, "name = value before any "
		    "[section]");
	if (ps->origin == ORIGIN_CREDENTIALS)
		return add_section(ps->conf, ps->origin, AWSCONF_PROFILE, full,
		    &ps->sec, ps->err);
	if (strcmp(full, "default") == 0)
		return add_section(ps->conf, ps->origin, AWSCONF_PROFILE,
		    "default", &ps->sec, ps->err);
	if ((tmp = strdup(full)) == NULL)
		return nomem(ps->err);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (section_word_name(tmp, words[i].word, &name) == 0) {
			rc = add_section(ps->conf, ps->origin, words[i].kind,
			    name, &ps->sec, ps->err);
			break;
		}
	free(tmp);
	return rc;
}

/*
 * Store the logical line put together in ps->pend: a new key, a further
 * line of the last key's value, or a sub-property under an empty key.
 * Returns inih's success value: 1, or 0 with ps->failed set.
 */
static int
commit(struct parse *ps)
{
	struct awsconf_section	*s;
	struct awsconf_entry	*parent;
	struct buf		 key = BUF_INIT(AWSCONF_FILE_MAX);
	char			*text, *eq, *sub, *v, *nv;
	size_t			 idx, vlen;
	int			 rc = 1;

	ps->pendopen = 0;
	if (buf_addc(&ps->pend, '\0') == -1)
		goto oom;
	text = trim(ps->pend.data);

	if (!ps->pendcont) {
		if (ps->sec != SECTION_NONE) {
			if (set_entry(&ps->conf->sections[ps->sec],
			    buf_str(&ps->pendkey), text, ps->phys, &idx,
			    ps->err) == -1)
				goto fail;
			ps->lastent = idx;
		}
		ps->keyseq = ps->secseq;
		ps->keyvalid = 1;
		goto out;
	}
	if (ps->sec == SECTION_NONE)
		goto out;
	s = &ps->conf->sections[ps->sec];
	parent = &s->ents[ps->lastent];
	if (parent->nested) {
		/* botocore's _parse_nested: "name = value", split at '='. */
		if ((eq = strchr(text, '=')) == NULL) {
			dkerr_set(ps->err, DKERR_INPUT, "%s:%d: expected "
			    "name = value under %s", ps->path, ps->phys,
			    parent->key);
			goto fail;
		}
		*eq = '\0';
		sub = trim(text);
		v = trim(eq + 1);
		if (*sub == '\0') {
			dkerr_set(ps->err, DKERR_INPUT, "%s:%d: expected "
			    "name = value under %s", ps->path, ps->phys,
			    parent->key);
			goto fail;
		}
		if (buf_addf(&key, "%s.%s", parent->key, sub) == -1)
			goto oom;
		if (set_entry(s, buf_str(&key), v, ps->phys, &idx,
		    ps->err) == -1)
			goto fail;
		/* A sub-property is never a parent, whatever its value. */
		s->ents[idx].nested = 0;
		goto out;
	}
	/* A value over several lines, joined with newlines (configparser). */
	vlen = strlen(parent->value);
	if ((nv = malloc(vlen + strlen(text) + 2)) == NULL)
		goto oom;
	memcpy(nv, parent->value, vlen);
	nv[vlen] = '\n';
	memcpy(nv + vlen + 1, text, strlen(text) + 1);
	wipe_free(parent->value);
	parent->value = nv;
	goto out;

oom:
	nomem(ps->err);
fail:
	ps->failed = 1;
	ps->errline = ps->phys;
	rc = 0;
out:
	buf_free(&key);
	if (ps->pend.data)
		explicit_bzero(ps->pend.data, ps->pend.cap);
	buf_reset(&ps->pend);
	return rc;
}

/*
 * Cut a value at an inline comment: ';' after a blank, inih's rule.  inih
 * 55 (Debian's) applies it to first lines only, later versions to
 * continuation lines too: doing it here makes every line alike.
 * Returns whether it cut.
 */
static int
cut_comment(char *s)
{
	int	blank = 0;

	for (; *s; s++) {
		if (*s == ';' && blank) {
			*s = '\0';
			return 1;
		}
		blank = is_blank(*s);
	}
	return 0;
}

/*
 * Add a value inih passed (a whole line's, or a piece of a long one) to
 * ps->pend.  Returns 1 when the line goes on in the next piece, 0 when it
 * ended (or a comment ended it), -1 when memory runs out.
 */
static int
take_piece(struct parse *ps, const char *v, size_t n)
{
	size_t	start = ps->pend.len;

	if (buf_add(&ps->pend, v, n) == -1)
		return -1;
	if (cut_comment(ps->pend.data + start)) {
		ps->pend.len = strlen(ps->pend.data);
		return 0;
	}
	if (ps->pend.len > start && ps->pend.data[ps->pend.len - 1] == MARK) {
		ps->pend.data[--ps->pend.len] = '\0';
		return 1;
	}
	return 0;
}

/*
 * inih's handler.  A value starting with MARK continues the logical line
 * in ps->pend; one ending with MARK is continued by the next call.
 * Returns 1, or 0 with ps->failed set.
 */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse	*ps = user;
	int		 open;

	if (ps->failed)
		return 0;
	if (name[0] == MARK || name[0] == '\0') {
		/* A piece inih did not take as a continuation, or "= value"
		 * (configparser refuses an empty name too). */
		parse_fail(ps, ps->phys, "not a [section], name = value or "
		    "comment line");
		return 0;
	}
	if (value[0] == MARK && !ps->head) {
		if (!ps->pendopen)
			return 1;	/* the rest of a line a " ;" cut */
		if ((open = take_piece(ps, value + 1, strlen(value + 1))) == -1)
			goto oom;
		ps->pendopen = open;
		return open ? 1 : commit(ps);
	}
	if (ps->pendopen && commit(ps) == 0)
		return 0;

	buf_reset(&ps->pend);
	if ((open = take_piece(ps, value, strlen(value))) == -1)
		goto oom;
	/* As inih decides: an indented line after a key continues it. */
	ps->pendcont = ps->indented && have_key(ps);
	if (!ps->pendcont) {
		if (resolve_section(ps, section) == -1) {
			ps->failed = 1;
			ps->errline = ps->phys;
			return 0;
		}
		buf_reset(&ps->pendkey);
		if (buf_addstr(&ps->pendkey, name) == -1)
			goto oom;
		lower(ps->pendkey.data);
	}
	ps->pendopen = open;
	return open ? 1 : commit(ps);

oom:
	ps->failed = 1;
	ps->errline = ps->phys;
	nomem(ps->err);
	return 0;
}

/* --- files --------------------------------------------------------------- */

/*
 * Read a whole config file into out.  A file that does not exist sets
 * *found to 0 and is no error.  Returns 0, or -1 with err set: not a
 * regular file, larger than AWSCONF_FILE_MAX, unreadable.
 */
static int
read_file(const char *path, struct buf *out, int *found, struct dkerr *err)
{
	struct stat	 st;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd, rc = -1;

	*found = 0;
	/* O_NONBLOCK: a FIFO must not hang us before fstat() refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return dkerr_errno(err, DKERR_INPUT, "%s", path);
	}
	*found = 1;
	if (fstat(fd, &st) == -1) {
		dkerr_errno(err, DKERR_INPUT, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		dkerr_set(err, DKERR_INPUT, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > (off_t)AWSCONF_FILE_MAX)
		goto toobig;
	out->max = AWSCONF_FILE_MAX;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			dkerr_errno(err, DKERR_INPUT, "%s", path);
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(out, chunk, (size_t)n) == -1) {
			if (errno == EOVERFLOW)
				goto toobig;
			nomem(err);
			goto out;
		}
	}
	rc = 0;
	goto out;
toobig:
	dkerr_set(err, DKERR_INPUT, "%s: larger than %zu bytes", path,
	    AWSCONF_FILE_MAX);
out:
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	return rc;
}

/* Read and parse one shared file into conf.  Returns 0, or -1 with err set. */
static int
load_file(struct awsconf *conf, enum origin origin, const char *path,
    struct dkerr *err)
{
	struct buf	 data = BUF_INIT(AWSCONF_FILE_MAX);
	struct parse	 ps;
	int		 found, rc, line;

	if (read_file(path, &data, &found, err) == -1) {
		buf_wipe(&data);
		return -1;
	}
	if (!found)
		return 0;

	memset(&ps, 0, sizeof(ps));
	ps.conf = conf;
	ps.origin = origin;
	ps.path = path;
	ps.err = err;
	ps.data = buf_str(&data);
	ps.len = data.len;
	ps.sec = SECTION_NONE;
	ps.pend.max = AWSCONF_FILE_MAX;
	ps.pendkey.max = AWSCONF_FILE_MAX;

	rc = ini_parse_stream(reader, &ps, handler, &ps);
	if (rc == 0 && !ps.failed && ps.pendopen)
		commit(&ps);
	if (rc > 0 && (!ps.failed || phys_line(&ps, rc) < ps.errline)) {
		/* Never quote the line: it may hold a secret. */
		line = phys_line(&ps, rc);
		dkerr_set(err, DKERR_INPUT, "%s:%d: not a [section], name = "
		    "value or comment line", path, line);
		ps.failed = 1;
	} else if (rc < 0 && !ps.failed) {
		nomem(err);
		ps.failed = 1;
	}

	buf_wipe(&ps.pend);
	buf_free(&ps.pendkey);
	free(ps.secname);
	free(ps.runs);
	explicit_bzero(ps.rawsec, sizeof(ps.rawsec));
	buf_wipe(&data);
	return ps.failed ? -1 : 0;
}

/* The home folder: $HOME, else the password database.  Borrowed or NULL. */
static const char *
home_dir(char *pwbuf, size_t pwbufsz)
{
	struct passwd	 pw, *res = NULL;
	const char	*h;

	if ((h = envget("HOME")) != NULL)
		return h;
	if (getpwuid_r(getuid(), &pw, pwbuf, pwbufsz, &res) != 0 ||
	    res == NULL || res->pw_dir == NULL || res->pw_dir[0] == '\0')
		return NULL;
	return res->pw_dir;
}

/*
 * A shared file's path: the variable's value ("~/" expanded), else
 * home/dflt.  Sets *path (NULL when there is no home to look in).
 * Returns 0, or -1 with err set.
 */
static int
file_path(const char *var, const char *dflt, const char *home, char **path,
    struct dkerr *err)
{
	struct buf	 b = BUF_INIT(8192);
	const char	*v = envget(var);
	int		 rc;

	*path = NULL;
	if (v && strncmp(v, "~/", 2) == 0 && home)
		rc = buf_addf(&b, "%s%s", home, v + 1);
	else if (v)
		rc = buf_addstr(&b, v);
	else if (home)
		rc = buf_addf(&b, "%s/%s", home, dflt);
	else
		return 0;
	if (rc == -1) {
		buf_free(&b);
		return errno == EOVERFLOW ? dkerr_set(err, DKERR_INPUT,
		    "%s: path too long", var) : nomem(err);
	}
	if ((*path = buf_take(&b)) == NULL)
		return nomem(err);
	return 0;
}

/* --- settings ------------------------------------------------------------ */

/* Where a setting came from, for messages. */
struct source {
	const char	*value;		/* NULL: not set anywhere */
	const char	*env;		/* the variable, or NULL */
	const char	*file;
	int		 line;
	const char	*key;
};

/* A setting: the variable if set, else the profile's key. */
static void
setting(const struct awsconf *conf, const char *env, const char *key,
    struct source *src)
{
	const struct awsconf_entry	*e;
	enum origin			 o;

	memset(src, 0, sizeof(*src));
	if (env && (src->value = envget(env)) != NULL) {
		src->env = env;
		return;
	}
	if (key == NULL ||
	    (e = lookup_entry(conf, AWSCONF_PROFILE, conf->profile, key,
	    &o)) == NULL)
		return;
	src->value = e->value;
	src->file = o == ORIGIN_CONFIG ? conf->config_file :
	    conf->credentials_file;
	src->line = e->line;
	src->key = key;
}

/* An error about a setting's value, naming where it was set.  Returns -1. */
static int
bad_setting(struct dkerr *err, const struct source *src, int quote,
    const char *why)
{
	if (src->env)
		return quote ?
		    dkerr_set(err, DKERR_INPUT, "%s=" VALUE_ECHO ": %s",
		    src->env, src->value, why) :
		    dkerr_set(err, DKERR_INPUT, "%s: %s", src->env, why);
	return quote ?
	    dkerr_set(err, DKERR_INPUT, "%s:%d: %s = " VALUE_ECHO ": %s",
	    src->file, src->line, src->key, src->value, why) :
	    dkerr_set(err, DKERR_INPUT, "%s:%d: %s: %s", src->file, src->line,
	    src->key, why);
}

/* true/false in any case, as the SDKs write them.  Returns 0 or -1. */
static int
get_bool(const struct awsconf *conf, const char *env, const char *key,
    int *out, struct dkerr *err)
{
	struct source	src;

	setting(conf, env, key, &src);
	if (src.value == NULL)
		return 0;
	if (strcasecmp(src.value, "true") == 0)
		*out = 1;
	else if (strcasecmp(src.value, "false") == 0)
		*out = 0;
	else
		return bad_setting(err, &src, 1, "expected true or false");
	return 0;
}

/* A string setting, copied; empty counts as unset.  Returns 0 or -1. */
static int
get_string(const struct awsconf *conf, const char *env, const char *key,
    char **out, struct dkerr *err)
{
	struct source	src;

	setting(conf, env, key, &src);
	if (src.value == NULL || src.value[0] == '\0')
		return 0;
	if ((*out = strdup(src.value)) == NULL)
		return nomem(err);
	return 0;
}

/* Region: AWS_REGION > AWS_DEFAULT_REGION > profile.  Returns 0 or -1. */
static int
get_region(struct awsconf *conf, struct dkerr *err)
{
	struct source	src;

	setting(conf, "AWS_REGION", NULL, &src);
	if (src.value == NULL)
		setting(conf, "AWS_DEFAULT_REGION", "region", &src);
	if (src.value == NULL)
		return 0;
	if (!awshost_region_valid(src.value))
		return bad_setting(err, &src, 1, "not a valid region name");
	if ((conf->region = strdup(src.value)) == NULL)
		return nomem(err);
	return 0;
}

/* A whole number from 1 to 20, no sign or blanks.  Returns 0 or -1. */
static int
get_attempts(struct awsconf *conf, struct dkerr *err)
{
	struct source	 src;
	const char	*p;
	int		 v = 0;

	setting(conf, "AWS_MAX_ATTEMPTS", "max_attempts", &src);
	if (src.value == NULL)
		return 0;
	for (p = src.value; *p; p++) {
		if (*p < '0' || *p > '9' || p - src.value >= 2)
			return bad_setting(err, &src, 1, "expected a number "
			    "from 1 to 20");
		v = v * 10 + (*p - '0');
	}
	if (p == src.value || v < 1 || v > MAX_ATTEMPTS_MAX)
		return bad_setting(err, &src, 1, "expected a number from 1 "
		    "to 20");
	conf->max_attempts = v;
	return 0;
}

/* Every AWS_ENDPOINT_URL_<ID>: which services need them is not known yet. */
static int
get_envurls(struct awsconf *conf, struct dkerr *err)
{
	static const char	 pfx[] = "AWS_ENDPOINT_URL_";
	struct awsconf_envurl	*u;
	char			**ep;
	const char		*eq;

	for (ep = environ; ep && *ep; ep++) {
		if (strncmp(*ep, pfx, sizeof(pfx) - 1) != 0)
			continue;
		eq = strchr(*ep, '=');
		if (eq == NULL || eq == *ep + sizeof(pfx) - 1 || eq[1] == '\0')
			continue;
		if (conf->nenvurls == ENVURL_MAX)
			return dkerr_set(err, DKERR_INPUT, "more than %d "
			    "AWS_ENDPOINT_URL_* variables", ENVURL_MAX);
		if (conf->envurls == NULL &&
		    (conf->envurls = calloc(ENVURL_MAX, sizeof(*u))) == NULL)
			return nomem(err);
		u = &conf->envurls[conf->nenvurls];
		u->id = strndup(*ep + sizeof(pfx) - 1,
		    (size_t)(eq - *ep) - (sizeof(pfx) - 1));
		u->url = strdup(eq + 1);
		conf->nenvurls++;
		if (u->id == NULL || u->url == NULL)
			return nomem(err);
	}
	return 0;
}

int
awsconf_load(struct awsconf *conf, struct dkerr *err)
{
	char		 pwbuf[4096];
	const char	*home, *pvar, *p;

	memset(conf, 0, sizeof(*conf));
	conf->max_attempts = 3;
	home = home_dir(pwbuf, sizeof(pwbuf));
	if (file_path("AWS_CONFIG_FILE", ".aws/config", home,
	    &conf->config_file, err) == -1 ||
	    file_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", home,
	    &conf->credentials_file, err) == -1)
		return -1;
	if (conf->config_file &&
	    load_file(conf, ORIGIN_CONFIG, conf->config_file, err) == -1)
		return -1;
	if (conf->credentials_file &&
	    load_file(conf, ORIGIN_CREDENTIALS, conf->credentials_file,
	    err) == -1)
		return -1;

	/* botocore looks at AWS_DEFAULT_PROFILE first, then AWS_PROFILE. */
	pvar = "AWS_DEFAULT_PROFILE";
	if ((p = envget(pvar)) == NULL) {
		pvar = "AWS_PROFILE";
		p = envget(pvar);
	}
	conf->profile_explicit = p != NULL;
	if ((conf->profile = strdup(p ? p : "default")) == NULL)
		return nomem(err);
	/* Named, it must exist, even "default" (botocore's ProfileNotFound). */
	if (conf->profile_explicit && !awsconf_has_profile(conf, p))
		return dkerr_set(err, DKERR_INPUT, "%s=%s: no such profile in "
		    "%s or %s", pvar, p,
		    conf->config_file ? conf->config_file : "(no config file)",
		    conf->credentials_file ? conf->credentials_file :
		    "(no credentials file)");

	if (get_region(conf, err) == -1 ||
	    get_string(conf, "AWS_CA_BUNDLE", "ca_bundle", &conf->ca_bundle,
	    err) == -1 ||
	    get_bool(conf, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint",
	    &conf->use_fips, err) == -1 ||
	    get_bool(conf, "AWS_USE_DUALSTACK_ENDPOINT",
	    "use_dualstack_endpoint", &conf->use_dualstack, err) == -1 ||
	    get_bool(conf, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	    "ignore_configured_endpoint_urls", &conf->ignore_endpoint_urls,
	    err) == -1 ||
	    get_attempts(conf, err) == -1 ||
	    get_string(conf, "AWS_ENDPOINT_URL", NULL, &conf->endpoint_url,
	    err) == -1 ||
	    get_envurls(conf, err) == -1)
		return -1;
	return 0;
}

void
awsconf_free(struct awsconf *conf)
{
	struct awsconf_section	*s;
	size_t			 i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nsections; i++) {
		s = &conf->sections[i];
		for (j = 0; j < s->nents; j++) {
			free(s->ents[j].key);
			wipe_free(s->ents[j].value);
		}
		free(s->ents);
		free(s->name);
	}
	free(conf->sections);
	for (i = 0; i < conf->nenvurls; i++) {
		free(conf->envurls[i].id);
		free(conf->envurls[i].url);
	}
	free(conf->envurls);
	free(conf->profile);
	free(conf->region);
	free(conf->ca_bundle);
	free(conf->endpoint_url);
	free(conf->config_file);
	free(conf->credentials_file);
	memset(conf, 0, sizeof(*conf));
}

/* --- endpoints ----------------------------------------------------------- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
awsconf_url_valid(const char *s)
{
	const char	*p, *auth_end, *h, *he;
	size_t		 len, n;
	long		 port;

	if (s == NULL || (len = strlen(s)) == 0 || len > 2048)
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '#')
			return 0;
	if (strncasecmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return 0;
	auth_end = p + strcspn(p, "/?");
	if (memchr(p, '@', (size_t)(auth_end - p)) != NULL)
		return 0;	/* user info: credentials do not go in URLs */

	if (*p == '[') {
		/* An IPv6 literal. */
		h = p + 1;
		if ((he = memchr(h, ']', (size_t)(auth_end - h))) == NULL ||
		    he == h)
			return 0;
		for (; h < he; h++)
			if (!is_digit(*h) && !strchr("abcdefABCDEF:.", *h))
				return 0;
		p = he + 1;
	} else {
		/* A name or IPv4 address: no empty labels. */
		h = p;
		he = p + strcspn(p, ":/?");
		if (he == h || *h == '.' || he[-1] == '.')
			return 0;
		for (; h < he; h++)
			if (!(is_digit(*h) || (*h >= 'a' && *h <= 'z') ||
			    (*h >= 'A' && *h <= 'Z') || *h == '-' ||
			    *h == '_' || (*h == '.' && h[1] != '.')))
				return 0;
		p = he;
	}
	if (*p == ':') {
		p++;
		n = strspn(p, "0123456789");
		if (n == 0 || n > 5 || p + n != auth_end)
			return 0;
		port = strtol(p, NULL, 10);
		if (port < 1 || port > 65535)
			return 0;
		p += n;
	}
	return p == auth_end;
}

/* A configured URL after a check.  Returns a copy, or NULL with err set. */
static char *
checked_url(const struct source *src, struct dkerr *err)
{
	char	*u;

	/* The URL is not quoted: a careless one may carry a token. */
	if (!awsconf_url_valid(src->value)) {
		bad_setting(err, src, 0, "not an http:// or https:// URL "
		    "with a host");
		return NULL;
	}
	if ((u = strdup(src->value)) == NULL)
		nomem(err);
	return u;
}

char *
awsconf_endpoint(const struct awsconf *conf, const struct awshost_service *svc,
    struct dkerr *err)
{
	const struct awsconf_entry	*e;
	struct source			 src;
	enum origin			 o;
	const char			*region, *svcs;
	char				 var[96], key[96];
	size_t				 i;
	int				 n;

	if (conf == NULL || svc == NULL) {
		dkerr_set(err, DKERR_INPUT, "no configuration or service");
		return NULL;
	}
	region = svc->global_region ? svc->global_region : conf->region;
	if (conf->ignore_endpoint_urls)
		goto standard;

	for (i = 0; i < conf->nenvurls; i++)
		if (strcmp(conf->envurls[i].id, svc->id) == 0) {
			n = snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_%s",
			    svc->id);
			if (n < 0 || (size_t)n >= sizeof(var)) {
				dkerr_set(err, DKERR_INPUT, "service id too "
				    "long");
				return NULL;
			}
			memset(&src, 0, sizeof(src));
			src.value = conf->envurls[i].url;
			src.env = var;
			return checked_url(&src, err);
		}
	if (conf->endpoint_url) {
		memset(&src, 0, sizeof(src));
		src.value = conf->endpoint_url;
		src.env = "AWS_ENDPOINT_URL";
		return checked_url(&src, err);
	}

	if ((svcs = awsconf_get(conf, NULL, "services")) != NULL) {
		if (find_section(conf, ORIGIN_CONFIG, AWSCONF_SERVICES,
		    svcs) == NULL) {
			dkerr_set(err, DKERR_INPUT, "profile %s: services = "
			    "%s: no [services %s] section in %s",
			    conf->profile, svcs, svcs, conf->config_file ?
			    conf->config_file : "the config file");
			return NULL;
		}
		/* botocore's key: the service id in snake case. */
		n = snprintf(key, sizeof(key), "%s.endpoint_url", svc->id);
		if (n < 0 || (size_t)n >= sizeof(key)) {
			dkerr_set(err, DKERR_INPUT, "service id too long");
			return NULL;
		}
		lower(key);
		if ((e = lookup_entry(conf, AWSCONF_SERVICES, svcs, key,
		    NULL)) != NULL) {
			memset(&src, 0, sizeof(src));
			src.value = e->value;
			src.file = conf->config_file;
			src.line = e->line;
			src.key = key;
			return checked_url(&src, err);
		}
	}
	if ((e = lookup_entry(conf, AWSCONF_PROFILE, conf->profile,
	    "endpoint_url", &o)) != NULL) {
		memset(&src, 0, sizeof(src));
		src.value = e->value;
		src.file = o == ORIGIN_CONFIG ? conf->config_file :
		    conf->credentials_file;
		src.line = e->line;
		src.key = "endpoint_url";
		return checked_url(&src, err);
	}

standard:
	if (region == NULL) {
		dkerr_set(err, DKERR_INPUT, "no AWS region for %s: set "
		    "AWS_REGION or region in profile %s", svc->id,
		    conf->profile ? conf->profile : "default");
		return NULL;
	}
	return awshost_endpoint(svc, region, conf->use_fips,
	    conf->use_dualstack, err);
}
