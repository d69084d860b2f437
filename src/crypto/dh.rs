//! Oakley MODP Diffie-Hellman groups for IKEv1: groups 1 and 2 (RFC 2409
//! §6.1, §6.2) and 5, 14, 15, 16, 17 and 18 (RFC 3526 §2–§7), all with
//! generator 2. The primes are in [`super::modp_primes`].
//!
//! Public values and shared secrets are big-endian and exactly as long as
//! the prime (RFC 2409 §5: "The length of the Diffie-Hellman public value
//! MUST be equal to the length of the prime modulus over which the
//! exponentiation was performed, prepending zero bits to the value if
//! necessary"). The peer's value is checked before use (RFC 6989 §2.1,
//! RFC 2631 §2.1.5). Nothing here panics on caller or peer input.

use std::fmt;

use num_bigint::BigUint;

use super::modp_primes::*;
use rand_core::RngCore;

/// A MODP group IKEv1 can negotiate (RFC 2409 Appendix A, Group Description).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DhGroup {
    /// Group 1, "First Oakley Default Group" (RFC 2409 §6.1).
    Modp768,
    /// Group 2, "Second Oakley Group" (RFC 2409 §6.2).
    Modp1024,
    /// Group 5 (RFC 3526 §2).
    Modp1536,
    /// Group 14 (RFC 3526 §3).
    Modp2048,
    /// Group 15 (RFC 3526 §4).
    Modp3072,
    /// Group 16 (RFC 3526 §5).
    Modp4096,
    /// Group 17 (RFC 3526 §6).
    Modp6144,
    /// Group 18 (RFC 3526 §7).
    Modp8192,
}

impl DhGroup {
    pub const ALL: [DhGroup; 8] = [
        DhGroup::Modp768,
        DhGroup::Modp1024,
        DhGroup::Modp1536,
        DhGroup::Modp2048,
        DhGroup::Modp3072,
        DhGroup::Modp4096,
        DhGroup::Modp6144,
        DhGroup::Modp8192,
    ];

    /// The Group Description attribute value (RFC 2409 Appendix A; RFC 3526
    /// §2 and §3 for 5 and 14).
    pub fn from_id(id: u16) -> Option<DhGroup> {
        DhGroup::ALL.into_iter().find(|group| group.id() == id)
    }

    pub fn id(self) -> u16 {
        match self {
            DhGroup::Modp768 => 1,
            DhGroup::Modp1024 => 2,
            DhGroup::Modp1536 => 5,
            DhGroup::Modp2048 => 14,
            DhGroup::Modp3072 => 15,
            DhGroup::Modp4096 => 16,
            DhGroup::Modp6144 => 17,
            DhGroup::Modp8192 => 18,
        }
    }

    /// racoon.conf's `dh_group` / `pfs_group` spellings: the name
    /// (`modp1024`), the group number (`2`) or the prime's size (`1024`).
    pub fn from_racoon_name(name: &str) -> Option<DhGroup> {
        DhGroup::ALL.into_iter().find(|group| {
            let bits = (group.prime_len() * 8).to_string();
            name == group.racoon_name() || name == group.id().to_string() || name == bits
        })
    }

    /// The name racoon prints and accepts, e.g. `modp1024`.
    pub fn racoon_name(self) -> &'static str {
        match self {
            DhGroup::Modp768 => "modp768",
            DhGroup::Modp1024 => "modp1024",
            DhGroup::Modp1536 => "modp1536",
            DhGroup::Modp2048 => "modp2048",
            DhGroup::Modp3072 => "modp3072",
            DhGroup::Modp4096 => "modp4096",
            DhGroup::Modp6144 => "modp6144",
            DhGroup::Modp8192 => "modp8192",
        }
    }

    /// Length of the prime in bytes: the length of every KE payload's data
    /// and of g^xy in this group.
    pub fn prime_len(self) -> usize {
        self.prime_bytes().len()
    }

    /// The prime, big-endian.
    pub fn prime_bytes(self) -> &'static [u8] {
        match self {
            DhGroup::Modp768 => &MODP768,
            DhGroup::Modp1024 => &MODP1024,
            DhGroup::Modp1536 => &MODP1536,
            DhGroup::Modp2048 => &MODP2048,
            DhGroup::Modp3072 => &MODP3072,
            DhGroup::Modp4096 => &MODP4096,
            DhGroup::Modp6144 => &MODP6144,
            DhGroup::Modp8192 => &MODP8192,
        }
    }

    fn prime(self) -> BigUint {
        BigUint::from_bytes_be(self.prime_bytes())
    }

    /// g = 2 for every group here (RFC 2409 §6.1, §6.2; RFC 3526 §2, §3).
    fn generator() -> BigUint {
        BigUint::from(2u8)
    }
}

impl fmt::Display for DhGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.racoon_name())
    }
}

