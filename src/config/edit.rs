//! Changing the AWS config file without losing a byte of what the user wrote.
//!
//! The editor works on the raw text, guided by the line numbers the parser keeps: a changed value
//! rewrites only the line of its key (the key as written, its delimiter and spacing are kept), a
//! new key goes right after the last setting of its section (with that setting's indentation), a
//! new section is appended at the end of the file, and a removed section takes only its own lines
//! with it. Comments, blank lines, line endings (`\n`, `\r\n`), a byte-order mark, the order of the
//! sections and every section that is not touched stay exactly as they were.
//!
//! Two ssoenv editors never overlap: each holds a lock beside the file (`.NAME.ssoenv-lock`) from
//! the moment it reads the file to the moment it has replaced it, so a second `configure` or
//! `populate` waits (and says so) and then reads the first one's result: every run that reports
//! success has its edit in the file. Before anything is written, the new text is parsed again and
//! every change is checked to read back as intended, and the file is checked not to have changed
//! since it was read (another tool, such as the AWS CLI, which takes no lock): the edit is then
//! refused rather than losing either side's work. The file is replaced atomically; a new file is created with mode 0600, an existing one
//! keeps its mode, and a symbolic link (a dotfiles repository) keeps pointing where it pointed, the
//! file it points to being the one replaced.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::parse::{is_py_space, split_shell_words};
use super::section::{Section, SectionKind};
use super::{AwsConfig, ConfigError};

/// Takes the editors' lock of the config file at `path`: `.NAME.ssoenv-lock` in its directory
/// (created private if missing, as saving would). The AWS CLI ignores the file.
fn lock_beside(path: &Path) -> Result<crate::cache::CacheLock, EditError> {
    let write_error = |source| EditError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty());
    if let Some(dir) = dir {
        crate::cache::ensure_private_dir(dir).map_err(write_error)?;
    }
    let name = path
        .file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy();
    let lock_path = dir
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.ssoenv-lock"));
    crate::cache::CacheLock::acquire(&lock_path, || {
        eprintln!(
            "ssoenv: another ssoenv is editing {}; waiting for it…",
            path.display()
        );
    })
    .map_err(|error| EditError::Lock(Box::new(error)))
}

/// A section the editor can change: a profile or an sso-session.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SectionId {
    /// `[default]` for `default`, `[profile NAME]` otherwise.
    Profile(String),
    /// `[sso-session NAME]`.
    SsoSession(String),
}

impl SectionId {
    pub fn name(&self) -> &str {
        match self {
            SectionId::Profile(name) | SectionId::SsoSession(name) => name,
        }
    }

    /// The header text between the brackets, as the AWS CLI writes it: `default`,
    /// `profile dev`, `sso-session 'Acme Dev'` (names that a shell would split are quoted).
    pub fn header(&self) -> String {
        match self {
            SectionId::Profile(name) if name == "default" => "default".to_string(),
            SectionId::Profile(name) => format!("profile {}", quote_name(name)),
            SectionId::SsoSession(name) => format!("sso-session {}", quote_name(name)),
        }
    }

    /// Whether the name can be written into a header and read back as itself (no line breaks,
    /// no white space at either end, not empty).
    pub fn validate(&self) -> Result<(), EditError> {
        check_name(self)
    }

    fn kind(&self) -> SectionKind {
        match self {
            SectionId::Profile(_) => SectionKind::Profile,
            SectionId::SsoSession(_) => SectionKind::SsoSession,
        }
    }

    fn what(&self) -> &'static str {
        match self {
            SectionId::Profile(_) => "profile",
            SectionId::SsoSession(_) => "sso-session",
        }
    }
}

impl std::fmt::Display for SectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}]", self.header())
    }
}

