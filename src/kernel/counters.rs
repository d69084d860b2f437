//! Per-node packet counters and the reasons a node drops a packet.

/// Why the node kernel dropped a packet. Every drop is counted by reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Not a well-formed IPv4 header (RFC 791 §3.1).
    Malformed,
    /// Header checksum does not verify (RFC 791 §3.1).
    BadChecksum,
    /// Time to live reached zero while forwarding (RFC 1812 §5.3.1).
    TtlExceeded,
    /// No route to the destination.
    NoRoute,
    /// Addressed to another host and this node does not forward.
    NotForUs,
    /// Larger than the link MTU with DF set (RFC 1191).
    FragNeeded,
    /// Fragments not completed in time (RFC 791 §3.2, Linux: 30 s).
    ReassemblyTimeout,
    /// Reassembly buffers full, or an impossible fragment.
    ReassemblyLimit,
    /// The next hop is not on the outgoing link.
    NoNeighbor,
    /// A hook (IPsec, NAT) refused the packet.
    Policy,
    /// The local stack's receive queue was full.
    QueueFull,
    /// An SPD `discard` policy matched (RFC 4301 §4.4.1).
    PolicyDiscard,
    /// Inbound traffic not protected as its `ipsec` policy requires (RFC 4301 §5.2).
    PolicyMismatch,
    /// Came out of a tunnel-mode SA and no `in`/`fwd` policy covers it
    /// (Linux `__xfrm_policy_check`, XfrmInNoPols).
    NoPolicy,
    /// An `ipsec ... require` policy matched on output but no SA exists.
    NoSa,
    /// ESP/AH with an SPI no inbound SA has (RFC 4303 §3.4.2).
    UnknownSpi,
    /// Rejected by the anti-replay window (RFC 4303 §3.4.3).
    Replay,
    /// ICV did not verify (RFC 4303 §3.4.4, RFC 4302 §3.4.4).
    Integrity,
    /// ESP padding did not check out after decryption (RFC 4303 §2.4).
    BadPadding,
    /// An outbound SA's sequence number would cycle (RFC 4303 §3.3.3).
    SeqOverflow,
    /// An IPComp payload that does not decompress (RFC 3173 §3.3; Linux
    /// `ipcomp_input` fails, XfrmInStateProtoError).
    Decompress,
    /// A NAT had no mapping for an inbound packet.
    NatNoMapping,
    /// A NAT's mapping exists, but its filtering refused the sender.
    NatFiltered,
    /// A NAT with `esp: drop` met ESP or AH.
    NatEsp,
    /// A NAT cannot translate the packet (a fragment, or a protocol it
    /// has no mappings for).
    NatUntranslatable,
}

impl From<crate::wire::Error> for DropReason {
    /// A header the kernel could not accept: a bad checksum, or anything
    /// else wrong with it (RFC 791 §3.1).
    fn from(e: crate::wire::Error) -> DropReason {
        match e {
            crate::wire::Error::BadChecksum => DropReason::BadChecksum,
            _ => DropReason::Malformed,
        }
    }
}

impl DropReason {
    pub const ALL: [DropReason; 25] = [
        DropReason::Malformed,
        DropReason::BadChecksum,
        DropReason::TtlExceeded,
        DropReason::NoRoute,
        DropReason::NotForUs,
        DropReason::FragNeeded,
        DropReason::ReassemblyTimeout,
        DropReason::ReassemblyLimit,
        DropReason::NoNeighbor,
        DropReason::Policy,
        DropReason::QueueFull,
        DropReason::PolicyDiscard,
        DropReason::PolicyMismatch,
        DropReason::NoPolicy,
        DropReason::NoSa,
        DropReason::UnknownSpi,
        DropReason::Replay,
        DropReason::Integrity,
        DropReason::BadPadding,
        DropReason::SeqOverflow,
        DropReason::Decompress,
        DropReason::NatNoMapping,
        DropReason::NatFiltered,
        DropReason::NatEsp,
        DropReason::NatUntranslatable,
    ];

    /// The counter name, as written in expectations: `dropped.<name>`.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Malformed => "malformed",
            DropReason::BadChecksum => "bad-checksum",
            DropReason::TtlExceeded => "ttl-exceeded",
            DropReason::NoRoute => "no-route",
            DropReason::NotForUs => "not-for-us",
            DropReason::FragNeeded => "frag-needed",
            DropReason::ReassemblyTimeout => "reassembly-timeout",
            DropReason::ReassemblyLimit => "reassembly-limit",
            DropReason::NoNeighbor => "no-neighbor",
            DropReason::Policy => "policy",
            DropReason::QueueFull => "queue-full",
            DropReason::PolicyDiscard => "policy-discard",
            DropReason::PolicyMismatch => "policy-mismatch",
            DropReason::NoPolicy => "no-policy",
            DropReason::NoSa => "no-sa",
            DropReason::UnknownSpi => "unknown-spi",
            DropReason::Replay => "replay",
            DropReason::Integrity => "integrity",
            DropReason::BadPadding => "bad-padding",
            DropReason::SeqOverflow => "seq-overflow",
            DropReason::Decompress => "decompress",
            DropReason::NatNoMapping => "nat-no-mapping",
            DropReason::NatFiltered => "nat-filtered",
            DropReason::NatEsp => "nat-esp",
            DropReason::NatUntranslatable => "nat-untranslatable",
        }
    }
}

