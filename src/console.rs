//! The AWS console for a profile (`ssoenv console`): where it lands, the login URL that carries
//! the one-time sign-in token, the config setting that asks for isolation, and the browser
//! profile each console opens in.
//!
//! Isolation: the console keeps one signed-in session per browser profile, so a second account
//! in the same browser replaces the first. With isolation each ssoenv profile opens in a browser
//! profile of its own:
//! - Chromium-family browsers (Chromium, Chrome, Brave, Edge, Vivaldi, Opera) get
//!   `--user-data-dir=<cache>/ssoenv/console/<profile>` (a directory 0700, `<cache>` being
//!   `$XDG_CACHE_HOME`, else `~/.cache`; `~/Library/Caches` on macOS) and `--no-first-run`;
//! - Firefox gets the URL `ext+container:name=<profile>&url=<login URL>`, which the "Open
//!   external links in a container" extension turns into a tab of the container of that name.
//!
//! The family is read from `$BROWSER` (the first entry naming a known browser program), since the
//! platform openers (`xdg-open`, `open`) take no browser arguments.

use std::path::{Path, PathBuf};

use crate::aws::FederationEndpoint;
use crate::config::AwsConfig;
use crate::login::browser::{self, BrowserCommand, BrowserFamily};
use crate::secret::Secret;

/// The config setting (in a profile, or in the `[sso-session]` it signs in with) that makes
/// `ssoenv console` isolate the profile's console, as `--isolate` does.
pub const ISOLATE_SETTING: &str = "ssoenv_console_isolate";

/// The console page to land on: the service's home (`s3`: `…/s3/home?region=…`), or the
/// console home without a service, in `region`'s partition.
pub fn destination(service: Option<&str>, region: &str) -> String {
    let host = crate::aws::Partition::of_region(region).console_host(region);
    let service = service.unwrap_or("console");
    format!("https://{host}/{service}/home?region={region}")
}

/// Whether `service` can go into the console's path as it is (`s3`, `ec2`, `route53/v2`).
pub fn is_service_slug(service: &str) -> bool {
    !service.is_empty()
        && !service.starts_with('/')
        && !service.contains("..")
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

/// The URL that signs the browser in with `token` and sends it on to `destination`. `issuer` is
/// where the console sends the user when the session is over (optional).
pub fn login_url(
    endpoint: &FederationEndpoint,
    issuer: Option<&str>,
    destination: &str,
    token: &Secret,
) -> Secret {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("Action", "login");
    if let Some(issuer) = issuer {
        query.append_pair("Issuer", issuer);
    }
    let query = query
        .append_pair("Destination", destination)
        .append_pair("SigninToken", token.expose())
        .finish();
    Secret::new(format!("{}?{query}", endpoint.federation_url()))
}

/// The console's sign-out, which then sends the browser on to `login_url`: one address, so that
/// the new sign-in cannot overtake the sign-out.
pub fn logout_then(endpoint: &FederationEndpoint, login_url: &Secret) -> Secret {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "logout")
        .append_pair("redirect_uri", login_url.expose())
        .finish();
    Secret::new(format!("{}?{query}", endpoint.oauth_url()))
}

/// [`ISOLATE_SETTING`] for `profile`: in its own section, else in the section of the SSO profile
/// behind a role chain, else in that profile's `[sso-session]`. `None` when none sets it.
pub fn isolate_setting(config: &AwsConfig, profile: &str) -> Result<Option<bool>, String> {
    let sso_profile = crate::role_chain::sso_profile_name_behind(config, profile);
    let session = sso_profile
        .as_deref()
        .and_then(|name| config.profile(name))
        .and_then(|section| section.get("sso_session"))
        .and_then(|name| config.sso_session(name));
    let sections = [Some(profile), sso_profile.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|name| config.profile(name))
        .chain(session);
    for section in sections {
        if let Some(value) = section.get(ISOLATE_SETTING) {
            return match value.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(format!(
                    "{ISOLATE_SETTING} = {value} in [{}] of {} is neither true nor false",
                    section.header(),
                    config.path().display()
                )),
            };
        }
    }
    Ok(None)
}

/// How the console's URL reaches a browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opening {
    /// The browser `$BROWSER` names, else the platform's opener, as for the sign-in.
    Shared,
    /// A browser profile of the profile's own (see the module's documentation), in the first
    /// `$BROWSER` entry of a known family.
    Isolated {
        profile: String,
        browser: BrowserCommand,
        family: BrowserFamily,
    },
}

impl Opening {
    /// Isolation for `profile`, when `$BROWSER` names a browser that can do it (checked before
    /// any credentials are fetched); else what is needed.
    pub fn isolated(profile: &str) -> Result<Opening, String> {
        let browsers = browser::configured_browsers();
        let found = browsers
            .iter()
            .find_map(|browser| browser.family().map(|family| (browser.clone(), family)));
        let Some((browser, family)) = found else {
            let named = browsers
                .iter()
                .map(|b| b.program().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "isolation needs $BROWSER to name a Chromium-family browser (chromium, \
                 google-chrome, brave-browser, microsoft-edge, vivaldi, opera) or Firefox{}; or \
                 run without isolation (--no-isolate)",
                if named.is_empty() {
                    " (it is not set)".to_string()
                } else {
                    format!(" (it names {named})")
                }
            ));
        };
        Ok(Opening::Isolated {
            profile: profile.to_string(),
            browser,
            family,
        })
    }
}

