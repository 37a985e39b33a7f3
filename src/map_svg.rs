//! Drawing an argument map as SVG on the server: a proposal (or claim) and the claims
//! that support or attack it, their rebuttals beyond those.
//!
//! The drawing is laid out by Graphviz (`dot`): layers from the proposal outwards, edges
//! routed around the boxes and crossings kept few. Supports are solid green lines with a
//! filled arrow, attacks dashed red lines ending in a bar, undercuts dotted amber lines
//! ending in a diamond; a legend says so. Every node is a link to its page carrying its
//! full text (as its `<title>`, shown on hover, and in the box itself, never cut), and
//! nodes and edges carry the classes `node` and `edge` (Graphviz's own) plus their kind
//! and standing, so the page's stylesheet and other tools can read the drawing. Input is
//! put in one order (nodes by kind and link, edges by their ends) so the same map draws
//! the same wherever it comes from.
//!
//! `dot` runs with a time limit and a size bound, and each drawing is kept (by its DOT
//! source) so a page drawn again costs nothing. Without Graphviz (not installed, too big,
//! too slow) the map falls back to a simple layered drawing of its own that says so.
//! Colours come as presentation attributes (so a standalone `.svg` looks right) and as
//! classes (so the page's stylesheet can restyle it, e.g. in dark mode).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::domain::RelationKind;
use crate::standing::StandingLabel;

/// Nodes per row.
pub const COLUMNS: usize = 5;
const NODE_WIDTH: i32 = 190;
const NODE_HEIGHT: i32 = 82;
const GAP_X: i32 = 22;
const GAP_Y: i32 = 46;
const MARGIN: i32 = 16;
const CHARS_PER_LINE: usize = 27;
const LINES_PER_NODE: usize = 3;
/// Room below a drawing for its legend.
const LEGEND: i32 = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Proposal,
    Claim,
}

#[derive(Debug, Clone)]
pub struct MapNode {
    pub label: String,
    pub href: String,
    pub kind: NodeKind,
    /// For claims.
    pub standing: Option<StandingLabel>,
    /// Distance from the root (0).
    pub depth: usize,
}

/// `from` supports, attacks or undercuts `to` (indices into the nodes).
#[derive(Debug, Clone)]
pub struct MapEdge {
    pub from: usize,
    pub to: usize,
    pub kind: RelationKind,
}

struct Placed {
    x: i32,
    y: i32,
}

/// Places each node: layers top to bottom, ordered within a layer by where the nodes they
/// point at sit (fewer crossings), wrapped into rows.
fn layout(nodes: &[MapNode], edges: &[MapEdge]) -> (Vec<Placed>, i32, i32) {
    let mut layers: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, node) in nodes.iter().enumerate() {
        layers.entry(node.depth).or_default().push(i);
    }
    let widest = layers
        .values()
        .map(Vec::len)
        .max()
        .unwrap_or(1)
        .min(COLUMNS) as i32;
    let width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1) * GAP_X;
    let mut placed: Vec<Option<Placed>> = (0..nodes.len()).map(|_| None).collect();
    let mut y = MARGIN;
    for layer in layers.values_mut() {
        let barycentre = |i: usize| {
            let xs: Vec<i32> = edges
                .iter()
                .filter(|e| e.from == i)
                .filter_map(|e| placed[e.to].as_ref().map(|p| p.x))
                .collect();
            if xs.is_empty() {
                i32::MAX
            } else {
                xs.iter().sum::<i32>() / xs.len() as i32
            }
        };
        let mut keyed: Vec<(i32, usize)> = layer.iter().map(|&i| (barycentre(i), i)).collect();
        keyed.sort();
        for row in keyed.chunks(COLUMNS) {
            let row_width = row.len() as i32 * NODE_WIDTH + (row.len() as i32 - 1) * GAP_X;
            let mut x = (width - row_width) / 2;
            for &(_, i) in row {
                placed[i] = Some(Placed { x, y });
                x += NODE_WIDTH + GAP_X;
            }
            y += NODE_HEIGHT + GAP_Y;
        }
    }
    let height = y - GAP_Y + MARGIN + LEGEND;
    (
        placed
            .into_iter()
            .map(|p| p.expect("every node is in a layer"))
            .collect(),
        width,
        height,
    )
}

