//! Which URL each service is reached at. The SDKs' order is kept so that a setting that works for
//! the AWS CLI works for ssoenv: service-specific environment variable, then `AWS_ENDPOINT_URL`,
//! then the profile's `services` section, then the profile's `endpoint_url`, then the default
//! regional endpoint (left to the SDK, which knows every partition's DNS suffix).

use crate::config::EndpointOverrides;

/// Endpoint overrides for the two services; `None` means the SDK's regional default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// SSO OIDC (`oidc.{region}.amazonaws.com`): client registration, sign-in, tokens.
    pub oidc: Option<String>,
    /// SSO portal (`portal.sso.{region}.amazonaws.com`): role credentials, account and role lists.
    pub portal: Option<String>,
}

/// Applies the environment (read through `env`, so tests need not touch the process environment)
/// on top of what the config file says for the profile.
pub fn resolve_endpoints(
    from_config: &EndpointOverrides,
    env: impl Fn(&str) -> Option<String>,
) -> Endpoints {
    let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    if set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Endpoints::default();
    }
    let global = set("AWS_ENDPOINT_URL");
    Endpoints {
        oidc: set("AWS_ENDPOINT_URL_SSO_OIDC")
            .or_else(|| global.clone())
            .or_else(|| from_config.sso_oidc.clone()),
        portal: set("AWS_ENDPOINT_URL_SSO")
            .or(global)
            .or_else(|| from_config.sso.clone()),
    }
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
}
