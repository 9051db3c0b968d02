//! Finding the sections one profile needs without reading every line of the file.
//!
//! A config file that `ssoenv populate` filled for a large organization holds tens of thousands of
//! profiles (20,000 make 2.6 MB), and `ssoenv PROFILE` runs at every `eval` and prompt refresh.
//! Reading such a file into sections cost 65 times a hello-world process (300 M instructions);
//! measured, a prototype that only finds every line end and header already costs more than the
//! rest of the fast path, before any of the per-line work a reader does. So the fast path does not
//! read every line: this module looks only at the lines that start with `[`:
//!
//! 1. One pass finds them with a vectorised byte search (`memchr`), keeping the headers that can
//!    matter for the profiles asked for: each one that names one of them (however it is spelled:
//!    `[profile a]`, `[profile 'a']`, `[default]`), every `[sso-session …]`, `[services …]` and
//!    `[DEFAULT]` (their keys are inherited by every section), and the lines before the first
//!    header.
//! 2. Those regions, from a header to the next header, go through the same line reader as the
//!    whole file ([`super::parse`]), with their real line numbers, so a section read here is
//!    exactly the section the whole-file reading gives: same keys, values, continuation lines,
//!    inherited `[DEFAULT]` keys, and the same errors for a duplicate key or section among them.
//!
//! Why the regions are exact: a line whose first byte is `[` can never continue a value (only a
//! line indented deeper than the setting above does), so it is a header exactly when it has a
//! closing `]`, and each section runs to the next such line. A line with a `[` after indentation
//! can be either; when the file has one, [`regions`] gives up and the caller reads the whole file.
//!
//! What this does not see: a syntax error in a section it does not read (another profile's
//! duplicate key, say). botocore, and every other ssoenv command, refuse such a file; `ssoenv
//! PROFILE` still serves a profile whose own sections are sound. That is the price of not reading
//! the other 19,999 profiles, and it never changes what a profile means.

use super::parse::{DEFAULTS_HEADER, header_name, is_py_space, section_header};
use super::section::SectionKind;

/// Lines of the file: `text[start..end]`, from the start of a line to the start of another line
/// (or the end of the text), and the 1-based number of its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Region {
    pub first_line: usize,
    pub start: usize,
    pub end: usize,
}

/// The regions of `text` (a BOM already removed) that hold every section the profiles `wanted`
/// can draw on, in file order; `None` when the file has a `[` line after indentation, which only
/// the line-by-line reading can place.
pub(super) fn regions(text: &str, wanted: &[String]) -> Option<Vec<Region>> {
    let bytes = text.as_bytes();
    let mut regions: Vec<Region> = Vec::new();
    // The region of the last header kept, while its end (the next header) is not known yet.
    let mut open: Option<usize> = None;
    let mut first_header = None;
    for at in memchr::memchr_iter(b'[', bytes) {
        let at_line_start = at == 0 || matches!(bytes[at - 1], b'\n' | b'\r');
        if !at_line_start {
            let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |end| end + 1);
            if text[line_start..at].chars().all(is_py_space) {
                return None;
            }
            continue;
        }
        let line_end =
            memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |end| at + end);
        let Some(header) = section_header(text[at..line_end].trim_end_matches(is_py_space)) else {
            // `[` without a closing `]`: a setting or a mistake of the section above.
            continue;
        };
        first_header.get_or_insert(at);
        if let Some(index) = open.take() {
            regions[index].end = at;
        }
        if is_wanted(header, wanted) {
            regions.push(Region {
                first_line: 0,
                start: at,
                end: bytes.len(),
            });
            open = Some(regions.len() - 1);
        }
    }
    let preamble_end = first_header.unwrap_or(bytes.len());
    if preamble_end > 0 {
        regions.insert(
            0,
            Region {
                first_line: 1,
                start: 0,
                end: preamble_end,
            },
        );
    }
    number_lines(bytes, &mut regions);
    Some(regions)
}

/// Whether the section under `header` can matter for the profiles `wanted`.
fn is_wanted(header: &str, wanted: &[String]) -> bool {
    if header == DEFAULTS_HEADER {
        return true;
    }
    if cannot_name(header, wanted) {
        return false;
    }
    match header_name(header) {
        (SectionKind::SsoSession | SectionKind::Services, _) => true,
        (SectionKind::Profile, name) => wanted.iter().any(|wanted| *wanted == name),
        (SectionKind::Defaults | SectionKind::Other, _) => false,
    }
}