/// The SVG markup of a map. `id` prefixes element ids, so two maps can share a page.
pub fn render(id: &str, title: &str, nodes: &[MapNode], edges: &[MapEdge]) -> String {
    let (nodes, edges) = canonical(nodes, edges);
    let description = describe(&nodes, &edges);
    let drawing = graphviz::Drawing {
        id,
        title,
        description: &description,
        nodes: &nodes,
        edges: &edges,
    };
    if let Some(svg) = graphviz::draw(&drawing) {
        return svg;
    }
    fallback(id, title, &description, &nodes, &edges)
}

/// The nodes in one order (the roots, then by kind and link) and the edges by their ends,
/// renumbered: the same map gives the same drawing whatever order it was read in.
fn canonical(nodes: &[MapNode], edges: &[MapEdge]) -> (Vec<MapNode>, Vec<MapEdge>) {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |n: &MapNode| (n.depth != 0, n.kind == NodeKind::Claim, n.href.clone());
        key(&nodes[a]).cmp(&key(&nodes[b]))
    });
    let mut position = vec![0; nodes.len()];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new;
    }
    let sorted: Vec<MapNode> = order.iter().map(|&i| nodes[i].clone()).collect();
    let mut renumbered: Vec<MapEdge> = edges
        .iter()
        .map(|e| MapEdge {
            from: position[e.from],
            to: position[e.to],
            kind: e.kind,
        })
        .collect();
    renumbered.sort_by_key(|e| (e.to, e.from, e.kind));
    renumbered.dedup_by_key(|e| (e.to, e.from, e.kind));
    (sorted, renumbered)
}

/// What the map holds, in words (the SVG's description).
fn describe(nodes: &[MapNode], edges: &[MapEdge]) -> String {
    let claims = nodes.iter().filter(|n| n.kind == NodeKind::Claim).count();
    let count = |kind: RelationKind| edges.iter().filter(|e| e.kind == kind).count();
    format!(
        "{claims} claims linked by {} supports, {} attacks and {} undercuts. Each box links to its page.",
        count(RelationKind::Supports),
        count(RelationKind::Attacks),
        count(RelationKind::Undercuts)
    )
}

/// A node's full text and standing, as its tooltip and accessible name.
fn tooltip(node: &MapNode) -> String {
    match node.standing {
        Some(standing) => format!("{} ({standing})", node.label),
        None => node.label.clone(),
    }
}

/// The classes a node carries beside `node`: its kind and a claim's standing.
fn node_class(node: &MapNode) -> String {
    match (node.kind, node.standing) {
        (NodeKind::Proposal, _) => "proposal".to_owned(),
        (NodeKind::Claim, standing) => format!("claim {}", standing.unwrap_or_default()),
    }
}

/// A node's fill and border: proposals blue, claims by standing (standing white with a
/// green border, contested amber, defeated grey).
fn node_colours(node: &MapNode) -> (&'static str, &'static str) {
    match (node.kind, node.standing) {
        (NodeKind::Proposal, _) => ("#e8f0f7", "#005a8d"),
        (NodeKind::Claim, Some(StandingLabel::Defeated)) => ("#f1f1f1", "#6b6b6b"),
        (NodeKind::Claim, Some(StandingLabel::Contested)) => ("#fff6e0", "#a06800"),
        (NodeKind::Claim, _) => ("#ffffff", "#2f6f3e"),
    }
}

