//! UDP encapsulation of IKE and ESP for NAT traversal (RFC 3947, RFC
//! 3948): the ports, the non-ESP marker that leads IKE on port 4500, and
//! the NAT-keepalive. The one place every layer takes this framing from.
//!
//! [`Repr`] is what a UDP payload on port 4500 carries (RFC 3948 §2.2,
//! §2.3); the UDP header around ESP is a [`super::udp::Repr`] sent with a
//! zero checksum (RFC 3948 §2.1).

use super::Error;

/// The ISAKMP port (RFC 2408 §2.5.2) and the NAT-T port (RFC 3947 §4).
pub const PORT_ISAKMP: u16 = 500;
pub const PORT_NATT: u16 = 4500;

/// RFC 3948 §2.2: IKE on port 4500 is led by four zero bytes.
pub const NON_ESP_MARKER: [u8; 4] = [0; 4];
/// RFC 3948 §2.3: a NAT-keepalive is one 0xFF byte.
pub const KEEPALIVE: [u8; 1] = [0xff];

/// What a UDP datagram on port 4500 carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr<'a> {
    /// A NAT-keepalive (RFC 3948 §2.3).
    Keepalive,
    /// An IKE message, after its non-ESP marker (RFC 3948 §2.2).
    Ike(&'a [u8]),
    /// An ESP packet: its first four bytes are the SPI, never zero.
    Esp(&'a [u8]),
}

impl<'a> Repr<'a> {
    /// Tells the three apart as RFC 3948 §2.2 says a receiver does: the
    /// single byte 0xFF is a keepalive, four zero bytes lead IKE, anything
    /// else of at least four bytes is ESP; shorter payloads are none.
    pub fn parse(payload: &'a [u8]) -> Result<Repr<'a>, Error> {
        if payload == KEEPALIVE {
            return Ok(Repr::Keepalive);
        }
        match payload.strip_prefix(&NON_ESP_MARKER) {
            Some(ike) => Ok(Repr::Ike(ike)),
            None if payload.len() >= NON_ESP_MARKER.len() => Ok(Repr::Esp(payload)),
            None => Err(Error::Truncated),
        }
    }

    pub fn buffer_len(&self) -> usize {
        match self {
            Repr::Keepalive => KEEPALIVE.len(),
            Repr::Ike(message) => NON_ESP_MARKER.len() + message.len(),
            Repr::Esp(packet) => packet.len(),
        }
    }

    /// Writes the payload into the front of `buffer`.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        let out = buffer
            .get_mut(..self.buffer_len())
            .ok_or(Error::Unrepresentable)?;
        match self {
            Repr::Keepalive => out.copy_from_slice(&KEEPALIVE),
            Repr::Ike(message) => {
                let (marker, rest) = out.split_at_mut(NON_ESP_MARKER.len());
                marker.copy_from_slice(&NON_ESP_MARKER);
                rest.copy_from_slice(message);
            }
            Repr::Esp(packet) => out.copy_from_slice(packet),
        }
        Ok(())
    }

    /// The payload as a new buffer.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![0; self.buffer_len()];
        let _ = self.emit(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UDP payloads on port 4500 from the `natt-keepalive` internet
    /// capture: a keepalive (tcpdump: `isakmp-nat-keep-alive`), the start
    /// of main mode message 5 with the initiator cookie's first 8 bytes
    /// (`NONESP-encap: isakmp: phase 1 I
    /// ident[E]`) and of an ESP packet
    /// (`UDP-encap: ESP(spi=0x07be314d,seq=0x1)`).
    const KEEPALIVE_PAYLOAD: [u8; 1] = [0xff];
    const IKE_PAYLOAD: [u8; 12] = [
        0x00, 0x00, 0x00, 0x00, 0xd9, 0x91, 0xe5, 0x36, 0xdc, 0x7b, 0x00, 0x93,
    ];
    const ESP_PAYLOAD: [u8; 8] = [0x07, 0xbe, 0x31, 0x4d, 0x00, 0x00, 0x00, 0x01];

    #[test]
    fn deconstruct() {
        assert_eq!(Repr::parse(&KEEPALIVE_PAYLOAD), Ok(Repr::Keepalive));
        assert_eq!(Repr::parse(&IKE_PAYLOAD), Ok(Repr::Ike(&IKE_PAYLOAD[4..])));
        assert_eq!(Repr::parse(&ESP_PAYLOAD), Ok(Repr::Esp(&ESP_PAYLOAD)));
    }

    #[test]
    fn construct() {
        assert_eq!(Repr::Keepalive.to_bytes(), KEEPALIVE_PAYLOAD);
        assert_eq!(Repr::Ike(&IKE_PAYLOAD[4..]).to_bytes(), IKE_PAYLOAD);
        assert_eq!(Repr::Esp(&ESP_PAYLOAD).to_bytes(), ESP_PAYLOAD);
        assert!(Repr::Keepalive.emit(&mut []).is_err());
    }

    #[test]
    fn round_trip() {
        for payload in [
            &KEEPALIVE_PAYLOAD[..],
            &IKE_PAYLOAD,
            &ESP_PAYLOAD,
            &[0, 0, 0, 0],
        ] {
            assert_eq!(Repr::parse(payload).unwrap().to_bytes(), payload);
        }
    }

    /// A keepalive is exactly one 0xFF; other payloads under four bytes
    /// are neither IKE nor ESP.
    #[test]
    fn every_truncation_fails_cleanly() {
        for cut in 0..4 {
            let parsed = Repr::parse(&ESP_PAYLOAD[..cut]);
            assert_eq!(parsed, Err(Error::Truncated), "{cut}");
            assert_eq!(Repr::parse(&IKE_PAYLOAD[..cut]), Err(Error::Truncated));
        }
        assert_eq!(Repr::parse(&[0xff, 0]), Err(Error::Truncated));
        assert_eq!(
            Repr::parse(&[0xff, 0, 0, 0]),
            Ok(Repr::Esp(&[0xff, 0, 0, 0]))
        );
    }
}
