/*
 * Unit tests for lib/awshost: region names, partitions, standard endpoints
 * (every service x partition x FIPS/dual-stack, against botocore's rule
 * sets), and reading service and region back off host names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awshost.h"
#include "dkerr.h"
#include "tap.h"

/*
 * Generated from botocore 1.43 with its EndpointProvider over
 * data/<svc>/<version>/endpoint-rule-set-1.json.gz and partitions.json
 * (Region, UseFIPS, UseDualStack; STS with UseGlobalEndpoint false, the
 * default), then checked against what botocore's clients resolve
 * (create_client(...).meta.endpoint_url), which differs for ECR FIPS in the
 * aws and aws-us-gov partitions: ecr-fips, not the rule set's api.ecr-fips.
 * The one deliberate difference: ECR Public FIPS, for which the rule set
 * makes up api.ecr-public-fips hosts that AWS does not publish, is an
 * error (NULL).
 */
static const struct {
	const struct awshost_service	*svc;
	const char			*region;
	int				 fips, ds;
	const char			*want;
} endpoints[] = {
	{ &awshost_ssm, "us-east-1", 0, 0,
	    "https://ssm.us-east-1.amazonaws.com" },
	{ &awshost_ssm, "us-east-1", 0, 1,
	    "https://ssm.us-east-1.api.aws" },
	{ &awshost_ssm, "us-east-1", 1, 0,
	    "https://ssm-fips.us-east-1.amazonaws.com" },
	{ &awshost_ssm, "us-east-1", 1, 1,
	    "https://ssm-fips.us-east-1.api.aws" },
	{ &awshost_ssm, "eu-west-1", 0, 0,
	    "https://ssm.eu-west-1.amazonaws.com" },
	{ &awshost_ssm, "eu-west-1", 0, 1,
	    "https://ssm.eu-west-1.api.aws" },
	{ &awshost_ssm, "eu-west-1", 1, 0,
	    "https://ssm-fips.eu-west-1.amazonaws.com" },
	{ &awshost_ssm, "eu-west-1", 1, 1,
	    "https://ssm-fips.eu-west-1.api.aws" },
	{ &awshost_ssm, "ap-southeast-7", 0, 0,
	    "https://ssm.ap-southeast-7.amazonaws.com" },
	{ &awshost_ssm, "ap-southeast-7", 0, 1,
	    "https://ssm.ap-southeast-7.api.aws" },
	{ &awshost_ssm, "ap-southeast-7", 1, 0,
	    "https://ssm-fips.ap-southeast-7.amazonaws.com" },
	{ &awshost_ssm, "ap-southeast-7", 1, 1,
	    "https://ssm-fips.ap-southeast-7.api.aws" },
	{ &awshost_ssm, "cn-north-1", 0, 0,
	    "https://ssm.cn-north-1.amazonaws.com.cn" },
	{ &awshost_ssm, "cn-north-1", 0, 1,
	    "https://ssm.cn-north-1.api.amazonwebservices.com.cn" },
	{ &awshost_ssm, "cn-north-1", 1, 0,
	    "https://ssm-fips.cn-north-1.amazonaws.com.cn" },
	{ &awshost_ssm, "cn-north-1", 1, 1,
	    "https://ssm-fips.cn-north-1.api.amazonwebservices.com.cn" },
	{ &awshost_ssm, "cn-northwest-1", 0, 0,
	    "https://ssm.cn-northwest-1.amazonaws.com.cn" },
	{ &awshost_ssm, "cn-northwest-1", 0, 1,
	    "https://ssm.cn-northwest-1.api.amazonwebservices.com.cn" },
	{ &awshost_ssm, "cn-northwest-1", 1, 0,
	    "https://ssm-fips.cn-northwest-1.amazonaws.com.cn" },
	{ &awshost_ssm, "cn-northwest-1", 1, 1,
	    "https://ssm-fips.cn-northwest-1.api.amazonwebservices.com.cn" },
	{ &awshost_ssm, "us-gov-west-1", 0, 0,
	    "https://ssm.us-gov-west-1.amazonaws.com" },
	{ &awshost_ssm, "us-gov-west-1", 0, 1,
	    "https://ssm.us-gov-west-1.api.aws" },
	{ &awshost_ssm, "us-gov-west-1", 1, 0,
	    "https://ssm.us-gov-west-1.amazonaws.com" },
	{ &awshost_ssm, "us-gov-west-1", 1, 1,
	    "https://ssm-fips.us-gov-west-1.api.aws" },
	{ &awshost_ssm, "us-gov-east-1", 0, 0,
	    "https://ssm.us-gov-east-1.amazonaws.com" },
	{ &awshost_ssm, "us-gov-east-1", 0, 1,
	    "https://ssm.us-gov-east-1.api.aws" },
	{ &awshost_ssm, "us-gov-east-1", 1, 0,
	    "https://ssm.us-gov-east-1.amazonaws.com" },
	{ &awshost_ssm, "us-gov-east-1", 1, 1,
	    "https://ssm-fips.us-gov-east-1.api.aws" },
	{ &awshost_ssm, "us-iso-east-1", 0, 0,
	    "https://ssm.us-iso-east-1.c2s.ic.gov" },
	{ &awshost_ssm, "us-iso-east-1", 0, 1,
	    "https://ssm.us-iso-east-1.api.aws.ic.gov" },
	{ &awshost_ssm, "us-iso-east-1", 1, 0,
	    "https://ssm-fips.us-iso-east-1.c2s.ic.gov" },
	{ &awshost_ssm, "us-iso-east-1", 1, 1,
	    "https://ssm-fips.us-iso-east-1.api.aws.ic.gov" },
	{ &awshost_ssm, "us-isob-east-1", 0, 0,
	    "https://ssm.us-isob-east-1.sc2s.sgov.gov" },
	{ &awshost_ssm, "us-isob-east-1", 0, 1,
	    "https://ssm.us-isob-east-1.api.aws.scloud" },
	{ &awshost_ssm, "us-isob-east-1", 1, 0,
	    "https://ssm-fips.us-isob-east-1.sc2s.sgov.gov" },
	{ &awshost_ssm, "us-isob-east-1", 1, 1,
	    "https://ssm-fips.us-isob-east-1.api.aws.scloud" },
	{ &awshost_ssm, "eu-isoe-west-1", 0, 0,
	    "https://ssm.eu-isoe-west-1.cloud.adc-e.uk" },
	{ &awshost_ssm, "eu-isoe-west-1", 0, 1,
	    "https://ssm.eu-isoe-west-1.api.cloud-aws.adc-e.uk" },
	{ &awshost_ssm, "eu-isoe-west-1", 1, 0,
	    "https://ssm-fips.eu-isoe-west-1.cloud.adc-e.uk" },
	{ &awshost_ssm, "eu-isoe-west-1", 1, 1,
	    "https://ssm-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk" },
	{ &awshost_ssm, "us-isof-south-1", 0, 0,
	    "https://ssm.us-isof-south-1.csp.hci.ic.gov" },
	{ &awshost_ssm, "us-isof-south-1", 0, 1,
	    "https://ssm.us-isof-south-1.api.aws.hci.ic.gov" },
	{ &awshost_ssm, "us-isof-south-1", 1, 0,
	    "https://ssm-fips.us-isof-south-1.csp.hci.ic.gov" },
	{ &awshost_ssm, "us-isof-south-1", 1, 1,
	    "https://ssm-fips.us-isof-south-1.api.aws.hci.ic.gov" },
	{ &awshost_ssm, "eusc-de-east-1", 0, 0,
	    "https://ssm.eusc-de-east-1.amazonaws.eu" },
	{ &awshost_ssm, "eusc-de-east-1", 0, 1,
	    "https://ssm.eusc-de-east-1.api.amazonwebservices.eu" },
	{ &awshost_ssm, "eusc-de-east-1", 1, 0,
	    "https://ssm-fips.eusc-de-east-1.amazonaws.eu" },
	{ &awshost_ssm, "eusc-de-east-1", 1, 1,
	    "https://ssm-fips.eusc-de-east-1.api.amazonwebservices.eu" },
	{ &awshost_ssm, "xx-future-1", 0, 0,
	    "https://ssm.xx-future-1.amazonaws.com" },
	{ &awshost_ssm, "xx-future-1", 0, 1,
	    "https://ssm.xx-future-1.api.aws" },
	{ &awshost_ssm, "xx-future-1", 1, 0,
	    "https://ssm-fips.xx-future-1.amazonaws.com" },
	{ &awshost_ssm, "xx-future-1", 1, 1,
	    "https://ssm-fips.xx-future-1.api.aws" },
	{ &awshost_ecr, "us-east-1", 0, 0,
	    "https://api.ecr.us-east-1.amazonaws.com" },
	{ &awshost_ecr, "us-east-1", 0, 1,
	    "https://ecr.us-east-1.api.aws" },
	{ &awshost_ecr, "us-east-1", 1, 0,
	    "https://ecr-fips.us-east-1.amazonaws.com" },
	{ &awshost_ecr, "us-east-1", 1, 1,
	    "https://ecr-fips.us-east-1.api.aws" },
	{ &awshost_ecr, "eu-west-1", 0, 0,
	    "https://api.ecr.eu-west-1.amazonaws.com" },
	{ &awshost_ecr, "eu-west-1", 0, 1,
	    "https://ecr.eu-west-1.api.aws" },
	{ &awshost_ecr, "eu-west-1", 1, 0,
	    "https://ecr-fips.eu-west-1.amazonaws.com" },
	{ &awshost_ecr, "eu-west-1", 1, 1,
	    "https://ecr-fips.eu-west-1.api.aws" },
	{ &awshost_ecr, "ap-southeast-7", 0, 0,
	    "https://api.ecr.ap-southeast-7.amazonaws.com" },
	{ &awshost_ecr, "ap-southeast-7", 0, 1,
	    "https://ecr.ap-southeast-7.api.aws" },
	{ &awshost_ecr, "ap-southeast-7", 1, 0,
	    "https://ecr-fips.ap-southeast-7.amazonaws.com" },
	{ &awshost_ecr, "ap-southeast-7", 1, 1,
	    "https://ecr-fips.ap-southeast-7.api.aws" },
	{ &awshost_ecr, "cn-north-1", 0, 0,
	    "https://api.ecr.cn-north-1.amazonaws.com.cn" },
	{ &awshost_ecr, "cn-north-1", 0, 1,
	    "https://ecr.cn-north-1.api.amazonwebservices.com.cn" },
	{ &awshost_ecr, "cn-north-1", 1, 0,
	    "https://api.ecr-fips.cn-north-1.amazonaws.com.cn" },
	{ &awshost_ecr, "cn-north-1", 1, 1,
	    "https://ecr-fips.cn-north-1.api.amazonwebservices.com.cn" },
	{ &awshost_ecr, "cn-northwest-1", 0, 0,
	    "https://api.ecr.cn-northwest-1.amazonaws.com.cn" },
	{ &awshost_ecr, "cn-northwest-1", 0, 1,
	    "https://ecr.cn-northwest-1.api.amazonwebservices.com.cn" },
	{ &awshost_ecr, "cn-northwest-1", 1, 0,
	    "https://api.ecr-fips.cn-northwest-1.amazonaws.com.cn" },
	{ &awshost_ecr, "cn-northwest-1", 1, 1,
	    "https://ecr-fips.cn-northwest-1.api.amazonwebservices.com.cn" },
	{ &awshost_ecr, "us-gov-west-1", 0, 0,
	    "https://api.ecr.us-gov-west-1.amazonaws.com" },
	{ &awshost_ecr, "us-gov-west-1", 0, 1,
	    "https://ecr.us-gov-west-1.api.aws" },
	{ &awshost_ecr, "us-gov-west-1", 1, 0,
	    "https://ecr-fips.us-gov-west-1.amazonaws.com" },
	{ &awshost_ecr, "us-gov-west-1", 1, 1,
	    "https://ecr-fips.us-gov-west-1.api.aws" },
	{ &awshost_ecr, "us-gov-east-1", 0, 0,
	    "https://api.ecr.us-gov-east-1.amazonaws.com" },
	{ &awshost_ecr, "us-gov-east-1", 0, 1,
	    "https://ecr.us-gov-east-1.api.aws" },
	{ &awshost_ecr, "us-gov-east-1", 1, 0,
	    "https://ecr-fips.us-gov-east-1.amazonaws.com" },
	{ &awshost_ecr, "us-gov-east-1", 1, 1,
	    "https://ecr-fips.us-gov-east-1.api.aws" },
	{ &awshost_ecr, "us-iso-east-1", 0, 0,
	    "https://api.ecr.us-iso-east-1.c2s.ic.gov" },
	{ &awshost_ecr, "us-iso-east-1", 0, 1,
	    "https://ecr.us-iso-east-1.api.aws.ic.gov" },
	{ &awshost_ecr, "us-iso-east-1", 1, 0,
	    "https://api.ecr-fips.us-iso-east-1.c2s.ic.gov" },
	{ &awshost_ecr, "us-iso-east-1", 1, 1,
	    "https://ecr-fips.us-iso-east-1.api.aws.ic.gov" },
	{ &awshost_ecr, "us-isob-east-1", 0, 0,
	    "https://api.ecr.us-isob-east-1.sc2s.sgov.gov" },
	{ &awshost_ecr, "us-isob-east-1", 0, 1,
	    "https://ecr.us-isob-east-1.api.aws.scloud" },
	{ &awshost_ecr, "us-isob-east-1", 1, 0,
	    "https://api.ecr-fips.us-isob-east-1.sc2s.sgov.gov" },
	{ &awshost_ecr, "us-isob-east-1", 1, 1,
	    "https://ecr-fips.us-isob-east-1.api.aws.scloud" },
	{ &awshost_ecr, "eu-isoe-west-1", 0, 0,
	    "https://api.ecr.eu-isoe-west-1.cloud.adc-e.uk" },
	{ &awshost_ecr, "eu-isoe-west-1", 0, 1,
	    "https://ecr.eu-isoe-west-1.api.cloud-aws.adc-e.uk" },
	{ &awshost_ecr, "eu-isoe-west-1", 1, 0,
	    "https://api.ecr-fips.eu-isoe-west-1.cloud.adc-e.uk" },
	{ &awshost_ecr, "eu-isoe-west-1", 1, 1,
	    "https://ecr-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk" },
	{ &awshost_ecr, "us-isof-south-1", 0, 0,
	    "https://api.ecr.us-isof-south-1.csp.hci.ic.gov" },
	{ &awshost_ecr, "us-isof-south-1", 0, 1,
	    "https://ecr.us-isof-south-1.api.aws.hci.ic.gov" },
	{ &awshost_ecr, "us-isof-south-1", 1, 0,
	    "https://api.ecr-fips.us-isof-south-1.csp.hci.ic.gov" },
	{ &awshost_ecr, "us-isof-south-1", 1, 1,
	    "https://ecr-fips.us-isof-south-1.api.aws.hci.ic.gov" },
	{ &awshost_ecr, "eusc-de-east-1", 0, 0,
	    "https://api.ecr.eusc-de-east-1.amazonaws.eu" },
	{ &awshost_ecr, "eusc-de-east-1", 0, 1,
	    "https://ecr.eusc-de-east-1.api.amazonwebservices.eu" },
	{ &awshost_ecr, "eusc-de-east-1", 1, 0,
	    "https://api.ecr-fips.eusc-de-east-1.amazonaws.eu" },
	{ &awshost_ecr, "eusc-de-east-1", 1, 1,
	    "https://ecr-fips.eusc-de-east-1.api.amazonwebservices.eu" },
	{ &awshost_ecr, "xx-future-1", 0, 0,
	    "https://api.ecr.xx-future-1.amazonaws.com" },
	{ &awshost_ecr, "xx-future-1", 0, 1,
	    "https://ecr.xx-future-1.api.aws" },
	{ &awshost_ecr, "xx-future-1", 1, 0,
	    "https://ecr-fips.xx-future-1.amazonaws.com" },
	{ &awshost_ecr, "xx-future-1", 1, 1,
	    "https://ecr-fips.xx-future-1.api.aws" },
	{ &awshost_ecr_public, "us-east-1", 0, 0,
	    "https://api.ecr-public.us-east-1.amazonaws.com" },
	{ &awshost_ecr_public, "us-east-1", 0, 1,
	    "https://ecr-public.us-east-1.api.aws" },
	{ &awshost_ecr_public, "us-east-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "us-east-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "eu-west-1", 0, 0,
	    "https://api.ecr-public.eu-west-1.amazonaws.com" },
	{ &awshost_ecr_public, "eu-west-1", 0, 1,
	    "https://ecr-public.eu-west-1.api.aws" },
	{ &awshost_ecr_public, "eu-west-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "eu-west-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "ap-southeast-7", 0, 0,
	    "https://api.ecr-public.ap-southeast-7.amazonaws.com" },
	{ &awshost_ecr_public, "ap-southeast-7", 0, 1,
	    "https://ecr-public.ap-southeast-7.api.aws" },
	{ &awshost_ecr_public, "ap-southeast-7", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "ap-southeast-7", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "cn-north-1", 0, 0,
	    "https://api.ecr-public.cn-north-1.amazonaws.com.cn" },
	{ &awshost_ecr_public, "cn-north-1", 0, 1,
	    "https://api.ecr-public.cn-north-1.api.amazonwebservices.com.cn" },
	{ &awshost_ecr_public, "cn-north-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "cn-north-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "cn-northwest-1", 0, 0,
	    "https://api.ecr-public.cn-northwest-1.amazonaws.com.cn" },
	{ &awshost_ecr_public, "cn-northwest-1", 0, 1,
	    "https://api.ecr-public.cn-northwest-1.api.amazonwebservices.com.cn" },
	{ &awshost_ecr_public, "cn-northwest-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "cn-northwest-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "us-gov-west-1", 0, 0,
	    "https://api.ecr-public.us-gov-west-1.amazonaws.com" },
	{ &awshost_ecr_public, "us-gov-west-1", 0, 1,
	    "https://api.ecr-public.us-gov-west-1.api.aws" },
	{ &awshost_ecr_public, "us-gov-west-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "us-gov-west-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "us-gov-east-1", 0, 0,
	    "https://api.ecr-public.us-gov-east-1.amazonaws.com" },
	{ &awshost_ecr_public, "us-gov-east-1", 0, 1,
	    "https://api.ecr-public.us-gov-east-1.api.aws" },
	{ &awshost_ecr_public, "us-gov-east-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "us-gov-east-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "us-iso-east-1", 0, 0,
	    "https://api.ecr-public.us-iso-east-1.c2s.ic.gov" },
	{ &awshost_ecr_public, "us-iso-east-1", 0, 1,
	    "https://api.ecr-public.us-iso-east-1.api.aws.ic.gov" },
	{ &awshost_ecr_public, "us-iso-east-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "us-iso-east-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "us-isob-east-1", 0, 0,
	    "https://api.ecr-public.us-isob-east-1.sc2s.sgov.gov" },
	{ &awshost_ecr_public, "us-isob-east-1", 0, 1,
	    "https://api.ecr-public.us-isob-east-1.api.aws.scloud" },
	{ &awshost_ecr_public, "us-isob-east-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "us-isob-east-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "eu-isoe-west-1", 0, 0,
	    "https://api.ecr-public.eu-isoe-west-1.cloud.adc-e.uk" },
	{ &awshost_ecr_public, "eu-isoe-west-1", 0, 1,
	    "https://api.ecr-public.eu-isoe-west-1.api.cloud-aws.adc-e.uk" },
	{ &awshost_ecr_public, "eu-isoe-west-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "eu-isoe-west-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "us-isof-south-1", 0, 0,
	    "https://api.ecr-public.us-isof-south-1.csp.hci.ic.gov" },
	{ &awshost_ecr_public, "us-isof-south-1", 0, 1,
	    "https://api.ecr-public.us-isof-south-1.api.aws.hci.ic.gov" },
	{ &awshost_ecr_public, "us-isof-south-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "us-isof-south-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "eusc-de-east-1", 0, 0,
	    "https://api.ecr-public.eusc-de-east-1.amazonaws.eu" },
	{ &awshost_ecr_public, "eusc-de-east-1", 0, 1,
	    "https://api.ecr-public.eusc-de-east-1.api.amazonwebservices.eu" },
	{ &awshost_ecr_public, "eusc-de-east-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "eusc-de-east-1", 1, 1,
	    NULL },
	{ &awshost_ecr_public, "xx-future-1", 0, 0,
	    "https://api.ecr-public.xx-future-1.amazonaws.com" },
	{ &awshost_ecr_public, "xx-future-1", 0, 1,
	    "https://ecr-public.xx-future-1.api.aws" },
	{ &awshost_ecr_public, "xx-future-1", 1, 0,
	    NULL },
	{ &awshost_ecr_public, "xx-future-1", 1, 1,
	    NULL },
	{ &awshost_sts, "us-east-1", 0, 0,
	    "https://sts.us-east-1.amazonaws.com" },
	{ &awshost_sts, "us-east-1", 0, 1,
	    "https://sts.us-east-1.api.aws" },
	{ &awshost_sts, "us-east-1", 1, 0,
	    "https://sts-fips.us-east-1.amazonaws.com" },
	{ &awshost_sts, "us-east-1", 1, 1,
	    "https://sts-fips.us-east-1.api.aws" },
	{ &awshost_sts, "eu-west-1", 0, 0,
	    "https://sts.eu-west-1.amazonaws.com" },
	{ &awshost_sts, "eu-west-1", 0, 1,
	    "https://sts.eu-west-1.api.aws" },
	{ &awshost_sts, "eu-west-1", 1, 0,
	    "https://sts-fips.eu-west-1.amazonaws.com" },
	{ &awshost_sts, "eu-west-1", 1, 1,
	    "https://sts-fips.eu-west-1.api.aws" },
	{ &awshost_sts, "ap-southeast-7", 0, 0,
	    "https://sts.ap-southeast-7.amazonaws.com" },
	{ &awshost_sts, "ap-southeast-7", 0, 1,
	    "https://sts.ap-southeast-7.api.aws" },
	{ &awshost_sts, "ap-southeast-7", 1, 0,
	    "https://sts-fips.ap-southeast-7.amazonaws.com" },
	{ &awshost_sts, "ap-southeast-7", 1, 1,
	    "https://sts-fips.ap-southeast-7.api.aws" },
	{ &awshost_sts, "cn-north-1", 0, 0,
	    "https://sts.cn-north-1.amazonaws.com.cn" },
	{ &awshost_sts, "cn-north-1", 0, 1,
	    "https://sts.cn-north-1.api.amazonwebservices.com.cn" },
	{ &awshost_sts, "cn-north-1", 1, 0,
	    "https://sts-fips.cn-north-1.amazonaws.com.cn" },
	{ &awshost_sts, "cn-north-1", 1, 1,
	    "https://sts-fips.cn-north-1.api.amazonwebservices.com.cn" },
	{ &awshost_sts, "cn-northwest-1", 0, 0,
	    "https://sts.cn-northwest-1.amazonaws.com.cn" },
	{ &awshost_sts, "cn-northwest-1", 0, 1,
	    "https://sts.cn-northwest-1.api.amazonwebservices.com.cn" },
	{ &awshost_sts, "cn-northwest-1", 1, 0,
	    "https://sts-fips.cn-northwest-1.amazonaws.com.cn" },
	{ &awshost_sts, "cn-northwest-1", 1, 1,
	    "https://sts-fips.cn-northwest-1.api.amazonwebservices.com.cn" },
	{ &awshost_sts, "us-gov-west-1", 0, 0,
	    "https://sts.us-gov-west-1.amazonaws.com" },
	{ &awshost_sts, "us-gov-west-1", 0, 1,
	    "https://sts.us-gov-west-1.api.aws" },
	{ &awshost_sts, "us-gov-west-1", 1, 0,
	    "https://sts.us-gov-west-1.amazonaws.com" },
	{ &awshost_sts, "us-gov-west-1", 1, 1,
	    "https://sts-fips.us-gov-west-1.api.aws" },
	{ &awshost_sts, "us-gov-east-1", 0, 0,
	    "https://sts.us-gov-east-1.amazonaws.com" },
	{ &awshost_sts, "us-gov-east-1", 0, 1,
	    "https://sts.us-gov-east-1.api.aws" },
	{ &awshost_sts, "us-gov-east-1", 1, 0,
	    "https://sts.us-gov-east-1.amazonaws.com" },
	{ &awshost_sts, "us-gov-east-1", 1, 1,
	    "https://sts-fips.us-gov-east-1.api.aws" },
	{ &awshost_sts, "us-iso-east-1", 0, 0,
	    "https://sts.us-iso-east-1.c2s.ic.gov" },
	{ &awshost_sts, "us-iso-east-1", 0, 1,
	    "https://sts.us-iso-east-1.api.aws.ic.gov" },
	{ &awshost_sts, "us-iso-east-1", 1, 0,
	    "https://sts-fips.us-iso-east-1.c2s.ic.gov" },
	{ &awshost_sts, "us-iso-east-1", 1, 1,
	    "https://sts-fips.us-iso-east-1.api.aws.ic.gov" },
	{ &awshost_sts, "us-isob-east-1", 0, 0,
	    "https://sts.us-isob-east-1.sc2s.sgov.gov" },
	{ &awshost_sts, "us-isob-east-1", 0, 1,
	    "https://sts.us-isob-east-1.api.aws.scloud" },
	{ &awshost_sts, "us-isob-east-1", 1, 0,
	    "https://sts-fips.us-isob-east-1.sc2s.sgov.gov" },
	{ &awshost_sts, "us-isob-east-1", 1, 1,
	    "https://sts-fips.us-isob-east-1.api.aws.scloud" },
	{ &awshost_sts, "eu-isoe-west-1", 0, 0,
	    "https://sts.eu-isoe-west-1.cloud.adc-e.uk" },
	{ &awshost_sts, "eu-isoe-west-1", 0, 1,
	    "https://sts.eu-isoe-west-1.api.cloud-aws.adc-e.uk" },
	{ &awshost_sts, "eu-isoe-west-1", 1, 0,
	    "https://sts-fips.eu-isoe-west-1.cloud.adc-e.uk" },
	{ &awshost_sts, "eu-isoe-west-1", 1, 1,
	    "https://sts-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk" },
	{ &awshost_sts, "us-isof-south-1", 0, 0,
	    "https://sts.us-isof-south-1.csp.hci.ic.gov" },
	{ &awshost_sts, "us-isof-south-1", 0, 1,
	    "https://sts.us-isof-south-1.api.aws.hci.ic.gov" },
	{ &awshost_sts, "us-isof-south-1", 1, 0,
	    "https://sts-fips.us-isof-south-1.csp.hci.ic.gov" },
	{ &awshost_sts, "us-isof-south-1", 1, 1,
	    "https://sts-fips.us-isof-south-1.api.aws.hci.ic.gov" },
	{ &awshost_sts, "eusc-de-east-1", 0, 0,
	    "https://sts.eusc-de-east-1.amazonaws.eu" },
	{ &awshost_sts, "eusc-de-east-1", 0, 1,
	    "https://sts.eusc-de-east-1.api.amazonwebservices.eu" },
	{ &awshost_sts, "eusc-de-east-1", 1, 0,
	    "https://sts-fips.eusc-de-east-1.amazonaws.eu" },
	{ &awshost_sts, "eusc-de-east-1", 1, 1,
	    "https://sts-fips.eusc-de-east-1.api.amazonwebservices.eu" },
	{ &awshost_sts, "xx-future-1", 0, 0,
	    "https://sts.xx-future-1.amazonaws.com" },
	{ &awshost_sts, "xx-future-1", 0, 1,
	    "https://sts.xx-future-1.api.aws" },
	{ &awshost_sts, "xx-future-1", 1, 0,
	    "https://sts-fips.xx-future-1.amazonaws.com" },
	{ &awshost_sts, "xx-future-1", 1, 1,
	    "https://sts-fips.xx-future-1.api.aws" },
};