/// The drawing made without Graphviz: layers by distance from the root, wrapped into
/// rows, straight edges; it says it is the simple drawing.
fn fallback(
    id: &str,
    title: &str,
    description: &str,
    nodes: &[MapNode],
    edges: &[MapEdge],
) -> String {
    let (placed, width, height) = layout(nodes, edges);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="argument-map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, sans-serif" font-size="12">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape_xml(title),
        escape_xml(&format!(
            "{description} Drawn without Graphviz: edges are straight and may cross boxes."
        ))
    );
    svg.push_str("<defs>");
    for &kind in RelationKind::ALL {
        let colour = edge_colour(kind);
        let _ = write!(
            svg,
            r#"<marker id="{id}-arrow-{kind}" viewBox="0 0 12 12" refX="11" refY="6" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="{head}" fill="{colour}" class="arrow {kind}"/></marker>"#,
            head = head(kind, 11, 6)
        );
    }
    svg.push_str("</defs>");

    draw_edges(&mut svg, id, edges, &placed);
    draw_nodes(&mut svg, nodes, &placed);
    draw_legend(&mut svg, MARGIN, height - 20);
    svg.push_str("</svg>");
    svg
}

fn draw_edges(svg: &mut String, id: &str, edges: &[MapEdge], placed: &[Placed]) {
    svg.push_str(r#"<g class="edges">"#);
    for edge in edges {
        let (from, to) = (&placed[edge.from], &placed[edge.to]);
        let (x1, x2) = (from.x + NODE_WIDTH / 2, to.x + NODE_WIDTH / 2);
        let (y1, y2) = if from.y > to.y {
            (from.y, to.y + NODE_HEIGHT)
        } else {
            (from.y + NODE_HEIGHT, to.y)
        };
        let colour = edge_colour(edge.kind);
        let dash = dash(edge.kind);
        let _ = write!(
            svg,
            r#"<line class="edge {kind}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="1.6"{dash} marker-end="url(#{id}-arrow-{kind})"/>"#,
            kind = edge.kind
        );
    }
    svg.push_str("</g>");
}

fn draw_nodes(svg: &mut String, nodes: &[MapNode], placed: &[Placed]) {
    svg.push_str(r#"<g class="nodes">"#);
    for (node, at) in nodes.iter().zip(placed) {
        let class = node_class(node);
        let (fill, stroke) = node_colours(node);
        let tooltip = tooltip(node);
        let _ = write!(
            svg,
            r##"<a href="{href}" class="node {class}"><title>{tooltip}</title><rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/><text x="{tx}" y="{ty}" fill="#1d232b">"##,
            href = escape_xml(&node.href),
            tooltip = escape_xml(&tooltip),
            x = at.x,
            y = at.y,
            tx = at.x + 10,
            ty = at.y + 8,
        );
        for line in wrap(&node.label, CHARS_PER_LINE, LINES_PER_NODE) {
            let _ = write!(
                svg,
                r#"<tspan x="{}" dy="16">{}</tspan>"#,
                at.x + 10,
                escape_xml(&line)
            );
        }
        if let Some(standing) = node.standing {
            let _ = write!(
                svg,
                r#"<tspan x="{}" dy="15" class="standing" font-size="10" font-style="italic">{standing}</tspan>"#,
                at.x + 10
            );
        }
        svg.push_str("</text></a>");
    }
    svg.push_str("</g>");
}

/// The key to the edges, from (`x`, `y`): each kind's line, arrowhead and name.
fn draw_legend(svg: &mut String, x: i32, y: i32) {
    let mut x = x;
    svg.push_str(r#"<g class="legend">"#);
    for &kind in RelationKind::ALL {
        let (colour, dash) = (edge_colour(kind), dash(kind));
        let _ = write!(
            svg,
            r##"<g class="legend-item {kind}"><line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="1.6"{dash}/><path d="{head}" fill="{colour}" stroke="{colour}"/><text x="{tx}" y="{ty}" fill="#1d232b" font-size="12">{kind}</text></g>"##,
            x2 = x + 30,
            head = head(kind, x + 34, y),
            tx = x + 40,
            ty = y + 4
        );
        x += 120;
    }
    svg.push_str("</g>");
}

/// The arrowhead of an edge of `kind` with its tip at (`x`, `y`), pointing right: a
/// triangle for supports, a bar for attacks, a diamond for undercuts (as Graphviz draws
/// `normal`, `tee` and `diamond`).
fn head(kind: RelationKind, x: i32, y: i32) -> String {
    match kind {
        RelationKind::Supports => format!("M{},{} L{x},{y} L{},{} z", x - 9, y - 4, x - 9, y + 4),
        RelationKind::Attacks => format!("M{},{} h3 v12 h-3 z", x - 3, y - 6),
        RelationKind::Undercuts => format!("M{},{y} l5,-4 l5,4 l-5,4 z", x - 10),
    }
}

/// Graphviz's name for the arrowhead of `kind` (see [`head`]).
fn arrowhead(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Supports => "normal",
        RelationKind::Attacks => "tee",
        RelationKind::Undercuts => "diamond",
    }
}

/// How an edge of `kind` is dashed: supports solid, attacks dashed, undercuts dotted.
fn dash(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Supports => "",
        RelationKind::Attacks => r#" stroke-dasharray="6 4""#,
        RelationKind::Undercuts => r#" stroke-dasharray="2 3""#,
    }
}

fn edge_colour(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Supports => "#2f6f3e",
        RelationKind::Attacks => "#b3261e",
        RelationKind::Undercuts => "#a06800",
    }
}

