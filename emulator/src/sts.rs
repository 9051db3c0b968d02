//! STS, the part role chaining needs: `AssumeRole` and `GetCallerIdentity`, in the awsQuery
//! protocol the SDKs speak (`POST /` with a form body `Action=…&Version=2011-06-15&…`, XML
//! answers, XML errors).
//!
//! Callers sign with SigV4. The emulator does not check signatures (it cannot know the secret a
//! client holds without being a real KMS-backed service), but it does check what proves *whose*
//! credentials signed: the access key id in the `Authorization` header must be one it issued
//! (by `GetRoleCredentials` or an earlier `AssumeRole`), not expired, and sent with its own session
//! token. So a test can follow a chain back to the SSO role credentials it started from.

use std::time::{Duration, SystemTime};

use crate::http::{Request, Response};
use crate::ids;
use crate::state::{AssumedRoleOwner, State, epoch_seconds};
use crate::url_encoding::parse_query;
use crate::wire::{STS_NAMESPACE, sts_error_response, xml_escape, xml_response};

/// The only API version STS has.
pub const API_VERSION: &str = "2011-06-15";
/// `DurationSeconds` when the request has none.
const DEFAULT_DURATION_SECONDS: u32 = 3600;
/// The bounds STS puts on `DurationSeconds`.
const MIN_DURATION_SECONDS: u32 = 900;
const MAX_DURATION_SECONDS: u32 = 43_200;
/// A role session started with role-session credentials (role chaining) lasts at most an hour,
/// whatever the role's maximum. Every key the emulator issues is a role session.
const CHAINED_MAX_DURATION_SECONDS: u32 = 3600;
/// The session name the emulated Identity Center user gets in its permission set role's ARN.
const SSO_USER_SESSION: &str = "emulator-user";

/// An STS error: status, code and message for the XML error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StsError {
    status: u16,
    code: &'static str,
    message: String,
}

impl StsError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        StsError {
            status,
            code,
            message: message.into(),
        }
    }

    fn validation(message: impl Into<String>) -> Self {
        StsError::new(400, "ValidationError", message)
    }

    fn to_response(&self) -> Response {
        sts_error_response(self.status, self.code, &self.message)
    }
}

/// The decoded form body (`Action=AssumeRole&RoleArn=…`).
struct Form(Vec<(String, String)>);

impl Form {
    fn of(request: &Request) -> Form {
        Form(parse_query(&String::from_utf8_lossy(&request.body)))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The `Action` of an STS request (`POST /` with a form body), for routing.
pub fn action_of(request: &Request) -> Option<String> {
    Form::of(request).get("Action").map(str::to_owned)
}

/// Who signed a request: the identity behind an issued access key id.
struct Caller {
    arn: String,
    user_id: String,
    account: String,
}

/// The access key id of a SigV4 `Authorization` header:
/// `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/sts/aws4_request, SignedHeaders=…, Signature=…`.
fn signing_key_id(authorization: &str) -> Option<&str> {
    let parameters = authorization.strip_prefix("AWS4-HMAC-SHA256")?;
    parameters
        .split(',')
        .find_map(|part| part.trim().strip_prefix("Credential="))
        .and_then(|scope| scope.split('/').next())
        .filter(|key| !key.is_empty())
}

/// Checks that the request was signed with a key the emulator issued, with its session token,
/// before it expired.
fn authenticate(state: &State, request: &Request) -> Result<Caller, StsError> {
    let authorization = request.header("authorization").ok_or_else(|| {
        StsError::new(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        )
    })?;
    let key_id = signing_key_id(authorization).ok_or_else(|| {
        StsError::new(
            400,
            "IncompleteSignature",
            "Authorization header requires 'Credential' parameter.",
        )
    })?;
    let invalid = || {
        StsError::new(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    };
    if let Some(user_arn) = state.config.iam_users.get(key_id) {
        // An IAM user's long-term key: signed without a session token.
        return Ok(Caller {
            arn: user_arn.clone(),
            user_id: format!("AIDAEMULATORIAMUSER0:{key_id}"),
            account: account_of_arn(user_arn).to_owned(),
        });
    }
    let issued = state.issued_keys.get(key_id).ok_or_else(invalid)?;
    if request.header("x-amz-security-token") != Some(issued.session_token.as_str()) {
        return Err(invalid());
    }
    if std::time::Instant::now() >= issued.expires_at {
        return Err(StsError::new(
            400,
            "ExpiredToken",
            "The security token included in the request is expired",
        ));
    }
    if let Some(assumed) = state.assumed_roles.get(key_id) {
        return Ok(Caller {
            arn: assumed.assumed_role_arn.clone(),
            user_id: format!("{}:{}", assumed.assumed_role_id, assumed.role_session_name),
            account: account_of_arn(&assumed.assumed_role_arn).to_owned(),
        });
    }
    let owner = state.role_credentials.get(key_id).ok_or_else(invalid)?;
    Ok(Caller {
        arn: format!(
            "arn:aws:sts::{}:assumed-role/AWSReservedSSO_{}_0123456789abcdef/{SSO_USER_SESSION}",
            owner.account_id, owner.role_name
        ),
        user_id: format!("AROAEMULATORSSOROLE0:{SSO_USER_SESSION}"),
        account: owner.account_id.clone(),
    })
}

/// The account field (fifth) of an ARN.
fn account_of_arn(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or("")
}

/// `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME` → (partition, account, name).
fn parse_role_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (!partition.is_empty() && account_ok && !name.is_empty()).then_some((partition, account, name))
}

/// STS's pattern for session names: `[\w+=,.@-]{2,64}`.
fn valid_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

/// STS's pattern for external ids: `[\w+=,.@:\/-]{2,1224}`.
fn valid_external_id(id: &str) -> bool {
    (2..=1224).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c))
}

