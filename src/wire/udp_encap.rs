//! UDP encapsulation of IKE and ESP for NAT traversal (RFC 3947, RFC
//! 3948): the ports, the non-ESP marker that leads IKE on port 4500, and
//! the NAT-keepalive. The one place every layer takes this framing from.

/// The ISAKMP port (RFC 2408 §2.5.2) and the NAT-T port (RFC 3947 §4).
pub const PORT_ISAKMP: u16 = 500;
pub const PORT_NATT: u16 = 4500;

/// RFC 3948 §2.2: IKE on port 4500 is led by four zero bytes.
pub const NON_ESP_MARKER: [u8; 4] = [0; 4];
/// RFC 3948 §2.3: a NAT-keepalive is one 0xFF byte.
pub const KEEPALIVE: [u8; 1] = [0xff];
