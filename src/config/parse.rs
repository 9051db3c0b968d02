//! The INI dialect of the AWS config file, read the way the AWS CLI reads it.
//!
//! The CLI (botocore's `configloader`) uses Python's `configparser.RawConfigParser` with its
//! defaults, then parses indented blocks into nested maps and splits section headers like a shell.
//! Users run the CLI next to ssoenv on the same file, so every rule here copies that behaviour,
//! including the surprising ones, which are called out where they happen:
//!
//! - `=` and `:` both separate a key from its value; the first of them on the line wins.
//! - Only whole-line comments exist (`#` or `;` after optional indentation). `region = x # y`
//!   has the value `x # y`.
//! - Keys are case-insensitive (stored lowercased); a key or a section appearing twice is an error.
//! - A line indented deeper than the setting above it continues that setting's value. A setting
//!   whose first line is empty and which has such continuation lines is a nested block
//!   (`s3 =` followed by `  addressing_style = path`).
//! - `[DEFAULT]` (upper case) is not a profile: its keys are inherited by every other section.
//!
//! The one deliberate difference: a UTF-8 byte-order mark at the start of the file is skipped,
//! where botocore rejects the whole file. Nothing the CLI accepts is read differently.
//!
//! Every section and setting keeps its line numbers so that a later editor can change the file
//! without disturbing what the user wrote around the change.

use std::borrow::Cow;
use std::collections::HashMap;

use super::section::{Entry, Key, NestedEntry, Section, SectionKind, Text, Value, entry_line};

/// Why a line of the config file could not be read; always reported with its line number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxProblem {
    /// A setting above the first `[section]` header.
    #[error(
        "the setting `{key}` comes before any [section] header; settings belong under a header \
         such as [default] or [profile NAME]"
    )]
    OutsideSection {
        /// The key of the stray setting (never its value, which may be a secret).
        key: String,
    },
    /// A line that is neither a header, a `key = value` setting, a comment nor a continuation.
    #[error(
        "this line is neither a [section] header nor a `key = value` setting (a comment line \
         starts with # or ;)"
    )]
    NotASetting,
    /// `= value` with nothing before the delimiter.
    #[error("the setting has no key before its `{delimiter}`")]
    MissingKey {
        /// `=` or `:`.
        delimiter: char,
    },
    /// The same header written twice; the AWS CLI refuses such a file.
    #[error(
        "section [{header}] appears a second time (first at line {first_line}); merge the two \
         sections into one"
    )]
    DuplicateSection { header: String, first_line: usize },
    /// The same key twice in one section (case-insensitively); the AWS CLI refuses such a file.
    #[error(
        "`{key}` appears a second time in [{header}] (first at line {first_line}; keys ignore \
         case); keep only one of them"
    )]
    DuplicateKey {
        header: String,
        key: String,
        first_line: usize,
    },
    /// A line inside an indented block (`s3 =` followed by indented lines) without `=`.
    #[error(
        "the indented block under `{key}` (line {block_line}) may only hold `name = value` lines"
    )]
    NestedNotASetting { key: String, block_line: usize },
}

/// A [`SyntaxProblem`] and the 1-based line it was found on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub line: usize,
    pub problem: SyntaxProblem,
}

/// Reads every section of `text`, in file order. `[DEFAULT]` keys are already copied into the
/// other sections (marked as inherited), as `configparser` does.
pub(super) fn parse_sections(text: &str) -> Result<Vec<Section>, SyntaxError> {
    // Room for every header up front: growing a large file's tables step by step would copy
    // them, and touch fresh memory, once per doubling.
    let brackets = memchr::memchr_iter(b'[', text.as_bytes()).count();
    read_regions(Reader::with_room_for(brackets), [(1, without_bom(text))])
}

/// The text without the UTF-8 byte-order mark an editor may have put first.
pub(super) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// [`parse_sections`] on some regions of a file only, each a run of whole lines given with the
/// number of its first line, in file order: the sections they hold, read as the whole file's
/// reading reads them when each region starts at a header or at the top of the file (see
/// `super::lookup`).
pub(super) fn parse_regions<'a>(
    regions: impl IntoIterator<Item = (usize, &'a str)>,
) -> Result<Vec<Section>, SyntaxError> {
    read_regions(Reader::default(), regions)
}