/// Why an edit was refused. Values are never quoted in messages (they could be secrets in other
/// people's files); names and keys are.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file could not be read or parsed: editing a file we cannot read exactly could lose
    /// what we did not understand.
    #[error(transparent)]
    Read(Box<ConfigError>),

    #[error("cannot use {what} name {name:?}: {reason}")]
    InvalidName {
        what: &'static str,
        name: String,
        reason: &'static str,
    },

    #[error("cannot write `{key}` to [{section}]: {reason}")]
    InvalidValue {
        section: String,
        key: String,
        reason: &'static str,
    },

    #[error(
        "the AWS config file {} changed while ssoenv was editing it; nothing was written, run the \
         command again",
        .path.display()
    )]
    ChangedMeanwhile { path: PathBuf },

    #[error(
        "the edited AWS config file {} would not read back as intended ({detail}); nothing was \
         written. This is a bug in ssoenv: please report it",
        .path.display()
    )]
    WouldNotReadBack { path: PathBuf, detail: String },

    #[error(transparent)]
    Lock(Box<crate::cache::CacheError>),

    #[error("cannot write the AWS config file {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl From<ConfigError> for EditError {
    fn from(error: ConfigError) -> Self {
        EditError::Read(Box::new(error))
    }
}

/// One line of the original file: its text and the line break that ended it (`""` for a last
/// line without one).
#[derive(Clone, Debug)]
struct RawLine {
    text: String,
    ending: &'static str,
}

/// A key added to an existing section, written after the section's last setting.
#[derive(Clone, Debug)]
struct AddedKey {
    key: String,
    value: String,
    indent: String,
}

/// A section that is not in the file yet; appended at the end.
#[derive(Clone, Debug)]
struct NewSection {
    id: SectionId,
    entries: Vec<(String, String)>,
}

/// What a change must look like once the file is read again.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Expectation {
    Value(String),
    Absent,
}

/// An AWS config file being edited. Changes accumulate in memory; [`ConfigEditor::save`] writes
/// them all at once.
pub struct ConfigEditor {
    path: PathBuf,
    /// The file as read; `None` when it did not exist.
    original: Option<Vec<u8>>,
    byte_order_mark: bool,
    lines: Vec<RawLine>,
    /// The line break new lines get: the file's first one, else `\n`.
    newline: &'static str,
    config: AwsConfig,
    /// 1-based line → its new text.
    replaced: BTreeMap<usize, String>,
    deleted: BTreeSet<usize>,
    /// Keys added after a line (the last setting of their section), in order.
    added: BTreeMap<usize, Vec<AddedKey>>,
    new_sections: Vec<NewSection>,
    removed_sections: BTreeSet<SectionId>,
    expectations: BTreeMap<(SectionId, String), Expectation>,
    /// Held from the read to the replacement of the file; released on drop.
    _lock: crate::cache::CacheLock,
}

