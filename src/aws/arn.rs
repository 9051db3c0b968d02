//! Reading ARNs (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`), the one place that knows
//! their layout.

/// The account of an ARN (`arn:aws:sts::123456789012:assumed-role/…`), as botocore's
/// `ArnParser` reads it; `None` for anything that is not an ARN or names no account.
pub(super) fn account_of_arn(arn: &str) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    let prefix = fields.next()?;
    let account = fields.nth(3)?;
    fields.next()?;
    (prefix == "arn" && !account.is_empty()).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_comes_from_the_assumed_role_arn() {
        assert_eq!(
            account_of_arn("arn:aws:sts::123456789012:assumed-role/Deploy/s"),
            Some("123456789012")
        );
        assert_eq!(account_of_arn("arn:aws:sts:::x"), None);
        assert_eq!(account_of_arn("not-an-arn"), None);
        assert_eq!(account_of_arn("arn:aws:sts::123"), None);
    }
}
