#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ssmparam.h"

int
ssmparam_check_name(const char *name, struct dkerr *err)
{
	const char	*p, *first;
	size_t		 n = strlen(name), levels = 0;

	if (n == 0)
		return dkerr_set(err, DKERR_INPUT, "the parameter name is empty");
	if (n > SSMPARAM_NAME_MAX)
		return dkerr_set(err, DKERR_INPUT, "parameter name of %zu "
		    "characters: at most %d", n, SSMPARAM_NAME_MAX);
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_.-/", *p)))
			return dkerr_set(err, DKERR_INPUT, "%.100s: parameter "
			    "names take only letters, digits and _.-/", name);
	if (strchr(name, '/') != NULL) {
		if (name[0] != '/')
			return dkerr_set(err, DKERR_INPUT, "%.100s: a "
			    "hierarchical parameter name starts with '/'", name);
		if (strstr(name, "//") != NULL || name[n - 1] == '/')
			return dkerr_set(err, DKERR_INPUT, "%.100s: empty level "
			    "in the parameter name", name);
		for (p = name; *p; p++)
			if (*p == '/')
				levels++;
		if (levels > SSMPARAM_LEVELS_MAX)
			return dkerr_set(err, DKERR_INPUT, "%.100s: %zu levels: "
			    "at most %d", name, levels, SSMPARAM_LEVELS_MAX);
	}
	first = name[0] == '/' ? name + 1 : name;
	if (strncasecmp(first, "aws", 3) == 0 || strncasecmp(first, "ssm", 3) == 0)
		return dkerr_set(err, DKERR_INPUT, "%.100s: parameter names may "
		    "not begin with aws or ssm", name);
	return 0;
}

int
ssmparam_check_value(const char *value, size_t len, const char *tier,
    struct dkerr *err)
{
	size_t	 max = SSMPARAM_STANDARD_MAX;

	(void)value;
	if (tier && strcmp(tier, "Standard") != 0)
		max = SSMPARAM_ADVANCED_MAX;
	if (len == 0)
		return dkerr_set(err, DKERR_INPUT, "the value is empty: SSM "
		    "needs at least one character");
	if (len > max)
		return dkerr_set(err, DKERR_INPUT, "value of %zu bytes: the %s "
		    "tier holds at most %zu", len, tier ? tier : "Standard", max);
	return 0;
}

static int
ssmparam_one_of(const char *s, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

int
ssmparam_type_valid(const char *s)
{
	static const char *const v[] = { "String", "StringList", "SecureString" };

	return ssmparam_one_of(s, v, 3);
}

int
ssmparam_tier_valid(const char *s)
{
	static const char *const v[] = {
		"Standard", "Advanced", "Intelligent-Tiering"
	};

	return ssmparam_one_of(s, v, 3);
}

int
ssmparam_data_type_valid(const char *s)
{
	static const char *const v[] = {
		"text", "aws:ec2:image", "aws:ssm:integration"
	};

	return ssmparam_one_of(s, v, 3);
}

int
ssmparam_time(const json_t *j, char *out, size_t outsz)
{
	double		 d;
	time_t		 t;
	struct tm	 tm;

	if (!json_is_number(j))
		return -1;
	d = json_number_value(j);
	if (!isfinite(d) || d < 0 || d > 253402300799.0)	/* year 9999 */
		return -1;
	t = (time_t)d;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}
