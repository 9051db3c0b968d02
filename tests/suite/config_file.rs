//! The AWS config file as a user writes it: profiles in both SSO forms, the mistakes people make
//! and the messages they get, and a differential test against botocore, the AWS CLI's own reader.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use ssoenv::config::{
    AwsConfig, ConfigError, EndpointOverrides, Section, SectionKind, SsoProfile, SsoSession,
    SyntaxProblem, Value, default_path_from,
};

use crate::support::botocore::Botocore;
use crate::support::home::TestHome;

fn parse(text: &str) -> AwsConfig {
    AwsConfig::parse(Path::new("/home/ann/.aws/config"), text).expect("the config parses")
}

fn resolve_error(text: &str, profile: &str) -> ConfigError {
    parse(text)
        .sso_profile(profile)
        .expect_err("the profile is rejected")
}

/// Asserts that `message` contains every one of `parts`, showing the message when not.
fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "expected {part:?} in the message:\n{message}"
        );
    }
}

const WALKTHROUGH: &str = "\
[profile my-dev-profile]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = FullAccess
region = us-west-2
output = json

[sso-session my-sso]
sso_region = us-east-1
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_registration_scopes = sso:account:access
";

fn walkthrough_profile() -> SsoProfile {
    SsoProfile {
        name: "my-dev-profile".into(),
        account_id: "123456789011".into(),
        role_name: "FullAccess".into(),
        region: Some("us-west-2".into()),
        session: SsoSession {
            name: Some("my-sso".into()),
            start_url: "https://my-sso-portal.awsapps.com/start".into(),
            region: "us-east-1".into(),
            registration_scopes: Some(vec!["sso:account:access".into()]),
        },
        endpoints: EndpointOverrides::default(),
    }
}

/// The config file the real AWS CLI v2 used when it wrote the fixtures (a copy of
/// `shared/fixtures/aws-cli-v2`).
fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-cli-v2/config")
}

#[test]
fn the_fixture_written_with_the_real_cli_resolves() {
    let path = fixture_path();
    let config = AwsConfig::load(&path).expect("the fixture loads");
    assert_eq!(config.path(), path);
    assert_eq!(config.profile_names(), ["my-dev-profile"]);
    assert_eq!(config.sso_session_names(), ["my-sso"]);
    assert_eq!(
        config.sso_profile("my-dev-profile").expect("resolves"),
        walkthrough_profile()
    );
}

#[test]
fn the_default_location_is_read() {
    let home = TestHome::with_config(WALKTHROUGH);
    let path = default_path_from(None, Some(home.path())).expect("a path");
    let config = AwsConfig::load(&path).expect("loads");
    assert_eq!(
        config.sso_profile("my-dev-profile").expect("resolves"),
        walkthrough_profile()
    );

    let elsewhere = home.path().join("other-config");
    std::fs::write(&elsewhere, "[default]\nregion = eu-west-3\n").expect("write");
    let chosen = default_path_from(Some(elsewhere.as_os_str()), Some(home.path())).expect("path");
    let config = AwsConfig::load(&chosen).expect("loads");
    assert_eq!(
        config.profile("default").and_then(|p| p.get("region")),
        Some("eu-west-3")
    );
    let tilde = default_path_from(Some(OsStr::new("~/other-config")), Some(home.path()));
    assert_eq!(tilde.ok(), Some(elsewhere));
}

#[test]
fn a_legacy_profile_carries_its_own_start_url_and_region() {
    let config = parse(
        "[profile legacy]\nsso_start_url = https://d-92671207e4.awsapps.com/start\n\
         sso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n\
         sso_registration_scopes = sso:account:access\n",
    );
    let profile = config.sso_profile("legacy").expect("resolves");
    assert_eq!(
        profile.session,
        SsoSession {
            name: None,
            start_url: "https://d-92671207e4.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            registration_scopes: None,
        }
    );
    assert_eq!(profile.account_id, "123456789012");
    assert_eq!(profile.role_name, "ReadOnly");
    assert_eq!(profile.region, None);
}

