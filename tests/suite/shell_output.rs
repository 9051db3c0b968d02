//! ssoenv's shell output, checked the way a user would: evaluated by the real shells, with the
//! resulting environment compared byte for byte; parsed with a PowerShell grammar where
//! PowerShell cannot run; linted; and snapshotted so every change to the output is reviewed.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::shells::{
    Environment, RealShell, abbreviate, evaluate, optional_program, require_program,
};
use proptest::prelude::*;
use ssoenv::shell::{EnvChange, RenderError, Shell, quote, render, render_dotenv};

// ---------------------------------------------------------------------------------------------
// Real shells: tricky values, unsets, and no command injection.

/// A set of changes and what the environment must look like after them.
pub struct Scenario {
    pub changes: Vec<EnvChange>,
    pub expected: Vec<(String, String)>,
    pub preset: Vec<(&'static str, &'static str)>,
    pub gone: Vec<&'static str>,
}

impl Scenario {
    /// Sets each value in its own variable, overrides and unsets preset variables, and unsets one
    /// that never existed.
    pub fn new(values: &[String]) -> Scenario {
        let mut changes: Vec<EnvChange> = values
            .iter()
            .enumerate()
            .map(|(i, value)| EnvChange::set(format!("SSOENV_T_{i:03}"), value.clone()))
            .collect();
        let mut expected: Vec<(String, String)> = values
            .iter()
            .enumerate()
            .map(|(i, value)| (format!("SSOENV_T_{i:03}"), value.clone()))
            .collect();
        changes.extend([
            EnvChange::set("SSOENV_T_OVERRIDDEN", "new 'value'"),
            EnvChange::unset("SSOENV_T_PRESET"),
            EnvChange::unset("SSOENV_T_ABSENT"),
            EnvChange::set("SSOENV_T_SET_THEN_UNSET", "short-lived"),
            EnvChange::unset("SSOENV_T_SET_THEN_UNSET"),
            EnvChange::unset("SSOENV_T_UNSET_THEN_SET"),
            EnvChange::set("SSOENV_T_UNSET_THEN_SET", "back"),
        ]);
        expected.push(("SSOENV_T_OVERRIDDEN".into(), "new 'value'".into()));
        expected.push(("SSOENV_T_UNSET_THEN_SET".into(), "back".into()));
        Scenario {
            changes,
            expected,
            preset: vec![
                ("SSOENV_T_PRESET", "was set before"),
                ("SSOENV_T_OVERRIDDEN", "old value"),
                ("SSOENV_T_UNSET_THEN_SET", "old value"),
            ],
            gone: vec!["SSOENV_T_PRESET", "SSOENV_T_SET_THEN_UNSET"],
        }
    }

    /// Renders for `shell`, evaluates in it, and checks every variable byte for byte.
    pub fn check(&self, shell: RealShell, program: &Path) {
        let code = render(shell.syntax(), &self.changes)
            .unwrap_or_else(|error| panic!("{shell:?}: cannot render: {error}"));
        let outcome = evaluate(shell, program, &code, &self.preset);
        for (name, value) in &self.expected {
            let got = outcome.get(name);
            assert!(
                got == Some(value.as_bytes()),
                "{shell:?}: {name} should be {value:?} but is {:?}\n--- code:\n{}",
                got.map(String::from_utf8_lossy),
                abbreviate(&code)
            );
        }
        for name in &self.gone {
            assert!(
                outcome.get(name).is_none(),
                "{shell:?}: {name} should be unset\n--- code:\n{}",
                abbreviate(&code)
            );
        }
    }
}

