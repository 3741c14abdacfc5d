//! The client's IP address: the peer's, unless the peer is a proxy we were told to trust.

use std::net::IpAddr;

/// IP ranges whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

fn bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

impl TrustedProxies {
    /// Parses a comma-separated list of IPs and CIDR ranges; an entry that is neither is
    /// returned as the error.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, len) = entry.split_once('/').unwrap_or((entry, ""));
            let ip: IpAddr = addr.parse().map_err(|_| entry.to_owned())?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len = if len.is_empty() {
                max
            } else {
                len.parse()
                    .ok()
                    .filter(|l| *l <= max)
                    .ok_or(entry.to_owned())?
            };
            ranges.push((ip, len));
        }
        Ok(TrustedProxies(ranges))
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|(net, len)| {
            if net.is_ipv4() != ip.is_ipv4() {
                return false;
            }
            let width = if ip.is_ipv4() { 32 } else { 128 };
            let shift = width - u32::from(*len);
            let (a, b) = (bits(*net), bits(ip));
            shift >= 128 || (a >> shift) == (b >> shift)
        })
    }

    /// The client behind `peer`. When the peer is a trusted proxy, `X-Forwarded-For` is read
    /// from the right (the entries proxies appended), skipping trusted proxies: the first
    /// untrusted address is the client. Reading the leftmost entry instead would let any
    /// client choose its own address by sending the header, whenever a proxy appends to it
    /// rather than replacing it. A malformed entry stops the walk at the last address known.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for entry in header.rsplit(',').map(str::trim) {
            let Ok(ip) = entry.parse::<IpAddr>() else {
                break;
            };
            client = ip.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_peers_are_believed_and_from_the_right() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("1.2.3.4"), Some("9.9.9.9")), ip("1.2.3.4"));
        let t = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1, ::1").unwrap();
        assert!(t.trusts(ip("10.2.3.4")) && !t.trusts(ip("11.0.0.1")));
        assert!(t.trusts(ip("::ffff:127.0.0.1")), "mapped addresses count");
        assert_eq!(t.client(ip("10.0.0.5"), None), ip("10.0.0.5"));
        assert_eq!(t.client(ip("10.0.0.5"), Some("9.9.9.9")), ip("9.9.9.9"));
        // A spoofed leftmost entry is not believed: the proxy appended the real client.
        assert_eq!(
            t.client(ip("10.0.0.5"), Some("6.6.6.6, 8.8.8.8, 10.0.0.9")),
            ip("8.8.8.8")
        );
        assert_eq!(
            t.client(ip("10.0.0.5"), Some("junk, 8.8.8.8")),
            ip("8.8.8.8")
        );
        assert_eq!(
            t.client(ip("10.0.0.5"), Some("8.8.8.8, junk")),
            ip("10.0.0.5")
        );
        assert_eq!(t.client(ip("12.0.0.5"), Some("8.8.8.8")), ip("12.0.0.5"));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy").is_err());
    }
}
