//! The proposal map can be traced (issue 12): Graphviz lays it out, so no edge passes
//! through another node's box and every box holds its whole text, over every proposal of
//! the shipped map and over a generated map of about two hundred claims; the page draws
//! the same map as `map.svg`.

use std::collections::BTreeSet;

use crate::harness::{TestApp, select, text};

/// A node's box and its text lines with their positions.
struct Node {
    title: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    lines: Vec<(f64, f64, f64, String)>,
}

impl Node {
    /// Whether (x, y) is inside the box, `inset` units from its sides.
    fn holds(&self, x: f64, y: f64, inset: f64) -> bool {
        x > self.x0 + inset && x < self.x1 - inset && y > self.y0 + inset && y < self.y1 - inset
    }
}

/// The numbers of an SVG path or points list, as (x, y) pairs.
fn points(data: &str) -> Vec<(f64, f64)> {
    let numbers: Vec<f64> = data
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    numbers.chunks(2).map(|p| (p[0], p[1])).collect()
}

/// Points along a Graphviz edge path (`M p0 C p1 p2 p3 p4 p5 p6 …`): each cubic Bézier
/// piece sampled.
fn along(path: &str) -> Vec<(f64, f64)> {
    let p = points(path);
    let mut out = vec![p[0]];
    for piece in p[1..].chunks(3).filter(|c| c.len() == 3) {
        let start = *out.last().unwrap();
        for step in 1..=20 {
            let t = f64::from(step) / 20.0;
            let u = 1.0 - t;
            let at = |a: f64, b: f64, c: f64, d: f64| {
                u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d
            };
            out.push((
                at(start.0, piece[0].0, piece[1].0, piece[2].0),
                at(start.1, piece[0].1, piece[1].1, piece[2].1),
            ));
        }
    }
    out
}

/// The drawing's nodes and edges (each edge as points along it).
fn parse(svg: &str) -> (Vec<Node>, Vec<Vec<(f64, f64)>>) {
    let doc = scraper::Html::parse_fragment(svg);
    let mut nodes = Vec::new();
    for g in select(&doc, "g.node") {
        let shape = g
            .select(&scraper::Selector::parse("path, polygon").unwrap())
            .next()
            .expect("a node has a box");
        let corners = points(
            shape
                .value()
                .attr("d")
                .or(shape.value().attr("points"))
                .unwrap(),
        );
        let xs = corners.iter().map(|p| p.0);
        let ys = corners.iter().map(|p| p.1);
        let lines = g
            .select(&scraper::Selector::parse("text").unwrap())
            .map(|t| {
                let attr = |name: &str| t.value().attr(name).unwrap().parse::<f64>().unwrap();
                (attr("x"), attr("y"), attr("font-size"), text(&t))
            })
            .collect();
        nodes.push(Node {
            title: text(
                &g.select(&scraper::Selector::parse("title").unwrap())
                    .next()
                    .unwrap(),
            ),
            x0: xs.clone().fold(f64::MAX, f64::min),
            x1: xs.fold(f64::MIN, f64::max),
            y0: ys.clone().fold(f64::MAX, f64::min),
            y1: ys.fold(f64::MIN, f64::max),
            lines,
        });
    }
    let edges = select(&doc, "g.edge > path")
        .iter()
        .map(|p| along(p.value().attr("d").unwrap()))
        .collect();
    (nodes, edges)
}

/// Checks one drawing: every box holds its whole text (the words of its title, which is
/// its full text, each line within the box at a generous Helvetica width), and no edge
/// passes through a box other than the two it joins. Returns (nodes, edges).
#[track_caller]
fn traceable(what: &str, svg: &str) -> (usize, usize) {
    assert!(
        svg.contains("class=\"argument-map graphviz\""),
        "{what} is laid out by Graphviz"
    );
    let (nodes, edges) = parse(svg);
    assert!(!nodes.is_empty(), "{what} has nodes");
    for node in &nodes {
        let words: Vec<&str> = node
            .lines
            .iter()
            .flat_map(|l| l.3.split_whitespace())
            .collect();
        let full: Vec<&str> = node.title.split_whitespace().collect();
        assert_eq!(words, full, "{what}: the box shows its whole text");
        for (x, y, size, line) in &node.lines {
            let half = line.chars().count() as f64 * size * 0.6 / 2.0;
            assert!(
                x - half >= node.x0 - 1.0 && x + half <= node.x1 + 1.0,
                "{what}: {line:?} fits across its box"
            );
            assert!(
                y - size >= node.y0 - 1.0 && *y <= node.y1 + 1.0,
                "{what}: {line:?} fits down its box"
            );
        }
    }
    for edge in &edges {
        let (start, end) = (edge[0], *edge.last().unwrap());
        for node in &nodes {
            // The two boxes it joins: the ones its ends touch.
            if node.holds(start.0, start.1, -4.0) || node.holds(end.0, end.1, -12.0) {
                continue;
            }
            assert!(
                edge.iter().all(|&(x, y)| !node.holds(x, y, 1.0)),
                "{what}: an edge passes through the box of {:?}",
                node.title
            );
        }
    }
    (nodes.len(), edges.len())
}