/* A string fit for one TAP line: control bytes escaped. */
static const char *
shown(const char *s)
{
	static char	 out[512];
	size_t		 n = 0;

	for (; *s && n + 5 < sizeof(out); s++) {
		if ((unsigned char)*s < 0x20) {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = "0123456789abcdef"[(unsigned char)*s >> 4];
			out[n++] = "0123456789abcdef"[*s & 0xf];
		} else
			out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

static void
test_region_valid(void)
{
	static const char *good[] = {
		"us-east-1", "eu-west-1", "ap-southeast-7", "cn-northwest-1",
		"us-gov-west-1", "us-isob-east-1", "eu-isoe-west-1",
		"us-isof-south-1", "eusc-de-east-1", "mx-central-1",
		"il-central-1", "xx-future-12",
	};
	static const char *bad[] = {
		"", "us-east", "us-east-01", "us-east-1a", "US-EAST-1",
		"us_east_1", "us-east-1.", "us--east-1", "-us-east-1",
		"us-east-1-", "u-east-1", "useast-east-1", "aws-global",
		"us-east-1-fips", "fips-us-east-1", "us-east-1 ", " us-east-1",
		"us-east-1\n", "us-east-1/../x", "us-east-1000", "us-1",
		"ab-cdefghijklmnopqrstu-1", "aa-bb-cc-dd-ee-1",
		"us-east-1.amazonaws.com", "us-east-\xc3\xa9",
	};
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		tap_ok(awshost_region_valid(good[i]), "region %s valid",
		    good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(!awshost_region_valid(bad[i]), "region '%s' refused",
		    shown(bad[i]));
	tap_ok(!awshost_region_valid(NULL), "NULL region refused");
}

static void
test_partition(void)
{
	static const struct {
		const char	*region, *partition, *dns, *ds;
	} t[] = {
		{ "us-east-1", "aws", "amazonaws.com", "api.aws" },
		{ "cn-north-1", "aws-cn", "amazonaws.com.cn",
		    "api.amazonwebservices.com.cn" },
		{ "us-gov-east-1", "aws-us-gov", "amazonaws.com", "api.aws" },
		{ "us-iso-west-1", "aws-iso", "c2s.ic.gov", "api.aws.ic.gov" },
		{ "us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov",
		    "api.aws.scloud" },
		{ "eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk",
		    "api.cloud-aws.adc-e.uk" },
		{ "us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov",
		    "api.aws.hci.ic.gov" },
		{ "eusc-de-east-1", "aws-eusc", "amazonaws.eu",
		    "api.amazonwebservices.eu" },
		/* Unclaimed but well-formed: the SDKs fall back to aws. */
		{ "xx-future-1", "aws", "amazonaws.com", "api.aws" },
		{ "us-gov-1", "aws", "amazonaws.com", "api.aws" },
	};
	const char	*p;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = awshost_partition(t[i].region);
		tap_ok(p && strcmp(p, t[i].partition) == 0, "%s is in %s",
		    t[i].region, t[i].partition);
		p = awshost_dns_suffix(t[i].region, 0);
		tap_ok(p && strcmp(p, t[i].dns) == 0, "%s suffix %s",
		    t[i].region, t[i].dns);
		p = awshost_dns_suffix(t[i].region, 1);
		tap_ok(p && strcmp(p, t[i].ds) == 0, "%s dual-stack suffix %s",
		    t[i].region, t[i].ds);
	}
	tap_ok(awshost_partition("nope") == NULL &&
	    awshost_partition(NULL) == NULL &&
	    awshost_dns_suffix("nope", 0) == NULL,
	    "no partition for a malformed region");
}

static void
test_endpoints(void)
{
	struct dkerr	 err;
	char		*u;
	size_t		 i;

	for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		memset(&err, 0, sizeof(err));
		u = awshost_endpoint(endpoints[i].svc, endpoints[i].region,
		    endpoints[i].fips, endpoints[i].ds, &err);
		if (endpoints[i].want == NULL)
			tap_ok(u == NULL && err.kind == DKERR_INPUT &&
			    strstr(err.msg, "FIPS") != NULL,
			    "%s %s fips=%d ds=%d: no endpoint (%s)",
			    endpoints[i].svc->id, endpoints[i].region,
			    endpoints[i].fips, endpoints[i].ds, err.msg);
		else if (tap_ok(u && strcmp(u, endpoints[i].want) == 0,
		    "%s %s fips=%d ds=%d -> %s", endpoints[i].svc->id,
		    endpoints[i].region, endpoints[i].fips, endpoints[i].ds,
		    endpoints[i].want) == 0)
			tap_diag("got %s (%s)", u ? u : "NULL", err.msg);
		free(u);
	}

	memset(&err, 0, sizeof(err));
	u = awshost_endpoint(&awshost_ssm, "eu-west-1; rm -rf /", 0, 0, &err);
	tap_ok(u == NULL && err.kind == DKERR_INPUT &&
	    strstr(err.msg, "not a valid region") != NULL,
	    "malformed region: DKERR_INPUT (%s)", err.msg);
	free(u);
	memset(&err, 0, sizeof(err));
	u = awshost_endpoint(&awshost_ssm, NULL, 0, 0, &err);
	tap_ok(u == NULL && err.kind == DKERR_INPUT, "no region: DKERR_INPUT");
	free(u);
	u = awshost_endpoint(&awshost_sts, "us-east-1", 0, 0, NULL);
	tap_ok(u && strcmp(u, "https://sts.us-east-1.amazonaws.com") == 0,
	    "STS is regional by default, err may be NULL");
	free(u);
}

static void
test_services(void)
{
	tap_ok(strcmp(awshost_ssm.target, "AmazonSSM") == 0 &&
	    strcmp(awshost_ecr.target,
	    "AmazonEC2ContainerRegistry_V20150921") == 0 &&
	    strcmp(awshost_ecr_public.target, "SpencerFrontendService") == 0 &&
	    awshost_sts.target == NULL, "JSON targets; STS is query");
	tap_ok(strcmp(awshost_ecr_public.global_region, "us-east-1") == 0 &&
	    awshost_ssm.global_region == NULL &&
	    awshost_ecr.global_region == NULL &&
	    awshost_sts.global_region == NULL, "only ECR Public is global");
	tap_ok(strcmp(awshost_ssm.id, "SSM") == 0 &&
	    strcmp(awshost_ecr.id, "ECR") == 0 &&
	    strcmp(awshost_ecr_public.id, "ECR_PUBLIC") == 0 &&
	    strcmp(awshost_sts.id, "STS") == 0, "AWS_ENDPOINT_URL_<id> ids");
	tap_ok(strcmp(awshost_ecr_public.signing_name, "ecr-public") == 0 &&
	    strcmp(awshost_ecr.signing_name, "ecr") == 0,
	    "signing names");
}

static void
test_parse(void)
{
	static const struct {
		const char	*host, *service, *region;
	} good[] = {
		{ "ssm.eu-west-1.amazonaws.com", "ssm", "eu-west-1" },
		{ "SSM.EU-West-1.AmazonAWS.com.", "ssm", "eu-west-1" },
		{ "ssm-fips.us-east-1.amazonaws.com", "ssm", "us-east-1" },
		{ "ssm.dualstack.us-east-1.amazonaws.com", "ssm", "us-east-1" },
		{ "ssm.us-east-1.api.aws", "ssm", "us-east-1" },
		{ "ssm-fips.us-gov-west-1.api.aws", "ssm", "us-gov-west-1" },
		{ "ssm.us-gov-west-1.amazonaws.com", "ssm", "us-gov-west-1" },
		{ "ssm.us-iso-east-1.c2s.ic.gov", "ssm", "us-iso-east-1" },
		{ "ssm.us-isob-east-1.api.aws.scloud", "ssm",
		    "us-isob-east-1" },
		{ "ssm.eusc-de-east-1.amazonaws.eu", "ssm", "eusc-de-east-1" },
		{ "api.ecr.eu-central-1.amazonaws.com", "ecr", "eu-central-1" },
		{ "api.ecr-fips.us-east-1.amazonaws.com", "ecr", "us-east-1" },
		{ "ecr.us-east-1.amazonaws.com", "ecr", "us-east-1" },
		{ "ecr-fips.us-east-1.amazonaws.com", "ecr", "us-east-1" },
		{ "ecr.us-east-1.api.aws", "ecr", "us-east-1" },
		{ "ecr-fips.us-east-1.api.aws", "ecr", "us-east-1" },
		{ "api.ecr.cn-north-1.amazonaws.com.cn", "ecr", "cn-north-1" },
		{ "ecr.cn-north-1.api.amazonwebservices.com.cn", "ecr",
		    "cn-north-1" },
		{ "api.ecr-public.us-east-1.amazonaws.com", "ecr-public",
		    "us-east-1" },
		{ "ecr-public.us-east-1.api.aws", "ecr-public", "us-east-1" },
		{ "sts.amazonaws.com", "sts", "us-east-1" },
		{ "sts.eu-west-1.amazonaws.com", "sts", "eu-west-1" },
		{ "sts-fips.us-east-2.amazonaws.com", "sts", "us-east-2" },
		{ "sts.cn-northwest-1.amazonaws.com.cn", "sts",
		    "cn-northwest-1" },
		{ "iam.amazonaws.com", "iam", "us-east-1" },
		{ "iam.us-gov.amazonaws.com", "iam", "us-gov-west-1" },
		{ "route53.amazonaws.com.cn", "route53", "cn-northwest-1" },
		{ "s3.amazonaws.com", "s3", "us-east-1" },
		{ "my-bucket.s3.amazonaws.com", "s3", "us-east-1" },
		{ "my.dotted.bucket.s3.us-west-2.amazonaws.com", "s3",
		    "us-west-2" },
		{ "s3.us-west-2.amazonaws.com", "s3", "us-west-2" },
		{ "s3-us-west-2.amazonaws.com", "s3", "us-west-2" },
		{ "bucket.s3-eu-west-1.amazonaws.com", "s3", "eu-west-1" },
		{ "s3.dualstack.eu-west-1.amazonaws.com", "s3", "eu-west-1" },
		{ "bucket.s3.dualstack.eu-west-1.amazonaws.com", "s3",
		    "eu-west-1" },
		{ "s3-external-1.amazonaws.com", "s3", "us-east-1" },
		{ "bucket.s3-external-1.amazonaws.com", "s3", "us-east-1" },
		{ "ap-111122223333.s3-accesspoint.eu-west-1.amazonaws.com",
		    "s3", "eu-west-1" },
		{ "abc123defg.execute-api.eu-west-1.amazonaws.com",
		    "execute-api", "eu-west-1" },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "ecr",
		    "eu-west-1" },
		{ "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com", "ecr",
		    "us-east-1" },
		{ "123456789012.dkr-ecr.us-east-1.on.aws", "ecr", "us-east-1" },
		{ "123456789012.dkr-ecr-fips.us-east-1.on.aws", "ecr",
		    "us-east-1" },
		{ "vpce-0a1b2c3d4e5f-abcd.ssm.eu-west-1.vpce.amazonaws.com",
		    "ssm", "eu-west-1" },
		{ "vpce-0a1b-cd.api.ecr.eu-west-1.vpce.amazonaws.com", "ecr",
		    "eu-west-1" },
		{ "email.us-east-1.amazonaws.com", "ses", "us-east-1" },
		{ "abc.lambda-url.us-east-1.on.aws", "lambda", "us-east-1" },
	};
	static const char *bad[] = {
		"", "example.com", "localhost", "127.0.0.1", "[::1]",
		"ssm.amazonaws.com", "amazonaws.com", "api.aws",
		"ssm.eu-west-1.amazonaws.com.evil.example",
		"ssm.eu-west-1.evilamazonaws.com", "evilamazonaws.com",
		"ssm.cn-north-1.amazonaws.com",
		"ssm.eu-west-1.amazonaws.com.cn",
		"ssm.us-iso-east-1.amazonaws.com", "ssm.eu-west-1.c2s.ic.gov",
		"ssm..eu-west-1.amazonaws.com", ".ssm.eu-west-1.amazonaws.com",
		"ssm.eu-west-1.amazonaws.com..",
		"ssm.eu-west-1.amazonaws.com:443",
		"ssm.eu_west_1.amazonaws.com", "ssm.eu-west-01.amazonaws.com",
		"dualstack.us-east-1.amazonaws.com",
		"123.us-east-1.amazonaws.com", "-x.us-east-1.amazonaws.com/",
		"ssm.eu-west-1.on.aws", "ssm.fips-us-east-1.amazonaws.com",
		"s3-website-us-east-1.amazonaws.com",
		"bucket.s3.cn-north-1.amazonaws.com",
		"ssm.eu-west-1.amazonaws.com\n", "ssm.eu-west-1 .amazonaws.com",
	};
	char	 svc[64], reg[AWSHOST_REGION_MAX], longhost[400];
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		strncpy(svc, "untouched", sizeof(svc));
		reg[0] = '\0';
		if (tap_ok(awshost_parse(good[i].host, svc, sizeof(svc), reg,
		    sizeof(reg)) == 0 && strcmp(svc, good[i].service) == 0 &&
		    strcmp(reg, good[i].region) == 0, "%s -> %s %s",
		    good[i].host, good[i].service, good[i].region) == 0)
			tap_diag("got %s %s", svc, reg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(svc, "untouched", 10);
		memcpy(reg, "untouched", 10);
		tap_ok(awshost_parse(bad[i], svc, sizeof(svc), reg,
		    sizeof(reg)) == -1 && strcmp(svc, "untouched") == 0 &&
		    strcmp(reg, "untouched") == 0, "'%s' not recognized, "
		    "nothing set", shown(bad[i]));
	}
	tap_ok(awshost_parse(NULL, svc, sizeof(svc), reg, sizeof(reg)) == -1,
	    "NULL host");

	memset(longhost, 'a', sizeof(longhost));
	memcpy(longhost + sizeof(longhost) - 30, ".ssm.eu-west-1.amazonaws.com",
	    29);
	tap_ok(awshost_parse(longhost, svc, sizeof(svc), reg,
	    sizeof(reg)) == -1, "host longer than 253 bytes refused");

	memcpy(svc, "xx", 3);
	memcpy(reg, "yy", 3);
	tap_ok(awshost_parse("ssm.eu-west-1.amazonaws.com", svc, 3, reg,
	    sizeof(reg)) == -1 && strcmp(svc, "xx") == 0 &&
	    strcmp(reg, "yy") == 0, "service buffer too small: -1, untouched");
	tap_ok(awshost_parse("ssm.eu-west-1.amazonaws.com", svc, sizeof(svc),
	    reg, 9) == -1 && strcmp(svc, "xx") == 0 && strcmp(reg, "yy") == 0,
	    "region buffer too small: -1, untouched");
	tap_ok(awshost_parse("sts.amazonaws.com", svc, 3, reg,
	    sizeof(reg)) == -1 && strcmp(svc, "xx") == 0,
	    "global host, small buffer: -1, untouched");
	tap_ok(awshost_parse("ssm.eu-west-1.amazonaws.com", svc, 4, reg,
	    10) == 0 && strcmp(svc, "ssm") == 0 &&
	    strcmp(reg, "eu-west-1") == 0, "exactly fitting buffers");
}

