//! vpnlab: a deterministic network-simulation test lab for IPsec VPNs.
//!
//! A YAML [`scenario`] describes links and nodes; [`sim`] runs them in
//! virtual time; every [`node`] has a smoltcp interface over our own
//! [`kernel`] (routing, forwarding, fragmentation, hook points where
//! [`ipsec`] and [`nat`] attach); [`observe`] writes pcaps and
//! tcpdump-style traces; [`verdict`] holds the expectations against the
//! outcome.
//!
//! # Layers
//!
//! Each module imports only from the modules below it; none reaches up.
//! From the bottom:
//!
//! | layer | owns | may not |
//! |---|---|---|
//! | [`net`] | prefixes, checksums, seeded random streams, time formatting | import any other module |
//! | [`host`] | the host machine: TUN devices (read on their own threads), the wall clock and what wakes a real-time run | import any other module, know packets beyond bytes |
//! | [`wire`] | byte layouts: IPv4 (options, fragments), UDP, ICMP, TCP, ESP, AH, IPComp, UDP encapsulation, ISAKMP; the IP address type; tcpdump's ISAKMP lines | hold state, read time, do crypto |
//! | [`crypto`] | the algorithm registry, keyed ciphers and HMACs, DH groups, the IKEv1 key schedule | know packets or SAs |
//! | [`pki`] | X.509 for racoon's rsasig: certificates, RSA keys and CRLs (PEM/DER), DNs as racoon reads, compares and prints them, OpenSSL's subject-name hash, `eay_check_x509cert`, `oakley_check_certid`, the raw PKCS#1 IKE signature, a deterministic PKI from a seed | import anything above `crypto`, read the wall clock |
//! | [`kernel`] | a node's IPv4 layer: route, forward, fragment, reassemble, ICMP errors, drop counters, the hook points; a datagram parsed once as it enters | know IPsec, NAT, smoltcp or links |
//! | [`ipsec`], [`nat`] | SPD, SAD, ESP, AH, IPComp, the PF_KEY interface (requests, replies, events); address translation — both kernel hooks | know each other, IKE, smoltcp or links |
//! | [`config`] | setkey scripts, racoon.conf, psk.txt → typed configuration | run anything |
//! | [`ike`] | key daemons, sans-IO: datagrams, kernel events and time in; datagrams, kernel requests, timers and log lines out | hold a node, a socket or a clock |
//! | [`node`] | one node: kernel + smoltcp + apps + its key daemon's sockets | know other nodes or links |
//! | [`observe`] | pcap and pcapng files, the tcpdump-compatible trace, the packet filter | change or drop a packet |
//! | [`scenario`] | the YAML schema, located errors, validation | simulate |
//! | [`sim`] | event queue, links and their ends (nodes, TUN devices), building and running a world to an outcome in virtual or real time | interpret IPsec or judge a run |
//! | [`verdict`] | expectations held against an outcome | change the outcome |
//! | [`report`], [`wireshark`] | summaries, JUnit, the Wireshark profile beside a run's captures | protocol logic |
//! | [`html`] | the HTML report of a run and the index of runs: topology, message-sequence and SA-lifetime pictures in inline SVG | protocol logic, change a verdict |
//! | [`jobs`] | work on N threads, handed on in order | know what the work is |
//! | [`runner`] | finding and running scenario files to reports | protocol logic |
//! | [`explore`] | variations of a scenario's `vary:` values, run, checked and shrunk; their summary, JUnit and standalone failure files | protocol logic |
#![forbid(unsafe_code)]

pub mod config;
pub mod crypto;
pub mod explore;
pub mod host;
pub mod html;
pub mod ike;
pub mod ipsec;
pub mod jobs;
pub mod kernel;
pub mod nat;
pub mod net;
pub mod node;
pub mod observe;
pub mod pki;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod sim;
pub mod verdict;
pub mod wire;
pub mod wireshark;