/// A shortcut for the thousands of other profiles' headers: a `profile …` header without quotes
/// or backslashes names the word after the prefix, so unless it ends with one of the names
/// wanted (trailing separators aside), it names none of them.
fn cannot_name(header: &str, wanted: &[String]) -> bool {
    let plain = || {
        !header
            .bytes()
            .any(|byte| matches!(byte, b'\'' | b'"' | b'\\'))
    };
    let end = header.trim_end_matches([' ', '\t', '\r', '\n']);
    header.starts_with("profile")
        && !wanted.iter().any(|name| end.ends_with(name.as_str()))
        && plain()
}

/// Sets each region's `first_line`, counting line ends as Python's universal newlines do (`\n`,
/// `\r\n` and a lone `\r`).
fn number_lines(bytes: &[u8], regions: &mut [Region]) {
    let mut line = 1;
    let mut counted_to = 0;
    for region in regions {
        line += count_line_ends(&bytes[counted_to..region.start]);
        // A `\r\n` split by the boundary cannot happen: regions start after a whole line end.
        counted_to = region.start;
        region.first_line = line;
    }
}

fn count_line_ends(bytes: &[u8]) -> usize {
    let newlines = count_byte(bytes, b'\n');
    if memchr::memchr(b'\r', bytes).is_none() {
        return newlines;
    }
    let carriage_returns = count_byte(bytes, b'\r');
    let pairs = memchr::memmem::find_iter(bytes, b"\r\n").count();
    newlines + carriage_returns - pairs
}

/// How often `byte` occurs, in blocks small enough for a byte-wide counter, which the compiler
/// turns into vector instructions (a plain `filter().count()` does not vectorise as well).
fn count_byte(bytes: &[u8], byte: u8) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            let in_block: u8 = block
                .iter()
                .fold(0u8, |count, &b| count + u8::from(b == byte));
            usize::from(in_block)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    fn texts(text: &str, names: &[&str]) -> Vec<(usize, String)> {
        regions(text, &wanted(names))
            .expect("regular file")
            .into_iter()
            .map(|region| {
                (
                    region.first_line,
                    text[region.start..region.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn keeps_the_profile_its_sessions_and_defaults() {
        let text = "# top\n[profile a]\nx = 1\n[profile b]\ny = 2\n\n[sso-session s]\nz = 3\n\
                    [DEFAULT]\nd = 4\n[plugins]\np = 5\n";
        assert_eq!(
            texts(text, &["b"]),
            [
                (1, "# top\n".to_string()),
                (4, "[profile b]\ny = 2\n\n".to_string()),
                (7, "[sso-session s]\nz = 3\n".to_string()),
                (9, "[DEFAULT]\nd = 4\n".to_string()),
            ]
        );
    }

    #[test]
    fn every_spelling_of_the_name_is_kept() {
        let text = "[profile a]\nx = 1\n[profile 'a']\ny = 2\n[profiles \"a\"]\nz = 3\n[default]\n";
        let kept: Vec<usize> = texts(text, &["a"]).iter().map(|(line, _)| *line).collect();
        assert_eq!(kept, [1, 3, 5]);
        assert_eq!(texts(text, &["default"]), [(7, "[default]\n".to_string())]);
    }

    #[test]
    fn brackets_inside_lines_are_not_headers() {
        let text = "[profile a]\nnote = [x]\n[open\n[profile b]\n";
        assert_eq!(
            texts(text, &["a"]),
            [(1, "[profile a]\nnote = [x]\n[open\n".to_string())]
        );
    }

    #[test]
    fn line_numbers_follow_universal_newlines() {
        let text = "[profile x]\r\na = 1\rb = 2\n\r\n[profile a]\rk = v\r";
        assert_eq!(
            texts(text, &["a"]),
            [(5, "[profile a]\rk = v\r".to_string())]
        );
    }

    #[test]
    fn an_indented_bracket_line_needs_the_whole_reading() {
        assert_eq!(
            regions("[profile a]\nx = 1\n  [profile b]\n", &wanted(&["a"])),
            None
        );
        assert_eq!(regions("\u{a0}[profile a]\n", &wanted(&["a"])), None);
    }
}
