//! IPv4 options (RFC 791 §3.1 "Options"): kept as the bytes they are on
//! the wire, walked one option at a time.

use core::fmt;

use crate::wire::Error;

/// The most option bytes a header holds (IHL 15 minus the fixed header).
pub const MAX_OPTIONS_LEN: usize = 40;

/// Option types with a one-byte form (RFC 791 §3.1: "Case 1").
const END_OF_LIST: u8 = 0;
const NO_OPERATION: u8 = 1;
/// The copied flag: the option is repeated in every fragment.
const COPIED: u8 = 0x80;

/// The options of one header, at most 40 bytes, a multiple of 4.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Options {
    len: u8,
    bytes: [u8; MAX_OPTIONS_LEN],
}

impl Options {
    pub const NONE: Options = Options {
        len: 0,
        bytes: [0; MAX_OPTIONS_LEN],
    };

    /// Options as a header carries them: at most 40 bytes, and a whole
    /// number of 32-bit words (the header length counts words).
    pub fn new(bytes: &[u8]) -> Result<Options, Error> {
        if bytes.len() > MAX_OPTIONS_LEN || !bytes.len().is_multiple_of(4) {
            return Err(Error::Unrepresentable);
        }
        let mut options = Options::NONE;
        options.bytes[..bytes.len()].copy_from_slice(bytes);
        options.len = bytes.len() as u8;
        Ok(options)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> Items<'_> {
        Items::new(self.as_bytes())
    }

    /// The options every fragment after the first repeats: those with the
    /// copied flag (RFC 791 §3.1), in order, padded with End of Option
    /// List to a multiple of 4. The walk stops at the end of the list or
    /// at an option that does not parse.
    pub fn copied(&self) -> Options {
        let mut out = Options::NONE;
        let mut len = 0;
        for item in self.iter() {
            let Ok(item) = item else { break };
            if item.kind & COPIED != 0 {
                out.bytes[len..len + item.bytes.len()].copy_from_slice(item.bytes);
                len += item.bytes.len();
            }
        }
        out.len = len.next_multiple_of(4) as u8;
        out
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Options(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// One option: its type octet, where it starts among the options, and all
/// of its bytes (type, length and data; one byte for NOP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    pub kind: u8,
    pub at: usize,
    pub bytes: &'a [u8],
}

/// The options of a list up to End of Option List. An option whose
/// length is below 2 or runs past the list yields `Err` with its offset,
/// and the walk ends.
#[derive(Clone, Debug)]
pub struct Items<'a> {
    options: &'a [u8],
    at: usize,
}

impl<'a> Items<'a> {
    pub fn new(options: &'a [u8]) -> Items<'a> {
        Items { options, at: 0 }
    }

    fn step(&mut self, kind: u8) -> Result<Item<'a>, usize> {
        let at = self.at;
        let len = match kind {
            NO_OPERATION => 1,
            _ => usize::from(self.options.get(at + 1).copied().unwrap_or(0)),
        };
        match self.options.get(at..at + len) {
            Some(bytes) if len >= 2 || kind == NO_OPERATION => {
                self.at += len;
                Ok(Item { kind, at, bytes })
            }
            _ => {
                self.at = self.options.len();
                Err(at)
            }
        }
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Result<Item<'a>, usize>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.options.get(self.at).copied() {
            None | Some(END_OF_LIST) => None,
            Some(kind) => Some(self.step(kind)),
        }
    }
}
