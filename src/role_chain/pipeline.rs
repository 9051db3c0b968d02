//! Getting a role chain's credentials: the last role's from the cache when it has them, otherwise
//! its source's credentials (recursively, down to the SSO profile's, through
//! [`CredentialsPipeline`]), then `AssumeRole`, caching every hop in the AWS CLI's assume-role
//! cache.
//!
//! The fast path (the last role's credentials cached with more than `min_valid` left) reads the
//! config and one file: no SDK client, no async runtime, no lock, no network.

use std::cell::OnceCell;
use std::time::Duration;

use time::OffsetDateTime;

use super::{ChainError, RoleChain, RoleHop, SourceFailure};
use crate::aws::{AssumeRoleRequest, StsClient, StsError, TransportError};
use crate::cache::{AssumedRoleCache, CacheDirs};
use crate::credentials::CredentialsPipeline;
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
    /// The token source of the SSO profile at the start of the chain.
    tokens: &'a TokenSource<'a>,
    sts_endpoint: Option<String>,
    cache: AssumedRoleCache,
    now: OffsetDateTime,
    sts: OnceCell<StsClient>,
}

impl<'a> RoleChainPipeline<'a> {
    /// `tokens` is the source of the SSO profile at the start of the chain, `sts_endpoint` is
    /// STS's (with the environment applied).
    pub fn new(
        chain: &'a RoleChain,
        dirs: &'a CacheDirs,
        tokens: &'a TokenSource<'a>,
        sts_endpoint: Option<String>,
    ) -> Self {
        RoleChainPipeline {
            chain,
            dirs,
            tokens,
            sts_endpoint,
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
            Err(error) if error.source_credentials_refused() => {
                let source = self.source_credentials(index, true)?;
                self.assume(hop, &source)
            }
            other => other,
        }
        .map_err(|source| ChainError::AssumeRole {
            profile: hop.profile.clone(),
            role_arn: hop.role_arn.clone(),
            source: Box::new(source),
        })?;
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
        let root = &self.chain.root;
        if discard_cached {
            self.dirs
                .role_credentials()
                .remove(&root.role_credentials_key())?;
        }
        CredentialsPipeline::new(root, self.dirs, self.tokens)
            .role_credentials(SOURCE_MIN_VALID)
            .map_err(|source| {
                ChainError::Source(Box::new(SourceFailure {
                    profile: self.chain.profile.clone(),
                    root: root.name.clone(),
                    source,
                }))
            })
    }

    fn assume(&self, hop: &RoleHop, source: &RoleCredentials) -> Result<AssumedRole, StsError> {
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
