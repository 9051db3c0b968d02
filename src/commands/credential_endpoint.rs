//! What `exec --server` and `serve` share: a credential endpoint (`credential_server`) that
//! answers from the profile's pipeline (`profile_credentials`: cached, refreshed, fetched, signing
//! in as `--no-login` and the terminal allow), prepared before anything else starts.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::profile_credentials::{
    ProfileCredentials, effective_min_valid, profile_credentials, resolve,
};
use super::sign_in::SignInPolicy;
use crate::cli::CredentialArgs;
use crate::config::AwsConfig;
use crate::credential_server::Endpoint;
use crate::credential_server::answers::{Answers, CredentialSource, Fetched, Refusal};
use crate::environment::container_credentials_json;
use crate::error::{exit_code, exit_status, report};
use crate::secret::Secret;

/// 127.0.0.1 on a port the system picks.
pub const LOOPBACK_ANY_PORT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// How often the same failure is said again on stderr while requests keep failing.
const REPEAT_FAILURE_AFTER: Duration = Duration::from_secs(60);

/// Keys with which a profile gives credentials of its own. botocore, the JS SDK and the Rust SDK
/// all read the `default` profile before the container provider, so such a `default` shadows the
/// endpoint for a command that names no profile.
const CREDENTIAL_KEYS: [&str; 6] = [
    "aws_access_key_id",
    "role_arn",
    "sso_session",
    "sso_start_url",
    "credential_process",
    "web_identity_token_file",
];

/// Warns when the config file's `default` profile would be used instead of the endpoint.
pub fn warn_if_the_default_profile_shadows_it() {
    let Ok(config) = AwsConfig::load_default() else {
        return;
    };
    if let Some(default) = config.profile("default")
        && CREDENTIAL_KEYS.iter().any(|key| default.get(key).is_some())
    {
        eprintln!(
            "ssoenv: warning: the profile 'default' of the config file has credentials of its \
             own, and the SDKs use it before the credential endpoint: the command gets those"
        );
    }
}

/// An endpoint bound and ready to serve, with the credentials fetched for it.
pub struct Prepared {
    pub endpoint: Endpoint,
    pub answers: Answers,
    /// The credentials fetched before the endpoint starts (the endpoint serves them first).
    pub resolved: ProfileCredentials,
}

/// Gets the credentials `args` ask for, as `exec` does before it starts a command (so a missing
/// sign-in or a `--min-remaining` the role cannot give fails now, not in the middle of a job),
/// and binds an endpoint on `listen` that answers from the same pipeline later.
pub fn prepare(args: &CredentialArgs, listen: SocketAddr) -> anyhow::Result<Prepared> {
    if !listen.ip().is_loopback() {
        eprintln!(
            "ssoenv: warning: the credential endpoint listens on {listen}, which is not a \
             loopback address: anything that reaches it there and holds the token gets the \
             credentials"
        );
    }
    let resolved = resolve(args)?;
    let endpoint = Endpoint::bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
    let source = PipelineSource {
        profile: resolved.profile.clone(),
        min_valid: effective_min_valid(args.min_valid, args.min_remaining),
        policy: SignInPolicy::from_args(&args.sign_in),
        last_said: Mutex::new(None),
    };
    let min_valid = source.min_valid;
    let answers = Answers::new(Arc::new(source), min_valid, Some(fetched(&resolved)));
    Ok(Prepared {
        endpoint,
        answers,
        resolved,
    })
}

fn fetched(resolved: &ProfileCredentials) -> Fetched {
    Fetched {
        document: Secret::new(container_credentials_json(
            &resolved.account_id,
            &resolved.credentials,
        )),
        expiration: resolved.credentials.expiration,
    }
}

/// The profile's pipeline, run anew for each fetch the endpoint makes.
struct PipelineSource {
    profile: String,
    min_valid: Duration,
    policy: SignInPolicy,
    /// The last failure said on stderr, and when.
    last_said: Mutex<Option<(String, Instant)>>,
}

impl CredentialSource for PipelineSource {
    fn fetch(&self) -> Result<Fetched, Refusal> {
        match profile_credentials(&self.profile, self.min_valid, &self.policy) {
            Ok(resolved) => Ok(fetched(&resolved)),
            Err(error) => {
                let message = report(error.as_ref());
                self.say(&message);
                let (status, code) = if exit_status(&error) == exit_code::SIGN_IN_NEEDED {
                    (401, "SignInRequired")
                } else {
                    (502, "CredentialsUnavailable")
                };
                Err(Refusal {
                    status,
                    code,
                    message: format!("ssoenv: {message}"),
                })
            }
        }
    }
}

impl PipelineSource {
    /// Says a failure on stderr (where the user of `serve`, or of the command, looks; the Rust SDK
    /// shows only the HTTP status), once a minute while it stays the same.
    fn say(&self, message: &str) {
        let mut last = self.last_said.lock().unwrap_or_else(|e| e.into_inner());
        let repeated = last
            .as_ref()
            .is_some_and(|(said, when)| said == message && when.elapsed() < REPEAT_FAILURE_AFTER);
        if !repeated {
            eprintln!("ssoenv: the credential endpoint has no credentials to give: {message}");
            *last = Some((message.to_string(), Instant::now()));
        }
    }
}
