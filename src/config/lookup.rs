//! Finding the sections one profile needs without reading every line of the file.
//!
//! A config file that `ssoenv populate` filled for a large organization holds tens of thousands of
//! profiles (20,000 make 2.6 MB), and `ssoenv PROFILE` runs at every `eval` and prompt refresh.
//! Reading such a file into sections cost 65 times a hello-world process (300 M instructions);
//! measured, a prototype that only finds every line end and header already costs more than the
//! rest of the fast path, before any of the per-line work a reader does. So the fast path does not
//! read every line: this module looks only at the lines that start with `[`:
//!
//! 1. One pass over the file finds them with a vectorised byte search (`memchr`), keeping the
//!    headers that can matter for the profiles asked for: each one that names one of them
//!    (however it is spelled: `[profile a]`, `[profile 'a']`, `[default]`), every
//!    `[sso-session …]`, `[services …]` and `[DEFAULT]` (their keys are inherited by every
//!    section), and the lines before the first header. The pass streams the file through one
//!    reused buffer ([`CHUNK`] bytes, a line cut by the buffer's end carried over to the next
//!    read) and keeps only byte ranges and line numbers: holding the whole file cost one page
//!    fault per 4 KiB of it, and checking all of it for UTF-8 most of the instructions.
//! 2. Those regions, from a header to the next header, are then read from the file and go
//!    through the same line reader as the whole file ([`super::parse`]), with their real line
//!    numbers, so a section read here is exactly the section the whole-file reading gives: same
//!    keys, values, continuation lines, inherited `[DEFAULT]` keys, and the same errors for a
//!    duplicate key or section among them.
//!
//! Why the regions are exact: a line whose first byte is `[` can never continue a value (only a
//! line indented deeper than the setting above does), so it is a header exactly when it has a
//! closing `]`, and each section runs to the next such line. A line with a `[` after indentation
//! can be either; when the file has one, [`scan`] gives up and the caller reads the whole file.
//!
//! What this does not see: a syntax error in a section it does not read (another profile's
//! duplicate key, say), or bytes that are not UTF-8 there. botocore, and every other ssoenv
//! command, refuse such a file; `ssoenv PROFILE` still serves a profile whose own sections are sound. That is the price of not reading
//! the other 19,999 profiles, and it never changes what a profile means.

use std::io::{self, Read};

use super::parse::{DEFAULTS_HEADER, header_name, is_py_space};
use super::section::SectionKind;

/// How much of the file one read brings in: the scan holds one such buffer (grown only for a
/// line longer than it), so a file of any size costs the same memory and page faults.
pub(super) const CHUNK: usize = 64 * 1024;

const BOM: &[u8] = "\u{feff}".as_bytes();

/// Lines of the file: bytes `start..end`, from the start of a line to the start of another line
/// (or the end of the file), and the 1-based number of its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Region {
    pub first_line: usize,
    pub start: usize,
    pub end: usize,
}

