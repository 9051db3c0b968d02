//! Which AWS partition a region belongs to, and the hosts of the partition's console and
//! sign-in (federation) endpoint: the one place that knows them. The SDK resolves the service
//! endpoints by itself; the console and the federation endpoint are no SDK services, so their
//! hosts are spelled out here.

/// An AWS partition: a separate copy of AWS with its own accounts and hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-us-gov`: GovCloud (US), regions `us-gov-*`.
    AwsUsGov,
    /// `aws-cn`: the China regions, `cn-*`.
    AwsCn,
}

impl Partition {
    /// The partition of `region` (`us-gov-west-1` → GovCloud, `cn-north-1` → China, anything
    /// else → the commercial partition).
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else if region.starts_with("cn-") {
            Partition::AwsCn
        } else {
            Partition::Aws
        }
    }

    /// The federation endpoint (`/federation`) and console sign-out (`/oauth`) host.
    pub fn signin_host(self) -> &'static str {
        match self {
            Partition::Aws => "signin.aws.amazon.com",
            Partition::AwsUsGov => "signin.amazonaws-us-gov.com",
            Partition::AwsCn => "signin.amazonaws.cn",
        }
    }

    /// The console's host for `region`: regional in the commercial partition
    /// (`eu-west-1.console.aws.amazon.com`), one host in the other two (the region then goes in
    /// the query).
    pub fn console_host(self, region: &str) -> String {
        match self {
            Partition::Aws => format!("{region}.console.aws.amazon.com"),
            Partition::AwsUsGov => "console.amazonaws-us-gov.com".to_string(),
            Partition::AwsCn => "console.amazonaws.cn".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_chooses_the_partition_and_its_hosts() {
        let cases = [
            (
                "us-east-1",
                "signin.aws.amazon.com",
                "us-east-1.console.aws.amazon.com",
            ),
            (
                "eu-central-1",
                "signin.aws.amazon.com",
                "eu-central-1.console.aws.amazon.com",
            ),
            (
                "us-gov-west-1",
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com",
            ),
            (
                "us-gov-east-1",
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com",
            ),
            ("cn-north-1", "signin.amazonaws.cn", "console.amazonaws.cn"),
            (
                "cn-northwest-1",
                "signin.amazonaws.cn",
                "console.amazonaws.cn",
            ),
        ];
        for (region, signin, console) in cases {
            let partition = Partition::of_region(region);
            assert_eq!(partition.signin_host(), signin, "{region}");
            assert_eq!(partition.console_host(region), console, "{region}");
        }
        // "us-" alone is the commercial partition, not GovCloud.
        assert_eq!(Partition::of_region("us-west-2"), Partition::Aws);
    }
}
