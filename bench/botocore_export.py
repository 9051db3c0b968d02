"""The fast path's job done by botocore, as the AWS CLI v2 does it: resolve an SSO profile's
credentials with the role-credential cache in ~/.aws/cli/cache (the CLI v2 gives its SSO provider
that cache; plain botocore keeps none), then print them as `export` lines.

    python3 bench/botocore_export.py PROFILE
"""
import os
import shlex
import sys

import botocore.session
from botocore.credentials import JSONFileCache

session = botocore.session.Session(profile=sys.argv[1])
cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
session.get_component("credential_provider").get_provider("sso").cache = cache
credentials = session.get_credentials().get_frozen_credentials()
for name, value in [
    ("AWS_ACCESS_KEY_ID", credentials.access_key),
    ("AWS_SECRET_ACCESS_KEY", credentials.secret_key),
    ("AWS_SESSION_TOKEN", credentials.token),
]:
    print(f"export {name}={shlex.quote(value)}")