#[test]
fn quoted_names_with_spaces_are_resolved() {
    let config = parse(
        "[profile 'Acme Dev']\nsso_session = Acme SSO\nsso_account_id = 111122223333\n\
         sso_role_name = Dev\n\n[sso-session \"Acme SSO\"]\nsso_start_url = https://acme/start\n\
         sso_region = ap-southeast-2\nsso_registration_scopes = sso:account:access, extra:scope,\n",
    );
    assert_eq!(config.profile_names(), ["Acme Dev"]);
    assert_eq!(config.sso_session_names(), ["Acme SSO"]);
    let profile = config.sso_profile("Acme Dev").expect("resolves");
    assert_eq!(profile.session.name.as_deref(), Some("Acme SSO"));
    assert_eq!(
        profile.session.registration_scopes,
        Some(vec!["sso:account:access".into(), "extra:scope".into()])
    );
}

#[test]
fn the_later_of_default_and_profile_default_wins_whole() {
    let default_last =
        parse("[profile default]\nregion = a\noutput = json\n[default]\nregion = b\n");
    let section = default_last.profile("default").expect("exists");
    assert_eq!(section.get("region"), Some("b"));
    assert_eq!(section.get("output"), None, "sections are not merged");
    assert_eq!(default_last.profile_names(), ["default"]);

    let prefixed_last = parse("[default]\nregion = b\n[profile default]\nregion = a\n");
    assert_eq!(
        prefixed_last
            .profile("default")
            .and_then(|s| s.get("region")),
        Some("a")
    );
}

#[test]
fn sections_that_are_not_profiles_are_kept_but_not_listed() {
    let config = parse("[plugins]\ncli_legacy_plugin_path = /x\n[dev]\nregion = a\n[default]\n");
    assert_eq!(config.profile_names(), ["default"]);
    let kinds: Vec<_> = config.sections().iter().map(|s| s.kind()).collect();
    assert_eq!(
        kinds,
        [SectionKind::Other, SectionKind::Other, SectionKind::Profile]
    );
    assert_eq!(
        config.sections()[0].get("cli_legacy_plugin_path"),
        Some("/x")
    );
}

#[test]
fn section_keys_keep_file_order_and_ignore_case() {
    let config = parse(WALKTHROUGH);
    let profile = config.profile("my-dev-profile").expect("exists");
    assert_eq!(
        profile.keys().collect::<Vec<_>>(),
        [
            "sso_session",
            "sso_account_id",
            "sso_role_name",
            "region",
            "output"
        ]
    );
    assert_eq!(profile.get("SSO_Role_Name"), Some("FullAccess"));
    assert_eq!(profile.name(), "my-dev-profile");
    assert_eq!((profile.line(), profile.last_line()), (1, 6));
}

#[test]
fn profile_values_equal_to_the_sessions_are_accepted() {
    let text = WALKTHROUGH.replace(
        "output = json\n",
        "output = json\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\n",
    );
    assert_eq!(
        parse(&text)
            .sso_profile("my-dev-profile")
            .expect("resolves"),
        walkthrough_profile()
    );
}

#[test]
fn profile_values_that_differ_from_the_sessions_are_named() {
    let text = WALKTHROUGH.replace(
        "output = json\n",
        "output = json\nsso_start_url = https://old-portal.awsapps.com/start\n",
    );
    let error = resolve_error(&text, "my-dev-profile");
    assert!(matches!(error, ConfigError::InconsistentSsoSetting { .. }));
    assert_mentions(
        &error.to_string(),
        &[
            "/home/ann/.aws/config",
            "'my-dev-profile'",
            "[sso-session my-sso]",
            "sso_start_url",
            "https://old-portal.awsapps.com/start",
            "https://my-sso-portal.awsapps.com/start",
        ],
    );
}

#[test]
fn a_missing_file_suggests_how_to_create_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config");
    let error = AwsConfig::load(&path).expect_err("no file");
    assert!(matches!(error, ConfigError::NotFound { .. }));
    assert_mentions(
        &error.to_string(),
        &[
            &path.display().to_string(),
            "ssoenv configure",
            "aws configure sso",
            "AWS_CONFIG_FILE",
        ],
    );
}

