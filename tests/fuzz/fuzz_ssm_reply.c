/*
 * fuzz_ssm_reply: the parts of an SSM answer (GetParameter,
 * GetParameterHistory, PutParameter) that lib/ reads.  ssm-get and
 * ssm-put pick the members out in their own static functions; the lib/
 * pieces they use on them are ssmparam_time() (LastModifiedDate) and the
 * name, value, type and tier rules, fuzzed here on every parameter of
 * the answer.
 *
 * Input: the JSON answer.  Checks: a time is written as RFC 3339 UTC.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dkerr.h"
#include "ssmparam.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(1);
	return 0;
}

static void
parameter(const json_t *p)
{
	struct dkerr	 err;
	const char	*name, *value, *tier;
	char		 when[21], tiny[8];

	if (ssmparam_time(json_object_get(p, "LastModifiedDate"), when,
	    sizeof(when)) == 0)
		FUZZ_ASSERT(strlen(when) == 20 && when[19] == 'Z');
	(void)ssmparam_time(json_object_get(p, "LastModifiedDate"), tiny,
	    sizeof(tiny));
	tier = json_string_value(json_object_get(p, "Tier"));
	if ((name = json_string_value(json_object_get(p, "Name"))) != NULL)
		(void)ssmparam_check_name(name, &err);
	if ((value = json_string_value(json_object_get(p, "Value"))) != NULL)
		(void)ssmparam_check_value(value,
		    json_string_length(json_object_get(p, "Value")), tier,
		    &err);
	if (tier)
		(void)ssmparam_tier_valid(tier);
	if ((name = json_string_value(json_object_get(p, "Type"))) != NULL)
		(void)ssmparam_type_valid(name);
	if ((name = json_string_value(json_object_get(p, "DataType"))) != NULL)
		(void)ssmparam_data_type_valid(name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t	*doc, *p;
	size_t	 i;

	if ((doc = json_loadb((const char *)data, size, 0, NULL)) == NULL)
		return 0;
	parameter(json_object_get(doc, "Parameter"));
	json_array_foreach(json_object_get(doc, "Parameters"), i, p)
		parameter(p);
	parameter(doc);
	json_decref(doc);
	return 0;
}