fn required<'a>(form: &'a Form, name: &str, field: &str) -> Result<&'a str, StsError> {
    form.get(name).filter(|value| !value.is_empty()).ok_or_else(|| {
        StsError::validation(format!(
            "1 validation error detected: Value null at '{field}' failed to satisfy constraint: \
             Member must not be null"
        ))
    })
}

fn duration_seconds(form: &Form) -> Result<Option<u32>, StsError> {
    let Some(text) = form.get("DurationSeconds") else {
        return Ok(None);
    };
    let constraint = |bound: &str| {
        StsError::validation(format!(
            "1 validation error detected: Value '{text}' at 'durationSeconds' failed to satisfy \
             constraint: Member must have value {bound}"
        ))
    };
    let seconds: u32 = text
        .parse()
        .map_err(|_| constraint("that is a whole number"))?;
    if seconds < MIN_DURATION_SECONDS {
        return Err(constraint("greater than or equal to 900"));
    }
    if seconds > MAX_DURATION_SECONDS {
        return Err(constraint("less than or equal to 43200"));
    }
    if seconds > CHAINED_MAX_DURATION_SECONDS {
        return Err(StsError::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by \
             role chaining.",
        ));
    }
    Ok(Some(seconds))
}

fn check_version(form: &Form) -> Result<(), StsError> {
    match form.get("Version") {
        Some(API_VERSION) => Ok(()),
        other => Err(StsError::new(
            400,
            "InvalidAction",
            format!(
                "Could not find operation {} for version {}",
                form.get("Action").unwrap_or(""),
                other.unwrap_or("NO_VERSION_SPECIFIED")
            ),
        )),
    }
}

/// `Action=AssumeRole`.
pub fn assume_role(state: &mut State, request: &Request) -> Response {
    match assume_role_inner(state, request) {
        Ok(body) => xml_response(200, body),
        Err(error) => error.to_response(),
    }
}

fn assume_role_inner(state: &mut State, request: &Request) -> Result<String, StsError> {
    let form = Form::of(request);
    check_version(&form)?;
    let caller = authenticate(state, request)?;
    let mut issue = Issue::read(&form)?;
    let role_arn = issue.role_arn;
    let external_id = form.get("ExternalId");
    if let Some(id) = external_id.filter(|id| !valid_external_id(id)) {
        return Err(StsError::validation(format!(
            "1 validation error detected: Value '{id}' at 'externalId' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\w+=,./@:-]*"
        )));
    }
    if let Some(wanted) = state.config.role_external_ids.get(role_arn)
        && external_id != Some(wanted.as_str())
    {
        return Err(StsError::new(
            403,
            "AccessDenied",
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller.arn
            ),
        ));
    }
    issue.external_id = external_id;
    issue.serial_number = check_mfa(state, &form)?;
    issue.source_access_key_id =
        signing_key_id(request.header("authorization").unwrap_or("")).unwrap_or("");
    Ok(issue.issue(state, "AssumeRole"))
}