impl ConfigEditor {
    /// Reads the file at `path` for editing; a missing file is an empty one (it is created on
    /// save).
    ///
    /// Waits while another ssoenv is editing the same file.
    pub fn open(path: &Path) -> Result<ConfigEditor, EditError> {
        let lock = lock_beside(path)?;
        let original = match std::fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                }
                .into());
            }
        };
        let text = match &original {
            None => "",
            Some(bytes) => std::str::from_utf8(bytes).map_err(|error| {
                let before = &bytes[..error.valid_up_to()];
                ConfigError::NotUtf8 {
                    path: path.to_path_buf(),
                    line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
                }
            })?,
        };
        let config = AwsConfig::parse(path, text)?;
        let body = text.strip_prefix('\u{feff}');
        let byte_order_mark = body.is_some();
        let lines = split_lines(body.unwrap_or(text));
        let newline = lines
            .iter()
            .map(|line| line.ending)
            .find(|ending| !ending.is_empty())
            .unwrap_or("\n");
        Ok(ConfigEditor {
            path: path.to_path_buf(),
            original,
            byte_order_mark,
            lines,
            newline,
            config,
            replaced: BTreeMap::new(),
            deleted: BTreeSet::new(),
            added: BTreeMap::new(),
            new_sections: Vec::new(),
            removed_sections: BTreeSet::new(),
            expectations: BTreeMap::new(),
            _lock: lock,
        })
    }

    /// [`ConfigEditor::open`] on [`AwsConfig::default_path`].
    pub fn open_default() -> Result<ConfigEditor, EditError> {
        Self::open(&AwsConfig::default_path()?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The configuration as it was read (without the pending changes).
    pub fn config(&self) -> &AwsConfig {
        &self.config
    }

    /// Whether the file existed when it was read.
    pub fn existed(&self) -> bool {
        self.original.is_some()
    }

    /// Sets `key = value` in the section, creating the section if needed. An existing key is
    /// changed where it stands; a new one is added after the section's last setting.
    pub fn set(&mut self, id: &SectionId, key: &str, value: &str) -> Result<(), EditError> {
        check_name(id)?;
        check_key(id, key)?;
        check_value(id, key, value)?;
        let key = key.to_ascii_lowercase();
        self.removed_sections.remove(id);
        self.expectations.insert(
            (id.clone(), key.clone()),
            Expectation::Value(value.to_string()),
        );
        if let Some(new) = self.new_sections.iter_mut().find(|s| &s.id == id) {
            match new.entries.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value.to_string(),
                None => new.entries.push((key, value.to_string())),
            }
            return Ok(());
        }
        let Some(section) = self.existing_section(id).cloned() else {
            self.new_sections.push(NewSection {
                id: id.clone(),
                entries: vec![(key, value.to_string())],
            });
            return Ok(());
        };
        match section.entry(&key).filter(|entry| !entry.is_inherited()) {
            Some(entry) => {
                let line = entry.line();
                let new_text = with_new_value(&self.lines[line - 1].text, value);
                self.replaced.insert(line, new_text);
                self.deleted.remove(&line);
                // The old value's continuation lines go; comments among them stay.
                for number in line + 1..=entry.last_line() {
                    if !self.is_comment_or_blank(number) {
                        self.deleted.insert(number);
                    }
                }
            }
            None => {
                let anchor = section.last_line();
                let indent = section
                    .entries()
                    .iter()
                    .rfind(|entry| !entry.is_inherited())
                    .map(|entry| leading_space(&self.lines[entry.line() - 1].text))
                    .unwrap_or_default();
                let added = self.added.entry(anchor).or_default();
                match added.iter_mut().find(|added| added.key == key) {
                    Some(existing) => existing.value = value.to_string(),
                    None => added.push(AddedKey {
                        key,
                        value: value.to_string(),
                        indent,
                    }),
                }
            }
        }
        Ok(())
    }

    /// Removes `key` from the section (nothing happens when it is not there).
    pub fn remove_key(&mut self, id: &SectionId, key: &str) {
        let key = key.to_ascii_lowercase();
        if let Some(new) = self.new_sections.iter_mut().find(|s| &s.id == id) {
            new.entries.retain(|(k, _)| *k != key);
        }
        if let Some(anchor) = self.existing_section(id).map(Section::last_line)
            && let Some(added) = self.added.get_mut(&anchor)
        {
            added.retain(|added| added.key != key);
        }
        if let Some(section) = self.existing_section(id).cloned()
            && let Some(entry) = section.entry(&key).filter(|entry| !entry.is_inherited())
        {
            self.replaced.remove(&entry.line());
            self.deleted.insert(entry.line());
            for number in entry.line() + 1..=entry.last_line() {
                if !self.is_comment_or_blank(number) {
                    self.deleted.insert(number);
                }
            }
        }
        self.expectations
            .insert((id.clone(), key), Expectation::Absent);
    }

    /// Removes the section: its header and settings, and the blank lines after it (before it,
    /// when it is the last thing in the file). Comments around it stay: they may describe the
    /// next section.
    pub fn remove_section(&mut self, id: &SectionId) {
        self.new_sections.retain(|s| &s.id != id);
        self.expectations.retain(|(section, _), _| section != id);
        self.removed_sections.insert(id.clone());
        let sections: Vec<Section> = self
            .config
            .sections()
            .iter()
            .filter(|section| section.kind() == id.kind() && section.name() == id.name())
            .cloned()
            .collect();
        for section in sections {
            let (first, last) = (section.line(), section.last_line());
            for number in first..=last {
                self.replaced.remove(&number);
                self.added.remove(&number);
                self.deleted.insert(number);
            }
            let mut after = last + 1;
            while after <= self.lines.len() && self.lines[after - 1].text.trim().is_empty() {
                self.deleted.insert(after);
                after += 1;
            }
            if after > self.lines.len() {
                let mut before = first - 1;
                while before >= 1 && self.lines[before - 1].text.trim().is_empty() {
                    self.deleted.insert(before);
                    before -= 1;
                }
            }
        }
    }

    /// Whether any change is pending that alters the text.
    pub fn has_changes(&self) -> bool {
        self.render().as_bytes() != self.original.as_deref().unwrap_or_default()
    }

    /// The file's text with every pending change applied.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.byte_order_mark {
            out.push('\u{feff}');
        }
        // Whether the text so far ends without a line break (only after an original last line
        // that had none); anything written after it needs one first.
        let mut open_line = false;
        let mut last_blank = true;
        let newline = self.newline;
        let push_line = |out: &mut String, text: &str, ending: &str, open: &mut bool| {
            if *open {
                out.push_str(newline);
            }
            out.push_str(text);
            out.push_str(ending);
            *open = ending.is_empty();
        };
        for (index, line) in self.lines.iter().enumerate() {
            let number = index + 1;
            if !self.deleted.contains(&number) {
                let text = self.replaced.get(&number).unwrap_or(&line.text);
                push_line(&mut out, text, line.ending, &mut open_line);
                last_blank = text.trim().is_empty();
            }
            for added in self.added.get(&number).into_iter().flatten() {
                let text = format!("{}{} = {}", added.indent, added.key, added.value);
                push_line(&mut out, &text, newline, &mut open_line);
                last_blank = false;
            }
        }
        for section in &self.new_sections {
            if section.entries.is_empty() {
                continue;
            }
            if !out.is_empty() && !last_blank {
                push_line(&mut out, "", newline, &mut open_line);
            }
            push_line(
                &mut out,
                &format!("[{}]", section.id.header()),
                newline,
                &mut open_line,
            );
            for (key, value) in &section.entries {
                push_line(
                    &mut out,
                    &format!("{key} = {value}"),
                    newline,
                    &mut open_line,
                );
            }
            last_blank = false;
        }
        out
    }

    /// Writes the pending changes, if they change anything. Returns whether the file was written.
    pub fn save(&self) -> Result<bool, EditError> {
        let text = self.render();
        if self.original.as_deref() == Some(text.as_bytes()) {
            return Ok(false);
        }
        self.check_reads_back(&text)?;
        let write_error = |source| EditError::Write {
            path: self.path.clone(),
            source,
        };
        let current = match std::fs::read(&self.path) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(write_error(error)),
        };
        if current != self.original {
            return Err(EditError::ChangedMeanwhile {
                path: self.path.clone(),
            });
        }
        // Replace the file a symbolic link points to, not the link.
        let target = match std::fs::symlink_metadata(&self.path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                std::fs::canonicalize(&self.path).map_err(write_error)?
            }
            _ => self.path.clone(),
        };
        let permissions = match std::fs::metadata(&target) {
            Ok(metadata) => Some(metadata.permissions()),
            Err(_) => {
                if let Some(dir) = target.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                    crate::cache::ensure_private_dir(dir).map_err(write_error)?;
                }
                None
            }
        };
        crate::cache::write_atomic_with_permissions(&target, text.as_bytes(), permissions)
            .map_err(write_error)?;
        Ok(true)
    }

    /// Parses `text` and checks every change reads back as asked and every removed section is
    /// gone.
    fn check_reads_back(&self, text: &str) -> Result<(), EditError> {
        let bad = |detail: String| EditError::WouldNotReadBack {
            path: self.path.clone(),
            detail,
        };
        let edited = AwsConfig::parse(&self.path, text).map_err(|error| bad(error.to_string()))?;
        for ((id, key), expected) in &self.expectations {
            let section = find_section(&edited, id);
            let found = section
                .and_then(|section| section.entry(key))
                .filter(|entry| !entry.is_inherited())
                .and_then(|entry| entry.value().as_text());
            let fine = match expected {
                Expectation::Value(value) => found == Some(value.as_str()),
                Expectation::Absent => found.is_none(),
            };
            if !fine {
                return Err(bad(format!("`{key}` in {id}")));
            }
        }
        for id in &self.removed_sections {
            if find_section(&edited, id).is_some() {
                return Err(bad(format!("{id} is still there")));
            }
        }
        Ok(())
    }

    fn existing_section(&self, id: &SectionId) -> Option<&Section> {
        if self.removed_sections.contains(id) {
            return None;
        }
        find_section(&self.config, id)
    }

    fn is_comment_or_blank(&self, number: usize) -> bool {
        let text = self.lines[number - 1].text.trim_matches(is_py_space);
        text.is_empty() || text.starts_with('#') || text.starts_with(';')
    }
}

