"""A profile's credentials resolved the way the AWS CLI v2 resolves them: botocore's providers
with the CLI's file caches, so that role chains (assume-role) and SSO role credentials are read
from and written to ~/.aws/cli/cache, as `aws --profile PROFILE …` does.

Usage: botocore_credentials.py PROFILE

Reads HOME, AWS_CONFIG_FILE and AWS_ENDPOINT_URL from the environment. Prints one line of JSON:
{"method", "access_key", "secret_key", "token"}. The web identity provider gets the same cache.
"""

import json
import os
import sys

import botocore.session
from botocore.utils import JSONFileCache

# What awscli/customizations/assumerole.py and the CLI's SSO setup use.
CLI_CACHE_DIR = os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))


def main() -> int:
    session = botocore.session.Session(profile=sys.argv[1])
    resolver = session.get_component("credential_provider")
    cache = JSONFileCache(CLI_CACHE_DIR)
    # The web identity provider gets the same cache, as ssoenv shares it for web identity roles.
    for method in ("assume-role", "assume-role-with-web-identity", "sso"):
        resolver.get_provider(method).cache = cache
    credentials = session.get_credentials()
    if credentials is None:
        print("botocore found no credentials", file=sys.stderr)
        return 1
    frozen = credentials.get_frozen_credentials()
    print(
        json.dumps(
            {
                "method": credentials.method,
                "access_key": frozen.access_key,
                "secret_key": frozen.secret_key,
                "token": frozen.token,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
