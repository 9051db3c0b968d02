//! The Debian package `scripts/package-deb` builds (`cargo deb`, configured in Cargo.toml's
//! `[package.metadata.deb]`), unpacked into a scratch root with `dpkg-deb -x`: the binary runs
//! from there, and each file is where its shell or `man` looks by itself.
//!
//! Without a package in `target/debian/` (or with one built from other sources) these tests say
//! so and pass, unless `SSOENV_REQUIRE_DEB` is set, as `.ci/run` does after building it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::generated_docs::PACKAGED_SCRIPTS;
use crate::support::home::*;

/// A package unpacked into a scratch root (`<root>/usr/bin/ssoenv`, …).
struct Unpacked {
    root: tempfile::TempDir,
}

impl Unpacked {
    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn binary(&self) -> PathBuf {
        self.path("usr/bin/ssoenv")
    }

    /// PATH with the unpacked `usr/bin` first, as after `dpkg -i`.
    fn search_path(&self) -> String {
        format!(
            "{}:{}",
            self.path("usr/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

fn output_of(command: &mut Command) -> String {
    let out = command.output().expect("command runs");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// `target/debian/ssoenv_<version>_<arch>.deb` unpacked, or `None` (with the reason on stderr)
/// when there is none built from these sources.
fn unpacked_package() -> Option<Unpacked> {
    let required = std::env::var_os("SSOENV_REQUIRE_DEB").is_some();
    let skip = |why: String| {
        assert!(!required, "{why}; build it with scripts/package-deb");
        eprintln!("skipped: {why} (scripts/package-deb builds it)");
        None
    };
    let Ok(arch) = Command::new("dpkg").arg("--print-architecture").output() else {
        return skip("dpkg is not installed".into());
    };
    let arch = String::from_utf8(arch.stdout).unwrap();
    let deb = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "target/debian/ssoenv_{}_{}.deb",
        env!("CARGO_PKG_VERSION"),
        arch.trim()
    ));
    if !deb.exists() {
        return skip(format!("no package at {}", deb.display()));
    }
    let root = tempfile::tempdir().unwrap();
    output_of(
        Command::new("dpkg-deb")
            .arg("-x")
            .arg(&deb)
            .arg(root.path()),
    );
    let unpacked = Unpacked { root };
    // The package is of these sources when its binary's help is this binary's help.
    let help = |binary: &Path| output_of(Command::new(binary).arg("--help"));
    if help(&unpacked.binary()) != help(Path::new(env!("CARGO_BIN_EXE_ssoenv"))) {
        return skip(format!("{} was built from other sources", deb.display()));
    }
    Some(unpacked)
}

/// The control data names the package, its version and what it depends on.
#[test]
fn the_package_says_what_it_is() {
    let Some(_) = unpacked_package() else { return };
    let deb = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debian"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("ssoenv_{}_", env!("CARGO_PKG_VERSION")))
        })
        .unwrap();
    let control = output_of(Command::new("dpkg-deb").arg("--info").arg(&deb));
    assert!(control.contains("Package: ssoenv"), "{control}");
    assert!(
        control.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{control}"
    );
    assert!(control.contains("Depends: libc6"), "{control}");
}

/// The installed binary does ssoenv's main job: the profile's credentials from the emulator.
#[test]
fn the_installed_binary_exports_a_profile() {
    let Some(package) = unpacked_package() else {
        return;
    };
    let version = output_of(Command::new(package.binary()).arg("--version"));
    assert_eq!(
        version.trim(),
        format!("ssoenv {}", env!("CARGO_PKG_VERSION"))
    );

    let emulator = start_emulator();
    let home = TestHome::new();
    home.seed_token(&emulator, 8 * 3600);
    let out = run(home
        .command(&package.binary(), &emulator.url())
        .args([PROFILE, "--format", "json"]));
    assert!(out.status.success(), "{}", out.stderr);
    let exported: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let key_id = exported["AccessKeyId"].as_str().expect("a key id");
    assert_eq!(
        emulator.credentials_owner(key_id),
        Some((ACCOUNT.to_string(), ROLE.to_string()))
    );
}

/// bash-completion finds the script by itself (it searches `$XDG_DATA_DIRS`, `/usr/share` by
/// default) and the completion it loads runs the installed binary.
#[test]
fn bash_completion_loads_the_installed_script() {
    let Some(package) = unpacked_package() else {
        return;
    };
    let loader = "/usr/share/bash-completion/bash_completion";
    if !Path::new(loader).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "bash-completion is required in CI"
        );
        eprintln!("skipped: bash-completion is not installed");
        return;
    }
    let home = TestHome::new();
    let script = format!(
        r#"source {loader}
# bash-completion 2.12 calls it _comp_load; 2.11 (Debian 12) __load_completion.
if declare -F _comp_load >/dev/null; then _comp_load ssoenv; else __load_completion ssoenv; fi
function=$(complete -p ssoenv | sed -E 's/.* -F ([^ ]+) .*/\1/')
COMP_WORDS=(ssoenv stat); COMP_CWORD=1; COMP_LINE='ssoenv stat'; COMP_POINT=11; COMP_TYPE=9
"$function" ssoenv stat ssoenv
printf '%s\n' "${{COMPREPLY[@]}}"
"#
    );
    let completed = output_of(
        Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &script])
            .env("HOME", home.path())
            .env("XDG_DATA_DIRS", package.path("usr/share"))
            .env("PATH", package.search_path()),
    );
    assert!(
        completed.lines().any(|line| line.trim() == "status"),
        "bash completed {completed:?}"
    );
}

