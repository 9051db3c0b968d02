//! Where STS is reached, in the SDKs' order (the same as for the SSO services, see
//! [`crate::sso::resolve_endpoints`]): `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`, then the
//! config file (the profile's `services` section's `sts` block, then its `endpoint_url`), then the
//! SDK's regional default.

/// Applies the environment (read through `env`) on top of what the config file says. `None`
/// leaves the regional endpoint to the SDK.
pub fn resolve_sts_endpoint(
    from_config: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    if set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return None;
    }
    set("AWS_ENDPOINT_URL_STS")
        .or_else(|| set("AWS_ENDPOINT_URL"))
        .or_else(|| {
            from_config
                .filter(|url| !url.is_empty())
                .map(str::to_string)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
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
    fn ignoring_configured_endpoints_leaves_the_default() {
        let ignore = env(&[
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
            ("AWS_ENDPOINT_URL_STS", "http://sts"),
        ]);
        assert_eq!(resolve_sts_endpoint(Some("http://file"), ignore), None);
    }
}
