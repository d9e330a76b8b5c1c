//! Huawei Cloud regions and the service endpoints derived from them.
//!
//! `ServiceStage` lives at `https://servicestage.{region}.myhuaweicloud.com` and IAM at
//! `https://iam.{region}.myhuaweicloud.com`, except in regions on the European domain
//! (`eu-west-101`), which use `.myhuaweicloud.eu`. Regions without a regional IAM endpoint in
//! the official SDKs' table use the global one, `https://iam.myhuaweicloud.com`, as the SDKs do
//! when no IAM endpoint is given. The table of known regions lists the ones the official SDKs
//! name for `ServiceStage`. Other names still work, because new regions open without notice,
//! and only earn a warning with a "did you mean" when they are close to a known one.

use std::fmt;

use crate::endpoint::Endpoint;

/// Regions the official SDKs list for `ServiceStage` (huaweicloud-sdk-python-v3 and
/// huaweicloud-sdk-php-v3 region tables), plus the European-domain region.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "cn-east-2",
    "cn-east-3",
    "cn-north-1",
    "cn-north-4",
    "cn-south-1",
    "cn-southwest-2",
    "eu-west-101",
    "la-north-2",
    "la-south-2",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "sa-brazil-1",
    "tr-west-1",
];

/// Regions with a regional IAM endpoint, from the IAM region table of huaweicloud-sdk-php-v3
/// (`Services/Iam/V3/Region/IamRegion.php`).
pub const IAM_REGIONS: &[&str] = &[
    "ae-ad-1",
    "af-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-east-5",
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "eu-west-0",
    "eu-west-101",
    "la-north-2",
    "la-south-2",
    "me-east-1",
    "my-kualalumpur-1",
    "na-mexico-1",
    "ru-moscow-1",
    "sa-brazil-1",
    "tr-west-1",
];

/// The IAM endpoint that serves every region, used where no regional one is known.
pub const GLOBAL_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// Regions served from the `.myhuaweicloud.eu` domain instead of `.myhuaweicloud.com`.
const EUROPEAN_DOMAIN_REGIONS: &[&str] = &["eu-west-101"];

/// A region id such as `cn-north-4`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Region(String);

/// Why a region name cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{value:?} is not a region id; a region id is lowercase letters, digits and dashes, like \"cn-north-4\""
)]
pub struct RegionError {
    pub value: String,
}

impl Region {
    /// Validates a region id: lowercase ASCII letters, digits and dashes, 2 to 64 characters.
    pub fn parse(value: &str) -> Result<Self, RegionError> {
        let valid = (2..=64).contains(&value.len())
            && value
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(RegionError {
                value: value.to_owned(),
            })
        }
    }

    /// Returns the region id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns whether the official SDKs list this region.
    #[must_use]
    pub fn is_known(&self) -> bool {
        KNOWN_REGIONS.contains(&self.0.as_str())
    }

    /// Returns the known region closest in spelling, for a "did you mean" hint.
    #[must_use]
    pub fn closest_known(&self) -> Option<&'static str> {
        KNOWN_REGIONS
            .iter()
            .map(|known| (strsim::levenshtein(known, &self.0), *known))
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, known)| known)
    }

    fn domain(&self) -> &'static str {
        if EUROPEAN_DOMAIN_REGIONS.contains(&self.0.as_str()) {
            "myhuaweicloud.eu"
        } else {
            "myhuaweicloud.com"
        }
    }

    /// Returns the `ServiceStage` endpoint of this region.
    #[must_use]
    pub fn servicestage_endpoint(&self) -> Endpoint {
        self.service_endpoint("servicestage")
    }

    /// Returns the IAM endpoint of this region: the regional one when the SDKs list it, else
    /// the global one.
    #[must_use]
    pub fn iam_endpoint(&self) -> Endpoint {
        if IAM_REGIONS.contains(&self.0.as_str()) {
            self.service_endpoint("iam")
        } else {
            Endpoint::parse(GLOBAL_IAM_ENDPOINT)
                .unwrap_or_else(|error| unreachable!("global IAM endpoint rejected: {error}"))
        }
    }

    fn service_endpoint(&self, service: &str) -> Endpoint {
        let url = format!("https://{service}.{}.{}", self.0, self.domain());
        // A validated region id only contains characters that are valid in a host name.
        Endpoint::parse(&url)
            .unwrap_or_else(|error| unreachable!("derived endpoint {url} rejected: {error}"))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts the `ServiceStage` and IAM endpoints derived from `region`.
    fn assert_endpoints(region: &str, servicestage: &str, iam: &str) {
        let region = Region::parse(region).expect("valid");
        assert_eq!(region.servicestage_endpoint().to_string(), servicestage);
        assert_eq!(region.iam_endpoint().to_string(), iam);
    }

    #[test]
    fn endpoints_follow_region() {
        assert_endpoints(
            "ap-southeast-1",
            "https://servicestage.ap-southeast-1.myhuaweicloud.com",
            "https://iam.ap-southeast-1.myhuaweicloud.com",
        );
    }

    #[test]
    fn european_region_uses_eu_domain() {
        assert_endpoints(
            "eu-west-101",
            "https://servicestage.eu-west-101.myhuaweicloud.eu",
            "https://iam.eu-west-101.myhuaweicloud.eu",
        );
    }

    #[test]
    fn region_without_regional_iam_uses_global_iam() {
        assert_endpoints(
            "xx-new-1",
            "https://servicestage.xx-new-1.myhuaweicloud.com",
            "https://iam.myhuaweicloud.com",
        );
    }

    #[test]
    fn every_known_region_has_regional_iam() {
        for known in KNOWN_REGIONS {
            assert!(IAM_REGIONS.contains(known), "{known} has no regional IAM");
        }
    }

    #[test]
    fn invalid_region_ids_are_rejected() {
        for value in [
            "",
            "CN-NORTH-4",
            "cn north 4",
            "cn-north-4.evil.com",
            "-cn",
            "cn/../x",
        ] {
            assert!(Region::parse(value).is_err(), "{value:?} accepted");
        }
    }

    #[test]
    fn unknown_region_suggests_close_known_one() {
        let region = Region::parse("cn-nort-4").expect("valid syntax");
        assert!(!region.is_known());
        assert_eq!(region.closest_known(), Some("cn-north-4"));
        assert_eq!(
            Region::parse("xx-yyyy-9").expect("valid").closest_known(),
            None
        );
    }
}
