//! Browsers for the tests: scripts that stand in for one, and real headless Chromium.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium's flags for a test: headless, and nothing that reaches beyond loopback.
const HEADLESS_CHROMIUM_FLAGS: &str = "--headless --no-sandbox --disable-gpu --disable-quic \
     --no-first-run --disable-background-networking --disable-component-update --disable-sync";

/// A `$BROWSER` for a test: real headless Chromium (`None` when it is not installed, see
/// [`chromium`]) that loads the URL with a fresh profile in `dir` and writes the page it ends on
/// (its DOM) to `dir/page.html`. Returns the script and the page's path.
pub fn headless_chromium_dumping_the_page(dir: &Path) -> Option<(String, std::path::PathBuf)> {
    let chromium = chromium()?;
    let page = dir.join("page.html");
    let script = write_script(
        dir,
        "headless-chromium",
        &format!(
            "exec {chromium} {HEADLESS_CHROMIUM_FLAGS} --user-data-dir='{}' --dump-dom \"$1\" \
             > '{}' 2>/dev/null",
            dir.join("chromium-profile").display(),
            page.display()
        ),
    );
    Some((script, page))
}

/// Writes an executable `#!/bin/sh` script `dir/name` running `body`; returns its path.
pub fn write_script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_string()
}

/// The Chromium command installed here, or `None` (outside CI only: CI must have it) so the
/// calling test can skip.
pub fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is required in CI"
        );
        eprintln!("skipped: chromium is not installed");
    }
    found
}

/// The text of `path` once it contains `needle` (a browser may still be writing it when the
/// command that started it is done); panics after `timeout`.
pub fn wait_for_file_containing(path: &Path, needle: &str, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never contained {needle:?}: {text}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
