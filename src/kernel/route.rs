//! The node's IPv4 routing table: connected routes from interface
//! addresses, static routes and a default route; longest prefix wins.

use std::net::Ipv4Addr;

use crate::net::Prefix;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub dest: Prefix,
    /// Gateway; `None` for a connected route (the destination is the next hop).
    pub via: Option<Ipv4Addr>,
    pub iface: usize,
}

/// Where to send a packet: out of `iface` to the neighbour `next_hop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextHop {
    pub iface: usize,
    pub next_hop: Ipv4Addr,
}

#[derive(Clone, Debug, Default)]
pub struct RouteTable {
    /// Sorted by prefix length, longest first, so the first match wins.
    routes: Vec<Route>,
}

impl RouteTable {
    pub fn add(&mut self, route: Route) {
        let at = self
            .routes
            .partition_point(|r| r.dest.len >= route.dest.len);
        self.routes.insert(at, route);
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Longest-prefix match (RFC 1812 §5.2.4.3).
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<NextHop> {
        let route = self.routes.iter().find(|r| r.dest.contains(dst))?;
        Some(NextHop {
            iface: route.iface,
            next_hop: route.via.unwrap_or(dst),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Prefix {
        Prefix::parse(s).unwrap()
    }

    #[test]
    fn longest_prefix_wins() {
        let mut t = RouteTable::default();
        t.add(Route {
            dest: Prefix::DEFAULT,
            via: Some("10.0.0.1".parse().unwrap()),
            iface: 0,
        });
        t.add(Route {
            dest: p("10.0.0.0/24"),
            via: None,
            iface: 0,
        });
        t.add(Route {
            dest: p("192.168.2.0/24"),
            via: Some("10.0.0.2".parse().unwrap()),
            iface: 1,
        });
        t.add(Route {
            dest: p("192.168.2.128/25"),
            via: Some("10.0.0.3".parse().unwrap()),
            iface: 1,
        });
        let hop = |a: &str| t.lookup(a.parse().unwrap()).unwrap();
        assert_eq!(
            hop("10.0.0.7").next_hop,
            "10.0.0.7".parse::<Ipv4Addr>().unwrap()
        );
        assert_eq!(
            hop("192.168.2.5").next_hop,
            "10.0.0.2".parse::<Ipv4Addr>().unwrap()
        );
        assert_eq!(
            hop("192.168.2.200").next_hop,
            "10.0.0.3".parse::<Ipv4Addr>().unwrap()
        );
        assert_eq!(
            hop("8.8.8.8").next_hop,
            "10.0.0.1".parse::<Ipv4Addr>().unwrap()
        );
    }

    #[test]
    fn no_route_without_default() {
        let mut t = RouteTable::default();
        t.add(Route {
            dest: p("10.0.0.0/8"),
            via: None,
            iface: 0,
        });
        assert_eq!(t.lookup("11.0.0.1".parse().unwrap()), None);
    }
}
