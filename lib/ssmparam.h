/*
 * ssmparam: SSM Parameter Store rules, checked before anything is sent
 * (moto does not check them, and AWS answers late), and the JSON shapes
 * deploykit prints for parameters.  Pure functions.
 */
#ifndef DK_SSMPARAM_H
#define DK_SSMPARAM_H

#include <stddef.h>

#include <jansson.h>

#include "dkerr.h"

#define SSMPARAM_NAME_MAX	1011	/* characters, without the ARN prefix */
#define SSMPARAM_LEVELS_MAX	15
#define SSMPARAM_STANDARD_MAX	4096	/* value bytes */
#define SSMPARAM_ADVANCED_MAX	8192

/*
 * Check a parameter name: characters a-zA-Z0-9_.-/, a hierarchy starting
 * with '/', no empty level, at most 15 levels and 1011 characters, not
 * beginning with "aws" or "ssm" (any case, with or without the leading
 * slash).  0, or -1 with err DKERR_INPUT naming the rule broken.
 */
int	ssmparam_check_name(const char *, struct dkerr *);

/*
 * Check a value for a tier ("Standard", "Advanced", "Intelligent-Tiering"
 * or NULL for Standard): not empty, at most 4096 or 8192 bytes.
 */
int	ssmparam_check_value(const char *, size_t, const char *tier,
	    struct dkerr *);

/* Whether a type/tier/data type is one SSM knows. */
int	ssmparam_type_valid(const char *);
int	ssmparam_tier_valid(const char *);
int	ssmparam_data_type_valid(const char *);

/*
 * AWS's epoch-seconds timestamps (maybe fractional, maybe a JSON integer)
 * as RFC 3339 UTC ("2026-11-29T06:02:00Z") into out (at least 21 bytes).
 * 0, or -1 when the JSON value is not a usable number.
 */
int	ssmparam_time(const json_t *, char *, size_t);

#endif
