//! The prompt hook never breaks the user's shell: the exit status the user saw survives it, in
//! bash whatever PROMPT_COMMAND holds (unset, a string with a comment, an array), with `set -u`,
//! evaluated twice, next to prompt tools that also hook the prompt (starship's way of doing it);
//! in zsh under hostile options and aliases; in fish sourced twice; and in non-interactive
//! shells the integration does nothing at all.

use std::process::Command;

use crate::support::home::*;
use crate::support::hook_shell::*;

/// Starts `shell` with the integration between `before` and `after` in its rc file and the
/// profile's (hour-long) credentials in it.
fn start(env: &HookEnv, shell: HookShell, before: &str, after: &str) -> InteractiveShell {
    let mut terminal = env.start(shell, &[], before, after);
    let shown = terminal.run(&format!("ssoenv use {PROFILE}"));
    assert!(!shown.contains("ssoenv:"), "{shown}");
    terminal
}

/// Makes the credentials due (an expiry long past), runs a command that fails with `status`,
/// and checks that the hook refreshed them at the next prompt while `$?` kept the status.
fn assert_refresh_keeps_status(env: &HookEnv, terminal: &mut InteractiveShell, shell: HookShell) {
    assert_refresh_keeps_status_seen_by(env, terminal, shell, &[]);
}

/// The same, and each of `seen_by` (variables where other prompt hooks record `$?`) holds the
/// status too.
fn assert_refresh_keeps_status_seen_by(
    env: &HookEnv,
    terminal: &mut InteractiveShell,
    shell: HookShell,
    seen_by: &[&str],
) {
    let runs = env.hook_runs().len();
    let (make_due, fail, expected) = match shell {
        HookShell::Fish => ("set -gx SSOENV_EXPIRES_AT 1", "false", "1"),
        _ => ("export SSOENV_EXPIRES_AT=1", "(exit 3)", "3"),
    };
    terminal.run(make_due);
    terminal.run(fail);
    let status = match shell {
        HookShell::Fish => "$status",
        _ => "$?",
    };
    let others: String = seen_by.iter().map(|name| format!(" ${name}")).collect();
    let answer = terminal.query(&format!("{status} $SSOENV_EXPIRES_AT{others}"));
    let words: Vec<&str> = answer.split(' ').collect();
    let (seen_status, expires_at) = (words[0], words[1]);
    assert_eq!(
        seen_status, expected,
        "{shell:?}: the exit status the user saw"
    );
    for (name, seen) in seen_by.iter().zip(&words[2..]) {
        assert_eq!(*seen, expected, "{shell:?}: the status {name} recorded");
    }
    assert!(
        expires_at.parse::<u64>().expect("a number") > epoch_now(),
        "{shell:?}: the hook refreshed the due credentials\n{}",
        terminal.screen()
    );
    assert!(env.hook_runs().len() > runs, "{shell:?}: the hook ran");
}

/// How many times `__ssoenv_hook` appears in the shell's prompt hooks.
fn registrations(terminal: &mut InteractiveShell, shell: HookShell) -> usize {
    let listing = match shell {
        HookShell::Bash => terminal.query("${PROMPT_COMMAND[*]}"),
        HookShell::Zsh => terminal.query("${precmd_functions[*]} / ${preexec_functions[*]}"),
        HookShell::Fish => terminal.query("$(functions --handlers | string join ' ')"),
        other => panic!("no listing of prompt hooks for {other:?}"),
    };
    listing.matches("__ssoenv_hook").count()
}

fn hook_env() -> (sso_emulator::Emulator, HookEnv) {
    let emulator = start_emulator();
    let env = HookEnv::new(&emulator.url());
    env.home.seed_token(&emulator, 8 * 3600);
    (emulator, env)
}

#[test]
fn bash_without_prompt_command_and_with_set_u() {
    let (_emulator, env) = hook_env();
    let mut terminal = start(&env, HookShell::Bash, "set -u\nunset PROMPT_COMMAND", "");
    assert_refresh_keeps_status(&env, &mut terminal, HookShell::Bash);
    assert_eq!(terminal.query("${PROMPT_COMMAND}"), "__ssoenv_hook;");
    assert_eq!(
        terminal.query("$(declare -p PROMPT_COMMAND | cut -c1-11)"),
        "declare -- ",
        "not exported"
    );
}

#[test]
fn bash_prompt_command_string_ending_in_a_comment_still_runs() {
    let (_emulator, env) = hook_env();
    let before = "PROMPT_COMMAND='user_prompts=$((${user_prompts:-0}+1)) # counts prompts'";
    let mut terminal = start(&env, HookShell::Bash, before, "");
    assert_refresh_keeps_status(&env, &mut terminal, HookShell::Bash);
    let first: u32 = terminal.query("$user_prompts").parse().unwrap();
    terminal.run("true");
    let second: u32 = terminal.query("$user_prompts").parse().unwrap();
    assert_eq!(
        second,
        first + 2,
        "the user's PROMPT_COMMAND runs at every prompt"
    );
}