/// The regions of `file` that hold every section the profiles `wanted` can draw on, in file
/// order, as byte offsets in the file (a leading BOM is not part of any). The file goes through
/// one buffer, `chunk` bytes at a time; a line cut by a chunk's end is carried to the next read.
/// `None` when only the line-by-line reading can place the sections: a `[` line after
/// indentation, or a header that may be kept (or such an indentation) that is not UTF-8 (the
/// whole reading then reports it). Nothing else is checked for UTF-8 here: the caller checks the
/// regions it reads.
pub(super) fn scan(
    file: &mut impl Read,
    wanted: &[String],
    chunk: usize,
) -> io::Result<Option<Vec<Region>>> {
    let mut scanner = Scanner::new(wanted);
    let mut buffer = vec![0; chunk.max(1)];
    // `buffer[..filled]` holds the bytes not scanned yet; the first is at `offset` in the file.
    let mut filled = 0;
    let mut offset = 0;
    loop {
        if filled == buffer.len() {
            buffer.resize(filled + chunk.max(1), 0);
        }
        let read = match file.read(&mut buffer[filled..]) {
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        filled += read;
        let at_end = read == 0;
        let whole_lines = if at_end {
            filled
        } else {
            whole_lines_end(&buffer[..filled])
        };
        let mut lines = &buffer[..whole_lines];
        let mut lines_offset = offset;
        if offset == 0 && lines.starts_with(BOM) {
            lines = &lines[BOM.len()..];
            lines_offset = BOM.len();
            scanner.text_start = BOM.len();
        }
        if !scanner.feed(lines, lines_offset) {
            return Ok(None);
        }
        buffer.copy_within(whole_lines..filled, 0);
        filled -= whole_lines;
        offset += whole_lines;
        if at_end {
            return Ok(Some(scanner.finish(offset)));
        }
    }
}

/// The regions of `text` (a BOM already removed), read in chunks of `chunk` bytes.
#[cfg(test)]
fn regions(text: &str, wanted: &[String], chunk: usize) -> Option<Vec<Region>> {
    scan(&mut text.as_bytes(), wanted, chunk).expect("reading a slice")
}

/// Where the whole lines of `bytes` end: after its last line end, unless that is a `\r` the
/// next read may follow with the `\n` of the same line end.
fn whole_lines_end(bytes: &[u8]) -> usize {
    let Some(last) = memchr::memrchr2(b'\n', b'\r', bytes) else {
        return 0;
    };
    if bytes[last] == b'\r' && last + 1 == bytes.len() {
        return memchr::memrchr2(b'\n', b'\r', &bytes[..last]).map_or(0, |end| end + 1);
    }
    last + 1
}

/// The header scan's state between two runs of whole lines.
struct Scanner<'w> {
    wanted: &'w [String],
    regions: Vec<Region>,
    /// The region of the last header kept, while its end (the next header) is not known yet.
    open: Option<usize>,
    first_header: Option<usize>,
    /// Where the text starts: after the BOM, if any.
    text_start: usize,
    /// Line ends counted so far, up to offset `counted_to`.
    line_ends: usize,
    counted_to: usize,
}

impl<'w> Scanner<'w> {
    fn new(wanted: &'w [String]) -> Self {
        Scanner {
            wanted,
            regions: Vec::new(),
            open: None,
            first_header: None,
            text_start: 0,
            line_ends: 0,
            counted_to: 0,
        }
    }

    /// Scans `bytes`, whole lines that start at `offset` in the file; `false` when a `[` line
    /// needs the line-by-line reading.
    fn feed(&mut self, bytes: &[u8], offset: usize) -> bool {
        self.counted_to = self.counted_to.max(offset);
        // Most files have no quote or backslash at all (`populate` writes none): one search
        // spares each header its own.
        let has_quotes = memchr::memchr3(b'\'', b'"', b'\\', bytes).is_some();
        for at in memchr::memchr_iter(b'[', bytes) {
            let at_line_start = at == 0 || matches!(bytes[at - 1], b'\n' | b'\r');
            if !at_line_start {
                let line_start =
                    memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |end| end + 1);
                match std::str::from_utf8(&bytes[line_start..at]) {
                    Ok(indentation) if !indentation.chars().all(is_py_space) => continue,
                    _ => return false,
                }
            }
            let line_end =
                memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |end| at + end);
            let Some(header) = header_bytes(&bytes[at..line_end]) else {
                // `[` without a closing `]`: a setting or a mistake of the section above.
                continue;
            };
            // Checked for UTF-8 only when it may be kept: the other profiles' headers are passed
            // over on their bytes.
            let wanted = !cannot_name(header, self.wanted, has_quotes)
                && match std::str::from_utf8(header) {
                    Ok(header) => is_wanted(header, self.wanted),
                    Err(_) => return false,
                };
            let start = offset + at;
            self.first_header.get_or_insert(start);
            if let Some(index) = self.open.take() {
                self.regions[index].end = start;
            }
            if wanted {
                self.line_ends += count_line_ends(&bytes[self.counted_to - offset..at]);
                self.counted_to = start;
                self.regions.push(Region {
                    first_line: self.line_ends + 1,
                    start,
                    end: start,
                });
                self.open = Some(self.regions.len() - 1);
            }
        }
        // A `\r\n` is never cut here: a run of whole lines does not end between the two.
        self.line_ends += count_line_ends(&bytes[self.counted_to - offset..]);
        self.counted_to = offset + bytes.len();
        true
    }

    /// The regions, once the file ended at `end`.
    fn finish(mut self, end: usize) -> Vec<Region> {
        if let Some(index) = self.open {
            self.regions[index].end = end;
        }
        let preamble_end = self.first_header.unwrap_or(end);
        if preamble_end > self.text_start {
            self.regions.insert(
                0,
                Region {
                    first_line: 1,
                    start: self.text_start,
                    end: preamble_end,
                },
            );
        }
        self.regions
    }
}

