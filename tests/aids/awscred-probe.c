/*
 * awscred-probe: a test aid, not a tool.  Loads the AWS configuration,
 * resolves credentials with the SDKs' chain and prints one JSON line:
 *   {"source","access_key_id","has_session_token","expiration"}
 * never the secret.  With --call it then calls STS GetCallerIdentity,
 * signed with what it found, against the configured endpoint and adds the
 * "arn" from the reply: proof that the credentials verify.
 * Errors: "awscred-probe: MESSAGE" on stderr, exit as dkerr_exit() says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "awsapi.h"
#include "awsconf.h"
#include "awscred.h"
#include "awshost.h"
#include "buf.h"
#include "dkerr.h"
#include "http.h"

static const char *progname = "awscred-probe";

static int
fail(const struct dkerr *err)
{
	fprintf(stderr, "%s: %s\n", progname, err->msg);
	return dkerr_exit(err->kind);
}

/* GetCallerIdentity with cred; the ARN it names into arn. */
static int
call_sts(const struct awsconf *conf, struct http_client *http,
    const struct awscred *cred, struct buf *arn, struct dkerr *err)
{
	struct awsapi	 api;
	struct buf	 xml = BUF_INIT(1 << 20);
	char		*endpoint;
	int		 ret = -1;

	if ((endpoint = awsconf_endpoint(conf, &awshost_sts, err)) == NULL)
		return -1;
	memset(&api, 0, sizeof(api));
	api.http = http;
	api.cred = cred;
	api.service = &awshost_sts;
	api.region = conf->region;
	api.endpoint = endpoint;
	api.max_attempts = conf->max_attempts;
	if (awsapi_query(&api, "Action=GetCallerIdentity&Version=2011-06-15",
	    &xml, NULL, err) == -1) {
		dkerr_prefix(err, "GetCallerIdentity");
		goto out;
	}
	if (awsapi_xml_text(xml.data, xml.len, "Arn", arn) == -1) {
		dkerr_set(err, DKERR_NETWORK, "GetCallerIdentity: no Arn in "
		    "the answer");
		goto out;
	}
	ret = 0;
out:
	buf_free(&xml);
	free(endpoint);
	return ret;
}

int
main(int argc, char *argv[])
{
	struct awsconf		 conf;
	struct awscred		 cred;
	struct http_options	 hopt;
	struct http_client	*http = NULL;
	struct dkerr		 err;
	struct buf		 arn = BUF_INIT(4096);
	json_t			*out = NULL;
	struct tm		 tm;
	char			 when[32], *line = NULL;
	int			 call = 0, status = DK_EXIT_OK;

	if (argc == 2 && strcmp(argv[1], "--call") == 0)
		call = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [--call]\n", progname);
		return DK_EXIT_USAGE;
	}
	memset(&conf, 0, sizeof(conf));
	memset(&cred, 0, sizeof(cred));
	memset(&err, 0, sizeof(err));

	if (awsconf_load(&conf, &err) == -1) {
		status = fail(&err);
		goto done;
	}
	memset(&hopt, 0, sizeof(hopt));
	hopt.tool = progname;
	hopt.ca_bundle = conf.ca_bundle;
	if ((http = http_client_new(&hopt, &err)) == NULL ||
	    awscred_resolve(&conf, http, &cred, &err) == -1 ||
	    (call && call_sts(&conf, http, &cred, &arn, &err) == -1)) {
		status = fail(&err);
		goto done;
	}

	when[0] = '\0';
	if (cred.expiration && (gmtime_r(&cred.expiration, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)) {
		fprintf(stderr, "%s: expiration out of range\n", progname);
		status = DK_EXIT_NOANSWER;
		goto done;
	}
	out = json_pack("{s:s, s:s, s:b, s:o}",
	    "source", cred.source,
	    "access_key_id", cred.access_key_id,
	    "has_session_token", cred.session_token != NULL,
	    "expiration", when[0] ? json_string(when) : json_null());
	if (out && call)
		json_object_set_new(out, "arn", json_string(buf_str(&arn)));
	if (out == NULL || (line = json_dumps(out, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		status = DK_EXIT_NOANSWER;
		goto done;
	}
	puts(line);
done:
	free(line);
	json_decref(out);
	buf_free(&arn);
	awscred_free(&cred);
	awsconf_free(&conf);
	http_client_free(http);
	/* A JSON line lost to EPIPE or ENOSPC is a failure. */
	if (fflush(stdout) == EOF || ferror(stdout) || fclose(stdout) == EOF) {
		if (status == DK_EXIT_OK) {
			fprintf(stderr, "%s: stdout: write failed\n", progname);
			status = DK_EXIT_NOANSWER;
		}
	}
	return status;
}
