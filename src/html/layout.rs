//! Where the topology picture puts each node and link: columns by hops
//! from the network's centre, as a person draws a VPN — one site left,
//! the Internet in the middle, the other site right; a group of equal
//! branches (roadwarriors) together on one side.
//!
//! The graph is bipartite: nodes (and TUN ends) and links are both
//! vertices, joined where a node has an interface on a link.

use std::collections::{BTreeMap, VecDeque};

use crate::scenario::Scenario;

/// What a vertex is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Node,
    Link,
    /// A host TUN device at a link's end (`tun:DEVICE`).
    Tun,
}

#[derive(Clone, Debug)]
pub struct Vertex {
    pub name: String,
    pub kind: Kind,
    pub neighbours: Vec<usize>,
}

/// The scenario as a graph; vertices in a stable order (nodes, links,
/// TUN ends, each sorted as the scenario's maps are).
pub fn graph(s: &Scenario) -> Vec<Vertex> {
    let mut v: Vec<Vertex> = Vec::new();
    let mut index = BTreeMap::new();
    let mut add = |v: &mut Vec<Vertex>, name: String, kind| {
        index.insert((kind as u8, name.clone()), v.len());
        v.push(Vertex {
            name,
            kind,
            neighbours: Vec::new(),
        });
        v.len() - 1
    };
    let nodes: Vec<usize> = s
        .nodes
        .keys()
        .map(|n| add(&mut v, n.clone(), Kind::Node))
        .collect();
    let links: BTreeMap<&str, usize> = s
        .links
        .keys()
        .map(|l| (l.as_str(), add(&mut v, l.clone(), Kind::Link)))
        .collect();
    let join = |v: &mut Vec<Vertex>, a: usize, b: usize| {
        if !v[a].neighbours.contains(&b) {
            v[a].neighbours.push(b);
            v[b].neighbours.push(a);
        }
    };
    for (node, spec) in nodes.iter().zip(s.nodes.values()) {
        for iface in spec.interfaces.values() {
            if let Some(l) = links.get(iface.link.as_str()) {
                join(&mut v, *node, *l);
            }
        }
    }
    for (name, spec) in &s.links {
        if let Some(tun) = &spec.tun {
            let t = add(&mut v, format!("tun:{}", tun.device.value), Kind::Tun);
            join(&mut v, t, links[name.as_str()]);
        }
    }
    v
}

/// Hop counts from `from` within the vertices `allowed` admits.
fn distances(g: &[Vertex], from: usize, allowed: impl Fn(usize) -> bool) -> Vec<Option<usize>> {
    let mut dist = vec![None; g.len()];
    dist[from] = Some(0);
    let mut queue = VecDeque::from([from]);
    while let Some(v) = queue.pop_front() {
        let d = dist[v].unwrap_or(0);
        for &n in &g[v].neighbours {
            if dist[n].is_none() && allowed(n) {
                dist[n] = Some(d + 1);
                queue.push_back(n);
            }
        }
    }
    dist
}

/// The vertex farthest from `from` (lowest index among equals).
fn farthest(dist: &[Option<usize>]) -> usize {
    let mut best = (0, 0);
    for (v, d) in dist.iter().enumerate() {
        if let Some(d) = d {
            if *d > best.1 {
                best = (v, *d);
            }
        }
    }
    best.0
}

/// The middle vertex of a longest shortest path found by a double sweep
/// over the component of `start`.
fn centre(g: &[Vertex], start: usize) -> (usize, usize, usize) {
    let a = farthest(&distances(g, start, |_| true));
    let from_a = distances(g, a, |_| true);
    let b = farthest(&from_a);
    let half = from_a[b].unwrap_or(0) / 2;
    let from_b = distances(g, b, |_| true);
    // On a shortest a–b path: d(a,v) + d(v,b) = d(a,b).
    let on_path = (0..g.len()).find(|&v| {
        from_a[v] == Some(half) && from_b[v].is_some_and(|d| d + half == from_a[b].unwrap_or(0))
    });
    (on_path.unwrap_or(a), a, b)
}

/// One branch hanging off the centre: its vertices and its shape (depth,
/// kind and degree of each, sorted), which equal branches share.
struct Branch {
    members: Vec<usize>,
    shape: Vec<(usize, u8, usize)>,
}

