//! Every expected string below is what tcpdump 4.99.3 printed (`tcpdump
//! -n -t -r`) for the same UDP payload in one pcap (LINKTYPE_RAW, IPv4 +
//! UDP), read in this order, after its `IP SRC.PORT > DST.PORT: ` prefix.

use super::*;
use proptest::prelude::*;

/// (source, destination, source port, destination port, UDP payload,
/// tcpdump's text). Order matters: tcpdump's initiator cache carries over.
const CAPTURE: &[(&str, &str, u16, u16, &str, &str)] = &[
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be4400000000000000000d10020000000000000000300d000014afcad71368a1f1c96b8696fc77570100",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c50d10020000000000000000300d000014afcad71368a1f1c96b8696fc77570100",
        "isakmp: phase 1 R ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c50410020000000000000000300d000014afcad71368a1f1c96b8696fc77570100",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c505100201000000000000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "isakmp: phase 1 I ident[E]",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c505100201000000000000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "isakmp: phase 1 R ident[E]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c5081020018a3c51e20000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "isakmp: phase 2/others I oakley-quick[E]",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c5081020018a3c51e20000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "isakmp: phase 2/others R oakley-quick[E]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c5081020038a3c51e20000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "isakmp: phase 2/others I oakley-quick[EC]",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c508100501123456780000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "isakmp: phase 2/others R inf[E]",
    ),
    (
        "10.9.9.9",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c508100501123456780000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "isakmp: phase 2/others ? inf[E]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501100402000000000000001c",
        "isakmp: phase 1 I agg[C]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501100104000000000000001c",
        "isakmp: phase 1 I base[]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c5011003ff000000000000001c",
        "isakmp: phase 1 I auth[EC]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501102100000000000000001c",
        "isakmp: phase 1 I oakley-newgroup",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501100600000000000000001c",
        "isakmp: phase 1 I #6",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501100000000000000000001c",
        "isakmp: phase 1 I none",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501102200000000000000001c",
        "isakmp: phase 1 I ikev2_init",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501102500000000000000001c",
        "isakmp: phase 1 I inf2",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501102600000000000000001c",
        "isakmp: phase 1 I #38",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c50110ff00000000010000001c",
        "isakmp: phase 2/others I #255",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "11111111111111110df26618a47329c501100200000000000000001c",
        "isakmp: phase 1 ? ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "0000000000000000000000000000000001100200000000000000001c",
        "isakmp: phase 1 ? ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be44000000000000000001110200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be44000000000000000001202208000000000000001c",
        "isakmp: parent_sa ikev2_init[I]",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501202320000000010000001c",
        "isakmp: child_sa  ikev2_auth[R]",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501202538000000000000001c",
        "isakmp: parent_sa inf2[IVR]",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "5f1e7c3a9102be440df26618a47329c501202401000000050000001c",
        "isakmp: child_sa  child_sa[]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be44000000000000000001300200000000000000001c",
        "isakmp:",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be44000000000000000001000200000000000000001c",
        "isakmp:",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5f1e7c3a9102be4400000000000000000110020000000000000000",
        " [|isakmp]",
    ),
    ("192.168.1.5", "192.168.2.5", 500, 500, "", " [|isakmp]"),
    ("192.168.1.5", "192.168.2.5", 500, 500, "ff", " [|isakmp]"),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "2222222222222222000000000000000001100400000000000000001c",
        "isakmp: phase 1 I agg",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "22222222222222220df26618a47329c501100400000000000000001c",
        "isakmp: phase 1 R agg",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "22222222222222220df26618a47329c501100400000000000000001c",
        "isakmp: phase 1 I agg",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "000000005f1e7c3a9102be440df26618a47329c505100201000000000000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "NONESP-encap: isakmp: phase 1 I ident[E]",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        4500,
        4500,
        "000000005f1e7c3a9102be440df26618a47329c505100201000000000000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "NONESP-encap: isakmp: phase 1 R ident[E]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "00000000333333333333333300000000000000000110020000000000000000300d000014afcad71368a1f1c96b8696fc77570100",
        "NONESP-encap: isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "ff",
        "isakmp-nat-keep-alive",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "00",
        " [|isakmp_rfc3948]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "",
        " [|isakmp_rfc3948]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "ffff",
        " [|isakmp_rfc3948]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "000000",
        " [|isakmp_rfc3948]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "00000000",
        "NONESP-encap:  [|isakmp]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "000000000101010101010101010101010101010101010101",
        "NONESP-encap:  [|isakmp]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "00001234000000010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "UDP-encap: ESP(spi=0x00001234,seq=0x1), length 100",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "c0ffee01000000ff00000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "UDP-encap: ESP(spi=0xc0ffee01,seq=0xff), length 48",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "0000123400000001",
        "UDP-encap:  [|esp]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "000012340000000102",
        "UDP-encap: ESP(spi=0x00001234,seq=0x1), length 9",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "00001234",
        "UDP-encap:  [|esp]",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        4500,
        "5f1e7c3a9102be440df26618a47329c505100201000000000000004c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
        "UDP-encap: ESP(spi=0x5f1e7c3a,seq=0x9102be44), length 76",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        4500,
        500,
        "5f1e7c3a9102be44000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        1500,
        4500,
        "5f1e7c3a9102be44000000000000000001100200000000000000001c",
        "UDP-encap: ESP(spi=0x5f1e7c3a,seq=0x9102be44), length 28",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4040404040404040000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4141414141414141000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4242424242424242000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4343434343434343000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4444444444444444000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4545454545454545000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4646464646464646000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4747474747474747000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4848484848484848000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4949494949494949000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4a4a4a4a4a4a4a4a000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4b4b4b4b4b4b4b4b000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4c4c4c4c4c4c4c4c000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4d4d4d4d4d4d4d4d000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4e4e4e4e4e4e4e4e000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "4f4f4f4f4f4f4f4f000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5050505050505050000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5151515151515151000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5252525252525252000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5353535353535353000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.1.5",
        "192.168.2.5",
        500,
        500,
        "5454545454545454000000000000000001100200000000000000001c",
        "isakmp: phase 1 I ident",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "40404040404040400df26618a47329c501100200000000000000001c",
        "isakmp: phase 1 ? ident",
    ),
    (
        "192.168.2.5",
        "192.168.1.5",
        500,
        500,
        "41414141414141410df26618a47329c501100200000000000000001c",
        "isakmp: phase 1 R ident",
    ),
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn addr(s: &str) -> Ipv4Addr {
    s.parse().expect("address")
}

