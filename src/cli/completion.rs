//! Shell completion: subcommands, options and their values, and the profile and sso-session
//! names of the user's own config file.
//!
//! Profile names change whenever the config file does, so a static script cannot know them. The
//! completion scripts are therefore small: on Tab the shell runs `ssoenv` itself with
//! `SSOENV_COMPLETE=<shell>` in its environment and the words typed so far, and ssoenv answers with
//! the candidates (clap_complete's dynamic completion, which covers bash, zsh, fish, PowerShell
//! and elvish). Nushell has no such protocol in clap_complete: its script is the static
//! `extern` that clap_complete_nushell generates from the same definitions, with the profile
//! argument completed by asking `ssoenv` the fish way at Tab time, so profile names stay live
//! there too. One source of truth, the clap definitions in [`super`], serves every shell,
//! and a completion is never stale against the installed binary's options. Answering reads the
//! config file only (no cache, no network), so a Tab costs a few milliseconds.

use std::ffi::OsString;
use std::io::Write;
use std::sync::OnceLock;

use clap::CommandFactory;
use clap::builder::StyledStr;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{CompleteEnv, Shells};

use super::{Cli, CompletionShell};
use crate::config::{AwsConfig, CredentialsFile, ProfileKeys};

/// The variable that turns a run of ssoenv into a completion request. ssoenv's own name keeps it
/// clear of other programs using clap_complete's default (`COMPLETE`).
pub const COMPLETE_VAR: &str = "SSOENV_COMPLETE";

/// Answers a completion request and exits, when the environment makes this run one; returns
/// otherwise. Call before anything is written to stdout.
pub fn complete_if_asked() {
    let Some(shell) = std::env::var_os(COMPLETE_VAR) else {
        return;
    };
    // clap_complete removes the variable before asking for candidates.
    let _ = ASKING_SHELL.set(shell);
    complete_env().complete();
}

/// The shell of this completion request (the variable's value).
static ASKING_SHELL: OnceLock<OsString> = OnceLock::new();

fn complete_env() -> CompleteEnv<'static, fn() -> clap::Command> {
    CompleteEnv::with_factory(Cli::command as fn() -> clap::Command)
        .var(COMPLETE_VAR)
        .bin("ssoenv")
        // Found through PATH at Tab time, so the script works wherever ssoenv is installed.
        .completer("ssoenv")
}

/// The script that hooks ssoenv's completion into `shell` (what `ssoenv completions SHELL`
/// prints and what `completions/` holds).
pub fn registration_script(shell: CompletionShell) -> std::io::Result<Vec<u8>> {
    if shell == CompletionShell::Nushell {
        return Ok(nushell_script().into_bytes());
    }
    let name = match shell {
        CompletionShell::Bash => "bash",
        CompletionShell::Zsh => "zsh",
        CompletionShell::Fish => "fish",
        CompletionShell::Powershell => "powershell",
        CompletionShell::Elvish => "elvish",
        CompletionShell::Nushell => unreachable!("answered above"),
    };
    let shells = Shells::builtins();
    let completer = shells
        .completer(name)
        .ok_or_else(|| std::io::Error::other(format!("no completion support for {name}")))?;
    let mut script = Vec::new();
    completer.write_registration(COMPLETE_VAR, "ssoenv", "ssoenv", "ssoenv", &mut script)?;
    // No blank line first, exactly one newline last: tidy, stable committed files.
    let text = String::from_utf8_lossy(&script);
    let mut tidy = text.trim_matches('\n').as_bytes().to_vec();
    tidy.write_all(b"\n")?;
    Ok(tidy)
}

/// Nushell's completion module: clap_complete_nushell's `extern` definitions, with every
/// profile argument given a completer that asks ssoenv for the names (the fish protocol of the
/// dynamic completion: `value<TAB>help` lines).
fn nushell_script() -> String {
    let mut generated = Vec::new();
    clap_complete::generate(
        clap_complete_nushell::Nushell,
        &mut Cli::command(),
        "ssoenv",
        &mut generated,
    );
    let profile_completer = format!(
        "module completions {{\n\
         \n  # Profile names, asked of ssoenv at Tab time (its fish answer: `value<TAB>help` lines).\n\
         \x20 export def \"nu-complete ssoenv profile\" [] {{\n\
         \x20   with-env {{ {COMPLETE_VAR}: fish }} {{ ^ssoenv -- ssoenv '' }}\n\
         \x20   | lines\n\
         \x20   | where {{|line| not ($line | str starts-with '-') }}\n\
         \x20   | each {{|line| let parts = ($line | split row (char tab)); {{value: $parts.0, description: ($parts | get -o 1 | default '')}} }}\n\
         \x20 }}\n"
    );
    let script = String::from_utf8_lossy(&generated)
        .replace(
            "profile?: string ",
            "profile?: string@\"nu-complete ssoenv profile\" ",
        )
        .replacen("module completions {\n", &profile_completer, 1);
    format!(
        "# ssoenv completion for nushell: `ssoenv completions nushell | save -f ~/.cache/ssoenv-completions.nu`,\n\
         # then in config.nu: `use ~/.cache/ssoenv-completions.nu *`\n{}\n",
        script.trim()
    )
}

