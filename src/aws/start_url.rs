//! Resolving a start URL on a company's own domain (a "vanity" URL) as the AWS CLI 2.35.13 does
//! (`awscli/customizations/sso/resolve.py`): one `HEAD` request (a `GET` when the server answers
//! 405 or 501), redirects not followed but read — at most one — and the target accepted only on
//! AWS's own start-URL domains, over https. The region is taken from the target's host when it
//! names one, else from `sso_region`. Only the sign-in uses the result (the OIDC service is told the
//! AWS URL); every cache key stays on the URL the config file holds.
//!
//! The one exception to "https only": a start URL on a loopback address may use http, since that
//! traffic never leaves the machine (the emulator's tests use it).

use std::time::Duration;

use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::http::Request;
use aws_smithy_types::body::SdkBody;

use super::error::innermost_cause;

use crate::config::start_url::{is_aws_owned_host, region_from_host, url_host};

/// How long the request may take, as the CLI's default.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where a start URL leads: the URL the OIDC service is told, and the session's region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedStartUrl {
    pub url: String,
    pub region: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StartUrlError {
    #[error("the sso_start_url {0} must use https")]
    NotHttps(String),
    #[error("the sso_start_url {0} has no host")]
    NoHost(String),
    #[error(
        "sso_region is missing for the start URL {0}; add sso_region = REGION (the region of your \
         IAM Identity Center instance) to the config file"
    )]
    NoRegion(String),
    #[error(
        "could not resolve the start URL {start_url}: {detail} (a start URL on your own domain \
         must redirect to AWS's, e.g. https://d-1234567890.awsapps.com/start)"
    )]
    Unresolved { start_url: String, detail: String },
    #[error(
        "the start URL {start_url} leads to {target}, which is not an AWS IAM Identity Center \
         address (awsapps.com, app.aws, portal.amazonaws.com); refusing to sign in there"
    )]
    NotAws { start_url: String, target: String },
    #[error(
        "cannot tell the region of the start URL {start_url} (it leads to {target}); add \
         sso_region = REGION to the config file"
    )]
    RegionUnknown { start_url: String, target: String },
}

/// `start_url` resolved: itself with `configured_region` when it is AWS's, else its redirect
/// target (see the module documentation).
pub fn resolve_start_url(
    start_url: &str,
    configured_region: Option<&str>,
) -> Result<ResolvedStartUrl, StartUrlError> {
    let host = url_host(start_url).ok_or_else(|| StartUrlError::NoHost(start_url.to_string()))?;
    let loopback = is_loopback(&host);
    let allowed_scheme =
        start_url.starts_with("https://") || (loopback && start_url.starts_with("http://"));
    if !allowed_scheme {
        return Err(StartUrlError::NotHttps(start_url.to_string()));
    }
    let configured_region = configured_region.filter(|region| !region.is_empty());
    if is_aws_owned_host(&host) {
        let region =
            configured_region.ok_or_else(|| StartUrlError::NoRegion(start_url.to_string()))?;
        return Ok(ResolvedStartUrl {
            url: start_url.to_string(),
            region: region.to_string(),
        });
    }
    crate::debug!("start URL {start_url} is not AWS's: reading where it redirects");
    let target = normalize(&follow_one_redirect(start_url)?);
    let target_host = url_host(&target)
        .filter(|host| is_aws_owned_host(host))
        .ok_or_else(|| StartUrlError::NotAws {
            start_url: start_url.to_string(),
            target: target.clone(),
        })?;
    if !target.starts_with("https://") {
        return Err(StartUrlError::NotAws {
            start_url: start_url.to_string(),
            target,
        });
    }
    let region = region_from_host(&target_host)
        .or(configured_region.map(str::to_string))
        .ok_or_else(|| StartUrlError::RegionUnknown {
            start_url: start_url.to_string(),
            target: target.clone(),
        })?;
    crate::debug!("start URL {start_url} leads to {target} (region {region})");
    Ok(ResolvedStartUrl {
        url: target,
        region,
    })
}

fn is_loopback(host: &str) -> bool {
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|address| address.is_loopback())
}