/// Values that have broken shell quoting somewhere. Those containing `MARKER` try to run a
/// command that would create the file `marker`.
pub fn tricky_values(marker: &Path) -> Vec<String> {
    let marker = marker.to_str().expect("temporary paths are UTF-8");
    let mut values: Vec<String> = [
        "",
        " ",
        "plain",
        "two words",
        "  leading and trailing spaces  ",
        "'",
        "''",
        "it's",
        "'\\''",
        "\\",
        "\\\\",
        "trailing backslash\\",
        "back\\slash",
        "\\'",
        "\\n is not a newline",
        "\"",
        "say \"hi\"",
        "\"\"\"",
        "`",
        "$",
        "$$",
        "$HOME",
        "${HOME}",
        "$env.HOME",
        "$E:HOME",
        "%PATH%",
        "100%",
        "!",
        "!!",
        "wow!",
        "!$",
        "a\nb",
        "\n",
        "ends with newline\n",
        "\n\nblank lines\n\n",
        "crlf\r\nline",
        "carriage\rreturn",
        "tab\there",
        "\t",
        "é",
        "’",
        "‘‚‛’",
        "it’s",
        "’’",
        "“double”„",
        "😀 emoji",
        "\u{85}next line",
        "\u{2028}line separator\u{2029}",
        "\u{feff}bom",
        "\u{f600}\u{f6ff}",
        "\u{fdd0}\u{fffe}",
        "# not a comment",
        "a;b&c|d<e>f",
        "(parens) {braces} [brackets]",
        "*?[a-z]",
        "~",
        "~root",
        "-n",
        "-e -x --",
        "^caret^",
        "=leading equals",
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+/==",
    ]
    .into_iter()
    .map(String::from)
    .collect();

    let controls: String = (1u8..0x20).chain([0x7f]).map(char::from).collect();
    values.push(controls);
    values.push(format!("session/token+{}==", "Ab9/".repeat(1200)));
    for attack in [
        "$(touch MARKER)",
        "`touch MARKER`",
        "; touch MARKER",
        "'; touch MARKER; '",
        "\"; touch MARKER; \"",
        "\\'; touch MARKER #",
        "'\\''; touch MARKER; '\\''",
        "\n touch MARKER \n",
        "(touch MARKER)",
        "$(New-Item MARKER)",
        "@(touch MARKER)",
        "@$(touch MARKER)",
        "!`touch MARKER`",
        "%COMSPEC% /c type nul > MARKER",
        "\"&& touch MARKER &&\"",
        "$'\\n'; touch MARKER",
    ] {
        values.push(attack.replace("MARKER", marker));
    }
    values
}

fn check_tricky_values(shell: RealShell, test: &str) {
    let Some(program) = shell.locate(test) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let marker = dir.path().join("pwned");
    Scenario::new(&tricky_values(&marker)).check(shell, &program);
    assert!(
        !marker.exists(),
        "{shell:?}: a value was executed as a command (the marker file exists)"
    );
}

#[test]
fn bash_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Bash, "bash_sets_tricky_values_exactly");
}

#[test]
fn zsh_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Zsh, "zsh_sets_tricky_values_exactly");
}

#[test]
fn zsh_with_rc_quotes_sets_tricky_values_exactly() {
    check_tricky_values(
        RealShell::ZshRcQuotes,
        "zsh_with_rc_quotes_sets_tricky_values_exactly",
    );
}

#[test]
fn dash_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Dash, "dash_sets_tricky_values_exactly");
}

#[test]
fn fish_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Fish, "fish_sets_tricky_values_exactly");
}

#[test]
fn elvish_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Elvish, "elvish_sets_tricky_values_exactly");
}

#[test]
fn xonsh_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Xonsh, "xonsh_sets_tricky_values_exactly");
}

#[test]
fn tcsh_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Tcsh, "tcsh_sets_tricky_values_exactly");
}

#[test]
fn tcsh_with_backslash_quote_sets_tricky_values_exactly() {
    check_tricky_values(
        RealShell::TcshBackslashQuote,
        "tcsh_with_backslash_quote_sets_tricky_values_exactly",
    );
}

#[test]
fn interactive_tcsh_sets_tricky_values_exactly() {
    check_tricky_values(
        RealShell::TcshInteractive,
        "interactive_tcsh_sets_tricky_values_exactly",
    );
}