/// Opens `url` in a browser as `opening` says; returns once the browser is started (or has
/// failed at once).
pub fn open(url: &Secret, opening: &Opening) -> anyhow::Result<()> {
    let child = match opening {
        Opening::Shared => browser::open(url.expose()),
        Opening::Isolated {
            profile,
            browser,
            family,
        } => {
            let argv = match family {
                BrowserFamily::Chromium => {
                    let dir = browser_profile_dir(profile)?;
                    browser.command_line(
                        url.expose(),
                        &[
                            format!("--user-data-dir={}", dir.display()),
                            "--no-first-run".to_string(),
                        ],
                    )
                }
                BrowserFamily::Firefox => {
                    browser.command_line(&container_url(profile, url.expose()), &[])
                }
            };
            browser::spawn_first(vec![argv])
        }
    }
    .map_err(|error| anyhow::anyhow!("could not open a browser: {error}"))?;
    browser::fail_if_it_exits_at_once(child)
        .map_err(|error| anyhow::anyhow!("could not open a browser: {error}"))
}

/// The "Open external links in a container" extension's URL: `url` in the container `profile`.
pub fn container_url(profile: &str, url: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("name", profile)
        .append_pair("url", url)
        .finish();
    format!("ext+container:{query}")
}

/// `<cache>/ssoenv/console/<profile key>`, created 0700 (it will hold the console's cookies).
pub fn browser_profile_dir(profile: &str) -> anyhow::Result<PathBuf> {
    let Some(cache) = crate::user_dirs::ssoenv_cache_dir() else {
        anyhow::bail!("HOME is not set, so there is no cache directory for the browser profile");
    };
    let dir = cache.join("console").join(profile_key(profile));
    crate::cache::ensure_private_dir(&dir)
        .and_then(|()| make_private(&dir))
        .map_err(|error| {
            anyhow::anyhow!(
                "cannot create the browser profile directory {}: {error}",
                dir.display()
            )
        })?;
    Ok(dir)
}

/// The directory name of `profile`'s browser profile: the name itself when it is a safe file
/// name, else its safe characters and a hash of the whole name (so `a/b` and `a:b` differ).
pub fn profile_key(profile: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    if !profile.is_empty() && !profile.starts_with('.') && profile.chars().all(safe) {
        return profile.to_string();
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(profile.as_bytes());
    let cleaned: String = profile
        .chars()
        .map(|c| if safe(c) { c } else { '-' })
        .collect();
    format!(
        "{}-{}",
        cleaned.trim_start_matches('.'),
        hex::encode(&digest[..6])
    )
}

#[cfg(unix)]
fn make_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn make_private(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_destination_is_the_service_home_in_the_regions_partition() {
        assert_eq!(
            destination(Some("s3"), "eu-west-1"),
            "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        assert_eq!(
            destination(None, "us-east-1"),
            "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"
        );
        assert_eq!(
            destination(Some("ec2"), "us-gov-west-1"),
            "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1"
        );
        assert_eq!(
            destination(None, "cn-north-1"),
            "https://console.amazonaws.cn/console/home?region=cn-north-1"
        );
    }

    #[test]
    fn service_slugs_cannot_leave_the_path() {
        for good in ["s3", "ec2", "route53/v2", "systems-manager", "dynamodbv2"] {
            assert!(is_service_slug(good), "{good}");
        }
        for bad in ["", "/etc", "a?b=c", "x#y", "../x", "s3 home", "a&b"] {
            assert!(!is_service_slug(bad), "{bad}");
        }
    }

    #[test]
    fn the_login_url_carries_the_token_and_the_logout_url_leads_to_it() {
        let endpoint = FederationEndpoint::new(None, crate::aws::Partition::Aws).unwrap();
        let token = Secret::new("token+with/odd=chars");
        let login = login_url(
            &endpoint,
            Some("https://x.awsapps.com/start"),
            "https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1",
            &token,
        );
        assert_eq!(
            login.expose(),
            "https://signin.aws.amazon.com/federation?Action=login\
             &Issuer=https%3A%2F%2Fx.awsapps.com%2Fstart\
             &Destination=https%3A%2F%2Fus-east-1.console.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Dus-east-1\
             &SigninToken=token%2Bwith%2Fodd%3Dchars"
        );
        let logout = logout_then(&endpoint, &login);
        assert!(
            logout
                .expose()
                .starts_with("https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri=https%3A%2F%2Fsignin.aws.amazon.com%2Ffederation%3FAction%3Dlogin%26"),
            "{}",
            logout.expose()
        );
    }

    #[test]
    fn firefox_containers_are_named_after_the_profile() {
        assert_eq!(
            container_url("prod admin", "https://s/f?a=1&b=2"),
            "ext+container:name=prod+admin&url=https%3A%2F%2Fs%2Ff%3Fa%3D1%26b%3D2"
        );
    }

    #[test]
    fn profile_keys_are_safe_file_names_that_keep_names_apart() {
        assert_eq!(profile_key("my-dev-profile"), "my-dev-profile");
        let slash = profile_key("a/b");
        let colon = profile_key("a:b");
        assert!(slash.starts_with("a-b-") && colon.starts_with("a-b-"));
        assert_ne!(slash, colon);
        assert!(!profile_key("..").contains('/'));
        assert!(!profile_key("..").starts_with('.'));
        assert!(!profile_key("").is_empty());
    }
}