fn find_section<'a>(config: &'a AwsConfig, id: &SectionId) -> Option<&'a Section> {
    match id {
        SectionId::Profile(name) => config.profile(name),
        SectionId::SsoSession(name) => config.sso_session(name),
    }
}

/// Splits like the parser (`\n`, `\r\n` and a lone `\r` end a line), keeping each line's ending
/// so that the file can be written back byte for byte.
fn split_lines(text: &str) -> Vec<RawLine> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (text, ending, remainder) = match rest.find(['\n', '\r']) {
            None => (rest, "", ""),
            Some(end) if rest[end..].starts_with("\r\n") => {
                (&rest[..end], "\r\n", &rest[end + 2..])
            }
            Some(end) if rest[end..].starts_with('\r') => (&rest[..end], "\r", &rest[end + 1..]),
            Some(end) => (&rest[..end], "\n", &rest[end + 1..]),
        };
        lines.push(RawLine {
            text: text.to_string(),
            ending,
        });
        rest = remainder;
    }
    lines
}

/// `line` (a `key = value` line) with its value replaced: the key as written, the delimiter and
/// the spacing after it are kept.
fn with_new_value(line: &str, value: &str) -> String {
    let Some(at) = line.find(['=', ':']) else {
        return line.to_string();
    };
    let after = &line[at + 1..];
    let spacing = &after[..after.len() - after.trim_start_matches(is_py_space).len()];
    // `key =` with no value yet gets the usual single space; `key=value` stays tight.
    let spacing = if after.trim_matches(is_py_space).is_empty() {
        " "
    } else {
        spacing
    };
    format!("{}{spacing}{value}", &line[..=at])
}