/// The connected parts of the graph without `c`, one search each over a
/// shared marking: linear in the graph, also with 10,000 branches.
fn branches(g: &[Vertex], c: usize) -> Vec<Branch> {
    let mut dist: Vec<Option<usize>> = vec![None; g.len()];
    dist[c] = Some(0);
    let mut out = Vec::new();
    for &n in &g[c].neighbours {
        if dist[n].is_some() {
            continue;
        }
        dist[n] = Some(0);
        let mut members = vec![n];
        let mut queue = VecDeque::from([n]);
        while let Some(v) = queue.pop_front() {
            let d = dist[v].unwrap_or(0);
            for &m in &g[v].neighbours {
                if dist[m].is_none() {
                    dist[m] = Some(d + 1);
                    members.push(m);
                    queue.push_back(m);
                }
            }
        }
        let mut shape: Vec<(usize, u8, usize)> = members
            .iter()
            .map(|m| {
                (
                    dist[*m].unwrap_or(0),
                    g[*m].kind as u8,
                    g[*m].neighbours.len(),
                )
            })
            .collect();
        shape.sort_unstable();
        out.push(Branch { members, shape });
    }
    out
}

/// Which side each branch goes: a group (three or more equal branches)
/// left and the rest right; otherwise `a`'s branch left, `b`'s right and
/// the others where there are fewer vertices.
fn sides(branches: &[Branch], a: usize, b: usize) -> Vec<bool> {
    let mut classes: BTreeMap<&[(usize, u8, usize)], usize> = BTreeMap::new();
    for br in branches {
        *classes.entry(br.shape.as_slice()).or_default() += 1;
    }
    let group = classes
        .iter()
        .filter(|(_, n)| **n >= 3)
        .max_by_key(|(_, n)| **n)
        .map(|(shape, _)| *shape);
    if let Some(shape) = group {
        return branches.iter().map(|br| br.shape == shape).collect();
    }
    let mut left = vec![false; branches.len()];
    let (mut l, mut r) = (0, 0);
    let mut order: Vec<usize> = (0..branches.len()).collect();
    // a's and b's branches first, then the largest.
    order.sort_by_key(|&i| {
        let m = &branches[i].members;
        (!m.contains(&a), !m.contains(&b), usize::MAX - m.len(), i)
    });
    for i in order {
        let m = &branches[i].members;
        let go_left = if m.contains(&a) {
            true
        } else if m.contains(&b) {
            false
        } else {
            l <= r
        };
        left[i] = go_left;
        if go_left {
            l += m.len();
        } else {
            r += m.len();
        }
    }
    left
}

/// Columns of vertex indices, left to right; within a column vertices
/// follow their parent's place, then their names in natural order.
pub fn columns(g: &[Vertex]) -> Vec<Vec<usize>> {
    let mut column: Vec<Option<i64>> = vec![None; g.len()];
    let mut all: Vec<Vec<usize>> = Vec::new();
    for start in 0..g.len() {
        if column[start].is_some() {
            continue;
        }
        let cols = component(g, start);
        for (i, col) in cols.iter().enumerate() {
            for v in col {
                column[*v] = Some(i as i64);
            }
            // Components stack: each one's columns extend the shared ones.
            match all.get_mut(i) {
                Some(c) => c.extend(col),
                None => all.push(col.clone()),
            }
        }
    }
    all
}

/// The columns of the component of `start`.
fn component(g: &[Vertex], start: usize) -> Vec<Vec<usize>> {
    let (c, a, b) = centre(g, start);
    let branches = branches(g, c);
    let left = sides(&branches, a, b);
    let dist = distances(g, c, |_| true);
    let mut signed: Vec<(i64, usize)> = vec![(0, c)];
    for (br, l) in branches.iter().zip(&left) {
        for &m in &br.members {
            let d = dist[m].unwrap_or(0) as i64;
            signed.push((if *l { -d } else { d }, m));
        }
    }
    let min = signed.iter().map(|(c, _)| *c).min().unwrap_or(0);
    let max = signed.iter().map(|(c, _)| *c).max().unwrap_or(0);
    let mut cols: Vec<Vec<usize>> = vec![Vec::new(); (max - min + 1) as usize];
    for (col, v) in signed {
        cols[(col - min) as usize].push(v);
    }
    order_rows(g, &mut cols);
    cols
}