#[test]
fn an_unreadable_file_is_named_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = AwsConfig::load(dir.path()).expect_err("a directory is not a file");
    assert!(matches!(error, ConfigError::Unreadable { .. }));
    assert_mentions(&error.to_string(), &[&dir.path().display().to_string()]);
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_the_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config");
    std::fs::write(&path, b"[default]\nregion = r\xe9gion\n").expect("write");
    let error = AwsConfig::load(&path).expect_err("latin-1 is rejected");
    assert!(matches!(error, ConfigError::NotUtf8 { line: 2, .. }));
    assert_mentions(&error.to_string(), &[&path.display().to_string(), "line 2"]);
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let config = parse(&format!("\u{feff}{WALKTHROUGH}"));
    assert_eq!(
        config.sso_profile("my-dev-profile").expect("resolves"),
        walkthrough_profile()
    );
}

#[test]
fn syntax_errors_name_the_file_and_line() {
    let path = Path::new("/etc/aws/config");
    let cases: [(&str, usize, &str); 5] = [
        ("region = x\n[default]\n", 1, "before any [section]"),
        ("[default]\n\nregion x\n", 3, "neither a [section] header"),
        (
            "[default]\nregion = a\nRegion = b\n",
            3,
            "`region` appears a second time",
        ),
        (
            "[profile a]\n[profile b]\n[profile a]\n",
            3,
            "[profile a] appears a second time",
        ),
        (
            "[profile a]\ns3 =\n  x = 1\n  y\n",
            4,
            "indented block under `s3`",
        ),
    ];
    for (text, line, words) in cases {
        let error = AwsConfig::parse(path, text).expect_err(text);
        assert!(
            matches!(error, ConfigError::Syntax { line: l, .. } if l == line),
            "{text:?}: {error:?}"
        );
        assert_mentions(
            &error.to_string(),
            &["/etc/aws/config", &format!("line {line}"), words],
        );
    }
}

#[test]
fn a_malformed_line_is_not_echoed() {
    let error = AwsConfig::parse(
        Path::new("/c"),
        "[default]\naws_secret_access_key wJalrXUtnFEMI/K7MDENG\n",
    )
    .expect_err("no delimiter");
    assert!(matches!(
        &error,
        ConfigError::Syntax {
            problem: SyntaxProblem::NotASetting,
            ..
        }
    ));
    assert!(!error.to_string().contains("wJalr"), "{error}");
}

const MANY_PROFILES: &str = "\
[default]
region = us-east-1

[profile my-dev-profile]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = FullAccess

[profile my-prod-profile]
sso_session = my-sso
sso_account_id = 123456789022
sso_role_name = ReadOnly

[profile chained]
role_arn = arn:aws:iam::123456789011:role/Deploy
source_profile = my-dev-profile

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile no-role]
sso_session = my-sso
sso_account_id = 123456789011

[profile old-style]
sso_start_url = https://legacy.awsapps.com/start
sso_account_id = 123456789011
sso_role_name = ReadOnly

[profile typo-session]
sso_session = my-ssso
sso_account_id = 123456789011
sso_role_name = ReadOnly

[profile half-session]
sso_session = half
sso_account_id = 123456789011
sso_role_name = ReadOnly

[profile nested-account]
sso_session = my-sso
sso_account_id =
  id = 123456789011
sso_role_name = ReadOnly

[sso-session my-sso]
sso_region = us-east-1
sso_start_url = https://my-sso-portal.awsapps.com/start

[sso-session half]
sso_start_url = https://half.awsapps.com/start

[dev]
region = eu-west-1

[profile my staging]
sso_session = my-sso
";

#[test]
fn an_unknown_profile_gets_close_names_and_the_list() {
    let error = resolve_error(MANY_PROFILES, "my-dev-profil");
    let ConfigError::ProfileNotFound { suggestions, .. } = &error else {
        panic!("unexpected {error:?}");
    };
    assert_eq!(
        suggestions.first().map(String::as_str),
        Some("my-dev-profile")
    );
    assert_mentions(
        &error.to_string(),
        &[
            "profile 'my-dev-profil'",
            "/home/ann/.aws/config",
            "Did you mean 'my-dev-profile'",
            "'default', 'my-dev-profile', 'my-prod-profile'",
        ],
    );
}

#[test]
fn an_unknown_profile_in_a_long_file_gets_a_count() {
    let text: String = (0..30)
        .map(|i| format!("[profile p{i}]\nregion = r\n"))
        .collect();
    let message = resolve_error(&text, "zzz").to_string();
    assert_mentions(&message, &["30 profiles", "aws configure list-profiles"]);
    assert!(!message.contains("'p17'"), "{message}");
}