/// Why a Diffie-Hellman value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DhError {
    /// The peer's KE data is not exactly the prime's length (RFC 2409 §5).
    BadPublicLength { got: usize, expected: usize },
    /// The peer's public value is 0, 1, p-1 or not below p (RFC 6989
    /// §2.1: 1 < y < p-1), which would force a guessable shared secret.
    PublicOutOfRange,
    /// A given private exponent is not in 1 < x < p-1.
    ExponentOutOfRange,
}

impl fmt::Display for DhError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DhError::BadPublicLength { got, expected } => write!(
                f,
                "Diffie-Hellman public value is {got} bytes; expected {expected}"
            ),
            DhError::PublicOutOfRange => {
                f.write_str("Diffie-Hellman public value is 0, 1, p-1 or not below p")
            }
            DhError::ExponentOutOfRange => {
                f.write_str("Diffie-Hellman private exponent is not between 1 and p-1")
            }
        }
    }
}

impl std::error::Error for DhError {}

/// One side's ephemeral key: the secret exponent x and g^x mod p.
#[derive(Clone)]
pub struct DhPrivate {
    group: DhGroup,
    exponent: BigUint,
    public: Vec<u8>,
}

impl fmt::Debug for DhPrivate {
    /// Shows the group, never the exponent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DhPrivate")
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

impl DhPrivate {
    /// Draws a full-size exponent as racoon does: racoon leaves OpenSSL's
    /// `DH_generate_key` to pick it, which takes bits(p) - 1 random bits
    /// with the top one set. Such an x lies in 2^(n-2) <= x < 2^(n-1), so
    /// always 1 < x < p-1 (the prime's top 64 bits are ones).
    pub fn generate(group: DhGroup, rng: &mut impl RngCore) -> DhPrivate {
        let mut bytes = vec![0u8; group.prime_len()];
        rng.fill_bytes(&mut bytes);
        // Every prime here is a whole number of bytes with its top bit set,
        // so bits(p) - 1 bits means: clear the first byte's top bit, then
        // set the one below it.
        if let Some(first) = bytes.first_mut() {
            *first = (*first & 0x3f) | 0x40;
        }
        DhPrivate::with_exponent(group, BigUint::from_bytes_be(&bytes))
    }

    /// Uses the given big-endian exponent (known-answer tests, replays of a
    /// recorded run). Refuses x <= 1 and x >= p-1.
    pub fn from_exponent(group: DhGroup, exponent: &[u8]) -> Result<DhPrivate, DhError> {
        let x = BigUint::from_bytes_be(exponent);
        if !in_open_range(&x, &group.prime()) {
            return Err(DhError::ExponentOutOfRange);
        }
        Ok(DhPrivate::with_exponent(group, x))
    }

    fn with_exponent(group: DhGroup, exponent: BigUint) -> DhPrivate {
        let y = DhGroup::generator().modpow(&exponent, &group.prime());
        DhPrivate {
            group,
            public: left_pad(&y, group.prime_len()),
            exponent,
        }
    }

    pub fn group(&self) -> DhGroup {
        self.group
    }

    /// g^x mod p, big-endian, left-padded to the prime's length: the Key
    /// Exchange Data of the KE payload (RFC 2408 §3.7, RFC 2409 §5).
    pub fn public(&self) -> Vec<u8> {
        self.public.clone()
    }

    /// g^xy = (peer's g^y)^x mod p, left-padded to the prime's length (RFC
    /// 2409 §5 uses g^xy at that length in SKEYID and SKEYID_d/_a/_e).
    /// The peer's value must be exactly the prime's length (RFC 2409 §5) and
    /// satisfy 1 < y < p-1 (RFC 6989 §2.1).
    pub fn shared(&self, peer_public: &[u8]) -> Result<Vec<u8>, DhError> {
        let expected = self.group.prime_len();
        if peer_public.len() != expected {
            return Err(DhError::BadPublicLength {
                got: peer_public.len(),
                expected,
            });
        }
        let p = self.group.prime();
        let y = BigUint::from_bytes_be(peer_public);
        if !in_open_range(&y, &p) {
            return Err(DhError::PublicOutOfRange);
        }
        Ok(left_pad(&y.modpow(&self.exponent, &p), expected))
    }
}

/// 1 < v < p-1, the range RFC 6989 §2.1 requires of a MODP public value
/// (with a safe prime this excludes exactly the small subgroup {1, p-1}).
fn in_open_range(v: &BigUint, p: &BigUint) -> bool {
    let one = BigUint::from(1u8);
    *v > one && (v + &one) < *p
}

/// `v` big-endian in exactly `len` bytes; callers pass values below the
/// prime, which fit.
fn left_pad(v: &BigUint, len: usize) -> Vec<u8> {
    let digits = v.to_bytes_be();
    let mut out = vec![0u8; len.saturating_sub(digits.len())];
    out.extend_from_slice(&digits);
    out
}

#[cfg(test)]
pub(super) mod tests {
    //! The known answers are shared with `ikev1`'s tests, which build on
    //! these DH values.
    use super::*;
    use proptest::prelude::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    /// Hex digits, concatenated pieces allowed (test constants only).
    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let nibble = |d: u8| (d as char).to_digit(16).expect("hex digit") as u8;
        digits
            .chunks(2)
            .map(|p| nibble(p[0]) << 4 | nibble(p[1]))
            .collect()
    }

