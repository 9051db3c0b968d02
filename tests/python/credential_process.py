"""A profile's credentials as botocore resolves them, errors included: for the credential_process
tests, where botocore runs `ssoenv process` through its own credential_process provider.

Usage: credential_process.py PROFILE

Reads HOME, AWS_CONFIG_FILE and AWS_ENDPOINT_URL from the environment like botocore always does.
Prints one line of JSON: {"method", "access_key", "expiry_time", "refresh_needed"} on success,
{"error_type", "error"} when botocore raised (exit status 0 either way, so the test sees both).
"""

import json
import sys

import botocore.exceptions
import botocore.session


def main() -> int:
    session = botocore.session.Session(profile=sys.argv[1])
    try:
        credentials = session.get_credentials()
        if credentials is None:
            print(json.dumps({"error_type": "None", "error": "botocore found no credentials"}))
            return 0
        frozen = credentials.get_frozen_credentials()
    except botocore.exceptions.BotoCoreError as error:
        print(json.dumps({"error_type": type(error).__name__, "error": str(error)}))
        return 0
    expiry = getattr(credentials, "_expiry_time", None)
    print(
        json.dumps(
            {
                "method": credentials.method,
                "access_key": frozen.access_key,
                "expiry_time": expiry.isoformat() if expiry else None,
                # botocore asks the process again when this is true, before every request.
                "refresh_needed": credentials.refresh_needed()
                if hasattr(credentials, "refresh_needed")
                else False,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