#[test]
fn a_section_without_the_profile_prefix_is_explained() {
    let message = resolve_error(MANY_PROFILES, "dev").to_string();
    assert_mentions(
        &message,
        &["[dev] on line", "is not a profile", "[profile dev]"],
    );
}

#[test]
fn an_unquoted_name_with_a_space_is_explained() {
    let message = resolve_error(MANY_PROFILES, "my staging").to_string();
    assert_mentions(
        &message,
        &[
            "[profile my staging]",
            "must be quoted",
            "[profile 'my staging']",
        ],
    );
}

#[test]
fn an_sso_session_name_used_as_a_profile_is_explained() {
    let message = resolve_error(MANY_PROFILES, "my-sso").to_string();
    assert_mentions(
        &message,
        &[
            "'my-sso' is an sso-session",
            "'my-dev-profile'",
            "'my-prod-profile'",
        ],
    );
}

#[test]
fn a_missing_default_profile_says_how_to_choose_one() {
    let message = resolve_error(WALKTHROUGH, "default").to_string();
    assert_mentions(
        &message,
        &["no [default] section", "AWS_PROFILE", "'my-dev-profile'"],
    );
}

#[test]
fn role_chaining_is_not_an_sso_profile() {
    let error = resolve_error(MANY_PROFILES, "chained");
    assert!(matches!(error, ConfigError::NotSsoProfile { .. }));
    assert_mentions(
        &error.to_string(),
        &[
            "profile 'chained'",
            "/home/ann/.aws/config",
            "`sso_account_id`",
            "`sso_role_name`",
            "`sso_session`",
            "role chaining",
            "source_profile 'my-dev-profile'",
        ],
    );
}

#[test]
fn static_keys_are_not_an_sso_profile() {
    let message = resolve_error(MANY_PROFILES, "static").to_string();
    assert_mentions(&message, &["not an SSO profile", "static access keys"]);
    assert!(!message.contains("secret"), "{message}");
}

#[test]
fn a_missing_role_is_named() {
    let error = resolve_error(MANY_PROFILES, "no-role");
    assert!(matches!(error, ConfigError::IncompleteSsoProfile { .. }));
    let message = error.to_string();
    assert_mentions(
        &message,
        &[
            "profile 'no-role'",
            "`sso_role_name`",
            "aws configure sso --profile no-role",
        ],
    );
    assert!(!message.contains("`sso_account_id`"), "{message}");
}

#[test]
fn a_legacy_profile_without_region_is_named() {
    let message = resolve_error(MANY_PROFILES, "old-style").to_string();
    assert_mentions(
        &message,
        &["profile 'old-style'", "`sso_region`", "sso_session = NAME"],
    );
    assert!(!message.contains("`sso_start_url`"), "{message}");
}

#[test]
fn a_misspelled_sso_session_gets_close_names() {
    let error = resolve_error(MANY_PROFILES, "typo-session");
    let ConfigError::SsoSessionNotFound { suggestions, .. } = &error else {
        panic!("unexpected {error:?}");
    };
    assert_eq!(suggestions.first().map(String::as_str), Some("my-sso"));
    assert_mentions(
        &error.to_string(),
        &[
            "profile 'typo-session'",
            "sso_session = my-ssso",
            "[sso-session my-ssso]",
            "/home/ann/.aws/config",
            "Did you mean 'my-sso'",
        ],
    );
}

#[test]
fn an_incomplete_sso_session_is_named() {
    let error = resolve_error(MANY_PROFILES, "half-session");
    assert!(matches!(error, ConfigError::IncompleteSsoSession { .. }));
    let message = error.to_string();
    assert_mentions(
        &message,
        &[
            "[sso-session half]",
            "/home/ann/.aws/config",
            "`sso_region`",
        ],
    );
    assert!(!message.contains("`sso_start_url`"), "{message}");
}

#[test]
fn a_block_where_a_value_belongs_is_named() {
    let error = resolve_error(MANY_PROFILES, "nested-account");
    assert!(matches!(error, ConfigError::InvalidValue { .. }));
    assert_mentions(
        &error.to_string(),
        &["[profile nested-account]", "sso_account_id", "single value"],
    );
}

const WITH_ENDPOINTS: &str = "\
[profile local]
sso_session = s
sso_account_id = 1
sso_role_name = R
services = emulator
endpoint_url = http://127.0.0.1:9000

