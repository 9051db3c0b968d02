//! Interactive shells on a pseudo-terminal, for the prompt hook tests: the shell reads the rc
//! file a test writes, and runs ssoenv through a wrapper that records every run.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use super::home::TestHome;
use super::terminal::{Attach, Terminal};

/// What the test shells print as their prompt; waiting for it is how a test knows the hook ran.
pub const PROMPT: &str = "READY> ";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Xonsh,
    Nushell,
}

impl HookShell {
    pub fn name(self) -> &'static str {
        match self {
            HookShell::Bash => "bash",
            HookShell::Zsh => "zsh",
            HookShell::Fish => "fish",
            HookShell::Elvish => "elvish",
            HookShell::Xonsh => "xonsh",
            HookShell::Nushell => "nushell",
        }
    }

    /// Whether the integration compares times in the shell itself (no process while nothing is
    /// due) rather than asking the binary at every prompt.
    pub fn has_clock(self) -> bool {
        !matches!(self, HookShell::Fish | HookShell::Elvish)
    }

    /// A command line printing `Q<n>=<answer>` where `answer` is `words` evaluated by the shell
    /// (each shell's syntax for the words). The marker as typed is not the marker printed, so
    /// the terminal's echo of the line cannot be mistaken for the answer.
    pub fn query_line(self, n: usize, words: &str) -> String {
        match self {
            HookShell::Bash | HookShell::Zsh | HookShell::Fish => {
                format!("printf 'Q%s=<%s>\\n' {n} \"{words}\"")
            }
            // Elvish's own printf takes the escape from a double-quoted string.
            HookShell::Elvish => format!("printf \"Q%s=<%s>\\n\" {n} {words}"),
            HookShell::Xonsh => format!("printf 'Q%s=<%s>\\n' {n} @({words})"),
            HookShell::Nushell => format!("print $\"Q({n})=<{words}>\""),
        }
    }

    /// The words (for [`HookShell::query_line`]) that print the access key id, the expiry of
    /// the credentials and the current time in epoch seconds, separated by spaces. Shells
    /// without a clock use a `date` process: the test's, not the hook's.
    pub fn observation_words(self) -> &'static str {
        match self {
            HookShell::Bash | HookShell::Zsh => {
                "$AWS_ACCESS_KEY_ID $SSOENV_EXPIRES_AT $EPOCHSECONDS"
            }
            HookShell::Fish => "$AWS_ACCESS_KEY_ID $SSOENV_EXPIRES_AT $(date +%s)",
            HookShell::Elvish => "$E:AWS_ACCESS_KEY_ID' '$E:SSOENV_EXPIRES_AT' '(date +%s)",
            HookShell::Xonsh => {
                "' '.join([${...}.get('AWS_ACCESS_KEY_ID', ''), \
                 ${...}.get('SSOENV_EXPIRES_AT', ''), str(int(__import__('time').time()))])"
            }
            HookShell::Nushell => {
                "($env.AWS_ACCESS_KEY_ID? | default '') ($env.SSOENV_EXPIRES_AT? | default '') \
                 ((date now | into int) // 1000000000)"
            }
        }
    }
}

/// An interactive shell on a terminal, which shows [`PROMPT`] when it waits for a command line.
pub struct InteractiveShell {
    terminal: Terminal,
    shell: HookShell,
    queries: usize,
}

impl InteractiveShell {
    /// Starts `command`, an interactive `shell`, and waits for its first prompt.
    fn start(shell: HookShell, command: &mut Command) -> InteractiveShell {
        let mut terminal = Terminal::spawn(command, Attach::Interactive);
        terminal.expect(PROMPT);
        InteractiveShell {
            terminal,
            shell,
            queries: 0,
        }
    }

    /// Types a command line and waits for the next prompt; returns what was shown meanwhile
    /// (the echoed line, the command's output and anything the hook printed).
    /// fish redraws the prompt while a line is typed, so the prompt that counts is the first
    /// one after the newline that ends the echoed line.
    pub fn run(&mut self, line: &str) -> String {
        self.send(line);
        self.send("\r");
        let mut shown = self.expect("\n");
        shown.push_str(&self.expect(PROMPT));
        shown
    }

    /// Runs `printf` with the given shell words and returns what it printed between markers,
    /// e.g. `query("$AWS_ACCESS_KEY_ID")`. The marker printed is not the one typed (`%s`), so
    /// the terminal's echo of the line cannot be mistaken for the answer.
    pub fn query(&mut self, words: &str) -> String {
        self.queries += 1;
        let n = self.queries;
        let shown = self.run(&self.shell.query_line(n, words));
        let start_marker = format!("Q{n}=<");
        let start = shown
            .find(&start_marker)
            .unwrap_or_else(|| panic!("no answer to query {n} ({words}) in:\n{shown}"))
            + start_marker.len();
        let end = shown[start..]
            .find(">\r\n")
            .or_else(|| shown[start..].find(">\n"))
            .unwrap_or_else(|| panic!("unterminated answer to query {n} in:\n{shown}"));
        shown[start..start + end].to_string()
    }
}

