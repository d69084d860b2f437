//! The message-sequence (ladder) picture: one lifeline per node, time
//! running down, an arrow per row of [`super::rows`], labelled as tcpdump
//! labels the packet; a NAT's rewrite shows as the addresses under the
//! arrow changing from one link to the next; lost and dropped packets
//! end in a cross with their reason. Each arrow links to its trace line.

use std::fmt::Write as _;

use super::page::esc;
use super::rows::{Left, Row, RowKind, rows};
use crate::net::time::time_of_day;
use crate::observe::ladder::Hop;
use crate::sim::Outcome;

const LEFT: i64 = 96;
const COL: i64 = 220;
const HEAD: i64 = 44;
const ROW_H: i64 = 42;

/// The picture for the run `o`, lifelines in `order` (the topology's
/// left-to-right order) as far as packets touch them.
pub fn draw(o: &Outcome, order: &[String]) -> String {
    let index = |name: &str| o.lifelines.iter().position(|l| l == name);
    let touched = |l: usize| {
        o.hops
            .iter()
            .any(|h| h.from as usize == l || h.to as usize == l)
    };
    let lanes: Vec<usize> = order
        .iter()
        .filter_map(|n| index(n))
        .filter(|l| touched(*l))
        .collect();
    let lane = |l: u32| lanes.iter().position(|x| *x == l as usize);
    let said = super::said::informational(o);
    let (rows, left) = rows(&o.hops, |l| lane(l).is_some(), &said);
    let width = LEFT + lanes.len().max(1) as i64 * COL;
    let height = HEAD + (rows.len() as i64 + 1) * ROW_H;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"message sequence\"><defs><marker id=\"head\" viewBox=\"0 0 10 10\" \
         refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
         <path d=\"M0 0L10 5L0 10z\" fill=\"#555\"/></marker></defs>"
    );
    for (i, l) in lanes.iter().enumerate() {
        let x = LEFT + i as i64 * COL + COL / 2;
        let _ = write!(
            svg,
            "<g class=\"lifeline\" data-name=\"{name}\"><rect x=\"{}\" y=\"6\" width=\"{}\" \
             height=\"24\" rx=\"4\" fill=\"#e3eefb\" stroke=\"#5f6b7a\"/><text x=\"{x}\" y=\"22\" \
             text-anchor=\"middle\" font-weight=\"600\">{name}</text><line x1=\"{x}\" y1=\"30\" \
             x2=\"{x}\" y2=\"{height}\" stroke=\"#b0b6bf\" stroke-dasharray=\"3 3\"/></g>",
            x - COL / 2 + 12,
            COL - 24,
            name = esc(&o.lifelines[*l])
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y = HEAD + r as i64 * ROW_H + 14;
        let h = &o.hops[row.hop];
        if let (Some(a), Some(b)) = (lane(h.from), lane(h.to)) {
            arrow(&mut svg, row, h, y, a as i64, b as i64);
        }
    }
    note_left(&mut svg, &left, HEAD + rows.len() as i64 * ROW_H + 18);
    svg.push_str("</svg>");
    svg
}

fn lane_x(lane: i64) -> i64 {
    LEFT + lane * COL + COL / 2
}

fn arrow(svg: &mut String, row: &Row, h: &Hop, y: i64, a: i64, b: i64) {
    let (x1, x2) = (lane_x(a), lane_x(b));
    let trouble = h.trouble();
    let kind = if trouble.is_some() {
        "drop"
    } else {
        row.kind.name()
    };
    let colour = match (trouble, row.kind) {
        (Some(_), _) => "#b3261e",
        (None, RowKind::Ike) => "#1f5fbf",
        (None, RowKind::Esp) => "#7b3fb5",
        (None, RowKind::Other) => "#4d5560",
    };
    // A lost packet stops halfway; a dropped one reaches its receiver.
    let end = if h.arriving == 0 { (x1 + x2) / 2 } else { x2 };
    let _ = write!(
        svg,
        "<a href=\"#t{line}\"><g class=\"arrow\" data-kind=\"{kind}\" data-line=\"{line}\">\
         <title>{title}</title><text x=\"4\" y=\"{ty}\" class=\"mono\" fill=\"#666\">{time}</text>\
         <line x1=\"{x1}\" y1=\"{y}\" x2=\"{end}\" y2=\"{y2}\" stroke=\"{colour}\" \
         stroke-width=\"1.6\"{marker}/>",
        line = h.line,
        title = esc(&h.text),
        ty = y + 4,
        time = &time_of_day(h.at)[..12],
        y2 = y + 8,
        marker = if h.arriving == 0 {
            ""
        } else {
            " marker-end=\"url(#head)\""
        },
    );
    if trouble.is_some() {
        let _ = write!(
            svg,
            "<text x=\"{end}\" y=\"{}\" text-anchor=\"middle\" fill=\"{colour}\" \
             font-weight=\"700\">✕</text>",
            y + 12
        );
    }
    let mid = (x1 + x2) / 2;
    let weight = if row.kind == RowKind::Ike {
        " font-weight=\"600\""
    } else {
        ""
    };
    let mut label = row.label.clone();
    if row.count > 1 {
        label.push_str(&format!(
            " ×{} until {}",
            row.count,
            &time_of_day(row.until)[..12]
        ));
    }
    if let Some(t) = trouble {
        label = format!("{label} — {t}");
    }
    let _ = write!(
        svg,
        "<text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" fill=\"{colour}\"{weight}>{}</text>\
         <text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" class=\"mono\" fill=\"#777\">{}</text>\
         </g></a>",
        y - 3,
        esc(&label),
        y + 19,
        esc(&row.addrs)
    );
}

fn note_left(svg: &mut String, left: &Left, y: i64) {
    let mut parts = Vec::new();
    if left.after_cap > 0 {
        parts.push(format!(
            "{} more packets after these (see trace.txt)",
            left.after_cap
        ));
    }
    if left.hidden > 0 {
        parts.push(format!("{} packets between nodes not drawn", left.hidden));
    }
    if !parts.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{y}\" fill=\"#666\">{}</text>",
            esc(&parts.join("; "))
        );
    }
}