    pub(in crate::crypto) struct Kat {
        pub group: DhGroup,
        pub x_i: &'static str,
        pub x_r: &'static str,
        pub pub_i: &'static str,
        pub pub_r: &'static str,
        pub shared: &'static str,
    }

    /// strongSwan src/libstrongswan/plugins/test_vectors/test_vectors/modp.c
    /// (generated there, checked here with Python `pow`): the private
    /// exponents are the two halves of `seed`.
    pub(in crate::crypto) const STRONGSWAN_KATS: [Kat; 4] = [
        Kat {
            group: DhGroup::Modp768,
            x_i: "6091ffc6de28c1ccc7c65da611abfae86a1074b22243e3706cb6de2fe29d1142",
            x_r: "76e02fc3eabe6a0fced6c31e5945d167fad00200b4af12cd6fc6d7e381486278",
            pub_i: concat!(
                "d7a254629901c889532c3e44da3d0b7e92273770c626c39190522dab6707caff",
                "3659109f2f4324a417eb7dc4563a09ba04cd3c9b27d3c1227eb19dcb69fef3b6",
                "e2aa1381232406642dd150785707f47c3d748a3d6b96d000c52c99d10b65f2d1",
            ),
            pub_r: concat!(
                "f0e9dc78104c9799b67074b07d8f097aa882bde464c8eb9a0acdef1386194f49",
                "c063c67d68f14c5e3b041957678ea7cb397d870720819ea1085a28d813e3739a",
                "64006f2466e86c09e0c69c2ca4f10a04c49bb30186bdfab54df4208314d93c52",
            ),
            shared: concat!(
                "29cb147d2a2b0d02594db07bf044705cb14489d0f0a932cc87f604051d1cb6e2",
                "be903916e25c653993c8055ed4376ca4dba84012391a92a3f34264af641fd818",
                "e1ba4e9934300997d732d70d0d7373cd3daaad22e868b7e250029d307ee54148",
            ),
        },
        Kat {
            group: DhGroup::Modp1024,
            x_i: "e53c205da0d8e4bfb4174944320fc6e4ea66fe44e3c931ac5da1450aea47ebcf",
            x_r: "7f9af721eb7cd2a900a36e399ebc5c65eecce6629c8e1c5a7ff33293645fd3e3",
            pub_i: concat!(
                "66617c9bbe91ee9900d806415b7384ecb0b6b80a39bd5b070396ee32375a8f68",
                "376b352b97baf32f95c4d18c06ab96bfe3f3752df1e3c55741b6f4244117eebd",
                "a1015983c6ba008fe89fe51cf4c9692592ebf742436c393df61a60ccc64fd790",
                "7a6d26267c0f1556230c3e332b2e11d118a6982589793a2f6d66b86676bae47a",
            ),
            pub_r: concat!(
                "7b9010609ebf2c497017458afaab4202885d25de7b5e5ce9b05bd442a3e97b52",
                "cea760d7dbcb21dd71d80cd4347caa9edfbc2df4c1cdc1669b8ad244eb345b33",
                "1d875492883df04a3d0b1a8b8927d50991fe03e7357eb6bdfce3d8c684c9861b",
                "c5ce03962ffb87bf05dabd5a3727994ddee5d3c6ecc589859991b93255761fd5",
            ),
            shared: concat!(
                "95790f5c46ae7ca1a471dd786aa8e444073ecec9695d004620cd7c9d3609a697",
                "3c89a230750935638b86d1e65b27b7848881f9013abd036280d1862bb03ca60b",
                "a90b70f9ae7edf71ff80f5a7eefbe26729b5bbb1bb1feb0d240e53c9d74b4fe9",
                "d262b53bd5d8a7383f90f01e359647d04802d74a4f753b294a96503f2605d3f1",
            ),
        },
        Kat {
            group: DhGroup::Modp1536,
            x_i: "22d9dcc73079936a858c07aa85ed07b3d1e8b670e7caafa192837696070fef29",
            x_r: "323474de7788e0036b309549560b000d81f82fdb6978f3c03b701680de6e2810",
            pub_i: concat!(
                "3d7d1dd1bca7137a642373d5d9b86ef995849ea51cb6cd51a6b93e83b34f967d",
                "bf7d66bc7ce5d958bf01902b60f1c3076cfe147beb45f08397cff4c3a8027caa",
                "e184788ef3eb0dd56e14c6dd2ce954e3d5cc80db84deb534ce382445e7a441db",
                "971230020a1a45ca0070d694f093c716d80768336e61b56ff78b350939fe4e9e",
                "032c85bb5881c4c8d7dbd530a6fc501300f7e9e65bffb983348ad05cc56e2c19",
                "f597a99fb968914be9b57acf9111e75b576a613767157657900dcf22f4200c3d",
            ),
            pub_r: concat!(
                "d63258d554353d6b2bcc0b5353fa8000b3a354a2411d7f17abca691de8227cd7",
                "d43e7fef8b3ee7a0a91a663d30c54f3c5f4b95c9fe38c6cf1939b4802bb6f0a9",
                "51128fdc391d90fa8b40484f45b6da02c76cf91b4331c4cf7851e550a2d1c025",
                "531403e0403af472b38341dc562be98d1aa280494d6264316a6f774ce0eed401",
                "57b637c54e69503becb8f0d757b286e4d843c224219a923f73ab578315af445a",
                "fad9569df25acfca3a9f7c93d303f4ef2432bf62ce525c8a56babd2ffb543832",
            ),
            shared: concat!(
                "6e3df6e252ba1153ca45e9a8bbe548337b69572aff4e61b46ec986b870a863d3",
                "853ab9a54d9c632a0948ce8c65f1a29b067a1451198dab9f24776e86425a06bd",
                "aa9f26dce9e89e368d0e16702774015a1430aaa1e833227f9dea7a5818ce4743",
                "20b39ce867ca79a49b31e6abcea6c8daff00b8064e2a757372d40d58a592e7a2",
                "deb1f9a0d9abab1fc0812ee1ffa62a20ff68ce4d02acb84a1a033d03e4f05e97",
                "a4fad89ec23aee349e264efa61ae59e9381b1e5b7aa5d09ab66b74997cbaed20",
            ),
        },
        Kat {
            group: DhGroup::Modp2048,
            x_i: concat!(
                "af3bfd3862caa11774ce2b74840807c1de5cd6a7619bb3a0c7af39eedaa6eb89",
                "e2e9c144b3625b2731879cb58fa3766d",
            ),
            x_r: concat!(
                "77a48e4772e23e284ce4af81399dcd589beb7cefbcc9d196f06dcfdfc3a88e3b",
                "4c1c82befec0e64ba495ccde329936ce",
            ),
            pub_i: concat!(
                "1a27c5a7237ae8fe0a71c0af6494faeccdd4a5031d47a1a6b7162dfcdf03bb17",
                "b7bb089bd652a5f31b3661bb114d7c48d83d244f46db64870c9c8327f1a830ab",
                "f531e518dd521a2e94e7061e944209ba5331012b3dff00849eaab58c7c7af152",
                "65210fbcf0f87b9dd932f8ba4e9a9f91b63294530a1200b88b3a03e1a0c7fd34",
                "deec6fad501ede06ce7ec9e291d47b69b3a4b61bb08763b6d46bfbdab97bdece",
                "a0ff09a872221fb4b6ccca6b5c6faad8eb873b9a2f39b63e62cfadd47607e68e",
                "2c290583f7268fb43fc00a7dc8810ecdac1a59bd1b477aaf41cb4b24ada3e5f7",
                "b8cb986f1ae476afc7677aa62570a1b1838dda26be7863ee2f40b5e538a4e181",
            ),
            pub_r: concat!(
                "667282318d65cb05cd323c25091e664cc75a3a20c014b2f6389d3b27f5c1e908",
                "e0d40ff8552bd587752550302285b49f75f8ffaec937fb2e69c8150f88d6508b",
                "f0fb1f16e9676f5ecf718f874f3d8de3c8688749dbcf1affd4d62ff9ea5d9e30",
                "35b2ce4a6eae281c408fc8084ae235d998a037610a8cb48c878cd0635fa1369f",
                "c90b864c532367384597fdeefdb6742b006adedae2015bc4ce2f9c5451c9636a",
                "16ed7d10b4e40d825b50aa7633a0e8fb813bebc049f7ff6a71ecfb14e880f509",
                "d38b571a809808a496b451b5b5567a3608b01a22e4998355f181b879de262304",
                "f29de142ff5e52cc564f3a2d1e84a0c33d8f3da7bf6412b3f018e00d90fa5b94",
            ),
            shared: concat!(
                "26f9e8457cf2d7d56dd819c2a867d7c3a90aa2b944e20b8bded3a5bf91aa1ff8",
                "1a7ea89d524c365f3823510835cd8644c4d5dacf893e610d2c1a140616d1c8c1",
                "d35f46de2c5faad9aecec6b677acd984098142a8aa0c8542e9ac98b3bc7b577c",
                "59b8ec53346e1567a90039ac92b224635ab216731b06353925642c330a201ba4",
                "b31284a9515860f35e9308f5515a779984fbd9f5ce4177db78d1cb0384b63c73",
                "9c6d744ad7a700b95a531b29f3b744ed38e69aee67072c45a91cee6b14215e04",
                "f27c31358c86dce448d60a223bdc554edaa3e4072ef603a0f4619f8db39cec29",
                "1c860174155d8abf9e1082931df58ed9ee9c1215dd2393de02f5c1767f070e28",
            ),
        },
    ];