fn leading_space(line: &str) -> String {
    line.chars().take_while(|&c| is_py_space(c)).collect()
}

/// How the AWS CLI writes a name into a header: as is, or quoted the way Python's `shlex.quote`
/// does when a shell would split it (`'Acme Dev'`, `'it'"'"'s'`).
fn quote_name(name: &str) -> String {
    let needs_quotes = name
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '\'' | '"' | '\\'));
    if needs_quotes {
        format!("'{}'", name.replace('\'', r#"'"'"'"#))
    } else {
        name.to_string()
    }
}

/// Names are checked before anything is written: one that would not read back as itself is
/// refused with the reason.
fn check_name(id: &SectionId) -> Result<(), EditError> {
    let name = id.name();
    let invalid = |reason| EditError::InvalidName {
        what: id.what(),
        name: name.to_string(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(
            "it contains a line break or another control character",
        ));
    }
    if name.trim() != name {
        return Err(invalid("it starts or ends with white space"));
    }
    let words = split_shell_words(&id.header()).ok();
    if words.as_deref().and_then(|w| w.get(1)).map(String::as_str) != Some(name)
        && !matches!(id, SectionId::Profile(n) if n == "default")
    {
        return Err(invalid("it cannot be written in a section header"));
    }
    Ok(())
}

fn check_key(id: &SectionId, key: &str) -> Result<(), EditError> {
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if valid {
        Ok(())
    } else {
        Err(EditError::InvalidValue {
            section: id.header(),
            key: key.to_string(),
            reason: "the key may only hold letters, digits, `_`, `-` and `.`",
        })
    }
}

fn check_value(id: &SectionId, key: &str, value: &str) -> Result<(), EditError> {
    let invalid = |reason| EditError::InvalidValue {
        section: id.header(),
        key: key.to_string(),
        reason,
    };
    match value_problem(value) {
        Some(reason) => Err(invalid(reason)),
        None => Ok(()),
    }
}

/// Why `value` cannot be written as a setting and read back as itself, if it cannot.
pub fn value_problem(value: &str) -> Option<&'static str> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Some("the value contains a line break or another control character");
    }
    if value.trim_matches(is_py_space) != value {
        return Some("the value starts or ends with white space");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(text: &str) -> (tempfile::TempDir, ConfigEditor) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, text).unwrap();
        let editor = ConfigEditor::open(&path).unwrap();
        (dir, editor)
    }

    fn profile(name: &str) -> SectionId {
        SectionId::Profile(name.to_string())
    }

    fn session(name: &str) -> SectionId {
        SectionId::SsoSession(name.to_string())
    }

    const FILE: &str = "\
# My AWS config; keep this comment.
[default]
region = eu-west-1