/// Profile names of the config file (and those only in the shared credentials file), each with
/// its kind and, for SSO profiles, account and role as help text (shown by zsh and fish), e.g.
/// `sso 123456789012 Admin` or `static`. Nothing when the config cannot be read: completion must
/// never print errors.
pub fn profile_names() -> Vec<CompletionCandidate> {
    let Ok(config) = AwsConfig::load_default() else {
        return Vec::new();
    };
    let credentials = CredentialsFile::load_default().unwrap_or_else(|_| CredentialsFile::empty());
    // Bash shows the names alone: a large file's help texts would be worked out for nothing.
    let with_help = ASKING_SHELL.get().is_none_or(|shell| shell != "bash");
    // Candidates without a tag get the argument's rendering as theirs, formatted anew for each
    // one; one tag for all keeps them one group, as that did.
    let tag = StyledStr::from("Profiles");
    let candidates = config
        .profiles_with(&credentials)
        .into_iter()
        .map(|(name, section)| {
            let candidate = CompletionCandidate::new(name).tag(Some(tag.clone()));
            if !with_help {
                return candidate;
            }
            let keys = ProfileKeys::new(section, &credentials, name);
            let kind = keys.kind().label();
            let help = match (keys.get("sso_account_id"), keys.get("sso_role_name")) {
                (Some(account), Some(role)) => format!("{kind} {account} {role}"),
                _ => kind.to_string(),
            };
            candidate.help(Some(help.into()))
        })
        .collect();
    // The answer is printed and the process ends: freeing a large file's sections one by one
    // would only cost time.
    std::mem::forget(config);
    candidates
}

/// Common console service names for `ssoenv console --service`, with what they are.
const CONSOLE_SERVICES: &[(&str, &str)] = &[
    ("acm", "Certificate Manager"),
    ("apigateway", "API Gateway"),
    ("athena", "Athena"),
    ("billing", "Billing and Cost Management"),
    ("cloudformation", "CloudFormation"),
    ("cloudfront", "CloudFront"),
    ("cloudtrail", "CloudTrail"),
    ("cloudwatch", "CloudWatch (metrics, alarms, logs)"),
    ("codebuild", "CodeBuild"),
    ("codepipeline", "CodePipeline"),
    ("cognito", "Cognito"),
    ("config", "Config"),
    ("costmanagement", "Cost Management"),
    ("dynamodbv2", "DynamoDB"),
    ("ec2", "EC2"),
    ("ecr", "Elastic Container Registry"),
    ("ecs", "Elastic Container Service"),
    ("eks", "Elastic Kubernetes Service"),
    ("elasticache", "ElastiCache"),
    ("events", "EventBridge"),
    ("glue", "Glue"),
    ("guardduty", "GuardDuty"),
    ("iam", "IAM"),
    ("kinesis", "Kinesis"),
    ("kms", "Key Management Service"),
    ("lambda", "Lambda"),
    ("organizations", "Organizations"),
    ("rds", "RDS"),
    ("route53", "Route 53"),
    ("s3", "S3"),
    ("sagemaker", "SageMaker"),
    ("secretsmanager", "Secrets Manager"),
    ("securityhub", "Security Hub"),
    ("sns", "SNS"),
    ("sqs", "SQS"),
    ("states", "Step Functions"),
    ("systems-manager", "Systems Manager"),
    ("vpc", "VPC"),
    ("wafv2", "WAF"),
];

/// Console service names for `--service`, with the service's name as help text.
pub fn console_services() -> Vec<CompletionCandidate> {
    CONSOLE_SERVICES
        .iter()
        .map(|(slug, name)| CompletionCandidate::new(slug).help(Some((*name).into())))
        .collect()
}

/// sso-session names of the config file, with their start URL as help text.
pub fn sso_session_names() -> Vec<CompletionCandidate> {
    let Ok(config) = AwsConfig::load_default() else {
        return Vec::new();
    };
    config
        .sso_session_names()
        .into_iter()
        .map(|name| {
            let help = config
                .sso_session(name)
                .and_then(|section| section.get("sso_start_url"))
                .map(|url| url.to_string().into());
            CompletionCandidate::new(name).help(help)
        })
        .collect()
}
