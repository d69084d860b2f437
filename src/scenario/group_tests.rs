//! Node groups: expansion, the way back to the template, and errors that
//! name the member.

use std::path::Path;

use super::group::expand;
use super::located::Pos;

const HEAD: &str = "name: g\nduration: 5s\n";

fn group_yaml(count: &str, address: &str) -> String {
    format!(
        "{HEAD}links:\n  lan: {{}}\nnodes:\n  gw:\n    role: router\n    interfaces:\n      \
         eth0: {{ link: lan, address: 10.0.0.1/24 }}\n  rw{{i}}:\n    count: {count}\n    \
         interfaces:\n      eth0: {{ link: lan, address: {address} }}\n\
         traffic:\n  - at: \"{{i*100}}ms\"\n    ping: {{ from: rw{{i}}, to: 10.0.0.1, count: 1 }}\n\
         expect:\n  - ping: {{ from: rw{{i}}, to: 10.0.0.1, replies: 1 }}\n  \
         - counter: {{ node: rw*, name: sent, at_least: 3 }}\n"
    )
}

/// Members 1..=N, each with its own name and address; the count line
/// gone; traffic and expectations once per member; lines map back.
#[test]
fn a_group_becomes_its_members() {
    let e = expand(&group_yaml("3", "10.0.0.{i+10}/24")).expect("expands");
    for i in 1..=3 {
        assert!(
            e.text.contains(&format!("  rw{i}:\n    interfaces:\n")),
            "{}",
            e.text
        );
        assert!(
            e.text
                .contains(&format!("address: 10.0.0.{}/24 }}", i + 10))
        );
        assert!(e.text.contains(&format!("at: \"{}ms\"", i * 100)));
        assert!(
            e.text
                .contains(&format!("from: rw{i}, to: 10.0.0.1, replies"))
        );
    }
    assert!(!e.text.contains("count: 3"));
    assert!(e.text.contains("node: rw*"));
    // The third member's address line is line 13 of the file.
    let line = e
        .text
        .lines()
        .position(|l| l.contains("10.0.0.13"))
        .unwrap() as u32
        + 1;
    let column = e
        .text
        .lines()
        .nth(line as usize - 1)
        .unwrap()
        .find("link")
        .unwrap() as u32
        + 1;
    let (at, member) = e.map.locate(Pos { line, column });
    assert_eq!(at, Pos { line: 13, column });
    assert_eq!(member.as_deref(), Some("rw3, member 3 of rw{i}"));
}

/// A problem in one member points at the template line and names the
/// member: here the address is the same for all, so the second is a
/// duplicate.
#[test]
fn an_error_in_a_member_names_it_at_the_template() {
    let errors = super::load_str(Path::new("g.yaml"), &group_yaml("3", "10.0.0.{i*0+5}/24"))
        .expect_err("duplicate addresses");
    let text = errors.to_string();
    assert!(text.contains("g.yaml:13:"), "{text}");
    assert!(text.contains("(in rw2, member 2 of rw{i})"), "{text}");
}

/// A group of links, written inline, and a counter over a pattern.
#[test]
fn inline_groups_and_patterns_load() {
    let yaml = format!(
        "{HEAD}links:\n  l{{i}}: {{ count: 2, latency: 1ms }}\nnodes:\n  a{{i}}:\n    count: 2\n    \
         interfaces:\n      eth0: {{ link: l{{i}}, address: 10.0.{{i}}.1/24 }}\n  b{{i}}:\n    count: 2\n    \
         interfaces:\n      eth0: {{ link: l{{i}}, address: 10.0.{{i}}.2/24 }}\n\
         traffic:\n  - {{ at: 1s, ping: {{ from: a{{i}}, to: \"10.0.{{i}}.2\", count: 2 }} }}\n\
         expect:\n  - counter: {{ node: b*, name: delivered, count: 4 }}\n"
    );
    let s = super::load_str(Path::new("g.yaml"), &yaml).expect("loads");
    assert_eq!(s.links.keys().collect::<Vec<_>>(), ["l1", "l2"]);
    assert_eq!(s.nodes.len(), 4);
    assert_eq!(s.traffic.len(), 2);
    assert_eq!(s.nodes_named("b*").count(), 2);
}

/// `{i}` where no group gives it a value, a bad count, and a name
/// without `{i}` are errors at their place.
#[test]
fn misplaced_expressions_and_bad_counts_are_located() {
    let outside = format!("{HEAD}links:\n  lan{{i}}: {{}}\n");
    let e = expand(&outside).err().expect("outside a group");
    assert_eq!(e[0].0, Pos { line: 4, column: 6 });
    assert!(e[0].1.contains("outside a group"), "{}", e[0].1);
    let bad = format!("{HEAD}nodes:\n  rw{{i}}:\n    count: many\n");
    let e = expand(&bad).err().expect("bad count");
    assert_eq!(
        e[0].0,
        Pos {
            line: 5,
            column: 11
        }
    );
    let unnamed = format!("{HEAD}nodes:\n  rw:\n    count: 2\n");
    let e = expand(&unnamed).err().expect("no {i} in the name");
    assert!(e[0].1.contains("no `{i}` in its name"), "{}", e[0].1);
}

/// A file without groups comes back as it was.
#[test]
fn files_without_groups_are_unchanged() {
    let yaml = format!(
        "{HEAD}links:\n  lan: {{ latency: 1ms }}\nexpect:\n  - trace: {{ link: lan, matches: 'x{{2}}' }}\n"
    );
    let e = expand(&yaml).expect("expands");
    assert_eq!(e.text, yaml);
    assert_eq!(e.map.line(4), 4);
}

/// `count:` anywhere in an inline entry, first or last.
#[test]
fn inline_count_first_or_last() {
    let yaml = format!(
        "{HEAD}links:\n  a{{i}}: {{ count: 2, latency: 1ms }}\n  b{{i}}: {{ latency: 1ms, count: 2 }}\n"
    );
    let e = expand(&yaml).expect("expands");
    assert!(e.text.contains("  a2: { latency: 1ms }\n"), "{}", e.text);
    assert!(e.text.contains("  b2: { latency: 1ms }\n"), "{}", e.text);
}