    /// libreswan testing/crypto/pk-dh-01 (tc2.c inputs, pk-dh-out.txt output;
    /// removed from the tree in commit dc6ac663): modp1536, our exponent
    /// `secret`, our public `gi`, the peer's public `gr`, and `shared`.
    const LIBRESWAN_SECRET: &str =
        "179bb322a6776fbc014e4103f0f62e93fb07d0938457e4541e6446a93437c09d";
    const LIBRESWAN_GI: &str = concat!(
        "ffbc6a92a6b9559b05fa96a7a43507b4c1e1c0861a5871d9ba73a163113788c0",
        "debb3979e7ff0c52b4ce6050eb05369ea4300d2bff3b1b299f3b802ccb13318c",
        "2ab9e3b5627cb4b35eb939982076b57c050d7b35c3c5c7cc8c0feab7b64a7d7b",
        "6b8f6b4dabf4ac406dd20126b90a98ac766efa37a7890c4394ff9a77615b58f5",
        "2d651bbfa58d2a549af8b01aa4bca3d762426663b155d4ebda9f60a6a13573e6",
        "a888135cdc673dd483029903f3a90eca23e1ec1e270331b2d050f4f758f49927",
    );
    const LIBRESWAN_GR: &str = concat!(
        "cd30df6ec0854412530180d87e1afbb326793e9956c86a962553c277ad5bab50",
        "f8325ad8640b0efea51d6c831fa17cfb0f2e1af4b166a0fe307512ad0f81abb8",
        "aafb6848ec10a4976c3db117ece1e661dbbf480c282e3f1107c18642801ee83f",
        "9e4ab9ab636f237daaf6a7aad822993ea41ea331ee27820b93f50b8f3f710561",
        "c925702697ba6b1e953c21fbc9a77d2b5f873cfc5099e77d484cdd52664bcf0d",
        "bf00cafdae6de7146d1135f65d935f60b9730fe0492c2af8c904f64c5916909d",
    );
    const LIBRESWAN_SHARED: &str = concat!(
        "c2e91da20563196e3489dfd1afa54a51094d762effbf39a61a64f48c8efb0a4f",
        "ac5aa31801aa1acc94d691509638168bdd3919c35e995a923de3fa2c2d21cb15",
        "ac7a8149ab3733f755a325a0904a87bbfe70718b63baaf56a7b48f54d50d1795",
        "14f30921dad68c718cd4828906c424754b554cd99183ceb6adae6a5e7dbff9ef",
        "ae60a7b797b631504ecc0fff17f1aa4b1e0c617132d6b9795861e6abf367d89e",
        "3cdb683eff9e37ea6770210e07eab62b7230ea5d55869a0486ede1c7bdee6184",
    );

