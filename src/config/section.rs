//! One `[…]` section of the config file as read: its settings in file order, with the line numbers
//! a later editor needs to change the file in place.

/// What a section header declares (see `parse::header_name` for botocore's rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// `[default]`, `[profile NAME]`.
    Profile,
    /// `[sso-session NAME]`.
    SsoSession,
    /// `[services NAME]`: per-service settings such as endpoint URLs.
    Services,
    /// `[DEFAULT]`: keys inherited by every other section (a configparser feature).
    Defaults,
    /// Anything else, including headers the AWS CLI ignores such as `[profile a b]` (a name with a
    /// space must be quoted) and `[dev]` (a profile needs the `profile ` prefix).
    Other,
}

/// One `[…]` section's keys, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub(super) kind: SectionKind,
    header: Box<str>,
    name: Name,
    pub(super) line: usize,
    pub(super) last_line: usize,
    /// Settings are added through [`Self::new`] and [`Self::push_entry`] only, which keep
    /// `key_lengths` in step.
    entries: Vec<Entry>,
    /// Bit `n % 64` set for each key of `n` bytes: most lookups are for keys a section does not
    /// have (which kind of profile is this?), and this answers most of them without comparing.
    key_lengths: u64,
}

/// Where a section's name is: nearly always a part of its header (`a` in `profile a`), which
/// spares a large file's tens of thousands of sections an allocation each; else (a quoted name
/// with escapes) text of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Name {
    InHeader { start: u32, end: u32 },
    Own(Box<str>),
}

impl Section {
    /// The section under `[header]`, named `name` (a part of `header`, or text of its own).
    pub(super) fn new(
        kind: SectionKind,
        header: &str,
        name: &str,
        (line, last_line): (usize, usize),
        entries: Vec<Entry>,
    ) -> Section {
        let key_lengths = entries
            .iter()
            .fold(0, |lengths, entry| lengths | length_bit(&entry.key));
        Section {
            kind,
            header: header.into(),
            name: name_in(header, name),
            line,
            last_line,
            entries,
            key_lengths,
        }
    }

    pub(super) fn push_entry(&mut self, entry: Entry) {
        self.key_lengths |= length_bit(&entry.key);
        self.entries.push(entry);
    }

    /// The profile, sso-session or services name (`default` for `[default]`, `Acme Dev` for
    /// `[profile 'Acme Dev']`); for other sections the header text.
    pub fn name(&self) -> &str {
        match &self.name {
            Name::InHeader { start, end } => &self.header[*start as usize..*end as usize],
            Name::Own(name) => name,
        }
    }

    pub fn kind(&self) -> SectionKind {
        self.kind
    }

    /// The text between the brackets, as written.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// The 1-based line of the header.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The last line holding the header or one of the section's own settings (comments and blank
    /// lines after it are not counted).
    pub fn last_line(&self) -> usize {
        self.last_line
    }

    /// A plain value; `None` when the key is absent or is an indented block (see [`Self::nested`]).
    /// Keys are case-insensitive, as in the AWS CLI.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.value(key).and_then(Value::as_text)
    }

    /// A value of either form.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(Entry::value)
    }

    /// A name inside an indented block, e.g. `nested("sso", "endpoint_url")` for
    /// `sso =` followed by `  endpoint_url = …`. Block names keep their case, as in botocore.
    pub fn nested(&self, key: &str, name: &str) -> Option<&str> {
        self.value(key).and_then(|value| value.nested(name))
    }

    /// The setting for `key` with its line numbers.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        // Lowercasing keeps the length of an ASCII key: no key of its length, no match.
        if self.key_lengths & length_bit(key) == 0 && key.is_ascii() {
            return None;
        }
        // Stored keys are lowercase and nearly every lookup is too: compare as given first, and
        // lowercase (allocating) only a key that could change by it.
        let found = self.entries.iter().find(|entry| entry.key == key);
        if found.is_some()
            || key
                .bytes()
                .all(|byte| !byte.is_ascii_uppercase() && byte < 0x80)
        {
            return found;
        }
        let key = key.to_lowercase();
        self.entries.iter().find(|entry| entry.key.as_str() == key)
    }

    /// Keys in file order (inherited `[DEFAULT]` keys last), lowercase.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|entry| entry.key.as_str())
    }

    /// Every setting, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

