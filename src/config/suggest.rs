//! "Did you mean …?" for a mistyped profile, sso-session or services name.

/// At most this many suggestions; more would bury the right one.
const MAX_SUGGESTIONS: usize = 3;

/// Jaro-Winkler similarity from which a name counts as close. Typos and small edits score above
/// it (`my-dev-profil` ~ `my-dev-profile`), unrelated names of similar shape below.
const MIN_SIMILARITY: f64 = 0.8;

/// The candidates close to `wanted`, best first: a match ignoring case, then names containing (or
/// contained in) `wanted`, then names similar by Jaro-Winkler. Ties keep file order.
pub(super) fn close_names<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter(|candidate| *candidate != wanted)
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let score = if lower == wanted_lower {
                3.0
            } else if wanted_lower.chars().count() >= 3
                && (lower.contains(&wanted_lower) || wanted_lower.contains(&lower))
            {
                2.0 + strsim::jaro_winkler(&wanted_lower, &lower)
            } else {
                strsim::jaro_winkler(&wanted_lower, &lower)
            };
            (score >= MIN_SIMILARITY).then_some((score, candidate))
        })
        .collect();
    // Stable sort: equal scores stay in file order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, name)| name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILES: [&str; 5] = [
        "default",
        "my-dev-profile",
        "my-prod-profile",
        "staging",
        "Admin",
    ];

    #[test]
    fn a_typo_suggests_the_intended_name_first() {
        let found = close_names("my-dev-profil", PROFILES);
        assert_eq!(found.first().map(String::as_str), Some("my-dev-profile"));
    }

    #[test]
    fn case_differences_are_found() {
        assert_eq!(close_names("admin", PROFILES), ["Admin"]);
    }

    #[test]
    fn a_fragment_suggests_the_names_containing_it() {
        let found = close_names("prod", PROFILES);
        assert_eq!(found.first().map(String::as_str), Some("my-prod-profile"));
    }

    #[test]
    fn unrelated_names_are_not_suggested() {
        assert!(close_names("billing", PROFILES).is_empty());
    }
}