    #[test]
    fn strongswan_known_answers() {
        for kat in &STRONGSWAN_KATS {
            let alice = DhPrivate::from_exponent(kat.group, &hex(kat.x_i)).expect("x_i");
            let bob = DhPrivate::from_exponent(kat.group, &hex(kat.x_r)).expect("x_r");
            assert_eq!(alice.public(), hex(kat.pub_i), "{} g^xi", kat.group);
            assert_eq!(bob.public(), hex(kat.pub_r), "{} g^xr", kat.group);
            assert_eq!(alice.shared(&bob.public()), Ok(hex(kat.shared)));
            assert_eq!(bob.shared(&alice.public()), Ok(hex(kat.shared)));
        }
    }

    #[test]
    fn libreswan_modp1536_known_answer() {
        let ours =
            DhPrivate::from_exponent(DhGroup::Modp1536, &hex(LIBRESWAN_SECRET)).expect("exponent");
        assert_eq!(ours.public(), hex(LIBRESWAN_GI));
        assert_eq!(ours.shared(&hex(LIBRESWAN_GR)), Ok(hex(LIBRESWAN_SHARED)));
    }

    #[test]
    fn alice_and_bob_agree_in_every_group() {
        let mut rng = ChaCha20Rng::seed_from_u64(2409);
        for group in DhGroup::ALL {
            let alice = DhPrivate::generate(group, &mut rng);
            let bob = DhPrivate::generate(group, &mut rng);
            assert_eq!(alice.public().len(), group.prime_len());
            assert_ne!(alice.public(), bob.public());
            let shared = alice.shared(&bob.public()).expect("bob's value");
            assert_eq!(shared.len(), group.prime_len());
            assert_eq!(bob.shared(&alice.public()), Ok(shared), "{group}");
        }
    }

