//! Where webhooks may go. A partner names the URL, so without a check it could make our
//! servers call into our own network (SSRF): loopback, private, link-local (cloud metadata
//! lives at 169.254.169.254) and other non-global addresses are refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// True when `ip` is a globally routable unicast address, the only kind a webhook may reach.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT, 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, 198.18.0.0/15
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated), fec0::/10
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0 // IPv4-compatible and other embeddings, ::/16 (mapped ones are checked above)
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64, maps to IPv4
        || first == 0x2001 && ip.segments()[1] == 0 // Teredo, tunnels to IPv4
        || first == 0x2002) // 6to4, maps to IPv4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn refuses_our_own_networks() {
        for s in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "::127.0.0.1",
            "::a9fe:a9fe",
            "::ffff:0:7f00:1",
            "2001::5efe:7f00:1",
            "64:ff9b:1::a00:1",
        ] {
            assert!(!is_public_address(ip(s)), "{s} must be refused");
        }
    }

    #[test]
    fn allows_the_internet() {
        for s in [
            "1.1.1.1",
            "114.114.114.114",
            "172.32.0.1",
            "100.128.0.1",
            "2400:3200::1",
            "::ffff:1.1.1.1",
        ] {
            assert!(is_public_address(ip(s)), "{s} must be allowed");
        }
    }
}
