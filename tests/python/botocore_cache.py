"""botocore as an independent reader and writer of the cache files ssoenv shares with it.

Driven by tests/suite/cache_compat.rs. Each subcommand uses botocore's own classes, so the tests
compare ssoenv against what botocore really does, not against our reading of its source. Results
are printed as one line of JSON on stdout.

  read-token DIR START_URL SESSION|-              SSOTokenLoader over JSONFileCache(DIR)
  refresh-token DIR PROFILE REGION                SSOTokenProvider refreshes the cached token
                                                  (CreateToken stubbed), which rewrites the file;
                                                  needs AWS_CONFIG_FILE in the environment
  write-datetime-token DIR KEY                    JSONFileCache's default dumps of a datetime
  role-key ACCOUNT ROLE SESSION|- START_URL       SSOCredentialFetcher._create_cache_key()
  read-role DIR ACCOUNT ROLE SESSION|- START_URL  SSOCredentialFetcher served from JSONFileCache(DIR)
  redump                                          stdin JSON -> json.dumps(obj) on line 1 and
                                                  json.dumps(obj, sort_keys=True,
                                                  separators=(",", ":")) on line 2
"""

import datetime
import json
import sys

import botocore
import botocore.session
from botocore.config import Config
from botocore import UNSIGNED
from botocore.credentials import SSOCredentialFetcher
from botocore.stub import Stubber
from botocore.tokens import SSOTokenProvider, _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader


def optional(value):
    return None if value == "-" else value


def read_token(directory, start_url, session):
    loader = SSOTokenLoader(cache=JSONFileCache(directory))
    return loader(start_url, session_name=optional(session))


def refresh_token(directory, profile, region):
    session = botocore.session.Session()
    cache = JSONFileCache(directory, dumps_func=_sso_json_dumps)
    provider = SSOTokenProvider(session, cache=cache, profile_name=profile)
    cached = SSOTokenLoader(cache=cache)(
        provider._sso_config["sso_start_url"],
        session_name=provider._sso_config["session_name"],
    )
    client = session.create_client(
        "sso-oidc",
        region_name=region,
        config=Config(signature_version=UNSIGNED),
        aws_access_key_id="unused",
        aws_secret_access_key="unused",
    )
    stubber = Stubber(client)
    stubber.add_response(
        "create_token",
        {
            "accessToken": "botocore-refreshed-access-token",
            "tokenType": "Bearer",
            "expiresIn": 28800,
            "refreshToken": "botocore-refreshed-refresh-token",
        },
        expected_params={
            "grantType": "refresh_token",
            "clientId": cached["clientId"],
            "clientSecret": cached["clientSecret"],
            "refreshToken": cached["refreshToken"],
        },
    )
    stubber.activate()
    # `_client` is a CachedProperty: a value in the instance dict takes its place.
    provider.__dict__["_client"] = client
    frozen = provider.load_token().get_frozen_token()
    stubber.assert_no_pending_responses()
    return {"token": frozen.token, "expiration": frozen.expiration.isoformat()}


def write_datetime_token(directory, key):
    expires = datetime.datetime(2030, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)
    JSONFileCache(directory)[key] = {
        "startUrl": "https://d-92671207e4.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": "botocore-datetime-token",
        "expiresAt": expires,
    }
    return {}


def role_fetcher(account, role, session, start_url, cache=None):
    return SSOCredentialFetcher(
        start_url=start_url,
        sso_region="us-east-1",
        role_name=role,
        account_id=account,
        client_creator=None,  # never called: the credentials must come from the cache
        cache=cache,
        sso_session_name=optional(session),
    )


def role_key(account, role, session, start_url):
    return role_fetcher(account, role, session, start_url)._create_cache_key()


def read_role(directory, account, role, session, start_url):
    fetcher = role_fetcher(account, role, session, start_url, cache=JSONFileCache(directory))
    return fetcher.fetch_credentials()


COMMANDS = {
    "read-token": read_token,
    "refresh-token": refresh_token,
    "write-datetime-token": write_datetime_token,
    "role-key": role_key,
    "read-role": read_role,
}


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "redump":
        value = json.loads(sys.stdin.read())
        compact = json.dumps(value, sort_keys=True, separators=(",", ":"))
        sys.stdout.write(json.dumps(value) + "\n" + compact + "\n")
        return
    print(json.dumps(COMMANDS[command](*args), default=str))


if __name__ == "__main__":
    main()