/// With `SerialNumber`, `TokenCode` must be the code configured for that device.
fn check_mfa<'f>(state: &State, form: &'f Form) -> Result<Option<&'f str>, StsError> {
    let Some(serial) = form.get("SerialNumber") else {
        return Ok(None);
    };
    let code = form.get("TokenCode").unwrap_or("");
    if code.is_empty() || state.config.mfa_codes.get(serial).map(String::as_str) != Some(code) {
        return Err(StsError::new(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        ));
    }
    Ok(Some(serial))
}

/// `Action=AssumeRoleWithWebIdentity`: not signed; the token must be one the test configured.
pub fn assume_role_with_web_identity(state: &mut State, request: &Request) -> Response {
    match assume_role_with_web_identity_inner(state, request) {
        Ok(body) => xml_response(200, body),
        Err(error) => error.to_response(),
    }
}

fn assume_role_with_web_identity_inner(
    state: &mut State,
    request: &Request,
) -> Result<String, StsError> {
    let form = Form::of(request);
    check_version(&form)?;
    let mut issue = Issue::read(&form)?;
    let token = required(&form, "WebIdentityToken", "webIdentityToken")?;
    if !state.config.web_identity_tokens.iter().any(|t| t == token) {
        return Err(StsError::new(
            400,
            "InvalidIdentityToken",
            "The web identity token that was passed could not be validated by AWS.",
        ));
    }
    issue.web_identity_token = Some(token);
    Ok(issue.issue(state, "AssumeRoleWithWebIdentity"))
}

/// The role session a request asks for, and what it was asked with.
struct Issue<'a> {
    role_arn: &'a str,
    partition: &'a str,
    account: &'a str,
    role_name: &'a str,
    session_name: &'a str,
    duration: Option<u32>,
    external_id: Option<&'a str>,
    source_access_key_id: &'a str,
    web_identity_token: Option<&'a str>,
    serial_number: Option<&'a str>,
}