/// Sorts each column by the row of the neighbour in the column nearer
/// the centre (already sorted), then by name in natural order.
fn order_rows(g: &[Vertex], cols: &mut [Vec<usize>]) {
    let centre = cols.iter().position(|c| c.len() == 1).unwrap_or(0);
    let mut row = vec![usize::MAX; g.len()];
    for v in &cols[centre] {
        row[*v] = 0;
    }
    let outward: Vec<usize> = (centre + 1..cols.len()).chain((0..centre).rev()).collect();
    for i in outward {
        let inner = if i > centre { i - 1 } else { i + 1 };
        let inner_set: Vec<usize> = cols[inner].clone();
        cols[i].sort_by_cached_key(|v| {
            let parent = g[*v]
                .neighbours
                .iter()
                .filter(|n| inner_set.contains(n))
                .map(|n| row[*n])
                .min()
                .unwrap_or(usize::MAX);
            (parent, natural(&g[*v].name))
        });
        for (r, v) in cols[i].iter().enumerate() {
            row[*v] = r;
        }
    }
}

/// A name's sort key with digit runs compared as numbers: `rw2` < `rw10`.
pub fn natural(name: &str) -> Vec<(u8, u64, String)> {
    let mut key = Vec::new();
    let mut chars = name.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() != digit {
                break;
            }
            run.push(d);
            chars.next();
        }
        let number = if digit {
            run.parse().unwrap_or(u64::MAX)
        } else {
            0
        };
        key.push((u8::from(digit), number, run));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(g: &[Vertex], cols: &[Vec<usize>]) -> Vec<Vec<String>> {
        cols.iter()
            .map(|c| c.iter().map(|v| g[*v].name.clone()).collect())
            .collect()
    }

    fn scenario(yaml: &str) -> Scenario {
        crate::scenario::load_str(std::path::Path::new("t.yaml"), yaml).expect("scenario")
    }

    fn node(name: &str, links: &[(&str, &str)]) -> String {
        let ifaces: Vec<String> = links
            .iter()
            .enumerate()
            .map(|(i, (l, a))| format!("eth{i}: {{link: {l}, address: {a}}}"))
            .collect();
        format!(
            "  {name}: {{role: router, interfaces: {{{}}}}}\n",
            ifaces.join(", ")
        )
    }

    /// The article's two sites: one left of the Internet, one right.
    #[test]
    fn two_sites_sit_either_side_of_the_internet() {
        let mut y =
            String::from("name: t\nduration: 1s\nlinks: {lan-a: {}, net: {}, lan-b: {}}\nnodes:\n");
        y += &node("a", &[("lan-a", "10.0.1.1/24")]);
        y += &node(
            "gw-a",
            &[("lan-a", "10.0.1.254/24"), ("net", "192.0.2.1/24")],
        );
        y += &node(
            "gw-b",
            &[("lan-b", "10.0.2.254/24"), ("net", "192.0.2.2/24")],
        );
        y += &node("b", &[("lan-b", "10.0.2.1/24")]);
        let s = scenario(&y);
        let g = graph(&s);
        let cols = columns(&g);
        let mut got = names(&g, &cols);
        // Mirror images are equally right.
        if got[0] == ["b"] {
            got.reverse();
        }
        assert_eq!(
            got,
            [
                ["a"],
                ["lan-a"],
                ["gw-a"],
                ["net"],
                ["gw-b"],
                ["lan-b"],
                ["b"]
            ]
        );
    }

    /// Equal branches (a group of roadwarriors) share one side, in
    /// natural name order; the gateway is on the other.
    #[test]
    fn a_group_of_equal_branches_shares_one_side() {
        let mut y = String::from("name: t\nduration: 1s\nlinks: {net: {}, lan: {}}\nnodes:\n");
        y += &node("gw", &[("net", "192.0.2.1/24"), ("lan", "10.0.0.1/24")]);
        y += &node("srv", &[("lan", "10.0.0.2/24")]);
        for i in [1, 2, 10] {
            y += &node(
                &format!("rw{i}"),
                &[("net", &format!("192.0.2.{}/24", 10 + i))],
            );
        }
        let s = scenario(&y);
        let g = graph(&s);
        let mut got = names(&g, &columns(&g));
        if got[0] == ["srv"] {
            got.reverse();
        }
        assert_eq!(
            got,
            vec![
                vec!["rw1", "rw2", "rw10"],
                vec!["net"],
                vec!["gw"],
                vec!["lan"],
                vec!["srv"]
            ]
        );
    }
}
