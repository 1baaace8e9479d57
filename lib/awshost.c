#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awshost.h"

/*
 * The services.  Hosts are what botocore's clients resolve (its endpoint
 * rule sets plus its endpoints.json overrides): ECR's FIPS host is
 * ecr-fips in the aws and aws-us-gov partitions, api.ecr-fips elsewhere.
 */
const struct awshost_service awshost_ssm = {
	.id = "SSM",
	.signing_name = "ssm",
	.prefix = "ssm",
	.fips_prefix = "ssm-fips",
	.target = "AmazonSSM",
	.global_region = NULL,
	.ds_prefix = "ssm",
	.fips_ds_prefix = "ssm-fips",
	.flags = AWSHOST_GOV_FIPS_PLAIN,
};

const struct awshost_service awshost_ecr = {
	.id = "ECR",
	.signing_name = "ecr",
	.prefix = "api.ecr",
	.fips_prefix = "api.ecr-fips",
	.target = "AmazonEC2ContainerRegistry_V20150921",
	.global_region = NULL,
	.ds_prefix = "ecr",
	.fips_ds_prefix = "ecr-fips",
	.flags = 0,
	.fips_std_prefix = "ecr-fips",
};

/*
 * The rule set would build api.ecr-public-fips hosts, but ECR Public
 * publishes no FIPS endpoint: asking for one is an error, not a guess.
 */
const struct awshost_service awshost_ecr_public = {
	.id = "ECR_PUBLIC",
	.signing_name = "ecr-public",
	.prefix = "api.ecr-public",
	.fips_prefix = NULL,
	.target = "SpencerFrontendService",
	.global_region = "us-east-1",
	.ds_prefix = "ecr-public",
	.fips_ds_prefix = NULL,
	.flags = AWSHOST_DS_AWS_ONLY,
};

/* Regional endpoints: the SDKs' default (sts_regional_endpoints=regional). */
const struct awshost_service awshost_sts = {
	.id = "STS",
	.signing_name = "sts",
	.prefix = "sts",
	.fips_prefix = "sts-fips",
	.target = NULL,
	.global_region = NULL,
	.ds_prefix = "sts",
	.fips_ds_prefix = "sts-fips",
	.flags = AWSHOST_GOV_FIPS_PLAIN,
};

/*
 * botocore data/partitions.json.  match is the region's leading labels
 * (with the '-'); nlabels the label count its regex implies.  "aws" is last
 * and also takes what nothing else claims.
 */
static const struct partition {
	const char	*name;
	const char	*match;
	int		 nlabels;
	const char	*dns;
	const char	*ds;
} partitions[] = {
	{ "aws-us-gov", "us-gov-", 4, "amazonaws.com", "api.aws" },
	{ "aws-iso", "us-iso-", 4, "c2s.ic.gov", "api.aws.ic.gov" },
	{ "aws-iso-b", "us-isob-", 4, "sc2s.sgov.gov", "api.aws.scloud" },
	{ "aws-iso-e", "eu-isoe-", 4, "cloud.adc-e.uk",
	    "api.cloud-aws.adc-e.uk" },
	{ "aws-iso-f", "us-isof-", 4, "csp.hci.ic.gov",
	    "api.aws.hci.ic.gov" },
	{ "aws-eusc", "eusc-de-", 4, "amazonaws.eu",
	    "api.amazonwebservices.eu" },
	{ "aws-cn", "cn-", 3, "amazonaws.com.cn",
	    "api.amazonwebservices.com.cn" },
	{ "aws", "", 0, "amazonaws.com", "api.aws" },
};
#define NPARTITIONS	(sizeof(partitions) / sizeof(partitions[0]))

/* Where ECR's dual-stack registry hosts live (aws and aws-us-gov). */
#define ONAWS	"on.aws"

int
awshost_region_valid(const char *s)
{
	size_t	 len, n;
	int	 labels = 0;
	const char *p, *e;

	if (s == NULL || (len = strlen(s)) == 0 || len >= AWSHOST_REGION_MAX)
		return 0;
	for (p = s; ; p = e + 1) {
		e = strchr(p, '-');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0)
			return 0;
		if (e == NULL) {
			/* The number: digits, no leading zero. */
			if (n > 3 || p[0] == '0' ||
			    strspn(p, "0123456789") != n)
				return 0;
			labels++;
			break;
		}
		if (strspn(p, "abcdefghijklmnopqrstuvwxyz") != n)
			return 0;
		/* The SDKs' old pseudo-regions (fips-us-east-1): not places. */
		if (n == 4 && strncmp(p, "fips", 4) == 0)
			return 0;
		if (labels == 0 && (n < 2 || n > 4))
			return 0;
		if (n > 16)
			return 0;
		labels++;
	}
	return labels >= 3 && labels <= 5;
}

