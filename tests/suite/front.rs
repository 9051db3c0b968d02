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

/// The section of [`PROFILE`] in [`CONFIG`], blank line included.
fn profile_section() -> &'static str {
    let start = CONFIG
        .find("[profile my-dev-profile]")
        .expect("the profile");
    let end = CONFIG
        .find("[profile prod-readonly]")
        .expect("the next profile");
    &CONFIG[start..end]
}

/// A section for another profile, exactly as long as [`profile_section`].
fn twin_section() -> String {
    let twin = "[profile twin]\nsso_session = my-sso\nsso_account_id = 123456789022\n\
                sso_role_name = ReadOnly\n";
    let padding = profile_section().len() - twin.len() - "#\n\n".len();
    format!("{twin}#{}\n\n", "x".repeat(padding))
}

/// Sleeps until the file at `path` last changed more than two seconds ago: from then on, ssoenv
/// remembers where a profile's sections are in it.
fn wait_until_settled(path: &std::path::Path) {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).expect("the file");
    let changed = std::time::UNIX_EPOCH
        + std::time::Duration::new(metadata.ctime() as u64, metadata.ctime_nsec() as u32);
    let settled = changed + std::time::Duration::from_millis(2100);
    if let Ok(wait) = settled.duration_since(std::time::SystemTime::now()) {
        std::thread::sleep(wait);
    }
}

/// A config `populate` filled for a large organization is read through what ssoenv remembered
/// of it (`~/.cache/ssoenv/config-regions`), and a change to it is seen at the very next run,
/// even one that leaves every header where a header was.
#[test]
fn a_large_config_is_read_through_its_index_and_every_change_is_seen() {
    let emulator = start_emulator();
    let filler = filler_profiles(2_000, 5, SESSION, ACCOUNT, "ReadOnly");
    let home = TestHome::with_config(&format!("{filler}{}{CONFIG}", twin_section()));
    home.seed_token(&emulator, 8 * 3600);
    let url = emulator.url();
    let config = home.path().join(".aws/config");
    let export = || {
        let export = run(home.ssoenv(&url).args([PROFILE, "--shell", "bash"]));
        assert!(export.status.success(), "{}", export.stderr);
        export.stdout
    };
    let fetched = export();
    assert!(
        fetched.contains("export AWS_REGION='us-west-2'"),
        "{fetched}"
    );

    wait_until_settled(&config);
    assert_eq!(export(), fetched);
    let index = home.path().join(".cache/ssoenv/config-regions");
    let entries: Vec<_> = std::fs::read_dir(&index)
        .expect("the index")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let mode = |path: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!((mode(&index), mode(&entries[0])), (0o700, 0o600));
    assert_eq!(export(), fetched, "read through the index");

    // The profile and its twin swap places, in place (same file, same size): the profile's
    // section now starts where the twin's did, and the twin's where the profile's did.
    let text = std::fs::read_to_string(&config).unwrap();
    let swapped = text.replacen(
        &format!("{}{}", twin_section(), profile_section()),
        &format!(
            "{}{}",
            profile_section().replace("us-west-2", "eu-west-2"),
            twin_section()
        ),
        1,
    );
    assert_eq!((swapped.len(), swapped != text), (text.len(), true));
    {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(&config)
            .unwrap();
        file.write_all(swapped.as_bytes()).unwrap();
    }
    assert_eq!(
        export(),
        fetched.replace("'us-west-2'", "'eu-west-2'"),
        "the change is seen"
    );
    assert_eq!(emulator.request_count("GetRoleCredentials"), 1);
}
