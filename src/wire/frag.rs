//! IPv4 fragmentation (RFC 791 §3.1 "Identification", "Flags",
//! "Fragment Offset"; §3.2): the fields an IPv4 header carries for it,
//! how much data a fragment holds, and the key that tells which datagram
//! a fragment belongs to. Which options every fragment repeats is
//! [`super::ipv4::Options::copied`].

use std::net::Ipv4Addr;

use super::Error;
use super::ipv4::{self, Packet};

/// Bits of the flags and fragment offset word (RFC 791 §3.1): bit 0
/// reserved, DF, MF, then the offset in 8-byte units.
mod field {
    pub const DONT_FRAG: u16 = 0x4000;
    pub const MORE_FRAGS: u16 = 0x2000;
    pub const OFFSET: u16 = 0x1fff;
}

/// Fragment offsets count 8-byte blocks.
pub const UNIT: usize = 8;

/// The fragmentation fields of one IPv4 header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Repr {
    pub ident: u16,
    pub dont_frag: bool,
    pub more_frags: bool,
    /// Offset of this fragment's data in the datagram, in bytes (a
    /// multiple of [`UNIT`]).
    pub offset: usize,
}

impl Repr {
    /// Reads the fields of a header; the reserved bit is ignored.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Repr {
        let word = packet.flags_and_offset();
        Repr {
            ident: packet.ident(),
            dont_frag: word & field::DONT_FRAG != 0,
            more_frags: word & field::MORE_FRAGS != 0,
            offset: usize::from(word & field::OFFSET) * UNIT,
        }
    }

    /// The fields of a datagram's header, checked for length first.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Ok(Repr::parse(&Packet::new_checked(bytes)?))
    }

    /// An unfragmented datagram's fields.
    pub fn whole(ident: u16, dont_frag: bool) -> Repr {
        Repr {
            ident,
            dont_frag,
            more_frags: false,
            offset: 0,
        }
    }

    /// Writes identification, flags and offset (the reserved bit clear);
    /// the caller refills the checksum.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(&self, packet: &mut Packet<&mut T>) {
        packet.set_ident(self.ident);
        packet.set_flags_and_offset(self.word());
    }

    /// The flags and offset word.
    pub fn word(&self) -> u16 {
        let mut word = ((self.offset / UNIT) as u16) & field::OFFSET;
        if self.dont_frag {
            word |= field::DONT_FRAG;
        }
        if self.more_frags {
            word |= field::MORE_FRAGS;
        }
        word
    }

    /// A piece of a datagram: MF set, or data from past its start.
    pub fn is_fragment(&self) -> bool {
        self.more_frags || self.offset > 0
    }
}

/// Data bytes a fragment with a `header_len`-byte header may carry on a
/// link of `mtu` bytes if more follow: the room left, rounded down to a
/// multiple of 8 (RFC 791 §3.2), and never less than 8.
pub fn data_len(mtu: usize, header_len: usize) -> usize {
    (mtu.saturating_sub(header_len) / UNIT * UNIT).max(UNIT)
}

/// The datagram a fragment belongs to: RFC 791 §3.2's source,
/// destination, protocol and identification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    pub ident: u16,
}

impl Key {
    pub fn of(header: &ipv4::Repr) -> Key {
        Key {
            src: header.src,
            dst: header.dst,
            protocol: header.protocol,
            ident: header.frag.ident,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last fragment of an AH tunnel packet from the `ah-tunnel-yaml`
    /// scenario's WAN capture (tcpdump: `id 44531, offset 1480, flags
    /// [none], proto AH (51), length 68`); the data is cut after 8 bytes
    /// and the lengths and checksum made to fit.
    const LAST_FRAGMENT: [u8; 28] = [
        0x45, 0x00, 0x00, 0x1c, 0xad, 0xf3, 0x00, 0xb9, 0x40, 0x33, 0x53, 0xfe, 0xcb, 0x00, 0x71,
        0x02, 0xcb, 0x00, 0x71, 0x01, 0x0e, 0x2d, 0x4c, 0x6b, 0x8a, 0xa9, 0xc8, 0xe7,
    ];

    fn last_fragment() -> Repr {
        Repr {
            ident: 0xadf3,
            dont_frag: false,
            more_frags: false,
            offset: 1480,
        }
    }

    #[test]
    fn deconstruct() {
        let packet = Packet::new_checked(&LAST_FRAGMENT[..]).expect("valid");
        assert!(packet.verify_checksum());
        assert_eq!(Repr::parse(&packet), last_fragment());
        assert!(last_fragment().is_fragment());
        assert!(!Repr::whole(7, true).is_fragment());
    }

    #[test]
    fn construct() {
        let mut bytes = LAST_FRAGMENT;
        bytes[4..8].fill(0);
        let mut packet = Packet::new_unchecked(&mut bytes[..]);
        last_fragment().emit(&mut packet);
        packet.fill_checksum();
        assert_eq!(bytes, LAST_FRAGMENT);
    }

    #[test]
    fn round_trip() {
        for repr in [
            last_fragment(),
            Repr::whole(1, true),
            Repr {
                ident: 0xffff,
                dont_frag: false,
                more_frags: true,
                offset: 0x1fff * 8,
            },
        ] {
            let mut bytes = LAST_FRAGMENT;
            let mut packet = Packet::new_unchecked(&mut bytes[..]);
            repr.emit(&mut packet);
            assert_eq!(Repr::parse(&Packet::new_unchecked(&bytes[..])), repr);
        }
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        for cut in 0..LAST_FRAGMENT.len() {
            assert_eq!(
                Repr::parse_bytes(&LAST_FRAGMENT[..cut]),
                Err(Error::Truncated)
            );
        }
    }

    /// RFC 791 §3.2: 1500-byte links carry 1480 data bytes per fragment
    /// behind a 20-byte header; tiny MTUs still make progress.
    #[test]
    fn data_per_fragment() {
        assert_eq!(data_len(1500, 20), 1480);
        assert_eq!(data_len(576, 24), 552);
        assert_eq!(data_len(1499, 20), 1472);
        assert_eq!(data_len(20, 20), 8);
    }
}