/* The partition of a valid region. */
static const struct partition *
partition_of(const char *region)
{
	const char	*p;
	size_t		 i;
	int		 labels = 1;

	for (p = region; *p; p++)
		if (*p == '-')
			labels++;
	for (i = 0; i < NPARTITIONS - 1; i++)
		if (labels == partitions[i].nlabels &&
		    strncmp(region, partitions[i].match,
		    strlen(partitions[i].match)) == 0)
			return &partitions[i];
	return &partitions[NPARTITIONS - 1];
}

const char *
awshost_partition(const char *region)
{
	if (!awshost_region_valid(region))
		return NULL;
	return partition_of(region)->name;
}

const char *
awshost_dns_suffix(const char *region, int dualstack)
{
	const struct partition	*pt;

	if (!awshost_region_valid(region))
		return NULL;
	pt = partition_of(region);
	return dualstack ? pt->ds : pt->dns;
}

char *
awshost_endpoint(const struct awshost_service *svc, const char *region,
    int fips, int dualstack, struct dkerr *err)
{
	const struct partition	*pt;
	const char		*prefix, *suffix;
	char			*url;
	int			 aws, n;
	size_t			 sz;

	if (svc == NULL || region == NULL) {
		dkerr_set(err, DKERR_INPUT, "no region for the %s endpoint",
		    svc ? svc->id : "service");
		return NULL;
	}
	if (!awshost_region_valid(region)) {
		dkerr_set(err, DKERR_INPUT, "%.64s: not a valid region name",
		    region);
		return NULL;
	}
	pt = partition_of(region);
	aws = strcmp(pt->name, "aws") == 0;
	if (fips && svc->fips_prefix == NULL) {
		dkerr_set(err, DKERR_INPUT, "%s has no FIPS endpoint: unset "
		    "AWS_USE_FIPS_ENDPOINT/use_fips_endpoint", svc->id);
		return NULL;
	}
	if (fips && dualstack) {
		prefix = svc->fips_ds_prefix ? svc->fips_ds_prefix :
		    svc->fips_prefix;
		suffix = pt->ds;
	} else if (fips) {
		/* GovCloud's standard SSM and STS hosts are FIPS already. */
		if ((svc->flags & AWSHOST_GOV_FIPS_PLAIN) &&
		    strcmp(pt->name, "aws-us-gov") == 0)
			prefix = svc->prefix;
		else if (svc->fips_std_prefix &&
		    (aws || strcmp(pt->name, "aws-us-gov") == 0))
			prefix = svc->fips_std_prefix;
		else
			prefix = svc->fips_prefix;
		suffix = pt->dns;
	} else if (dualstack) {
		if (svc->ds_prefix == NULL ||
		    ((svc->flags & AWSHOST_DS_AWS_ONLY) && !aws))
			prefix = svc->prefix;
		else
			prefix = svc->ds_prefix;
		suffix = pt->ds;
	} else {
		prefix = svc->prefix;
		suffix = pt->dns;
	}

	sz = sizeof("https://..") + strlen(prefix) + strlen(region) +
	    strlen(suffix);
	if ((url = malloc(sz)) == NULL) {
		dkerr_set(err, DKERR_NETWORK, "out of memory");
		return NULL;
	}
	n = snprintf(url, sz, "https://%s.%s.%s", prefix, region, suffix);
	if (n < 0 || (size_t)n >= sz) {
		free(url);
		dkerr_set(err, DKERR_INPUT, "endpoint for %s in %s: too long",
		    svc->id, region);
		return NULL;
	}
	return url;
}

/*
 * A host name split into labels.  The longest known DNS suffix (a
 * partition's, or on.aws) is cut off: label[0..n) is what precedes it.
 */
#define HOST_MAX	253
#define LABELS_MAX	127

struct hostname {
	char		 full[HOST_MAX + 1];	/* lower case, no final dot */
	char		 buf[HOST_MAX + 1];
	char		*label[LABELS_MAX];
	size_t		 n;
	const char	*suffix;	/* static; NULL: no known suffix */
};

/* How many labels a dotted name has. */
static size_t
count_labels(const char *s)
{
	size_t	n = 1;

	for (; *s; s++)
		if (*s == '.')
			n++;
	return n;
}

/* Whether labels l[0..n) spell the dotted name s. */
static int
labels_equal(char *const *l, size_t n, const char *s)
{
	size_t	i, len;

	for (i = 0; i < n; i++) {
		len = strlen(l[i]);
		if (strncmp(s, l[i], len) != 0)
			return 0;
		s += len;
		if (i + 1 < n) {
			if (*s != '.')
				return 0;
			s++;
		}
	}
	return *s == '\0';
}