[profile global-only]
sso_session = s
sso_account_id = 1
sso_role_name = R
endpoint_url = http://127.0.0.1:9000

[profile ignoring]
sso_session = s
sso_account_id = 1
sso_role_name = R
endpoint_url = http://127.0.0.1:9000
ignore_configured_endpoint_urls = True

[profile lost]
sso_session = s
sso_account_id = 1
sso_role_name = R
services = emulatr

[profile flat]
sso_session = s
sso_account_id = 1
sso_role_name = R
services = flat

[services emulator]
sso =
  endpoint_url = http://127.0.0.1:9001
sso-oidc =
  endpoint_url = http://127.0.0.1:9002

[services flat]
sso = http://127.0.0.1:9001

[sso-session s]
sso_start_url = https://s/start
sso_region = us-east-1
";

#[test]
fn endpoints_come_from_the_services_section_then_the_profile() {
    let config = parse(WITH_ENDPOINTS);
    let local = config.sso_profile("local").expect("resolves");
    assert_eq!(
        local.endpoints,
        EndpointOverrides {
            sso: Some("http://127.0.0.1:9001".into()),
            sso_oidc: Some("http://127.0.0.1:9002".into()),
        }
    );
    let global = config.sso_profile("global-only").expect("resolves");
    assert_eq!(
        global.endpoints,
        EndpointOverrides {
            sso: Some("http://127.0.0.1:9000".into()),
            sso_oidc: Some("http://127.0.0.1:9000".into()),
        }
    );
}

#[test]
fn the_snake_case_service_key_is_preferred() {
    let text = WITH_ENDPOINTS.replace(
        "sso-oidc =\n",
        "sso_oidc =\n  endpoint_url = http://127.0.0.1:9003\nsso-oidc =\n",
    );
    let local = parse(&text).sso_profile("local").expect("resolves");
    assert_eq!(
        local.endpoints.sso_oidc.as_deref(),
        Some("http://127.0.0.1:9003")
    );
}

#[test]
fn ignore_configured_endpoint_urls_is_respected() {
    let config = parse(WITH_ENDPOINTS);
    let ignoring = config.sso_profile("ignoring").expect("resolves");
    assert_eq!(ignoring.endpoints, EndpointOverrides::default());
    // The environment variable beats the profile setting, in both directions.
    let forced = config
        .endpoint_overrides("ignoring", Some(false))
        .expect("resolves");
    assert_eq!(forced.sso.as_deref(), Some("http://127.0.0.1:9000"));
    let ignored = config
        .endpoint_overrides("local", Some(true))
        .expect("resolves");
    assert_eq!(ignored, EndpointOverrides::default());
}

#[test]
fn a_missing_services_section_gets_close_names() {
    let error = resolve_error(WITH_ENDPOINTS, "lost");
    assert!(matches!(error, ConfigError::ServicesSectionNotFound { .. }));
    assert_mentions(
        &error.to_string(),
        &[
            "profile 'lost'",
            "[services emulatr]",
            "Did you mean 'emulator'",
        ],
    );
}

#[test]
fn a_service_url_must_be_a_block() {
    let message = resolve_error(WITH_ENDPOINTS, "flat").to_string();
    assert_mentions(
        &message,
        &["[services flat]", "sso", "indented block", "endpoint_url"],
    );
}

// ---------------------------------------------------------------------------------------------
// Differential test: the same files read by botocore (the AWS CLI's reader) and by ssoenv.
// ---------------------------------------------------------------------------------------------

/// Prints, for each file, botocore's profiles, sso-sessions and services as ordered
/// `[name, [[key, value-or-pairs], …]]` lists (so that order is compared too), or the error class.
const BOTOCORE_DUMP: &str = r#"
import json, sys
import botocore.configloader as loader

def pairs(value):
    if isinstance(value, dict):
        return [[key, pairs(item)] for key, item in value.items()]
    return value

out = []
for path in sys.argv[1:]:
    try:
        config = loader.load_config(path)
    except Exception as error:
        out.append({"error": type(error).__name__})
        continue
    out.append({kind: pairs(config[kind]) for kind in ("profiles", "sso_sessions", "services")})
print(json.dumps(out))
"#;

