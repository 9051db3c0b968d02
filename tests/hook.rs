//! The prompt hook of `ssoenv init`, driven the way a user drives it: real bash, zsh and fish on
//! a pseudo-terminal, the real binary (behind a wrapper that records its runs), and the emulator
//! issuing short-lived credentials. No assertion is about timing; the waits only make
//! credentials due.

mod common;
mod support_hook;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use support_hook::*;

/// Credentials that live 20 s with a 15 s margin are due 5 s after each refresh.
const SHORT_LIFETIME: Duration = Duration::from_secs(20);
const MARGIN: &str = "15s";

struct Observation {
    key: String,
    expires_at: u64,
    now: u64,
}

fn observe(terminal: &mut Terminal, shell: HookShell) -> Observation {
    let now = match shell {
        HookShell::Fish => "$(date +%s)",
        _ => shell.now_expression(),
    };
    let answer = terminal.query(&format!("$AWS_ACCESS_KEY_ID $SSOENV_EXPIRES_AT {now}"));
    let words: Vec<&str> = answer.split(' ').collect();
    assert_eq!(words.len(), 3, "unexpected answer {answer:?}");
    Observation {
        key: words[0].to_string(),
        expires_at: words[1].parse().expect("SSOENV_EXPIRES_AT is a number"),
        now: words[2].parse().expect("the clock is a number"),
    }
}

/// While the credentials are far from expiry the hook starts no process (bash and zsh compare
/// with their own clock; fish asks the binary, which exits at once); once they are short-lived,
/// every prompt finds valid credentials, replaced before they expire, and in bash and zsh the
/// binary ran exactly once per replacement.
fn credentials_stay_valid_across_prompts(shell: HookShell) {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    let mut terminal = env.start(shell, &["--refresh-before", MARGIN], "", "");

    terminal.run(&format!("ssoenv use {PROFILE}"));
    let first = observe(&mut terminal, shell);
    assert_eq!(
        emulator.credentials_owner(&first.key),
        Some((ACCOUNT.to_string(), ROLE.to_string())),
        "{shell:?}: `ssoenv use` put the profile's credentials into the shell"
    );
    for _ in 0..10 {
        terminal.run("true");
    }
    let fetched = emulator.request_count("GetRoleCredentials");
    if shell != HookShell::Fish {
        assert_eq!(
            env.hook_runs(),
            Vec::<String>::new(),
            "{shell:?}: no process while nothing is due"
        );
    }
    assert_eq!(observe(&mut terminal, shell).key, first.key);

    emulator.update_config(|config| config.credential_lifetime = SHORT_LIFETIME);
    // The user's --min-valid overrides the function's own, so this fetches 20 s credentials.
    terminal.run(&format!("ssoenv use {PROFILE} --min-valid 1h"));
    assert_eq!(emulator.request_count("GetRoleCredentials"), fetched + 1);
    let runs_before = env.hook_runs().len();
    let mut seen = Vec::new();
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(13) {
        seen.push(observe(&mut terminal, shell));
        std::thread::sleep(Duration::from_millis(700));
    }

    for observation in &seen {
        assert!(
            observation.now < observation.expires_at,
            "{shell:?}: a prompt found expired credentials ({} >= {})\n{}",
            observation.now,
            observation.expires_at,
            terminal.transcript()
        );
        assert_eq!(
            emulator.credentials_owner(&observation.key),
            Some((ACCOUNT.to_string(), ROLE.to_string())),
            "{shell:?}: every key is one the emulator issued for the profile"
        );
    }
    let keys: BTreeSet<&str> = seen.iter().map(|o| o.key.as_str()).collect();
    assert!(
        keys.len() >= 3,
        "{shell:?}: the credentials were replaced at least twice in 13 s, saw {keys:?}\n{}",
        terminal.transcript()
    );
    if shell != HookShell::Fish {
        let runs = env.hook_runs().len() - runs_before;
        assert_eq!(
            runs,
            keys.len() - 1,
            "{shell:?}: one run of the binary per replacement, none in between: {:?}",
            env.hook_runs()
        );
    }
}

#[test]
fn bash_keeps_credentials_valid_across_prompts() {
    credentials_stay_valid_across_prompts(HookShell::Bash);
}

#[test]
fn zsh_keeps_credentials_valid_across_prompts() {
    credentials_stay_valid_across_prompts(HookShell::Zsh);
}

#[test]
fn fish_keeps_credentials_valid_across_prompts() {
    credentials_stay_valid_across_prompts(HookShell::Fish);
}

#[test]
#[ignore]
fn debug_fish() {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    let mut terminal = env.start(HookShell::Fish, &["--refresh-before", MARGIN], "", "");
    terminal.send("ssoenv use my-dev-profile\r");
    std::thread::sleep(Duration::from_secs(3));
    terminal.send("echo hi\r");
    std::thread::sleep(Duration::from_secs(1));
    eprintln!("{:?}", terminal.transcript());
}