/*
 * Lower-case, check and split a host name.  Returns 0, or -1 for anything
 * that is not a plain DNS name (ports, IP literals, empty labels, odd bytes).
 */
static int
host_split(const char *host, struct hostname *h)
{
	const char	*cands[2 * NPARTITIONS + 1];
	size_t		 len, i, k, nc = 0, best = 0;
	char		*p;

	memset(h, 0, sizeof(*h));
	if (host == NULL || (len = strlen(host)) == 0 || len > HOST_MAX + 1)
		return -1;
	if (host[len - 1] == '.')
		len--;
	if (len == 0 || len > HOST_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		char c = host[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.'))
			return -1;
		h->full[i] = c;
	}
	h->full[len] = '\0';
	memcpy(h->buf, h->full, len + 1);
	for (p = h->buf; ; ) {
		if (h->n == LABELS_MAX)
			return -1;
		h->label[h->n++] = p;
		if ((p = strchr(p, '.')) == NULL)
			break;
		*p++ = '\0';
	}
	for (i = 0; i < h->n; i++)
		if (h->label[i][0] == '\0' || strlen(h->label[i]) > 63)
			return -1;

	for (i = 0; i < NPARTITIONS; i++) {
		cands[nc++] = partitions[i].dns;
		cands[nc++] = partitions[i].ds;
	}
	cands[nc++] = ONAWS;
	for (i = 0; i < nc; i++) {
		k = count_labels(cands[i]);
		if (k < h->n && k > best &&
		    labels_equal(h->label + h->n - k, k, cands[i])) {
			best = k;
			h->suffix = cands[i];
		}
	}
	if (h->suffix == NULL)
		return -1;
	h->n -= best;
	return 0;
}

/* Whether a known suffix belongs to a region's partition. */
static int
suffix_fits(const char *suffix, const char *region)
{
	const struct partition	*pt = partition_of(region);

	if (strcmp(suffix, ONAWS) == 0)
		return strcmp(pt->dns, "amazonaws.com") == 0;
	return strcmp(suffix, pt->dns) == 0 || strcmp(suffix, pt->ds) == 0;
}

/* Copy a string into a caller's buffer; -1 (nothing written) if too small. */
static int
put(char *dst, size_t dstsz, const char *src)
{
	size_t	len = strlen(src);

	if (dst == NULL || len >= dstsz)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

/* Hosts with no region in them (endpoints.json partitionEndpoint). */
static const struct {
	const char	*host, *service, *region;
} global_hosts[] = {
	{ "iam.amazonaws.com", "iam", "us-east-1" },
	{ "sts.amazonaws.com", "sts", "us-east-1" },
	{ "s3.amazonaws.com", "s3", "us-east-1" },
	{ "s3-external-1.amazonaws.com", "s3", "us-east-1" },
	{ "route53.amazonaws.com", "route53", "us-east-1" },
	{ "cloudfront.amazonaws.com", "cloudfront", "us-east-1" },
	{ "budgets.amazonaws.com", "budgets", "us-east-1" },
	{ "savingsplans.amazonaws.com", "savingsplans", "us-east-1" },
	{ "waf.amazonaws.com", "waf", "us-east-1" },
	{ "route53.amazonaws.com.cn", "route53", "cn-northwest-1" },
	{ "budgets.amazonaws.com.cn", "budgets", "cn-northwest-1" },
	{ "iam.us-gov.amazonaws.com", "iam", "us-gov-west-1" },
	{ "route53.us-gov.amazonaws.com", "route53", "us-gov-west-1" },
};

/* Host labels whose signing name is another word. */
static const struct {
	const char	*label, *service;
} label_services[] = {
	{ "dkr-ecr", "ecr" },		/* registries on on.aws */
	{ "s3-accesspoint", "s3" },
	{ "s3-control", "s3" },
	{ "email", "ses" },
	{ "lambda-url", "lambda" },
};

/*
 * The signing name a service label stands for ("ssm-fips" -> "ssm",
 * "dkr-ecr" -> "ecr"), into out (outsz bytes).  Returns 0, or -1 for a label
 * that cannot be a service.
 */
static int
label_service(const char *label, char *out, size_t outsz)
{
	size_t	 len = strlen(label), i;

	if (len > 5 && strcmp(label + len - 5, "-fips") == 0)
		len -= 5;
	if (len == 0 || len >= outsz || label[0] < 'a' || label[0] > 'z')
		return -1;
	memcpy(out, label, len);
	out[len] = '\0';
	for (i = 0; i < sizeof(label_services) / sizeof(label_services[0]); i++)
		if (strcmp(out, label_services[i].label) == 0)
			return put(out, outsz, label_services[i].service);
	return 0;
}

int
awshost_parse(const char *host, char *service, size_t servicesz,
    char *region, size_t regionsz)
{
	struct hostname	 h;
	char		 svc[64];
	const char	*reg = NULL, *last;
	size_t		 i, k;

	if (host_split(host, &h) == -1)
		return -1;

	/* Global hosts, compared whole. */
	for (i = 0; i < sizeof(global_hosts) / sizeof(global_hosts[0]); i++)
		if (strcmp(h.full, global_hosts[i].host) == 0) {
			if (strlen(global_hosts[i].service) >= servicesz ||
			    strlen(global_hosts[i].region) >= regionsz)
				return -1;
			put(service, servicesz, global_hosts[i].service);
			put(region, regionsz, global_hosts[i].region);
			return 0;
		}

	/* PrivateLink: vpce-<id>.<svc>.<region>.vpce.amazonaws.com */
	if (h.n >= 3 && strcmp(h.label[h.n - 1], "vpce") == 0)
		h.n--;
	if (h.n == 0)
		return -1;
	last = h.label[h.n - 1];

	if (h.n >= 2 && awshost_region_valid(last)) {
		/* [...] svc[-fips] [.dualstack] .region */
		reg = last;
		k = h.n - 2;
		if (strcmp(h.label[k], "dualstack") == 0) {
			if (k == 0)
				return -1;
			k--;
		}
		/* on.aws holds a few services' hosts only. */
		if (strcmp(h.suffix, ONAWS) == 0 &&
		    strcmp(h.label[k], "dkr-ecr") != 0 &&
		    strcmp(h.label[k], "dkr-ecr-fips") != 0 &&
		    strcmp(h.label[k], "lambda-url") != 0)
			return -1;
		if (label_service(h.label[k], svc, sizeof(svc)) == -1)
			return -1;
	} else if (strcmp(h.suffix, "amazonaws.com") == 0 &&
	    strcmp(last, "s3") == 0) {
		/* bucket.s3.amazonaws.com */
		reg = "us-east-1";
		put(svc, sizeof(svc), "s3");
	} else if (strcmp(h.suffix, "amazonaws.com") == 0 &&
	    strcmp(last, "s3-external-1") == 0) {
		reg = "us-east-1";
		put(svc, sizeof(svc), "s3");
	} else if (strncmp(last, "s3-", 3) == 0 &&
	    awshost_region_valid(last + 3)) {
		/* The legacy dash form: [bucket.]s3-us-west-2.amazonaws.com */
		reg = last + 3;
		put(svc, sizeof(svc), "s3");
	} else
		return -1;

	if (!suffix_fits(h.suffix, reg))
		return -1;
	if (strlen(svc) >= servicesz || strlen(reg) >= regionsz)
		return -1;
	put(service, servicesz, svc);
	put(region, regionsz, reg);
	return 0;
}

int
awshost_parse_registry(const char *host, char account[13], char *region,
    size_t regionsz, int *fips)
{
	struct hostname	 h;
	const char	*reg, *kind;
	int		 isfips;

	if (account == NULL || host_split(host, &h) == -1)
		return -1;
	if (strcmp(h.suffix, ONAWS) == 0) {
		/* <acct>.dkr-ecr[-fips].<region>.on.aws */
		if (h.n != 3)
			return -1;
		kind = h.label[1];
		if (strcmp(kind, "dkr-ecr") == 0)
			isfips = 0;
		else if (strcmp(kind, "dkr-ecr-fips") == 0)
			isfips = 1;
		else
			return -1;
	} else {
		/* <acct>.dkr.ecr[-fips].<region>.<dns suffix> */
		if (h.n != 4 || strcmp(h.label[1], "dkr") != 0)
			return -1;
		kind = h.label[2];
		if (strcmp(kind, "ecr") == 0)
			isfips = 0;
		else if (strcmp(kind, "ecr-fips") == 0)
			isfips = 1;
		else
			return -1;
	}
	reg = h.label[h.n - 1];
	if (strlen(h.label[0]) != 12 ||
	    strspn(h.label[0], "0123456789") != 12 ||
	    !awshost_region_valid(reg))
		return -1;
	/* Registries live on the partition's IPv4 suffix or on.aws only. */
	if (strcmp(h.suffix, ONAWS) != 0 &&
	    strcmp(h.suffix, partition_of(reg)->dns) != 0)
		return -1;
	if (!suffix_fits(h.suffix, reg))
		return -1;
	if (put(region, regionsz, reg) == -1)
		return -1;
	memcpy(account, h.label[0], 13);
	if (fips)
		*fips = isfips;
	return 0;
}