    // The exponent has exactly bits(p) - 1 bits, like OpenSSL's
    // DH_generate_key under racoon.
    #[test]
    fn generated_exponents_are_full_size() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        for group in DhGroup::ALL {
            for _ in 0..8 {
                let key = DhPrivate::generate(group, &mut rng);
                assert_eq!(key.exponent.bits(), group.prime_len() as u64 * 8 - 1);
            }
        }
    }

    #[test]
    fn same_seed_same_key() {
        let a = DhPrivate::generate(DhGroup::Modp768, &mut ChaCha20Rng::seed_from_u64(1));
        let b = DhPrivate::generate(DhGroup::Modp768, &mut ChaCha20Rng::seed_from_u64(1));
        assert_eq!(a.public(), b.public());
    }

    /// `v` as a public value of `group`'s length (v < 2^64).
    fn small(group: DhGroup, v: u64) -> Vec<u8> {
        let mut out = vec![0u8; group.prime_len()];
        let at = out.len() - 8;
        out[at..].copy_from_slice(&v.to_be_bytes());
        out
    }

    /// p + delta (delta in -1..=1) as a public value.
    fn near_prime(group: DhGroup, delta: i8) -> Vec<u8> {
        let p = group.prime();
        let v = match delta {
            -1 => p - 1u8,
            0 => p,
            _ => p + 1u8,
        };
        let bytes = v.to_bytes_be();
        bytes[bytes.len() - group.prime_len()..].to_vec()
    }

    // RFC 6989 §2.1: 1 < y < p-1.
    #[test]
    fn invalid_peer_values_are_rejected() {
        let mut rng = ChaCha20Rng::seed_from_u64(6989);
        for group in DhGroup::ALL {
            let key = DhPrivate::generate(group, &mut rng);
            for bad in [small(group, 0), small(group, 1), near_prime(group, -1)] {
                assert_eq!(key.shared(&bad), Err(DhError::PublicOutOfRange));
            }
            for bad in [near_prime(group, 0), vec![0xff; group.prime_len()]] {
                assert_eq!(key.shared(&bad), Err(DhError::PublicOutOfRange));
            }
            assert_eq!(
                key.shared(&near_prime(group, 1)),
                Err(DhError::PublicOutOfRange)
            );
            // The edges just inside the range are accepted.
            assert!(key.shared(&small(group, 2)).is_ok());
            let p_minus_2 = left_pad(&(group.prime() - 2u8), group.prime_len());
            assert!(key.shared(&p_minus_2).is_ok());
        }
    }

    // RFC 2409 §5: the KE data has exactly the prime's length.
    #[test]
    fn wrong_lengths_are_rejected() {
        let key = DhPrivate::generate(DhGroup::Modp1024, &mut ChaCha20Rng::seed_from_u64(3));
        let peer = DhPrivate::generate(DhGroup::Modp1024, &mut ChaCha20Rng::seed_from_u64(4));
        let good = peer.public();
        for len in [0, 1, 64, 96, 127, 129, 256] {
            let mut value = good.clone();
            value.resize(len, 0);
            assert_eq!(
                key.shared(&value),
                Err(DhError::BadPublicLength {
                    got: len,
                    expected: 128
                })
            );
        }
        let mut padded = vec![0];
        padded.extend_from_slice(&good);
        assert!(matches!(
            key.shared(&padded),
            Err(DhError::BadPublicLength { .. })
        ));
    }

    #[test]
    fn exponents_out_of_range_are_rejected() {
        for group in DhGroup::ALL {
            for bad in [
                vec![],
                vec![0],
                vec![1],
                near_prime(group, -1),
                near_prime(group, 0),
            ] {
                assert_eq!(
                    DhPrivate::from_exponent(group, &bad).map(|_| ()),
                    Err(DhError::ExponentOutOfRange)
                );
            }
            assert!(DhPrivate::from_exponent(group, &[2]).is_ok());
        }
    }

    // Public values whose big-endian form is shorter than the prime are
    // left-padded with zeros (RFC 2409 §5). 2^1 = 2 is the shortest.
    #[test]
    fn public_values_are_left_padded() {
        for group in DhGroup::ALL {
            let key = DhPrivate::from_exponent(group, &[2]).expect("x = 2");
            assert_eq!(key.public(), small(group, 4));
            let shared = key.shared(&small(group, 3)).expect("y = 3");
            assert_eq!(shared, small(group, 9));
        }
    }

    // RFC 2409 §6.1, §6.2, RFC 3526 §2, §3: bit length, the 64 one bits at
    // both ends, the first words after them, the last words before them,
    // and that p is a safe prime's shape (p = 2q + 1 with 2 of order q:
    // 2^q = 1 mod p, the property RFC 3526 §1 relies on).
    #[test]
    fn primes_match_the_rfcs() {
        let cases: [(DhGroup, u64, [u32; 2], [u32; 2]); 4] = [
            (
                DhGroup::Modp768,
                768,
                [0xC90FDAA2, 0x2168C234],
                [0xA63A3620, 0xFFFFFFFF],
            ),
            (
                DhGroup::Modp1024,
                1024,
                [0xC90FDAA2, 0x2168C234],
                [0xECE65381, 0xFFFFFFFF],
            ),
            (
                DhGroup::Modp1536,
                1536,
                [0xC90FDAA2, 0x2168C234],
                [0xCA237327, 0xFFFFFFFF],
            ),
            (
                DhGroup::Modp2048,
                2048,
                [0xC90FDAA2, 0x2168C234],
                [0x8AACAA68, 0xFFFFFFFF],
            ),
        ];
        for (group, bits, first, last) in cases {
            let p = group.prime();
            assert_eq!(p.bits(), bits, "{group}");
            let bytes = group.prime_bytes();
            assert_eq!(bytes.len() as u64 * 8, bits);
            assert!(bytes[..8].iter().all(|&b| b == 0xff));
            assert!(bytes[bytes.len() - 8..].iter().all(|&b| b == 0xff));
            let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4"));
            assert_eq!([word(8), word(12)], first, "{group}");
            let end = bytes.len();
            assert_eq!([word(end - 12), word(end - 8)], last, "{group}");
            let q = (p.clone() - 1u8) / 2u8;
            assert_eq!(
                BigUint::from(2u8).modpow(&q, &p),
                BigUint::from(1u8),
                "{group}"
            );
        }
    }

    #[test]
    fn group_ids_and_racoon_names() {
        for (group, id, name, bits) in [
            (DhGroup::Modp768, 1, "modp768", "768"),
            (DhGroup::Modp1024, 2, "modp1024", "1024"),
            (DhGroup::Modp1536, 5, "modp1536", "1536"),
            (DhGroup::Modp2048, 14, "modp2048", "2048"),
            (DhGroup::Modp3072, 15, "modp3072", "3072"),
            (DhGroup::Modp4096, 16, "modp4096", "4096"),
            (DhGroup::Modp6144, 17, "modp6144", "6144"),
            (DhGroup::Modp8192, 18, "modp8192", "8192"),
        ] {
            assert_eq!(DhGroup::from_id(id), Some(group));
            assert_eq!(group.id(), id);
            assert_eq!(DhGroup::from_racoon_name(name), Some(group));
            assert_eq!(DhGroup::from_racoon_name(&id.to_string()), Some(group));
            assert_eq!(DhGroup::from_racoon_name(bits), Some(group));
            assert_eq!(group.to_string(), name);
            assert_eq!(group.prime_len(), bits.parse::<usize>().expect("bits") / 8);
        }
        for id in [0, 3, 4, 6, 13, 19, 0xffff] {
            assert_eq!(DhGroup::from_id(id), None);
        }
        for name in [
            "",
            "modp",
            "MODP1024",
            "modp16384",
            "3",
            "19",
            "1000",
            " 2",
            "ecp256",
        ] {
            assert_eq!(DhGroup::from_racoon_name(name), None, "{name}");
        }
    }

    #[test]
    fn debug_shows_no_exponent() {
        let key = DhPrivate::from_exponent(DhGroup::Modp768, &[0x12, 0x34]).expect("x");
        assert_eq!(format!("{key:?}"), "DhPrivate { group: Modp768, .. }");
    }

    #[test]
    fn error_messages() {
        let err = DhError::BadPublicLength {
            got: 127,
            expected: 128,
        };
        assert_eq!(
            err.to_string(),
            "Diffie-Hellman public value is 127 bytes; expected 128"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        // Any peer bytes at all: an answer or an error, never a panic.
        #[test]
        fn shared_never_panics(peer in proptest::collection::vec(any::<u8>(), 0..200)) {
            let key = DhPrivate::from_exponent(DhGroup::Modp768, &[0x5a; 12]).expect("x");
            if let Ok(shared) = key.shared(&peer) {
                prop_assert_eq!(shared.len(), 96);
            }
        }

        #[test]
        fn from_exponent_never_panics(x in proptest::collection::vec(any::<u8>(), 0..120)) {
            let _ = DhPrivate::from_exponent(DhGroup::Modp768, &x);
        }
    }

    /// RFC 2409 §6.1, §6.2 and RFC 3526 §2–§7 define each prime as
    /// 2^n - 2^(n-64) - 1 + 2^64 * { [2^(n-130) pi] + k }. Recomputed here
    /// with pi from Machin's formula (pi = 16 atan(1/5) - 4 atan(1/239)) in
    /// fixed point, every prime matches the one we carry.
    #[test]
    fn primes_follow_the_rfc_formula() {
        const K: [(DhGroup, u32); 8] = [
            (DhGroup::Modp768, 149686),
            (DhGroup::Modp1024, 129093),
            (DhGroup::Modp1536, 741804),
            (DhGroup::Modp2048, 124476),
            (DhGroup::Modp3072, 1690314),
            (DhGroup::Modp4096, 240904),
            (DhGroup::Modp6144, 929484),
            (DhGroup::Modp8192, 4743158),
        ];
        let pi = |bits: usize| {
            let guard = 64;
            let one = BigUint::from(1u8) << (bits + guard);
            let atan_inv = |x: u32| {
                let (x, x2) = (BigUint::from(x), BigUint::from(x * x));
                let mut term = &one / &x;
                let (mut sum, mut negative, mut n) = (term.clone(), BigUint::from(0u8), 1u32);
                while term > BigUint::from(0u8) {
                    term /= &x2;
                    let part = &term / BigUint::from(2 * n + 1);
                    if n % 2 == 1 {
                        negative += part;
                    } else {
                        sum += part;
                    }
                    n += 1;
                }
                sum - negative
            };
            (atan_inv(5) * 16u8 - atan_inv(239) * 4u8) >> guard
        };
        for (group, k) in K {
            let n = group.prime_len() * 8;
            let two = |e: usize| BigUint::from(1u8) << e;
            let p = two(n) - two(n - 64) - 1u8 + two(64) * (pi(n - 130) + k);
            assert_eq!(p, group.prime(), "{group}");
        }
    }

    /// Groups 15–18 with 256-bit exponents: the public values and g^xy,
    /// computed independently with Python's `pow` on the primes above, kept
    /// as SHA-256 digests of the prime-length big-endian values.
    struct LargeKat {
        group: DhGroup,
        x_i: &'static str,
        x_r: &'static str,
        pub_i: &'static str,
        pub_r: &'static str,
        shared: &'static str,
    }

    const LARGE_KATS: [LargeKat; 4] = [
        LargeKat {
            group: DhGroup::Modp3072,
            x_i: "4e497cd6deec26addca2f2ecd31c8f6725bc9d3104b53e70eb7c2594abe75669",
            x_r: "f0d460199e3709a8def2f753fde1030f672841708a547f9c8cad063d54d4b922",
            pub_i: "5cf5ed8b60421a072c78bc097ac7683a8478dd55d8cc828ad951b03d16639bca",
            pub_r: "a6904f5564c181b1a5a42d5189ae5f849326dcc5ebdb0e41090e6bbe2abfdc12",
            shared: "9fe604bc91e5220860848ec80252e967c5f81b0abac41de4faf72b8fcb7ca00d",
        },
        LargeKat {
            group: DhGroup::Modp4096,
            x_i: "177c80d2014c36a38eb5cb1092516564bea0edb97a3a8cc280b45e686a00e2dd",
            x_r: "c0641e6eeea5e6c4aad3ae00d30bc94c39c2dd0691df4310d2e5c50f5fa4b5a7",
            pub_i: "5dc7cc0e944e92273813d47f37d42dfdacb7c9abe573bfaace3fab9431f1f63d",
            pub_r: "def5f85b84ceac4176dca3f628d7564850d894e4697389c80dd79fe2dfb0a1fd",
            shared: "3f42dce596d4eecd2152ecb0dc87d6ae08eff0b857f10675dd00b0b23da65280",
        },
        LargeKat {
            group: DhGroup::Modp6144,
            x_i: "876699eea0cf4c7edd453168a1f656f7b10a51f9362a51be9d44211a36ad63da",
            x_r: "1f09b6a4eabe0370e7d3e84c48427e3e43656d3871a2ae3b7788ba9357a8e251",
            pub_i: "1dc59a004fce3b0fd6612815a07d6715022c506112be6166b5d0a8a766cf8975",
            pub_r: "60257436ec6c51e776396efeff98ec5954cc78bf8cfe7e48a50302a5ba54798d",
            shared: "7f00abd355f333c79f9f9a8adbc983662be998873d65922886cd824121538064",
        },
        LargeKat {
            group: DhGroup::Modp8192,
            x_i: "1d07a17c4b987a6baa1e1930a69af6b6bdce2b49542eb5c86faa42dc7f363b83",
            x_r: "0fe9b34fcc483e3a8ab6be5427f0a52f7fba62d6fdc0a6b17acd760bf90d37f8",
            pub_i: "ffc92f21defdb88812bcc852ae20ca2dc73269d246a1006cc7a8c1767f12d0aa",
            pub_r: "896008f503ecd8df3b7d42d695748ab5c91e86ae02c530a83c1bf9c1645bd697",
            shared: "abae2c27e70fabeb253643135daf785336ec7c139e6aa9bfc0eea3d55218b109",
        },
    ];

    #[test]
    fn rfc3526_groups_15_to_18_agree_with_an_independent_pow() {
        use sha2::{Digest, Sha256};
        let digest = |bytes: &[u8]| {
            Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        for k in LARGE_KATS {
            let i = DhPrivate::from_exponent(k.group, &hex(k.x_i)).expect("exponent");
            let r = DhPrivate::from_exponent(k.group, &hex(k.x_r)).expect("exponent");
            assert_eq!(digest(&i.public()), k.pub_i, "{}", k.group);
            assert_eq!(digest(&r.public()), k.pub_r, "{}", k.group);
            let shared = i.shared(&r.public()).expect("valid");
            assert_eq!(shared, r.shared(&i.public()).expect("valid"));
            assert_eq!(shared.len(), k.group.prime_len());
            assert_eq!(digest(&shared), k.shared, "{}", k.group);
        }
    }
}
