//! The prompt hook of `ssoenv init`, driven the way a user drives it: real bash, zsh and fish on
//! a pseudo-terminal, the real binary (behind a wrapper that records its runs), and the emulator
//! issuing short-lived credentials. No assertion is about timing; the waits only make
//! credentials due.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::home::*;
use crate::support::hook_shell::*;
use crate::support::shells::optional_program;

/// Credentials that live 20 s with a 15 s margin are due 5 s after each refresh.
const SHORT_LIFETIME: Duration = Duration::from_secs(20);
const MARGIN: &str = "15s";

struct Observation {
    key: String,
    expires_at: u64,
    now: u64,
}

fn observe(terminal: &mut InteractiveShell, shell: HookShell) -> Observation {
    let answer = terminal.query(shell.observation_words());
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
    if shell.has_clock() {
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
            terminal.screen()
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
        terminal.screen()
    );
    if shell.has_clock() {
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
fn elvish_keeps_credentials_valid_across_prompts() {
    credentials_stay_valid_across_prompts(HookShell::Elvish);
}

#[test]
fn xonsh_keeps_credentials_valid_across_prompts() {
    credentials_stay_valid_across_prompts(HookShell::Xonsh);
}

#[test]
fn nushell_keeps_credentials_valid_across_prompts() {
    if optional_program("nu", "nushell_keeps_credentials_valid_across_prompts").is_none() {
        return;
    }
    credentials_stay_valid_across_prompts(HookShell::Nushell);
}

/// Starts `shell` with 20 s credentials for the profile in it, then ends the SSO session and
/// waits until the credentials the shell holds are due. Returns their access key id.
///
/// What comes due is whatever the shell holds when the session ends, not what `ssoenv use` put
/// there: on a loaded machine the set-up's prompts can take longer than the 5 s before the
/// first credentials are due, and then a prompt's hook already replaced them while the session
/// lived (it did in CI, and the sign-in the test waited for never came). The hook runs before
/// each prompt, so once the last prompt is shown the shell holds the credentials the emulator
/// issued last, and after the session ended none can be issued.
fn shell_with_due_credentials_of_an_ended_session(
    env: &HookEnv,
    emulator: &sso_emulator::Emulator,
    shell: HookShell,
    init_options: &[&str],
    before: &str,
    while_valid: impl FnOnce(&mut InteractiveShell),
) -> (InteractiveShell, String) {
    emulator.update_config(|config| config.credential_lifetime = SHORT_LIFETIME);
    let mut terminal = env.start(shell, init_options, before, "");
    terminal.run(&format!("ssoenv use {PROFILE}"));
    while_valid(&mut terminal);
    emulator.revoke_all_sessions();
    let held = emulator
        .newest_role_credentials()
        .expect("ssoenv use fetched role credentials");
    // Rounded up: due then, whichever way the client rounds the milliseconds.
    sleep_until_epoch(held.expiration_millis.div_ceil(1000) - 15);
    (terminal, held.access_key_id)
}

/// The SSO session ended: the next prompt signs in (the browser is automated with curl) and
/// exports fresh credentials; later prompts sign in no more.
#[test]
fn an_ended_session_leads_to_exactly_one_sign_in() {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    let (mut terminal, held_key) = shell_with_due_credentials_of_an_ended_session(
        &env,
        &emulator,
        HookShell::Bash,
        &["--refresh-before", MARGIN],
        "",
        |_| {},
    );

    let shown = terminal.run("true");
    assert!(shown.contains("Signed in"), "{shown}");
    let fresh = observe(&mut terminal, HookShell::Bash);
    assert_ne!(fresh.key, held_key);
    assert!(fresh.now < fresh.expires_at);
    assert_eq!(
        emulator.credentials_owner(&fresh.key),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    for _ in 0..5 {
        terminal.run("true");
    }
    assert_eq!(emulator.request_count("Authorize"), 1, "one sign-in");
    assert_eq!(observe(&mut terminal, HookShell::Bash).key, fresh.key);
}

/// Three shells (bash, zsh, fish) whose credentials expire together after the session ended:
/// one sign-in serves all three.
#[test]
fn three_shells_expiring_together_sign_in_once() {
    let emulator = start_emulator();
    emulator.update_config(|config| config.credential_lifetime = Duration::from_secs(30));
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    let shells = [HookShell::Bash, HookShell::Zsh, HookShell::Fish];
    let mut terminals: Vec<InteractiveShell> = shells
        .iter()
        .map(|&shell| env.start(shell, &["--refresh-before", MARGIN], "", ""))
        .collect();
    let mut held = Vec::new();
    for (terminal, &shell) in terminals.iter_mut().zip(&shells) {
        // --min-valid 1s: all three take the credentials the first one fetched.
        terminal.run(&format!("ssoenv use {PROFILE} --min-valid 1s"));
        held.push(observe(terminal, shell));
    }
    assert!(
        held.iter().all(|o| o.key == held[0].key),
        "one set of credentials"
    );
    emulator.revoke_all_sessions();
    sleep_until_epoch(held[0].expires_at - 15);

    // Enter in all three at once.
    for terminal in &mut terminals {
        terminal.send("true\r");
    }
    for terminal in &mut terminals {
        terminal.expect("\n");
        terminal.expect(PROMPT);
    }
    for (terminal, &shell) in terminals.iter_mut().zip(&shells) {
        let fresh = observe(terminal, shell);
        assert_ne!(fresh.key, held[0].key, "{shell:?}: new credentials");
        assert!(fresh.now < fresh.expires_at, "{shell:?}");
        assert_eq!(
            emulator.credentials_owner(&fresh.key),
            Some((ACCOUNT.to_string(), ROLE.to_string())),
            "{shell:?}"
        );
    }
    assert_eq!(
        emulator.request_count("Authorize"),
        1,
        "one sign-in for three shells"
    );
}

/// Ctrl-C while the hook waits for a sign-in (the browser never comes back): the shell stays
/// usable with its previous credentials and the user's own INT trap, says once that it backs
/// off, and the next prompts start no second sign-in.
fn ctrl_c_during_a_sign_in(shell: HookShell, user_trap: Option<&str>) {
    let emulator = start_emulator();
    let mut env = HookEnv::new(&emulator.url());
    env.browser = "true".to_string();
    env.home.seed_token(&emulator, 8 * 3600);
    let trap = user_trap.unwrap_or_default();
    let mut trap_before = None;
    let (mut terminal, held_key) = shell_with_due_credentials_of_an_ended_session(
        &env,
        &emulator,
        shell,
        &["--refresh-before", MARGIN],
        trap,
        |terminal| {
            if shell != HookShell::Fish {
                trap_before = Some(terminal.run("trap"));
            }
        },
    );

    terminal.send("true\r");
    terminal.expect("Waiting for the sign-in");
    terminal.send("\x03");
    terminal.expect("was interrupted");
    terminal.expect(PROMPT);
    let runs = env.hook_runs();
    assert_eq!(
        runs.iter()
            .filter(|run| run.contains("--interrupted"))
            .count(),
        1,
        "{shell:?}: one run backs off: {runs:?}"
    );
    let after = observe(&mut terminal, shell);
    assert_eq!(
        after.key, held_key,
        "{shell:?}: the previous credentials stay"
    );
    if let Some(before) = trap_before {
        let now = terminal.run("trap");
        let strip = |text: &str| text.split_once('\n').map(|(_, rest)| rest.to_string());
        assert_eq!(strip(&now), strip(&before), "{shell:?}: the user's traps");
    }
    let mut later = String::new();
    for _ in 0..4 {
        later.push_str(&terminal.run("true"));
    }
    assert!(!later.contains("ssoenv"), "{shell:?}: said once: {later}");
    assert!(
        !later.contains("Signing in"),
        "{shell:?}: no second sign-in: {later}"
    );
    let runs_after: Vec<String> = env.hook_runs().into_iter().skip(runs.len()).collect();
    if shell == HookShell::Fish {
        // fish asks the binary at every prompt; the back-off deadline goes with it.
        assert!(
            runs_after
                .iter()
                .all(|run| !run.ends_with("--backoff-until ")),
            "{runs_after:?}"
        );
    } else {
        assert!(
            runs_after.is_empty(),
            "{shell:?}: no process while backing off: {runs_after:?}"
        );
    }

    // Still usable: a sign-in on request works.
    let assign = match shell {
        HookShell::Fish => "set -gx BROWSER 'curl -sfL -o /dev/null'",
        _ => "export BROWSER='curl -sfL -o /dev/null'",
    };
    terminal.run(assign);
    let shown = terminal.run(&format!("ssoenv use {PROFILE}"));
    assert!(shown.contains("Signed in"), "{shown}");
    let fresh = observe(&mut terminal, shell);
    assert_ne!(fresh.key, held_key);
    assert_eq!(
        emulator.credentials_owner(&fresh.key),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
}

#[test]
fn ctrl_c_during_a_sign_in_in_bash_with_a_user_trap() {
    ctrl_c_during_a_sign_in(HookShell::Bash, Some("trap 'echo user-int-trap' INT"));
}

#[test]
fn ctrl_c_during_a_sign_in_in_zsh() {
    ctrl_c_during_a_sign_in(HookShell::Zsh, None);
}

#[test]
fn ctrl_c_during_a_sign_in_in_fish() {
    ctrl_c_during_a_sign_in(HookShell::Fish, None);
}

/// With `--no-login` the hook only says how to sign in, once, and backs off.
#[test]
fn no_login_warns_once_and_backs_off() {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    let (mut terminal, held_key) = shell_with_due_credentials_of_an_ended_session(
        &env,
        &emulator,
        HookShell::Bash,
        &["--refresh-before", MARGIN, "--no-login"],
        "",
        |_| {},
    );
    let runs_before = env.hook_runs().len();
    let shown = terminal.run("true");
    assert!(shown.contains("could not refresh"), "{shown}");
    assert!(
        shown.contains(&format!("ssoenv login {PROFILE}")),
        "{shown}"
    );
    assert!(shown.contains("tries again in 5m"), "{shown}");
    let mut later = String::new();
    for _ in 0..4 {
        later.push_str(&terminal.run("true"));
    }
    assert!(!later.contains("ssoenv"), "said once: {later}");
    let runs = env.hook_runs();
    assert_eq!(runs.len() - runs_before, 1, "one run: {runs:?}");
    assert_eq!(emulator.request_count("Authorize"), 0);
    assert_eq!(observe(&mut terminal, HookShell::Bash).key, held_key);
}

/// A back-off value that is not a number (inherited, or set by hand) must not turn each due
/// prompt into a usage error: the hook passes it as `--backoff-until=VALUE` and ignores garbage.
#[test]
fn a_garbage_backoff_value_does_not_break_the_hook() {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    emulator.update_config(|config| config.credential_lifetime = SHORT_LIFETIME);
    for shell in [HookShell::Bash, HookShell::Zsh] {
        let mut terminal = env.start(shell, &["--refresh-before", MARGIN], "", "");
        terminal.run(&format!("ssoenv use {PROFILE}"));
        let held = observe(&mut terminal, shell);
        terminal.run("__ssoenv_backoff_until=-1");
        sleep_until_epoch(held.expires_at - 15);
        let shown = terminal.run("true");
        assert!(
            !shown.contains("error") && !shown.contains("Usage"),
            "{shell:?}: {shown}"
        );
        let fresh = observe(&mut terminal, shell);
        assert_ne!(fresh.key, held.key, "{shell:?}: refreshed: {shown}");
    }
}

/// `ssoenv use` and `ssoenv off` in bash take only what bash can evaluate: `--format json` and
/// `--shell fish` are refused with exit 2, and the shell is left as it was.
#[test]
fn use_and_off_refuse_a_format_or_shell_the_integration_cannot_evaluate() {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    let mut terminal = env.start(HookShell::Bash, &[], "", "");

    let shown = terminal.run(&format!("ssoenv use {PROFILE} --shell fish"));
    assert!(
        shown.contains(
            "ssoenv: `ssoenv use` runs in bash (the shell integration's) and can print only its \
             code, not --shell fish"
        ),
        "{shown}"
    );
    assert_eq!(terminal.query("$?"), "2");
    let shown = terminal.run(&format!("ssoenv use {PROFILE} --format json"));
    assert!(
        shown.contains(
            "ssoenv: `ssoenv use` puts the credentials into this shell, so it prints only shell \
             code; for --format json run `ssoenv my-dev-profile --format json`"
        ),
        "{shown}"
    );
    assert_eq!(terminal.query("$?"), "2");
    let shown = terminal.run("ssoenv off --shell zsh");
    assert!(shown.contains("not --shell zsh"), "{shown}");
    assert_eq!(terminal.query("$?"), "2");
    assert_eq!(terminal.query("${AWS_ACCESS_KEY_ID-unset}"), "unset");
    assert_eq!(emulator.request_count("GetRoleCredentials"), 0);

    // The integration's own --shell repeated by the user is fine.
    terminal.run(&format!("ssoenv use {PROFILE} --shell bash --format shell"));
    assert_eq!(terminal.query("$?"), "0");
    assert_ne!(terminal.query("${AWS_ACCESS_KEY_ID-unset}"), "unset");
}

/// `ssoenv use` fails as the binary does: a mistyped profile gives 1 and no sign-in 3 as `$?`
/// in bash, zsh and fish, with the message on the terminal and the shell unchanged.
#[test]
fn use_returns_the_status_of_a_failure() {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    for shell in [HookShell::Bash, HookShell::Zsh, HookShell::Fish] {
        let mut terminal = env.start(shell, &[], "", "");
        let shown = terminal.run("ssoenv use my-dev-profil");
        assert!(
            shown.contains("profile 'my-dev-profil' is not defined"),
            "{shell:?}: {shown}"
        );
        assert_eq!(terminal.query(status_word(shell)), "1", "{shell:?}");
        let shown = terminal.run(&format!("ssoenv use {PROFILE} --no-login"));
        assert!(
            shown.contains("ssoenv login my-dev-profile"),
            "{shell:?}: {shown}"
        );
        assert_eq!(terminal.query(status_word(shell)), "3", "{shell:?}");
        assert_eq!(terminal.query("$AWS_ACCESS_KEY_ID"), "", "{shell:?}");
    }
}

fn status_word(shell: HookShell) -> &'static str {
    if shell == HookShell::Fish {
        "$status"
    } else {
        "$?"
    }
}
