//! Client addresses as the audit log keeps them: enough to tell an office from an unknown
//! network, not enough to single out a person's home connection.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address cut to its network: IPv4 to /24, IPv6 to /48.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TruncatedAddress(String);

impl TruncatedAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TruncatedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<TruncatedAddress> for String {
    fn from(address: TruncatedAddress) -> Self {
        address.0
    }
}

/// Truncates `address`: `203.0.113.77` becomes `203.0.113.0/24`, `2001:db8:abcd:12::1`
/// becomes `2001:db8:abcd::/48`. An IPv4 address carried in IPv6 (`::ffff:203.0.113.77`) is
/// treated as IPv4.
pub fn truncate_address(address: IpAddr) -> TruncatedAddress {
    match address {
        IpAddr::V4(v4) => truncate_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => truncate_v4(v4),
            None => {
                let s = v6.segments();
                let network = Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0);
                TruncatedAddress(format!("{network}/48"))
            }
        },
    }
}

fn truncate_v4(address: Ipv4Addr) -> TruncatedAddress {
    let [a, b, c, _] = address.octets();
    TruncatedAddress(format!("{}/24", Ipv4Addr::new(a, b, c, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truncated(text: &str) -> String {
        truncate_address(text.parse().unwrap()).to_string()
    }

    #[test]
    fn ipv4_addresses_keep_their_first_three_octets() {
        assert_eq!(truncated("203.0.113.77"), "203.0.113.0/24");
        assert_eq!(truncated("10.0.0.1"), "10.0.0.0/24");
    }

    #[test]
    fn ipv6_addresses_keep_their_first_48_bits() {
        assert_eq!(truncated("2001:db8:abcd:12::1"), "2001:db8:abcd::/48");
        assert_eq!(truncated("::1"), "::/48");
    }

    #[test]
    fn ipv4_inside_ipv6_is_truncated_as_ipv4() {
        assert_eq!(truncated("::ffff:203.0.113.77"), "203.0.113.0/24");
    }
}
