//! The two executables `cargo install` puts side by side: the front, `ssoenv`, answers the
//! command lines of every `eval` and prompt from the caches, and hands everything else to the
//! whole program, `ssoenv-full`. Whichever answers, the user sees the same.

use std::path::PathBuf;

use crate::support::home::*;

/// A copy of the front alone in a directory of its own: what it answers without `ssoenv-full`.
fn lone_front(home: &TestHome) -> PathBuf {
    let dir = home.path().join("front-only");
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("ssoenv");
    std::fs::copy(env!("CARGO_BIN_EXE_ssoenv"), &copy).expect("copy the front");
    copy
}

#[test]
fn the_front_prints_what_the_whole_program_prints() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let url = emulator.url();
    let lines: &[&[&str]] = &[
        &[PROFILE, "--shell", "bash"],
        &[PROFILE, "--shell", "fish"],
        &[PROFILE, "--shell", "powershell"],
        &[PROFILE, "--format", "json"],
        &["--format", "dotenv", PROFILE, "--min-valid", "5m"],
        &["prompt"],
        &["prompt", "--format", "[{profile}]"],
    ];
    for args in lines {
        let full = run(home
            .ssoenv_full(&url)
            .args(*args)
            .env("SSOENV_PROFILE", PROFILE)
            .env("SSOENV_EXPIRES_AT", "4000000000"));
        let front = run(home
            .ssoenv(&url)
            .args(*args)
            .env("SSOENV_PROFILE", PROFILE)
            .env("SSOENV_EXPIRES_AT", "4000000000"));
        assert!(full.status.success(), "{args:?}: {}", full.stderr);
        assert_eq!(
            (front.status.code(), &front.stdout, &front.stderr),
            (full.status.code(), &full.stdout, &full.stderr),
            "{args:?}"
        );
    }
    // The first export fetched (in ssoenv-full); every later one, front or not, used the cache.
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
}

#[test]
fn the_front_alone_answers_from_the_caches() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let url = emulator.url();
    let cached = run(home.ssoenv(&url).args([PROFILE, "--shell", "bash"]));
    assert!(cached.status.success(), "{}", cached.stderr);
    let front = lone_front(&home);

    let export = run(home
        .command(&front, &url)
        .args([PROFILE, "--shell", "bash"]));
    assert!(export.status.success(), "{}", export.stderr);
    assert_eq!(export.stdout, cached.stdout);
    let prompt = run(home
        .command(&front, &url)
        .arg("prompt")
        .env("SSOENV_PROFILE", PROFILE));
    assert_eq!(prompt.stdout, format!("{PROFILE}\n"), "{}", prompt.stderr);
    let nothing_due = run(home
        .command(&front, &url)
        .args(["hook", "fish", "--refresh-before", "10m"])
        .env("SSOENV_PROFILE", PROFILE)
        .env("SSOENV_EXPIRES_AT", "4000000000"));
    assert!(nothing_due.status.success(), "{}", nothing_due.stderr);
    assert_eq!(nothing_due.stdout, "");

    // Anything else needs the whole program, and says where it should be.
    for args in [
        &[PROFILE, "--shell", "bash", "--min-valid", "11h"][..],
        &["list"],
        &["--debug", PROFILE, "--shell", "bash"],
        &["hook", "fish", "--interrupted"],
    ] {
        let handed_over = run(home.command(&front, &url).args(args));
        assert_eq!(handed_over.status.code(), Some(1), "{args:?}");
        assert!(
            handed_over.stderr.contains("ssoenv-full"),
            "{args:?}: {}",
            handed_over.stderr
        );
    }
}

#[test]
fn everything_else_behaves_as_the_whole_program() {
    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let url = emulator.url();
    for args in [
        &["--version"][..],
        &["list"],
        &["status", PROFILE],
        &["no-such-profile", "--shell", "bash"],
        &["stauts"],
        &[PROFILE, "--bogus"],
    ] {
        let full = run(home.ssoenv_full(&url).args(args));
        let front = run(home.ssoenv(&url).args(args));
        // Usage and messages name the program as it was run.
        let full_stderr = full.stderr.replace("ssoenv-full", "ssoenv");
        assert_eq!(
            (front.status.code(), &front.stdout, &front.stderr),
            (full.status.code(), &full.stdout, &full_stderr),
            "{args:?}"
        );
    }
}

/// The shell integration and direnv's function run the front, even when the whole program
/// printed them (as it does after the front handed `init` over).
#[test]
fn scripts_run_the_front() {
    let home = TestHome::new();
    let front = env!("CARGO_BIN_EXE_ssoenv");
    for args in [&["init", "bash"][..], &["direnv"]] {
        let out = run(home.ssoenv_full("http://127.0.0.1:9").args(args));
        assert!(out.status.success(), "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains(front), "{args:?}: {}", out.stdout);
        assert!(!out.stdout.contains("ssoenv-full"), "{args:?}");
    }
}
