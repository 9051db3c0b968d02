"""Resolve a profile's credentials with botocore, as every Python AWS tool does.

Reads HOME, AWS_CONFIG_FILE and AWS_ENDPOINT_URL from the environment like botocore always does;
prints the resolved credentials as JSON on stdout. An independent client of the cache files
ssoenv shares with the AWS CLI: botocore reads the SSO token cache (and refreshes it when due).
"""

import json
import sys

import botocore.session


def main() -> int:
    profile = sys.argv[1]
    session = botocore.session.Session(profile=profile)
    credentials = session.get_credentials()
    if credentials is None:
        print("botocore found no credentials", file=sys.stderr)
        return 1
    frozen = credentials.get_frozen_credentials()
    print(
        json.dumps(
            {
                "access_key": frozen.access_key,
                "secret_key": frozen.secret_key,
                "token": frozen.token,
                "method": credentials.method,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