fn length_bit(key: &str) -> u64 {
    1 << (key.len() % 64)
}

/// One `key = value` setting. A file `populate` filled holds a hundred thousand of them: the
/// fields are as small as they can be (line numbers of 32 bits, the key a [`Key`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub(super) key: Key,
    pub(super) value: Value,
    pub(super) line: u32,
    pub(super) last_line: u32,
    pub(super) inherited: bool,
}

/// A line number as an [`Entry`] keeps it (a file of more than 4 billion lines is not read).
pub(super) fn entry_line(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// A setting's key, lowercase: one of the keys every section of a file `populate` filled
/// repeats (no allocation), or text of its own.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum Key {
    Common(CommonKey),
    Own(Box<str>),
}

/// The keys of SSO profiles and sessions. An enum rather than places in a table, so that reading
/// one back needs no bounds check: every section lookup does it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum CommonKey {
    SsoSession,
    SsoAccountId,
    SsoRoleName,
    Region,
    Output,
    SsoenvPopulated,
    SsoStartUrl,
    SsoRegion,
    SsoRegistrationScopes,
    RoleArn,
    SourceProfile,
}

impl CommonKey {
    const ALL: [CommonKey; 11] = [
        CommonKey::SsoSession,
        CommonKey::SsoAccountId,
        CommonKey::SsoRoleName,
        CommonKey::Region,
        CommonKey::Output,
        CommonKey::SsoenvPopulated,
        CommonKey::SsoStartUrl,
        CommonKey::SsoRegion,
        CommonKey::SsoRegistrationScopes,
        CommonKey::RoleArn,
        CommonKey::SourceProfile,
    ];

    fn as_str(self) -> &'static str {
        match self {
            CommonKey::SsoSession => "sso_session",
            CommonKey::SsoAccountId => "sso_account_id",
            CommonKey::SsoRoleName => "sso_role_name",
            CommonKey::Region => "region",
            CommonKey::Output => "output",
            CommonKey::SsoenvPopulated => "ssoenv_populated",
            CommonKey::SsoStartUrl => "sso_start_url",
            CommonKey::SsoRegion => "sso_region",
            CommonKey::SsoRegistrationScopes => "sso_registration_scopes",
            CommonKey::RoleArn => "role_arn",
            CommonKey::SourceProfile => "source_profile",
        }
    }
}

impl Key {
    /// Python's `str.lower()` of `key`.
    pub(super) fn lowercase(key: &str) -> Key {
        if let Some(common) = CommonKey::ALL
            .into_iter()
            .find(|common| common.as_str() == key)
        {
            return Key::Common(common);
        }
        Key::Own(if key.is_ascii() {
            key.to_ascii_lowercase().into()
        } else {
            key.to_lowercase().into()
        })
    }

    pub(super) fn as_str(&self) -> &str {
        match self {
            Key::Common(common) => common.as_str(),
            Key::Own(key) => key,
        }
    }
}

impl std::ops::Deref for Key {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl Entry {
    /// The key, lowercase.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The 1-based line of the key.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// The last line with content belonging to the value (continuation lines included).
    pub fn last_line(&self) -> usize {
        self.last_line as usize
    }

    /// True for a key copied from a `[DEFAULT]` section; its lines are that section's.
    pub fn is_inherited(&self) -> bool {
        self.inherited
    }
}

/// Where `name` is in `header`, if it is a slice of it.
fn name_in(header: &str, name: &str) -> Name {
    let header_start = header.as_ptr() as usize;
    let start = (name.as_ptr() as usize).wrapping_sub(header_start);
    let end = start.wrapping_add(name.len());
    match (u32::try_from(start), u32::try_from(end)) {
        (Ok(start), Ok(end)) if end as usize <= header.len() => Name::InHeader { start, end },
        _ => Name::Own(name.into()),
    }
}

/// A setting's value: text, or an indented block of `name = value` lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Continuation lines are joined with `\n`.
    Text(Text),
    /// Boxed, not a vector: it keeps [`Value`] as small as [`Text`].
    Nested(Box<[NestedEntry]>),
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text.as_str()),
            Value::Nested(_) => None,
        }
    }

    pub fn as_nested(&self) -> Option<&[NestedEntry]> {
        match self {
            Value::Text(_) => None,
            Value::Nested(entries) => Some(entries),
        }
    }

    /// The value of `name` inside an indented block (case-sensitive).
    pub fn nested(&self, name: &str) -> Option<&str> {
        self.as_nested()?
            .iter()
            .find(|entry| entry.key == name)
            .map(|entry| entry.value.as_str())
    }
}

