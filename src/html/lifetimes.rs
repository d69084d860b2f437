//! SA lifetimes as bars: each SA each node installed, from installation
//! to its deletion or hard expiry (or the end of the run), with ticks at
//! its soft and hard lifetimes.

use std::fmt::Write as _;

use smoltcp::time::Instant;

use super::page::esc;
use super::topology::sa_label;
use crate::ipsec::sad::{SaEnd, SaLife};
use crate::ipsec::spec::IpsecProto;

/// At most this many bars; the rest are counted.
const BAR_CAP: usize = 80;
const LABEL_W: i64 = 380;
const PLOT_W: i64 = 560;
const BAR_H: i64 = 18;

fn x_of(at: Instant, end: Instant) -> i64 {
    let total = end.total_micros().max(1);
    LABEL_W + at.total_micros().clamp(0, total) * PLOT_W / total
}

/// The bars for every node's SAs over a run that ended at `end`.
pub fn draw(history: &[(String, Vec<SaLife>)], end: Instant) -> String {
    let all: Vec<(&str, &SaLife)> = history
        .iter()
        .flat_map(|(n, sas)| sas.iter().map(move |sa| (n.as_str(), sa)))
        .collect();
    if all.is_empty() {
        return "<p class=\"muted\">No SA was installed.</p>".into();
    }
    let shown = all.len().min(BAR_CAP);
    let height = (shown as i64 + 2) * BAR_H + 10;
    let width = LABEL_W + PLOT_W + 90;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"lifetimes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"SA lifetimes\"><line x1=\"{LABEL_W}\" y1=\"{BAR_H}\" \
         x2=\"{}\" y2=\"{BAR_H}\" stroke=\"#999\"/><text x=\"{LABEL_W}\" y=\"12\">0s</text>\
         <text x=\"{}\" y=\"12\" text-anchor=\"end\">{}</text>",
        LABEL_W + PLOT_W,
        LABEL_W + PLOT_W,
        super::page::seconds(end.total_micros())
    );
    for (i, (node, sa)) in all.iter().take(shown).enumerate() {
        bar(&mut svg, node, sa, end, (i as i64 + 1) * BAR_H + 4);
    }
    if shown < all.len() {
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{}\" fill=\"#666\">+{} more SAs (see the .sad files)</text>",
            (shown as i64 + 2) * BAR_H,
            all.len() - shown
        );
    }
    svg.push_str("</svg>");
    svg
}

fn bar(svg: &mut String, node: &str, sa: &SaLife, end: Instant, y: i64) {
    let (x1, x2) = (
        x_of(sa.created, end),
        x_of(sa.ended.map_or(end, |e| e.0), end),
    );
    let how = match sa.ended {
        Some((_, SaEnd::Deleted)) => "deleted",
        Some((_, SaEnd::Expired)) => "expired",
        None => "",
    };
    let fill = if sa.proto == IpsecProto::Ah {
        "#f0a04b"
    } else {
        "#8e63c7"
    };
    let label = format!(
        "{node}: {} 0x{:08x} {} > {}",
        sa.proto.name(),
        sa.spi,
        sa.src,
        sa.dst
    );
    let _ = write!(
        svg,
        "<g class=\"sa\" data-spi=\"{:08x}\"><title>{}</title><text x=\"4\" y=\"{}\" \
         class=\"mono\">{}</text><rect x=\"{x1}\" y=\"{y}\" width=\"{}\" height=\"{}\" \
         fill=\"{fill}\" rx=\"3\"/>",
        sa.spi,
        esc(&sa_label(sa)),
        y + 11,
        esc(&label),
        (x2 - x1).max(2),
        BAR_H - 5
    );
    for secs in [sa.soft_seconds, sa.hard_seconds] {
        let at = sa.created + smoltcp::time::Duration::from_secs(secs);
        if secs > 0 && at < end {
            let x = x_of(at, end);
            let _ = write!(
                svg,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#222\"/>",
                y - 2,
                y + BAR_H - 3
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" fill=\"#666\">{how}</text></g>",
        x2 + 4,
        y + 11
    );
}