/// Counter names a `counter: { node: … }` expectation may use.
pub const NODE_COUNTERS: &[&str] = &[
    "sent",
    "received",
    "delivered",
    "forwarded",
    "fragments-created",
    "reassembled",
    "icmp-errors-sent",
    "dropped",
    "dropped.malformed",
    "dropped.bad-checksum",
    "dropped.ttl-exceeded",
    "dropped.no-route",
    "dropped.not-for-us",
    "dropped.frag-needed",
    "dropped.reassembly-timeout",
    "dropped.reassembly-limit",
    "dropped.no-neighbor",
    "dropped.policy",
    "dropped.queue-full",
    "dropped.policy-discard",
    "dropped.policy-mismatch",
    "dropped.no-policy",
    "dropped.no-sa",
    "dropped.unknown-spi",
    "dropped.replay",
    "dropped.integrity",
    "dropped.bad-padding",
    "dropped.seq-overflow",
    "dropped.decompress",
    "dropped.nat-no-mapping",
    "dropped.nat-filtered",
    "dropped.nat-esp",
    "dropped.nat-untranslatable",
    "nat.mappings-created",
    "nat.mappings-expired",
];

/// Counter names a `counter: { link: … }` expectation may use.
pub const LINK_COUNTERS: &[&str] = &[
    "sent",
    "delivered",
    "lost",
    "duplicated",
    "reordered",
    "dropped.queue-full",
    "dropped.down",
];

#[derive(Clone, Debug, Default)]
pub struct NodeCounters {
    /// Packets this node put on a link (after fragmentation).
    pub sent: u64,
    /// Packets that arrived from a link.
    pub received: u64,
    /// Packets handed to the local stack (after reassembly).
    pub delivered: u64,
    pub forwarded: u64,
    pub fragments_created: u64,
    pub reassembled: u64,
    pub icmp_errors_sent: u64,
    pub nat_mappings_created: u64,
    pub nat_mappings_expired: u64,
    dropped: [u64; DropReason::ALL.len()],
}

impl NodeCounters {
    pub fn drop(&mut self, reason: DropReason) {
        self.dropped[reason as usize] += 1;
    }

    pub fn dropped(&self, reason: DropReason) -> u64 {
        self.dropped[reason as usize]
    }

    pub fn dropped_total(&self) -> u64 {
        self.dropped.iter().sum()
    }

    /// Looks a counter up by its expectation name.
    pub fn get(&self, name: &str) -> Option<u64> {
        let value = match name {
            "sent" => self.sent,
            "received" => self.received,
            "delivered" => self.delivered,
            "forwarded" => self.forwarded,
            "fragments-created" => self.fragments_created,
            "reassembled" => self.reassembled,
            "icmp-errors-sent" => self.icmp_errors_sent,
            "nat.mappings-created" => self.nat_mappings_created,
            "nat.mappings-expired" => self.nat_mappings_expired,
            "dropped" => self.dropped_total(),
            other => {
                let reason = other.strip_prefix("dropped.")?;
                let r = DropReason::ALL.iter().find(|r| r.name() == reason)?;
                self.dropped(*r)
            }
        };
        Some(value)
    }

    /// Non-zero drop counters as `name=count`.
    pub fn drop_summary(&self) -> Vec<(&'static str, u64)> {
        DropReason::ALL
            .iter()
            .filter(|r| self.dropped(**r) > 0)
            .map(|r| (r.name(), self.dropped(*r)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_counter_resolves() {
        let c = NodeCounters::default();
        for name in NODE_COUNTERS {
            assert_eq!(c.get(name), Some(0), "{name}");
        }
        assert_eq!(c.get("dropped.nonsense"), None);
    }

    #[test]
    fn drops_are_counted_by_reason() {
        let mut c = NodeCounters::default();
        c.drop(DropReason::NoRoute);
        c.drop(DropReason::NoRoute);
        c.drop(DropReason::TtlExceeded);
        assert_eq!(c.get("dropped.no-route"), Some(2));
        assert_eq!(c.get("dropped"), Some(3));
        assert_eq!(c.drop_summary(), vec![("ttl-exceeded", 1), ("no-route", 2)]);
    }
}