/// zsh's compinit registers `_ssoenv` from the directory Debian's zsh searches for packages.
#[test]
fn zsh_finds_the_installed_completion() {
    let Some(package) = unpacked_package() else {
        return;
    };
    let directory = "/usr/share/zsh/vendor-completions";
    let fpath = output_of(Command::new("zsh").args(["-fc", "print -l $fpath"]));
    assert!(
        fpath.lines().any(|line| line == directory),
        "{directory} is not in zsh's fpath:\n{fpath}"
    );
    let home = TestHome::new();
    let installed = package.path(&directory[1..]);
    let registered = output_of(
        Command::new("zsh")
            .arg("-fc")
            .arg(format!(
                "fpath=({} $fpath); autoload -Uz compinit; compinit -u -D; print -r -- $_comps[ssoenv]",
                installed.display()
            ))
            .env("HOME", home.path()),
    );
    assert_eq!(registered.trim(), "_ssoenv");
}

/// fish loads completions from `vendor_completions.d` under each `$XDG_DATA_DIRS` entry (set up
/// by fish's own start-up, hence no `--no-config`; the scratch HOME has no user config).
#[test]
fn fish_completes_with_the_installed_script() {
    let Some(package) = unpacked_package() else {
        return;
    };
    let home = TestHome::new();
    let completed = output_of(
        Command::new("fish")
            .args(["-c", "complete -C 'ssoenv stat'"])
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_DATA_DIRS", package.path("usr/share"))
            .env("PATH", package.search_path()),
    );
    assert!(
        completed.lines().any(|line| line.starts_with("status")),
        "fish completed {completed:?}"
    );
}

/// `man ssoenv` and `man ssoenv-login` find the installed, compressed pages.
#[test]
fn man_finds_the_installed_pages() {
    let Some(package) = unpacked_package() else {
        return;
    };
    let manpath = package.path("usr/share/man");
    for page in ["ssoenv", "ssoenv-login", "ssoenv-exec"] {
        let found = output_of(
            Command::new("man")
                .args(["-w", page])
                .env("MANPATH", &manpath),
        );
        assert_eq!(
            Path::new(found.trim()),
            manpath.join(format!("man1/{page}.1.gz"))
        );
    }
    let text = output_of(
        Command::new("man")
            .arg("ssoenv")
            .env("MANPATH", &manpath)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100"),
    );
    assert!(text.contains("SYNOPSIS"), "{text}");
}

/// `/usr/share/ssoenv/` holds each shell integration, rendered to run `/usr/bin/ssoenv`, and the
/// completion scripts of the shells that have no completion directory.
#[test]
fn the_shell_integration_is_installed_for_sourcing() {
    let Some(package) = unpacked_package() else {
        return;
    };
    for (_, file) in PACKAGED_SCRIPTS {
        let installed = std::fs::read(package.path(&format!("usr/share/ssoenv/{file}")))
            .unwrap_or_else(|e| panic!("usr/share/ssoenv/{file}: {e}"));
        let committed = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("packaging/deb/share/{file}")),
        )
        .unwrap();
        assert!(installed == committed, "usr/share/ssoenv/{file}");
    }
    for file in ["ssoenv.elv", "ssoenv.nu", "_ssoenv.ps1"] {
        assert!(
            package
                .path(&format!("usr/share/ssoenv/completions/{file}"))
                .is_file(),
            "{file}"
        );
    }
    // Sourced in an interactive bash, the file defines the `ssoenv` function and its hook.
    let home = TestHome::new();
    let defined = output_of(
        Command::new("bash")
            .args(["--norc", "--noprofile", "-i", "-c"])
            .arg(format!(
                "source {}; type -t ssoenv; [[ $PROMPT_COMMAND == *ssoenv* ]] && echo hooked",
                package.path("usr/share/ssoenv/ssoenv.bash").display()
            ))
            .env("HOME", home.path()),
    );
    assert_eq!(
        defined.split_whitespace().collect::<Vec<_>>(),
        ["function", "hooked"]
    );
}