#[test]
fn bash_prompt_command_array_keeps_its_elements() {
    let (_emulator, env) = hook_env();
    let before = "PROMPT_COMMAND=('user_prompts=$((${user_prompts:-0}+1))' 'user_second=yes')";
    let mut terminal = start(&env, HookShell::Bash, before, "");
    assert_refresh_keeps_status(&env, &mut terminal, HookShell::Bash);
    assert_eq!(
        terminal.query("${#PROMPT_COMMAND[@]} ${PROMPT_COMMAND[0]}"),
        "3 __ssoenv_hook"
    );
    assert_eq!(terminal.query("$user_second"), "yes");
    assert!(terminal.query("$user_prompts").parse::<u32>().unwrap() > 3);
}

#[test]
fn bash_integration_evaluated_twice_registers_once() {
    let (_emulator, env) = hook_env();
    let init = env.init_line(HookShell::Bash, &[]);
    let mut terminal = env.start_with_init(HookShell::Bash, "set -u", &format!("{init}{init}"), "");
    terminal.run(&format!("ssoenv use {PROFILE}"));
    assert_eq!(registrations(&mut terminal, HookShell::Bash), 1);
    assert_refresh_keeps_status(&env, &mut terminal, HookShell::Bash);
    // Once more, from the prompt, and with the array form.
    terminal.run("PROMPT_COMMAND=(\"$PROMPT_COMMAND\")");
    terminal.run(init.trim_end());
    assert_eq!(registrations(&mut terminal, HookShell::Bash), 1);
}

/// What starship's bash init does: append its precmd (which reads `$?` first) to
/// PROMPT_COMMAND and install a DEBUG trap. Before or after ssoenv's init, it sees the status.
const STARSHIP_LIKE_BASH: &str = r#"
prompt_tool_precmd() { prompt_tool_status=$?; PREEXEC_READY=true; }
prompt_tool_preexec() { if [ "${PREEXEC_READY-}" = true ]; then PREEXEC_READY=false; prompt_tool_started=1; fi; }
trap 'prompt_tool_preexec "$_"' DEBUG
if [[ -z "${PROMPT_COMMAND-}" ]]; then PROMPT_COMMAND=prompt_tool_precmd
else PROMPT_COMMAND="${PROMPT_COMMAND%;};prompt_tool_precmd;"; fi
"#;

#[test]
fn bash_next_to_a_prompt_tool_set_up_before_or_after() {
    let (_emulator, env) = hook_env();
    for (before, after) in [("", STARSHIP_LIKE_BASH), (STARSHIP_LIKE_BASH, "")] {
        let mut terminal = start(&env, HookShell::Bash, before, after);
        assert_refresh_keeps_status_seen_by(
            &env,
            &mut terminal,
            HookShell::Bash,
            &["prompt_tool_status"],
        );
        assert_eq!(
            terminal.query("$(trap -p DEBUG)"),
            "trap -- 'prompt_tool_preexec \"$_\"' DEBUG"
        );
        assert_eq!(registrations(&mut terminal, HookShell::Bash), 1);
    }
}

/// Options and aliases that break naive zsh functions, and a prompt tool registered with
/// add-zsh-hook before and after ssoenv (as starship and oh-my-zsh themes do).
#[test]
fn zsh_with_hostile_options_aliases_and_prompt_tools() {
    let (_emulator, env) = hook_env();
    let before = r#"
autoload -Uz add-zsh-hook
tool_before() { tool_before_status=$?; }
add-zsh-hook precmd tool_before
setopt ksh_arrays sh_word_split nounset glob_subst rc_quotes no_function_argzero
alias local='print hijacked' unset='print hijacked'
alias return='print hijacked' shift='print hijacked'
"#;
    let after = r#"
unalias local unset return shift
tool_after() { tool_after_status=$?; }
add-zsh-hook precmd tool_after
"#;
    let init = env.init_line(HookShell::Zsh, &[]);
    let mut terminal = env.start_with_init(HookShell::Zsh, before, &format!("{init}{init}"), after);
    terminal.run(&format!("ssoenv use {PROFILE}"));
    assert_refresh_keeps_status_seen_by(
        &env,
        &mut terminal,
        HookShell::Zsh,
        &["tool_before_status", "tool_after_status"],
    );
    assert_eq!(
        registrations(&mut terminal, HookShell::Zsh),
        2,
        "once in precmd, once in preexec"
    );
    let transcript = terminal.screen();
    assert!(!transcript.contains("hijacked"), "{transcript}");
}

