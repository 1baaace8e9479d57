/*
 * fuzz_awshost: AWS host names and ECR registry addresses, both ways.
 *
 * Input: one line of text, taken as a host name (awshost_parse(),
 * awshost_parse_registry(), ecrtoken_parse_registry()), as a server
 * address as Docker clients pass it (ecrtoken_server_host()), and as a
 * region (awshost_region_valid(), _partition(), _dns_suffix(),
 * _endpoint()).  Checks: what parses names a valid region; a bare
 * address and the same in https://.../v2/ give the same host; a region's
 * standard endpoints, every FIPS and dual-stack variant, parse back to the
 * service's signing name and that region (sigv4-curl signs by the host).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awshost.h"
#include "dkerr.h"
#include "ecrtoken.h"
#include "fuzz.h"

static const struct awshost_service *const services[] = {
	&awshost_ssm, &awshost_ecr, &awshost_ecr_public, &awshost_sts,
};

static void
as_host(const char *s)
{
	struct ecrtoken_registry r;
	char	 svc[64], region[AWSHOST_REGION_MAX], small[4], account[13];
	int	 fips = -1;

	if (awshost_parse(s, svc, sizeof(svc), region, sizeof(region)) == 0) {
		FUZZ_ASSERT(svc[0] != '\0');
		FUZZ_ASSERT(awshost_region_valid(region));
	}
	(void)awshost_parse(s, small, sizeof(small), region, sizeof(region));
	(void)awshost_parse(s, svc, sizeof(svc), small, sizeof(small));
	if (awshost_parse_registry(s, account, region, sizeof(region),
	    &fips) == 0) {
		FUZZ_ASSERT(ecrtoken_account_valid(account));
		FUZZ_ASSERT(awshost_region_valid(region));
		FUZZ_ASSERT(fips == 0 || fips == 1);
	}
	(void)awshost_parse_registry(s, account, small, sizeof(small), NULL);
	if (ecrtoken_parse_registry(s, &r) == 0) {
		FUZZ_ASSERT(strcmp(r.host, s) == 0);
		FUZZ_ASSERT(r.public ? r.account[0] == '\0' :
		    ecrtoken_account_valid(r.account));
		FUZZ_ASSERT(awshost_region_valid(r.region));
	}
}

/* A bare host[:port] means the same as https://HOST[:PORT]/v2/. */
static void
as_address(const char *s)
{
	struct ecrtoken_registry r;
	char	 host[ECRTOKEN_HOSTMAX], again[ECRTOKEN_HOSTMAX], small[8];
	char	*url;
	size_t	 n = strlen(s);

	if (ecrtoken_server_host(s, host, sizeof(host)) == 0) {
		FUZZ_ASSERT(host[0] != '\0' && strlen(host) < sizeof(host));
		(void)ecrtoken_parse_registry(host, &r);
		if (strcspn(s, "/?# \t\r\n") == n) {
			url = malloc(n + sizeof("https:///v2/"));
			FUZZ_ASSERT(url != NULL);
			memcpy(url, "https://", 8);
			memcpy(url + 8, s, n);
			memcpy(url + 8 + n, "/v2/", 5);
			FUZZ_ASSERT(ecrtoken_server_host(url, again,
			    sizeof(again)) == 0);
			FUZZ_ASSERT(strcmp(again, host) == 0);
			free(url);
		}
	}
	(void)ecrtoken_server_host(s, small, sizeof(small));
}

static void
as_region(const char *s)
{
	struct dkerr	 err;
	const char	*host;
	char		*url, svc[64], region[AWSHOST_REGION_MAX];
	size_t		 i;
	int		 fips, ds, valid = awshost_region_valid(s);

	FUZZ_ASSERT(valid == (awshost_partition(s) != NULL));
	FUZZ_ASSERT(valid == (awshost_dns_suffix(s, 0) != NULL));
	FUZZ_ASSERT(valid == (awshost_dns_suffix(s, 1) != NULL));
	if (!valid)
		return;
	FUZZ_ASSERT(strlen(s) < AWSHOST_REGION_MAX);
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		for (fips = 0; fips < 2; fips++)
			for (ds = 0; ds < 2; ds++) {
				memset(&err, 0, sizeof(err));
				url = awshost_endpoint(services[i], s, fips, ds,
				    &err);
				if (url == NULL) {
					FUZZ_ASSERT(err.kind != DKERR_NONE);
					continue;
				}
				FUZZ_ASSERT(strncmp(url, "https://", 8) == 0);
				host = url + 8;
				FUZZ_ASSERT(awshost_parse(host, svc,
				    sizeof(svc), region, sizeof(region)) == 0);
				FUZZ_ASSERT(strcmp(svc,
				    services[i]->signing_name) == 0);
				FUZZ_ASSERT(strcmp(region, s) == 0);
				free(url);
			}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_strndup(data, size);

	as_host(s);
	as_address(s);
	as_region(s);
	free(s);
	return 0;
}