/// The header of a line that starts with `[`: the bytes up to its last `]` (what
/// [`section_header`](super::parse::section_header) gives once trailing whitespace is trimmed, which holds no `]`); `None`
/// when it has no `]` after the first byte but one.
fn header_bytes(line: &[u8]) -> Option<&[u8]> {
    let close = memchr::memrchr(b']', line)?;
    (close > 1).then(|| &line[1..close])
}

/// Whether the section under `header` can matter for the profiles `wanted`.
fn is_wanted(header: &str, wanted: &[String]) -> bool {
    if header == DEFAULTS_HEADER {
        return true;
    }
    match header_name(header) {
        (SectionKind::SsoSession | SectionKind::Services, _) => true,
        (SectionKind::Profile, name) => wanted.iter().any(|wanted| *wanted == name),
        (SectionKind::Defaults | SectionKind::Other, _) => false,
    }
}

/// A shortcut for the thousands of other profiles' headers: a `profile …` header without quotes
/// or backslashes names the word after the prefix, so unless it ends with one of the names
/// wanted (trailing separators aside), it names none of them. `may_have_quotes`: whether the
/// text around it has any.
fn cannot_name(header: &[u8], wanted: &[String], may_have_quotes: bool) -> bool {
    if !header.starts_with(b"profile") {
        return false;
    }
    let mut end = header;
    while let [rest @ .., b' ' | b'\t' | b'\r' | b'\n'] = end {
        end = rest;
    }
    !wanted.iter().any(|name| end.ends_with(name.as_bytes()))
        && (!may_have_quotes || memchr::memchr3(b'\'', b'"', b'\\', header).is_none())
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

    /// Chunk sizes that cut lines, headers and `\r\n` pairs anywhere, and the real one.
    const CHUNKS: [usize; 6] = [1, 2, 3, 7, 16, CHUNK];

    /// The regions' texts and first lines, the same for every chunk size.
    fn texts(text: &str, names: &[&str]) -> Vec<(usize, String)> {
        let read = |chunk| {
            regions(text, &wanted(names), chunk)
                .expect("regular file")
                .into_iter()
                .map(|region| {
                    (
                        region.first_line,
                        text[region.start..region.end].to_string(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let found = read(CHUNK);
        for chunk in CHUNKS {
            assert_eq!(read(chunk), found, "chunk {chunk}");
        }
        found
    }

    #[test]
    fn a_bom_is_in_no_region() {
        let text = "\u{feff}# top\n[profile a]\nx = 1\n";
        for chunk in CHUNKS {
            let found = regions(text, &wanted(&["a"]), chunk).expect("regular file");
            let starts: Vec<(usize, usize)> = found
                .iter()
                .map(|region| (region.first_line, region.start))
                .collect();
            assert_eq!(starts, [(1, 3), (2, 9)], "chunk {chunk}");
        }
    }

    #[test]
    fn a_line_longer_than_the_chunk_is_read_whole() {
        let long = format!("[profile a]\nnote = {}\n[profile b]\n", "x".repeat(100));
        assert_eq!(
            texts(&long, &["a"]),
            [(1, long[..long.len() - "[profile b]\n".len()].to_string())]
        );
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
        for chunk in CHUNKS {
            let indented = regions(
                "[profile a]\nx = 1\n  [profile b]\n",
                &wanted(&["a"]),
                chunk,
            );
            assert_eq!(indented, None);
            assert_eq!(regions("\u{a0}[profile a]\n", &wanted(&["a"]), chunk), None);
        }
    }
}
