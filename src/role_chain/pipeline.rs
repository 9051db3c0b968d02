//! Getting a role chain's credentials: the last role's from the cache when it has them, otherwise
//! its source's credentials (recursively, down to the root's: an SSO profile's through
//! [`CredentialsPipeline`], any other kind's through [`base_credentials`]), then `AssumeRole`
//! (with an MFA code asked on the terminal when the role sets `mfa_serial`), caching every hop in
//! the AWS CLI's assume-role cache.
//!
//! The fast path (the last role's credentials cached with more than `min_valid` left) reads the
//! config and one file: no SDK client, no async runtime, no lock, no network.

use std::cell::OnceCell;
use std::time::Duration;

use time::OffsetDateTime;

use super::{BaseSource, ChainError, ChainRoot, RoleChain, RoleHop, SourceFailure};
use crate::aws::{AssumeRoleRequest, StsClient, StsError, TransportError};
use crate::cache::{AssumedRoleCache, CacheDirs};
use crate::credentials::CredentialsPipeline;
use crate::profile_kinds::base_credentials;
use crate::role_credentials::{AssumedRole, RoleCredentials};
use crate::token_source::TokenSource;

/// What the credentials that sign an `AssumeRole` call must still have left: enough for the call
/// and its retries. Source credentials are not handed to anyone, so they need no more; asking for
/// more would only refetch them sooner.
pub const SOURCE_MIN_VALID: Duration = Duration::from_secs(5 * 60);

/// The region STS is called in when the profile names none. Every region's STS issues credentials
/// valid everywhere; us-east-1 is where the global endpoint lives.
const DEFAULT_STS_REGION: &str = "us-east-1";

/// Gets valid credentials for one role chain.
pub struct RoleChainPipeline<'a> {
    chain: &'a RoleChain,
    dirs: &'a CacheDirs,
    /// The token source of the SSO profile at the start of the chain; `None` when the chain
    /// starts from another kind.
    tokens: Option<&'a TokenSource<'a>>,
    sts_endpoint: Option<String>,
    /// Whether an MFA code may be asked on the terminal.
    may_prompt: bool,
    cache: AssumedRoleCache,
    now: OffsetDateTime,
    sts: OnceCell<StsClient>,
}

impl<'a> RoleChainPipeline<'a> {
    /// `tokens` is the source of the SSO profile at the start of the chain (when it starts from
    /// one), `sts_endpoint` is STS's (with the environment applied), `may_prompt` whether
    /// someone can type an MFA code.
    pub fn new(
        chain: &'a RoleChain,
        dirs: &'a CacheDirs,
        tokens: Option<&'a TokenSource<'a>>,
        sts_endpoint: Option<String>,
        may_prompt: bool,
    ) -> Self {
        RoleChainPipeline {
            chain,
            dirs,
            tokens,
            sts_endpoint,
            may_prompt,
            cache: dirs.assumed_roles(),
            now: OffsetDateTime::now_utc(),
            sts: OnceCell::new(),
        }
    }

    /// The chain's credentials with more than `min_valid` left.
    pub fn credentials(&self, min_valid: Duration) -> Result<RoleCredentials, ChainError> {
        self.hop_credentials(self.chain.hops.len() - 1, min_valid)
    }

    fn hop_credentials(
        &self,
        index: usize,
        min_valid: Duration,
    ) -> Result<RoleCredentials, ChainError> {
        let hop = &self.chain.hops[index];
        let key = hop.cache_key();
        if let Some(cached) = self.fresh(&key, min_valid)? {
            crate::debug!("profile '{}': assumed-role cache hit", hop.profile);
            return Ok(cached);
        }
        crate::debug!(
            "profile '{}': assumed-role cache miss; assuming {}",
            hop.profile,
            hop.role_arn
        );
        if let Some(serial) = &hop.mfa_serial
            && !self.may_prompt
        {
            // Said before any call: no source credentials are fetched for a role that cannot be
            // assumed here.
            return Err(ChainError::MfaNeedsTerminal {
                profile: hop.profile.clone(),
                serial: serial.clone(),
            });
        }
        // The source is got before this hop's lock is taken, so a process never holds two locks:
        // two chains may share roles in opposite orders, and nested locks could deadlock them.
        let source = self.source_credentials(index, false)?;
        let _lock = self.cache.lock(&key)?;
        if let Some(cached) = self.fresh(&key, min_valid)? {
            crate::debug!(
                "profile '{}': another process cached the role meanwhile",
                hop.profile
            );
            return Ok(cached);
        }
        let assumed = match self.assume(hop, &source) {
            // The cache said the source was valid but STS disagrees (revoked, or written by a
            // tool with a skewed clock): once more with freshly fetched source credentials.
            Err(ChainError::AssumeRole { source: error, .. })
                if error.source_credentials_refused() =>
            {
                let source = self.source_credentials(index, true)?;
                self.assume(hop, &source)
            }
            other => other,
        }?;
        let remaining = assumed.credentials.remaining(self.now);
        if remaining <= min_valid {
            eprintln!(
                "ssoenv: warning: role {} gives credentials valid for only {} (asked for more than \
                 {}); they will be fetched again each time",
                hop.role_arn,
                crate::duration::format_duration(remaining.try_into().unwrap_or_default()),
                crate::duration::format_duration(min_valid),
            );
        }
        if let Err(error) = self.cache.store(&key, &assumed) {
            crate::cache::warn_not_saved(
                "the assumed role's credentials",
                &error,
                "the next run will assume the role again",
            );
        }
        crate::debug!(
            "profile '{}': assumed and cached, valid for {}",
            hop.profile,
            crate::duration::format_duration(remaining.try_into().unwrap_or_default())
        );
        Ok(assumed.credentials)
    }

