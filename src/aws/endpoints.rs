//! Which URL each service is reached at, for all three services in one place. The SDKs' order is
//! kept so that a setting that works for the AWS CLI works for ssoenv: the service's own
//! environment variable (`AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_SSO`,
//! `AWS_ENDPOINT_URL_STS`), then `AWS_ENDPOINT_URL`, then the config file (the profile's
//! `services` section, then its `endpoint_url`, which the config module has already picked
//! between), then the regional default, left to the SDK, which knows every partition's DNS
//! suffix. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` switches every override off.
//!
//! The environment is read through a function, so tests need not touch the process environment.

use crate::config::EndpointOverrides;

/// Endpoint overrides for the two Identity Center services; `None` means the SDK's regional
/// default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// SSO OIDC (`oidc.{region}.amazonaws.com`): client registration, sign-in, tokens.
    pub oidc: Option<String>,
    /// SSO portal (`portal.sso.{region}.amazonaws.com`): role credentials, account and role lists.
    pub portal: Option<String>,
}

/// The Identity Center endpoints: the environment applied on top of what the config file says
/// for the profile.
pub fn resolve_endpoints(
    from_config: &EndpointOverrides,
    env: impl Fn(&str) -> Option<String>,
) -> Endpoints {
    if ignores_configured_endpoints(&env) {
        return Endpoints::default();
    }
    Endpoints {
        oidc: endpoint(
            "AWS_ENDPOINT_URL_SSO_OIDC",
            from_config.sso_oidc.as_deref(),
            &env,
        ),
        portal: endpoint("AWS_ENDPOINT_URL_SSO", from_config.sso.as_deref(), &env),
    }
}

/// STS's endpoint: the environment applied on top of what the config file says (the profile's
/// `services` section's `sts` block, else its `endpoint_url`). `None` leaves the regional
/// endpoint to the SDK.
pub fn resolve_sts_endpoint(
    from_config: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    if ignores_configured_endpoints(&env) {
        return None;
    }
    endpoint("AWS_ENDPOINT_URL_STS", from_config, &env)
}

/// The console's federation endpoint (`getSigninToken`, `login`, and the console sign-out):
/// `AWS_ENDPOINT_URL_SIGNIN`, else `AWS_ENDPOINT_URL`, as for an SDK service named `signin`
/// (private endpoints, tests); `None` means the partition's own host
/// ([`super::Partition::signin_host`]). The config file's `services` sections have no say: the
/// federation endpoint is no SDK service.
pub fn resolve_signin_endpoint(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    if ignores_configured_endpoints(&env) {
        return None;
    }
    endpoint("AWS_ENDPOINT_URL_SIGNIN", None, &env)
}

/// `service_variable`, else `AWS_ENDPOINT_URL`, else the file's URL. A variable that is empty or
/// blank counts as unset, and so does an empty URL in the file, as in botocore.
fn endpoint(
    service_variable: &str,
    from_config: Option<&str>,
    env: &impl Fn(&str) -> Option<String>,
) -> Option<String> {
    set(env, service_variable)
        .or_else(|| set(env, "AWS_ENDPOINT_URL"))
        .or_else(|| {
            from_config
                .filter(|url| !url.is_empty())
                .map(str::to_string)
        })
}

fn ignores_configured_endpoints(env: &impl Fn(&str) -> Option<String>) -> bool {
    set(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

fn set(env: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|value| !value.trim().is_empty())
}

/// Where SSO OIDC is reached when nothing overrides it (for messages and the browser's
/// `/authorize`).
pub(super) fn default_oidc_endpoint(region: &str) -> String {
    format!("https://oidc.{region}.amazonaws.com")
}

/// Where the SSO portal is reached when nothing overrides it (for messages).
pub(super) fn default_portal_endpoint(region: &str) -> String {
    format!("https://portal.sso.{region}.amazonaws.com")
}

/// Where STS is reached when nothing overrides it (for messages).
pub(super) fn default_sts_endpoint(region: &str) -> String {
    format!("https://sts.{region}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn file(sso: &str, oidc: &str) -> EndpointOverrides {
        EndpointOverrides {
            sso: Some(sso.into()),
            sso_oidc: Some(oidc.into()),
        }
    }

    #[test]
    fn service_variables_beat_the_global_one_which_beats_the_file() {
        let from_file = file("http://file-sso", "http://file-oidc");
        let both = resolve_endpoints(
            &from_file,
            env(&[
                ("AWS_ENDPOINT_URL_SSO", "http://env-sso"),
                ("AWS_ENDPOINT_URL", "http://global"),
            ]),
        );
        assert_eq!(both.portal.as_deref(), Some("http://env-sso"));
        assert_eq!(both.oidc.as_deref(), Some("http://global"));

        let file_only = resolve_endpoints(&from_file, env(&[]));
        assert_eq!(file_only.portal.as_deref(), Some("http://file-sso"));
        assert_eq!(file_only.oidc.as_deref(), Some("http://file-oidc"));
    }

    #[test]
    fn nothing_configured_leaves_the_regional_default_to_the_sdk() {
        let none = resolve_endpoints(
            &EndpointOverrides::default(),
            env(&[("AWS_ENDPOINT_URL", " ")]),
        );
        assert_eq!(none, Endpoints::default());
    }

    #[test]
    fn ignore_configured_endpoint_urls_switches_every_override_off() {
        let ignored = resolve_endpoints(
            &file("http://a", "http://b"),
            env(&[
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
                ("AWS_ENDPOINT_URL_SSO", "http://env"),
            ]),
        );
        assert_eq!(ignored, Endpoints::default());
    }

    #[test]
    fn the_service_variable_beats_the_global_one_which_beats_the_file() {
        let both = env(&[
            ("AWS_ENDPOINT_URL_STS", "http://sts"),
            ("AWS_ENDPOINT_URL", "http://all"),
        ]);
        assert_eq!(
            resolve_sts_endpoint(Some("http://file"), both).as_deref(),
            Some("http://sts")
        );
        let global = env(&[("AWS_ENDPOINT_URL", "http://all")]);
        assert_eq!(
            resolve_sts_endpoint(Some("http://file"), global).as_deref(),
            Some("http://all")
        );
        assert_eq!(
            resolve_sts_endpoint(Some("http://file"), env(&[])).as_deref(),
            Some("http://file")
        );
        assert_eq!(
            resolve_sts_endpoint(None, env(&[("AWS_ENDPOINT_URL", " ")])),
            None
        );
    }

    #[test]
    fn the_signin_endpoint_follows_its_variable_then_the_global_one() {
        let both = env(&[
            ("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL", "http://all"),
        ]);
        assert_eq!(
            resolve_signin_endpoint(both).as_deref(),
            Some("http://127.0.0.1:1")
        );
        let global = env(&[("AWS_ENDPOINT_URL", "http://all")]);
        assert_eq!(
            resolve_signin_endpoint(global).as_deref(),
            Some("http://all")
        );
        assert_eq!(resolve_signin_endpoint(env(&[])), None);
        let ignored = env(&[
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:1"),
        ]);
        assert_eq!(resolve_signin_endpoint(ignored), None);
    }

    #[test]
    fn ignoring_configured_endpoints_leaves_the_default() {
        let ignore = env(&[
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
            ("AWS_ENDPOINT_URL_STS", "http://sts"),
        ]);
        assert_eq!(resolve_sts_endpoint(Some("http://file"), ignore), None);
    }
}
