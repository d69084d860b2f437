//! The `vary:` section and `when:`, as `load_varied` reads them.

use std::path::Path;

use super::load_varied;
use super::vary::{self, Domain};

const FILE: &str = "name: v
seed: 1
duration: 5s
vary:
  loss: 0% .. 40%
  size: [56, big]
  jitter: { range: 0.5ms .. 2ms, default: 1ms }
links:
  wire: { latency: 1ms, jitter: ${jitter}, loss: ${loss} }
nodes:
  a:
    interfaces:
      eth0: { link: wire, address: 10.0.0.1/24 }
  b:
    interfaces:
      eth0: { link: wire, address: 10.0.0.2/24 }
traffic:
  - at: 1s
    ping: { name: p, from: a, to: 10.0.0.2, count: 2, size: ${size} }
expect:
  - ping: { flow: p, replies: 2 }
  - { when: ${loss} > 10%, ping: { flow: p, at_most: 2 } }
";

fn load(text: &str, values: &[(&str, &str)]) -> Result<super::Scenario, String> {
    let values: Vec<(String, String)> = values
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    load_varied(Path::new("v.yaml"), text, &values).map_err(|e| e.to_string())
}

#[test]
fn defaults_are_filled_in_and_when_leaves_an_expectation_out() {
    let s = load(FILE, &[]).unwrap();
    assert_eq!(s.links["wire"].loss.0, 0.0);
    assert_eq!(
        s.variables,
        vec![
            ("jitter".to_string(), "1ms".to_string()),
            ("loss".to_string(), "0%".to_string()),
            ("size".to_string(), "56".to_string())
        ]
    );
    assert_eq!(s.expect.len(), 1);
    assert_eq!(s.skipped, vec![(22, "0% > 10%".to_string())]);
    let s = load(FILE, &[("loss", "25%")]).unwrap();
    assert_eq!(s.expect.len(), 2);
    assert!(s.skipped.is_empty());
}

#[test]
fn a_value_the_schema_refuses_is_located_at_its_placeholder() {
    let e = load(FILE, &[("size", "big")]).unwrap_err();
    // `${size}` starts at column 61 of line 19.
    assert!(e.contains("v.yaml:19:61: invalid u64"), "{e}");
}

#[test]
fn values_outside_the_domain_and_unknown_names_are_errors() {
    assert!(
        load(FILE, &[("loss", "50%")])
            .unwrap_err()
            .contains("not in 0% .. 40%")
    );
    assert!(
        load(FILE, &[("mtu", "576")])
            .unwrap_err()
            .contains("no variable `mtu`")
    );
    let text = FILE.replace("size: ${size}", "size: ${sise}");
    let e = load(&text, &[]).unwrap_err();
    assert!(
        e.contains("v.yaml:19:61: `${sise}`: the vary: section declares no such variable"),
        "{e}"
    );
}

#[test]
fn bad_sections_and_conditions_are_located() {
    let text = FILE.replace("0% .. 40%", "0% .. 40ms");
    assert!(
        load(&text, &[])
            .unwrap_err()
            .contains("v.yaml:5:9: vary: `loss`: `0% .. 40ms`: both ends need the same unit")
    );
    let text = FILE.replace("default: 1ms", "default: 3ms");
    assert!(
        load(&text, &[])
            .unwrap_err()
            .contains("default `3ms` is not in 0.5ms .. 2.0ms")
    );
    let text = FILE.replace("${loss} > 10%", "${loss} > ten");
    let e = load(&text, &[]).unwrap_err();
    assert!(
        e.contains("v.yaml:22:13: when: `0% > ten`: only numbers"),
        "{e}"
    );
}

#[test]
fn ranges_sample_at_their_resolution_and_the_standalone_file_loads() {
    let vars = vary::variables(FILE).unwrap();
    let jitter = vars.iter().find(|v| v.name == "jitter").unwrap();
    assert_eq!(
        jitter.domain,
        Domain::Range {
            low: 5,
            high: 20,
            decimals: 1,
            unit: "ms".into()
        }
    );
    let mut rng = <rand_chacha::ChaCha8Rng as rand_core::SeedableRng>::seed_from_u64(3);
    for _ in 0..50 {
        let v = jitter.domain.sample(&mut rng);
        assert!(jitter.domain.contains(&v), "{v}");
    }
    let values = vec![
        ("jitter".to_string(), "1.5ms".to_string()),
        ("loss".to_string(), "12%".to_string()),
        ("size".to_string(), "56".to_string()),
    ];
    let text = vary::standalone(FILE, &values, 42, "made by a test").unwrap();
    assert!(
        text.contains("# made by a test\n") && !text.contains("vary:"),
        "{text}"
    );
    let s = load(&text, &[]).unwrap();
    assert_eq!((s.seed, s.expect.len()), (42, 2));
    assert!(s.variables.is_empty());
}
