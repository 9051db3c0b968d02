//! What an `sso_start_url` is: one of AWS's own (`https://d-….awsapps.com/start`, …), or a
//! company's own domain (a "vanity" URL) that redirects to one. The AWS CLI (2.35.13,
//! `awscli/customizations/sso/resolve.py`) sends a vanity URL's redirect target, not the URL
//! itself, to the OIDC service, and takes the region from that target's host when `sso_region` is
//! absent. These are its rules on the text alone; following the redirect is the `aws` module's.

/// Host suffixes that are AWS's (a host equal to the suffix without its dot counts too).
const AWS_OWNED_SUFFIXES: [&str; 3] = [".app.aws", ".portal.amazonaws.com", ".awsapps.com"];
/// Hosts that are AWS's.
const AWS_OWNED_EXACT: [&str; 1] = ["identitycenter.amazonaws.com"];

/// The host of an `https://` (or `http://`) URL, lowercase, without port or trailing dot; `None`
/// when the URL has no host.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Whether `host` is one of AWS's own start-URL domains.
pub fn is_aws_owned_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    AWS_OWNED_EXACT.contains(&host.as_str())
        || AWS_OWNED_SUFFIXES
            .iter()
            .any(|suffix| host == suffix[1..] || host.ends_with(suffix))
}

/// Whether `start_url` is on a company's own domain: it must be resolved before a sign-in.
pub fn is_vanity_start_url(start_url: &str) -> bool {
    url_host(start_url).is_some_and(|host| !is_aws_owned_host(&host))
}

/// The region in an AWS start-URL host: `ID.portal.REGION.app.aws` or
/// `ID.REGION.portal.amazonaws.com` (`*.awsapps.com` hosts name none).
pub fn region_from_host(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let region = match labels.as_slice() {
        [id, "portal", region, "app", "aws"] if !id.is_empty() => *region,
        [id, region, "portal", "amazonaws", "com"] if !id.is_empty() => *region,
        _ => return None,
    };
    let valid = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| region.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_owned_hosts_are_the_clis() {
        for host in [
            "d-9067642ac7.awsapps.com",
            "awsapps.com",
            "ssoins-1.portal.us-east-1.app.aws",
            "d-1.eu-west-1.portal.amazonaws.com",
            "identitycenter.amazonaws.com",
            "D-9067642AC7.AWSAPPS.COM.",
        ] {
            assert!(is_aws_owned_host(host), "{host}");
        }
        for host in [
            "sso.example.com",
            "evilawsapps.com",
            "awsapps.com.example.com",
        ] {
            assert!(!is_aws_owned_host(host), "{host}");
        }
    }

    #[test]
    fn vanity_urls_are_told_from_aws_ones() {
        assert!(!is_vanity_start_url("https://d-1.awsapps.com/start"));
        assert!(is_vanity_start_url("https://sso.example.com/start"));
        assert!(is_vanity_start_url(
            "https://user@sso.example.com:8443/start"
        ));
        assert!(!is_vanity_start_url("not a url"));
        assert_eq!(url_host("http://[::1]:80/x").as_deref(), Some("::1"));
    }

    #[test]
    fn the_region_comes_from_the_host_where_it_is_in_it() {
        assert_eq!(
            region_from_host("ssoins-7223.portal.eu-west-1.app.aws").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            region_from_host("d-1.ap-southeast-2.portal.amazonaws.com").as_deref(),
            Some("ap-southeast-2")
        );
        assert_eq!(region_from_host("d-9067642ac7.awsapps.com"), None);
        assert_eq!(region_from_host("a.b.portal.eu-west-1.app.aws"), None);
    }
}