#[tokio::test]
async fn every_proposal_map_of_the_shipped_map_can_be_traced_and_the_page_draws_the_same() {
    let app = TestApp::spawn_with_corpus().await;
    let slugs: BTreeSet<String> = crate::pages::slugs(&app.db, "proposals").await;
    let mut edges = 0;
    for slug in slugs {
        let svg = app.svg(&format!("/proposals/{slug}/map.svg")).await;
        edges += traceable(&slug, &svg).1;
        let page = app.page(&format!("/proposals/{slug}")).await;
        let drawn = select(&page, "#map svg.argument-map");
        assert_eq!(drawn.len(), 1, "/proposals/{slug} draws its map");
        let (on_page, alone) = (parse(&drawn[0].html()), parse(&svg));
        let titles = |nodes: &[Node]| -> Vec<(String, i64, i64)> {
            nodes
                .iter()
                .map(|n| (n.title.clone(), n.x0.round() as i64, n.y0.round() as i64))
                .collect()
        };
        assert_eq!(
            titles(&on_page.0),
            titles(&alone.0),
            "/proposals/{slug}: the page and map.svg draw the same map"
        );
        assert!(
            svg.contains("class=\"legend\""),
            "{slug}: the drawing has a legend"
        );
    }
    assert!(edges > 20, "the shipped map has edges to trace: {edges}");
}

#[tokio::test]
async fn a_generated_map_of_two_hundred_claims_can_be_traced() {
    let app = TestApp::spawn_with_corpus().await;
    // Two hundred claims around one proposal: forty bear on it, the rest reply to earlier
    // claims (supports, attacks and undercuts), some to two.
    sqlx::raw_sql(
        "insert into debates (slug, title) values ('generated', 'Generated');
         insert into proposals (slug, debate_id, title)
           select 'generated-proposal', id, 'A generated proposal with a long enough title to wrap' from debates where slug = 'generated';
         insert into claims (slug, body)
           select 'generated-' || i, 'Generated claim ' || i || ' says something about the reform, at some length so that it wraps onto a few lines.'
           from generate_series(1, 200) i;
         insert into relations (kind, from_claim_id, to_proposal_id)
           select case when i % 3 = 0 then 'attacks' else 'supports' end, c.id, p.id
           from generate_series(1, 40) i join claims c on c.slug = 'generated-' || i, proposals p
           where p.slug = 'generated-proposal';
         insert into relations (kind, from_claim_id, to_claim_id)
           select (array['supports', 'attacks'])[1 + i % 2], c.id, t.id
           from generate_series(41, 200) i
           join claims c on c.slug = 'generated-' || i
           join claims t on t.slug = 'generated-' || (1 + (i * 7) % (i - 1))
           where i % 3 <> 0;
         insert into relations (kind, from_claim_id, to_relation_id)
           select 'undercuts', c.id, r.id
           from generate_series(41, 200) i
           join claims c on c.slug = 'generated-' || i
           join claims p on p.slug = 'generated-' || (i - 1)
           join relations r on r.from_claim_id = p.id and r.to_claim_id is not null
           where i % 3 = 0;
         insert into relations (kind, from_claim_id, to_claim_id)
           select 'attacks', c.id, t.id
           from generate_series(60, 200, 10) i
           join claims c on c.slug = 'generated-' || i
           join claims t on t.slug = 'generated-' || (i / 2 - 3);",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let svg = app.svg("/proposals/generated-proposal/map.svg").await;
    let first = started.elapsed();
    let started = std::time::Instant::now();
    let again = app.get("/proposals/generated-proposal/map.svg").await;
    assert_eq!(again.status(), 200);
    println!(
        "map.svg of 201 nodes: {first:?} drawn, {:?} kept",
        started.elapsed()
    );
    let (nodes, edges) = traceable("the generated map", &svg);
    assert_eq!(nodes, 201, "every claim is drawn");
    assert!(edges >= 200, "{edges} edges");
}