impl<'a> Issue<'a> {
    /// The arguments both actions share: `RoleArn`, `RoleSessionName`, `DurationSeconds`.
    fn read(form: &'a Form) -> Result<Issue<'a>, StsError> {
        let role_arn = required(form, "RoleArn", "roleArn")?;
        let session_name = required(form, "RoleSessionName", "roleSessionName")?;
        let (partition, account, role_name) = parse_role_arn(role_arn)
            .ok_or_else(|| StsError::validation(format!("{role_arn} is invalid")))?;
        if !valid_session_name(session_name) {
            return Err(StsError::validation(format!(
                "1 validation error detected: Value '{session_name}' at 'roleSessionName' failed \
                 to satisfy constraint: Member must satisfy regular expression pattern: \
                 [\\w+=,.@-]*"
            )));
        }
        Ok(Issue {
            role_arn,
            partition,
            account,
            role_name,
            session_name,
            duration: duration_seconds(form)?,
            external_id: None,
            source_access_key_id: "",
            web_identity_token: None,
            serial_number: None,
        })
    }

    /// Issues the session's credentials, remembers who owns them, and answers in `action`'s
    /// shape (both actions answer with `AssumedRoleUser` and `Credentials`).
    fn issue(&self, state: &mut State, action: &str) -> String {
        let lifetime =
            Duration::from_secs(u64::from(self.duration.unwrap_or(DEFAULT_DURATION_SECONDS)));
        let access_key_id = ids::access_key_id();
        let secret_access_key = ids::secret_access_key();
        let session_token = ids::session_token();
        let assumed_role_id = ids::role_id();
        let assumed_role_arn = format!(
            "arn:{}:sts::{}:assumed-role/{}/{}",
            self.partition, self.account, self.role_name, self.session_name
        );
        let expiration =
            iso8601(epoch_seconds(SystemTime::now()).saturating_add(lifetime.as_secs()));
        state.record_issued_key(
            access_key_id.clone(),
            secret_access_key.clone(),
            session_token.clone(),
            lifetime,
        );
        state.assumed_roles.insert(
            access_key_id.clone(),
            AssumedRoleOwner {
                role_arn: self.role_arn.to_owned(),
                role_session_name: self.session_name.to_owned(),
                external_id: self.external_id.map(str::to_owned),
                duration_seconds: self.duration,
                source_access_key_id: self.source_access_key_id.to_owned(),
                web_identity_token: self.web_identity_token.map(str::to_owned),
                serial_number: self.serial_number.map(str::to_owned),
                assumed_role_arn: assumed_role_arn.clone(),
                assumed_role_id: assumed_role_id.clone(),
            },
        );
        format!(
            "<{action}Response xmlns=\"{STS_NAMESPACE}\">
  <{action}Result>
    <AssumedRoleUser>
      <AssumedRoleId>{}:{}</AssumedRoleId>
      <Arn>{}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>{access_key_id}</AccessKeyId>
      <SecretAccessKey>{}</SecretAccessKey>
      <SessionToken>{}</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
  </{action}Result>
  <ResponseMetadata>
    <RequestId>{}</RequestId>
  </ResponseMetadata>
</{action}Response>
",
            assumed_role_id,
            xml_escape(self.session_name),
            xml_escape(&assumed_role_arn),
            xml_escape(&secret_access_key),
            xml_escape(&session_token),
            ids::request_id(),
        )
    }
}

/// `Action=GetCallerIdentity`: who signed the request (`aws sts get-caller-identity`).
pub fn get_caller_identity(state: &mut State, request: &Request) -> Response {
    let form = Form::of(request);
    let caller = match check_version(&form).and_then(|()| authenticate(state, request)) {
        Ok(caller) => caller,
        Err(error) => return error.to_response(),
    };
    xml_response(
        200,
        format!(
            "<GetCallerIdentityResponse xmlns=\"{STS_NAMESPACE}\">
  <GetCallerIdentityResult>
    <Arn>{}</Arn>
    <UserId>{}</UserId>
    <Account>{}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>{}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
",
            xml_escape(&caller.arn),
            xml_escape(&caller.user_id),
            caller.account,
            ids::request_id(),
        ),
    )
}

/// `YYYY-MM-DDTHH:MM:SSZ` for epoch seconds (the proleptic Gregorian calendar, as STS writes it).
pub(crate) fn iso8601(epoch: u64) -> String {
    let days = epoch / 86_400;
    let seconds = epoch % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// Days since 1970-01-01 → (year, month, day). Counts in 400-year eras of 146 097 days, with
/// years starting on 1 March so that the leap day falls at the end.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_known_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(iso8601(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn the_key_id_comes_from_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20240101/us-east-1/sts/aws4_request, \
                      SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(signing_key_id(header), Some("ASIAEXAMPLE"));
        assert_eq!(signing_key_id("Bearer x"), None);
        assert_eq!(signing_key_id("AWS4-HMAC-SHA256 Credential=/x"), None);
    }

    #[test]
    fn role_arns_are_parsed_with_paths_and_partitions() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/deploy"),
            Some(("aws", "123456789012", "deploy"))
        );
        assert_eq!(
            parse_role_arn("arn:aws-cn:iam::123456789012:role/team/ops/admin"),
            Some(("aws-cn", "123456789012", "admin"))
        );
        for bad in [
            "arn:aws:iam::12345:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:s3:::bucket",
            "role/x",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert_eq!(parse_role_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn session_names_and_external_ids_follow_the_sts_patterns() {
        assert!(valid_session_name("ssoenv-1700000000"));
        assert!(valid_session_name("a@b.c"));
        assert!(!valid_session_name("x"));
        assert!(!valid_session_name("has space"));
        assert!(valid_external_id("acme:prod/42"));
        assert!(!valid_external_id("x"));
    }
}