/// Words into at most `max_lines` lines of about `width` chars, the last ending in "…"
/// when the text is longer.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        while last.chars().count() > width - 1 {
            last.pop();
        }
        last.push('…');
    }
    lines
}

mod graphviz;

pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML 1.0 cannot hold at all: dropped, so the document stays valid
            // whatever anyone wrote.
            c if (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(depth: usize, label: &str) -> MapNode {
        MapNode {
            label: label.into(),
            href: format!("/claims/{label}"),
            kind: NodeKind::Claim,
            standing: Some(StandingLabel::Stands),
            depth,
        }
    }

    #[test]
    fn long_labels_wrap_and_are_cut_with_an_ellipsis() {
        let lines = wrap(
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
            12,
            3,
        );
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        assert!(lines.iter().all(|l| l.chars().count() <= 12));
    }

    #[test]
    fn text_is_escaped() {
        let svg = render(
            "m",
            "A <b> & \"c\"",
            &[node(0, "<script>alert(1)</script>")],
            &[],
        );
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("A &lt;b&gt; &amp; &quot;c&quot;"));
    }

    #[test]
    fn a_hundred_nodes_wrap_into_rows_of_five_at_a_readable_width() {
        let mut nodes = vec![MapNode {
            kind: NodeKind::Proposal,
            standing: None,
            ..node(0, "root")
        }];
        let mut edges = Vec::new();
        for i in 1..=100 {
            nodes.push(node(1 + i % 2, &format!("claim {i}")));
            edges.push(MapEdge {
                from: i,
                to: 0,
                kind: RelationKind::Supports,
            });
        }
        let (placed, width, _) = layout(&nodes, &edges);
        assert_eq!(
            width,
            2 * MARGIN + 5 * NODE_WIDTH + 4 * GAP_X,
            "never wider than five nodes"
        );
        let mut positions: Vec<(i32, i32)> = placed.iter().map(|p| (p.x, p.y)).collect();
        positions.sort();
        positions.dedup();
        assert_eq!(positions.len(), nodes.len(), "no two nodes overlap");
        let svg = render("m", "Big map", &nodes, &edges);
        assert_eq!(
            svg.matches(r#"class="node "#).count(),
            101,
            "every node is drawn"
        );
        assert_eq!(
            svg.matches("href=\"/claims/").count(),
            101,
            "every node links to its page"
        );
    }
}
