//! Opening the sign-in page: `$BROWSER` when set (a `:`-separated list of commands, `%s` standing
//! for the URL, as `sensible-browser` and Python's `webbrowser` read it), otherwise the platform's
//! opener. The browser's own output never reaches ssoenv's stdout, which belongs to `eval`.

use std::process::{Child, Command, Stdio};

/// Where a browser can be expected to work. Over SSH without a forwarded display, or on a Linux
/// console, a browser would open (if at all) where the user is not: the device code flow, whose
/// URL can be opened on any device, is the better choice there.
pub fn browser_is_usable(env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("BROWSER") {
        return true;
    }
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return !(set("SSH_CONNECTION") || set("SSH_TTY"));
    }
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

/// Starts the browser on `url`; returns the process so the caller can notice a quick failure.
pub fn open(url: &str) -> std::io::Result<Child> {
    let configured = configured_browsers();
    let candidates: Vec<Vec<String>> = if configured.is_empty() {
        platform_openers()
            .iter()
            .map(|opener| vec![opener.to_string(), url.to_string()])
            .collect()
    } else {
        configured
            .iter()
            .map(|browser| browser.command_line(url, &[]))
            .collect()
    };
    spawn_first(candidates)
}

/// Starts the first of `candidates` (argv lists) that can be started, its output discarded.
pub fn spawn_first(candidates: Vec<Vec<String>>) -> std::io::Result<Child> {
    let mut last_error = std::io::Error::new(std::io::ErrorKind::NotFound, "no browser command");
    for argv in candidates.into_iter().filter(|argv| !argv.is_empty()) {
        match Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => return Ok(child),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

/// How long a browser command that gives up does so within: `xdg-open` without a browser fails
/// at once, a browser that started stays running or hands the URL to a running one and exits 0.
const QUICK_FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_millis(1500);

/// Waits a moment for `child`: an error when it exits unsuccessfully in that time; `Ok` when it
/// exits successfully (its exit status reaped) or is still running (it then runs on alone).
pub fn fail_if_it_exits_at_once(mut child: Child) -> std::io::Result<()> {
    let started = std::time::Instant::now();
    while started.elapsed() < QUICK_FAILURE_WINDOW {
        if let Some(status) = child.try_wait()? {
            return if status.success() {
                Ok(())
            } else {
                Err(std::io::Error::other(format!(
                    "the browser command exited with {status}"
                )))
            };
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    Ok(())
}

/// The browsers whose own profiles ssoenv can open (see `console`'s isolation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserFamily {
    /// Chromium, Google Chrome, Brave, Microsoft Edge, Vivaldi, Opera: `--user-data-dir`.
    Chromium,
    /// Firefox and its forks (LibreWolf, Waterfox, Floorp): containers.
    Firefox,
}

/// One `$BROWSER` entry, before the URL goes in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserCommand(String);

impl BrowserCommand {
    /// The program the entry runs (its first word).
    pub fn program(&self) -> &str {
        self.0.split_whitespace().next().unwrap_or("")
    }

    /// The family of the browser the entry runs, read from its program's file name
    /// (`/usr/bin/chromium`, `google-chrome-stable`, `firefox-esr` …); `None` for anything else
    /// (`xdg-open`, `w3m`, a script).
    pub fn family(&self) -> Option<BrowserFamily> {
        let program = self.program();
        let name = std::path::Path::new(program).file_name().map_or_else(
            || program.to_string(),
            |n| n.to_string_lossy().to_lowercase(),
        );
        let name = name.strip_suffix(".exe").unwrap_or(&name);
        const CHROMIUM: &[&str] = &[
            "chrom",
            "brave",
            "msedge",
            "microsoft-edge",
            "vivaldi",
            "opera",
        ];
        const FIREFOX: &[&str] = &["firefox", "librewolf", "waterfox", "floorp"];
        if CHROMIUM.iter().any(|word| name.contains(word)) {
            Some(BrowserFamily::Chromium)
        } else if FIREFOX.iter().any(|word| name.contains(word)) {
            Some(BrowserFamily::Firefox)
        } else {
            None
        }
    }

    /// The entry as argv: `extra_args` right after the program, `%s` replaced by the URL, or the
    /// URL appended when there is no `%s`.
    pub fn command_line(&self, url: &str, extra_args: &[String]) -> Vec<String> {
        let mut argv = command_line(&self.0, url);
        if !argv.is_empty() {
            argv.splice(1..1, extra_args.iter().cloned());
        }
        argv
    }
}

/// The entries of `$BROWSER` (`:`-separated), blank ones left out; empty when it is unset.
pub fn configured_browsers() -> Vec<BrowserCommand> {
    std::env::var("BROWSER")
        .ok()
        .map(|list| {
            list.split(':')
                .filter(|entry| !entry.trim().is_empty())
                .map(|entry| BrowserCommand(entry.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// One `$BROWSER` entry as argv: split on white space, `%s` replaced by the URL, or the URL
/// appended when there is no `%s`.
fn command_line(entry: &str, url: &str) -> Vec<String> {
    let mut argv: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
    if argv.iter().any(|word| word.contains("%s")) {
        for word in &mut argv {
            *word = word.replace("%s", url);
        }
    } else if !argv.is_empty() {
        argv.push(url.to_string());
    }
    argv
}

fn platform_openers() -> &'static [&'static str] {
    if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(target_os = "windows") {
        &["explorer"]
    } else {
        &["xdg-open", "sensible-browser", "x-www-browser"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_entries_take_the_url_in_place_of_percent_s_or_at_the_end() {
        assert_eq!(
            command_line("firefox --new-tab %s", "http://x"),
            ["firefox", "--new-tab", "http://x"]
        );
        assert_eq!(
            command_line("curl -sL", "http://x"),
            ["curl", "-sL", "http://x"]
        );
        assert!(command_line("  ", "http://x").is_empty());
    }

    #[test]
    fn the_program_name_tells_the_browser_family() {
        let family = |entry: &str| BrowserCommand(entry.to_string()).family();
        for chromium in [
            "chromium",
            "/usr/bin/chromium --incognito",
            "google-chrome-stable",
            "brave-browser",
            "microsoft-edge",
            "C:/Apps/MSEdge.EXE",
            "vivaldi",
        ] {
            assert_eq!(
                family(chromium),
                Some(BrowserFamily::Chromium),
                "{chromium}"
            );
        }
        for firefox in ["firefox", "/usr/bin/firefox-esr -new-tab %s", "librewolf"] {
            assert_eq!(family(firefox), Some(BrowserFamily::Firefox), "{firefox}");
        }
        for other in ["xdg-open", "w3m", "/tmp/record-argv.sh", "open"] {
            assert_eq!(family(other), None, "{other}");
        }
    }

    #[test]
    fn extra_arguments_go_right_after_the_program() {
        let browser = BrowserCommand("chromium --new-window %s".to_string());
        assert_eq!(
            browser.command_line("http://x", &["--user-data-dir=/d".to_string()]),
            ["chromium", "--user-data-dir=/d", "--new-window", "http://x"]
        );
    }

    #[test]
    fn no_display_means_no_browser_on_linux() {
        if cfg!(target_os = "linux") {
            let env = |pairs: &'static [(&'static str, &'static str)]| {
                move |name: &str| {
                    pairs
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.to_string())
                }
            };
            assert!(!browser_is_usable(env(&[("SSH_CONNECTION", "1 2 3 4")])));
            assert!(!browser_is_usable(env(&[])));
            assert!(browser_is_usable(env(&[("DISPLAY", ":0")])));
            assert!(browser_is_usable(env(&[("BROWSER", "w3m")])));
        }
    }
}