fn ssoenv_dump(path: &Path) -> serde_json::Value {
    use serde_json::json;
    let config = match AwsConfig::load(path) {
        Ok(config) => config,
        Err(ConfigError::Syntax { .. } | ConfigError::NotUtf8 { .. }) => {
            return json!({"error": "ConfigParseError"});
        }
        Err(other) => panic!("{}: unexpected {other:?}", path.display()),
    };
    json!({
        "profiles": dump_sections(&config.profile_names(), |n| config.profile(n)),
        "sso_sessions": dump_sections(&config.sso_session_names(), |n| config.sso_session(n)),
        "services": dump_sections(&config.services_names(), |n| config.services_section(n)),
    })
}

/// `[[name, [[key, value], …]], …]`, a nested block's value being `[[name, value], …]`.
fn dump_sections<'c>(
    names: &[&str],
    section: impl Fn(&str) -> Option<&'c Section>,
) -> serde_json::Value {
    use serde_json::json;
    names
        .iter()
        .map(|&name| {
            json!([
                name,
                dump_entries(section(name).expect("a listed name exists"))
            ])
        })
        .collect()
}

/// `[[key, value], …]`, a nested block's value being `[[name, value], …]`.
fn dump_entries(section: &Section) -> serde_json::Value {
    use serde_json::json;
    section
        .entries()
        .iter()
        .map(|entry| {
            let value = match entry.value() {
                Value::Text(text) => json!(text.as_str()),
                Value::Nested(items) => items
                    .iter()
                    .map(|item| json!([item.key(), item.value()]))
                    .collect(),
            };
            json!([entry.key(), value])
        })
        .collect()
}

/// Each profile of botocore's reading (`{"profiles": [[name, entries], …], …}`) as the reading of
/// only that profile's sections (`AwsConfig::load_for_profile`, the fast path's) gives it.
fn partial_dumps(path: &Path, botocore: &serde_json::Value) -> Vec<serde_json::Value> {
    let names = botocore["profiles"].as_array().expect("a list of profiles");
    names
        .iter()
        .map(|profile| {
            let name = profile[0].as_str().expect("a name");
            let config = AwsConfig::load_for_profile(path, name).expect("the profile's sections");
            let section = config.profile(name).expect("the profile");
            serde_json::json!([name, dump_entries(section)])
        })
        .collect()
}

/// What botocore reads from each of `paths`.
fn botocore_dump(botocore: &Botocore, paths: &[PathBuf]) -> Vec<serde_json::Value> {
    let dumped = botocore.json(
        botocore
            .python()
            .arg("-c")
            .arg(BOTOCORE_DUMP)
            .args(paths)
            .env("PYTHONUTF8", "1"),
    );
    serde_json::from_value(dumped).expect("the script prints a list")
}

/// Files written to show botocore's rules; each is read by both parsers, and each profile also
/// on its own, as the fast path reads it.
const HAND_WRITTEN: &[&str] = &[
    WALKTHROUGH,
    MANY_PROFILES,
    WITH_ENDPOINTS,
    "[profile 'Acme Dev']\nx = 1\n[profile \"two words\"]\ny = 2\n[sso-session 'A B']\nz = 3\n",
    "[profiles sneaky]\nx = 1\n[profile a b]\nx = 2\n[profile 'open]\nx = 3\n[profile '']\nx = 4\n",
    "[profile a\\ b]\nx = 1\n[profile\tc]\nx = 2\n[profile d] trailing\nx = 3\n[]]\nx = 4\n",
    "[default]\nx = 1\n[profile default]\ny = 2\n",
    "[profile default]\ny = 2\n[default]\nx = 1\n",
    "[profile a]\nx = 1\n[profile 'a']\ny = 2\n[profile \"a\"]\nz = 3\n",
    "[DEFAULT]\nregion = us-east-1\n[profile a]\nx = 1\n[DEFAULT]\noutput = json\n[sso-session s]\nregion = eu\n",
    "[default]\r\nregion = us-east-1 # not a comment\r\nurl: https://a/?x=y;z\r\n; comment\r\n  # indented comment\r\n",
    "[default]\rregion = lone-cr\rother = x\r",
    "[default]\nnote = first\n  second\n\n\tthird\n# comment inside\n  fourth\n\nlast = 1\n",
    "[services s]\nsso =\n  endpoint_url = http://a\n\n  Endpoint_URL = B\n  endpoint_url = c=d\n  = empty\ns3 =\n  x=1\n",
    "[default]\nKey = 1\nMIXED_case = 2\nÜnïcödé = ça\n",
    "[default]\nempty =\nspaces =    \ncolon_first: a = b\nequals_first = a: b\n",
    "[profile a]\nx = 1\n  [profile b]\ny = 2\n",
    "  [profile indented]\n  x = 1\ny = 2\n    z = 3\n",
    "[default]\nx = 1\n[profile a]\nx = 1\n[profile a]\nx = 2\n",
    "[default]\nx = 1\nX = 2\n",
    "x = 1\n[default]\n",
    "[default]\njunk\n",
    "[default]\n= value\n",
    "[default]\ns3 =\n  no delimiter here\n",
    "[]\nx = 1\n",
    "# only a comment\n\n",
    "",
];

