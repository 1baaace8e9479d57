/*
 * awsapi: calls to AWS services: sign, send, retry, parse the answer.
 *
 * The AWS JSON 1.1 protocol (X-Amz-Target + JSON body, JSON reply) and the
 * query protocol (form body, XML reply, for STS).  Retries follow the SDKs'
 * "standard" mode: up to max_attempts (3) attempts, jittered exponential
 * backoff capped at 20 s, on throttling and transient error codes, 5xx,
 * connection errors, honouring x-amz-retry-after; a clock-skew rejection is
 * corrected from the server's Date header and retried once.
 *
 * Within one attempt libcurl may send a request a second time on its own,
 * when a kept-alive connection dies before any answer; like the SDKs'
 * retries, that can repeat a write.  With max_attempts 1 every request goes
 * on a new connection, where it never does: one attempt is one send.
 */
#ifndef DK_AWSAPI_H
#define DK_AWSAPI_H

#include <jansson.h>

#include "awscred.h"
#include "awshost.h"
#include "buf.h"
#include "dkerr.h"
#include "http.h"

/* A service endpoint to call.  Pointers are borrowed for its lifetime. */
struct awsapi {
	struct http_client		*http;
	const struct awscred		*cred;
	const struct awshost_service	*service;
	const char			*region;
	const char			*endpoint;	/* base URL from awsconf_endpoint() */
	int				 max_attempts;	/* 0: 3 */
	long				 skew;		/* seconds to add to the local
							 * clock; learned on skew errors */
	/* Told about each retry ("retrying in 1.2 s after ThrottlingException"). */
	void				(*notify)(void *, const char *);
	void				*notify_arg;
};

/* An error as AWS reported it. */
struct awsapi_error {
	long	status;
	char	code[128];	/* "ThrottlingException", "" if none found */
	char	message[400];
	char	request_id[128];
};

/*
 * Call a JSON 1.1 operation ("PutParameter") with a request object.
 * Returns 0 and a new reference in *reply, or -1 with err set: DKERR_REMOTE
 * with aerr filled and err->msg "Code: message"; DKERR_NETWORK when retries
 * ran out; DKERR_INPUT for a request that cannot be sent.  aerr may be NULL.
 */
int	awsapi_json(struct awsapi *, const char *operation, json_t *request,
	    json_t **reply, struct awsapi_error *, struct dkerr *);

/*
 * Call a query-protocol action: form is the url-encoded body
 * ("Action=AssumeRole&Version=2011-06-15&..."); the XML reply goes to out.
 * Errors as awsapi_json().
 */
int	awsapi_query(struct awsapi *, const char *form, struct buf *out,
	    struct awsapi_error *, struct dkerr *);

/*
 * Parse an error answer the way the SDKs do: X-Amzn-Errortype header, then
 * the body's "code", then "__type" (cut before '#', after ':'), "message"
 * or "Message"; XML <Error><Code>/<Message> (query services, moto's auth
 * errors).  Fills out; returns 0 when a code was found, -1 otherwise (out
 * still holds the status and whatever was found).
 */
int	awsapi_parse_error(long status, const struct http_response *,
	    struct awsapi_error *);

/* Standard retry mode: whether an answer is worth another attempt. */
int	awsapi_retryable(long status, const char *code);

/* Whether an error code says the signing clock is off. */
int	awsapi_is_skew(const char *code);

/*
 * The text of the first <name>...</name> element in an XML document, with
 * the five predefined entities and character references decoded, into out.
 * Returns 0, or -1 when absent or malformed.  Enough for AWS's flat replies.
 */
int	awsapi_xml_text(const char *xml, size_t len, const char *name,
	    struct buf *out);

#endif
