//! Timings of argmap's own computations, without a database: standing over a large
//! attack graph, laying out a 100-claim map, cleaning and segmenting the corpus.
//!
//! Run: `cargo bench --bench core` (release build; prints the median of repeated runs).

use std::hint::black_box;
use std::time::{Duration, Instant};

use argmap::map_svg::{MapEdge, MapNode, NodeKind, render};
use argmap::standing::{Framework, Relation, Target};

/// The median time of `runs` calls of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// A deterministic pseudo-random graph: `n` claims, `m` attacks.
fn graph(n: i64, m: usize) -> Vec<(i64, i64)> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as i64
    };
    (0..m).map(|_| (next(), next())).collect()
}

fn main() {
    for (n, m) in [(100, 150), (10_000, 20_000), (100_000, 200_000)] {
        // m attacks, then m/4 undercuts, each of an earlier attack.
        let attacks = graph(n, m + m / 4);
        let relations: Vec<Relation> = attacks
            .iter()
            .enumerate()
            .map(|(i, &(from, to))| Relation {
                id: i as i64,
                from,
                to: if i < m {
                    Target::Claim(to)
                } else {
                    Target::Relation(to.rem_euclid(m as i64))
                },
                attacks: true,
            })
            .collect();
        let time = median(7, || {
            black_box(Framework::new(0..n, relations.iter().copied()).standings());
        });
        println!(
            "standing: {n} claims, {m} attacks, {} undercuts: {time:?}",
            m / 4
        );
    }

    let mut nodes = vec![MapNode {
        label: "A proposal".into(),
        href: "/proposals/p".into(),
        kind: NodeKind::Proposal,
        standing: None,
        depth: 0,
    }];
    let mut edges = Vec::new();
    for i in 1..=100 {
        nodes.push(MapNode {
            label: format!(
                "Claim number {i}, long enough to wrap across the three lines a node has room for"
            ),
            href: format!("/claims/c{i}"),
            kind: NodeKind::Claim,
            standing: Some(argmap::standing::StandingLabel::Stands),
            depth: 1 + i % 4,
        });
        edges.push(MapEdge {
            from: i,
            to: if i % 4 == 0 { 0 } else { i - 1 },
            kind: argmap::domain::RelationKind::Supports,
        });
    }
    let time = median(21, || {
        black_box(render("map", "Bench", &nodes, &edges));
    });
    println!("map SVG: 101 nodes: {time:?}");

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/nhs-reform/sources");
    let texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let time = median(21, || {
        for text in &texts {
            black_box(argmap::sources::parse(text, None));
        }
    });
    println!("clean and segment the five corpus documents: {time:?}");
}