/// One `name = value` line of an indented block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedEntry {
    pub(super) key: String,
    pub(super) value: String,
    pub(super) line: usize,
}

impl NestedEntry {
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn line(&self) -> usize {
        self.line
    }
}

/// A value's text. Most values (account IDs, role and session names, regions) are short and a
/// file `populate` filled holds a hundred thousand of them: up to [`Text::INLINE`] bytes are kept
/// in place rather than in an allocation of their own, which is most of what reading such a
/// file costs.
#[derive(Clone, PartialEq, Eq)]
pub struct Text(TextBytes);

#[derive(Clone, PartialEq, Eq)]
enum TextBytes {
    Inline { len: u8, bytes: [u8; Text::INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// As many bytes as fit beside the length in the space a heap pointer takes anyway.
    const INLINE: usize = 22;

    pub fn as_str(&self) -> &str {
        match &self.0 {
            TextBytes::Inline { len, bytes } => {
                let bytes = &bytes[..usize::from(*len)];
                // SAFETY: `From<&str>` copied these bytes from a whole `str` and nothing changes
                // them, so they are valid UTF-8. Checking again on every lookup was a tenth of
                // `list`'s work.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            TextBytes::Heap(text) => text,
        }
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        if text.len() > Text::INLINE {
            return Text(TextBytes::Heap(text.into()));
        }
        let mut bytes = [0; Text::INLINE];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Text(TextBytes::Inline {
            len: text.len() as u8,
            bytes,
        })
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        if text.len() <= Text::INLINE {
            Text::from(text.as_str())
        } else {
            Text(TextBytes::Heap(text.into_boxed_str()))
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::Text;
    use crate::config::parse::parse_sections;

    /// The key-length filter never hides a key: same length modulo 64, inherited keys, any case.
    #[test]
    fn every_key_is_found_whatever_its_length() {
        let long = format!("k{}", "x".repeat(69)); // 70 bytes: the bit of a 6-byte key
        let text =
            format!("[DEFAULT]\nfrom_defaults = d\n[profile a]\n{long} = long\nregion = r\n");
        let sections = parse_sections(&text).unwrap();
        let profile = &sections[1];
        assert_eq!(profile.get(&long), Some("long"));
        assert_eq!(profile.get("region"), Some("r"));
        assert_eq!(profile.get("REGION"), Some("r"));
        assert_eq!(profile.get("From_Defaults"), Some("d"));
        assert_eq!(profile.get("output"), None); // 6 bytes, like `region`
        assert_eq!(profile.get("role_arn"), None);
        assert_eq!(profile.get("régión"), None);
    }

    #[test]
    fn text_reads_back_what_it_holds_on_either_side_of_the_inline_size() {
        let samples = [
            String::new(),
            "a".repeat(Text::INLINE - 1),
            "a".repeat(Text::INLINE),
            "a".repeat(Text::INLINE + 1),
            // Multi-byte characters across the boundary: 21 + 2 bytes, then 20 + 4.
            format!("{}é", "a".repeat(Text::INLINE - 1)),
            format!("{}\u{1f600}", "a".repeat(Text::INLINE - 2)),
        ];
        for sample in samples {
            let from_str = Text::from(sample.as_str());
            let from_string = Text::from(sample.clone());
            assert_eq!(from_str.as_str(), sample);
            assert_eq!(&*from_string, sample.as_str());
            assert_eq!(from_str, from_string);
            assert_eq!(format!("{from_str:?}"), format!("{sample:?}"));
        }
        assert_ne!(Text::from("a"), Text::from("b"));
    }
}
