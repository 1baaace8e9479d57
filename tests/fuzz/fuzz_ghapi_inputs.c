/*
 * fuzz_ghapi_inputs: gh-dispatch's workflow inputs, as -f KEY=VALUE
 * arguments (ghapi_inputs_add_kv()) or as the JSON object --inputs-json
 * reads on stdin (ghapi_inputs_add() per member), then
 * ghapi_inputs_check().
 *
 * Input: a JSON object (when it parses as one), else one -f argument per
 * line.  Checks: every input kept is a string under a valid, unrepeated
 * name; the object always encodes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "dkerr.h"
#include "ghapi.h"
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
check(const json_t *inputs)
{
	struct dkerr	 err;
	const char	*k, *k2;
	json_t		*v, *v2;

	json_object_foreach((json_t *)inputs, k, v) {
		FUZZ_ASSERT(json_is_string(v));
		FUZZ_ASSERT(ghapi_input_name_check(k, &err) == 0);
		json_object_foreach((json_t *)inputs, k2, v2)
			FUZZ_ASSERT(k == k2 || strcasecmp(k, k2) != 0);
	}
	(void)ghapi_inputs_check(inputs, &err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkerr	 err;
	json_t		*inputs, *doc, *v;
	const char	*k;
	char		*in, *rest, *line;

	if ((inputs = json_object()) == NULL)
		abort();
	memset(&err, 0, sizeof(err));
	doc = json_loadb((const char *)data, size, 0, NULL);
	if (json_is_object(doc)) {
		json_object_foreach(doc, k, v)
			if (ghapi_inputs_add(inputs, k, v, &err) == -1)
				FUZZ_ASSERT(err.kind != DKERR_NONE);
	} else {
		rest = in = fuzz_strndup(data, size);
		while ((line = fuzz_line(&rest)) != NULL)
			if (ghapi_inputs_add_kv(inputs, line, &err) == -1)
				FUZZ_ASSERT(err.kind != DKERR_NONE);
		free(in);
	}
	check(inputs);
	json_decref(doc);
	json_decref(inputs);
	return 0;
}