#[test]
fn fish_sourced_twice_registers_once_and_keeps_the_status() {
    let (_emulator, env) = hook_env();
    let init = env.init_line(HookShell::Fish, &[]);
    let mut terminal = env.start_with_init(HookShell::Fish, "", &format!("{init}{init}"), "");
    terminal.run(&format!("ssoenv use {PROFILE}"));
    assert_refresh_keeps_status(&env, &mut terminal, HookShell::Fish);
    // One handler function, on two events.
    assert_eq!(registrations(&mut terminal, HookShell::Fish), 2);
}

/// `ssoenv use` outside the integration explains what to do instead of printing code to the
/// terminal; through the function, `eval "$(ssoenv PROFILE)"` still works (a subshell).
#[test]
fn use_needs_the_integration_and_export_still_works_through_the_function() {
    let (emulator, env) = hook_env();
    let mut terminal = env.start(HookShell::Bash, &[], "", "");
    let ssoenv = env!("CARGO_BIN_EXE_ssoenv");
    let shown = terminal.run(&format!("'{ssoenv}' use {PROFILE}"));
    assert!(shown.contains("needs the shell integration"), "{shown}");
    assert!(!shown.contains("AWS_SECRET_ACCESS_KEY"), "{shown}");
    assert_eq!(terminal.query("${AWS_ACCESS_KEY_ID-none}"), "none");

    terminal.run(&format!("eval \"$(ssoenv {PROFILE})\""));
    let key = terminal.query("$AWS_ACCESS_KEY_ID");
    assert_eq!(
        emulator.credentials_owner(&key),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
    terminal.run("ssoenv off");
    assert_eq!(
        terminal
            .query("${AWS_ACCESS_KEY_ID-none} ${SSOENV_PROFILE-none} ${SSOENV_EXPIRES_AT-none}"),
        "none none none"
    );
    assert_eq!(env.hook_runs(), Vec::<String>::new());
}

/// Outside interactive shells (scripts, scp, rsync) the integration prints nothing and changes
/// nothing.
#[test]
fn non_interactive_shells_get_nothing() {
    let env = HookEnv::new("http://127.0.0.1:9");
    let cases = [
        (
            "bash",
            vec!["--noprofile", "--norc", "-u", "-c"],
            "eval \"$(SSOENV init bash)\"; printf '[%s]' \"${PROMPT_COMMAND-unset}\"; type ssoenv __ssoenv_hook 2>&1 | grep -c function",
            "[unset]0\n",
        ),
        (
            "zsh",
            vec!["--no-rcs", "-u", "-c"],
            "eval \"$(SSOENV init zsh)\"; printf '[%s]' \"${precmd_functions-unset}\"; whence -w ssoenv __ssoenv_hook | grep -c function",
            "[unset]0\n",
        ),
        (
            "fish",
            vec!["--no-config", "--private", "-c"],
            "SSOENV init fish | source; functions -q ssoenv __ssoenv_hook; or echo none",
            "none\n",
        ),
    ];
    for (shell, args, script, expected) in cases {
        let script = script.replace("SSOENV", &format!("'{}'", env!("CARGO_BIN_EXE_ssoenv")));
        let output = Command::new(shell)
            .args(args)
            .arg(&script)
            .env("HOME", env.home.path())
            .output()
            .expect("shell runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            expected,
            "{shell}: stderr {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stderr.is_empty(),
            "{shell}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// With bash-preexec (which rewrites PROMPT_COMMAND at the first prompt and runs a DEBUG trap),
/// sourced before or after ssoenv's init. bash-preexec is not packaged for Debian, so the test
/// runs when `SSOENV_TEST_BASH_PREEXEC` names its `bash-preexec.sh`, and says it skipped
/// otherwise.
#[test]
fn bash_with_bash_preexec_before_or_after() {
    let Some(script) = std::env::var_os("SSOENV_TEST_BASH_PREEXEC") else {
        eprintln!(
            "SKIPPED bash_with_bash_preexec_before_or_after: set SSOENV_TEST_BASH_PREEXEC to a \
             bash-preexec.sh"
        );
        return;
    };
    let source = format!(
        "source '{}'\ntool_precmd() {{ tool_status=$?; }}\ntool_preexec() {{ tool_commands=$((${{tool_commands:-0}}+1)); }}\n\
         precmd_functions+=(tool_precmd)\npreexec_functions+=(tool_preexec)\n",
        std::path::Path::new(&script).display()
    );
    let (_emulator, env) = hook_env();
    for (before, after) in [(source.as_str(), ""), ("", source.as_str())] {
        let mut terminal = start(&env, HookShell::Bash, before, after);
        let commands: u32 = terminal.query("$tool_commands").parse().unwrap();
        assert_refresh_keeps_status_seen_by(&env, &mut terminal, HookShell::Bash, &["tool_status"]);
        let later: u32 = terminal.query("$tool_commands").parse().unwrap();
        assert!(later > commands, "bash-preexec's preexec still runs");
        assert_eq!(registrations(&mut terminal, HookShell::Bash), 1);
    }
}
