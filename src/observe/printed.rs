//! Test helpers for the protocol printers: what one writes for some
//! bytes, captured whole, and whether it ran out of captured bytes.

use super::tcpdump::{Cap, Res};

/// A printer given the captured bytes and the length on the wire.
pub(super) fn printed(print: fn(&mut String, Cap, usize) -> Res, p: &[u8]) -> (String, bool) {
    let mut out = String::new();
    let cut = print(&mut out, Cap(p), p.len()).is_err();
    (out, cut)
}

/// A printer given the captured bytes only.
pub(super) fn printed_short(print: fn(&mut String, Cap) -> Res, p: &[u8]) -> (String, bool) {
    let mut out = String::new();
    let cut = print(&mut out, Cap(p)).is_err();
    (out, cut)
}

/// [`printed`], with tcpdump's ` [|proto]` where it was cut.
pub(super) fn printed_marked(
    print: fn(&mut String, Cap, usize) -> Res,
    p: &[u8],
    proto: &str,
) -> String {
    let (mut out, cut) = printed(print, p);
    if cut {
        out.push_str(&format!(" [|{proto}]"));
    }
    out
}