    /// The credentials that sign hop `index`'s `AssumeRole`: the SSO profile's for the first hop,
    /// the previous hop's otherwise. `discard_cached` drops what the cache holds first.
    fn source_credentials(
        &self,
        index: usize,
        discard_cached: bool,
    ) -> Result<RoleCredentials, ChainError> {
        if index > 0 {
            if discard_cached {
                self.cache.remove(&self.chain.hops[index - 1].cache_key())?;
            }
            return self.hop_credentials(index - 1, SOURCE_MIN_VALID);
        }
        let (root, tokens) = match (&self.chain.root, self.tokens) {
            (ChainRoot::Sso(root), Some(tokens)) => (root, tokens),
            (ChainRoot::Base(base), _) => {
                if discard_cached && let BaseSource::WebIdentity(web) = &base.source {
                    self.cache.remove(&web.cache_key())?;
                }
                return base_credentials(base, self.dirs, SOURCE_MIN_VALID)
                    .map(|base| base.credentials)
                    .map_err(|source| ChainError::BaseSource {
                        profile: self.chain.profile.clone(),
                        root: base.profile.clone(),
                        source: Box::new(source),
                    });
            }
            (ChainRoot::Sso(root), None) => {
                return Err(ChainError::Runtime(std::io::Error::other(format!(
                    "no token source was given for SSO profile '{}'",
                    root.name
                ))));
            }
        };
        if discard_cached {
            self.dirs
                .role_credentials()
                .remove(&root.role_credentials_key())?;
        }
        CredentialsPipeline::new(root, self.dirs, tokens)
            .role_credentials(SOURCE_MIN_VALID)
            .map_err(|source| {
                ChainError::Source(Box::new(SourceFailure {
                    profile: self.chain.profile.clone(),
                    root: root.name.clone(),
                    source,
                }))
            })
    }

    fn assume(&self, hop: &RoleHop, source: &RoleCredentials) -> Result<AssumedRole, ChainError> {
        let token_code = match &hop.mfa_serial {
            None => None,
            Some(serial) => Some(self.mfa_code(hop, serial)?),
        };
        self.assume_with(hop, source, token_code.as_deref())
            .map_err(|source| ChainError::AssumeRole {
                profile: hop.profile.clone(),
                role_arn: hop.role_arn.clone(),
                source: Box::new(source),
            })
    }

    /// The current code of MFA device `serial`, typed on the terminal.
    fn mfa_code(&self, hop: &RoleHop, serial: &str) -> Result<String, ChainError> {
        let no_terminal = || ChainError::MfaNeedsTerminal {
            profile: hop.profile.clone(),
            serial: serial.to_string(),
        };
        if !self.may_prompt {
            return Err(no_terminal());
        }
        dialoguer::Input::<String>::new()
            .with_prompt(format!("MFA code for {serial} (profile '{}')", hop.profile))
            .validate_with(|code: &String| -> Result<(), &str> {
                if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(())
                } else {
                    Err("the code is the 6 digits the device shows")
                }
            })
            .interact_text()
            .map_err(|_| no_terminal())
    }

    fn assume_with(
        &self,
        hop: &RoleHop,
        source: &RoleCredentials,
        token_code: Option<&str>,
    ) -> Result<AssumedRole, StsError> {
        let generated;
        let role_session_name = match &hop.role_session_name {
            Some(name) => name.as_str(),
            None => {
                generated = default_session_name(self.now);
                generated.as_str()
            }
        };
        let request = AssumeRoleRequest {
            role_arn: &hop.role_arn,
            role_session_name,
            external_id: hop.external_id.as_deref(),
            duration_seconds: hop.duration_seconds,
            serial_number: hop.mfa_serial.as_deref(),
            token_code,
        };
        match self.sts() {
            Ok(sts) => sts.assume_role(source, &request),
            Err(error) => Err(TransportError::Unreachable {
                operation: "AssumeRole",
                endpoint: self.sts_endpoint.clone().unwrap_or_default(),
                detail: format!("could not start the network client: {error}"),
            }
            .into()),
        }
    }

    /// The STS client, built on first use only.
    fn sts(&self) -> std::io::Result<&StsClient> {
        if let Some(client) = self.sts.get() {
            return Ok(client);
        }
        let region = self.chain.region.as_deref().unwrap_or(DEFAULT_STS_REGION);
        let client = StsClient::new(region, self.sts_endpoint.as_deref())?;
        Ok(self.sts.get_or_init(|| client))
    }

    fn fresh(&self, key: &str, min_valid: Duration) -> Result<Option<RoleCredentials>, ChainError> {
        Ok(self
            .cache
            .load(key)?
            .map(|assumed| assumed.credentials)
            .filter(|c| c.remaining(self.now) > min_valid && c.check_carriable().is_ok()))
    }
}

/// The session name sent when the profile sets no `role_session_name`: names the tool and the
/// time, as botocore's `botocore-session-<epoch>` does, so CloudTrail shows where it came from.
fn default_session_name(now: OffsetDateTime) -> String {
    format!("ssoenv-{}", now.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_session_names_are_valid_for_sts() {
        let name =
            default_session_name(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap());
        assert_eq!(name, "ssoenv-1700000000");
        assert!((2..=64).contains(&name.len()));
    }
}