fn read_regions<'a>(
    mut reader: Reader<'a>,
    regions: impl IntoIterator<Item = (usize, &'a str)>,
) -> Result<Vec<Section>, SyntaxError> {
    for (first_line, text) in regions {
        for (index, line) in universal_lines(text).enumerate() {
            reader.read_line(first_line + index, line)?;
        }
    }
    reader.finish()
}

/// Splits like Python's text mode with universal newlines: `\n`, `\r\n` and a lone `\r` all end
/// a line. Line numbers in messages then agree with what an editor shows.
fn universal_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, remainder) = match memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
            None => (rest, ""),
            Some(end) => {
                let terminator = if rest[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                (&rest[..end], &rest[end + terminator..])
            }
        };
        rest = remainder;
        Some(line)
    })
}

/// Python's `str.isspace()`: Rust's `char::is_whitespace` plus the four ASCII separators.
pub(super) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn py_strip(s: &str) -> &str {
    // Most lines have no space at either end worth a char-by-char look: ASCII bytes that are
    // neither space nor control are never Python space.
    let plain = |byte: Option<&u8>| byte.is_some_and(|&b| b > b' ' && b < 0x7f);
    let bytes = s.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        return s;
    }
    s.trim_matches(is_py_space)
}

/// A setting as read, before its lines are joined.
struct RawEntry<'a> {
    key: Key,
    /// The text after the delimiter.
    first: &'a str,
    /// Each continuation line (stripped) with its number, and `""` for blank lines inside the
    /// value. Usually empty, and then it costs no allocation.
    continuation: Vec<(usize, &'a str)>,
    line: usize,
    last_line: usize,
}

struct RawSection<'a> {
    header: &'a str,
    line: usize,
    last_line: usize,
    entries: Vec<RawEntry<'a>>,
}

/// `configparser`'s line loop, reduced to what the AWS config file needs.
///
/// Each section is finished (its values joined, its blocks parsed) as soon as the next header
/// starts, so a large file's raw settings never pile up: only one section's are held, in a
/// vector used again for the next one.
#[derive(Default)]
struct Reader<'a> {
    /// The sections before the current one, finished.
    sections: Vec<Section>,
    /// The section new settings go to.
    current: Option<RawSection<'a>>,
    /// Header → line of its first appearance, to reject a second appearance. A large file has
    /// tens of thousands of headers: a fast hash (the text is the user's own, not an attacker's).
    seen_headers: HashMap<&'a str, usize, foldhash::fast::RandomState>,
    /// The first error found while finishing a section (a malformed indented block). configparser
    /// reads every line before botocore parses the blocks, so an error in a later line wins.
    finishing_error: Option<SyntaxError>,
    /// The current section's settings vector, kept between sections.
    spare_entries: Vec<RawEntry<'a>>,
    /// The setting continuation lines extend; `None` right after a header.
    open_entry: Option<usize>,
    /// Indentation of the last header or setting line: deeper lines continue the setting.
    indent_level: usize,
}

