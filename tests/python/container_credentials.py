"""botocore as a child of ssoenv's credential endpoint, through its default credential chain (which
reaches the container provider through AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN).

Usage: container_credentials.py loop SECONDS   calls STS GetCallerIdentity once a second
       container_credentials.py once           resolves the credentials once

Reads AWS_ENDPOINT_URL (the emulator) and AWS_REGION from the environment. Prints one line of
JSON: loop: {"sdk", "calls", "errors", "keys"} (the distinct access key ids used, in order);
once: {"method", "access_key"} or {"error_type", "error"}. Exit status 0 either way.
"""

import json
import os
import sys
import time

import botocore.exceptions
import botocore.session


def loop(seconds: float) -> dict:
    session = botocore.session.get_session()
    client = session.create_client(
        "sts", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1"
    )
    calls, errors, keys = 0, [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            client.get_caller_identity()
            calls += 1
            key = client._request_signer._credentials.get_frozen_credentials().access_key
            if not keys or keys[-1] != key:
                keys.append(key)
        except Exception as error:  # every failure is what the test reports
            errors.append(f"{type(error).__name__}: {error}")
        time.sleep(1)
    return {"sdk": "botocore", "calls": calls, "errors": errors, "keys": keys}


def once() -> dict:
    session = botocore.session.get_session()
    try:
        credentials = session.get_credentials()
        if credentials is None:
            return {"error_type": "None", "error": "botocore found no credentials"}
        frozen = credentials.get_frozen_credentials()
    except botocore.exceptions.BotoCoreError as error:
        return {"error_type": type(error).__name__, "error": str(error)}
    return {"method": credentials.method, "access_key": frozen.access_key}


def main() -> int:
    result = loop(float(sys.argv[2])) if sys.argv[1] == "loop" else once()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
