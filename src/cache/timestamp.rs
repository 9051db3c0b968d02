//! Timestamps in the cache files.
//!
//! Writers disagree: the AWS CLI writes `2025-01-02T11:04:05Z`, the JS SDK adds milliseconds,
//! some tools write `+00:00`, and botocore's generic `JSONFileCache` writes the legacy
//! `2021-12-11T07:18:18UTC` (strftime's `%Z`). We accept all of them and write only the CLI's form,
//! the one every reader accepts (the Rust SDK rejects offsets and the `UTC` suffix).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, SecondsFormat, Utc};

/// Parses any timestamp form found in AWS cache files; `None` for anything else.
///
/// Accepted: RFC 3339 with `Z` or any offset (`+00:00`, `+0000`, `-05:00`), fractional seconds,
/// `T` or a space between date and time, and a `UTC` or `GMT` suffix in place of the offset. A
/// timestamp without any zone is rejected: its meaning depends on the writer's clock settings, and
/// botocore fails on it too. So is a time outside the years 1 to 9999 (in UTC): Python, and so
/// botocore and the AWS CLI, cannot represent it, and [`format_cli_timestamp`] could not write it
/// back in a form anyone reads (found by fuzzing: `-2639-04-01T03:00:30+22:40` was accepted).
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    parse_any_form(s.trim()).filter(|t| (1..=9999).contains(&t.year()))
}

fn parse_any_form(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // `+0000`-style offsets, which RFC 3339 does not allow but dateutil (botocore) does.
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::<FixedOffset>::parse_from_str(s, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let naive = s
        .strip_suffix("UTC")
        .or_else(|| s.strip_suffix("GMT"))?
        .trim_end();
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(naive, format).ok())
        .map(|t| t.and_utc())
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the AWS CLI's form (fractions are dropped, as Python's strftime does).
pub fn format_cli_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn parses_every_writer_form() {
        let t = utc(2021, 12, 11, 7, 18, 18);
        for s in [
            "2021-12-11T07:18:18Z",
            "2021-12-11T07:18:18z",
            "2021-12-11T07:18:18+00:00",
            "2021-12-11T07:18:18+0000",
            "2021-12-11T08:18:18+01:00",
            "2021-12-11T02:18:18-05:00",
            "2021-12-11 07:18:18Z",
            "2021-12-11T07:18:18UTC",
            "2021-12-11T07:18:18 UTC",
            "2021-12-11T07:18:18GMT",
            " 2021-12-11T07:18:18Z\n",
        ] {
            assert_eq!(parse_timestamp(s), Some(t), "{s:?}");
        }
        let millis = parse_timestamp("2021-12-11T07:18:18.250Z").unwrap();
        assert_eq!(millis.timestamp_millis(), t.timestamp_millis() + 250);
        let micros = parse_timestamp("2021-12-11T07:18:18.000123UTC").unwrap();
        assert_eq!(micros.timestamp_micros(), t.timestamp_micros() + 123);
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for s in [
            "",
            "UTC",
            "2021-12-11",
            "2021-12-11T07:18:18",
            "2021-13-11T07:18:18Z",
            "2021-12-11T07:18:18Zjunk",
            "1639207098",
            "yesterday",
            // Outside what Python (botocore, the CLI) can represent, and what we could write back.
            "-2639-04-01T03:00:30.2+2240",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:00:00-05:00",
            "+10000-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s:?}");
        }
    }

    #[test]
    fn every_accepted_time_is_written_back_readably() {
        for s in [
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "9999-12-31T23:00:00+05:00",
        ] {
            let t = parse_timestamp(s).expect(s);
            assert_eq!(parse_timestamp(&format_cli_timestamp(t)), Some(t), "{s}");
        }
    }

    #[test]
    fn formats_like_the_cli() {
        let t = parse_timestamp("2026-11-26T12:27:29.987654+00:00").unwrap();
        assert_eq!(format_cli_timestamp(t), "2026-11-26T12:27:29Z");
        assert_eq!(
            format_cli_timestamp(utc(2025, 1, 2, 3, 4, 5)),
            "2025-01-02T03:04:05Z"
        );
    }
}