impl<'a> Reader<'a> {
    /// A reader with room for `sections` sections.
    fn with_room_for(sections: usize) -> Reader<'a> {
        Reader {
            sections: Vec::with_capacity(sections),
            seen_headers: HashMap::with_capacity_and_hasher(sections, Default::default()),
            ..Reader::default()
        }
    }

    fn read_line(&mut self, number: usize, line: &'a str) -> Result<(), SyntaxError> {
        let stripped = py_strip(line);
        if stripped.starts_with('#') || stripped.starts_with(';') {
            // Comments neither end a value nor become part of it.
            return Ok(());
        }
        if stripped.is_empty() {
            // A blank line belongs to the open value (it matters only inside a value, where
            // configparser keeps it); it does not end the value.
            if let Some(entry) = self.open_entry_mut() {
                entry.continuation.push((number, ""));
            }
            return Ok(());
        }
        let indent = if line.len() == stripped.len() {
            0
        } else {
            line.chars().take_while(|&c| is_py_space(c)).count()
        };
        if indent > self.indent_level
            && let Some(entry) = self.open_entry_mut()
        {
            entry.continuation.push((number, stripped));
            entry.last_line = number;
            if let Some(section) = &mut self.current {
                section.last_line = number;
            }
            return Ok(());
        }
        self.indent_level = indent;
        if let Some(header) = section_header(stripped) {
            return self.start_section(number, header);
        }
        let syntax_error = |problem| {
            Err(SyntaxError {
                line: number,
                problem,
            })
        };
        let Some((key, delimiter, value)) = split_setting(stripped) else {
            return syntax_error(SyntaxProblem::NotASetting);
        };
        let Some(section) = &mut self.current else {
            return syntax_error(SyntaxProblem::OutsideSection {
                key: key.to_string(),
            });
        };
        if key.is_empty() {
            return syntax_error(SyntaxProblem::MissingKey { delimiter });
        }
        let key = Key::lowercase(key);
        if let Some(first_line) = first_line_of_key(&self.sections, section, &key) {
            return syntax_error(SyntaxProblem::DuplicateKey {
                header: section.header.to_string(),
                key: key.to_string(),
                first_line,
            });
        }
        section.last_line = number;
        section.entries.push(RawEntry {
            key,
            first: value,
            continuation: Vec::new(),
            line: number,
            last_line: number,
        });
        self.open_entry = Some(section.entries.len() - 1);
        Ok(())
    }

    fn start_section(&mut self, number: usize, header: &'a str) -> Result<(), SyntaxError> {
        // Several [DEFAULT] headers are allowed: they all feed the one set of defaults.
        if header != DEFAULTS_HEADER {
            if let Some(&first_line) = self.seen_headers.get(header) {
                return Err(SyntaxError {
                    line: number,
                    problem: SyntaxProblem::DuplicateSection {
                        header: header.to_string(),
                        first_line,
                    },
                });
            }
            self.seen_headers.insert(header, number);
        }
        self.finish_current();
        self.current = Some(RawSection {
            header,
            line: number,
            last_line: number,
            entries: std::mem::take(&mut self.spare_entries),
        });
        self.open_entry = None;
        Ok(())
    }

    fn open_entry_mut(&mut self) -> Option<&mut RawEntry<'a>> {
        let section = self.current.as_mut()?;
        section.entries.get_mut(self.open_entry?)
    }

    /// Turns the current section into a [`Section`], keeping its settings vector for the next.
    fn finish_current(&mut self) {
        let Some(mut raw) = self.current.take() else {
            return;
        };
        let (kind, name) = header_name(raw.header);
        let mut entries = Vec::with_capacity(raw.entries.len());
        for entry in raw.entries.drain(..) {
            // A setting whose block is malformed still counts as set (a later line repeating
            // its key is the error to report); the file is refused in the end anyway.
            let value = finish_value(&entry).unwrap_or_else(|error| {
                self.finishing_error.get_or_insert(error);
                Value::Text(Text::from(""))
            });
            entries.push(Entry {
                key: entry.key,
                value,
                line: entry_line(entry.line),
                last_line: entry_line(entry.last_line),
                inherited: false,
            });
        }
        self.spare_entries = raw.entries;
        self.sections.push(Section::new(
            kind,
            raw.header,
            &name,
            (raw.line, raw.last_line),
            entries,
        ));
    }

    fn finish(mut self) -> Result<Vec<Section>, SyntaxError> {
        self.finish_current();
        if let Some(error) = self.finishing_error {
            return Err(error);
        }
        inherit_defaults(&mut self.sections);
        Ok(self.sections)
    }
}

/// Where `key` was first set in `section`; for [DEFAULT], in any [DEFAULT] section (the finished
/// ones are in `before`), because configparser checks duplicates per section name.
fn first_line_of_key(before: &[Section], section: &RawSection<'_>, key: &str) -> Option<usize> {
    let own = section
        .entries
        .iter()
        .find(|entry| entry.key == key)
        .map(|entry| entry.line);
    if section.header != DEFAULTS_HEADER || own.is_some() {
        return own;
    }
    before
        .iter()
        .filter(|section| section.kind == SectionKind::Defaults)
        .find_map(|section| section.entry(key))
        .map(Entry::line)
}