impl std::ops::Deref for InteractiveShell {
    type Target = Terminal;

    fn deref(&self) -> &Terminal {
        &self.terminal
    }
}

impl std::ops::DerefMut for InteractiveShell {
    fn deref_mut(&mut self) -> &mut Terminal {
        &mut self.terminal
    }
}

/// A home with the test config, a wrapper around the real binary that logs each run, and the
/// environment interactive test shells get.
pub struct HookEnv {
    pub home: TestHome,
    pub emulator_url: String,
    /// The wrapper the init scripts run instead of ssoenv itself.
    pub wrapper: PathBuf,
    /// One line per run of the wrapper: its arguments.
    pub runs_log: PathBuf,
    /// `BROWSER` for sign-ins: fetches the sign-in page, following the redirect to ssoenv's
    /// loopback listener, as a user approving in the browser would.
    pub browser: String,
}

impl HookEnv {
    pub fn new(emulator_url: &str) -> HookEnv {
        let home = TestHome::new();
        let wrapper = home.path().join("ssoenv-counted");
        let runs_log = home.path().join("ssoenv-runs.log");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
                runs_log.display(),
                env!("CARGO_BIN_EXE_ssoenv")
            ),
        )
        .expect("write the wrapper");
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
            .expect("chmod the wrapper");
        HookEnv {
            home,
            emulator_url: emulator_url.to_string(),
            wrapper,
            runs_log,
            browser: "curl -sfL -o /dev/null".to_string(),
        }
    }

    /// The `hook` runs logged so far (the hook's runs of the binary), optionally only those
    /// with `--interrupted`.
    pub fn hook_runs(&self) -> Vec<String> {
        std::fs::read_to_string(&self.runs_log)
            .unwrap_or_default()
            .lines()
            .filter(|line| line.starts_with("hook "))
            .map(str::to_string)
            .collect()
    }

    /// The init script for `shell`, running the wrapper, with `options` for `init`.
    pub fn init_script(&self, shell: HookShell, options: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_ssoenv"))
            .arg("init")
            .arg(shell.name())
            .args(options)
            .arg("--ssoenv-path")
            .arg(&self.wrapper)
            .output()
            .expect("ssoenv init runs");
        assert!(
            output.status.success(),
            "ssoenv init failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    /// Starts `shell` interactively on a terminal. Its rc file runs `before`, then evaluates the
    /// integration (`init_options` for `ssoenv init`), then runs `after`.
    pub fn start(
        &self,
        shell: HookShell,
        init_options: &[&str],
        before: &str,
        after: &str,
    ) -> InteractiveShell {
        self.start_with_init(shell, before, &self.init_line(shell, init_options), after)
    }

    /// The rc line that evaluates the integration, as a user would write it.
    pub fn init_line(&self, shell: HookShell, init_options: &[&str]) -> String {
        let ssoenv = env!("CARGO_BIN_EXE_ssoenv");
        let wrapper = self.wrapper.display();
        let options = init_options.join(" ");
        match shell {
            HookShell::Bash | HookShell::Zsh => format!(
                "eval \"$('{ssoenv}' init {} {options} --ssoenv-path '{wrapper}')\"\n",
                shell.name()
            ),
            HookShell::Fish => {
                format!("'{ssoenv}' init fish {options} --ssoenv-path '{wrapper}' | source\n")
            }
            HookShell::Elvish => format!(
                "eval ('{ssoenv}' init elvish {options} --ssoenv-path '{wrapper}' | slurp)\n"
            ),
            HookShell::Xonsh => format!(
                "execx($('{ssoenv}' init xonsh {options} --ssoenv-path '{wrapper}'), 'exec', \
                 __xonsh__.ctx, filename='ssoenv')\n"
            ),
            // Nushell sources files only: the script is saved when the rc file is written.
            HookShell::Nushell => {
                let script = self.init_script(shell, init_options);
                let path = self.home.path().join(format!(
                    "ssoenv-{}.nu",
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_nanos()
                ));
                std::fs::write(&path, script).expect("save the nushell script");
                format!("source '{}'\n", path.display())
            }
        }
    }

    /// Like [`HookEnv::start`] with the init line given.
    pub fn start_with_init(
        &self,
        shell: HookShell,
        before: &str,
        init: &str,
        after: &str,
    ) -> InteractiveShell {
        let dir = self.home.path().join(format!(
            "rc-{}-{}",
            shell.name(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).expect("rc dir");
        let mut command;
        let mut zdotdir = None;
        match shell {
            HookShell::Bash => {
                let rc = dir.join("bashrc");
                std::fs::write(
                    &rc,
                    format!(
                        "PS1='{PROMPT}'\nPS2=''\nbind 'set enable-bracketed-paste off' 2>/dev/null\n\
                         {before}\n{init}{after}\n"
                    ),
                )
                .expect("write bashrc");
                command = Command::new("bash");
                command.args(["--noprofile", "--rcfile"]).arg(&rc).arg("-i");
            }
            HookShell::Zsh => {
                std::fs::write(
                    dir.join(".zshrc"),
                    format!(
                        "PS1='{PROMPT}'\nPS2=''\nunsetopt prompt_sp prompt_cr\n{before}\n{init}{after}\n"
                    ),
                )
                .expect("write zshrc");
                command = Command::new("zsh");
                command.args(["--no-globalrcs", "-i"]);
                zdotdir = Some(dir.clone());
            }
            HookShell::Fish => {
                let rc = dir.join("config.fish");
                std::fs::write(
                    &rc,
                    format!(
                        "set -g fish_greeting ''\nfunction fish_prompt; printf '%s' '{PROMPT}'; end\n\
                         function fish_title; end\n{before}\n{init}{after}\n"
                    ),
                )
                .expect("write config.fish");
                command = Command::new("fish");
                command
                    .args(["--no-config", "--private", "-C"])
                    .arg(format!("source '{}'", rc.display()));
            }
            HookShell::Elvish => {
                let rc = dir.join("rc.elv");
                std::fs::write(
                    &rc,
                    format!(
                        "set edit:prompt = {{ put '{PROMPT}' }}\nset edit:rprompt = {{ }}\n\
                         {before}\n{init}{after}\n"
                    ),
                )
                .expect("write rc.elv");
                command = Command::new("elvish");
                command.arg("-rc").arg(&rc);
            }
            HookShell::Xonsh => {
                let rc = dir.join("xonshrc");
                std::fs::write(
                    &rc,
                    format!(
                        "$PROMPT = '{PROMPT}'\n$RIGHT_PROMPT = ''\n$TITLE = ''\n\
                         $XONSH_HISTORY_BACKEND = 'dummy'\n{before}\n{init}{after}\n"
                    ),
                )
                .expect("write xonshrc");
                command = Command::new("xonsh");
                command
                    .args([
                        "--no-script-cache",
                        "--shell-type",
                        "readline",
                        "-i",
                        "--rc",
                    ])
                    .arg(&rc);
            }
            HookShell::Nushell => {
                let config = dir.join("config.nu");
                let env_config = dir.join("env.nu");
                std::fs::write(
                    &config,
                    format!(
                        "$env.config.show_banner = false\n\
                         $env.PROMPT_COMMAND = {{|| '{PROMPT}' }}\n\
                         $env.PROMPT_COMMAND_RIGHT = {{|| '' }}\n\
                         $env.PROMPT_INDICATOR = {{|| '' }}\n{before}\n{init}{after}\n"
                    ),
                )
                .expect("write config.nu");
                std::fs::write(&env_config, "").expect("write env.nu");
                command = Command::new("nu");
                command
                    .arg("--config")
                    .arg(&config)
                    .arg("--env-config")
                    .arg(&env_config);
            }
        }
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("XDG_DATA_HOME", self.home.path().join(".local/share"))
            .env("TERM", "dumb")
            .env("LANG", "C.UTF-8")
            .env("AWS_ENDPOINT_URL", &self.emulator_url)
            .env("SSOENV_HTTP_TIMEOUT", "3s")
            .env("BROWSER", &self.browser)
            .current_dir(self.home.path());
        if let Some(dir) = zdotdir {
            command.env("ZDOTDIR", dir);
        }
        InteractiveShell::start(shell, &mut command)
    }
}

/// Waits until every clock a prompt hook reads shows `epoch` (seconds), to make credentials due.
///
/// The one that gets there last is `time(2)`, behind `$EPOCHSECONDS` in bash and zsh: the
/// kernel moves it on at its timer tick, so for a few milliseconds after a second begins it
/// still shows the one before, while `SystemTime` (ssoenv's clock, and the other shells') shows
/// the new one. Waiting on `SystemTime` and typing a line at once let the hook in bash or zsh
/// find the credentials one second short of due and start nothing.
pub fn sleep_until_epoch(epoch: u64) {
    while shell_clock() < epoch {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What `$EPOCHSECONDS` shows in bash and zsh: `time(2)`.
fn shell_clock() -> u64 {
    // SAFETY: with a null pointer time(2) writes nothing; it only returns the time.
    let now = unsafe { libc::time(std::ptr::null_mut()) };
    u64::try_from(now).expect("the clock is past 1970")
}

pub fn epoch_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