static void
test_parse_registry(void)
{
	static const struct {
		const char	*host, *account, *region;
		int		 fips;
	} good[] = {
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		    "123456789012", "eu-west-1", 0 },
		{ "000000000001.DKR.ECR.EU-WEST-1.AMAZONAWS.COM.",
		    "000000000001", "eu-west-1", 0 },
		{ "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
		    "123456789012", "us-gov-west-1", 1 },
		{ "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
		    "123456789012", "cn-north-1", 0 },
		{ "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov",
		    "123456789012", "us-iso-east-1", 0 },
		{ "123456789012.dkr-ecr.us-east-1.on.aws",
		    "123456789012", "us-east-1", 0 },
		{ "123456789012.dkr-ecr-fips.us-east-2.on.aws",
		    "123456789012", "us-east-2", 1 },
	};
	static const char *bad[] = {
		"", "12345678901.dkr.ecr.eu-west-1.amazonaws.com",
		"1234567890123.dkr.ecr.eu-west-1.amazonaws.com",
		"12345678901a.dkr.ecr.eu-west-1.amazonaws.com",
		"123456789012.dkr.ecr.eu-west-1.api.aws",
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com",
		"123456789012.dkr-ecr.cn-north-1.on.aws",
		"123456789012.dkr.ecr.eu-west-1.on.aws",
		"123456789012.dkr-ecr.eu-west-1.amazonaws.com",
		"api.ecr.eu-west-1.amazonaws.com",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com:443",
		"x.123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example",
		"123456789012.dkr.ecr.eu-west.amazonaws.com",
		"123456789012.ecr.eu-west-1.amazonaws.com",
		"public.ecr.aws", "ssm.eu-west-1.amazonaws.com",
	};
	char	 acct[13], reg[AWSHOST_REGION_MAX];
	size_t	 i;
	int	 fips;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		fips = -1;
		acct[0] = reg[0] = '\0';
		if (tap_ok(awshost_parse_registry(good[i].host, acct, reg,
		    sizeof(reg), &fips) == 0 &&
		    strcmp(acct, good[i].account) == 0 &&
		    strcmp(reg, good[i].region) == 0 && fips == good[i].fips,
		    "registry %s", good[i].host) == 0)
			tap_diag("got %s %s %d", acct, reg, fips);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(acct, "untouched", 10);
		fips = -1;
		tap_ok(awshost_parse_registry(bad[i], acct, reg, sizeof(reg),
		    &fips) == -1 && strcmp(acct, "untouched") == 0 &&
		    fips == -1, "'%s' is not a registry host", bad[i]);
	}
	memcpy(acct, "untouched", 10);
	tap_ok(awshost_parse_registry("123456789012.dkr.ecr.eu-west-1."
	    "amazonaws.com", acct, reg, 9, NULL) == -1 &&
	    strcmp(acct, "untouched") == 0, "small region buffer: -1");
	tap_ok(awshost_parse_registry("123456789012.dkr.ecr.eu-west-1."
	    "amazonaws.com", acct, reg, sizeof(reg), NULL) == 0 &&
	    strcmp(acct, "123456789012") == 0, "fips pointer may be NULL");
}

int
main(void)
{
	test_region_valid();
	test_partition();
	test_services();
	test_endpoints();
	test_parse();
	test_parse_registry();
	return tap_done();
}
