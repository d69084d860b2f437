//! Reading an `expect:` item: one expectation key (`ping:`, `ike:`, ...)
//! and an optional `when:` beside it. serde's derived enum takes a map of
//! exactly one key; this reads the map by hand and hands the expectation
//! key's value to the derived structs, so their positions stay exact.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::located::Located;
use super::model::{Expect, Expectation};

const KINDS: &[&str] = &[
    "ping",
    "udp",
    "tcp",
    "packets",
    "trace",
    "counter",
    "sa",
    "no_plaintext",
    "ike",
    "log",
];

fn body<'de, A: MapAccess<'de>>(kind: &str, map: &mut A) -> Result<Expectation, A::Error> {
    Ok(match kind {
        "ping" => Expectation::Ping(map.next_value()?),
        "udp" => Expectation::Udp(map.next_value()?),
        "tcp" => Expectation::Tcp(map.next_value()?),
        "packets" => Expectation::Packets(map.next_value()?),
        "trace" => Expectation::Trace(map.next_value()?),
        "counter" => Expectation::Counter(map.next_value()?),
        "sa" => Expectation::Sa(map.next_value()?),
        "no_plaintext" => Expectation::NoPlaintext(map.next_value()?),
        "ike" => Expectation::Ike(map.next_value()?),
        "log" => Expectation::Log(map.next_value()?),
        other => return Err(de::Error::unknown_variant(other, KINDS)),
    })
}

impl<'de> Deserialize<'de> for Expect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Expect;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "an expectation, e.g. `ping: { flow: p, replies: 3 }`, optionally with `when:`",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Expect, A::Error> {
                let mut when: Option<Located<String>> = None;
                let mut what = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "when" {
                        if when.is_some() {
                            return Err(de::Error::duplicate_field("when"));
                        }
                        when = Some(map.next_value()?);
                    } else if what.is_some() {
                        return Err(de::Error::custom(format!(
                            "`{key}`: one expectation per item (this item has one already)"
                        )));
                    } else {
                        what = Some(body(&key, &mut map)?);
                    }
                }
                let what = what.ok_or_else(|| {
                    de::Error::custom(
                        "an item with `when:` and no expectation (ping, udp, tcp, packets, trace, counter, sa, no_plaintext, ike, log)",
                    )
                })?;
                Ok(Expect { when, what })
            }
        }
        d.deserialize_map(V)
    }
}
