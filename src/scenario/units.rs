//! Units written in scenario files: durations (`250ms`, `1.5s`, `10m`),
//! bit rates (`10Mbit`), probabilities (`0.01` or `1%`) and byte sizes.

use serde::{Deserialize, Deserializer, de};
use smoltcp::time::Duration;

/// A simulated-time span such as `10s`, `250ms`, `100us`, `2m`, `1h`, or a bare number of seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub Duration);

/// Bits per second, written `64kbit`, `10Mbit`, `1Gbit` or a bare number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitRate(pub u64);

/// A probability in [0, 1], written `0.01` or `1%`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Probability(pub f64);

impl Span {
    pub fn from_millis(ms: u64) -> Self {
        Span(Duration::from_millis(ms))
    }
    pub fn from_secs(s: u64) -> Self {
        Span(Duration::from_secs(s))
    }
}

/// Parses `10s`, `250ms`, `100us`, `2m`, `1h`, `1.5s`, or a number of seconds.
pub fn parse_span(text: &str) -> Result<Span, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("expected a duration like 10s, 250ms or 2m, found `{text}`"))?;
    let micros_per_unit = match unit.trim() {
        "" | "s" => 1e6,
        "ms" => 1e3,
        "us" | "µs" => 1.0,
        "m" | "min" => 60e6,
        "h" => 3600e6,
        other => {
            return Err(format!(
                "unknown time unit `{other}` in `{text}`: expected us, ms, s, m or h"
            ));
        }
    };
    let micros = value * micros_per_unit;
    if !(0.0..=1e15).contains(&micros) {
        return Err(format!("duration `{text}` is out of range"));
    }
    Ok(Span(Duration::from_micros(micros.round() as u64)))
}

/// Parses `64kbit`, `10Mbit`, `1Gbit`, `1500bit` or a bare number of bits per second.
pub fn parse_rate(text: &str) -> Result<BitRate, String> {
    let lower = text.trim().to_ascii_lowercase();
    let body = lower
        .strip_suffix("bps")
        .or(lower.strip_suffix("bit"))
        .unwrap_or(&lower);
    let (number, scale) = match body.chars().last() {
        Some('k') => (&body[..body.len() - 1], 1e3),
        Some('m') => (&body[..body.len() - 1], 1e6),
        Some('g') => (&body[..body.len() - 1], 1e9),
        _ => (body, 1.0),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("expected a bit rate like 64kbit, 10Mbit or 1Gbit, found `{text}`"))?;
    let bits = value * scale;
    if !(1.0..=1e12).contains(&bits) {
        return Err(format!(
            "bit rate `{text}` is out of range (1bit to 1000Gbit)"
        ));
    }
    Ok(BitRate(bits.round() as u64))
}

/// Parses `0.01` or `1%`.
pub fn parse_probability(text: &str) -> Result<Probability, String> {
    let text = text.trim();
    let (number, scale) = match text.strip_suffix('%') {
        Some(n) => (n, 0.01),
        None => (text, 1.0),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("expected a probability like 0.01 or 1%, found `{text}`"))?;
    check_probability(value * scale)
}

fn check_probability(p: f64) -> Result<Probability, String> {
    if (0.0..=1.0).contains(&p) {
        Ok(Probability(p))
    } else {
        Err(format!("probability {p} is outside 0..1"))
    }
}

/// A Security Parameter Index, written `0x301` or `769`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spi(pub u32);

pub fn parse_spi(text: &str) -> Result<Spi, String> {
    let t = text.trim();
    let parsed = match t.strip_prefix("0x").or(t.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => t.parse(),
    };
    parsed
        .map(Spi)
        .map_err(|_| format!("expected an SPI like 0x301 or 769, found `{t}`"))
}

impl<'de> Deserialize<'de> for Spi {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, parse_spi)
    }
}

/// A YAML scalar that may arrive as a string or a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(u64),
    Float(f64),
    Text(String),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(s) => s,
        }
    }
}

fn parse_with<'de, D, T>(d: D, parse: fn(&str) -> Result<T, String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let scalar = Scalar::deserialize(d)?;
    parse(&scalar.text()).map_err(de::Error::custom)
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, parse_span)
    }
}

impl<'de> Deserialize<'de> for BitRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, parse_rate)
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, parse_probability)
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let us = self.0.total_micros();
        if us.is_multiple_of(1_000_000) {
            write!(f, "{}s", us / 1_000_000)
        } else if us.is_multiple_of(1000) {
            write!(f, "{}ms", us / 1000)
        } else {
            write!(f, "{us}us")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(parse_span("10s").unwrap(), Span::from_secs(10));
        assert_eq!(parse_span("250ms").unwrap(), Span::from_millis(250));
        assert_eq!(parse_span("1.5s").unwrap(), Span::from_millis(1500));
        assert_eq!(parse_span("2m").unwrap(), Span::from_secs(120));
        assert_eq!(parse_span("1h").unwrap(), Span::from_secs(3600));
        assert_eq!(parse_span("3").unwrap(), Span::from_secs(3));
        assert!(
            parse_span("10 parsecs")
                .unwrap_err()
                .contains("unknown time unit")
        );
        assert!(parse_span("fast").is_err());
        assert!(parse_span("").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("10Mbit").unwrap(), BitRate(10_000_000));
        assert_eq!(parse_rate("64kbit").unwrap(), BitRate(64_000));
        assert_eq!(parse_rate("1Gbit").unwrap(), BitRate(1_000_000_000));
        assert_eq!(parse_rate("9600").unwrap(), BitRate(9600));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("lots").is_err());
    }

    #[test]
    fn probabilities() {
        assert_eq!(parse_probability("1%").unwrap(), Probability(0.01));
        assert_eq!(parse_probability("0.5").unwrap(), Probability(0.5));
        assert!(parse_probability("150%").is_err());
        assert!(parse_probability("-0.1").is_err());
    }
}