/// configparser's `default_section`: a section every other one inherits from.
pub(super) const DEFAULTS_HEADER: &str = "DEFAULT";

/// `[header]`: configparser's greedy `\[(?P<header>.+)\]`, so the header runs to the last `]` and
/// anything after it (`[profile a] # note`) is ignored.
pub(super) fn section_header(stripped: &str) -> Option<&str> {
    let rest = stripped.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    (close > 0).then(|| &rest[..close])
}

/// `key = value` or `key: value`, split at the first `=` or `:`; the key loses trailing and the
/// value leading whitespace. `None` when the line has neither delimiter.
fn split_setting(stripped: &str) -> Option<(&str, char, &str)> {
    let at = memchr::memchr2(b'=', b':', stripped.as_bytes())?;
    let delimiter = if stripped.as_bytes()[at] == b'=' {
        '='
    } else {
        ':'
    };
    let key = stripped[..at].trim_end_matches(is_py_space);
    let value = stripped[at + 1..].trim_start_matches(is_py_space);
    Some((key, delimiter, value))
}

/// Joins a setting's lines (configparser) and parses an indented block (botocore).
fn finish_value(raw: &RawEntry<'_>) -> Result<Value, SyntaxError> {
    let has_content_below = raw.continuation.iter().any(|(_, text)| !text.is_empty());
    Ok(if !has_content_below {
        // Trailing blank lines are dropped by configparser's final `rstrip`.
        Value::Text(Text::from(raw.first))
    } else if raw.first.is_empty() {
        Value::Nested(parse_nested(raw)?.into_boxed_slice())
    } else {
        let mut text = raw.first.to_string();
        for (_, piece) in &raw.continuation {
            text.push('\n');
            text.push_str(piece);
        }
        text.truncate(text.trim_end_matches(is_py_space).len());
        Value::Text(Text::from(text))
    })
}

/// botocore's `_parse_nested`: each non-blank line is `name = value`, split at the first `=`.
/// Names keep their case. A repeated name keeps its first position and takes the last value,
/// like the Python dict botocore builds.
fn parse_nested(raw: &RawEntry<'_>) -> Result<Vec<NestedEntry>, SyntaxError> {
    let mut nested: Vec<NestedEntry> = Vec::new();
    for &(line, text) in &raw.continuation {
        // botocore splits the joined value with `str.splitlines`, which also breaks at a few
        // control and Unicode separators that can sit inside one line of the file.
        for part in text.split(is_py_line_boundary) {
            let part = py_strip(part);
            if part.is_empty() {
                continue;
            }
            let Some((key, value)) = part.split_once('=') else {
                return Err(SyntaxError {
                    line,
                    problem: SyntaxProblem::NestedNotASetting {
                        key: raw.key.to_string(),
                        block_line: raw.line,
                    },
                });
            };
            let (key, value) = (py_strip(key), py_strip(value));
            match nested.iter_mut().find(|entry| entry.key == key) {
                Some(existing) => {
                    existing.value = value.to_string();
                    existing.line = line;
                }
                None => nested.push(NestedEntry {
                    key: key.to_string(),
                    value: value.to_string(),
                    line,
                }),
            }
        }
    }
    Ok(nested)
}

