//! A YAML document as a tree of nodes that remember their line and column,
//! for error messages that point at the problem (`plan.yaml:12:5`).
//!
//! Built from the events of the parser serde-saphyr uses, with the limits a
//! hostile file needs: anchors and aliases are refused outright (no
//! billion-laughs expansion is possible), nesting is capped at
//! [`MAX_DEPTH`], the node count at [`MAX_NODES`], and duplicate keys are
//! reported with both places.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 32;
/// Most nodes accepted.
pub const MAX_NODES: usize = 200_000;

/// Where something is in the text: line and column, from 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// What a node holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A mapping: each key with where it is, and its value.
    Map(Vec<(String, Pos, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A scalar, and whether it was written plain (unquoted).
    Scalar(String, bool),
}

/// A node and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Its content.
    pub value: Value,
    /// Where it starts.
    pub pos: Pos,
}

/// A problem found while reading the text, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// Where.
    pub pos: Pos,
    /// What.
    pub message: String,
}

impl Node {
    /// The entry `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// Where the dotted `path` (`agents.alpha.tier`, `consensus.required.1`)
    /// is, or its nearest existing ancestor.
    pub fn locate(&self, path: &str) -> Pos {
        let mut node = self;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let next = match &node.value {
                Value::Map(entries) => entries
                    .iter()
                    .find(|(k, _, _)| k == part)
                    .map(|(_, _, v)| v),
                Value::Seq(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
                Value::Scalar(..) => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node.pos
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// True for `~`, `null`, or an empty plain scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s, true) if matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

fn pos(m: &serde_saphyr::granit_parser::Marker) -> Pos {
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

enum Open {
    Map(Pos, Vec<(String, Pos, Node)>, Option<(String, Pos)>),
    Seq(Pos, Vec<Node>),
}

/// Parses one YAML document into a tree. Duplicate keys are collected in
/// the second value (the tree keeps the first); anything else that stops
/// parsing is the error.
pub fn parse(text: &str) -> Result<(Node, Vec<Located>), Located> {
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut duplicates = Vec::new();
    let mut nodes = 0usize;
    let mut documents = 0usize;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let info = e.info();
            Located {
                pos: pos(e.marker()),
                message: if info.contains("recursion limit") {
                    format!("nested deeper than {MAX_DEPTH} levels")
                } else {
                    info
                },
            }
        })?;
        let at = pos(&span.start);
        let refuse = |message: &str| Located {
            pos: at,
            message: message.to_string(),
        };
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(refuse(
                        "a plan is one YAML document; remove the second `---`",
                    ));
                }
                continue;
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                return Err(refuse(
                    "aliases (`*name`) are not allowed in plans: write the value out",
                ));
            }
            Event::Anchor(..) => {
                return Err(refuse(
                    "anchors (`&name`) are not allowed in plans: write the value out",
                ));
            }
            Event::Scalar(value, style, anchor, _) => {
                if anchor != 0 {
                    return Err(refuse(
                        "anchors (`&name`) are not allowed in plans: write the value out",
                    ));
                }
                Node {
                    value: Value::Scalar(value.into_owned(), style == ScalarStyle::Plain),
                    pos: at,
                }
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if anchor != 0 {
                    return Err(refuse(
                        "anchors (`&name`) are not allowed in plans: write the value out",
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(refuse(&format!("nested deeper than {MAX_DEPTH} levels")));
                }
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Open::Map(at, Vec::new(), None)
                } else {
                    Open::Seq(at, Vec::new())
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Map(p, entries, _)) => Node {
                    value: Value::Map(entries),
                    pos: p,
                },
                Some(Open::Seq(p, items)) => Node {
                    value: Value::Seq(items),
                    pos: p,
                },
                None => continue,
            },
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(refuse(&format!("more than {MAX_NODES} values")));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, entries, key)) => match key.take() {
                None => match node.value {
                    Value::Scalar(k, _) => *key = Some((k, node.pos)),
                    _ => {
                        return Err(Located {
                            pos: node.pos,
                            message: "keys must be plain text".into(),
                        });
                    }
                },
                Some((k, kpos)) => {
                    if let Some((_, first, _)) = entries.iter().find(|(e, _, _)| *e == k) {
                        duplicates.push(Located {
                            pos: kpos,
                            message: format!(
                                "`{k}` is given twice (first at line {}, column {})",
                                first.line, first.column
                            ),
                        });
                    } else {
                        entries.push((k, kpos, node));
                    }
                }
            },
        }
    }
    let root = root.ok_or(Located {
        pos: Pos { line: 1, column: 1 },
        message: "the document is empty".into(),
    })?;
    Ok((root, duplicates))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_where_they_are() {
        let (root, dups) = parse("name: x\nagents:\n  alpha:\n    tier: 7\n").unwrap();
        assert!(dups.is_empty());
        assert_eq!(
            root.locate("agents.alpha.tier"),
            Pos {
                line: 4,
                column: 11
            }
        );
        assert_eq!(root.locate("agents.beta"), Pos { line: 3, column: 3 });
        assert_eq!(root.get("name").unwrap().as_str(), Some("x"));
    }

    #[test]
    fn duplicates_are_reported_with_both_places() {
        let (_, dups) = parse("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(dups.len(), 1);
        assert_eq!(dups[0].pos, Pos { line: 3, column: 1 });
        assert!(dups[0].message.contains("line 1"), "{}", dups[0].message);
    }

    #[test]
    fn bombs_and_deep_nesting_are_refused() {
        let laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        assert!(parse(laughs).unwrap_err().message.contains("anchors"));
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
        assert!(parse("a: *x\n").is_err());
        assert!(
            parse("a: 1\n---\nb: 2\n")
                .unwrap_err()
                .message
                .contains("one YAML document")
        );
        let bad = parse("a: [1, 2\n").unwrap_err();
        assert!(bad.pos.line >= 1);
    }
}
