"""The emulator driven by botocore, an independent implementation of both services' clients.

Every test starts its own `sso-emulator` process (path in $SSO_EMULATOR_BIN) so state never
leaks between tests, talks to it with botocore's `sso-oidc` and `sso` clients, and steers it
through the `/_emulator/` control endpoints. Run through `cargo test -p sso-emulator`, which
builds the binary and runs one test class per Rust test.
"""

import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import secrets
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import botocore.config
import botocore.exceptions
import botocore.session

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
START_URL = "https://d-92671207e4.awsapps.com/start"
OIDC_NAMESPACE = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
CALLBACK = "http://127.0.0.1/oauth/callback"
DEV_ACCOUNT = "123456789011"
PROD_ACCOUNT = "123456789022"


class Emulator:
    """One `sso-emulator` process, stopped by `stop()`."""

    def __init__(self, *args):
        binary = os.environ.get("SSO_EMULATOR_BIN")
        if not binary:
            raise RuntimeError("set SSO_EMULATOR_BIN to the sso-emulator binary")
        self.process = subprocess.Popen(
            [binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.process.kill()
            raise RuntimeError(
                f"sso-emulator did not print its URL: {self.url!r} {self.process.stderr.read()}"
            )

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()

    def control(self, path, body=None):
        """Calls /_emulator/<path>: GET without a body, POST with one."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_emulator/{path}",
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def counts(self):
        return self.control("counts")


def client(emulator, service, **config):
    """A botocore client of `service` pointed at the emulator, unsigned like the real CLI's."""
    config = botocore.config.Config(signature_version=botocore.UNSIGNED, **config)
    return botocore.session.get_session().create_client(
        service, region_name="us-east-1", endpoint_url=emulator.url, config=config
    )


def no_retries():
    return {"retries": {"total_max_attempts": 1}}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get_without_redirect(url):
    """(status, headers, body) of a GET, redirects not followed (as the browser's first hop)."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def pkce_pair():
    verifier = secrets.token_urlsafe(48)[:64]
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return verifier, challenge


def error_of(context):
    """(code, HTTP status, x-amzn-ErrorType header) of a botocore ClientError."""
    response = context.exception.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype"),
    )


class EmulatorTestCase(unittest.TestCase):
    emulator_args = ()

    def setUp(self):
        self.emulator = Emulator(*self.emulator_args)
        self.addCleanup(self.emulator.stop)
        self.oidc = client(self.emulator, "sso-oidc", **no_retries())
        self.sso = client(self.emulator, "sso", **no_retries())

    def register_device_client(self, scopes=("sso:account:access",)):
        kwargs = {"scopes": list(scopes)} if scopes else {}
        return self.oidc.register_client(clientName="botocore-test", clientType="public", **kwargs)

    def register_pkce_client(self, scopes=("sso:account:access",)):
        return self.oidc.register_client(
            clientName="botocore-test",
            clientType="public",
            grantTypes=["authorization_code", "refresh_token"],
            redirectUris=[CALLBACK],
            issuerUrl=START_URL,
            scopes=list(scopes),
        )

    def start_device(self, registration):
        return self.oidc.start_device_authorization(
            clientId=registration["clientId"],
            clientSecret=registration["clientSecret"],
            startUrl=START_URL,
        )

    def poll(self, registration, device):
        return self.oidc.create_token(
            clientId=registration["clientId"],
            clientSecret=registration["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=device["deviceCode"],
        )

    def device_login(self):
        registration = self.register_device_client()
        device = self.start_device(registration)
        self.emulator.control("approve", {"userCode": device["userCode"]})
        return registration, self.poll(registration, device)

    def refresh(self, registration, refresh_token):
        return self.oidc.create_token(
            clientId=registration["clientId"],
            clientSecret=registration["clientSecret"],
            grantType="refresh_token",
            refreshToken=refresh_token,
        )


class RegisterClientTests(EmulatorTestCase):
    def test_registration_returns_credentials_valid_for_90_days(self):
        before = int(time.time())
        registration = self.register_pkce_client()
        self.assertTrue(registration["clientId"])
        self.assertTrue(registration["clientSecret"])
        self.assertLessEqual(before, registration["clientIdIssuedAt"])
        self.assertLessEqual(registration["clientIdIssuedAt"], int(time.time()))
        self.assertEqual(
            registration["clientSecretExpiresAt"] - registration["clientIdIssuedAt"], 90 * 86400
        )
        self.assertEqual(self.emulator.counts()["RegisterClient"], 1)

    def test_authorization_code_clients_need_a_loopback_redirect_uri(self):
        with self.assertRaises(self.oidc.exceptions.InvalidRedirectUriException):
            self.oidc.register_client(
                clientName="x", clientType="public", grantTypes=["authorization_code"]
            )
        with self.assertRaises(self.oidc.exceptions.InvalidRedirectUriException):
            self.oidc.register_client(
                clientName="x",
                clientType="public",
                grantTypes=["authorization_code"],
                redirectUris=["https://evil.example/callback"],
            )

    def test_only_public_clients_and_known_grants_are_accepted(self):
        with self.assertRaises(self.oidc.exceptions.InvalidClientMetadataException):
            self.oidc.register_client(clientName="x", clientType="confidential")
        with self.assertRaises(self.oidc.exceptions.UnsupportedGrantTypeException):
            self.oidc.register_client(clientName="x", clientType="public", grantTypes=["password"])

    def test_wrong_secret_and_expired_registration_are_invalid_client_401(self):
        registration = self.register_device_client()
        with self.assertRaises(self.oidc.exceptions.InvalidClientException) as context:
            self.start_device({**registration, "clientSecret": "wrong"})
        code, status, header = error_of(context)
        self.assertEqual((code, status), ("InvalidClientException", 401))
        self.assertEqual(header, f"InvalidClientException:{OIDC_NAMESPACE}")
        body = context.exception.response["Error"]
        self.assertEqual(body["Message"], "Invalid client secret")

        self.start_device(registration)
        self.emulator.control("expire-registrations", {})
        with self.assertRaises(self.oidc.exceptions.InvalidClientException):
            self.start_device(registration)

    def test_registration_lifetime_is_configurable(self):
        self.emulator.control("config", {"registrationLifetime": 3600})
        registration = self.register_device_client()
        self.assertEqual(
            registration["clientSecretExpiresAt"] - registration["clientIdIssuedAt"], 3600
        )


class DeviceFlowTests(EmulatorTestCase):
    def test_start_returns_codes_and_the_verification_page(self):
        device = self.start_device(self.register_device_client())
        self.assertEqual(device["interval"], 5)
        self.assertEqual(device["expiresIn"], 600)
        self.assertEqual(device["verificationUri"], f"{self.emulator.url}/device")
        query = urllib.parse.urlsplit(device["verificationUriComplete"]).query
        self.assertEqual(urllib.parse.parse_qs(query)["user_code"], [device["userCode"]])
        self.assertEqual(self.emulator.control("pending")["userCodes"], [device["userCode"]])

    def test_pending_until_approved_then_a_token_once(self):
        registration = self.register_device_client()
        device = self.start_device(registration)
        with self.assertRaises(self.oidc.exceptions.AuthorizationPendingException) as context:
            self.poll(registration, device)
        code, status, header = error_of(context)
        self.assertEqual((code, status), ("AuthorizationPendingException", 400))
        self.assertEqual(header, f"AuthorizationPendingException:{OIDC_NAMESPACE}")
        self.assertEqual(
            context.exception.response["Error"]["Message"], "Authorization is still pending"
        )

        self.assertEqual(self.emulator.control("approve", {"userCode": device["userCode"]}), {"found": True})
        token = self.poll(registration, device)
        self.assertEqual(token["tokenType"], "Bearer")
        self.assertEqual(token["expiresIn"], 8 * 3600)
        self.assertTrue(token["accessToken"].startswith("aoa"))
        self.assertTrue(token["refreshToken"].startswith("aor"))
        self.assertEqual(self.emulator.control("pending")["userCodes"], [])

        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.poll(registration, device)
        self.assertEqual(self.emulator.counts()["CreateToken"], 3)

    def test_oidc_error_body_is_the_oauth_shape(self):
        registration = self.register_device_client()
        device = self.start_device(registration)
        connection = http.client.HTTPConnection(self.emulator.url.removeprefix("http://"))
        body = json.dumps({
            "clientId": registration["clientId"], "clientSecret": registration["clientSecret"],
            "grantType": DEVICE_GRANT, "deviceCode": device["deviceCode"],
        })
        connection.request("POST", "/token", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        self.assertEqual(response.status, 400)
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        self.assertEqual(
            json.load(response),
            {"error": "authorization_pending", "error_description": "Authorization is still pending"},
        )
        connection.close()

    def test_the_device_page_approves_like_a_browser(self):
        registration = self.register_device_client()
        device = self.start_device(registration)
        with urllib.request.urlopen(device["verificationUriComplete"], timeout=10) as page:
            self.assertIn("approved", page.read().decode())
        self.assertTrue(self.poll(registration, device)["accessToken"])

    def test_denial_is_access_denied(self):
        registration = self.register_device_client()
        device = self.start_device(registration)
        self.emulator.control("deny", {"userCode": device["userCode"]})
        with self.assertRaises(self.oidc.exceptions.AccessDeniedException):
            self.poll(registration, device)

    def test_the_deny_setting_makes_the_device_page_deny(self):
        self.emulator.control("config", {"authorize": "deny"})
        registration = self.register_device_client()
        device = self.start_device(registration)
        with urllib.request.urlopen(device["verificationUriComplete"], timeout=10) as page:
            self.assertIn("denied", page.read().decode())
        with self.assertRaises(self.oidc.exceptions.AccessDeniedException):
            self.poll(registration, device)

    def test_expired_device_code_is_expired_token(self):
        self.emulator.control("config", {"deviceCodeLifetime": 0.2})
        registration = self.register_device_client()
        device = self.start_device(registration)
        time.sleep(0.4)
        with self.assertRaises(self.oidc.exceptions.ExpiredTokenException):
            self.poll(registration, device)
        self.assertEqual(self.emulator.control("pending")["userCodes"], [])

    def test_polling_faster_than_the_interval_is_slow_down_when_enforced(self):
        self.emulator.control("config", {"enforceSlowDown": True, "deviceInterval": 1})
        registration = self.register_device_client()
        device = self.start_device(registration)
        self.assertEqual(device["interval"], 1)
        with self.assertRaises(self.oidc.exceptions.AuthorizationPendingException):
            self.poll(registration, device)
        with self.assertRaises(self.oidc.exceptions.SlowDownException) as context:
            self.poll(registration, device)
        self.assertEqual(error_of(context)[2], f"SlowDownException:{OIDC_NAMESPACE}")
        # After slow_down the interval is 1 + 5 s, so a poll 1.2 s later is still too fast.
        time.sleep(1.2)
        with self.assertRaises(self.oidc.exceptions.SlowDownException):
            self.poll(registration, device)

    def test_slow_down_is_off_by_default(self):
        registration = self.register_device_client()
        device = self.start_device(registration)
        for _ in range(3):
            with self.assertRaises(self.oidc.exceptions.AuthorizationPendingException):
                self.poll(registration, device)

    def test_pkce_registrations_cannot_use_the_device_flow(self):
        registration = self.register_pkce_client()
        with self.assertRaises(self.oidc.exceptions.UnauthorizedClientException):
            self.start_device(registration)

    def test_refresh_tokens_can_be_withheld_from_unscoped_registrations(self):
        self.emulator.control("config", {"refreshTokensOnlyForScopedRegistrations": True})
        registration = self.register_device_client(scopes=())
        device = self.start_device(registration)
        self.emulator.control("approve", {"userCode": device["userCode"]})
        self.assertNotIn("refreshToken", self.poll(registration, device))


class AutoApproveTests(EmulatorTestCase):
    emulator_args = ("--device-approve-after", "2")

    def test_approves_after_the_configured_number_of_polls(self):
        registration = self.register_device_client()
        device = self.start_device(registration)
        for _ in range(2):
            with self.assertRaises(self.oidc.exceptions.AuthorizationPendingException):
                self.poll(registration, device)
        self.assertTrue(self.poll(registration, device)["accessToken"])


class RefreshTests(EmulatorTestCase):
    def test_refresh_rotates_and_the_old_refresh_token_dies(self):
        registration, token = self.device_login()
        refreshed = self.refresh(registration, token["refreshToken"])
        self.assertNotEqual(refreshed["accessToken"], token["accessToken"])
        self.assertNotEqual(refreshed["refreshToken"], token["refreshToken"])
        self.assertEqual(refreshed["expiresIn"], 8 * 3600)
        accounts = self.sso.list_accounts(accessToken=refreshed["accessToken"])
        self.assertEqual(len(accounts["accountList"]), 2)

        with self.assertRaises(self.oidc.exceptions.InvalidGrantException) as context:
            self.refresh(registration, token["refreshToken"])
        self.assertEqual(error_of(context)[:2], ("InvalidGrantException", 400))
        self.assertTrue(self.refresh(registration, refreshed["refreshToken"])["accessToken"])

    def test_without_rotation_the_response_has_no_refresh_token_and_the_old_one_lives(self):
        self.emulator.control("config", {"rotateRefreshTokens": False})
        registration, token = self.device_login()
        first = self.refresh(registration, token["refreshToken"])
        self.assertNotIn("refreshToken", first)
        second = self.refresh(registration, token["refreshToken"])
        self.assertNotEqual(first["accessToken"], second["accessToken"])

    def test_revoked_sessions_cannot_refresh_or_call_the_portal(self):
        registration, token = self.device_login()
        self.emulator.control("revoke", {})
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.refresh(registration, token["refreshToken"])
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.list_accounts(accessToken=token["accessToken"])

    def test_refresh_tokens_belong_to_their_client(self):
        _, token = self.device_login()
        other = self.register_device_client()
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.refresh(other, token["refreshToken"])
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.refresh(other, "aor-unknown")

    def test_expired_access_token_is_401_but_refresh_still_works(self):
        registration, token = self.device_login()
        self.emulator.control("expire-access-tokens", {})
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.list_accounts(accessToken=token["accessToken"])
        refreshed = self.refresh(registration, token["refreshToken"])
        self.assertTrue(self.sso.list_accounts(accessToken=refreshed["accessToken"])["accountList"])

    def test_logout_kills_the_refresh_token_too(self):
        registration, token = self.device_login()
        self.sso.logout(accessToken=token["accessToken"])
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.refresh(registration, token["refreshToken"])

    def test_minted_sessions_refresh_like_logged_in_ones(self):
        minted = self.emulator.control("mint-session", {})
        self.assertEqual(minted["expiresIn"], 8 * 3600)
        self.assertAlmostEqual(minted["expiresAt"], time.time() + 8 * 3600, delta=5)
        self.assertTrue(self.sso.list_accounts(accessToken=minted["accessToken"])["accountList"])
        refreshed = self.refresh(minted, minted["refreshToken"])
        self.assertTrue(refreshed["refreshToken"])
        self.assertEqual(self.emulator.counts()["RegisterClient"], 0)


class NoRefreshTokenTests(EmulatorTestCase):
    emulator_args = ("--no-refresh-tokens",)

    def test_logins_and_minted_sessions_have_no_refresh_token(self):
        _, token = self.device_login()
        self.assertNotIn("refreshToken", token)
        self.assertIsNone(self.emulator.control("mint-session", {})["refreshToken"])


class PkceTests(EmulatorTestCase):
    def authorize_url(self, registration, redirect_uri, challenge, state, **overrides):
        params = {
            "response_type": "code",
            "client_id": registration["clientId"],
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge_method": "S256",
            "scopes": "sso:account:access",
            "code_challenge": challenge,
            **overrides,
        }
        query = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        return f"{self.emulator.url}/authorize?{query}"

    def authorize(self, registration, redirect_uri, challenge, state="st4te", **overrides):
        status, headers, _ = get_without_redirect(
            self.authorize_url(registration, redirect_uri, challenge, state, **overrides)
        )
        self.assertEqual(status, 302)
        location = urllib.parse.urlsplit(headers["Location"])
        params = {k: v[0] for k, v in urllib.parse.parse_qs(location.query).items()}
        return location, params

    def exchange(self, registration, code, redirect_uri, verifier):
        return self.oidc.create_token(
            clientId=registration["clientId"],
            clientSecret=registration["clientSecret"],
            grantType="authorization_code",
            code=code,
            redirectUri=redirect_uri,
            codeVerifier=verifier,
        )

    def test_full_pkce_login(self):
        registration = self.register_pkce_client()
        verifier, challenge = pkce_pair()
        redirect_uri = "http://127.0.0.1:54321/oauth/callback"
        location, params = self.authorize(registration, redirect_uri, challenge)
        self.assertEqual(
            f"{location.scheme}://{location.netloc}{location.path}", redirect_uri
        )
        self.assertEqual(params["state"], "st4te")
        self.assertTrue(params["code"])

        recorded = self.emulator.control("last-authorize")
        self.assertEqual(recorded["redirect_uri"], redirect_uri)
        self.assertEqual(recorded["scopes"], "sso:account:access")
        self.assertEqual(recorded["code_challenge"], challenge)

        token = self.exchange(registration, params["code"], redirect_uri, verifier)
        self.assertTrue(token["refreshToken"])
        self.assertEqual(len(self.sso.list_accounts(accessToken=token["accessToken"])["accountList"]), 2)
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.exchange(registration, params["code"], redirect_uri, verifier)
        self.assertEqual(self.emulator.counts()["Authorize"], 1)

    def test_wrong_verifier_or_redirect_uri_is_invalid_grant(self):
        registration = self.register_pkce_client()
        verifier, challenge = pkce_pair()
        redirect_uri = "http://127.0.0.1:40000/oauth/callback"
        _, params = self.authorize(registration, redirect_uri, challenge)
        other_verifier, _ = pkce_pair()
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException) as context:
            self.exchange(registration, params["code"], redirect_uri, other_verifier)
        self.assertEqual(context.exception.response["Error"]["Message"],
                         "codeVerifier does not match the code challenge")
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException):
            self.exchange(
                registration, params["code"], "http://127.0.0.1:40001/oauth/callback", verifier
            )
        # The failed attempts did not burn the code.
        self.assertTrue(self.exchange(registration, params["code"], redirect_uri, verifier))

    def test_deny_redirects_with_access_denied_and_state(self):
        self.emulator.control("config", {"authorize": "deny"})
        registration = self.register_pkce_client()
        _, challenge = pkce_pair()
        _, params = self.authorize(registration, "http://127.0.0.1:4444/oauth/callback", challenge)
        self.assertEqual(params["error"], "access_denied")
        self.assertTrue(params["error_description"])
        self.assertEqual(params["state"], "st4te")
        self.assertNotIn("code", params)

    def test_request_errors_go_back_to_the_client(self):
        registration = self.register_pkce_client()
        _, challenge = pkce_pair()
        redirect_uri = "http://127.0.0.1:4444/oauth/callback"
        _, params = self.authorize(
            registration, redirect_uri, challenge, code_challenge_method="plain"
        )
        self.assertEqual(params["error"], "invalid_request")
        _, params = self.authorize(registration, redirect_uri, challenge, scopes="sso:other")
        self.assertEqual(params["error"], "invalid_scope")

    def test_unregistered_client_or_redirect_is_refused_on_the_page(self):
        registration = self.register_pkce_client()
        _, challenge = pkce_pair()
        for url in (
            self.authorize_url(
                registration, "http://localhost:4444/oauth/callback", challenge, "s"
            ),
            self.authorize_url(
                registration, "http://127.0.0.1:4444/elsewhere", challenge, "s"
            ),
            self.authorize_url(
                {"clientId": "unknown"}, "http://127.0.0.1:4444/oauth/callback", challenge, "s"
            ),
        ):
            status, headers, body = get_without_redirect(url)
            self.assertEqual(status, 400, url)
            self.assertIsNone(headers.get("Location"))
            self.assertIn("<h1>", body)

    def test_device_registrations_cannot_use_the_code_grant(self):
        registration = self.register_device_client()
        with self.assertRaises(self.oidc.exceptions.UnauthorizedClientException):
            self.exchange(registration, "code", CALLBACK, "v" * 64)


class PortalTests(EmulatorTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.emulator.control("mint-session", {})["accessToken"]

    def test_role_credentials_have_the_aws_shape_and_a_known_owner(self):
        before_ms = time.time() * 1000
        creds = self.sso.get_role_credentials(
            roleName="FullAccess", accountId=PROD_ACCOUNT, accessToken=self.token
        )["roleCredentials"]
        self.assertRegex(creds["accessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        self.assertEqual(len(creds["secretAccessKey"]), 40)
        self.assertTrue(creds["sessionToken"])
        # Epoch milliseconds, one hour ahead.
        self.assertAlmostEqual(creds["expiration"], before_ms + 3600_000, delta=5000)
        owner = self.emulator.control(f"credentials-owner?access_key_id={creds['accessKeyId']}")
        self.assertEqual(owner, {"accountId": PROD_ACCOUNT, "roleName": "FullAccess"})

    def test_unassigned_role_is_forbidden_no_access(self):
        for account, role in ((DEV_ACCOUNT, "Admin"), ("999999999999", "ReadOnly")):
            with self.assertRaises(botocore.exceptions.ClientError) as context:
                self.sso.get_role_credentials(roleName=role, accountId=account, accessToken=self.token)
            self.assertEqual(error_of(context), ("ForbiddenException", 403, "ForbiddenException"))
            self.assertEqual(context.exception.response["Error"]["Message"], "No access")

    def test_unknown_token_is_unauthorized_401(self):
        with self.assertRaises(self.sso.exceptions.UnauthorizedException) as context:
            self.sso.get_role_credentials(
                roleName="ReadOnly", accountId=DEV_ACCOUNT, accessToken="aoa-not-a-token"
            )
        self.assertEqual(error_of(context), ("UnauthorizedException", 401, "UnauthorizedException"))

    def test_missing_bearer_header_is_unauthorized(self):
        connection = http.client.HTTPConnection(self.emulator.url.removeprefix("http://"))
        connection.request("GET", "/assignment/accounts")
        response = connection.getresponse()
        self.assertEqual(response.status, 401)
        self.assertEqual(response.getheader("x-amzn-ErrorType"), "UnauthorizedException")
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        self.assertEqual(json.load(response), {"message": "Session token not found or invalid"})
        connection.close()

    def test_account_roles(self):
        for account in (DEV_ACCOUNT, PROD_ACCOUNT):
            roles = self.sso.list_account_roles(accessToken=self.token, accountId=account)
            self.assertEqual(
                roles["roleList"],
                [{"roleName": "ReadOnly", "accountId": account},
                 {"roleName": "FullAccess", "accountId": account}],
            )
            self.assertNotIn("nextToken", roles)
        page = self.sso.list_account_roles(accessToken=self.token, accountId=DEV_ACCOUNT, maxResults=1)
        self.assertEqual([r["roleName"] for r in page["roleList"]], ["ReadOnly"])
        rest = self.sso.list_account_roles(
            accessToken=self.token, accountId=DEV_ACCOUNT, maxResults=1, nextToken=page["nextToken"]
        )
        self.assertEqual([r["roleName"] for r in rest["roleList"]], ["FullAccess"])
        with self.assertRaises(self.sso.exceptions.ResourceNotFoundException):
            self.sso.list_account_roles(accessToken=self.token, accountId="999999999999")

    def test_default_accounts(self):
        accounts = self.sso.list_accounts(accessToken=self.token)
        self.assertEqual(
            accounts["accountList"],
            [
                {"accountId": DEV_ACCOUNT, "accountName": "DeveloperAccount",
                 "emailAddress": "dev@example.com"},
                {"accountId": PROD_ACCOUNT, "accountName": "ProductionAccount",
                 "emailAddress": "prod@example.com"},
            ],
        )

    def test_bad_paging_parameters_are_invalid_request(self):
        for query in ("max_result=101", "max_result=0", "max_result=x", "next_token=bogus"):
            connection = http.client.HTTPConnection(self.emulator.url.removeprefix("http://"))
            connection.request(
                "GET", f"/assignment/accounts?{query}",
                headers={"x-amz-sso_bearer_token": self.token},
            )
            response = connection.getresponse()
            self.assertEqual(response.status, 400, query)
            self.assertEqual(response.getheader("x-amzn-ErrorType"), "InvalidRequestException")
            self.assertIn("message", json.load(response))
            connection.close()

    def test_logout_invalidates_the_token(self):
        self.sso.logout(accessToken=self.token)
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.list_accounts(accessToken=self.token)
        self.assertEqual(self.emulator.counts()["Logout"], 1)


class ManyAccountsTests(EmulatorTestCase):
    emulator_args = ("--accounts", "250")

    def test_paging_returns_every_account_once(self):
        token = self.emulator.control("mint-session", {})["accessToken"]
        pages, seen, next_token = 0, [], None
        while True:
            kwargs = {"nextToken": next_token} if next_token else {}
            page = self.sso.list_accounts(accessToken=token, maxResults=100, **kwargs)
            pages += 1
            seen += [a["accountId"] for a in page["accountList"]]
            next_token = page.get("nextToken")
            if not next_token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(len(seen), 250)
        self.assertEqual(len(set(seen)), 250)

        paginator = self.sso.get_paginator("list_accounts")
        default_pages = list(paginator.paginate(accessToken=token))
        self.assertEqual(len(default_pages), 13)  # default page size 20
        self.assertEqual(
            [a["accountId"] for p in default_pages for a in p["accountList"]], seen
        )


class TokenLifetimeTests(EmulatorTestCase):
    emulator_args = ("--token-lifetime", "1s", "--credential-lifetime", "15m")

    def test_access_token_expires_after_its_lifetime(self):
        registration, token = self.device_login()
        self.assertEqual(token["expiresIn"], 1)
        creds = self.sso.get_role_credentials(
            roleName="ReadOnly", accountId=DEV_ACCOUNT, accessToken=token["accessToken"]
        )["roleCredentials"]
        self.assertAlmostEqual(creds["expiration"], time.time() * 1000 + 900_000, delta=5000)
        time.sleep(1.2)
        with self.assertRaises(self.sso.exceptions.UnauthorizedException):
            self.sso.get_role_credentials(
                roleName="ReadOnly", accountId=DEV_ACCOUNT, accessToken=token["accessToken"]
            )
        self.assertTrue(self.refresh(registration, token["refreshToken"])["accessToken"])


class FailureInjectionTests(EmulatorTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.emulator.control("mint-session", {})["accessToken"]

    def get_credentials(self, sso=None):
        return (sso or self.sso).get_role_credentials(
            roleName="ReadOnly", accountId=DEV_ACCOUNT, accessToken=self.token
        )

    def test_portal_error_for_count_calls_then_normal(self):
        self.emulator.control("fail", {
            "operation": "GetRoleCredentials", "status": 429,
            "errorCode": "TooManyRequestsException", "count": 2,
        })
        for _ in range(2):
            with self.assertRaises(self.sso.exceptions.TooManyRequestsException) as context:
                self.get_credentials()
            self.assertEqual(error_of(context)[1], 429)
        self.assertTrue(self.get_credentials()["roleCredentials"]["accessKeyId"])
        self.assertEqual(self.emulator.counts()["GetRoleCredentials"], 3)

    def test_oidc_error_codes_reach_the_right_exception_class(self):
        minted = self.emulator.control("mint-session", {})
        self.emulator.control("fail", {
            "operation": "CreateToken", "status": 400, "errorCode": "InvalidGrantException",
        })
        with self.assertRaises(self.oidc.exceptions.InvalidGrantException) as context:
            self.refresh(minted, minted["refreshToken"])
        self.assertEqual(error_of(context)[2], f"InvalidGrantException:{OIDC_NAMESPACE}")
        # The injected failure did not consume the refresh token.
        self.assertTrue(self.refresh(minted, minted["refreshToken"])["accessToken"])

    def test_botocore_retries_through_transient_server_errors(self):
        self.emulator.control("fail", {
            "operation": "GetRoleCredentials", "status": 500, "count": 2,
        })
        retrying = client(self.emulator, "sso", retries={"mode": "standard", "total_max_attempts": 3})
        response = self.get_credentials(retrying)
        self.assertEqual(response["ResponseMetadata"]["RetryAttempts"], 2)
        self.assertEqual(self.emulator.counts()["GetRoleCredentials"], 3)

    def test_malformed_body(self):
        self.emulator.control("fail", {
            "operation": "ListAccounts", "status": 200, "body": "{\"accountList\": [",
        })
        # botocore swallows an unparseable success body and returns no data.
        self.assertNotIn("accountList", self.sso.list_accounts(accessToken=self.token))
        self.emulator.control("fail", {
            "operation": "ListAccounts", "status": 502, "body": "<html>Bad Gateway</html>",
        })
        with self.assertRaises(botocore.exceptions.ClientError) as context:
            self.sso.list_accounts(accessToken=self.token)
        self.assertEqual(error_of(context)[1], 502)

    def test_dropped_connection(self):
        self.emulator.control("fail", {"operation": "*", "closeConnection": True})
        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            self.get_credentials()
        self.assertTrue(self.get_credentials()["roleCredentials"])

    def test_delay(self):
        self.emulator.control("fail", {"operation": "ListAccounts", "delayMs": 300})
        started = time.monotonic()
        self.assertTrue(self.sso.list_accounts(accessToken=self.token)["accountList"])
        self.assertGreaterEqual(time.monotonic() - started, 0.3)

    def test_clear_failures(self):
        self.emulator.control("fail", {"operation": "*", "status": 500, "count": 100})
        self.emulator.control("clear-failures", {})
        self.assertTrue(self.get_credentials()["roleCredentials"])


class LatencyTests(EmulatorTestCase):
    emulator_args = ("--latency", "200ms")

    def test_latency_is_added_to_service_calls_and_can_be_changed(self):
        token = self.emulator.control("mint-session", {})["accessToken"]
        started = time.monotonic()
        self.sso.list_accounts(accessToken=token)
        self.assertGreaterEqual(time.monotonic() - started, 0.2)
        self.assertEqual(self.emulator.control("config", {"latencyMs": 500}), {"ok": True})
        started = time.monotonic()
        self.sso.list_accounts(accessToken=token)
        self.assertGreaterEqual(time.monotonic() - started, 0.5)


class ConcurrencyTests(EmulatorTestCase):
    def test_fifty_parallel_role_credential_requests(self):
        token = self.emulator.control("mint-session", {})["accessToken"]
        # Each request sleeps 300 ms in the emulator: served one at a time, 50 would take 15 s.
        self.emulator.control("config", {"latencyMs": 300})
        sso = client(self.emulator, "sso", max_pool_connections=50, **no_retries())

        def fetch(i):
            account = DEV_ACCOUNT if i % 2 else PROD_ACCOUNT
            creds = sso.get_role_credentials(roleName="ReadOnly", accountId=account, accessToken=token)
            return account, creds["roleCredentials"]["accessKeyId"]

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(fetch, range(50)))
        elapsed = time.monotonic() - started
        self.assertEqual(len({key for _, key in results}), 50)
        for account, key in results:
            owner = self.emulator.control(f"credentials-owner?access_key_id={key}")
            self.assertEqual(owner["accountId"], account)
        self.assertEqual(self.emulator.counts()["GetRoleCredentials"], 50)
        self.assertLess(elapsed, 7.5, "requests were not served concurrently")


class ControlTests(EmulatorTestCase):
    def test_counts_and_reset(self):
        self.register_device_client()
        self.register_device_client()
        counts = self.emulator.counts()
        self.assertEqual(counts["RegisterClient"], 2)
        self.assertEqual(counts["GetRoleCredentials"], 0)
        self.emulator.control("reset-counts", {})
        self.assertEqual(self.emulator.counts()["RegisterClient"], 0)

    def test_bad_control_requests_are_rejected_with_a_message(self):
        for path, body, status in (
            ("config", {"tokenLifetme": 5}, 400),
            ("config", {"authorize": "maybe"}, 400),
            ("approve", {"userCode": "NONE-NONE"}, 404),
            ("nonsense", {}, 404),
        ):
            with self.assertRaises(urllib.error.HTTPError) as context:
                self.emulator.control(path, body)
            self.assertEqual(context.exception.code, status, path)
            self.assertTrue(json.load(context.exception)["message"])

    def test_unknown_service_path_is_404(self):
        connection = http.client.HTTPConnection(self.emulator.url.removeprefix("http://"))
        connection.request("GET", "/token")
        response = connection.getresponse()
        self.assertEqual(response.status, 404)
        self.assertEqual(response.getheader("x-amzn-ErrorType"), "UnknownOperationException")
        connection.close()


class StsTests(EmulatorTestCase):
    """STS AssumeRole and GetCallerIdentity with botocore's `sts` client, which signs with SigV4
    (awsQuery protocol, XML answers): the emulator accepts keys it issued, refuses others, and
    records which key signed each AssumeRole."""

    ROLE = "arn:aws:iam::210987654321:role/Deploy"

    def setUp(self):
        super().setUp()
        self.token = self.emulator.control("mint-session", {})["accessToken"]

    def role_credentials(self):
        creds = self.sso.get_role_credentials(
            roleName="FullAccess", accountId=DEV_ACCOUNT, accessToken=self.token
        )["roleCredentials"]
        return creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]

    def sts(self, key_id, secret, token, **config):
        return botocore.session.get_session().create_client(
            "sts",
            region_name="us-east-1",
            endpoint_url=self.emulator.url,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            aws_session_token=token,
            config=botocore.config.Config(**no_retries(), **config),
        )

    def owner(self, key_id):
        return self.emulator.control(f"assumed-role-owner?access_key_id={key_id}")

    def test_assume_role_with_sso_role_credentials(self):
        source = self.role_credentials()
        before = time.time()
        answer = self.sts(*source).assume_role(RoleArn=self.ROLE, RoleSessionName="alice")
        creds = answer["Credentials"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        self.assertEqual(len(creds["SecretAccessKey"]), 40)
        self.assertTrue(creds["SessionToken"])
        self.assertAlmostEqual(creds["Expiration"].timestamp(), before + 3600, delta=5)
        user = answer["AssumedRoleUser"]
        self.assertEqual(user["Arn"], "arn:aws:sts::210987654321:assumed-role/Deploy/alice")
        self.assertRegex(user["AssumedRoleId"], r"^AROA[A-Z0-9]{17}:alice$")
        self.assertEqual(self.owner(creds["AccessKeyId"]), {
            "roleArn": self.ROLE, "roleSessionName": "alice", "externalId": None,
            "durationSeconds": None, "sourceAccessKeyId": source[0],
            "assumedRoleArn": user["Arn"],
        })
        self.assertEqual(self.emulator.counts()["AssumeRole"], 1)

    def test_a_chain_is_signed_by_the_previous_role(self):
        first = self.sts(*self.role_credentials()).assume_role(
            RoleArn=self.ROLE, RoleSessionName="one", DurationSeconds=900
        )["Credentials"]
        second = self.sts(
            first["AccessKeyId"], first["SecretAccessKey"], first["SessionToken"]
        ).assume_role(
            RoleArn="arn:aws:iam::333333333333:role/team/Admin",
            RoleSessionName="two",
            ExternalId="ext-1",
        )
        owner = self.owner(second["Credentials"]["AccessKeyId"])
        self.assertEqual(owner["sourceAccessKeyId"], first["AccessKeyId"])
        self.assertEqual(owner["externalId"], "ext-1")
        self.assertEqual(
            second["AssumedRoleUser"]["Arn"], "arn:aws:sts::333333333333:assumed-role/Admin/two"
        )

    def test_caller_identity_of_sso_and_assumed_credentials(self):
        source = self.role_credentials()
        identity = self.sts(*source).get_caller_identity()
        self.assertEqual(identity["Account"], DEV_ACCOUNT)
        self.assertIn(":assumed-role/AWSReservedSSO_FullAccess_", identity["Arn"])
        creds = self.sts(*source).assume_role(RoleArn=self.ROLE, RoleSessionName="bob")
        assumed = creds["Credentials"]
        identity = self.sts(
            assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"]
        ).get_caller_identity()
        self.assertEqual(identity["Arn"], creds["AssumedRoleUser"]["Arn"])
        self.assertEqual(identity["UserId"], creds["AssumedRoleUser"]["AssumedRoleId"])
        self.assertEqual(identity["Account"], "210987654321")

    def test_keys_the_emulator_did_not_issue_are_refused(self):
        key_id, secret, token = self.role_credentials()
        for credentials in (
            ("ASIANOTISSUEDBYUS000", secret, token),
            (key_id, secret, "not-the-session-token"),
        ):
            with self.assertRaises(botocore.exceptions.ClientError) as context:
                self.sts(*credentials).assume_role(RoleArn=self.ROLE, RoleSessionName="x1")
            self.assertEqual(error_of(context)[:2], ("InvalidClientTokenId", 403))

    def test_validation_errors(self):
        # Without botocore's own checks, so the emulator's answers are what is tested.
        sts = self.sts(*self.role_credentials(), parameter_validation=False)
        for arguments, fragment in (
            ({"DurationSeconds": 7200}, "1 hour session limit"),
            ({"DurationSeconds": 899}, "greater than or equal to 900"),
            ({"RoleArn": "arn:aws:iam::123:role/x"}, "is invalid"),
            ({"RoleSessionName": "has space"}, "roleSessionName"),
        ):
            call = {"RoleArn": self.ROLE, "RoleSessionName": "valid", **arguments}
            with self.assertRaises(botocore.exceptions.ClientError) as context:
                sts.assume_role(**call)
            self.assertEqual(error_of(context)[:2], ("ValidationError", 400), arguments)
            self.assertIn(fragment, context.exception.response["Error"]["Message"])

    def test_a_role_can_demand_an_external_id(self):
        self.emulator.control("config", {"roleExternalIds": {self.ROLE: "right"}})
        sts = self.sts(*self.role_credentials())
        for call in ({}, {"ExternalId": "wrong"}):
            with self.assertRaises(botocore.exceptions.ClientError) as context:
                sts.assume_role(RoleArn=self.ROLE, RoleSessionName="x1", **call)
            self.assertEqual(error_of(context)[:2], ("AccessDenied", 403))
            self.assertIn(self.ROLE, context.exception.response["Error"]["Message"])
        self.assertTrue(
            sts.assume_role(RoleArn=self.ROLE, RoleSessionName="x1", ExternalId="right")
        )

    def test_expired_source_credentials_are_expired_token(self):
        self.emulator.control("config", {"credentialLifetime": 0.2})
        sts = self.sts(*self.role_credentials())
        time.sleep(0.5)
        with self.assertRaises(botocore.exceptions.ClientError) as context:
            sts.assume_role(RoleArn=self.ROLE, RoleSessionName="late")
        self.assertEqual(error_of(context)[:2], ("ExpiredToken", 400))

    def test_injected_failures_use_the_sts_error_shape(self):
        self.emulator.control("fail", {
            "operation": "AssumeRole", "status": 403, "errorCode": "AccessDenied",
        })
        sts = self.sts(*self.role_credentials())
        with self.assertRaises(botocore.exceptions.ClientError) as context:
            sts.assume_role(RoleArn=self.ROLE, RoleSessionName="x1")
        self.assertEqual(error_of(context)[:2], ("AccessDenied", 403))
        self.assertTrue(sts.assume_role(RoleArn=self.ROLE, RoleSessionName="x1"))

    def test_unknown_actions_are_invalid_action(self):
        sts = self.sts(*self.role_credentials())
        with self.assertRaises(botocore.exceptions.ClientError) as context:
            sts.get_session_token()
        self.assertEqual(error_of(context)[:2], ("InvalidAction", 400))


class BotocoreCredentialProviderTests(EmulatorTestCase):
    """botocore's own SSO provider (what `aws` and boto3 users run) against the emulator:
    it reads the token cache, refreshes the expired token and fetches role credentials."""

    def test_profile_credentials_through_a_token_refresh(self):
        minted = self.emulator.control("mint-session", {})
        home = tempfile.TemporaryDirectory()
        self.addCleanup(home.cleanup)
        config_path = os.path.join(home.name, "config")
        with open(config_path, "w") as config:
            config.write(
                "[profile dev]\n"
                "sso_session = my-sso\n"
                f"sso_account_id = {DEV_ACCOUNT}\n"
                "sso_role_name = ReadOnly\n"
                "region = us-west-2\n"
                "[sso-session my-sso]\n"
                "sso_region = us-east-1\n"
                f"sso_start_url = {START_URL}\n"
                "sso_registration_scopes = sso:account:access\n"
            )
        cache_dir = os.path.join(home.name, ".aws", "sso", "cache")
        os.makedirs(cache_dir)
        expired = "2020-01-01T00:00:00Z"
        registration_expires = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(minted["clientSecretExpiresAt"])
        )
        key = hashlib.sha1(b"my-sso").hexdigest()
        with open(os.path.join(cache_dir, f"{key}.json"), "w") as cache:
            json.dump({
                "startUrl": START_URL, "region": "us-east-1",
                "accessToken": minted["accessToken"], "expiresAt": expired,
                "clientId": minted["clientId"], "clientSecret": minted["clientSecret"],
                "registrationExpiresAt": registration_expires,
                "refreshToken": minted["refreshToken"],
            }, cache)

        # botocore fixes its cache directory from $HOME at import time: use a fresh process.
        env = {
            **os.environ,
            "HOME": home.name,
            "AWS_CONFIG_FILE": config_path,
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home.name, "credentials"),
            "AWS_ENDPOINT_URL_SSO": self.emulator.url,
            "AWS_ENDPOINT_URL_SSO_OIDC": self.emulator.url,
        }
        script = (
            "import botocore.session\n"
            "credentials = botocore.session.Session(profile='dev').get_credentials()\n"
            "print(credentials.get_frozen_credentials().access_key)\n"
        )
        result = subprocess.run(
            ["python3", "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        access_key = result.stdout.strip()

        self.assertEqual(
            self.emulator.control(f"credentials-owner?access_key_id={access_key}"),
            {"accountId": DEV_ACCOUNT, "roleName": "ReadOnly"},
        )
        counts = self.emulator.counts()
        self.assertEqual(counts["CreateToken"], 1)
        self.assertEqual(counts["GetRoleCredentials"], 1)
        with open(os.path.join(cache_dir, f"{key}.json")) as cache:
            written = json.load(cache)
        self.assertNotEqual(written["accessToken"], minted["accessToken"])
        self.assertNotEqual(written["refreshToken"], minted["refreshToken"])


if __name__ == "__main__":
    unittest.main()
