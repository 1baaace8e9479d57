/*
 * awshost: AWS host names, both ways.  Pure functions: no state, no I/O.
 *
 * Building: the standard endpoint of a service in a region, by partition
 * (aws: amazonaws.com, aws-cn: amazonaws.com.cn, aws-us-gov, aws-iso,
 * aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc), FIPS and dual-stack variants,
 * as the SDKs' endpoint rule sets (botocore data/<svc>/<ver>/
 * endpoint-rule-set-1.json) compute them.  Parsing: which service (signing
 * name) and region a standard AWS host name stands for, so that a tool can
 * sign for a URL without being told.
 */
#ifndef DK_AWSHOST_H
#define DK_AWSHOST_H

#include <stddef.h>

#include "dkerr.h"

/* Room for any region name awshost_region_valid() accepts, with its NUL. */
#define AWSHOST_REGION_MAX	32

/* A service as deploykit calls it.  Instances are constant tables. */
struct awshost_service {
	const char	*id;		/* AWS_ENDPOINT_URL_<id>, e.g. "SSM", "ECR_PUBLIC" */
	const char	*signing_name;	/* "ssm", "ecr", "sts", "ecr-public" */
	const char	*prefix;	/* host prefix: "ssm", "api.ecr", "sts" */
	const char	*fips_prefix;	/* "ssm-fips", "api.ecr-fips"; NULL: none */
	const char	*target;	/* JSON 1.1 X-Amz-Target prefix; NULL: query */
	const char	*global_region;	/* set for services with one region
					 * (ECR Public: us-east-1) */
	/* Added after the fields above; the rule sets need them. */
	const char	*ds_prefix;	/* on the dual-stack suffix: "ecr" for ECR */
	const char	*fips_ds_prefix; /* FIPS on the dual-stack suffix;
					 * NULL: fips_prefix */
	unsigned	 flags;		/* AWSHOST_* below */
	const char	*fips_std_prefix; /* FIPS in aws and aws-us-gov, where
					 * it differs: "ecr-fips" for ECR */
};

/* In aws-us-gov the standard host is already FIPS (SSM, STS). */
#define AWSHOST_GOV_FIPS_PLAIN	0x1
/* ds_prefix holds in the aws partition only; elsewhere prefix (ECR Public). */
#define AWSHOST_DS_AWS_ONLY	0x2

extern const struct awshost_service awshost_ssm;
extern const struct awshost_service awshost_ecr;
extern const struct awshost_service awshost_ecr_public;
extern const struct awshost_service awshost_sts;

/*
 * Partition of a region: "aws", "aws-cn", "aws-us-gov", "aws-iso", ...;
 * a well-formed region no partition claims is "aws", as in the SDKs.
 * NULL for a string that is not a well-formed region name.  Static string.
 */
const char *awshost_partition(const char *region);

/*
 * Whether a string is a well-formed region name: 3 to 5 lower-case labels
 * joined by '-', the first 2-4 letters, the middle ones letters, the last a
 * number without leading zero, none "fips" ("eu-west-1", "us-gov-west-1",
 * "eusc-de-east-1"), shorter than AWSHOST_REGION_MAX.  Strict on purpose:
 * the name ends up in host names and credential scopes.
 */
int	awshost_region_valid(const char *);

/*
 * The DNS suffix of a region's partition: "amazonaws.com", or with
 * dualstack "api.aws" ("amazonaws.com.cn" / "api.amazonwebservices.com.cn"
 * in China...).  NULL for a malformed region.  Static string.
 */
const char *awshost_dns_suffix(const char *region, int dualstack);

/*
 * The standard endpoint URL ("https://ssm.eu-west-1.amazonaws.com") of a
 * service in a region.  Returns a string the caller frees, or NULL with err
 * set (DKERR_INPUT: malformed region, no FIPS endpoint for the service;
 * DKERR_NETWORK: out of memory).
 */
char	*awshost_endpoint(const struct awshost_service *, const char *region,
	    int fips, int dualstack, struct dkerr *);

/*
 * Infer signing name and region from a standard AWS host name
 * ("ssm.eu-west-1.amazonaws.com" -> "ssm", "eu-west-1";
 * "api.ecr.us-east-1.amazonaws.com" -> "ecr"; "sts.amazonaws.com" -> "sts",
 * "us-east-1"; FIPS, dual-stack, api.aws, China, PrivateLink (vpce),
 * execute-api, ECR registry and S3 virtual-host, dash and global forms too).
 * Case-insensitive; one trailing dot allowed; no port.  Writes into the
 * caller's buffers; returns 0, or -1 when the host is not one it recognizes
 * or a buffer is too small (nothing set then).
 */
int	awshost_parse(const char *host, char *service, size_t servicesz,
	    char *region, size_t regionsz);

/*
 * Take an ECR registry host apart: "<12 digits>.dkr.ecr[-fips].<region>.
 * <partition suffix>" or the dual-stack "<12 digits>.dkr-ecr[-fips].<region>
 * .on.aws".  Fills account (NUL-terminated), region and *fips (may be NULL).
 * Returns 0, or -1 for anything else (nothing set then).
 */
int	awshost_parse_registry(const char *host, char account[13], char *region,
	    size_t regionsz, int *fips);

#endif
