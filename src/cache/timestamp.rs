//! Timestamps in the cache files, and the form messages show them in.
//!
//! Writers disagree: the AWS CLI writes `2025-01-02T11:04:05Z`, the JS SDK adds milliseconds,
//! some tools write `+00:00`, and botocore's generic `JSONFileCache` writes the legacy
//! `2021-12-11T07:18:18UTC` (strftime's `%Z`). We accept all of them and write only the CLI's form,
//! the one every reader accepts (the Rust SDK rejects offsets and the `UTC` suffix).
//!
//! Every time in ssoenv is a [`time::OffsetDateTime`] in UTC. The `time` crate reads them (its
//! RFC 3339 parser, and format descriptions for the other forms); the few layouts we write are
//! spelled out here byte for byte, which needs no formatting machinery on the fast path.

use std::sync::LazyLock;

use time::format_description::well_known::Rfc3339;
use time::format_description::{FormatDescriptionV3, parse_borrowed};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Python's `%z` offsets (`+0000`, `-0500`), which RFC 3339 does not allow but dateutil
/// (botocore) does.
static WITH_COMPACT_OFFSET: LazyLock<FormatDescriptionV3<'static>> = LazyLock::new(|| {
    parse_borrowed::<3>(
        "[year]-[month]-[day][first [T] [ ]][hour]:[minute]:[second][optional [.[subsecond]]]\
         [offset_hour sign:mandatory][offset_minute]",
    )
    .expect("a valid format description")
});

/// What is left of the legacy form once its `UTC` (or `GMT`) suffix is cut off.
static WITHOUT_ZONE: LazyLock<FormatDescriptionV3<'static>> = LazyLock::new(|| {
    parse_borrowed::<3>(
        "[year]-[month]-[day][first [T] [ ]][hour]:[minute]:[second][optional [.[subsecond]]]",
    )
    .expect("a valid format description")
});

/// Parses any timestamp form found in AWS cache files; `None` for anything else.
///
/// Accepted: RFC 3339 with `Z` or any offset (`+00:00`, `-05:00`, also `+0000`), fractional
/// seconds, `T` or a space between date and time, and a `UTC` or `GMT` suffix in place of the
/// offset. A timestamp without any zone is rejected: its meaning depends on the writer's clock
/// settings, and botocore fails on it too. So is a time outside the years 1 to 9999 (in UTC):
/// Python, and so botocore and the AWS CLI, cannot represent it, and [`format_cli_timestamp`]
/// could not write it back in a form anyone reads (found by fuzzing: `-2639-04-01T03:00:30+22:40`
/// was accepted). The result is in UTC.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    parse_any_form(s.trim())?
        .checked_to_offset(UtcOffset::UTC)
        .filter(|t| (1..=9999).contains(&t.year()))
}

fn parse_any_form(s: &str) -> Option<OffsetDateTime> {
    if let Some(naive) = s.strip_suffix("UTC").or_else(|| s.strip_suffix("GMT")) {
        return PrimitiveDateTime::parse(naive.trim_end(), &*WITHOUT_ZONE)
            .ok()
            .map(PrimitiveDateTime::assume_utc);
    }
    // The `time` crate's RFC 3339 takes any byte between date and time, even a digit; writers
    // put `T`, `t` or a space there.
    if !matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(s, &*WITH_COMPACT_OFFSET))
        .ok()
        // RFC 3339 and Python stop short of a day; `time` allows offsets up to ±25:59.
        .filter(|t| t.offset().whole_hours().abs() < 24)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the AWS CLI's form (fractions are dropped, as Python's strftime does).
pub fn format_cli_timestamp(t: OffsetDateTime) -> String {
    format!("{}Z", date_and_time(t))
}

/// `YYYY-MM-DDTHH:MM:SSUTC`: Python's `strftime('%Y-%m-%dT%H:%M:%S%Z')` of a UTC datetime, as
/// botocore's `JSONFileCache` writes it.
pub fn format_python_timestamp(t: OffsetDateTime) -> String {
    format!("{}UTC", date_and_time(t))
}

/// `YYYY-MM-DD HH:MM UTC`, how messages show a time.
pub fn format_utc_minutes(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let (year, month, day) = (t.year(), u8::from(t.month()), t.day());
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        t.hour(),
        t.minute()
    )
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC.
fn date_and_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let (year, month, day) = (t.year(), u8::from(t.month()), t.day());
    let (hour, minute, second) = t.to_hms();
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")
}

/// A UTC time, for tests.
#[cfg(test)]
pub(crate) fn utc(
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
) -> OffsetDateTime {
    let month = time::Month::try_from(month).unwrap();
    time::Date::from_calendar_date(year, month, day)
        .and_then(|date| date.with_hms(hour, minute, second))
        .unwrap()
        .assume_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

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
        assert_eq!(millis, t + Duration::milliseconds(250));
        let micros = parse_timestamp("2021-12-11T07:18:18.000123UTC").unwrap();
        assert_eq!(micros, t + Duration::microseconds(123));
        let nanos = parse_timestamp("2021-12-11 07:18:18.1234567891+0000").unwrap();
        assert_eq!(nanos, t + Duration::nanoseconds(123_456_789));
        assert_eq!(
            parse_timestamp("2021-12-11T07:18:18Z").unwrap().offset(),
            UtcOffset::UTC
        );
        assert_eq!(
            parse_timestamp("2021-12-11T02:18:18-0500")
                .unwrap()
                .offset(),
            UtcOffset::UTC
        );
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
            // Not a separator, not an offset, not a field any writer leaves unpadded.
            "2021-12-11407:18:18Z",
            "2021-12-11T07:18:18+2400",
            "2021-12-11T07:18:18+24:00",
            "2021-12-11T7:18:18Z",
            "2021-12-11T7:18:18+0000",
            "2021-12-11T07:18:18 +0000",
            "21-12-11T07:18:18+0000",
            // A leap second anywhere but the end of a month.
            "2021-12-11T07:18:60Z",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s:?}");
        }
    }

    #[test]
    fn a_leap_second_is_the_last_moment_before_it() {
        let t = parse_timestamp("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(t, utc(2017, 1, 1, 0, 0, 0) - Duration::nanoseconds(1));
        assert_eq!(format_cli_timestamp(t), "2016-12-31T23:59:59Z");
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
        assert_eq!(
            format_cli_timestamp(utc(1, 1, 1, 0, 0, 0)),
            "0001-01-01T00:00:00Z"
        );
    }

    #[test]
    fn formats_like_python_and_for_messages() {
        let t = parse_timestamp("2025-01-02T06:40:09.5Z").unwrap();
        assert_eq!(format_python_timestamp(t), "2025-01-02T06:40:09UTC");
        assert_eq!(format_utc_minutes(t), "2025-01-02 06:40 UTC");
    }
}