/// The URL the one request ends at: `url` itself when it answers without a redirect, else the
/// redirect's `Location` (made absolute); a redirect is not followed further. Made with the SDK's
/// own HTTPS connector (as the console's federation call is), which follows no redirect.
fn follow_one_redirect(url: &str) -> Result<String, StartUrlError> {
    let unresolved = |detail: String| StartUrlError::Unresolved {
        start_url: url.to_string(),
        detail,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| unresolved(format!("could not start the network client: {error}")))?;
    let connector =
        aws_smithy_http_client::default_connector(&HttpConnectorSettings::default(), None)
            .ok_or_else(|| unresolved("no HTTPS client is built in".to_string()))?;
    let send = |method: &str| {
        let request = http::Request::builder()
            .method(method)
            .uri(url)
            .header("user-agent", concat!("ssoenv/", env!("CARGO_PKG_VERSION")))
            .body(SdkBody::empty())
            .map_err(|error| unresolved(format!("not a valid URL ({error})")))
            .and_then(|request| {
                Request::try_from(request)
                    .map_err(|error| unresolved(format!("not a valid URL ({error})")))
            });
        let connector = &connector;
        async move {
            let request = request?;
            match tokio::time::timeout(TIMEOUT, connector.call(request)).await {
                Err(_) => Err(unresolved(format!(
                    "no answer within {}s",
                    TIMEOUT.as_secs()
                ))),
                Ok(Err(error)) => Err(unresolved(innermost_cause(&error))),
                Ok(Ok(response)) => Ok(response),
            }
        }
    };
    runtime.block_on(async {
        let mut response = send("HEAD").await?;
        if matches!(response.status().as_u16(), 405 | 501) {
            response = send("GET").await?;
        }
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            let location = response
                .headers()
                .get("location")
                .ok_or_else(|| unresolved("a redirect without a Location".to_string()))?;
            return Ok(join(url, location));
        }
        if (200..300).contains(&status) {
            return Ok(url.to_string());
        }
        Err(unresolved(format!("HTTP {status}")))
    })
}

/// `location` made absolute against `base` (an absolute URL, a `//host/…` one, or a path).
fn join(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(network_path) = location.strip_prefix("//") {
        return format!("{scheme}://{network_path}");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let directory = rest
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .rsplit_once('/')
            .map_or(authority, |(directory, _)| directory);
        format!("{scheme}://{directory}/{location}")
    }
}

/// As the CLI's `_normalize_url`: scheme, lowercase host, a port only when it is not the
/// scheme's default, the path without a trailing slash; no query, no fragment, no user.
fn normalize(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let scheme = scheme.to_ascii_lowercase();
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end].rsplit('@').next().unwrap_or_default();
    let path = rest[end..].split(['?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
            (host, Some(port))
        }
        _ => (authority, None),
    };
    let default_port = if scheme == "https" { "443" } else { "80" };
    let port = port
        .filter(|port| !port.is_empty() && *port != default_port)
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    format!(
        "{scheme}://{}{port}{}",
        host.to_ascii_lowercase(),
        path.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_are_made_absolute() {
        let base = "https://sso.example.com/start/here?x=1";
        assert_eq!(
            join(base, "https://d-1.awsapps.com/start"),
            "https://d-1.awsapps.com/start"
        );
        assert_eq!(
            join(base, "//d-1.awsapps.com/start"),
            "https://d-1.awsapps.com/start"
        );
        assert_eq!(join(base, "/other"), "https://sso.example.com/other");
        assert_eq!(join(base, "next"), "https://sso.example.com/start/next");
    }

    #[test]
    fn urls_are_normalized_like_the_cli() {
        assert_eq!(
            normalize("https://D-1.AWSAPPS.com:443/start/?x=1#f"),
            "https://d-1.awsapps.com/start"
        );
        assert_eq!(
            normalize("https://user@d-1.awsapps.com:8443/start"),
            "https://d-1.awsapps.com:8443/start"
        );
    }

    #[test]
    fn aws_urls_need_no_request() {
        let resolved = resolve_start_url("https://d-1.awsapps.com/start", Some("eu-west-1"));
        assert_eq!(
            resolved.unwrap(),
            ResolvedStartUrl {
                url: "https://d-1.awsapps.com/start".into(),
                region: "eu-west-1".into()
            }
        );
        assert!(matches!(
            resolve_start_url("https://d-1.awsapps.com/start", None),
            Err(StartUrlError::NoRegion(_))
        ));
        assert!(matches!(
            resolve_start_url("http://sso.example.com/start", None),
            Err(StartUrlError::NotHttps(_))
        ));
    }
}