#[test]
fn matches_real_tcpdump_across_a_capture() {
    let mut cache = InitiatorCache::new();
    for (n, (src, dst, sport, dport, hex, expected)) in CAPTURE.iter().enumerate() {
        let payload = unhex(hex);
        let (src, dst) = (addr(src), addr(dst));
        // udp_print tests port 500 before 4500.
        let text = if *sport == 500 || *dport == 500 {
            cache.udp500(src, dst, &payload, payload.len())
        } else {
            cache.udp4500(src, dst, &payload, payload.len())
        };
        assert_eq!(&text, expected, "packet {}", n + 1);
    }
}

#[test]
fn free_functions_print_a_first_packet() {
    let initiator = unhex(CAPTURE[0].4);
    assert_eq!(tcpdump_udp500(&initiator), "isakmp: phase 1 I ident");
    // A responder's message, alone in a capture: tcpdump never saw its
    // initiator.
    assert_eq!(
        tcpdump_udp500(&unhex(CAPTURE[1].4)),
        "isakmp: phase 1 ? ident"
    );
    let mut marked = vec![0; 4];
    marked.extend_from_slice(&initiator);
    assert_eq!(
        tcpdump_udp4500(&marked),
        "NONESP-encap: isakmp: phase 1 I ident"
    );
    assert_eq!(tcpdump_udp4500(&[0xff]), "isakmp-nat-keep-alive");
    assert_eq!(tcpdump_udp500(&[]), " [|isakmp]");
}

#[test]
fn emitted_messages_print_like_racoon_traffic() {
    use crate::wire::isakmp::{Body, ExchangeType, Flags, PayloadRepr, PayloadType, Repr};
    let mut cache = InitiatorCache::new();
    let (left, right) = (Ipv4Addr::new(192, 168, 1, 5), Ipv4Addr::new(192, 168, 2, 5));
    let mut repr = Repr {
        initiator_cookie: [1; 8],
        responder_cookie: [0; 8],
        exchange_type: ExchangeType::IdentityProtection,
        flags: Flags(0),
        message_id: 0,
        body: Body::Payloads(vec![PayloadRepr::VendorId(vec![7; 16])]),
    };
    let mut line = |repr: &Repr, src, dst| {
        let bytes = repr.to_bytes().expect("emit");
        cache.udp500(src, dst, &bytes, bytes.len())
    };
    assert_eq!(line(&repr, left, right), "isakmp: phase 1 I ident");
    repr.responder_cookie = [2; 8];
    assert_eq!(line(&repr, right, left), "isakmp: phase 1 R ident");
    repr.exchange_type = ExchangeType::QuickMode;
    repr.message_id = 0x1234;
    repr.body = Body::Encrypted {
        next_payload: PayloadType::Hash,
        ciphertext: vec![0; 64],
    };
    assert_eq!(
        line(&repr, left, right),
        "isakmp: phase 2/others I oakley-quick[E]"
    );
    repr.exchange_type = ExchangeType::Informational;
    assert_eq!(line(&repr, right, left), "isakmp: phase 2/others R inf[E]");
}

proptest! {
    #[test]
    fn arbitrary_payloads_never_panic(
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        length in 0usize..80,
        src in any::<u32>(),
    ) {
        let mut cache = InitiatorCache::new();
        let (src, dst) = (Ipv4Addr::from(src), Ipv4Addr::new(10, 0, 0, 1));
        let _ = cache.udp500(src, dst, &payload, length);
        let _ = cache.udp4500(src, dst, &payload, length);
        let _ = cache.udp4500(dst, src, &payload, payload.len());
        let _ = (tcpdump_udp500(&payload), tcpdump_udp4500(&payload));
    }
}