; the dev profile
[profile dev]
sso_session=corp   
Region: us-east-1
s3 =
  addressing_style = path

[plugins]
x = y
";

    #[test]
    fn an_existing_value_changes_in_place_keeping_key_style() {
        let (_dir, mut edit) = editor(FILE);
        edit.set(&profile("dev"), "region", "us-west-2").unwrap();
        edit.set(&profile("dev"), "sso_session", "corp2").unwrap();
        assert_eq!(
            edit.render(),
            FILE.replace("Region: us-east-1", "Region: us-west-2")
                .replace("sso_session=corp   ", "sso_session=corp2")
        );
    }

    #[test]
    fn new_keys_follow_the_last_setting_of_their_section() {
        let (_dir, mut edit) = editor(FILE);
        edit.set(&profile("dev"), "sso_role_name", "ReadOnly")
            .unwrap();
        edit.set(&profile("default"), "output", "json").unwrap();
        let expected = FILE
            .replace(
                "  addressing_style = path\n",
                "  addressing_style = path\nsso_role_name = ReadOnly\n",
            )
            .replace(
                "region = eu-west-1\n",
                "region = eu-west-1\noutput = json\n",
            );
        assert_eq!(edit.render(), expected);
        edit.save().unwrap();
        let config = AwsConfig::load(edit.path()).unwrap();
        assert_eq!(
            config.profile("dev").unwrap().get("sso_role_name"),
            Some("ReadOnly")
        );
        assert_eq!(
            config
                .profile("dev")
                .unwrap()
                .nested("s3", "addressing_style"),
            Some("path")
        );
    }

    #[test]
    fn new_sections_are_appended_after_a_blank_line() {
        let (_dir, mut edit) = editor("[default]\nregion = x");
        edit.set(&session("Acme Dev"), "sso_region", "us-east-1")
            .unwrap();
        edit.set(&profile("it's"), "sso_session", "Acme Dev")
            .unwrap();
        assert_eq!(
            edit.render(),
            "[default]\nregion = x\n\n[sso-session 'Acme Dev']\nsso_region = us-east-1\n\n\
             [profile 'it'\"'\"'s']\nsso_session = Acme Dev\n"
        );
        edit.save().unwrap();
        let config = AwsConfig::load(edit.path()).unwrap();
        assert!(config.sso_session("Acme Dev").is_some());
        assert_eq!(
            config.profile("it's").unwrap().get("sso_session"),
            Some("Acme Dev")
        );
    }

    #[test]
    fn crlf_files_stay_crlf_and_a_bom_stays() {
        let (_dir, mut edit) = editor("\u{feff}[profile a]\r\nregion = x\r\n");
        edit.set(&profile("a"), "output", "json").unwrap();
        edit.set(&profile("b"), "region", "y").unwrap();
        assert_eq!(
            edit.render(),
            "\u{feff}[profile a]\r\nregion = x\r\noutput = json\r\n\r\n[profile b]\r\nregion = y\r\n"
        );
    }

    #[test]
    fn indented_settings_get_indented_company() {
        let (_dir, mut edit) = editor("[profile a]\n  region = x\n[profile b]\n");
        edit.set(&profile("a"), "output", "json").unwrap();
        assert_eq!(
            edit.render(),
            "[profile a]\n  region = x\n  output = json\n[profile b]\n"
        );
    }

    #[test]
    fn multi_line_values_are_replaced_whole_but_comments_stay() {
        let (_dir, mut edit) =
            editor("[profile a]\nnote = one\n  two\n# keep\n  three\nregion = x\n");
        edit.set(&profile("a"), "note", "single").unwrap();
        assert_eq!(
            edit.render(),
            "[profile a]\nnote = single\n# keep\nregion = x\n"
        );
    }

    #[test]
    fn keys_inherited_from_defaults_are_added_not_edited() {
        let (_dir, mut edit) = editor("[DEFAULT]\nregion = x\n\n[profile a]\noutput = json\n");
        edit.set(&profile("a"), "region", "y").unwrap();
        assert_eq!(
            edit.render(),
            "[DEFAULT]\nregion = x\n\n[profile a]\noutput = json\nregion = y\n"
        );
    }

    #[test]
    fn removing_a_section_keeps_comments_and_spacing_tidy() {
        let (_dir, mut edit) = editor(FILE);
        edit.remove_section(&profile("dev"));
        assert_eq!(
            edit.render(),
            "# My AWS config; keep this comment.\n[default]\nregion = eu-west-1\n\n; the dev profile\n[plugins]\nx = y\n"
        );
        let (_dir, mut edit) = editor("[profile a]\nx = 1\n\n[profile b]\nx = 2\n");
        edit.remove_section(&profile("b"));
        assert_eq!(edit.render(), "[profile a]\nx = 1\n");
    }

    #[test]
    fn removing_a_key_takes_its_lines() {
        let (_dir, mut edit) = editor("[profile a]\nsso_start_url = u\nregion = x\n");
        edit.remove_key(&profile("a"), "sso_start_url");
        edit.remove_key(&profile("a"), "missing");
        assert_eq!(edit.render(), "[profile a]\nregion = x\n");
    }

    #[test]
    fn unchanged_values_write_nothing() {
        let (_dir, mut edit) = editor(FILE);
        edit.set(&profile("default"), "region", "eu-west-1")
            .unwrap();
        assert!(!edit.has_changes());
        assert!(!edit.save().unwrap());
    }

    #[test]
    fn bad_names_and_values_are_refused() {
        let (_dir, mut edit) = editor("");
        let error = edit.set(&profile("a\nb"), "region", "x").unwrap_err();
        assert!(error.to_string().contains("line break"), "{error}");
        assert!(edit.set(&profile(""), "region", "x").is_err());
        assert!(edit.set(&profile(" a"), "region", "x").is_err());
        let error = edit
            .set(&profile("a"), "region", "x\n[profile evil]")
            .unwrap_err();
        assert!(error.to_string().contains("line break"), "{error}");
        assert!(edit.set(&profile("a"), "region", "x\r").is_err());
        assert!(edit.set(&profile("a"), "region", " x").is_err());
        assert!(edit.set(&profile("a"), "bad key", "x").is_err());
        assert_eq!(edit.render(), "");
    }

    #[test]
    fn a_new_file_is_private_and_an_existing_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("config");
        let mut edit = ConfigEditor::open(&path).unwrap();
        assert!(!edit.existed());
        edit.set(&profile("a"), "region", "x").unwrap();
        assert!(edit.save().unwrap());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[profile a]\nregion = x\n"
        );

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(edit); // an editor holds the file's lock until it is dropped
        let mut edit = ConfigEditor::open(&path).unwrap();
        edit.set(&profile("a"), "region", "y").unwrap();
        edit.save().unwrap();
        assert_eq!(mode(&path), 0o644);
    }

    #[test]
    fn a_symlinked_file_is_edited_through_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-config");
        std::fs::write(&real, "[profile a]\nregion = x\n").unwrap();
        let link = dir.path().join("config");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut edit = ConfigEditor::open(&link).unwrap();
        edit.set(&profile("a"), "region", "y").unwrap();
        edit.save().unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "[profile a]\nregion = y\n"
        );
    }

    #[test]
    fn a_file_changed_meanwhile_is_not_overwritten() {
        let (_dir, mut edit) = editor(FILE);
        edit.set(&profile("dev"), "region", "x").unwrap();
        std::fs::write(edit.path(), "[profile other]\n").unwrap();
        assert!(matches!(
            edit.save(),
            Err(EditError::ChangedMeanwhile { .. })
        ));
        assert_eq!(
            std::fs::read_to_string(edit.path()).unwrap(),
            "[profile other]\n"
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_not_edited() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "[profile a]\nregion = x\nregion = y\n").unwrap();
        assert!(matches!(ConfigEditor::open(&path), Err(EditError::Read(_))));
    }

    #[test]
    fn quoted_headers_are_found_and_names_quoted_like_the_cli() {
        let (_dir, mut edit) = editor("[profile \"Acme Dev\"]\nregion = x\n");
        edit.set(&profile("Acme Dev"), "region", "y").unwrap();
        assert_eq!(edit.render(), "[profile \"Acme Dev\"]\nregion = y\n");
        assert_eq!(session("Acme Dev").header(), "sso-session 'Acme Dev'");
        assert_eq!(profile("default").header(), "default");
        assert_eq!(profile("a\\b").header(), "profile 'a\\b'");
    }
}
