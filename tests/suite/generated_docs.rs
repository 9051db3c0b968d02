//! Files generated from the clap definitions and committed: they must match what the code
//! generates now. Run with `SSOENV_UPDATE_GENERATED=1` to rewrite them after changing the CLI.

use std::path::Path;
use std::process::Command;

use clap::CommandFactory;

pub fn check_generated(relative_path: &str, generated: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative_path);
    if std::env::var_os("SSOENV_UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative_path} is stale: run `SSOENV_UPDATE_GENERATED=1 cargo test --test suite generated_docs::` and commit it"
    );
}

/// `ssoenv.1` and one page per subcommand (`ssoenv-login.1`, …), as the main page refers to them.
fn man_pages() -> Vec<(String, Vec<u8>)> {
    let render = |command: clap::Command| {
        let mut page = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut page)
            .expect("render the man page");
        page
    };
    let main = ssoenv::cli::Cli::command();
    let mut pages = vec![("doc/ssoenv.1".to_string(), render(main.clone()))];
    for sub in main.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        // clap names are `&'static str` (without its "string" feature); a test may leak a few.
        let name: &'static str = Box::leak(format!("ssoenv-{}", sub.get_name()).into_boxed_str());
        pages.push((format!("doc/{name}.1"), render(sub.clone().name(name))));
    }
    pages
}

#[test]
fn the_committed_man_pages_are_current() {
    let pages = man_pages();
    for (path, page) in &pages {
        check_generated(path, page);
    }
    // No page left over from a subcommand that is gone.
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("doc");
    for entry in std::fs::read_dir(doc).unwrap() {
        let name = format!("doc/{}", entry.unwrap().file_name().to_string_lossy());
        if name.ends_with(".1") {
            assert!(
                pages.iter().any(|(path, _)| *path == name),
                "{name} is stale: delete it"
            );
        }
    }
}

/// `man -l doc/ssoenv.1` renders the page a user reads.
#[test]
fn the_man_page_renders() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("doc/ssoenv.1");
    let Ok(output) = Command::new("man")
        .arg("-l")
        .arg(&path)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
    else {
        assert!(std::env::var_os("CI").is_none(), "man is required in CI");
        eprintln!("skipped: man is not installed");
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in ["NAME", "ssoenv", "SYNOPSIS", "login", "--min-valid"] {
        assert!(
            text.contains(expected),
            "the rendered page lacks {expected:?}:\n{text}"
        );
    }
}

/// Where the Debian package (and any other package that installs to `/usr/bin`) takes the shell
/// integration from: the scripts `init` and `direnv` print, rendered for `/usr/bin/ssoenv`, so a
/// user can `source /usr/share/ssoenv/ssoenv.bash` instead of running `ssoenv init` at each start.
pub const PACKAGED_SCRIPTS: [(&str, &str); 8] = [
    ("init bash", "ssoenv.bash"),
    ("init zsh", "ssoenv.zsh"),
    ("init fish", "ssoenv.fish"),
    ("init elvish", "ssoenv.elv"),
    ("init xonsh", "ssoenv.xsh"),
    ("init nushell", "ssoenv.nu"),
    ("init powershell", "ssoenv.ps1"),
    ("direnv", "direnvrc.bash"),
];

/// The installed path the packaged scripts run.
pub const PACKAGED_BINARY: &str = "/usr/bin/ssoenv";

#[test]
fn the_packaged_integration_scripts_are_current() {
    let home = crate::support::home::TestHome::new();
    for (command, file) in PACKAGED_SCRIPTS {
        let printed = crate::support::home::run(
            home.ssoenv("http://127.0.0.1:9")
                .args(command.split(' '))
                .args(["--ssoenv-path", PACKAGED_BINARY]),
        );
        assert!(printed.status.success(), "{command}: {}", printed.stderr);
        assert!(
            printed.stdout.contains(PACKAGED_BINARY),
            "{command} does not run {PACKAGED_BINARY}:\n{}",
            printed.stdout
        );
        check_generated(
            &format!("packaging/deb/share/{file}"),
            printed.stdout.as_bytes(),
        );
    }
    let share = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/deb/share");
    for entry in std::fs::read_dir(share).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            PACKAGED_SCRIPTS.iter().any(|(_, file)| *file == name),
            "packaging/deb/share/{name} is stale: delete it"
        );
    }
}