#[test]
fn nushell_sets_tricky_values_exactly() {
    check_tricky_values(RealShell::Nushell, "nushell_sets_tricky_values_exactly");
}

/// Applied from inside a function, as the prompt hook does: the set must outlive the function
/// and be exported, the unset must remove an exported variable, and `source` must return 0
/// whether or not the variable existed (fish's `set -e` of a missing variable returns 4).
#[test]
fn fish_changes_from_a_hook_function_are_global_and_source_succeeds() {
    let fish = require_program("fish");
    let code = render(
        Shell::Fish,
        &[
            EnvChange::set("SSOENV_T_NEW", "fresh"),
            EnvChange::unset("SSOENV_T_GONE"),
        ],
    )
    .expect("render");
    let script = "function hook\n\
                      echo $argv[1] | source\n\
                      printf 'status=%s\\n' $status\n\
                  end\n\
                  hook $argv[1]\n\
                  env | string match -r '^SSOENV_T_(?:NEW|GONE)=.*'\n";
    for preset in [true, false] {
        let mut command = Command::new(&fish);
        command
            .args(["--no-config", "--private", "-c", script])
            .arg(&code)
            .stdin(Stdio::null());
        if preset {
            command.env("SSOENV_T_GONE", "exported before");
        } else {
            command.env_remove("SSOENV_T_GONE");
        }
        let output = command.output().expect("run fish");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "status=0\nSSOENV_T_NEW=fresh\n",
            "SSOENV_T_GONE set before: {preset}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// quote(): one word that a shell passes to a program unchanged.

/// Passes every tricky value as an argument to a program that writes its arguments to a file.
fn check_quoted_arguments(shell: RealShell, test: &str) {
    let Some(program) = shell.locate(test) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let marker = dir.path().join("pwned");
    let args_file = dir.path().join("args");
    let writer = dir.path().join("write-args");
    std::fs::write(
        &writer,
        "#!/bin/sh\nfor a; do printf '%s\\0' \"$a\"; done > \"$SSOENV_TEST_ARGS\"\n",
    )
    .expect("write helper");
    std::fs::set_permissions(&writer, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let values = tricky_values(&marker);
    // How each shell runs a program whose name is a quoted string.
    let program_path = quote(shell.syntax(), writer.to_str().expect("UTF-8")).expect("quote path");
    let mut code = match shell {
        RealShell::Nushell => format!("^{program_path}"),
        RealShell::Xonsh => format!("@({program_path})"),
        _ => program_path,
    };
    for value in &values {
        let quoted = quote(shell.syntax(), value).expect("every tricky value can be quoted");
        // xonsh's quote() is a Python string literal: subprocess mode would expand `$NAME` in it.
        code.push_str(&match shell {
            RealShell::Xonsh => format!(" @({quoted})"),
            _ => format!(" {quoted}"),
        });
    }
    code.push('\n');
    let args_path = args_file.to_str().expect("UTF-8");
    evaluate(shell, &program, &code, &[("SSOENV_TEST_ARGS", args_path)]);
    let written = std::fs::read(&args_file)
        .unwrap_or_else(|error| panic!("{shell:?}: the helper did not run: {error}"));
    let got: Vec<&[u8]> = written.split(|&b| b == 0).collect();
    assert_eq!(got.len(), values.len() + 1, "{shell:?}: argument count");
    for (value, got) in values.iter().zip(got) {
        assert!(
            got == value.as_bytes(),
            "{shell:?}: {value:?} arrived as {:?}",
            String::from_utf8_lossy(got)
        );
    }
    assert!(!marker.exists(), "{shell:?}: an argument was executed");
}

#[test]
fn quoted_arguments_reach_programs_unchanged() {
    for shell in [
        RealShell::Bash,
        RealShell::Zsh,
        RealShell::ZshRcQuotes,
        RealShell::Dash,
        RealShell::Fish,
        RealShell::Elvish,
        RealShell::Xonsh,
        RealShell::Tcsh,
        RealShell::TcshInteractive,
        RealShell::Nushell,
    ] {
        check_quoted_arguments(
            shell,
            &format!("quoted_arguments_reach_programs ({shell:?})"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Property tests: random strings round-trip through the shells.

/// Characters that matter to some shell, control characters, non-ASCII, and anything else.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            '\'', '"', '\\', '$', '`', '\n', '\r', '\t', '!', '%', ' ', '(', ')', '{', '}', ';',
            '&', '|', '#', '~', '*', '?', '[', ']', '^', '@', '-', '=', '<', '>',
        ]),
        2 => (1u8..0x20).prop_map(char::from),
        1 => Just('\u{7f}'),
        2 => prop::sample::select(vec![
            'é', '’', '‘', '‚', '‛', '“', '\u{85}', '\u{a0}', '\u{2028}', '\u{feff}', '😀',
            '\u{f600}', '\u{fdd0}', '\u{10ffff}',
        ]),
        2 => any::<char>().prop_filter("NUL cannot be in the environment", |c| *c != '\0'),
        4 => prop::char::range('a', 'z'),
    ]
}

fn interesting_string() -> impl Strategy<Value = String> {
    prop::collection::vec(interesting_char(), 0..24).prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_round_trip_through_the_main_shells(
        values in prop::collection::vec(interesting_string(), 1..12)
    ) {
        let scenario = Scenario::new(&values);
        for shell in [RealShell::Bash, RealShell::Zsh, RealShell::Fish, RealShell::Dash] {
            let program = require_program(shell.program());
            scenario.check(shell, &program);
        }
    }
}

/// Slower shells (xonsh takes a tenth of a second to start): fewer cases, more values each.
#[test]
fn random_strings_round_trip_through_the_other_shells() {
    let shells: Vec<(RealShell, std::path::PathBuf)> = [
        RealShell::Elvish,
        RealShell::Xonsh,
        RealShell::Tcsh,
        RealShell::Nushell,
    ]
    .into_iter()
    .filter_map(|shell| {
        shell
            .locate("random_strings_round_trip_through_the_other_shells")
            .map(|program| (shell, program))
    })
    .collect();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 8,
        ..ProptestConfig::default()
    });
    let result = runner.run(
        &prop::collection::vec(interesting_string(), 24..32),
        |values| {
            let scenario = Scenario::new(&values);
            for (shell, program) in &shells {
                scenario.check(*shell, program);
            }
            Ok(())
        },
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

// ---------------------------------------------------------------------------------------------
// PowerShell, which cannot be installed here: parse the output with a PowerShell grammar.

/// PowerShell's single-quote characters (its tokenizer's `IsSingleQuote`).
fn is_powershell_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// Reads a verbatim string the way PowerShell's tokenizer does (`ScanStringLiteral`): after the
/// opening quote, a quote character ends the string unless another quote character follows, in
/// which case the pair stands for the second one. Returns the value and the number of bytes the
/// literal spans, so the caller can check that PowerShell would end the string where the grammar
/// does (the grammar only knows the ASCII quote).
fn read_powershell_verbatim_string(literal: &str) -> Option<(String, usize)> {
    let mut chars = literal.char_indices().peekable();
    let (_, open) = chars.next()?;
    if !is_powershell_single_quote(open) {
        return None;
    }
    let mut value = String::new();
    while let Some((index, c)) = chars.next() {
        if is_powershell_single_quote(c) {
            match chars.peek() {
                Some(&(_, next)) if is_powershell_single_quote(next) => {
                    value.push(next);
                    chars.next();
                }
                _ => return Some((value, index + c.len_utf8())),
            }
        } else {
            value.push(c);
        }
    }
    None
}

/// What each statement of rendered PowerShell does: `Some(value)` for `$Env:NAME = '…'`,
/// `None` for `$Env:NAME = $null`. Panics when the code does not parse cleanly.
fn powershell_effects(code: &str) -> Vec<(String, Option<String>)> {
    assert!(
        code.is_ascii(),
        "PowerShell output must be ASCII (a legacy code page could read a quote in UTF-8 bytes)"
    );
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("load the PowerShell grammar");
    let tree = parser.parse(code, None).expect("parse");
    let root = tree.root_node();
    assert!(
        !root.has_error(),
        "PowerShell grammar reports an error:\n{}\n--- code:\n{}",
        root.to_sexp(),
        abbreviate(code)
    );
    let mut effects = Vec::new();
    let mut stack = vec![root];
    let mut assignments = Vec::new();
    while let Some(node) = stack.pop() {
        if node.kind() == "assignment_expression" {
            assignments.push(node);
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    assignments.sort_by_key(|node| node.start_byte());
    for assignment in assignments {
        let text = |node: tree_sitter::Node| &code[node.byte_range()];
        let target = assignment.child(0).expect("assignment target");
        let target = text(target);
        let name = target
            .strip_prefix("$Env:")
            .unwrap_or_else(|| panic!("unexpected assignment target {target:?}"));
        let value = assignment
            .child_by_field_name("value")
            .expect("assignment value");
        let value_text = text(value);
        if value_text == "$null" {
            effects.push((name.to_owned(), None));
            continue;
        }
        // The parts in document order: verbatim strings, and `[char]0xNNNN` code units.
        let mut units: Vec<u16> = Vec::new();
        let mut parts = 0;
        let mut stack = vec![value];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "verbatim_string_characters" => {
                    let literal = text(node);
                    let (decoded, length) = read_powershell_verbatim_string(literal)
                        .unwrap_or_else(|| panic!("{name}: unterminated string {literal:?}"));
                    assert_eq!(
                        length,
                        literal.len(),
                        "{name}: PowerShell would end the string early (a quote not doubled?)"
                    );
                    units.extend(decoded.encode_utf16());
                    parts += 1;
                    continue;
                }
                "cast_expression" => {
                    let cast = text(node);
                    let hex = cast
                        .strip_prefix("[char]0x")
                        .unwrap_or_else(|| panic!("{name}: unexpected cast {cast:?}"));
                    units.push(u16::from_str_radix(hex, 16).expect("a UTF-16 code unit"));
                    parts += 1;
                    continue;
                }
                _ => {}
            }
            let mut cursor = node.walk();
            let mut children: Vec<_> = node.children(&mut cursor).collect();
            children.reverse();
            stack.extend(children);
        }
        if parts > 1 || !value_text.starts_with('\'') {
            assert!(
                value_text.starts_with("(-join (") && value_text.ends_with("))"),
                "{name}: several parts are joined with -join: {value_text:?}"
            );
        } else {
            assert_eq!(parts, 1, "{name}: expected one string in {value_text:?}");
        }
        let decoded = String::from_utf16(&units)
            .unwrap_or_else(|_| panic!("{name}: unpaired surrogates in {value_text:?}"));
        effects.push((name.to_owned(), Some(decoded)));
    }
    effects
}

fn expected_effects(changes: &[EnvChange]) -> Vec<(String, Option<String>)> {
    changes
        .iter()
        .map(|change| match change {
            EnvChange::Set { name, value } => (name.clone(), Some(value.clone())),
            EnvChange::Unset { name } => (name.clone(), None),
        })
        .collect()
}

#[test]
fn powershell_output_parses_to_the_intended_values() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let scenario = Scenario::new(&tricky_values(&dir.path().join("pwned")));
    let code = render(Shell::PowerShell, &scenario.changes).expect("render");
    assert_eq!(
        powershell_effects(&code),
        expected_effects(&scenario.changes)
    );
}

#[test]
fn powershell_reader_is_not_fooled_by_undoubled_typographic_quotes() {
    // The grammar accepts this, PowerShell would end the string at the ’ and run the rest.
    let naive = "$Env:A = 'it’s; Remove-Item x'\n";
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("load the PowerShell grammar");
    let tree = parser.parse(naive, None).expect("parse");
    assert!(
        !tree.root_node().has_error(),
        "the grammar alone would not notice"
    );
    let literal = &naive["$Env:A = ".len()..naive.len() - 1];
    let (_, length) = read_powershell_verbatim_string(literal).expect("terminated");
    assert!(length < literal.len());
    let doubled = "'a''b’’c'";
    assert_eq!(
        read_powershell_verbatim_string(doubled),
        Some(("a'b’c".into(), doubled.len()))
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_parse_back_from_powershell(
        values in prop::collection::vec(interesting_string(), 1..8)
    ) {
        let changes: Vec<EnvChange> = values
            .iter()
            .enumerate()
            .map(|(i, value)| EnvChange::set(format!("V{i}"), value.clone()))
            .chain([EnvChange::unset("GONE")])
            .collect();
        let code = render(Shell::PowerShell, &changes).expect("render");
        prop_assert_eq!(powershell_effects(&code), expected_effects(&changes));
    }
}

// ---------------------------------------------------------------------------------------------
// Linters and syntax checkers.

/// Runs `program args… FILE` on a file holding `code`.
fn run_checker(program: &Path, args: &[&str], code: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("code");
    std::fs::write(&file, code).expect("write code");
    Command::new(program)
        .args(args)
        .arg(&file)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", program.display()))
}

fn assert_clean(what: &str, output: &std::process::Output, code: &str) {
    assert!(
        output.status.success() && output.stdout.is_empty() && output.stderr.is_empty(),
        "{what} complains ({}):\n{}{}\n--- code:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        abbreviate(code)
    );
}

#[test]
fn shellcheck_finds_nothing_in_posix_output() {
    let shellcheck = require_program("shellcheck");
    let dir = tempfile::tempdir().expect("temporary directory");
    let scenario = Scenario::new(&tricky_values(&dir.path().join("pwned")));
    for (shell, dialect) in [(Shell::Posix, "sh"), (Shell::Bash, "bash")] {
        let code = render(shell, &scenario.changes).expect("render");
        // Excluded: hints about what single-quoted text might have meant, which is exactly
        // what the values are: SC1003 (a backslash before a quote), SC1112 (a typographic
        // quote), SC2016 (a `$` that does not expand).
        let output = run_checker(
            &shellcheck,
            &["--shell", dialect, "--exclude", "SC1003,SC1112,SC2016"],
            &code,
        );
        assert_clean(&format!("shellcheck -s {dialect}"), &output, &code);
    }
}

#[test]
fn syntax_checkers_accept_the_output() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let scenario = Scenario::new(&tricky_values(&dir.path().join("pwned")));
    let checks: [(Shell, &str, &[&str], bool); 6] = [
        (Shell::Bash, "bash", &["--noprofile", "--norc", "-n"], true),
        (Shell::Zsh, "zsh", &["--no-rcs", "-n"], true),
        (Shell::Posix, "dash", &["-n"], true),
        (Shell::Fish, "fish", &["--no-config", "--no-execute"], true),
        (Shell::Tcsh, "tcsh", &["-f", "-n"], false),
        (Shell::Elvish, "elvish", &["-norc", "-compileonly"], false),
    ];
    for (shell, program, args, required) in checks {
        let path = if required {
            require_program(program)
        } else if let Some(path) = optional_program(program, "syntax_checkers_accept_the_output") {
            path
        } else {
            continue;
        };
        let code = render(shell, &scenario.changes).expect("render");
        let output = run_checker(&path, args, &code);
        assert_clean(&format!("{program} {}", args.join(" ")), &output, &code);
    }
}

// ---------------------------------------------------------------------------------------------
// Values a syntax cannot carry are refused, never approximated.

#[test]
fn cmd_refuses_values_it_cannot_carry_and_sets_the_rest() {
    for value in [
        "say \"hi\"",
        "100%",
        "wow!",
        "a\nb",
        "a\rb",
        "é",
        "",
        "\u{1b}[0m",
    ] {
        let result = render(Shell::Cmd, &[EnvChange::set("TOKEN", value)]);
        assert!(
            matches!(result, Err(RenderError::Unrepresentable { ref name, .. }) if name == "TOKEN"),
            "cmd should refuse {value:?}, got {result:?}"
        );
    }
    let credentials = [
        EnvChange::set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        EnvChange::set(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+",
        ),
        EnvChange::set("ODD", "a & b | c > d ^ e (f)"),
        EnvChange::unset("AWS_PROFILE"),
    ];
    let code = render(Shell::Cmd, &credentials).expect("cmd can carry these");
    let lines: Vec<&str> = code.split_inclusive("\r\n").collect();
    assert_eq!(lines.len(), credentials.len());
    for (line, change) in lines.iter().zip(&credentials) {
        // Everything between `@set "` and the final `"` is NAME=value, with nothing cmd expands.
        let inner = line
            .strip_prefix("@set \"")
            .and_then(|rest| rest.strip_suffix("\"\r\n"))
            .unwrap_or_else(|| panic!("unexpected cmd line {line:?}"));
        assert!(!inner.contains(['"', '%', '!', '\n', '\r']), "{line:?}");
        let expected = match change {
            EnvChange::Set { name, value } => format!("{name}={value}"),
            EnvChange::Unset { name } => format!("{name}="),
        };
        assert_eq!(inner, expected);
    }
}

#[test]
fn tcsh_carries_newlines_without_a_raw_line_break() {
    let code = render(
        Shell::Tcsh,
        &[
            EnvChange::set("A", "one\ntwo\r\n"),
            EnvChange::set("B", "x"),
        ],
    )
    .expect("tcsh can carry newlines");
    assert_eq!(code.lines().count(), 2, "{code:?}");
    assert!(code.lines().all(|line| line.ends_with(';')), "{code:?}");
}

#[test]
fn nul_bytes_are_refused_everywhere() {
    for shell in Shell::ALL {
        assert!(
            render(shell, &[EnvChange::set("A", "a\0b")]).is_err(),
            "{shell}"
        );
        assert!(quote(shell, "a\0b").is_err(), "{shell}");
    }
    assert!(render_dotenv(&[EnvChange::set("A", "a\0b")]).is_err());
}

// ---------------------------------------------------------------------------------------------
// dotenv, read back by python-dotenv (installed here; docker compose and direnv are not).

#[test]
fn python_dotenv_reads_the_exact_values_back() {
    let Some(python) = optional_program("python3", "python_dotenv_reads_the_exact_values_back")
    else {
        return;
    };
    let probe = Command::new(&python)
        .args(["-c", "import dotenv"])
        .output()
        .expect("run python3");
    if !probe.status.success() {
        eprintln!(
            "SKIPPED python_dotenv_reads_the_exact_values_back: python-dotenv is not installed"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let values: Vec<String> = tricky_values(&dir.path().join("pwned"))
        .into_iter()
        .filter(|value| render_dotenv(&[EnvChange::set("X", value.clone())]).is_ok())
        .collect();
    assert!(
        values.len() > 50,
        "most tricky values are representable in dotenv"
    );
    let changes: Vec<EnvChange> = values
        .iter()
        .enumerate()
        .map(|(i, value)| EnvChange::set(format!("K{i}"), value.clone()))
        .chain([EnvChange::unset("GONE")])
        .collect();
    let file = dir.path().join(".env");
    std::fs::write(&file, render_dotenv(&changes).expect("render")).expect("write .env");
    let output = Command::new(&python)
        .args([
            "-c",
            "import sys, dotenv\n\
             for key, value in dotenv.dotenv_values(sys.argv[1], interpolate=True).items():\n\
             \x20   sys.stdout.buffer.write(key.encode() + b'=' + value.encode('utf-8', 'surrogatepass') + b'\\0')\n",
        ])
        .arg(&file)
        .env("HOME", "/nonexistent-home")
        .output()
        .expect("run python3");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "python-dotenv failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read = Environment::from_env0(&output.stdout);
    assert_eq!(
        read.count(),
        values.len(),
        "one entry per set, none for the unset"
    );
    for (i, value) in values.iter().enumerate() {
        let got = read.get(&format!("K{i}"));
        assert!(
            got == Some(value.as_bytes()),
            "K{i}: {value:?} read back as {:?}",
            got.map(|v| String::from_utf8_lossy(v))
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots of each shell's output, so that every change to it is reviewed.

/// What ssoenv typically prints: credentials, a region, its own markers, and two unsets.
fn typical_changes() -> Vec<EnvChange> {
    vec![
        EnvChange::set("AWS_ACCESS_KEY_ID", "ASIAIOSFODNN7EXAMPLE"),
        EnvChange::set(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        EnvChange::set(
            "AWS_SESSION_TOKEN",
            "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+EXAMPLE=",
        ),
        EnvChange::set("AWS_CREDENTIAL_EXPIRATION", "2025-01-02T03:04:05Z"),
        EnvChange::set("AWS_REGION", "eu-west-1"),
        EnvChange::set("SSOENV_PROFILE", "my dev-profile"),
        EnvChange::unset("AWS_PROFILE"),
        EnvChange::unset("AWS_DEFAULT_PROFILE"),
    ]
}

/// Values that need every shell's quoting rules (cmd.exe and dotenv refuse some of them).
fn tricky_changes() -> Vec<EnvChange> {
    [
        ("SINGLE_QUOTE", "it's"),
        ("DOUBLE_QUOTE", "say \"hi\""),
        ("BACKSLASH", "C:\\path\\"),
        ("DOLLAR", "$HOME $(rm -rf ~) `id`"),
        ("NEWLINE", "line one\nline two"),
        ("TAB", "a\tb"),
        ("BANG", "wow!"),
        ("PERCENT", "100%"),
        ("UNICODE", "café ‘quoted’ it’s"),
        ("EMPTY", ""),
    ]
    .into_iter()
    .map(|(name, value)| EnvChange::set(name, value))
    .chain([EnvChange::unset("OLD_VARIABLE")])
    .collect()
}

#[test]
fn snapshots_of_typical_output() {
    for shell in Shell::ALL {
        let code = render(shell, &typical_changes()).expect("typical values render everywhere");
        insta::assert_snapshot!(format!("typical_{}", shell.name()), code);
    }
    insta::assert_snapshot!(
        "typical_dotenv",
        render_dotenv(&typical_changes()).expect("typical values render as dotenv")
    );
}

#[test]
fn snapshots_of_tricky_output() {
    for shell in Shell::ALL {
        if shell == Shell::Cmd {
            continue;
        }
        let code = render(shell, &tricky_changes()).expect("tricky values render");
        insta::assert_snapshot!(format!("tricky_{}", shell.name()), code);
    }
}

#[test]
fn powershell_output_is_ascii_so_no_code_page_can_end_a_string_early() {
    // The UTF-8 bytes of `ё` are D1 91; in Windows-1252 0x91 is `‘`, a quote to PowerShell.
    let value = "pass\u{451}word' $(whoami)\u{2019}\u{1F600}";
    let changes = [EnvChange::set("SSOENV_T", value)];
    let code = render(Shell::PowerShell, &changes).expect("render");
    assert!(code.is_ascii(), "{code}");
    assert!(!code.bytes().any(|b| b == 0x91), "{code}");
    assert_eq!(
        powershell_effects(&code),
        vec![("SSOENV_T".to_string(), Some(value.to_string()))]
    );
}
