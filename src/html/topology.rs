//! The topology picture: nodes by role, links with their latency, loss
//! and MTU, NAT boxes with their kind, and the tunnels the run made as
//! arcs between their endpoints, labelled with the negotiated algorithms.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::layout::{self, Kind, Vertex};
use super::page::esc;
use crate::ipsec::sad::SaLife;
use crate::scenario::{NodeSpec, Role, Scenario};
use crate::sim::Outcome;

/// At most this many vertices per column; the rest are one `+N more` box.
const COLUMN_CAP: usize = 12;
const COL_W: i64 = 175;
const ROW_H: i64 = 66;
const BOX_W: i64 = 140;
const BOX_H: i64 = 46;
/// Room above the first row for tunnel arcs and their labels.
const TOP: i64 = 70;

/// A laid-out picture and the order of what it drew.
pub struct Drawing {
    pub svg: String,
    /// Node and TUN-end names drawn, left to right, top to bottom.
    pub order: Vec<String>,
}

/// Tunnels: pairs of nodes that hold SAs with the same SPI, with a label
/// per distinct kind of SA and the number of SAs.
pub fn tunnels(history: &[(String, Vec<SaLife>)]) -> BTreeMap<(String, String), Vec<String>> {
    let mut holders: BTreeMap<(u8, u32), Vec<(&str, &SaLife)>> = BTreeMap::new();
    for (node, sas) in history {
        for sa in sas {
            let held = holders.entry((sa.proto.ip_protocol(), sa.spi)).or_default();
            if !held.iter().any(|(n, _)| n == node) {
                held.push((node, sa));
            }
        }
    }
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for held in holders.values() {
        let [(a, sa), (b, _)] = held.as_slice() else {
            continue;
        };
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let label = sa_label(sa);
        let labels = out.entry((a.to_string(), b.to_string())).or_default();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    out
}

/// `esp tunnel aes-cbc/hmac-sha1 NAT-T`.
pub fn sa_label(sa: &SaLife) -> String {
    let algs: Vec<&str> = [
        sa.enc.map(|e| e.setkey_name()),
        sa.auth.map(|a| a.setkey_name()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut s = format!("{} {} {}", sa.proto.name(), sa.mode.name(), algs.join("/"));
    if sa.udp_encap {
        s.push_str(" NAT-T");
    }
    s
}

/// Where each drawn vertex's centre is; columns capped.
struct Placed {
    at: BTreeMap<usize, (i64, i64)>,
    /// Per column that was capped: its `+N more` box centre and N.
    more: Vec<((i64, i64), usize)>,
    width: i64,
    height: i64,
}

fn place(cols: &[Vec<usize>]) -> Placed {
    let mut at = BTreeMap::new();
    let mut more = Vec::new();
    let mut rows = 0;
    for (c, col) in cols.iter().enumerate() {
        let x = c as i64 * COL_W + COL_W / 2;
        let shown = if col.len() > COLUMN_CAP {
            COLUMN_CAP - 1
        } else {
            col.len()
        };
        for (r, v) in col.iter().take(shown).enumerate() {
            at.insert(*v, (x, TOP + r as i64 * ROW_H + BOX_H / 2));
        }
        if shown < col.len() {
            more.push((
                (x, TOP + shown as i64 * ROW_H + BOX_H / 2),
                col.len() - shown,
            ));
        }
        rows = rows.max(shown + usize::from(shown < col.len()));
    }
    Placed {
        at,
        more,
        width: cols.len() as i64 * COL_W,
        height: TOP + rows as i64 * ROW_H + 10,
    }
}

/// The picture of `s` after the run `o`.
pub fn draw(s: &Scenario, o: &Outcome) -> Drawing {
    let g = layout::graph(s);
    let cols = layout::columns(&g);
    let p = place(&cols);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"topology\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" \
         height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"topology\">",
        w = p.width.max(200),
        h = p.height
    );
    edges(&mut svg, &g, &p);
    for (v, (x, y)) in &p.at {
        vertex(&mut svg, s, &g[*v], *x, *y);
    }
    for ((x, y), n) in &p.more {
        let _ = write!(
            svg,
            "<g class=\"more\"><rect x=\"{}\" y=\"{}\" width=\"{BOX_W}\" height=\"{BOX_H}\" \
             rx=\"6\" fill=\"#fff\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">+{n} more</text></g>",
            x - BOX_W / 2,
            y - BOX_H / 2,
            y + 4
        );
    }
    let by_name: BTreeMap<&str, (i64, i64)> =
        p.at.iter()
            .map(|(v, xy)| (g[*v].name.as_str(), *xy))
            .collect();
    arcs(&mut svg, &tunnels(&o.sa_history), &by_name);
    svg.push_str("</svg>");
    let order = cols
        .iter()
        .flatten()
        .filter(|v| p.at.contains_key(v) && g[**v].kind != Kind::Link)
        .map(|v| g[*v].name.clone())
        .collect();
    Drawing { svg, order }
}

fn edges(svg: &mut String, g: &[Vertex], p: &Placed) {
    for (v, (x, y)) in &p.at {
        for n in &g[*v].neighbours {
            if let (true, Some((x2, y2))) = (v < n, p.at.get(n)) {
                let _ = write!(
                    svg,
                    "<line x1=\"{x}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"#8a8f98\" \
                     stroke-width=\"1.5\"/>"
                );
            }
        }
    }
}

/// Fill colour and the second line of a node's box.
fn node_look(spec: &NodeSpec) -> (&'static str, String) {
    let role = match spec.role {
        Role::Host => "host",
        Role::Router => "router",
        Role::Gateway => "gateway",
    };
    let daemon = match spec.daemon_config() {
        Some(_) => " · racoon",
        None => "",
    };
    if let Some(nat) = &spec.nat {
        let kind = crate::nat::Kind::from(nat.kind).name();
        return ("#fdebd3", format!("NAT {kind}"));
    }
    let fill = match spec.role {
        Role::Host => "#e3eefb",
        Role::Router => "#eceff1",
        Role::Gateway => "#e2f3e6",
    };
    (fill, format!("{role}{daemon}"))
}

fn vertex(svg: &mut String, s: &Scenario, v: &Vertex, x: i64, y: i64) {
    let (class, fill, lines) = match v.kind {
        Kind::Node => {
            let Some(spec) = s.nodes.get(&v.name) else {
                return;
            };
            let (fill, second) = node_look(spec);
            let addr = spec
                .interfaces
                .values()
                .next()
                .map(|i| i.address.value.to_string())
                .unwrap_or_default();
            ("node", fill, [v.name.clone(), second, addr])
        }
        Kind::Link => ("link", "#ffffff", link_lines(s, &v.name)),
        Kind::Tun => (
            "tun",
            "#f6f0fb",
            [v.name.clone(), "host TUN device".into(), String::new()],
        ),
    };
    let rx = if v.kind == Kind::Link { BOX_H / 2 } else { 6 };
    let _ = write!(
        svg,
        "<g class=\"{class}\" data-name=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{BOX_W}\" \
         height=\"{BOX_H}\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"#5f6b7a\"/>",
        esc(&v.name),
        x - BOX_W / 2,
        y - BOX_H / 2
    );
    for (i, line) in lines.iter().enumerate() {
        let weight = if i == 0 { " font-weight=\"600\"" } else { "" };
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\"{weight}>{}</text>",
            y - 9 + i as i64 * 13,
            esc(line)
        );
    }
    svg.push_str("</g>");
}

/// A link's name, then latency, jitter and loss, then its MTU.
fn link_lines(s: &Scenario, name: &str) -> [String; 3] {
    let Some(l) = s.links.get(name) else {
        return [name.to_string(), String::new(), String::new()];
    };
    let mut props = vec![format!("{}", l.latency)];
    if l.jitter.0.total_micros() > 0 {
        props.push(format!("±{}", l.jitter));
    }
    if l.loss.0 > 0.0 {
        props.push(format!("{}% loss", l.loss.0 * 100.0));
    }
    [
        name.to_string(),
        props.join(" · "),
        format!("MTU {}", l.mtu.value),
    ]
}

/// Each tunnel as an arc over its two ends, with its labels at the top.
fn arcs(
    svg: &mut String,
    tunnels: &BTreeMap<(String, String), Vec<String>>,
    at: &BTreeMap<&str, (i64, i64)>,
) {
    for (n, ((a, b), labels)) in tunnels.iter().enumerate() {
        let (Some((x1, y1)), Some((x2, y2))) = (at.get(a.as_str()), at.get(b.as_str())) else {
            continue;
        };
        let (y1, y2) = (y1 - BOX_H / 2, y2 - BOX_H / 2);
        let top = (y1.min(y2) - 40 - (n as i64 % 3) * 8).max(8);
        let mid = (x1 + x2) / 2;
        let _ = write!(
            svg,
            "<g class=\"tunnel\" data-ends=\"{} {}\"><path d=\"M{x1} {y1} Q{mid} {} {x2} {y2}\" \
             fill=\"none\" stroke=\"#7b3fb5\" stroke-width=\"3\" stroke-dasharray=\"7 4\" \
             opacity=\"0.8\"/><text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" \
             fill=\"#5a2d86\">{}</text></g>",
            esc(a),
            esc(b),
            2 * top - (y1 + y2) / 2,
            top - 2,
            esc(&labels.join("; "))
        );
    }
}