/// The characters Python's `str.splitlines` breaks at (`\r` and `\n` never reach here).
fn is_py_line_boundary(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// What a header declares, as botocore's `build_profile_map` decides it: a header *starting*
/// with `profile`, `sso-session` or `services` is split like a shell command line and names a
/// section of that kind only when it splits into exactly two words (so `[profile a b]` and
/// `[profile 'a]` are ignored by the CLI, and `[profiles x]` is the profile `x`). `[default]` is
/// the profile `default`; anything else (`[plugins]`, `[my-dev]`) is not a profile.
///
/// The usual header has no quote or backslash and splits like `str::split` on the shell's
/// separators, so its name is a slice of it: no allocation.
pub(super) fn header_name(header: &str) -> (SectionKind, Cow<'_, str>) {
    if header == DEFAULTS_HEADER {
        return (SectionKind::Defaults, Cow::Borrowed(header));
    }
    let prefixed = [
        ("profile", SectionKind::Profile),
        ("sso-session", SectionKind::SsoSession),
        ("services", SectionKind::Services),
    ];
    for (prefix, kind) in prefixed {
        if header.starts_with(prefix) {
            // Bytes, not chars: this runs for each of a large file's headers (`super::lookup`).
            let plain = !header
                .bytes()
                .any(|byte| matches!(byte, b'\'' | b'"' | b'\\'));
            if plain {
                return match second_of_two_words(header) {
                    Some(name) => (kind, Cow::Borrowed(name)),
                    None => (SectionKind::Other, Cow::Borrowed(header)),
                };
            }
            return match split_shell_words(header) {
                Ok(mut words) if words.len() == 2 => (kind, Cow::Owned(words.swap_remove(1))),
                _ => (SectionKind::Other, Cow::Borrowed(header)),
            };
        }
    }
    if header == "default" {
        return (SectionKind::Profile, Cow::Borrowed(header));
    }
    (SectionKind::Other, Cow::Borrowed(header))
}

/// The characters `shlex.split` separates words with.
const SHELL_SEPARATORS: [char; 4] = [' ', '\t', '\r', '\n'];

/// The second word of `text` when it has exactly two, split at [`SHELL_SEPARATORS`] (all
/// ASCII, so every split falls on a character boundary).
fn second_of_two_words(text: &str) -> Option<&str> {
    let is_separator = |byte: &u8| matches!(byte, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut second = None;
    let mut at = 0;
    while at < bytes.len() {
        if is_separator(&bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        at += bytes[at..]
            .iter()
            .position(is_separator)
            .unwrap_or(bytes.len() - at);
        words += 1;
        match words {
            2 => second = Some(&text[start..at]),
            3 => return None,
            _ => {}
        }
    }
    second
}

/// Why a header could not be split into words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ShellSplitError {
    UnclosedQuote,
    TrailingBackslash,
}

/// Python's `shlex.split(text)` (POSIX mode, no comments): words separated by spaces, tabs and
/// line breaks; single quotes keep everything literally; double quotes let a backslash escape
/// only `"` and `\`; outside quotes a backslash escapes any character; `''` is an empty word.
pub(super) fn split_shell_words(text: &str) -> Result<Vec<String>, ShellSplitError> {
    #[derive(Clone, Copy)]
    enum State {
        Between,
        Word,
        Quoted(char),
        /// After a backslash; the state to return to.
        Escaped {
            in_double_quotes: bool,
        },
    }
    let is_separator = |c: char| SHELL_SEPARATORS.contains(&c);
    let mut words = Vec::new();
    let mut word = String::new();
    // An empty pair of quotes still makes a word.
    let mut quoted = false;
    let mut state = State::Between;
    for c in text.chars() {
        state = match state {
            State::Between | State::Word if is_separator(c) => {
                if !word.is_empty() || quoted {
                    words.push(std::mem::take(&mut word));
                    quoted = false;
                }
                State::Between
            }
            State::Between | State::Word => match c {
                '\\' => State::Escaped {
                    in_double_quotes: false,
                },
                '\'' | '"' => State::Quoted(c),
                _ => {
                    word.push(c);
                    State::Word
                }
            },
            State::Quoted(quote) => {
                quoted = true;
                if c == quote {
                    State::Word
                } else if c == '\\' && quote == '"' {
                    State::Escaped {
                        in_double_quotes: true,
                    }
                } else {
                    word.push(c);
                    State::Quoted(quote)
                }
            }
            State::Escaped { in_double_quotes } => {
                if in_double_quotes && c != '"' && c != '\\' {
                    word.push('\\');
                }
                word.push(c);
                if in_double_quotes {
                    State::Quoted('"')
                } else {
                    State::Word
                }
            }
        };
    }
    match state {
        State::Quoted(_) => Err(ShellSplitError::UnclosedQuote),
        State::Escaped { .. } => Err(ShellSplitError::TrailingBackslash),
        State::Between | State::Word => {
            if !word.is_empty() || quoted {
                words.push(word);
            }
            Ok(words)
        }
    }
}

/// configparser gives every section the `[DEFAULT]` keys it does not set itself, after its own
/// keys. The copies keep the line numbers of the `[DEFAULT]` section they come from.
fn inherit_defaults(sections: &mut [Section]) {
    let defaults: Vec<Entry> = sections
        .iter()
        .filter(|section| section.kind == SectionKind::Defaults)
        .flat_map(|section| section.entries().iter().cloned())
        .collect();
    if defaults.is_empty() {
        return;
    }
    for section in sections
        .iter_mut()
        .filter(|section| section.kind != SectionKind::Defaults)
    {
        for default in &defaults {
            if section.entry(&default.key).is_none() {
                section.push_entry(Entry {
                    inherited: true,
                    ..default.clone()
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(text: &str) -> Vec<Section> {
        parse_sections(text).expect("parses")
    }

    fn error(text: &str) -> SyntaxError {
        parse_sections(text).expect_err("is rejected")
    }

    #[test]
    fn shell_words_follow_python_shlex() {
        let split = |s: &str| split_shell_words(s).expect("splits");
        assert_eq!(split("profile dev"), ["profile", "dev"]);
        assert_eq!(split("profile 'Acme Dev'"), ["profile", "Acme Dev"]);
        assert_eq!(split("profile \"Acme Dev\""), ["profile", "Acme Dev"]);
        assert_eq!(split("profile   a\\ b"), ["profile", "a b"]);
        assert_eq!(split("profile ''"), ["profile", ""]);
        assert_eq!(split("profile a'b c'd"), ["profile", "ab cd"]);
        assert_eq!(split(r#"profile "a\"b\n""#), ["profile", r#"a"b\n"#]);
        assert_eq!(split(r"profile 'a\'"), ["profile", r"a\"]);
        assert_eq!(
            split_shell_words("profile 'open"),
            Err(ShellSplitError::UnclosedQuote)
        );
        assert_eq!(
            split_shell_words("profile a\\"),
            Err(ShellSplitError::TrailingBackslash)
        );
    }

    #[test]
    fn headers_are_classified_like_botocore() {
        let kinds = |header: &str| {
            let (kind, name) = header_name(header);
            (kind, name.into_owned())
        };
        assert_eq!(kinds("default"), (SectionKind::Profile, "default".into()));
        assert_eq!(kinds("profile dev"), (SectionKind::Profile, "dev".into()));
        assert_eq!(kinds("profiles dev"), (SectionKind::Profile, "dev".into()));
        assert_eq!(
            kinds("profile a b"),
            (SectionKind::Other, "profile a b".into())
        );
        assert_eq!(kinds("profile"), (SectionKind::Other, "profile".into()));
        assert_eq!(
            kinds("sso-session 'Acme Dev'"),
            (SectionKind::SsoSession, "Acme Dev".into())
        );
        assert_eq!(
            kinds("services local"),
            (SectionKind::Services, "local".into())
        );
        assert_eq!(kinds("dev"), (SectionKind::Other, "dev".into()));
        assert_eq!(kinds("DEFAULT"), (SectionKind::Defaults, "DEFAULT".into()));
    }

    proptest::proptest! {
        /// The shortcut for headers without quotes or backslashes names the same section as
        /// the full `shlex` split.
        #[test]
        fn header_names_agree_with_the_shell_split(header in "(profile|sso-session|services|default|DEFAULT|x)[ \ta-c'\"\\\\]{0,8}") {
            let by_split = match split_shell_words(&header) {
                Ok(words) if words.len() == 2 && ["profile", "sso-session", "services"].iter().any(|p| header.starts_with(p)) => Some(words[1].clone()),
                _ => None,
            };
            let (kind, name) = header_name(&header);
            match kind {
                SectionKind::Profile if header == "default" => proptest::prop_assert_eq!(name, "default"),
                SectionKind::Profile | SectionKind::SsoSession | SectionKind::Services => {
                    proptest::prop_assert_eq!(Some(name.into_owned()), by_split)
                }
                SectionKind::Defaults => proptest::prop_assert_eq!(header.as_str(), "DEFAULT"),
                SectionKind::Other => proptest::prop_assert_eq!(by_split, None),
            }
        }
    }

    #[test]
    fn values_keep_inline_hashes_and_equals_signs() {
        let parsed = sections("[default]\nregion = us-east-1 # note\nurl=https://x/?a=b;c\n");
        assert_eq!(parsed[0].get("region"), Some("us-east-1 # note"));
        assert_eq!(parsed[0].get("url"), Some("https://x/?a=b;c"));
    }

    #[test]
    fn colon_is_a_delimiter_and_the_first_delimiter_wins() {
        let parsed = sections("[default]\nregion: eu-west-1\nsso_start_url = https://a/start\n");
        assert_eq!(parsed[0].get("region"), Some("eu-west-1"));
        assert_eq!(parsed[0].get("sso_start_url"), Some("https://a/start"));
        // `odd:key = v` splits at the colon, as the CLI does.
        let odd = sections("[default]\nodd:key = v\n");
        assert_eq!(odd[0].get("odd"), Some("key = v"));
    }

    #[test]
    fn keys_are_lowercased_and_looked_up_case_insensitively() {
        let parsed = sections("[default]\nSSO_Region = us-east-1\n");
        assert_eq!(parsed[0].keys().collect::<Vec<_>>(), ["sso_region"]);
        assert_eq!(parsed[0].get("SSO_REGION"), Some("us-east-1"));
    }

    #[test]
    fn comments_blank_lines_crlf_and_bom() {
        let text = "\u{feff}; top\r\n[default]\r\n# a comment\r\n\r\n  ; indented comment\r\nregion = x\r\n";
        let parsed = sections(text);
        assert_eq!(parsed[0].get("region"), Some("x"));
        assert_eq!(parsed[0].line(), 2);
        assert_eq!(parsed[0].entries()[0].line(), 6);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let parsed = sections("[default]\rregion = x\r");
        assert_eq!(parsed[0].get("region"), Some("x"));
    }

    #[test]
    fn indented_lines_continue_a_value() {
        let parsed = sections("[default]\nnote = one\n  two\n\n  three\n\nregion = x\n");
        assert_eq!(parsed[0].get("note"), Some("one\ntwo\n\nthree"));
        assert_eq!(parsed[0].entry("note").map(Entry::last_line), Some(5));
        assert_eq!(parsed[0].get("region"), Some("x"));
    }

    #[test]
    fn empty_value_with_indented_lines_is_a_nested_block() {
        let parsed = sections(
            "[services local]\nsso =\n  endpoint_url = http://127.0.0.1:1\n  Other=a=b\n\
             sso-oidc =\n  endpoint_url = http://127.0.0.1:2\n",
        );
        let services = &parsed[0];
        assert_eq!(
            services.nested("sso", "endpoint_url"),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(services.nested("sso", "Other"), Some("a=b"));
        assert_eq!(
            services.nested("sso", "other"),
            None,
            "nested names keep case"
        );
        assert_eq!(services.get("sso"), None, "a block is not a plain value");
        assert_eq!(
            services.nested("sso-oidc", "endpoint_url"),
            Some("http://127.0.0.1:2")
        );
    }

    #[test]
    fn empty_value_without_continuation_is_empty_text() {
        let parsed = sections("[default]\nregion =\n\noutput = json\n");
        assert_eq!(parsed[0].get("region"), Some(""));
    }

    #[test]
    fn a_deeper_indented_header_continues_the_value_above() {
        let parsed = sections("[profile a]\nx = 1\n  [profile b]\ny = 2\n");
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].get("x"), Some("1\n[profile b]"));
        assert_eq!(parsed[0].get("y"), Some("2"));
    }

    #[test]
    fn defaults_are_inherited_after_own_keys() {
        let parsed = sections("[profile a]\nx = 1\n[DEFAULT]\nx = 0\nz = 9\n");
        let a = &parsed[0];
        assert_eq!(a.keys().collect::<Vec<_>>(), ["x", "z"]);
        assert_eq!(a.get("x"), Some("1"));
        assert_eq!(a.get("z"), Some("9"));
        assert!(a.entry("z").is_some_and(Entry::is_inherited));
        assert!(!a.entry("x").is_some_and(Entry::is_inherited));
    }

    #[test]
    fn header_runs_to_the_last_bracket() {
        let parsed = sections("[profile a] # note\nx = 1\n");
        assert_eq!(parsed[0].name(), "a");
        let odd = sections("[]]\nx = 1\n");
        assert_eq!(odd[0].header(), "]");
    }

    #[test]
    fn syntax_errors_carry_the_line() {
        assert_eq!(
            error("region = x\n"),
            SyntaxError {
                line: 1,
                problem: SyntaxProblem::OutsideSection {
                    key: "region".into()
                }
            }
        );
        assert_eq!(error("[a]\n\nnonsense\n").line, 3);
        assert_eq!(
            error("[a]\n\nnonsense\n").problem,
            SyntaxProblem::NotASetting
        );
        assert_eq!(
            error("[a]\n= x\n").problem,
            SyntaxProblem::MissingKey { delimiter: '=' }
        );
        assert_eq!(error("[]\n").problem, SyntaxProblem::NotASetting);
        assert_eq!(
            error("[a]\nx=1\n[b]\n[a]\n"),
            SyntaxError {
                line: 4,
                problem: SyntaxProblem::DuplicateSection {
                    header: "a".into(),
                    first_line: 1
                }
            }
        );
        assert_eq!(
            error("[a]\nRegion=1\nregion=2\n"),
            SyntaxError {
                line: 3,
                problem: SyntaxProblem::DuplicateKey {
                    header: "a".into(),
                    key: "region".into(),
                    first_line: 2
                }
            }
        );
        assert_eq!(
            error("[a]\ns3 =\n  fine = 1\n  broken\n"),
            SyntaxError {
                line: 4,
                problem: SyntaxProblem::NestedNotASetting {
                    key: "s3".into(),
                    block_line: 2
                }
            }
        );
    }

    /// configparser reads every line before botocore parses a block: a malformed block earlier
    /// in the file loses to a line error after it, and among blocks the first is reported.
    #[test]
    fn line_errors_come_before_block_errors() {
        let broken_block = "[a]\ns3 =\n  broken\n";
        assert_eq!(
            error(&format!("{broken_block}[b]\n[b]\n")).problem,
            SyntaxProblem::DuplicateSection {
                header: "b".into(),
                first_line: 4
            }
        );
        assert_eq!(
            error(&format!("{broken_block}[b]\ns3 =\n  also broken\n")).line,
            3
        );
        // The key of a malformed block in [DEFAULT] still counts when a later [DEFAULT] repeats it.
        let repeated = error("[DEFAULT]\ns3 =\n  broken\n[DEFAULT]\nS3 = x\n");
        assert_eq!(
            repeated.problem,
            SyntaxProblem::DuplicateKey {
                header: "DEFAULT".into(),
                key: "s3".into(),
                first_line: 2
            }
        );
    }

    #[test]
    fn defaults_may_repeat_but_not_their_keys() {
        let parsed = sections("[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n[a]\n");
        assert_eq!(parsed[2].get("y"), Some("2"));
        let repeated = error("[DEFAULT]\nx = 1\n[DEFAULT]\nX = 2\n");
        assert_eq!(repeated.line, 4);
    }

    #[test]
    fn spans_cover_the_settings_of_a_section() {
        let parsed = sections("[a]\nx = 1\n  more\n# trailing comment\n\n[b]\n");
        assert_eq!((parsed[0].line(), parsed[0].last_line()), (1, 3));
        assert_eq!((parsed[1].line(), parsed[1].last_line()), (6, 6));
    }
}