/// Pieces of lines that exercise the parser's rules; random files are built from them.
const LINE_POOL: &[&str] = &[
    "[default]",
    "[DEFAULT]",
    "[profile a]",
    "[profile b]",
    "[profile 'c d']",
    "[profile \"e\"]",
    "[profiles f]",
    "[profile g h]",
    "[profile 'open]",
    "[profile default]",
    "[sso-session s]",
    "[sso-session 'S T']",
    "[services v]",
    "[plugins]",
    "  [profile ind]",
    "[profile a] # trailing",
    "[]",
    "region = us-east-1",
    "Region=eu-west-1",
    "sso_start_url = https://x.awsapps.com/start",
    "sso_region: us-east-2",
    "note = a # b ; c",
    "url = https://h/?a=b",
    "empty =",
    "sso =",
    "sso_oidc =",
    "  endpoint_url = http://127.0.0.1:1",
    "  Endpoint_URL=Q",
    "    deeper = 1",
    "\tTabbed = t",
    "  continuation text",
    "  noeq",
    "= nokey",
    "junk",
    "ünï = ç",
    "k1 = 1",
    "k2 = 2",
    "k3 = 3",
    "# comment",
    "; comment",
    "   # indented comment",
    "",
    "   ",
];

/// A small deterministic generator, so that a failure can be reproduced from its index.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % bound as u64) as usize
    }
}

fn random_files(count: usize) -> Vec<String> {
    let mut random = Lcg(0x5eed);
    (0..count)
        .map(|_| {
            let lines = 1 + random.next(14);
            let mut text = String::new();
            // Most files start with a header, so that the rest of the rules get exercised.
            if random.next(5) != 0 {
                text.push_str(LINE_POOL[random.next(12)]);
                text.push('\n');
            }
            for _ in 0..lines {
                text.push_str(LINE_POOL[random.next(LINE_POOL.len())]);
                text.push_str(["\n", "\r\n", "\n", "\r"][random.next(4)]);
            }
            text
        })
        .collect()
}

#[test]
fn botocore_reads_the_same_sections_and_keys() {
    let Some(botocore) = Botocore::available("botocore_reads_the_same_sections_and_keys") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let texts: Vec<String> = HAND_WRITTEN
        .iter()
        .map(|text| text.to_string())
        .chain(random_files(800))
        .collect();
    let paths: Vec<PathBuf> = texts
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let path = dir.path().join(format!("config-{index}"));
            std::fs::write(&path, text).expect("write");
            path
        })
        .collect();
    let expected = botocore_dump(&botocore, &paths);
    assert_eq!(expected.len(), paths.len());
    let mut parsed = 0;
    for ((path, text), botocore) in paths.iter().zip(&texts).zip(&expected) {
        let ours = ssoenv_dump(path);
        assert_eq!(
            &ours,
            botocore,
            "{} differs from botocore; content:\n{text:?}",
            path.display()
        );
        if botocore.get("error").is_none() {
            parsed += 1;
            assert_eq!(
                partial_dumps(path, botocore),
                botocore["profiles"].as_array().cloned().unwrap_or_default(),
                "{}: a profile read on its own differs from botocore; content:\n{text:?}",
                path.display()
            );
        }
    }
    // The comparison is only worth something if many files are valid and many are not.
    assert!(parsed > 100, "only {parsed} files parsed");
    assert!(
        texts.len() - parsed > 50,
        "only {} files failed",
        texts.len() - parsed
    );
}
