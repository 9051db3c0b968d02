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
    let browser = std::env::var("BROWSER")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let candidates: Vec<Vec<String>> = match browser {
        Some(list) => list
            .split(':')
            .map(|entry| command_line(entry, url))
            .collect(),
        None => platform_openers()
            .iter()
            .map(|opener| vec![opener.to_string(), url.to_string()])
            .collect(),
    };
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
